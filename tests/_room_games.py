"""Rooms played to an ending through the Room API and the store, for the export, debrief
and CLI tests (tests/test_room_export.py, test_room_debrief.py, test_room_cli.py).

Every kind of decision a class makes happens in a game: sealed orders (one replaced, one
seat left to pass at a forced reveal) or a seat's own choices and rolls in rounds; the
facilitator injects an event once, overrides the author's weights once with a reason,
picks once and accepts the roll otherwise; sides without a seat roll by the weights;
seats write notes on the prompts and the facilitator a note of its own."""

from __future__ import annotations

import random

from sim.engine import core
from sim.room import Room, create_room


class Game:
    """A room with everyone joined: ``g.f`` the facilitator, ``g.seat[side]``, ``g.obs``."""

    def __init__(self, store, scenario, seed=3, seated=None, title=None):
        self.created = create_room(store, scenario, seed=seed, seated=seated, title=title)
        self.room = Room.open(store, self.created.room, scenario)
        codes = self.created.codes
        self.f = self.room.join(codes.facilitator)
        self.seat = {s: self.room.join(c) for s, c in codes.seats.items()}
        self.obs = self.room.join(codes.observer)

    @property
    def id(self) -> int:
        return self.room.id


def _injectable(room) -> str | None:
    found = core.injectable(room.scenario, room.state.session.node)
    return found[0].id if found else None


def play(store, scenario, seed=3, *, rng=0, seated=None, title=None, stop_after=None, limit=600) -> Game:
    """A game played to an ending (or, with ``stop_after`` decisions, ended there by the
    facilitator). Returns the Game; its room's log holds every act."""
    g = Game(store, scenario, seed, seated, title)
    room, r = g.room, random.Random(rng)
    room.start(g.f)
    injected = overridden = picked = forced = replaced = False
    noted: set[str] = set()
    for _ in range(limit):
        v = room.view(g.f)
        if v.asked.what == "ended":
            break
        if stop_after is not None and len(v.decisions) + len(v.rounds) >= stop_after:
            room.end(g.f, "the bell rang")
            break
        for prompt in v.prompts:
            if prompt not in noted and room.state.meta.seated:
                noted.add(prompt)
                side = r.choice(room.state.meta.seated)
                room.note(g.seat[side], f"{side}'s group on this prompt: we disagreed.", prompt=prompt)
        if v.asked.what == "orders":
            due = [s for s in room.state.due_seated()]
            if not injected and _injectable(room):
                if due:
                    room.order(g.seat[due[0]], room.state.offered(due[0])[0].id)
                room.inject(g.f, _injectable(room), "news from outside the room")
                injected = True
                continue
            left_out = due[-1] if (not forced and len(due) > 1) else None
            for side in due:
                if side == left_out:
                    continue
                offered = [a.id for a in room.state.offered(side)]
                if not replaced and len(offered) > 1:
                    room.order(g.seat[side], offered[0])  # a group changes its mind before the reveal
                    replaced = True
                room.order(g.seat[side], r.choice(offered))
            room.reveal(g.f, force=left_out is not None)
            forced = forced or left_out is not None
            continue
        options = [o.act for o in v.asked.options]
        if v.asked.what == "move" and not injected and _injectable(room):
            room.inject(g.f, _injectable(room), None)
            injected = True
        elif v.asked.what == "chance":
            if not overridden and len(options) > 1:
                other = next(a for a in options if a != v.asked.roll)
                room.adjudicate(g.f, "override", other, "the class argued the other branch through")
                overridden = True
            elif not picked and len(options) > 1:
                room.adjudicate(g.f, "pick", options[0])
                picked = True
            else:
                room.adjudicate(g.f, "roll")
        else:
            room.choose(g.seat[v.asked.owner], r.choice([*options, "roll"]))
    else:
        raise AssertionError("the game did not end")
    room.note(g.f, "The facilitator's note: a lively table.")
    return g
