"""Pictures of the tree: the explored tree of a session and the exploration graph, as a
graph model, DOT (drawn to SVG by Graphviz's dot), and Mermaid.

The SVG tests need Graphviz: they skip where `dot` is absent, except under CI (CI=true),
where .ci/run installs it and its absence fails.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from _support import REPO, build, real
from test_export import main_line, need

from sim.cli.main import main
from sim.engine.session import Session
from sim.export import drawing, tree
from sim.export.drawing import MERMAID_MAX_EDGES, TooBigForMermaid, render_svg, to_dot, to_mermaid
from sim.export.tree import GEdge, GNode, Graph, exploration_graph, session_tree

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(svg: str) -> str:
    root = ET.fromstring(svg)
    return " ".join(" ".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def branched(scenario_id: str = "ceasefire_30_day") -> Session:
    """The main line, plus two other branches rolled from earlier steps and an unlikely
    branch (Moscow accepting the truce in the call, 8%) rolled on to an ending of its own."""
    session = main_line(scenario_id)
    end = session.current
    for at in (2, 4):
        session.goto(at)
        session.roll()
        session.roll()
    session.goto(1)
    session.choose("russia_answers_call.accepts")
    while not session.node.over:
        session.roll()
    session.goto(end)
    return session


def outgoing(graph: Graph, node_id: str) -> list[GEdge]:
    return [e for e in graph.edges if e.src == node_id]


def test_the_explored_tree_shows_every_explored_branch_and_the_current_path():
    session = branched()
    graph = session_tree(session, threshold=0)
    reached = {e.dst for e in graph.edges}
    assert set(graph.nodes) == reached | {"s0"}, "every node but the start has a way in"
    leaves = [s for s in session.steps if not s.children]
    assert len([n for n in graph.nodes.values() if not outgoing(graph, n.id)]) == len(leaves)
    on_path = [e for e in graph.edges if e.current]
    labels = [label for e in on_path for label in e.labels]
    path_acts = [tree.act_label(session.scenario, session.scenario.by_id[s.choice]) for s in session.path()[1:]]
    assert labels == path_acts, "the current path's edges, in order, name every step on it"
    ending = next(n for n in graph.nodes.values() if n.current and n.kind == "ending")
    assert ending.label.startswith(session.scenario.endings[session.node.ending].title)


def test_chains_of_single_choices_are_collapsed():
    graph = session_tree(branched(), threshold=0)
    ins: dict[str, int] = {}
    for e in graph.edges:
        ins[e.dst] = ins.get(e.dst, 0) + 1
    for node in graph.nodes.values():
        if node.kind == "step":
            assert not (ins.get(node.id) == 1 and len(outgoing(graph, node.id)) == 1), node
    assert any(len(e.labels) > 1 for e in graph.edges)


def test_branches_below_the_threshold_fold_into_one_other():
    session = branched()
    full = session_tree(session, threshold=0)
    folded = session_tree(session, threshold=0.5)
    others = [n for n in folded.nodes.values() if n.kind == "other"]
    assert others and all(n.label == f"other ({tree.percent(n.mass)})" for n in others)
    drawn = [n for n in folded.nodes.values() if n.kind != "other"]
    assert len(drawn) < len([n for n in full.nodes.values() if n.kind != "other"])
    assert len(folded.endings) < len(full.endings)
    for other in others:  # what an "other" holds is what left its parent in the full picture
        parent = other.id.removesuffix("_other")
        assert sum(e.mass for e in outgoing(folded, parent)) == pytest.approx(sum(e.mass for e in outgoing(full, parent)))
    assert [lbl for e in folded.edges if e.current for lbl in e.labels] == [lbl for e in full.edges if e.current for lbl in e.labels]


def test_the_exploration_graph_merges_states_and_keeps_the_probability():
    scn = real("ceasefire_30_day")
    graph = exploration_graph(scn, threshold=0.02)
    start = outgoing(graph, "n0")
    assert sum(e.mass for e in start) == pytest.approx(1.0)
    # what flows into a node leaves it (edges out, or folded into its "other")
    for node in graph.nodes.values():
        if node.kind == "step":
            into = sum(e.mass for e in graph.edges if e.dst == node.id)
            out = sum(e.mass for e in outgoing(graph, node.id))
            assert out == pytest.approx(into, abs=1e-9), node
    merged = [n for n in graph.nodes.values() if sum(1 for e in graph.edges if e.dst == n.id) > 1]
    assert merged, "some state is reached by more than one path and drawn once"
    assert len(graph.nodes) <= tree.MAX_NODES
    assert {title for title, _ in graph.endings} <= {e.title for e in scn.endings}


def test_edge_width_grows_with_probability():
    widths = [drawing.width(GEdge("a", "b", ["x"], p)) for p in (0.0, 0.1, 0.5, 1.0)]
    assert widths == sorted(widths) and widths[0] == 1 and widths[-1] == 9


def test_the_svg_is_drawn_by_dot_with_readable_labels_and_colours():
    need("dot")
    session = branched()
    graph = session_tree(session)
    svg = render_svg(to_dot(graph))
    words = svg_texts(svg)
    assert "the explored tree" in words and "Endings" in words
    for title, colour in graph.endings:
        assert title.split()[0] in words and colour.lower() in svg.lower()
    first = session.scenario.by_id[session.path()[1].choice]
    assert first.label.split()[0] in words


def test_labels_cannot_break_out_of_dot_or_mermaid():
    need("dot")
    nasty = 'A "quoted" label\\n with ]; } -> x [color=red] and <b>tags</b>'
    graph = Graph("t", threshold=0.02)
    graph.nodes["n0"] = GNode("n0", nasty, "start", 1.0)
    graph.nodes["n1"] = GNode("n1", "B", "ending", 1.0, ending=0)
    graph.edges.append(GEdge("n0", "n1", [nasty], 1.0, 0.5))
    svg = render_svg(to_dot(graph))
    assert len(ET.fromstring(svg).findall(f".//{SVG}g[@class='node']")) == 2
    assert "[color=red]" in svg_texts(svg).replace("\u00a0", " ")
    mermaid = to_mermaid(graph)
    assert mermaid.count("-->") == 1 and '"quoted"' not in mermaid and "<b>" not in mermaid


def test_mermaid_only_under_its_default_limit_of_500_edges():
    graph = Graph("big")
    for i in range(MERMAID_MAX_EDGES + 1):
        graph.nodes[f"n{i}"] = GNode(f"n{i}", str(i), "step")
    graph.edges = [GEdge(f"n{i}", f"n{i + 1}", ["x"], 0.1) for i in range(MERMAID_MAX_EDGES)]
    with pytest.raises(TooBigForMermaid, match="500"):
        to_mermaid(graph)
    graph.edges.pop()
    assert to_mermaid(graph).count("-->") == MERMAID_MAX_EDGES - 1


def test_without_dot_the_dot_is_written_with_how_to_render_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(drawing.shutil, "which", lambda name: None)
    code = main(["export", "tree", "tests/plans/ceasefire_30_day/main_line.yaml", "--dir", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0
    written = tmp_path / "tree-ceasefire_30_day.dot"
    assert out == f"wrote {written}\n" and written.read_text().startswith("digraph tree {")
    assert "apt-get install graphviz" in err and "dot -Tsvg tree-ceasefire_30_day.dot -o tree-ceasefire_30_day.svg" in err


def test_sim_export_graph_writes_an_svg(tmp_path, capsys):
    need("dot")
    code = main(["export", "graph", "strikes_during_talks", "--dir", str(tmp_path)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    path = tmp_path / "graph-strikes_during_talks.svg"
    assert out == f"wrote {path}\n"
    assert "every branch, equal states merged" in svg_texts(path.read_text())


def test_a_small_scenario_draws_whole(tmp_path):
    """Two branches, both to endings: nothing folded, both endings coloured."""
    body = """
