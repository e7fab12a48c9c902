"""The terminal UI: step through how the negotiation branches.

The app owns the scenario and the open session (:class:`OpenSession`, swapped whole);
its actions are listed once in :mod:`sim.ui.actions`, which feeds the bindings, the
footer, the palette and Help. Every change to the session bumps ``revision``, a
reactive that screens watch: data flows down, the app never reaches into a screen.
The scenario loads in a worker thread, so the first frame does not wait for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.reactive import var
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Static

from sim import invocation
from sim.diagnostics import InputError
from sim.ui import actions, guards, lengths, settings, storage
from sim.ui.opened import OpenSession
from sim.ui.words import plural

if TYPE_CHECKING:  # the engine loads with the scenario, in the worker, after the first frame
    from sim.engine.model import QuoteRef, Scenario
    from sim.engine.session import Session

guards.install()

DOWNLOAD_NAME = re.compile(r"[^A-Za-z0-9._-]")  # what a served download's file name may not hold

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
    BINDINGS = actions.bindings(actions.APP)

    # Bumped on every change to the open session (a step, back, a jump, an open, a resume):
    # screens watch it and redraw from the session. always_update: every bump is news.
    # A var, not a reactive: a reactive on the app repaints the whole screen when it is set,
    # on top of what the watchers change (that doubled the key-to-screen time).
    revision: var[int] = var(0, init=False, always_update=True)
    # A short message for the screen's own notice line (a toast would cover the choices).
    notice: var[tuple[str, str]] = var(("", ""), init=False, always_update=True)

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
        # Every step goes to the session store before the screen shows it (None: not kept).
        self.keeper: storage.Keeper | None = storage.Keeper() if autosave else None
        self.scenario: Scenario | None = None
        self.opened: OpenSession | None = None
        self.lesson_length: str | None = None  # "1 to 8 turns, typically 4", when measured (lengths.py)
        self.folder: Path | None = None  # when served: the only folder Save, Open and Export reach
        self.register_theme(PROJECTOR)
        self.settings = settings.load()
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme

    def watch_theme(self, theme: str) -> None:
        # The theme is a setting: kept for the next launch (in the user's config directory).
        if theme != self.settings.theme:
            self.settings = settings.save(self.settings.replace(theme=theme))

    def get_key_display(self, binding) -> str:
        if binding.action == "pick(1)":  # the footer's "1-9" says "1-10" when ten are on offer
            return actions.digits_display(len(self.session.options()) if self.session is not None else 0)
        return super().get_key_display(binding)

    @property
    def session(self) -> Session | None:
        return self.opened.session if self.opened is not None else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Actions on a session are disabled (greyed in the footer) until one is open."""
        if actions.needs_session(action) and self.opened is None:
            return False
        return True

    def _open(self, opened: OpenSession) -> None:
        """The one place the open session is replaced: with its file, saved state and mark."""
        self.opened = opened
        self.refresh_bindings()
        self.changed()

    # --- start-up -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        # Served in a browser (sim serve), the app runs under the teacher's account for whoever
        # opened the page: its files stay in its own folder (the launcher's working folder for
        # this connection), and exports go to the browser as downloads.
        self.folder = Path.cwd().resolve() if self.is_web else None
        if self.preloaded is not None:
            self._scenario_ready(self.preloaded)
            return
        if self.pick:
            self._show_picker()
            return
        self.push_screen(LoadingScreen(self.scenario_path or self.load_path or "the default scenario"))
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
            if path is None and self.load_path:
                # `sim play --load FILE`: the saved session names its scenario.
                from sim.format.script import load_script

                path = load_script(self.load_path).script.scenario
            resolved = resolve(path)
            scenario = load_scenario(resolved)
        except InputError as exc:
            lines = [d.format() for d in exc.diagnostics]
            self.call_from_thread(self._load_failed, path or self.load_path or "the default scenario", lines)
            return
        if self.keeper is not None:
            self.keeper.open(scenario)  # SQLite and the scenario's content hash, off the UI thread
        self.lesson_length = self._cached_length(scenario)
        self.call_from_thread(self._scenario_ready, scenario)

    def _cached_length(self, scenario: Scenario) -> str | None:
        """How long the scenario runs, if the picker has measured it (never measured here:
        the title shows it when known, without exploring on every launch)."""
        from sim.store.content import content_hash

        digest = self.keeper.digest if self.keeper is not None and self.keeper.digest else content_hash(scenario)
        return lengths.cached(digest) or None

    def _load_failed(self, what: str, lines: list[str]) -> None:
        from sim.ui.screens.errors import ErrorsScreen

        self.switch_screen(ErrorsScreen(f"{what} has {len(lines)} problem{'s' if len(lines) != 1 else ''}:", lines))

    def _scenario_ready(self, scenario: Scenario) -> None:
        from sim.engine.session import Session

        if self.keeper is not None and self.keeper.scenario is not scenario:
            self.keeper.open(scenario)  # a scenario handed in ready-made (tests) skips the worker
        self.scenario = scenario
        opened = OpenSession(Session(scenario, self.seed))
        self.title = scenario.title
        if self.load_path:
            try:
                opened = OpenSession.from_file(storage.load(scenario, self.load_path), Path(self.load_path))
            except InputError as exc:
                self.notify(exc.diagnostics[0].format(), title="Could not open the session", severity="error", timeout=10)
        self.opened = opened
        self._keep()  # a session opened from a file is kept as a session of its own
        self.refresh_bindings()
        self._show_main()
        self._say_store_state()
        if not self.load_path and self.resume_enabled and self.keeper is not None:
            self._offer_resume()

    def _show_main(self) -> None:
        from sim.ui.screens.main import MainScreen

        main = MainScreen()
        if self.screen_stack and isinstance(self.screen, LoadingScreen | Screen) and len(self.screen_stack) > 1:
            self.switch_screen(main)
        else:
            self.push_screen(main)

    def _say_store_state(self) -> None:
        """At start: a store that cannot be used, a damaged one moved aside, an old autosave imported."""
        if self.keeper is None:
            return
        for notice in self.keeper.notices:
            self.notify(notice, title="Session store", timeout=12, markup=False)
        self.keeper.notices.clear()
        if self.keeper.problem:
            self.notify(
                f"{self.keeper.problem}. Steps will not be kept: save the session to a file (Ctrl+S) to keep it.",
                title="Sessions are not being kept", severity="error", timeout=20, markup=False,
            )  # fmt: skip

    def _offer_resume(self) -> None:
        """Offer the scenario's unfinished sessions; Esc (or n) starts a new one and discards none."""
        from sim.ui.screens.dialogs import Ask

        offers = self.keeper.offers()
        if not offers:
            return
        shown = offers[: storage.MAX_OFFERED]
        answers = [(str(i), storage.offer_line(info, self.scenario), str(info.id)) for i, info in enumerate(shown, 1)]
        answers.append(("n", "Start a new session", "new"))
        more = f" (the {len(offers) - len(shown)} older ones: sim sessions)" if len(offers) > len(shown) else ""
        count, which = ("an unfinished session", "it") if len(offers) == 1 else (f"{len(offers)} unfinished sessions", "one")

        def answer(value: str | None) -> None:
            if value and value.isdigit():
                self._resume(next(info for info in shown if info.id == int(value)))

        self.push_screen(
            Ask(f"This scenario has {count} in the session store{more}. Resume {which}? Esc starts a new one; none is deleted.", answers),
            answer,
        )

    def _resume(self, info) -> None:
        self.push_screen(LoadingScreen(f"session {info.id} ({plural(info.steps, 'step')})"))
        self._replay_stored(info.id)

    @work(thread=True, exclusive=True, group="resume")
    def _replay_stored(self, session_id: int) -> None:
        from sim.store.db import StoreError

        try:
            replayed = self.keeper.resume(session_id)
        except (StoreError, KeyError) as exc:
            message = str(exc) if isinstance(exc, StoreError) else f"session {session_id} is no longer in the store"
            self.call_from_thread(self._resume_failed, message)
            return
        self.call_from_thread(self._resumed, replayed)

    def _resume_failed(self, message: str) -> None:
        self.pop_screen()
        self.notify(message, title="Could not resume", severity="error", timeout=10, markup=False)

    def _resumed(self, replayed) -> None:
        self.pop_screen()
        self.keeper.adopt(replayed)  # before _open's sync: the replayed session continues its own record
        self._open(OpenSession(replayed.session))
        if replayed.dropped:
            listed = "\n".join(f"- {line}" for line in replayed.dropped[:5])
            more = f"\n- and {len(replayed.dropped) - 5} more" if len(replayed.dropped) > 5 else ""
            self.notify(
                f"The scenario changed since session {replayed.info.id} was recorded. What no longer applies was left out"
                f" (session {replayed.info.id} itself is kept as it was):\n{listed}{more}",
                title="Resumed what still applies", severity="warning", timeout=30, markup=False,
            )  # fmt: skip
        elif replayed.changed:
            self.notify(f"The scenario's files changed since session {replayed.info.id} was recorded; every step still applies.", timeout=8, markup=False)

    # --- the session ----------------------------------------------------------------------------

    def changed(self) -> None:
        """The open session changed: it is committed to the store, then screens redraw (they watch ``revision``)."""
        self._keep()  # first: nothing is shown that a kill could lose
        self.revision += 1

    def _keep(self) -> None:
        """Commit what changed in the session to the store (synchronously: well under a frame)."""
        if self.keeper is None or self.session is None:
            return
        message = self.keeper.sync(self.session)
        if message:
            failing = self.keeper.problem is not None
            self.notify(message, title="Session store", severity="error" if failing else "information", timeout=15 if failing else 8, markup=False)

    def on_unmount(self) -> None:
        if self.keeper is not None:
            self.keeper.close()

    def say(self, message: str, severity: str = "information") -> None:
        """A notice in the screen's own line when it has one (the main and ending screens),
        where it covers nothing; a toast elsewhere, and always for errors."""
        if severity != "error" and getattr(self.screen, "SHOWS_NOTICES", False):
            self.notice = (message, severity)
        else:
            self.notify(message, severity=severity, timeout=8 if severity == "error" else 4)

    def choose(self, act_id: str) -> None:
        from sim.engine.session import ChoiceError

        if self.session is None:
            return
        try:
            step = self.session.choose(act_id)
        except ChoiceError as exc:
            self.say(str(exc), severity="warning")
            return
        self._after_step(step)

    def action_roll(self) -> None:
        from sim.engine.session import ChoiceError

        if self.session is None:
            return
        try:
            step = self.session.roll()
        except ChoiceError as exc:
            self.say(str(exc), severity="warning")
            return
        self._after_step(step)
        self.say(f"Rolled (seed {self.session.seed}): {self.scenario.by_id[step.choice].label}")

    def _after_step(self, step) -> None:
        self.changed()
        if step.node.over:
            from sim.ui.screens.ending import EndingScreen

            self.push_screen(EndingScreen(self.scenario.endings[step.node.ending]))

    def back(self) -> None:
        if self.session is None:
            return
        if self.session.step().parent is None:
            self.say("This is the start: there is nothing to go back to.")
            return
        self.session.back()
        self.changed()

    def action_back(self) -> None:
        self.back()

    def goto(self, step_id: int) -> None:
        if self.session is None:
            return
        self.session.goto(step_id)
        self.changed()

    @property
    def unsaved(self) -> bool:
        """Steps that neither the session store nor a saved file holds."""
        if self.opened is None or not self.opened.unsaved:
            return False
        return self.keeper is None or not self.keeper.kept(self.session)

    # --- views (check_action keeps these from running without a session) -------------------------

    def action_why(self) -> None:
        from sim.ui.screens.why import WhyScreen

        self.push_screen(WhyScreen(self.session.step()))

    def action_sources(self, quote: QuoteRef | None = None) -> None:
        from sim.ui.screens.sources import SourcesScreen

        self.push_screen(SourcesScreen(quote))

    def action_actors(self, actor: str | None = None, issue: str | None = None) -> None:
        from sim.ui.screens.actors import ActorsScreen

        self.push_screen(ActorsScreen(actor, issue))

    def action_mark(self) -> None:
        self.opened.mark = self.session.current
        self.say(f"Marked step {self.opened.mark}. Move elsewhere, then press c to compare.")

    def action_compare(self) -> None:
        from sim.ui.screens.compare import CompareScreen

        mark = self.opened.mark
        self.push_screen(CompareScreen(0 if mark is None else mark, self.session.current, marked=mark is not None))

    def action_explore(self) -> None:
        from sim.ui.screens.explore import ExploreScreen

        self.push_screen(ExploreScreen())

    def action_help(self) -> None:
        from sim.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    # --- files ----------------------------------------------------------------------------------

    def _confined(self, name: str | Path) -> Path | None:
        """The path a name typed in Save, Open or Export stands for. Served, only names inside the
        app's own folder are accepted (anything else is said, and None returned)."""
        if self.folder is None:
            return Path(name)
        try:
            return storage.within(self.folder, str(name))
        except storage.Outside as exc:
            self.say(str(exc), severity="error")
            return None

    def _shown(self, path: Path) -> str:
        """A path as the person is told it: served, relative to the app's folder (the server's own
        folders are none of a student's business)."""
        if self.folder is not None and path.is_relative_to(self.folder):
            return str(path.relative_to(self.folder))
        return str(path)

    def action_export(self) -> None:
        from sim.ui.screens.export import ExportScreen

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer is not None and self.session is not None:
                self._export(*answer)

        self.push_screen(ExportScreen(self.scenario.id, downloads=self.folder is not None), chosen)

    def _export(self, kind: str, target: str) -> None:
        """Read the path now; print, explore and write in a worker; say where each file went."""
        from sim.export.documents import KINDS, prepare

        spec = KINDS[kind]
        if self.folder is None:
            where: Path | None = Path(target)
        elif kind == "roles":  # served: one download per side, named by the export
            where = None
        else:
            where = self._confined(target)  # served: the name the download is saved under
            if where is None:
                return
        try:
            job = prepare(kind, scenario=self.scenario, session=self.session)
        except ValueError as exc:
            self.say(f"Could not export: {exc}", severity="error")
            return
        if kind in ("notes", "graph"):
            self.say(f"Exporting the {spec.title.lower()}: exploring every branch first, in the background…")
        self.run_worker(lambda: self._export_job(spec.title, job, where, kind == "roles"), thread=True, group="export", name=f"export {kind}")

    def _export_job(self, title: str, job, target: Path | None, folder: bool) -> None:
        from sim.export.documents import save, target_for
        from sim.export.drawing import TooBigForMermaid
        from sim.export.pdf import PdfUnavailable

        try:
            documents = job(None)
            if self.folder is not None:  # served: to the browser, never to a path on the server
                self.call_from_thread(self._download, title, documents, target)
                return
            written = save(documents, target) if folder else save(documents, output=target)
        except (OSError, PdfUnavailable, TooBigForMermaid, RuntimeError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.call_from_thread(self.say, f"Could not export the {title.lower()}: {reason}", "error")
            return
        notes = " ".join(d.note for d in documents if d.note)
        where = ", ".join(str(p.resolve()) for p in written)
        # A second group's export must never replace the first's: a taken name gets -2, -3...
        taken = "" if folder or written[0] == target_for(documents[0], target) else f" ({target} already exists; it was left as it was)"
        self.call_from_thread(self.say, f"{title} written to {where}{taken}{' ' + notes if notes else ''}")

    def _download(self, title: str, documents, target: Path | None) -> None:
        """Served: hand each document to the browser as a download (textual-serve's /download)."""
        import io

        from sim.export.documents import target_for

        names = []
        for document in documents:
            name = target_for(document, target).name if target is not None and len(documents) == 1 else document.name
            name = DOWNLOAD_NAME.sub("_", name)  # the page's Content-Disposition takes it unquoted
            if isinstance(document.data, str):
                self.deliver_text(io.StringIO(document.data), save_directory=self.folder, save_filename=name, encoding="utf-8", name=f"export {name}")
            else:
                self.deliver_binary(io.BytesIO(document.data), save_directory=self.folder, save_filename=name, name=f"export {name}")
            names.append(name)
        notes = " ".join(d.note for d in documents if d.note)
        self.say(f"{title}: sent to your browser as {', '.join(names)} (see its downloads).{' ' + notes if notes else ''}")

    def on_delivery_complete(self, event) -> None:
        if (event.name or "").startswith("export "):
            self.say(f"{event.name.removeprefix('export ')} is in your browser's downloads.")

    def on_delivery_failed(self, event) -> None:
        if (event.name or "").startswith("export "):
            self.say(f"The download of {event.name.removeprefix('export ')} failed: {event.exception or 'the browser did not take it'}", severity="error")

    def action_save(self) -> None:
        from sim.ui.screens.dialogs import Dialog

        def chosen(name: str | None) -> None:
            if name:
                self.save_to(Path(name))

        self.push_screen(Dialog("Save the session (every branch explored) to:", self._default_file()), chosen)

    def _default_file(self) -> str:
        return self._shown(self.opened.file) if self.opened.file else f"session-{self.scenario.id}.yaml"

    def save_to(self, path: Path) -> bool:
        confined = self._confined(path)
        if confined is None:
            return False
        try:
            storage.save(self.session, confined)
        except OSError as exc:
            self.say(f"Could not save: {path}: {exc.strerror or exc}", severity="error")
            return False
        self.opened.saved_to(confined)
        if self.folder is not None:
            self.say(f"Saved to {self._shown(confined)}, in this app's folder. Reopen it here with Ctrl+O.")
        else:
            self.say(f"Saved to {path}. Reopen it here with Ctrl+O, or later with: {invocation.play_load(path)}")
        return True

    def action_open(self) -> None:
        from sim.ui.screens.dialogs import Dialog

        def chosen(name: str | None) -> None:
            if name and self.unsaved:
                self._confirm_replace(Path(name))
            elif name:
                self.open_file(Path(name))

        self.push_screen(Dialog("Open a saved session:", self._default_file()), chosen)

    def _save_then(self, then) -> None:
        """Ask where to save; once saved, carry on with ``then`` (a cancelled or failed save stops)."""
        from sim.ui.screens.dialogs import Dialog

        def saved(name: str | None) -> None:
            if name and self.save_to(Path(name)):
                then()

        self.push_screen(Dialog("Save the session to:", self._default_file()), saved)

    def _confirm_replace(self, path: Path) -> None:
        """Opening replaces the session on screen: ask first when its steps are kept nowhere."""
        from sim.ui.screens.dialogs import Ask

        def answer(value: str | None) -> None:
            if value == "open":
                self.open_file(path)
            elif value == "save":
                self._save_then(lambda: self.open_file(path))

        self.push_screen(
            Ask(
                f"Opening {path} replaces this session, whose steps are not kept anywhere ({storage.no_store_reason(self.keeper)}). Open it?",
                [("s", "Save this one first", "save"), ("o", "Open without saving", "open"), ("escape", "Cancel", "cancel")],
            ),
            answer,
        )

    def open_file(self, path: Path) -> bool:
        confined = self._confined(path)
        if confined is None:
            return False
        try:
            session = storage.load(self.scenario, confined)
        except InputError as exc:
            # The open session is untouched: the file is replayed into a new one first.
            self.notify("\n".join(d.format() for d in exc.diagnostics[:3]), title="Could not open the session", severity="error", timeout=10)
            return False
        self._open(OpenSession.from_file(session, confined))
        self.say(f"Opened {self._shown(confined)}")
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
                f"This session's steps are not kept anywhere: {storage.no_store_reason(self.keeper)}. Save them to a file before quitting?",
                [("s", "Save, then quit", "save"), ("q", "Quit and lose them", "quit"), ("escape", "Cancel", "cancel")],
            ),
            answer,
        )

    # --- command palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from sim.ui.screens.main import MainScreen

        for action in actions.ACTIONS:
            if not action.palette or (action.needs_session and self.opened is None):
                continue
            if action.local and not isinstance(screen, MainScreen):
                continue  # the main screen's own (the tree, zoom): offered there
            target = screen if action.local else self
            yield SystemCommand(action.title, action.help[:1].upper() + action.help[1:], getattr(target, f"action_{action.name}"))
        yield SystemCommand("Projector theme (high contrast)", "Large contrast for a projected screen or low vision; kept for next time", lambda: setattr(self, "theme", "projector"))
        yield from super().get_system_commands(screen)


def run_app(name: str | None, seed: int | None = None, load: str | None = None, pick: bool = False) -> int:
    """Entry point for `sim` and `sim play`."""
    from sim.format.catalog import catalog, resolve

    if name is None and pick and len(catalog()) <= 1:
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
    app = make_app(name, seed=seed, load=load, pick=pick)
    app.run()
    return 0 if app.return_code in (None, 0) else app.return_code


def make_app(name: str | None, seed: int | None = None, load: str | None = None, pick: bool = False) -> SimApp:
    """The app `sim play` runs: a picker only when no scenario is named and no session is loaded."""
    return SimApp(name, seed=seed, load=load, pick=pick and name is None and load is None)
