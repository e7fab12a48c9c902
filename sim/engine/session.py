"""A session: the tree of explored branches, a cursor in it, and seeded rolls.

Every choice made by a person, a script or a roll becomes a child of the current
step; going back never forgets a branch, and taking the same choice again returns
to the branch already explored. Rolls are seeded by the seed and the path, so the
same session replays identically anywhere (``random.Random`` seeded with text uses
SHA-512 of the text, which does not depend on ``PYTHONHASHSEED``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sim.engine import core
from sim.engine.core import Node, Option
from sim.engine.model import Scenario
from sim.engine.trace import Fired
from sim.engine.vocab import How, Kind


INJECT = "inject:"  # a recorded choice "inject:EVENT_ID": the event was brought in on demand


class ChoiceError(ValueError):
    """A choice that is not on offer at this step (the message lists what is)."""


@dataclass(slots=True, eq=False)
class Step:
    id: int
    parent: int | None
    choice: str | None  # id of the act that led here
    how: str  # "picked", "rolled" or "" for the start
    node: Node
    trace: tuple[Fired, ...]
    prompts: tuple[str, ...]  # discussion prompts that first apply here
    depth: int
    children: dict[str, int] = field(default_factory=dict)
    rolls: int = 0  # how many times a roll was made here (each roll draws afresh)


class Session:
    def __init__(self, scenario: Scenario, seed: int = 0):
        self.scenario = scenario
        self.seed = seed
        root_node = core.start(scenario)
        self.steps: list[Step] = [Step(0, None, None, "", root_node, (), self._prompts_at(root_node, ()), 0)]
        self.current = 0

    # --- reading ------------------------------------------------------------------------------

    def step(self, step_id: int | None = None) -> Step:
        return self.steps[self.current if step_id is None else step_id]

    @property
    def node(self) -> Node:
        return self.step().node

    def options(self, step_id: int | None = None) -> list[Option]:
        return core.options(self.scenario, self.step(step_id).node)

    def owner(self, step_id: int | None = None) -> str:
        """Whose decision the step is (a side's id, "chance" or "table"; see core.owner)."""
        return core.owner(self.scenario, self.step(step_id).node)

    def path(self, step_id: int | None = None) -> list[Step]:
        out = []
        step: Step | None = self.step(step_id)
        while step is not None:
            out.append(step)
            step = None if step.parent is None else self.steps[step.parent]
        return out[::-1]

    def choices(self, step_id: int | None = None) -> list[str]:
        return [s.choice for s in self.path(step_id)[1:] if s.choice is not None]

    def untaken(self, step_id: int | None = None) -> list[Option]:
        """Options at a step that no explored branch has taken yet."""
        step = self.step(step_id)
        return [o for o in self.options(step.id) if o.act.id not in step.children]

    def leaves(self) -> list[Step]:
        return [s for s in self.steps if not s.children]

    def children(self, step_id: int | None = None) -> list[Step]:
        return [self.steps[i] for i in self.step(step_id).children.values()]

    # --- moving -------------------------------------------------------------------------------

    def choose(self, act_id: str, how: str = "picked") -> Step:
        """Take the option ``act_id`` at the current step ("rule.alt" or just "alt" at a chance node)."""
        if act_id.startswith(INJECT):
            return self.inject(act_id[len(INJECT) :], how)
        step = self.step()
        options = self.options()
        option = _find(options, act_id)
        if option is None:
            raise ChoiceError(_not_offered(self.scenario, step.node, act_id, options))
        existing = step.children.get(option.act.id)
        if existing is not None:
            self.current = existing
            return self.steps[existing]
        trace: list[Fired] = []
        node = core.advance(self.scenario, step.node, option.act, trace)
        if trace and trace[0].how == How.CHOSEN:
            trace[0] = trace[0].with_how(how)
        return self._child(step, option.act.id, how, node, trace)

    def inject(self, event_id: str, how: str = "picked") -> Step:
        """Bring one of the scenario's events in now, on demand (core.inject): recorded as the
        choice ``inject:EVENT_ID``, so scripts and stored logs replay it like any other."""
        scn = self.scenario
        step = self.step()
        rule = scn.rule_by_id.get(event_id)
        if rule is None or rule.kind != Kind.EVENT:
            events = ", ".join(scn.rules[r].id for r in scn.events) or "none"
            raise ChoiceError(f"no event '{event_id}' to inject; the scenario's events: {events}")
        if not core.can_inject(scn, step.node):
            raise ChoiceError(f"'{event_id}' cannot be injected here: an event comes in where a side decides, before anyone has chosen in this round")
        if not rule.eligible(step.node.state):
            raise ChoiceError(f"'{event_id}' cannot be injected here: none of its branches applies now")
        key = INJECT + rule.id
        existing = step.children.get(key)
        if existing is not None:
            self.current = existing
            return self.steps[existing]
        trace: list[Fired] = []
        node = core.inject(scn, step.node, rule.index, trace)
        return self._child(step, key, how, node, trace)

    def _child(self, step: Step, key: str, how: str, node: Node, trace: list[Fired]) -> Step:
        seen_before = {p for s in self.path(step.id) for p in s.prompts}
        prompts = self._prompts_at(node, trace, seen_before)
        child = Step(len(self.steps), step.id, key, how, node, tuple(trace), prompts, step.depth + 1)
        self.steps.append(child)
        step.children[key] = child.id
        self.current = child.id
        return child

    def roll(self) -> Step:
        """Pick an option at random by the author's weights, seeded by seed + path."""
        step = self.step()
        options = self.options()
        if not options:
            raise ChoiceError("nothing to roll for: " + ("the scenario has ended" if step.node.over else "no moves are on offer (a dead end)"))
        act = pick(options, self.rng(step))
        step.rolls += 1
        return self.choose(act.id, how="rolled")

    def seal(self, orders: dict[str, str], how: str = "picked") -> Step:
        """Enter a sealed round's orders, whatever order they arrived in: each side still to
        decide this round takes its order (by act id) or, without one, rolls by the author's
        weights; the orders are taken in the turn order, so the outcome cannot depend on the
        order they were given in. Raises ChoiceError for an order no side here can give."""
        from sim.engine.vocab import TurnMode

        scn = self.scenario
        if scn.turn_mode != TurnMode.SEALED or self.node.seat < 0:
            raise ChoiceError("orders are entered in a sealed round, when a side decides")
        turn, last = self.node.turn, -1
        waiting = [scn.seats[i] for i in range(self.node.seat, len(scn.seats))]
        unknown = sorted(set(orders) - set(waiting))
        if unknown:
            raise ChoiceError(f"no order is due from {', '.join(unknown)} in this round; due: {', '.join(waiting)}")
        while self.node.deciding and self.node.turn == turn and self.node.seat > last:
            last = self.node.seat
            order = orders.get(scn.seats[last])
            if order is None:
                self.roll()
            else:
                self.choose(order, how)
        return self.step()

    def rng(self, step: Step) -> random.Random:
        path = "/".join(self.choices(step.id))
        return random.Random(f"{self.seed}/{path}#{step.rolls}")

    def back(self) -> Step:
        step = self.step()
        if step.parent is not None:
            self.current = step.parent
        return self.step()

    def goto(self, step_id: int) -> Step:
        if not 0 <= step_id < len(self.steps):
            raise ChoiceError(f"no step {step_id} in this session")
        self.current = step_id
        return self.step()

    def replay(self, choices: list[str]) -> Step:
        """Follow ``choices`` from the start ("roll" rolls); raises ChoiceError with the index.
        (:func:`sim.engine.replay.follow`, which scripts and saved sessions use too.)"""
        from sim.engine.replay import follow

        return follow(self, choices)

    # --- prompts ------------------------------------------------------------------------------

    def _prompts_at(self, node: Node, trace, seen: set[str] = frozenset()) -> tuple[str, ...]:
        scn = self.scenario
        out: list[str] = []
        for fired in trace:
            act = scn.by_id.get(fired.id)
            if act is not None and act.prompt and act.prompt not in seen:
                out.append(act.prompt)
        for prompt in scn.prompts:
            if prompt.text not in seen and prompt.text not in out and prompt.when.fn(node.state):
                out.append(prompt.text)
        if node.over:
            out.extend(p for p in scn.endings[node.ending].prompts if p not in out)
        return tuple(out)


def pick(options: list[Option], rng: random.Random):
    """Weighted choice with one uniform draw: deterministic for a given generator state."""
    total = sum(o.weight for o in options)
    x = rng.random() * total
    for o in options:
        x -= o.weight
        if x < 0:
            return o.act
    return next(o.act for o in reversed(options) if o.weight > 0)  # rounding left x at 0


def _find(options: list[Option], act_id: str) -> Option | None:
    for o in options:
        if o.act.id == act_id:
            return o
    matches = [o for o in options if o.act.short_id == act_id and (o.act.rule >= 0 or o.act.is_pass)]
    return matches[0] if len(matches) == 1 else None


def _not_offered(scn: Scenario, node: Node, act_id: str, options: list[Option]) -> str:
    if node.over:
        return f"'{act_id}' cannot be taken: the scenario has ended ({scn.endings[node.ending].title})"
    if not options:
        return f"'{act_id}' cannot be taken: nothing is on offer here (a dead end)"
    if node.deciding:
        where = "moves on offer" if node.seat < 0 else f"moves on offer to {scn.actor_name(scn.seats[node.seat])}"
    else:
        where = f"branches of '{scn.rules[node.pending[0] >> core.DEPTH_BITS].label}'"
    return f"'{act_id}' is not on offer here; {where}: " + ", ".join(o.act.id for o in options)