moves:
  ask: {actor: us, label: Ask, type: CONSULT, basis: illustrative}
reactions:
  reply:
    actor: russia
    on: [ask]
    label: Moscow replies
    alternatives:
      yes: {label: Says yes, type: AGREE, basis: illustrative, weight: 3, rationale: r, effects: [n = 1]}
      no: {label: Says no, type: REJECT, basis: illustrative, weight: 1, rationale: r, effects: [n = 2]}
variables:
  n: {type: int, min: 0, max: 2, initial: 0}
endings:
  agreed: {title: Agreed, when: n == 1, text: Yes.}
  refused: {title: Refused, when: n == 2, text: No.}
  drag: {title: Talks drag on, text: Nothing happens.}
"""
    scn = build(tmp_path, body)
    graph = exploration_graph(scn)
    endings = sorted((n.label, round(n.mass, 6)) for n in graph.nodes.values() if n.kind == "ending")
    assert endings == [("Agreed (75%)", 0.75), ("Refused (25%)", 0.25)]
    assert not [n for n in graph.nodes.values() if n.kind == "other"]
    assert [t for t, _ in graph.endings] == ["Agreed", "Refused"]


# --- the ending odds in the terminal --------------------------------------------------------------


def test_bars_are_drawn_in_eighths_on_one_scale():
    from sim.export.chart import bar, chart

    assert bar(1.0, 4) == "\u2588" * 4 and bar(0.0, 4) == ""
    assert bar(0.5 + 1 / 32, 4) == "\u2588\u2588\u258f"  # 2 cells and 1/8
    assert len(bar(0.3, 40, unicode=False)) == 12
    lines = chart([("Small", 0.1), ("Large", 0.9)], width=10)
    assert lines == ["  Large   90.0%  \u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588", "  Small   10.0%  \u2588"]


def test_sim_explore_draws_the_odds_and_the_lesson_length(capsys):
    from sim.analysis.explore import exhaustive
    from sim.analysis.length import length

    code = main(["explore", "ceasefire_30_day"])
    out = capsys.readouterr().out
    assert code == 0
    scn = real("ceasefire_30_day")
    n = length(scn, exhaustive(scn))
    assert f"A path lasts {n.describe()} (half the weight has ended by turn {n.typical})." in out
    bars = [line for line in out.splitlines() if line.startswith("  ") and "%" in line]
    assert len(bars) == len(scn.endings)
    shares = [float(re.search(r"(\d+\.\d)%", line)[1]) for line in bars]
    assert shares == sorted(shares, reverse=True)
