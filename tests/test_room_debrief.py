"""The debrief of rooms played to an ending: the path each table took, the orders by round
once revealed (never one still sealed, replaced or voided), the facilitator's decisions
with their reasons, the explorer's ending odds from each decision's state, the prompts with
the groups' notes; across the tables of one scenario; as Markdown, HTML and PDF (read back
with pdftotext, drawn with pdftoppm); and in the teacher's notes."""

from __future__ import annotations

import dataclasses

import pytest
from _room_games import play
from _rooms import SIDES, river
from _support import real
from test_export import pdf_text, rendered_page, text_of

from sim.engine.vocab import possessive
from sim.analysis.explore import exhaustive, playouts
from sim.engine.vocab import Ruling
from sim.export.documents import Options, produce
from sim.export.notes import outlook, teacher_notes
from sim.room.debrief import PLAYOUTS, Explorer, debrief, markdown
from sim.room.state import fold
from sim.store import rooms
from sim.store.db import Store


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "state" / "sessions.db")
    yield s
    s.close()


def _talked(store, scn, **kw):
    """The first of the seeded games whose path raised a prompt (the talks began), with
    each group's note on every prompt raised, written after the game (notes may be)."""
    for rng in range(20):
        g = play(store, scn, 4, rng=rng, **kw)
        if g.room.view(g.f).prompts:
            return _noted(g)
    raise AssertionError("no game of the first 20 raised a prompt")


def _noted(g):
    for prompt in g.room.view(g.f).prompts:
        for side in g.room.state.meta.seated:
            g.room.note(g.seat[side], f"{side.upper()}-NOTE on: {prompt}", prompt=prompt)
    return g


def test_a_tables_debrief_has_its_path_orders_decisions_odds_and_notes(store, tmp_path):
    g = _talked(store, river(tmp_path, "sealed", horizon=6))
    state = g.room.state
    (t,) = debrief([state]).tables
    assert t.story.ending is not None and t.ending == t.story.ending.title
    # every revealed round, in order, with every side's order as the room records it
    assert [(r.turn, [(x.side, x.how) for x in r.given]) for r in t.rounds] == [(r.turn, [(x.side, x.how) for x in r.given]) for r in state.rounds]
    assert any(x.how == "passed" for r in t.rounds for x in r.given), "the forced reveal's pass is told as such"
    # every decision a person made, with the facilitator's reasons
    assert [(p.act, p.ruling, p.reason) for p in t.points] == [(d.act, str(d.ruling) if d.ruling else None, d.reason) for d in state.decisions]
    override = next(p for p in t.points if p.ruling == Ruling.OVERRIDE)
    assert override.reason == "the class argued the other branch through"
    assert "overrode the author's weights: the class argued the other branch through" in override.decision
    assert [b.taken for b in override.branches].count(True) == 1 and len(override.branches) > 1
    # the odds are the explorer's from the state the room was in at each decision: every
    # branch followed where that is cheap, else seeded playouts (both checked here)
    s, scn = state.session, state.scenario
    exact = debrief([state], Explorer(scn, exact_probe=10**9)).tables[0]
    sampled = debrief([state], Explorer(scn, exact_probe=0)).tables[0]
    for p, q, d in zip(exact.points, sampled.points, state.decisions, strict=True):
        for odds, guess, node in ((p.before, q.before, s.steps[d.step].node), (p.after, q.after, s.steps[d.child].node)):
            assert odds.exact and not guess.exact and guess.playouts == PLAYOUTS
            want = exhaustive(scn, root=node).endings
            assert {e: round(x, 9) for e, _t, x in odds.endings} == {e: round(x, 9) for e, x in want.items() if x > 0}
            drawn = playouts(scn, PLAYOUTS, 0, root=node).endings
            assert {e: x for e, _t, x in guess.endings} == {e: x for e, x in drawn.items() if x > 0}
            assert sum(x for *_e, x in odds.endings) + odds.open + odds.dead == pytest.approx(1.0)
    last = state.decisions[-1]
    if s.steps[last.child].node.over:
        assert t.points[-1].after.endings == ((scn.endings[s.node.ending].id, t.ending, 1.0),)
    # the prompts with each group's note
    assert t.prompts
    for pr in t.prompts:
        assert {n.text for n in pr.notes} >= {f"{side.upper()}-NOTE on: {pr.prompt}" for side in SIDES}
    md = markdown(debrief([state]))
    for pr in t.prompts:
        assert f"> **{pr.prompt}**" in md
        for side in SIDES:
            assert f"*{possessive(state.scenario.actor_name(side))} group:* {side.upper()}-NOTE on: {pr.prompt}" in md
    assert "The facilitator's note: a lively table." in md and "the class argued the other branch through" in md
    # read as sentences: who decided and how, the odds before and after, an inject in words
    assert f"Decided by the facilitator, who overrode the author's weights: the class argued the other branch through." in md
    assert "  - At this point the odds were: " in md and "  - Given how it was decided, they became: " in md
    for p in t.points:
        if p.owner == "chance" and p.ruling != Ruling.INJECT:
            assert f"**Turn {p.turn}, a branch point of chance:**" in md
        if p.ruling == Ruling.INJECT:
            assert f"**Turn {p.turn}: the facilitator brought an event in:** {p.taken}" in md
    assert "chance's" not in md and "Injected:" not in md and "Odds from there" not in md


