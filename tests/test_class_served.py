"""A class in browsers: ``sim serve --class``, real websocket clients (sim.serve.testing),
one app process per seat, sharing the room only through the store.

Four seats and a facilitator play the whole arc in sealed rounds to an ending, with sealed
orders revealed by the facilitator, notes, an inject, an override and the debrief on
screen; a seat's process is killed mid-round after it has ordered and the seat rejoins with
its code and sees where the room stands and its own sealed order; so is the facilitator's;
the server is stopped and started again and the room goes on. The sealed ceasefire checks
that each seat sees who has ordered, never what, until the facilitator reveals.
The test acts only through keys on the clients' screens; it reads the room through the
Room API (as the facilitator) only to know which key to press next and to check.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from sim.engine.vocab import possessive
from sim.engine import core
from sim.format import load_scenario
from sim.room import Room, create_room
from sim.room.debrief import debrief, markdown
from sim.serve.testing import ServedSim, ScreenClient, wait_all
from sim.store.db import Store

REPO = Path(__file__).resolve().parents[1]
WAIT = 60.0


def flat(needle: str):
    """The screen's text with its rows joined and white space folded: a header that wraps."""
    return lambda screen: needle in " ".join(screen.split())


def left(needle: str, width: int = 60):
    """The left panel's text (the first ``width`` columns), rows joined, white space folded:
    what the room asks, the record of decisions, the notes, however they wrap."""
    return lambda screen: needle in " ".join(" ".join(row[:width] for row in screen.split("\n")).split())


class Class:
    """The room as the test sees it: the store (read as the facilitator) and the clients."""

    def __init__(self, state: Path, scenario_id: str, seed: int = 5):
        self.state = state
        self.scenario = load_scenario(REPO / "scenarios" / f"{scenario_id}.yaml")
        self.store = Store.open(state / "sessions.db")
        self.created = create_room(self.store, self.scenario, seed=seed)
        self.room = Room.open(self.store, self.created.room, self.scenario)
        self.f = self.room.join(self.created.codes.facilitator)
        self.codes = {"facilitator": self.created.codes.facilitator, **self.created.codes.seats}
        self.clients: dict[str, ScreenClient] = {}
        self.pids: dict[str, int] = {}
        self.server: ServedSim | None = None

    def view(self):
        return self.room.view(self.f)

    def name(self, who: str) -> str:
        return "Facilitator" if who == "facilitator" else f"{possessive(self.scenario.actor_name(who))} group"

    async def serve(self) -> ServedSim:
        env = dict(os.environ, SIM_STATE_DIR=str(self.state))
        self.server = await ServedSim(["--class"], env=env).start()
        return self.server

    async def join(self, who: str) -> ScreenClient:
        """A browser opens the page, picks the room and types the code."""
        assert self.server is not None
        before = set(self.server.app_pids())
        client = await self.server.client(120, 60, name=who).connect()  # tall enough for the notes below a long list of options
        await client.wait_for("Join a class", WAIT)
        await client.wait_for(f"Room {self.created.room}:", WAIT)
        await client.press("enter")
        await client.wait_for("type your code", WAIT)
        await client.press(self.codes[who].lower().replace("-", ""), "enter")  # any case, with or without the dash
        await client.wait_for(flat(f"{self.name(who)} · room {self.created.room}"), WAIT)
        new = set(self.server.app_pids()) - before
        assert len(new) == 1
        self.pids[who] = new.pop()
        self.clients[who] = client
        return client

    async def act(self, who: str, *keys: str) -> None:
        """Press keys on one member's screen and wait until the room has recorded the act."""
        before = self.room.revision
        await asyncio.sleep(0.35)  # the screen's last poll (every 0.2 s) has drawn where the room stands
        await self.clients[who].press(*keys)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            self.room.refresh()
            if self.room.revision > before:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"{who} pressed {keys}: nothing recorded; its screen:\n{self.clients[who].text()}")

    async def note(self, who: str, text: str) -> None:
        client = self.clients[who]
        await asyncio.sleep(0.35)
        await client.press("n")
        await client.wait_for(lambda s: "A note on which" in s or "Your note" in s, WAIT)
        if "A note on which" in client.text():
            await client.press("1")
            await client.wait_for("Your note on:", WAIT)
        before = self.room.revision
        await client.press(text, "enter")
        deadline = time.monotonic() + WAIT
        while self.room.revision == before and time.monotonic() < deadline:
            self.room.refresh()
            await asyncio.sleep(0.02)
        assert self.room.revision > before, client.text()
        await client.wait_for(left("Notes, the latest first"), WAIT)  # the dialog closed, the note listed
        await client.wait_for(left(text), WAIT)

    def order_key(self, side: str) -> str:
        """Which option a group orders in a sealed round: the third side in the order goes
        through its options turn by turn, the others pass (their pass is listed last), so
        that the game runs for a while (the first option every time ends it at once)."""
        seat = self.scenario.seats.index(side)
        node = self.room.state.session.node
        n = len(core.offered_to(self.scenario, seat, node.state))
        return str(node.turn % n + 1 if seat == 2 else n)

    def kill(self, who: str) -> None:
        os.kill(self.pids[who], signal.SIGKILL)

    def others(self, who: str) -> list[ScreenClient]:
        return [c for w, c in self.clients.items() if w != who]

    async def close(self) -> None:
        for c in self.clients.values():
            await c.close()
        self.clients.clear()


