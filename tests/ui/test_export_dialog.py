"""The export dialog (`e`): it offers every kind `sim export` has, writes the chosen one
in a worker without ever overwriting, and says where each file went."""

from __future__ import annotations

import shutil
import subprocess

from textual.widgets import Input, Label, OptionList

from sim.export.documents import KINDS
from sim.ui.app import SimApp
from sim.ui.screens.export import ORDER, ExportScreen

SIZE = (100, 30)


async def _export(app, pilot, key: str, target: str) -> None:
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, ExportScreen)
    await pilot.press(key)
    await pilot.pause()
    app.screen.query_one(Input).value = target
    await pilot.press("enter")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_dialog_offers_every_kind_and_follows_the_highlight(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        options = screen.query_one(OptionList)
        # what sim export offers, but for a debrief of rooms (the room screens offer that)
        assert sorted(ORDER) == sorted(k for k, spec in KINDS.items() if spec.needs != "room"), "the dialog offers what sim export offers"
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert [s.split("  (")[0][2:] for s in shown] == [KINDS[k].title for k in ORDER]
        assert screen.query_one(Input).value == "transcript-whole_arc.md"
        await pilot.press("2")
        await pilot.pause()
        assert screen.query_one(Input).value == "handout-whole_arc.pdf"
        await pilot.press("3")
        await pilot.pause()
        assert screen.query_one(Input).value == "."
        assert "folder" in str(screen.query_one("#target-label", Label).render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)


async def test_a_handout_pdf_from_the_dialog_never_overwrites(whole_arc, tmp_path):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        app.choose("russia_answers_call.yes_but")
        taken = tmp_path / "h.pdf"
        taken.write_bytes(b"group one")
        await _export(app, pilot, "2", str(taken))
        written = tmp_path / "h-2.pdf"
        assert taken.read_bytes() == b"group one"
        assert written.read_bytes().startswith(b"%PDF-")
        message = app.notice[0]
        assert message.startswith("Student handout written to ") and str(written.resolve()) in message and "already exists" in message
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(written), "-"], capture_output=True, text=True, check=True).stdout
            assert "Trump and Putin hold their call" in " ".join(text.split())


async def test_role_sheets_go_into_a_folder_one_per_side(whole_arc, tmp_path):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        folder = tmp_path / "sheets"
        folder.mkdir()
        await _export(app, pilot, "3", str(folder))
        names = sorted(p.name for p in folder.iterdir())
        assert names == sorted(f"role-whole_arc-{a}.pdf" for a in ("us", "russia", "ukraine", "europe"))
        assert all(str((folder / n).resolve()) in app.notice[0] for n in names)


async def test_the_tree_picture_and_a_folder_that_does_not_exist(whole_arc, tmp_path):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        await _export(app, pilot, "5", str(tmp_path / "board.svg"))
        if shutil.which("dot"):
            assert (tmp_path / "board.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
            assert "Picture of the explored tree written to" in app.notice[0]
        else:  # without Graphviz the DOT is written, and the notice says how to draw it
            assert (tmp_path / "board.dot").read_text().startswith("digraph")
            assert "dot -Tsvg" in app.notice[0]
        await _export(app, pilot, "1", str(tmp_path / "missing" / "t.md"))
        assert not (tmp_path / "missing").exists()
        assert any("Could not export the transcript" in n.message for n in app._notifications)


async def test_the_ending_offers_the_export_menu_by_its_name(ceasefire):
    """At an ending, `e` is the same export menu as on the main screen, and the screen names
    what it offers from the registry (it used to say "Export transcript")."""
    from sim.analysis.explore import paths_to_endings
    from sim.ui.screens.ending import EndingScreen

    app = SimApp(scenario=ceasefire, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        for choice in next(iter(paths_to_endings(ceasefire).values())):
            app.choose(choice)
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        footer = {b.key: b.description for b in app.screen.BINDINGS}
        assert footer["e"] == "Export" and "transcript" not in footer["e"].lower()
        text = str(app.screen.query_one("#ending-text").render())
        for kind in ORDER:
            assert KINDS[kind].title in text.replace("\n", " ")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        options = app.screen.query_one(OptionList)
        assert options.option_count == len([k for k, spec in KINDS.items() if spec.needs != "room"])  # every kind but the debrief of rooms
