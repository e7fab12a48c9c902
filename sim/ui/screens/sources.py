"""The source viewer: each article in full, the quote highlighted; and the places
where the articles disagree, side by side."""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from sim.engine.model import QuoteRef, Scenario

DISPUTES = "__disputes__"


def cited_spans(scn: Scenario) -> dict[str, list[tuple[int, int]]]:
    """Every passage the scenario quotes, by source: shown underlined in the viewer."""
    quotes: list[QuoteRef] = [q for s in scn.stances for q in s.quotes]
    quotes += [q for a in scn.acts for q in a.quotes]
    quotes += [q for a in scn.acts for d in a.demands for q in d.quotes]
    quotes += [q for a in scn.actors.values() for q in a.briefing.quotes]
    quotes += [q for e in scn.endings for q in e.quotes]
    spans: dict[str, list[tuple[int, int]]] = {}
    for q in quotes:
        if q.span:
            spans.setdefault(q.source, []).append(q.span)
    for d in scn.disputes:
        for v in d.versions:
            if v.span:
                spans.setdefault(v.source, []).append(v.span)
    return spans


@dataclass(frozen=True, slots=True)
class Block:
    start: int  # offsets into the source's text
    end: int
    rows: list[list[str]] | None = None  # a table's cells; None for a paragraph


def blocks(text: str) -> list[Block]:
    """The source's paragraphs and tables, the file itself unchanged.

    A blank line always ends a paragraph. A file hard-wrapped at a fixed width (most
    lines near its longest, which is short) also runs its lines together until a short
    line, so a source wrapped at 100 columns reads as paragraphs, not fragments; a file
    with one paragraph per line keeps its lines. Runs of lines with ``|`` in them are
    tables (Markdown's, left over in an article): their ``---|`` rows are dropped."""
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1
    lengths = [len(line.rstrip()) for _, line in lines if line.strip()]
    widest = max(lengths, default=0)
    wrapped = 0 < widest <= 120 and sum(n >= 0.75 * widest for n in lengths) * 2 >= len(lengths)
    out: list[Block] = []
    i = 0
    while i < len(lines):
        start, line = lines[i]
        if not line.strip():
            i += 1
            continue
        if "|" in line:
            rows = []
            while i < len(lines) and "|" in lines[i][1]:
                cells = [c.strip() for c in lines[i][1].strip().strip("|").split("|")]
                if not all(set(c) <= set("-: ") for c in cells):
                    rows.append(cells)
                i += 1
            out.append(Block(start, lines[i - 1][0] + len(lines[i - 1][1]), rows))
            continue
        end = start + len(line)
        i += 1
        while wrapped and len(line.rstrip()) >= 0.75 * widest and i < len(lines) and lines[i][1].strip() and "|" not in lines[i][1]:
            start_next, line = lines[i]
            end = start_next + len(line)
            i += 1
        out.append(Block(start, end))
    return out


def table_of(rows: list[list[str]]) -> Table:
    width = max(len(r) for r in rows)
    table = Table(show_header=len(rows) > 1, box=box.SIMPLE_HEAD, padding=(0, 1), expand=False)
    for cell in rows[0] + [""] * (width - len(rows[0])):
        table.add_column(cell, overflow="fold")
    for row in rows[1:]:
        table.add_row(*(row + [""] * (width - len(row))))
    if len(rows) == 1:
        table.add_row(*rows[0])
    return table