async def step(k: Class) -> None:
    """Play the branch point the room stands at, by keys on the member whose it is: in a
    sealed round, every due side orders its first option and the facilitator reveals."""
    asked = k.view().asked
    if asked.what == "chance":
        await k.act("facilitator", "r")  # accept the author's roll
    elif asked.what == "move":
        await k.act(asked.owner, "1")
    elif asked.what == "reaction":
        await k.act(asked.owner, "r")  # the seat lets the author's weights decide its reaction
    elif asked.what == "orders":
        for side in k.view().sides:
            if side.due and not side.ordered:
                await k.act(side.id, k.order_key(side.id))
        await k.act("facilitator", "v")  # every due side has ordered: no question asked
    else:
        raise AssertionError(f"nothing to play at {asked.what}: {asked.label}")
    for client in k.clients.values():
        # keep each screen up to date as the game goes: left to the next wait, a dozen turns
        # of redraws would be fed to the emulator at once, blocking this loop past the
        # server's 15 s heartbeat (which then drops the connection)
        client.lines()


@pytest.fixture
def state(tmp_path):
    return tmp_path / "state"


async def test_four_seats_and_a_facilitator_play_the_whole_arc_in_sealed_rounds_to_an_ending_through_kills_and_a_restart(state):
    k = Class(state, "whole_arc_sealed")
    sides = list(k.scenario.seats)
    try:
        await k.serve()
        for who in ["facilitator", *sides]:
            await k.join(who)
        assert len(k.server.app_pids()) == 5
        await k.act("facilitator", "s")
        await wait_all(list(k.clients.values()), "running", WAIT)
        assert k.view().asked.what == "orders"

        # the facilitator brings an event in before anyone has ordered
        event_id, event_label = k.view().asked.injectable[0]
        await k.clients["facilitator"].press("i")
        await k.clients["facilitator"].wait_for("Bring which event in now?", WAIT)
        await k.clients["facilitator"].press("1")
        await k.clients["facilitator"].wait_for("A reason (optional)", WAIT)
        await k.act("facilitator", "To see how the sides answer it", "enter")
        assert any(d.ruling == "inject" and d.act == f"inject:{event_id}" for d in k.view().decisions)
        await wait_all(list(k.clients.values()), left(f"the facilitator brought an event in: {event_label}"), WAIT)

        # play (orders, reveals, reactions, rolls) until, after a sealed round is revealed,
        # the facilitator can rule against the author's weights, and does
        while not (k.view().rounds and k.view().asked.what in ("chance", "reaction") and len(k.view().asked.options) > 1):
            await step(k)
        asked = k.view().asked
        against = next(i for i, o in enumerate(asked.options, 1) if o.act != asked.roll)
        reason = "The class argued the other way"
        await k.clients["facilitator"].press("o")
        await k.clients["facilitator"].wait_for("which branch?", WAIT)
        await k.clients["facilitator"].press(str(against))
        await k.clients["facilitator"].wait_for("Your reason", WAIT)
        await k.act("facilitator", reason, "enter")
        ruled = k.view().decisions[-1]
        assert ruled.ruling == "override" and ruled.reason == reason and ruled.act == asked.options[against - 1].act
        await wait_all(list(k.clients.values()), left(f"overrode the author's weights: {reason}"), WAIT)

        # notes: two seats and the facilitator
        await k.note(sides[0], "We hold to the timeline")
        await k.note(sides[2], "Our conditions stand")
        await k.note("facilitator", "Ask each group what it would concede")
        notes = k.view().notes
        assert [n.who for n in notes] == [f"seat:{sides[0]}", f"seat:{sides[2]}", "facilitator"]

        # a sealed round opens; a seat orders, and its process is killed before the reveal
        while k.view().asked.what != "orders" or not all(s.due for s in k.view().sides if s.id in sides[:2]):
            await step(k)
        victim = sides[1]
        await k.act(victim, k.order_key(victim))
        mine = k.room.view(k.f).orders[-1][1].label
        await wait_all(k.others(victim), left(f"{k.scenario.actor_name(victim)}: ordered"), WAIT)
        k.kill(victim)
        await k.clients[victim].wait_closed(WAIT)
        await k.clients.pop(victim).close()
        await k.act(sides[0], k.order_key(sides[0]))  # the round goes on without it
        view = k.view()
        client = await k.join(victim)
        await client.wait_for(flat(f"turn {view.turn} of {view.horizon} · running"), WAIT)
        await client.wait_for(left(f"Your order (sealed until the reveal; you may change it): {mine}"), WAIT)
        assert "We hold to the timeline" not in client.text()  # another seat's note stays its own
        for side in sides:
            if side != victim:
                assert f"Your order (sealed until the reveal; you may change it): {mine}" not in k.clients[side].text()

        # the facilitator's process is killed; it rejoins with its code and sees every note
        k.kill("facilitator")
        await k.clients["facilitator"].wait_closed(WAIT)
        await k.clients.pop("facilitator").close()
        await k.join("facilitator")
        await k.clients["facilitator"].wait_for(left("Ask each group what it would concede"), WAIT)
        await k.clients["facilitator"].wait_for(left(f"{k.scenario.actor_name(victim)}: {mine}"), WAIT)

        # the server stops (every app with it) and starts again: the room resumes where it stood
        revision = k.room.revision
        await k.close()
        assert await k.server.stop() == 0
        await k.serve()
        for who in ["facilitator", *sides]:
            await k.join(who)
        k.room.refresh()
        assert k.room.revision == revision
        await wait_all(list(k.clients.values()), flat(f"turn {k.view().turn} of"), WAIT)

        # on to an ending
        while k.view().asked.what not in ("ended", "dead end"):
            await step(k)
        view = k.view()
        assert view.asked.what == "ended" and view.ending, view.asked.label
        assert len(view.rounds) >= 2 and all(r.given for r in view.rounds)
        await wait_all(list(k.clients.values()), left(f"Ended: {view.ending}"), WAIT)
        for who, client in k.clients.items():
            if who not in (sides[0], "facilitator"):  # the facilitator reads every note
                assert "We hold to the timeline" not in client.text()

        # the debrief, on the facilitator's screen: the orders by round, the override, the notes
        facilitator = k.clients["facilitator"]
        await facilitator.press("b")
        await facilitator.wait_for(f"Debrief of room {k.created.room}, as the room stands now", WAIT)
        await facilitator.wait_for(flat("Played in sealed rounds"), WAIT)
        k.room.refresh()
        text = markdown(debrief([k.room.state]))  # what that screen shows, whole (it scrolls)
        assert "### Orders by round" in text and f"overrode the author's weights: {reason}" in text
        assert "Ask each group what it would concede" in text and "We hold to the timeline" in text
    finally:
        await k.close()
        if k.server is not None:
            await k.server.stop()
        k.store.close()


