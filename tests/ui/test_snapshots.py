"""Snapshots of every screen at fixed sizes (pytest-textual-snapshot; Textual is
pinned in pyproject.toml so fonts of boxes and colours do not drift).

Update after an intended change with: pytest tests/ui/test_snapshots.py --snapshot-update
and review the SVGs (snapshot_report.html shows the differences)."""

from __future__ import annotations

from ui._pilot import settled

from sim.analysis.explore import paths_to_endings
from sim.ui.app import SimApp

SMALL = (80, 24)
LARGE = (120, 40)


def app_for(scenario, **kwargs):
    return SimApp(scenario=scenario, autosave=False, **kwargs)


def steps(*choices, press=()):
    """Take these choices, press these keys, then wait for the settled screen (every snapshot
    ends so: snap_compare's own pauses wait for a frame, not for the last of several passes)."""

    async def run(pilot):
        for choice in choices:
            pilot.app.choose(choice)
        await settled(pilot)  # the tree settles its cursor behind a modal before it opens
        if press:
            await pilot.press(*press)
            await settled(pilot)

    return run


def test_main_at_the_start(snap_compare, whole_arc):
    assert snap_compare(app_for(whole_arc), terminal_size=SMALL, run_before=steps())


def test_main_at_the_start_large(snap_compare, whole_arc):
    assert snap_compare(app_for(whole_arc), terminal_size=LARGE, run_before=steps())


def test_main_at_a_branching_reaction(snap_compare, whole_arc):
    assert snap_compare(app_for(whole_arc), terminal_size=SMALL, run_before=steps("us_call_putin"))


def test_main_after_several_steps_large(snap_compare, whole_arc):
    run = steps("us_call_putin", "russia_answers_call.yes_but", "front_line.continues", "ukraine_ask_pressure", "russia_answers_pressure.holds", "front_line.continues")
    assert snap_compare(app_for(whole_arc), terminal_size=LARGE, run_before=run)


def test_why_screen(snap_compare, whole_arc):
    assert snap_compare(app_for(whole_arc), terminal_size=LARGE, run_before=steps("us_call_putin", "russia_answers_call.yes_but", press=["w"]))


def test_sources_at_a_quote(snap_compare, whole_arc):
    run = steps("us_call_putin", "russia_answers_call.yes_but", press=["w", "tab", "enter"])
    assert snap_compare(app_for(whole_arc), terminal_size=LARGE, run_before=run)


def test_sources_disagreements(snap_compare, whole_arc):
    assert snap_compare(app_for(whole_arc), terminal_size=LARGE, run_before=steps(press=["s", "d"]))


def test_actors_screen(snap_compare, whole_arc):
    assert snap_compare(app_for(whole_arc), terminal_size=SMALL, run_before=steps(press=["a", "right", "right"]))


def test_ending_screen(snap_compare, ceasefire):
    path = paths_to_endings(ceasefire)["truce_holds"]
    assert snap_compare(app_for(ceasefire), terminal_size=SMALL, run_before=steps(*path))


def test_compare_screen(snap_compare, whole_arc):
    async def run(pilot):
        pilot.app.opened.mark = 0  # as "m" does, without its notice
        await steps("us_call_putin", "russia_answers_call.accepts", press=["c"])(pilot)

    assert snap_compare(app_for(whole_arc), terminal_size=SMALL, run_before=run)


def test_explore_screen(snap_compare, strikes):
    async def run(pilot):
        await settled(pilot)  # the main screen drawn in full first: behind the modal it is not redrawn
        await pilot.press("x")
        for _ in range(600):  # the worker starts on mount; wait for its result, not for timing
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if "distinct" in str(pilot.app.screen.query_one("#explore-status").render()):
                break
        else:
            raise AssertionError("exploration did not finish")
        await settled(pilot)  # the table's rows and the screen behind drawn in full (was half a row)

    assert snap_compare(app_for(strikes), terminal_size=SMALL, run_before=run)


def test_help_screen(snap_compare, whole_arc):
    assert snap_compare(app_for(whole_arc), terminal_size=SMALL, run_before=steps(press=["question_mark"]))


def test_save_dialog(snap_compare, whole_arc):
    assert snap_compare(app_for(whole_arc), terminal_size=SMALL, run_before=steps(press=["ctrl+s"]))


def test_quit_asks_when_unsaved(snap_compare, whole_arc):
    assert snap_compare(app_for(whole_arc), terminal_size=SMALL, run_before=steps("us_call_putin", press=["q"]))


def test_projector_theme(snap_compare, whole_arc):
    async def run(pilot):
        pilot.app.theme = "projector"
        await settled(pilot)

    assert snap_compare(app_for(whole_arc), terminal_size=SMALL, run_before=run)


def test_picker(snap_compare):
    """With each scenario's length in the cache (measured here with a smaller bound than the
    app's, so the test stays short: one that does not fit is shown as too large to measure)."""
    from sim.analysis.explore import exhaustive
    from sim.analysis.length import length
    from sim.format import load_scenario
    from sim.format.catalog import catalog
    from sim.store.content import content_hash
    from sim.ui import lengths

    for entry in catalog():
        scn = load_scenario(entry.path)
        span = length(scn, exhaustive(scn, max_nodes=40_000))
        lengths.remember(content_hash(scn), span.describe() if span is not None and span.complete else lengths.TOO_LARGE)

    async def run(pilot):
        await settled(pilot)

    assert snap_compare(SimApp(pick=True, autosave=False), terminal_size=SMALL, run_before=run)


def test_broken_scenario(snap_compare, tmp_path):
    (tmp_path / "bad.yaml").write_text("scenario:\n  id: bad\n  title: Bad\nmoves:\n  x: {actor: nobody, labl: X}\n")

    async def run(pilot):
        await settled(pilot)

    assert snap_compare(SimApp("bad.yaml", autosave=False), terminal_size=SMALL, run_before=run)
