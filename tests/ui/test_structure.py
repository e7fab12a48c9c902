"""The UI's structure: one registry of actions behind the bindings, the footer, the palette
and Help; one open-session object swapped whole; screens redrawn from a watched revision."""

from __future__ import annotations

from textual.widgets import Input, Markdown
from textual.widgets._footer import FooterKey

from sim.ui import actions
from sim.ui.app import SimApp
from sim.ui.screens.compare import CompareScreen
from sim.ui.screens.help import HelpScreen
from sim.ui.screens.main import MainScreen

SMALL = (80, 24)


def footer_keys(screen) -> dict[str, str]:
    return {key.key: key.description for key in screen.query(FooterKey)}


async def test_the_footer_shows_every_main_key_at_80_columns(whole_arc):
    """t, m, c, x and e were missing from the footer; now every key of the main screen is
    in it, on two rows at 80 columns, none cut."""
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SMALL) as pilot:
        for _ in range(20):  # the footer recomposes after the bindings settle: wait for its layout
            await pilot.pause()
            if app.screen.query(FooterKey) and all(k.size.width for k in app.screen.query(FooterKey)):
                break
        keys = footer_keys(app.screen)
        for wanted in ("1", "r", "b", "t", "w", "s", "a", "m", "c", "x", "e", "z", "question_mark", "ctrl+s", "q", "ctrl+p"):
            assert wanted in keys, (wanted, sorted(keys))
        shown = [a for a in actions.ACTIONS if a.footer]
        assert len(keys) == len(shown)
        for key in app.screen.query(FooterKey):  # nothing cut: each key is as wide as its text
            assert key.size.width >= len(key.key_display) + 1 + len(key.description)
            assert key.region.right <= SMALL[0]


async def test_the_palette_offers_every_action_including_the_tree_and_zoom(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for action in actions.ACTIONS:
            if action.palette:
                assert action.title in titles, action.title
        assert "The branch tree" in titles and "Zoom the panel" in titles
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "The branch tree")
        command.callback()
        await pilot.pause()
        assert app.screen.maximized is app.screen.query_one("#tree")
        await pilot.press("escape")
        assert app.screen.maximized is None


async def test_help_lists_every_key_of_the_registry(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        for action in actions.ACTIONS:
            assert f"| {action.keys_for_help} | {action.help} |" in text


async def test_keys_of_the_registry_do_what_help_says(whole_arc):
    """Each bound key runs its action: z zooms the focused panel, t the tree."""
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("z")
        assert app.screen.maximized is app.screen.query_one("#choices")
        await pilot.press("z")
        assert app.screen.maximized is None
        await pilot.press("t")
        assert app.screen.maximized is app.screen.query_one("#tree") and app.focused is app.screen.maximized
        assert app.screen.maximized.region.width == SMALL[0]  # full width, though hidden beside the story at 80 columns


async def test_session_actions_are_disabled_until_a_scenario_is_open():
    app = SimApp(pick=True, autosave=False)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        for action in actions.ACTIONS:
            assert app.check_action(action.name, ()) is (False if action.needs_session else True), action.name
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Save session" not in titles and "Help" in titles


async def test_a_mark_never_outlives_its_session(whole_arc, tmp_path):
    """Mark step 5, open a shorter saved session, press c: an IndexError before. The mark,
    the file and the saved state belong to the open session and are replaced with it."""
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SMALL) as pilot:
        app.choose("us_call_putin")
        assert app.save_to(tmp_path / "short.yaml")
        for choice in ("russia_answers_call.yes_but", "front_line.continues", "ukraine_ask_pressure", "russia_answers_pressure.holds"):
            app.choose(choice)
        await pilot.press("m")
        assert app.opened.mark == app.session.current >= 4
        assert app.open_file(tmp_path / "short.yaml")
        assert app.opened.mark is None and app.opened.file == tmp_path / "short.yaml" and not app.unsaved
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen) and not app.screen.marked


async def test_screens_redraw_from_the_watched_revision(whole_arc):
    """The app never calls into the main screen: a change bumps ``revision`` and the
    screen, which watches it, redraws (in the same call: no frame shows the old state)."""
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        before = app.revision
        app.session.choose("us_call_putin")  # the engine moved, nobody told the screen yet
        assert "Moscow answers" not in main.query_one("#choices").border_title
        app.changed()
        assert app.revision == before + 1
        assert "Moscow answers" in main.query_one("#choices").border_title
        assert not hasattr(app, "main_screen") and not hasattr(app, "refresh_main")