async def test_sealed_orders_are_seen_as_given_never_as_what_until_the_reveal(state):
    k = Class(state, "ceasefire_30_day_sealed")
    sides = list(k.scenario.seats)
    try:
        await k.serve()
        for who in ["facilitator", *sides]:
            await k.join(who)
        await k.act("facilitator", "s")
        due = [s.id for s in k.view().sides if s.due]
        given = {}
        for side in due:
            await k.act(side, "1")
            given[side] = k.room.view(k.f).orders[-1][1].label
        first = sides[0]
        others = [k.clients[s] for s in sides if s != first]
        await wait_all(others, f"{k.scenario.actor_name(first)}: ordered", WAIT)
        for side in sides[1:]:
            assert given[first] not in k.clients[side].text() or given[first] == given.get(side)
        await wait_all([k.clients["facilitator"]], left(f"{k.scenario.actor_name(first)}: {given[first]}"), WAIT)
        await k.act("facilitator", "v")  # every side due has ordered: no question asked
        assert k.view().rounds and [g.how for g in k.view().rounds[0].given if g.side in due] == ["ordered"] * len(due)
        await wait_all(list(k.clients.values()), "Turn 1, revealed:", WAIT)
        await wait_all(list(k.clients.values()), left(given[first]), WAIT)
    finally:
        await k.close()
        if k.server is not None:
            await k.server.stop()
        k.store.close()
