"""A room's path as the script format: ``sim run SCENARIO --script FILE`` replays it to the
room's own transcript (text, Markdown and JSON alike).

Each step says whose choice it was, as far as the format can:

* a seat's own choice or sealed order: ``{side: act}`` (a seat that gave no order and
  passed at the reveal: ``{side: its pass}``);
* a roll at a side's branch point (a seat that asked for the roll, or a side without a
  seat played by the author's weights): ``{rolled: act, by: side}``;
* the facilitator's rulings and injects: ``{facilitator: act, ruling: roll|pick|override|inject,
  reason: ...}``, which the replay marks on the step as the room did;
* and, at the end, what the room reached: ``expect: {ending: ...}`` (or ``ending: none`` and
  the turn, where the facilitator ended the game first), so the script checks itself.

What is not a step of the path (the timer, the weights shown or hidden, orders replaced
or voided before a reveal, notes) is the room's log, not the script's: the debrief
(:mod:`sim.room.debrief`) reports it. Pure: it reads a :class:`RoomState`, nothing else.
"""

from __future__ import annotations

from sim.engine.session import Step
from sim.engine.vocab import How, TurnMode
from sim.room.state import Decision, RoomState
from sim.store.rooms import FACILITATOR


def room_script(state: RoomState) -> dict:
    """The room's path as a script's plain data (scenario, seed, title, steps, expect)."""
    s, scn = state.session, state.scenario
    decided: dict[int, Decision] = {d.child: d for d in state.decisions}
    sealed = scn.turn_mode == TurnMode.SEALED
    steps: list = []
    for step in s.path()[1:]:
        parent = s.steps[step.parent]
        d = decided.get(step.id)
        if d is not None:
            steps.append(_decided(d, step))
        elif sealed and parent.node.deciding:  # a revealed order (or a roll for a side without a seat)
            steps.append(_by(scn.seats[parent.node.seat], step))
        else:  # rolled by the author's weights for a side without a seat
            steps.append(_by(s.owner(parent.id), step))
    data: dict = {"scenario": scn.id, "seed": state.meta.seed, "title": state.meta.title, "steps": steps}
    node = s.node
    data["expect"] = {"ending": scn.endings[node.ending].id} if node.over else {"ending": "none", "turn": node.turn}
    return data


def room_script_text(state: RoomState) -> str:
    """:func:`room_script` as YAML, with a header saying how to replay it. Raises
    sim.files.FileError for a path too long for a script to be read back (never written)."""
    from sim.format.script import dump_session

    return dump_session(room_script(state), f"Room {state.meta.id}, exported as a script,")


def _decided(d: Decision, step: Step):
    if d.who == FACILITATOR:
        item = {"facilitator": str(step.choice), "ruling": str(d.ruling)}
        if d.reason:
            item["reason"] = str(d.reason)
        return item
    return _by(d.who.partition(":")[2], step)


def _by(side: str, step: Step):
    """A side's own choice, or a roll at its branch point."""
    if step.how == How.ROLLED:
        return {"rolled": step.choice, "by": side} if side else {"rolled": step.choice}
    return {side: step.choice} if side else step.choice