class SourcesScreen(Screen):
    CSS_PATH = "sources.tcss"
    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("d", "disputes", "Disagreements"),
        # The article list has the focus; these page the article itself, as a reader expects.
        Binding("pagedown,space", "page(1)", "Page", show=False, priority=True),
        Binding("pageup", "page(-1)", "Page up", show=False, priority=True),
    ]

    def __init__(self, quote: QuoteRef | None = None, **kwargs):
        super().__init__(**kwargs)
        self.quote = quote

    def compose(self) -> ComposeResult:
        scn = self.app.scenario
        yield Header()
        with Horizontal():
            options = [Option(src.label, id=sid) for sid, src in scn.sources.items()]
            options.append(Option("Where the articles disagree", id=DISPUTES))
            listing = OptionList(*options, id="source-list")
            listing.border_title = "Articles"
            yield listing
            body = VerticalScroll(id="article")
            body.border_title = "Article"
            yield body
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Sources"
        self.sub_title = "quoted passages are underlined; the one you opened is highlighted"
        self._spans = cited_spans(self.app.scenario)
        listing = self.query_one("#source-list", OptionList)
        target = self.quote.source if self.quote else next(iter(self.app.scenario.sources), DISPUTES)
        listing.highlighted = listing.get_option_index(target)
        self.show(target)
        listing.focus()

    def action_page(self, direction: int) -> None:
        body = self.query_one("#article", VerticalScroll)
        body.scroll_page_down(animate=False) if direction > 0 else body.scroll_page_up(animate=False)

    def on_resize(self, event) -> None:
        # Side by side needs room: below ~110 columns the versions of a disagreement stack
        # and the article list narrows (sources.tcss), so no column breaks words apart.
        self.set_class(event.size.width < 110, "-narrow")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.show(event.option.id)

    def show(self, source_id: str) -> None:
        body = self.query_one("#article", VerticalScroll)
        body.remove_children()
        if source_id == DISPUTES:
            body.border_title = "Where the articles disagree"
            body.mount_all(self._dispute_widgets())
            return
        scn = self.app.scenario
        src = scn.sources[source_id]
        body.border_title = src.label
        head = Text()
        if src.headline:
            head.append(src.headline + "\n", style="bold")
        head.append(f"seeds/{src.file.name}", style="dim")
        if src.notes:
            head.append("\n" + src.notes.strip(), style="italic dim")
        widgets = [Static(head, classes="head")]
        target = self.quote.span if self.quote and self.quote.source == source_id else None
        focus = None
        for block in blocks(src.text):
            if block.rows is not None:
                widgets.append(Static(table_of(block.rows), classes="para"))
                continue
            start, end = block.start, block.end
            # a paragraph's line breaks become spaces, one character for one, so the
            # quotes' offsets into the file still fall on the same words
            text = Text(src.text[start:end].replace("\n", " "))
            for a, b in self._spans.get(source_id, []):
                if a < end and b > start:
                    text.stylize("underline", max(a, start) - start, min(b, end) - start)
            if target and target[0] < end and target[1] > start:
                text.stylize("bold reverse", max(target[0], start) - start, min(target[1], end) - start)
            widget = Static(text, classes="para")
            if target and focus is None and target[0] < end and target[1] > start:
                focus = widget
            widgets.append(widget)
        body.mount_all(widgets)
        if focus is not None:
            self.call_after_refresh(body.scroll_to_widget, focus, animate=False, top=True)

    def _dispute_widgets(self) -> list:
        scn = self.app.scenario
        out = []
        for dispute in scn.disputes:
            out.append(Static(Text(dispute.topic, style="bold"), classes="topic"))
            columns = []
            for v in dispute.versions:
                src = scn.sources.get(v.source)
                text = Text(src.label if src else v.source, style="bold")
                if v.speaker:  # two speakers in one article: whose characterisation this is
                    text.append(f", {v.speaker}", style="bold")
                text.append("\n\u201c" + v.text + "\u201d\n", style="italic")
                text.append(v.summary, style="dim")
                columns.append(Static(text, classes="version"))
            out.append(Horizontal(*columns, classes="versions"))
        if not out:
            out.append(Static("The articles this scenario draws on do not disagree on any recorded point."))
        return out

    def action_disputes(self) -> None:
        listing = self.query_one("#source-list", OptionList)
        listing.highlighted = listing.get_option_index(DISPUTES)

    def action_close(self) -> None:
        self.dismiss()