def _without(state, *ns):
    """The room folded again from its log without the entries ``ns`` (renumbered)."""
    kept = [e for e in state.entries if e.n not in ns]
    return fold(state.meta, state.scenario, [dataclasses.replace(e, n=i) for i, e in enumerate(kept, 1)])


def test_no_order_still_sealed_replaced_or_voided_is_in_the_debrief(store, tmp_path):
    from _room_games import Game

    scn = river(tmp_path, "sealed", horizon=6)
    h = Game(store, scn, 5)
    room = h.room
    room.start(h.f)
    replaced = room.order(h.seat["upstream"], "up_build")  # replaced before the reveal
    room.order(h.seat["upstream"], "upstream.pass")
    room.order(h.seat["downstream"], "down_talk")
    room.reveal(h.f)
    v = room.view(h.f)
    while v.asked.what != "orders":
        room.adjudicate(h.f, "roll") if v.asked.what == "chance" else room.choose(h.seat[v.asked.owner], "roll")
        v = room.view(h.f)
    due = room.state.due_seated()
    pending = room.order(h.seat[due[0]], room.state.offered(due[0])[0].id)  # sealed: not revealed
    state = room.state
    made = markdown(debrief([state]))
    assert made == markdown(debrief([_without(state, pending.n)])), "a pending order changes nothing in the debrief"
    assert made == markdown(debrief([_without(state, replaced.n)])), "nor does an order replaced before the reveal"
    first = debrief([state]).tables[0].rounds[0]
    assert [(x.side, x.label) for x in first.given] == [("upstream", "Passes this round"), ("downstream", "Accept talks")]
    assert "Build the next stage" not in made


def test_an_order_an_inject_voided_never_shows(store, tmp_path):
    for rng in range(10):
        g = play(store, real("ceasefire_30_day_sealed"), rng, rng=rng)
        state = g.room.state
        if state.voided:
            break
    else:
        raise AssertionError("no game injected while an order was given")
    n, sides = state.voided[0]
    voided = [e.n for e in state.entries if e.kind == "order" and e.n < n and e.member.side in sides]
    assert voided
    assert markdown(debrief([state])) == markdown(debrief([_without(state, *voided)]))


def test_across_the_tables_of_a_scenario_shared_states_are_explored_once(store, tmp_path):
    scn = real("ceasefire_30_day_sealed")
    states = [play(store, scn, i, rng=i, title=f"Table {i + 1}").room.state for i in range(4)]
    across = debrief(states)
    assert [t.title for t in across.tables] == ["Table 1", "Table 2", "Table 3", "Table 4"]
    alone = [debrief([s]).explored for s in states]
    assert across.explored < sum(alone), "the start and the shared first steps are explored once"
    md = markdown(across)
    assert "## How the tables ended" in md and all(f"- **Table {i}** (room {s.meta.id})" in md for i, s in enumerate(states, 1))
    assert across.tables[0].start == across.tables[3].start
    with pytest.raises(ValueError, match="one scenario"):
        debrief([states[0], play(store, river(tmp_path, "sealed"), 1).room.state])


def test_the_debrief_is_deterministic(store, tmp_path):
    scn = real("ceasefire_30_day_sealed")
    state = play(store, scn, 2, rng=2).room.state
    assert markdown(debrief([state])) == markdown(debrief([state]))
    assert debrief([state], Explorer(scn)) == debrief([state], Explorer(scn))