async def test_sim_play_load_opens_the_sessions_scenario(whole_arc, tmp_path):
    """`sim play --load FILE` (as the README documents it) opened the picker; the file
    names its scenario, and that is what opens, with the session in it."""
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SMALL) as pilot:
        app.choose("us_call_putin")
        app.choose("russia_answers_call.yes_but")
        assert app.save_to(tmp_path / "class.yaml")
    from sim.ui.app import make_app

    app = make_app(None, load=str(tmp_path / "class.yaml"), pick=True)
    app.autosave_enabled = False
    async with app.run_test(size=SMALL) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.scenario.id == "whole_arc"
        assert app.session.choices() == ["us_call_putin", "russia_answers_call.yes_but"]
        assert app.opened.file == tmp_path / "class.yaml"


async def test_the_save_notice_suggests_a_command_that_works_as_typed(whole_arc, tmp_path, monkeypatch):
    """After the README's install `sim` is not on PATH: the notice names the program that
    was run (.venv/bin/sim) and `play --load`, which opens the session's own scenario."""
    monkeypatch.setattr("sys.argv", [".venv/bin/sim"])
    monkeypatch.setenv("PATH", "/nonexistent")
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SMALL) as pilot:
        app.choose("us_call_putin")
        await pilot.press("ctrl+s")
        app.screen.query_one(Input).value = "my session.yaml"
        await pilot.press("enter")
        await pilot.pause()
        assert app.notice[0].endswith("later with: .venv/bin/sim play --load 'my session.yaml'")


async def test_notices_cover_nothing(whole_arc):
    """"Rolled (seed 1): ..." and "Marked step 8" were toasts over the move list for five
    seconds; they are now the status line's, until the next change."""
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SMALL) as pilot:
        app.choose("us_call_putin")
        await pilot.press("r")
        await pilot.pause()
        status = app.screen.query_one("#status")
        assert "Rolled (seed 1)" in str(status.render()) and status.has_class("-notice")
        await pilot.press("m")
        await pilot.pause()
        assert "Marked step" in str(status.render())
        assert not app._notifications and not app.screen.query("Toast")
        await pilot.press("b")  # the next change puts the situation back
        await pilot.pause()
        assert "Phase:" in str(status.render()) and not status.has_class("-notice")


async def test_export_never_overwrites_and_says_where_the_file_went(whole_arc, tmp_path):
    """A second group's export replaced the first's; now it goes to NAME-2.md, and the notice
    gives the whole path."""
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SMALL) as pilot:
        (tmp_path / "out.md").write_text("group one\n")
        app.choose("us_call_putin")
        await pilot.press("e")
        app.screen.query_one(Input).value = str(tmp_path / "out.md")
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "out.md").read_text() == "group one\n"
        assert "Trump and Putin hold their call" in (tmp_path / "out-2.md").read_text()
        assert str((tmp_path / "out-2.md").resolve()) in app.notice[0] and "already exists" in app.notice[0]
        assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".md") == ["out-2.md", "out.md"]  # no temp file left


async def test_the_projector_theme_is_kept_for_the_next_launch(whole_arc, tmp_path):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SMALL) as pilot:
        next(c for c in app.get_system_commands(app.screen) if c.title.startswith("Projector theme")).callback()
        await pilot.pause()
    saved = tmp_path / "config" / "sim" / "settings.toml"  # $XDG_CONFIG_HOME/sim (conftest sets it)
    assert 'theme = "projector"' in saved.read_text()
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert app.theme == "projector"


async def test_a_broken_settings_file_gives_the_defaults(whole_arc, tmp_path):
    folder = tmp_path / "config" / "sim"
    folder.mkdir(parents=True)
    for text in ("theme = [1, 2\n", 'theme = "no-such-theme"\n', "\x00\xff", 'theme = "\\u001b[2J"\n'):
        (folder / "settings.toml").write_bytes(text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text)
        app = SimApp(scenario=whole_arc, autosave=False)
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, MainScreen) and app.theme != "no-such-theme"
