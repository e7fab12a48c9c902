"""How long a scenario runs, in the picker and the title bar (sim/ui/lengths.py): measured
by exploring every branch in a child process while the picker is already up, kept in the
user's cache by content hash, so the next launch reads it instead of exploring again, and
an edited scenario is measured again. On small scenarios of the tests' own."""

from __future__ import annotations

from pathlib import Path

from _support import write_scenario
from textual.widgets import OptionList

from sim.analysis.explore import exhaustive
from sim.analysis.length import length
from sim.format import load_scenario
from sim.store.content import content_hash
from sim.ui import lengths
from sim.ui.app import SimApp
from sim.ui.screens.main import MainScreen
from sim.ui.screens.picker import PickerScreen

SIZE = (100, 30)
BODY = """
variables:
  n: {{type: int, min: 0, max: 9, initial: 0}}
moves:
  us_push: {{actor: us, label: Push, type: DEMAND, basis: illustrative, effects: [n += 1]}}
  ru_grab: {{actor: russia, label: Grab, type: COERCE, basis: illustrative, effects: [n += 2]}}
events:
  weather:
    label: Weather
    alternatives:
      calm: {{label: Calm, weight: 1, rationale: r, basis: illustrative}}
      storm: {{label: Storm, type: NATURAL, weight: {storm}, rationale: r, basis: illustrative, effects: [n += 3]}}
endings:
  big: {{title: Big, when: n >= 5, text: Big.}}
  drag: {{title: Drag, text: Drag.}}
"""


def catalog(folder: Path, monkeypatch, storm: int = 1) -> list[Path]:
    paths = [write_scenario(folder, BODY.format(storm=storm), name=f"{i}.yaml", id=f"s{i}", horizon=4 + i) for i in (1, 2)]
    monkeypatch.setenv("SIM_SCENARIOS", str(folder))
    return paths


def expected(path: Path) -> str:
    scn = load_scenario(path)
    return length(scn, exhaustive(scn)).describe()


async def picker_lengths(pilot) -> dict[str, str]:
    """The picker's prompts once its measuring worker is done, by scenario path."""
    app = pilot.app
    assert isinstance(app.screen, PickerScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    listing = app.screen.query_one(OptionList)
    return {listing.get_option_at_index(i).id: str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)}


async def test_the_picker_shows_each_length_measured_once_per_content(tmp_path, monkeypatch):
    paths = catalog(tmp_path / "scenarios", monkeypatch)
    app = SimApp(pick=True, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)  # up before any length is known
        shown = await picker_lengths(pilot)
    for path in paths:
        assert f"Lasts {expected(path)} (by the author's weights)" in shown[str(path)]
    cache = lengths.cache_path()
    assert cache.is_file() and len(lengths.read()) == 2
    before = cache.stat()

    # the next launch reads the cache: nothing explored, nothing written
    app = SimApp(pick=True, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert await picker_lengths(pilot) == shown
    after = cache.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)

    # an edited scenario is measured again (its weights changed: so may its length)
    catalog(tmp_path / "scenarios", monkeypatch, storm=5)
    app = SimApp(pick=True, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = await picker_lengths(pilot)
    assert len(lengths.read()) == 4
    for path in paths:
        assert f"Lasts {expected(path)} (" in shown[str(path)]


async def test_the_title_shows_a_measured_length_and_never_explores(tmp_path, monkeypatch):
    [first, _] = catalog(tmp_path / "scenarios", monkeypatch)
    app = SimApp(str(first), autosave=True)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "of at most 5" in app.screen.sub_title and not lengths.cache_path().exists()
    lengths.remember(content_hash(load_scenario(first)), expected(first))
    app = SimApp(str(first), autosave=True)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.sub_title.startswith(f"Turn 1 (paths last {expected(first)}) \u00b7 seed ")


def test_a_damaged_cache_reads_as_empty_and_is_replaced(tmp_path):
    cache = lengths.cache_path()
    cache.parent.mkdir(parents=True)
    for junk in (b"\xff\xfe not json", b"[1, 2]", b'{"k": 3, "j": "\\u001b[31m"}', b"{" * 10):
        cache.write_bytes(junk)
        assert lengths.read() == {}
    lengths.remember("abc", "2 turns")
    assert lengths.read() == {lengths.key("abc"): "2 turns"}
    assert [p.name for p in cache.parent.iterdir()] == ["lengths.json"]  # no temporary file left