def test_the_debrief_prints_to_pdf_and_reads_back(store, tmp_path):
    scn = river(tmp_path, "sealed", horizon=6)
    g = _talked(store, scn, title="Table <b>&amp; one")
    d = debrief([g.room.state])
    (page,) = produce("debrief", "html", scenario=scn, options=Options(debrief=d))
    words = text_of(page.data)
    assert page.name == f"debrief-room-{g.id}.html"
    assert "Table <b>&amp; one" in words, "a room's title is escaped, never markup"
    assert "Orders by round" in words and "Decisions, and what else could have happened" in words
    (pdf,) = produce("debrief", "pdf", scenario=scn, options=Options(debrief=d))
    assert pdf.name.endswith(".pdf") and pdf.data.startswith(b"%PDF")
    first = pdf_text(pdf.data, tmp_path, 1, 1)
    assert f"Debrief: {scn.title}" in first and f"Table <b>&amp; one (room {g.id})" in first
    whole = pdf_text(pdf.data, tmp_path)
    t = d.tables[0]
    assert "overrode the author's weights: the class argued the other branch through" in whole
    assert all(" ".join(pr.prompt.split()) in whole for pr in t.prompts)
    assert "UPSTREAM-NOTE on" in whole and "The facilitator's note: a lively table." in whole
    assert "At this point the odds were" in whole and "Given how it was decided, they became" in whole and t.ending in whole
    image = rendered_page(pdf.data, tmp_path)
    assert abs(image.size[0] - 595) <= 1 and image.getextrema()[0] < 100, "an A4 page with ink on it"
    (md,) = produce("debrief", "markdown", scenario=scn, options=Options(debrief=d))
    assert md.data == markdown(d)
    with pytest.raises(ValueError, match="needs the rooms played"):
        produce("debrief", "pdf", scenario=scn)


def test_the_teachers_notes_carry_the_rooms_debrief(store, tmp_path):
    scn = river(tmp_path, "sealed", horizon=6)
    g = _talked(store, scn, title="Table one")
    d = debrief([g.room.state])
    seen = outlook(scn, exhaustive(scn))
    words = text_of(teacher_notes(scn, seen, None, d))
    assert "Debrief: what each table did" in words and "Table one (room" in words
    assert "Orders by round" in words and "UPSTREAM-NOTE on" in words
    (pdf,) = produce("notes", "pdf", scenario=scn, options=Options(debrief=d))
    whole = pdf_text(pdf.data, tmp_path)
    assert "Teacher's notes" in whole and "Debrief: what each table did" in whole and "Table one (room" in whole
    assert "Debrief" not in text_of(teacher_notes(scn, seen)), "no debrief without rooms"


def test_a_seat_that_never_acted_is_not_said_to_have_played_nor_credited_with_its_pass(store, tmp_path):
    """Only the upstream group joins and orders; the reveal lets the others pass. The debrief
    says which groups played and which seats stayed silent, and the path says the silent
    sides' passes were no group's choice (the transcript's 'Decided by Downstream State
    (chosen unseen, applied in turn)' would credit a group that never sat down)."""
    from sim.room import Room, create_room

    scn = river(tmp_path, "sealed")
    created = create_room(store, scn, seed=3)
    room = Room.open(store, created.room, scn)
    f = room.join(created.codes.facilitator)
    up = room.join(created.codes.seats["upstream"])
    room.start(f)
    room.order(up, "up_build")
    room.reveal(f, force=True)
    room.adjudicate(f, "roll")  # downstream's answer to the new stage; then the passes apply
    room.end(f, "the bell rang")
    (t,) = debrief([room.state]).tables
    names = {s: scn.actor_name(s) for s in SIDES}
    assert t.seated == (names["upstream"],)
    assert set(t.silent) == {names["downstream"], names["broker"]}
    md = markdown(debrief([room.state]))
    assert f"groups played {names['upstream']} (" in md and "had a seat but gave no order" in md
    path = md.split("### The path")[1].split("###")[0]
    assert f"No order from {possessive(names['downstream'])} group: it passed" in path
    assert f"Decided by {names['downstream']}" not in path
    assert f"Decided by {names['upstream']} (chosen unseen, applied in turn)" in path
