"""The printable documents' common parts: the page, its print CSS, quotes and articles.

Every document is one self-contained HTML file (no scripts, no fetched fonts or
images), readable in a browser and printed to PDF by :mod:`sim.export.pdf`. Text
from the scenario is always escaped; nothing in a scenario becomes markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from sim.export.story import Article, Quote

PAPER = {"a4": "A4", "letter": "letter"}  # CSS @page sizes

_CSS = """
@page { size: %(size)s; margin: 18mm 17mm 20mm 17mm;
  @bottom-center { content: "%(footer)s \\2014  " counter(page) " / " counter(pages);
                   font: 8pt "DejaVu Sans", sans-serif; color: #555; } }
html { font: 10.5pt/1.42 "DejaVu Serif", Georgia, serif; color: #111; }
body { margin: 0; }
h1, h2, h3, h4, .who, .meta, footer, figcaption, th { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; }
h1 { font-size: 19pt; line-height: 1.15; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 0.6pt solid #999; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
h4 { font-size: 10pt; margin: 3mm 0 1mm; }
h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
p { margin: 1mm 0 2mm; orphans: 3; widows: 3; }
.subtitle { font-size: 11pt; color: #333; margin: 0 0 3mm; }
.caveat { border: 0.8pt solid #444; padding: 2mm 3mm; margin: 3mm 0; font-size: 9.5pt; }
.beat, blockquote, .prompt, .judgement, .version, .item, tr { break-inside: avoid; page-break-inside: avoid; }
.beat { margin: 0 0 3mm; }
.who { font-size: 8.5pt; color: #444; margin: 0 0 1mm; }
.basis-illustrative { font-style: italic; }
blockquote { margin: 1.5mm 0 2mm 5mm; padding-left: 3mm; border-left: 1.5pt solid #999; }
blockquote p { margin: 0; font-style: italic; }
blockquote footer { font-size: 8.5pt; color: #333; font-style: normal; }
.meta { color: #555; font-size: 8.5pt; }
ul { margin: 1mm 0 2mm; padding-left: 6mm; }
li { margin-bottom: 1mm; }
.prompt { margin: 3mm 0 4mm; }
.prompt .q { font-weight: bold; }
.answer { margin-top: 1mm; }
.answer div { height: 8mm; border-bottom: 0.5pt solid #888; }
.sheet + .sheet { break-before: page; page-break-before: always; }
.private { border: 1.6pt solid #000; padding: 1mm 3mm 2mm; margin: 4mm 0; }
.private h2 { border: 0; margin-top: 2mm; }
table { border-collapse: collapse; width: 100%%; margin: 1mm 0 3mm; font-size: 9.5pt; }
th, td { text-align: left; vertical-align: top; padding: 1mm 2mm; border-bottom: 0.5pt solid #bbb; }
td.num { text-align: right; white-space: nowrap; }
@media screen { html { background: #eee; } body { background: #fff; max-width: 46em; margin: 1em auto; padding: 1.5em 2.5em; } }
"""


def css(paper: str, footer: str) -> str:
    return _CSS % {"size": PAPER[paper], "footer": _css_string(footer)}


def _css_string(text: str) -> str:
    """Text inside a CSS string: quotes, backslashes and anything unusual escaped."""
    out = []
    for ch in text:
        if ch.isalnum() or ch in " ,.:;!?()-'":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return "".join(out)


def page(title: str, body: str, paper: str = "a4", footer: str | None = None, lang: str = "en") -> str:
    """A complete HTML document."""
    if paper not in PAPER:
        raise ValueError(f"paper must be one of {', '.join(PAPER)}")
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{css(paper, footer or title)}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def p(text: str, cls: str | None = None) -> str:
    return f"<p{_cls(cls)}>{escape(text)}</p>"


def h(level: int, text: str) -> str:
    return f"<h{level}>{escape(text)}</h{level}>"


def ul(items: Iterable[str], cls: str | None = None) -> str:
    """A list of plain-text items (escaped); empty when there are none."""
    rows = [f"<li>{escape(i)}</li>" for i in items]
    return f"<ul{_cls(cls)}>" + "".join(rows) + "</ul>" if rows else ""


def cite(article: Article) -> str:
    """An article's label, with its own outlet, dateline and date where it states them."""
    meta = f' <span class="meta">({escape(article.meta)})</span>' if article.meta else ""
    return f"<cite>{escape(article.label)}</cite>{meta}"


def quote(q: Quote) -> str:
    who = f"{escape(q.speaker)}, quoted in " if q.speaker else ""
    return f"<blockquote><p>\u201c{escape(q.text)}\u201d</p><footer>\u2014 {who}{cite(q.article)}</footer></blockquote>"


def quotes(qs: Iterable[Quote]) -> str:
    return "".join(quote(q) for q in qs)


def prompt(text: str, lines: int = 4) -> str:
    """A question with ruled space to write the answer."""
    rule = "<div></div>" * lines
    return f'<div class="prompt"><p class="q">{escape(text)}</p><div class="answer">{rule}</div></div>'


def caveat(*texts: str) -> str:
    return f'<p class="caveat">{escape(" ".join(t for t in texts if t))}</p>'


def _cls(cls: str | None) -> str:
    return f' class="{escape(cls)}"' if cls else ""
