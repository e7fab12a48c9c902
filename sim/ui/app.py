"""The terminal UI: step through how the negotiation branches.

The app owns the scenario and the session; screens read them and call the app's
actions, so every way in (keys, mouse, command palette) does the same thing.
The scenario loads in a worker thread, so the first frame does not wait for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Static

from sim.diagnostics import InputError
from sim.ui import guards, storage

if TYPE_CHECKING:  # the engine loads with the scenario, in the worker, after the first frame
    from sim.engine.model import QuoteRef, Scenario
    from sim.engine.session import Session

guards.install()

PROJECTOR = Theme(
    name="projector",
    primary="#FFD700",
    secondary="#00E5FF",
    accent="#FF9F1C",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#262626",
    success="#3DFF6E",
    warning="#FFD700",
    error="#FF5C5C",
    dark=True,
)


class LoadingScreen(Screen):
    def __init__(self, what: str, **kwargs):
        super().__init__(**kwargs)
        self.what = what

    def compose(self) -> ComposeResult:
        # No Header here: this screen may be replaced before a Header finishes mounting.
        yield Static(f"Opening {self.what}\u2026", id="loading")


class SimApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "Diplomatic scenario simulator"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+o", "open", "Open", show=False),
        Binding("f1", "help", "Help", show=False),
        Binding("q", "quit_app", "Quit"),
        Binding("ctrl+q", "quit_app", "Quit", show=False),
    ]

    def __init__(
        self,
        scenario_path: str | Path | None = None,
        *,
        seed: int | None = None,
        load: str | None = None,
        pick: bool = False,
        scenario: Scenario | None = None,
        autosave: bool = True,
        resume: bool = True,
    ):
        super().__init__()
        self.scenario_path = str(scenario_path) if scenario_path else None
        self.seed = 1 if seed is None else seed
        self.load_path = load
        self.pick = pick
        self.preloaded = scenario
        self.autosave_enabled = autosave
        self.resume_enabled = resume
        self.scenario: Scenario | None = None
        self.session: Session | None = None
        self.mark: int | None = None
        self.saved_as: Path | None = None
        self._saved_signature: tuple = (1, 0)
        self.register_theme(PROJECTOR)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Save and open only make sense once a scenario is open (hides them otherwise)."""
        if action in ("save", "open") and self.session is None:
            return False
        return True

    # --- start-up -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.preloaded is not None:
            self._scenario_ready(self.preloaded)
            return
        if self.pick:
            self._show_picker()
            return
        self.push_screen(LoadingScreen(self.scenario_path or "the default scenario"))
        self._load_scenario(self.scenario_path)

    def _show_picker(self) -> None:
        from sim.format.catalog import catalog
        from sim.ui.screens.picker import PickerScreen

        entries = catalog()
        if len(entries) == 1:
            self.push_screen(LoadingScreen(str(entries[0].path)))
            self._load_scenario(str(entries[0].path))
            return
        summaries = {str(e.path): e.summary for e in entries}

        def chosen(path: str | None) -> None:
            if path:
                self.push_screen(LoadingScreen(path))
                self._load_scenario(path)

        self.push_screen(PickerScreen(entries, summaries), chosen)

    @work(thread=True, exclusive=True, group="load")
    def _load_scenario(self, path: str | None) -> None:
        # Heavy imports (pydantic) happen here, off the UI thread.
        from sim.format import load_scenario
        from sim.format.catalog import resolve

        try:
            resolved = resolve(path)
            scenario = load_scenario(resolved)
        except InputError as exc:
            lines = [d.format() for d in exc.diagnostics]
            self.call_from_thread(self._load_failed, path or "the default scenario", lines)
            return
        self.call_from_thread(self._scenario_ready, scenario)

    def _load_failed(self, what: str, lines: list[str]) -> None:
        from sim.ui.screens.errors import ErrorsScreen

        self.switch_screen(ErrorsScreen(f"{what} has {len(lines)} problem{'s' if len(lines) != 1 else ''}:", lines))

    def _scenario_ready(self, scenario: Scenario) -> None:
        from sim.engine.session import Session

        self.scenario = scenario
        self.session = Session(scenario, self.seed)
        self.title = scenario.title
        if self.load_path:
            try:
                self.session = storage.load(scenario, self.load_path)
                self.saved_as = Path(self.load_path)
                self._saved_signature = self._signature()
            except InputError as exc:
                self.notify(exc.diagnostics[0].format(), title="Could not open the session", severity="error", timeout=10)
        self._show_main()
        if not self.load_path and self.resume_enabled and self.autosave_enabled:
            self._offer_resume()

    def _show_main(self) -> None:
        from sim.ui.screens.main import MainScreen

        main = MainScreen()
        if self.screen_stack and isinstance(self.screen, LoadingScreen | Screen) and len(self.screen_stack) > 1:
            self.switch_screen(main)
        else:
            self.push_screen(main)

    def _offer_resume(self) -> None:
        from sim.ui.screens.dialogs import Ask

        path = storage.autosave_path(self.scenario)
        if not path.exists():
            return
        try:
            restored = storage.load(self.scenario, path)
        except InputError:
            return  # a stale or broken autosave is simply not offered
        if len(restored.steps) <= 1:
            return

        def answer(value: str | None) -> None:
            if value == "resume":
                self.session = restored
                self.refresh_main()

        turns = restored.node.turn
        self.push_screen(
            Ask(
                f"You have an unfinished session of this scenario ({len(restored.steps) - 1} steps, at turn {turns}). Resume it?",
                [("y", "Resume where I left off", "resume"), ("n", "Start afresh", "fresh")],
            ),
            answer,
        )

    # --- the session ----------------------------------------------------------------------------

    @property
    def main_screen(self):
        from sim.ui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def refresh_main(self) -> None:
        main = self.main_screen
        if main is not None:
            main.refresh_view()
        if self.autosave_enabled and self.session is not None:
            from sim.format.script import session_data

            # The session's data is taken here, on the UI thread; dumping and writing it
            # happen in a worker, so a long session never slows a key press down.
            self._write_autosave(storage.autosave_path(self.scenario), session_data(self.session))

    @work(thread=True, exclusive=True, group="autosave")
    def _write_autosave(self, path: Path, data: dict) -> None:
        storage.write_autosave(path, data)

    def on_unmount(self) -> None:
        # However the app ends, the last step is on disk (the worker may not have run).
        if self.autosave_enabled and self.session is not None:
            storage.autosave(self.session)

    def choose(self, act_id: str) -> None:
        from sim.engine.session import ChoiceError

        if self.session is None:
            return
        try:
            step = self.session.choose(act_id)
        except ChoiceError as exc:
            self.notify(str(exc), severity="warning")
            return
        self._after_step(step)

    def action_roll(self) -> None:
        from sim.engine.session import ChoiceError

        if self.session is None:
            return
        try:
            step = self.session.roll()
        except ChoiceError as exc:
            self.notify(str(exc), severity="warning")
            return
        option = self.scenario.by_id[step.choice]
        self.notify(f"Rolled (seed {self.session.seed}): {option.label}", timeout=3)
        self._after_step(step)

    def _after_step(self, step) -> None:
        self.refresh_main()
        if step.node.over:
            from sim.ui.screens.ending import EndingScreen

            self.push_screen(EndingScreen(self.scenario.endings[step.node.ending]))

    def back(self) -> None:
        if self.session is None:
            return
        if self.session.step().parent is None:
            self.notify("This is the start: there is nothing to go back to.", severity="information", timeout=3)
            return
        self.session.back()
        self.refresh_main()

    def action_back(self) -> None:
        self.back()

    def goto(self, step_id: int) -> None:
        if self.session is None:
            return
        self.session.goto(step_id)
        self.refresh_main()

    def _signature(self) -> tuple:
        return (len(self.session.steps), self.session.current) if self.session else (1, 0)

    @property
    def unsaved(self) -> bool:
        return self.session is not None and len(self.session.steps) > 1 and self._signature() != self._saved_signature

    # --- views --------------------------------------------------------------------------------

    def _ensure(self) -> bool:
        return self.session is not None

    def action_why(self) -> None:
        if self._ensure():
            from sim.ui.screens.why import WhyScreen

            self.push_screen(WhyScreen(self.session.step()))

    def action_sources(self, quote: QuoteRef | None = None) -> None:
        if self._ensure():
            from sim.ui.screens.sources import SourcesScreen

            self.push_screen(SourcesScreen(quote))

    def action_actors(self, actor: str | None = None, issue: str | None = None) -> None:
        if self._ensure():
            from sim.ui.screens.actors import ActorsScreen

            self.push_screen(ActorsScreen(actor, issue))

    def action_mark(self) -> None:
        if self._ensure():
            self.mark = self.session.current
            self.notify(f"Marked step {self.mark}. Move elsewhere, then press c to compare.", timeout=4)

    def action_compare(self) -> None:
        if self._ensure():
            from sim.ui.screens.compare import CompareScreen

            if self.mark is None:
                self.notify("No step is marked (m marks one), so this compares with the start.", timeout=5)
            first = self.mark if self.mark is not None else 0
            self.push_screen(CompareScreen(first, self.session.current))

    def action_explore(self) -> None:
        if self._ensure():
            from sim.ui.screens.explore import ExploreScreen

            self.push_screen(ExploreScreen())

    def action_help(self) -> None:
        from sim.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    # --- files ----------------------------------------------------------------------------------

    def action_export(self) -> None:
        if not self._ensure():
            return
        from sim.ui.screens.dialogs import Dialog

        def chosen(name: str | None) -> None:
            if not name:
                return
            from sim.export.transcript import render
            from sim.format.script import write_atomic

            try:
                write_atomic(Path(name), render(self.session, "markdown"))
            except OSError as exc:
                self.notify(f"{name}: {exc.strerror or exc}", title="Could not export", severity="error", timeout=8)
                return
            self.notify(f"Transcript written to {name}", timeout=4)

        self.push_screen(Dialog("Export this path as a Markdown transcript (quotes and prompts included) to:", f"transcript-{self.scenario.id}.md"), chosen)

    def action_save(self) -> None:
        if not self._ensure():
            return
        from sim.ui.screens.dialogs import Dialog

        def chosen(name: str | None) -> None:
            if name:
                self.save_to(Path(name))

        default = str(self.saved_as or f"session-{self.scenario.id}.yaml")
        self.push_screen(Dialog("Save the session (every branch explored) to:", default), chosen)

    def save_to(self, path: Path) -> bool:
        try:
            storage.save(self.session, path)
        except OSError as exc:
            self.notify(f"{path}: {exc.strerror or exc}", title="Could not save", severity="error", timeout=8)
            return False
        self.saved_as = path
        self._saved_signature = self._signature()
        self.notify(
            f"Saved to {path}. Reopen it here with Ctrl+O, or later with: sim play {self.scenario.id} --load {path}",
            timeout=6,
        )
        return True

    def action_open(self) -> None:
        if not self._ensure():
            return
        from sim.ui.screens.dialogs import Dialog

        def chosen(name: str | None) -> None:
            if name and self.unsaved:
                self._confirm_replace(Path(name))
            elif name:
                self.open_file(Path(name))

        self.push_screen(Dialog("Open a saved session:", str(self.saved_as or f"session-{self.scenario.id}.yaml")), chosen)

    def _save_then(self, then) -> None:
        """Ask where to save; once saved, carry on with ``then`` (a cancelled or failed save stops)."""
        from sim.ui.screens.dialogs import Dialog

        def saved(name: str | None) -> None:
            if name and self.save_to(Path(name)):
                then()

        self.push_screen(Dialog("Save the session to:", str(self.saved_as or f"session-{self.scenario.id}.yaml")), saved)

    def _confirm_replace(self, path: Path) -> None:
        """Opening replaces the session (and, with it, the autosave): ask before losing steps."""
        from sim.ui.screens.dialogs import Ask

        def answer(value: str | None) -> None:
            if value == "open":
                self.open_file(path)
            elif value == "save":
                self._save_then(lambda: self.open_file(path))

        self.push_screen(
            Ask(
                f"Opening {path} replaces this session, which has steps you have not saved. Open it?",
                [("s", "Save this one first", "save"), ("o", "Open without saving", "open"), ("escape", "Cancel", "cancel")],
            ),
            answer,
        )

    def open_file(self, path: Path) -> bool:
        try:
            session = storage.load(self.scenario, path)
        except InputError as exc:
            # The open session is untouched: the file is replayed into a new one first.
            self.notify("\n".join(d.format() for d in exc.diagnostics[:3]), title="Could not open the session", severity="error", timeout=10)
            return False
        self.session = session
        self.saved_as = path
        self._saved_signature = self._signature()
        self.refresh_main()
        self.notify(f"Opened {path}", timeout=3)
        return True

    # --- quitting ---------------------------------------------------------------------------------

    def action_quit_app(self) -> None:
        if not self.unsaved:
            self.exit()
            return
        from sim.ui.screens.dialogs import Ask

        def answer(value: str | None) -> None:
            if value == "quit":
                self.exit()
            elif value == "save":
                self._save_then(self.exit)

        self.push_screen(
            Ask(
                "This session has steps you have not saved (an autosave keeps them for next time). Quit?",
                [("s", "Save, then quit", "save"), ("q", "Quit without saving", "quit"), ("escape", "Cancel", "cancel")],
            ),
            answer,
        )

    # --- command palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if self.session is not None:
            yield SystemCommand("Roll for a branch", "Pick a branch at random by the author's weights (seeded)", self.action_roll)
            yield SystemCommand("Go back one step", "Return to the previous step; nothing is forgotten", self.action_back)
            yield SystemCommand("Why did this happen?", "The rules that fired, the values they saw, the quotes", self.action_why)
            yield SystemCommand("Sources", "Read the articles, quotes highlighted, and where they disagree", self.action_sources)
            yield SystemCommand("The sides", "Briefings, red lines, stances and how they changed", self.action_actors)
            yield SystemCommand("Mark this step", "Remember this step to compare with another", self.action_mark)
            yield SystemCommand("Compare with the marked step", "What differs between the two states", self.action_compare)
            yield SystemCommand("Explore every branch from here", "How the paths to each ending add up under the author's weights (not a forecast)", self.action_explore)
            yield SystemCommand("Export transcript", "This path as Markdown, with quotes and prompts", self.action_export)
            yield SystemCommand("Save session", "Every explored branch, as a replayable script", self.action_save)
            yield SystemCommand("Open session", "Load a saved session", self.action_open)
            yield SystemCommand("Projector theme (high contrast)", "Large contrast for a projected screen or low vision", lambda: setattr(self, "theme", "projector"))
        yield SystemCommand("Help", "Keys and what the simulator is (and is not)", self.action_help)
        yield from super().get_system_commands(screen)


def run_app(name: str | None, seed: int | None = None, load: str | None = None, pick: bool = False) -> int:
    """Entry point for `sim` and `sim play`."""
    from sim.format.catalog import catalog, resolve

    if name is None and pick:
        if len(catalog()) <= 1:
            pick = False
    if name is not None:
        try:
            path = resolve(name)
        except InputError as exc:
            import sys

            for d in exc.diagnostics:
                print(d.format(), file=sys.stderr)
            return 1
        name = str(path)
    app = SimApp(name, seed=seed, load=load, pick=pick and name is None)
    app.run()
    return 0 if app.return_code in (None, 0) else app.return_code
