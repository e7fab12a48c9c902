"""What a class takes away, in one registry: each kind of export, its formats, and how
it is made and saved. The CLI (``sim export``) and the UI's export dialog both offer
:data:`KINDS` and call :func:`produce` and :func:`save`, so they cannot drift apart.

Saving never overwrites: each file goes to a new name (``handout-whole_arc.pdf``,
then ``handout-whole_arc-2.pdf``, ...) through :func:`sim.files.write_new`, and the
paths written are returned for the caller to show.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the registry is imported by the CLI's parser: it stays light
    from sim.engine.model import Scenario
    from sim.engine.session import Session
    from sim.room.debrief import Debrief


@dataclass(frozen=True, slots=True)
class ExportKind:
    name: str
    title: str  # as a menu shows it
    formats: tuple[str, ...]  # the first is the default
    needs: str  # "session" (a played path), "scenario", or "room" (a debrief of rooms)
    help: str


KINDS: dict[str, ExportKind] = {
    k.name: k
    for k in (
        ExportKind("handout", "Student handout", ("pdf", "html"), "session",
                   "the path as narrative with quotes, prompts with space to answer, the ending, the disagreements"),
        ExportKind("roles", "Role sheets, one per side", ("pdf", "html"), "scenario",
                   "each side's public briefing, red lines and stances with quotes; its private briefing on its own sheet only"),
        ExportKind("notes", "Teacher's notes", ("pdf", "html"), "scenario",
                   "lesson length, the main line, disagreements, single-source claims, every prompt, the endings"),
        ExportKind("tree", "Picture of the explored tree", ("svg", "dot", "mermaid"), "session",
                   "the branches this session explored; edge width by probability"),
        ExportKind("graph", "Picture of every branch", ("svg", "dot", "mermaid"), "scenario",
                   "every branch from the start, equal states merged, small branches folded"),
        ExportKind("transcript", "Transcript", ("markdown", "text", "json"), "session",
                   "the path with everything that changed, for the record"),
        ExportKind("debrief", "Debrief of the rooms played", ("pdf", "html", "markdown"), "room",
                   "each table's path, orders by round, decisions with the odds from there, the groups' notes"),
    )
}  # fmt: skip

EXTENSIONS = {"pdf": "pdf", "html": "html", "svg": "svg", "dot": "dot", "mermaid": "mmd", "markdown": "md", "text": "txt", "json": "json"}


@dataclass(frozen=True, slots=True)
class Document:
    name: str  # the file name it is saved under (a free variant if taken)
    data: str | bytes
    note: str | None = None  # something the person should know (e.g. how to render a DOT)


@dataclass(frozen=True, slots=True)
class Options:
    paper: str = "a4"
    threshold: float | None = None  # tree pictures: fold branches below this probability
    main_line: Session | None = None  # teacher's notes: the path the articles report
    side: str | None = None  # role sheets: one side only
    max_nodes: int = 5_000_000  # teacher's notes: exploration budget
    debrief: Debrief | None = None  # a debrief of rooms (sim.room.debrief): the debrief's, and the teacher's notes' section


Job = Callable[[Callable[[int, int], None] | None], list[Document]]  # the slow part, given a progress callback


def produce(
    kind: str,
    fmt: str | None = None,
    *,
    scenario: Scenario,
    session: Session | None = None,
    options: Options = Options(),
    progress: Callable[[int, int], None] | None = None,
) -> list[Document]:
    """The documents of one export (several for role sheets), not yet saved."""
    return prepare(kind, fmt, scenario=scenario, session=session, options=options)(progress)


def prepare(kind: str, fmt: str | None = None, *, scenario: Scenario, session: Session | None = None, options: Options = Options()) -> Job:
    """Read what the export needs from the session now; return the slow rest (printing a
    PDF, exploring, drawing) as a job that touches no session, so a UI can run it in a
    thread while the session moves on. Raises ValueError for a kind, format or side
    that does not apply."""
    spec = KINDS[kind]
    fmt = fmt or spec.formats[0]
    if fmt not in spec.formats:
        raise ValueError(f"{kind} comes as {', '.join(spec.formats)}, not {fmt}")
    if spec.needs == "session" and session is None:
        raise ValueError(f"{kind} needs a played session")
    if spec.needs == "room" and options.debrief is None:
        raise ValueError(f"{kind} needs the rooms played (a room, or a scenario's rooms)")
    base = f"{kind}-{scenario.id}"
    if kind == "debrief":
        d = options.debrief
        base = f"debrief-room-{d.tables[0].room}" if len(d.tables) == 1 else f"debrief-{d.scenario_id}"
        if fmt == "markdown":
            from sim.room.debrief import markdown

            text = markdown(d)
            return lambda progress: [Document(f"{base}.md", text)]
        from sim.export.debrief import debrief_page

        page = debrief_page(d, options.paper)
        return lambda progress: [_printed(base, page, fmt)]
    if kind == "transcript":
        from sim.export.transcript import render

        text = render(session, fmt)
        return lambda progress: [Document(f"{base}.{EXTENSIONS[fmt]}", text)]
    if kind == "handout":
        from sim.export.handout import handout
        from sim.export.story import story

        page = handout(story(session), options.paper)
        return lambda progress: [_printed(base, page, fmt)]
    if kind == "roles":
        from sim.export.roles import played, role_sheet

        actors = [a for a in played(scenario) if options.side in (None, a.id)]
        if not actors:
            raise ValueError(f"no side '{options.side}' to write a role sheet for")
        pages = [(f"role-{scenario.id}-{a.id}", role_sheet(scenario, a.id, options.paper)) for a in actors]
        return lambda progress: [_printed(name, page, fmt) for name, page in pages]
    if kind == "notes":
        from sim.export.story import story

        main = story(options.main_line) if options.main_line is not None else None

        def notes(progress) -> list[Document]:
            from sim.analysis.explore import exhaustive
            from sim.export.notes import outlook, teacher_notes

            seen = outlook(scenario, exhaustive(scenario, max_nodes=options.max_nodes, progress=progress))
            tables = options.debrief if options.debrief is not None else ()
            return [_printed(base, teacher_notes(scenario, seen, main, tables, paper=options.paper), fmt)]

        return notes
    if kind in ("tree", "graph"):
        from sim.export import tree

        threshold = tree.THRESHOLD if options.threshold is None else options.threshold
        if kind == "tree":
            graph = tree.session_tree(session, threshold)
            return lambda progress: [_picture(base, graph, fmt)]
        return lambda progress: [_picture(base, tree.exploration_graph(scenario, threshold), fmt)]
    raise AssertionError(kind)  # pragma: no cover - KINDS is checked above


def _printed(base: str, html: str, fmt: str) -> Document:
    if fmt == "html":
        return Document(f"{base}.html", html)
    from sim.export.pdf import render_pdf

    return Document(f"{base}.pdf", render_pdf(html))


def _picture(base: str, graph, fmt: str) -> Document:
    from sim.export.drawing import DotMissing, render_svg, to_dot, to_mermaid

    if fmt == "mermaid":
        return Document(f"{base}.mmd", to_mermaid(graph))
    dot = to_dot(graph)
    if fmt == "dot":
        return Document(f"{base}.dot", dot)
    try:
        return Document(f"{base}.svg", render_svg(dot))
    except DotMissing as exc:
        return Document(f"{base}.dot", dot, note=f"{exc}: wrote the DOT instead; render it with: dot -Tsvg {base}.dot -o {base}.svg")


def save(documents: Sequence[Document], folder: str | os.PathLike = ".", output: str | os.PathLike | None = None) -> list[Path]:
    """Write each document to a new file, never overwriting; returns the paths written.

    ``output`` names the file for a single document (a free variant if it is taken);
    otherwise each goes into ``folder`` under its own name."""
    from sim.files import write_new

    if output is not None and len(documents) == 1:
        return [write_new(target_for(documents[0], output), documents[0].data)]
    return [write_new(Path(folder) / d.name, d.data) for d in documents]


def target_for(document: Document, output: str | os.PathLike) -> Path:
    """The name a single document is written under when the person named ``output``: theirs,
    with the document's own extension where they differ (a DOT written where dot could not
    draw the SVG asked for; a name given without one)."""
    target = Path(output)
    suffix = Path(document.name).suffix
    if target.suffix == suffix:
        return target
    return target.with_suffix(suffix) if target.suffix else target.with_name(target.name + suffix)
