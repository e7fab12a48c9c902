"""A tree picture (:mod:`sim.export.tree`) as Graphviz DOT, Mermaid, or SVG through `dot`.

Labels are scenario text: DOT strings escape quotes and backslashes, Mermaid labels
use its entity codes, so no label can change the graph's structure. SVG is drawn by
Graphviz's ``dot`` (Debian's ``graphviz``) when it is installed; :func:`render_svg`
says so when it is not, and the caller writes the DOT with how to render it.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap

from sim.export.story import percent
from sim.export.tree import GEdge, GNode, Graph

MERMAID_MAX_EDGES = 500  # Mermaid's default maxEdges: a bigger chart is refused by Mermaid itself
LABEL_WIDTH = 30
CHAIN_SHOWN = 3  # steps of a collapsed chain named on its edge; the rest are counted
DOT_TIMEOUT = 60  # seconds: dot on a few hundred nodes takes well under one


class DotMissing(RuntimeError):
    """Graphviz's dot is not installed."""


DOT_HINT = "Graphviz's dot is not installed (Debian: apt-get install graphviz)"


def edge_text(edge: GEdge) -> str:
    shown = edge.labels[:CHAIN_SHOWN]
    if len(edge.labels) > CHAIN_SHOWN:
        shown = [*edge.labels[: CHAIN_SHOWN - 1], f"\u2026 {len(edge.labels) - CHAIN_SHOWN + 1} more steps"]
    text = "\n".join(textwrap.fill(label, LABEL_WIDTH) for label in shown)
    if edge.share is not None and edge.share < 1:
        text += f" {percent(edge.share)}"
    return text


def width(edge: GEdge) -> float:
    """Pen width in points: 1 for a sliver of the weight, 9 for all of it."""
    return round(1 + 8 * max(0.0, min(1.0, edge.mass)), 2)


# --- DOT ---------------------------------------------------------------------------------------


def _dq(text: str) -> str:
    """A DOT double-quoted string; line breaks become centred \\n."""
    safe = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "\\n".join(safe.splitlines() or [""]) + '"'


def to_dot(graph: Graph) -> str:
    out = [
        "digraph tree {",
        f"  label={_dq(_caption(graph))}; labelloc=t; fontname=\"DejaVu Sans\"; fontsize=16;",
        "  rankdir=LR; nodesep=0.25; ranksep=0.45;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="DejaVu Sans", fontsize=11];',
        '  edge [fontname="DejaVu Sans", fontsize=10, color="#555555", arrowsize=0.6];',
    ]
    for node in graph.nodes.values():
        out.append(f"  {node.id} [{_node_attrs(graph, node)}];")
    for edge in graph.edges:
        attrs = [f"label={_dq(edge_text(edge))}", f"penwidth={width(edge)}"]
        if edge.current:
            attrs.append('color="#000000"')
        out.append(f"  {edge.src} -> {edge.dst} [{', '.join(attrs)}];")
    if graph.endings:
        out.append("  subgraph cluster_legend {")
        out.append('    label="Endings"; fontsize=12; style=rounded; color="#999999";')
        for i, (title, colour) in enumerate(graph.endings):
            out.append(f'    legend{i} [label={_dq(textwrap.fill(title, LABEL_WIDTH))}, fillcolor="{colour}"];')
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def _node_attrs(graph: Graph, node: GNode) -> str:
    attrs = [f"label={_dq(textwrap.fill(node.label, LABEL_WIDTH))}"]
    colour = graph.colour(node)
    if colour:
        attrs.append(f'fillcolor="{colour}"')
    if node.kind in ("other", "open"):
        attrs.append('style="rounded,dashed"')
        attrs.append('fontcolor="#555555"')
    if node.current:
        attrs.append("penwidth=2.5")
    return ", ".join(attrs)


def _caption(graph: Graph) -> str:
    return (
        f"{graph.title}\nEdge width: probability under the author's weights (moves counted equally); "
        f"branches under {percent(graph.threshold)} folded into \u201cother\u201d.\n"
        "Weights are the author's illustrative judgement, not a forecast."
    )


# --- Mermaid -----------------------------------------------------------------------------------


class TooBigForMermaid(ValueError):
    pass


def _mq(text: str) -> str:
    """A Mermaid label: quotes and markup characters as entity codes, lines as <br>."""
    out = []
    for ch in text:
        if ch == "\n":
            out.append("<br>")
        elif ch.isalnum() or ch in " ,.:;!?()'-\u2026%/":
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return '"' + "".join(out) + '"'


def to_mermaid(graph: Graph) -> str:
    if len(graph.edges) >= MERMAID_MAX_EDGES:
        raise TooBigForMermaid(
            f"{len(graph.edges)} edges: Mermaid draws at most {MERMAID_MAX_EDGES} by default; "
            "raise --threshold, or use DOT or SVG"
        )
    out = ["---", f"title: {_mq(graph.title)}", "---", "flowchart LR"]
    for node in graph.nodes.values():
        out.append(f"  {node.id}[{_mq(node.label)}]")
    for edge in graph.edges:
        out.append(f"  {edge.src} -->|{_mq(edge_text(edge))}| {edge.dst}")
    for i, edge in enumerate(graph.edges):
        colour = "#000000" if edge.current else "#555555"
        out.append(f"  linkStyle {i} stroke-width:{width(edge)}px,stroke:{colour}")
    for node in graph.nodes.values():
        colour = graph.colour(node)
        dashed = node.kind in ("other", "open")
        if colour or dashed or node.current:
            style = [f"fill:{colour}" if colour else "fill:#ffffff"]
            if dashed:
                style.append("stroke-dasharray:4 3")
            if node.current:
                style.append("stroke-width:3px")
            out.append(f"  style {node.id} {','.join(style)}")
    return "\n".join(out) + "\n"


# --- SVG ---------------------------------------------------------------------------------------


def dot_available() -> bool:
    return shutil.which("dot") is not None


def render_svg(dot_text: str) -> str:
    """SVG drawn by Graphviz's dot; DotMissing when it is not installed."""
    exe = shutil.which("dot")
    if exe is None:
        raise DotMissing(DOT_HINT)
    proc = subprocess.run([exe, "-Tsvg"], input=dot_text.encode("utf-8"), capture_output=True, timeout=DOT_TIMEOUT, check=False)
    if proc.returncode != 0:
        first = proc.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise RuntimeError(f"dot failed: {first[0] if first else f'exit {proc.returncode}'}")
    return proc.stdout.decode("utf-8")
