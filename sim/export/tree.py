"""Pictures of the tree: the session's explored tree, and the exploration graph with
equal states merged, as one small graph model that DOT, Mermaid and SVG are drawn from.

Both are made readable the same way:

- an edge's width is the probability of the paths through it, under the author's
  weights with moves counted equally (its label gives a branch's own share);
- a chain of single choices (a node with one way in and one way out) is collapsed
  into one edge;
- branches below a threshold are folded into one "other (p)" node per branch point;
- nodes are coloured by ending, with a legend; the session's current path is bold.

The exploration graph follows every branch as exhaustive exploration does, merging
nodes whose states are equal in everything the future depends on
(``Scenario.relevant_key``), and stops following a node once its probability is
below the threshold (it becomes part of an "other"): so its size is bounded by the
threshold, not by the scenario. All paths that reach one ending meet in one node.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.engine import core
from sim.engine.core import Node
from sim.engine.model import Act, Scenario
from sim.engine.session import Session
from sim.export.story import percent

THRESHOLD = 0.02
MAX_NODES = 400  # a picture past this is not readable; the threshold is raised until it fits
PALETTE = (  # Okabe-Ito, distinguishable with the common colour-vision deficiencies
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999",
    "#8C564B", "#17BECF",
)  # fmt: skip


@dataclass(slots=True)
class GNode:
    id: str
    label: str
    kind: str  # "start", "step", "ending", "other", "open"
    mass: float = 0.0  # probability of reaching it
    ending: int = -1  # the ending's index, for its colour
    current: bool = False  # on the session's current path


@dataclass(slots=True)
class GEdge:
    src: str
    dst: str
    labels: list[str]  # one per collapsed step
    mass: float  # probability of the paths through it
    share: float | None = None  # a branch's own probability at its branch point
    current: bool = False


@dataclass(slots=True)
class Graph:
    title: str
    nodes: dict[str, GNode] = field(default_factory=dict)
    edges: list[GEdge] = field(default_factory=list)
    endings: list[tuple[str, str]] = field(default_factory=list)  # (title, colour) in the legend
    threshold: float = THRESHOLD

    def colour(self, node: GNode) -> str | None:
        return PALETTE[node.ending % len(PALETTE)] if node.ending >= 0 else None


def act_label(scn: Scenario, act: Act) -> str:
    if act.rule < 0:
        actor = scn.actors.get(act.actor or "")
        return f"{actor.short}: {act.label}" if actor else act.label
    return act.label


# --- the session's explored tree ---------------------------------------------------------------


def session_tree(session: Session, threshold: float = THRESHOLD) -> Graph:
    scn = session.scenario
    graph = Graph(f"{scn.title}: the explored tree", threshold=threshold)
    on_path = {s.id for s in session.path()}
    root = session.steps[0]
    graph.nodes["s0"] = GNode("s0", "Start", "start", 1.0, current=True)
    work = [(root, 1.0)]
    while work:
        step, mass = work.pop()
        node_id = f"s{step.id}"
        options = {o.act.id: o.probability for o in core.options(scn, step.node)}
        folded = 0.0
        for act_id, share in options.items():
            child_id = step.children.get(act_id)
            child = session.steps[child_id] if child_id is not None else None
            p = mass * share
            if child is None:
                continue  # never explored: the picture shows what the class tried
            if share < threshold and child.id not in on_path:
                folded += p  # explored, but too small a branch to draw: part of "other"
                continue
            gid = f"s{child.id}"
            over = child.node.over
            label = scn.endings[child.node.ending].title if over else f"Turn {min(child.node.turn, scn.horizon)}"
            graph.nodes[gid] = GNode(gid, label, "ending" if over else "step", p, child.node.ending if over else -1, child.id in on_path)
            is_branch = not step.node.deciding
            graph.edges.append(GEdge(node_id, gid, [act_label(scn, scn.by_id[act_id])], p, share if is_branch else None, child.id in on_path))
            work.append((child, p))
        if folded > 0:
            _other(graph, node_id, folded, "other explored branches")
    graph.nodes = dict(sorted(graph.nodes.items(), key=lambda kv: int(kv[0][1:]) if kv[0][1:].isdigit() else 10**9))
    _finish(scn, graph)
    return graph


# --- the exploration graph ----------------------------------------------------------------------


def exploration_graph(scn: Scenario, threshold: float = THRESHOLD, depth: int | None = None) -> Graph:
    """Every branch from the start, equal states merged, paths below ``threshold`` folded."""
    while True:
        graph = _explore(scn, threshold, depth)
        if len(graph.nodes) <= MAX_NODES or threshold >= 0.5:
            return graph
        threshold = min(0.5, threshold * 2)


def _explore(scn: Scenario, threshold: float, depth: int | None) -> Graph:
    graph = Graph(f"{scn.title}: every branch, equal states merged", threshold=threshold)
    root = core.start(scn)
    last_turn = root.turn + depth - 1 if depth is not None else None
    key_of = scn.relevant_key
    ids: dict[tuple, str] = {}
    ending_ids: dict[int, str] = {}

    def key(node: Node) -> tuple:
        return (node.turn, key_of(node.state), node.pending)

    ids[key(root)] = "n0"
    graph.nodes["n0"] = GNode("n0", "Start", "start", 1.0)
    layer: dict[tuple, list] = {key(root): [root, 1.0]}
    edges: dict[tuple[str, str], GEdge] = {}
    while layer:
        next_layer: dict[tuple, list] = {}
        current = layer
        while current:
            nxt: dict[tuple, list] = {}
            for k, (node, mass) in current.items():
                src = ids[k]
                if not node.pending and last_turn is not None and node.turn > last_turn:
                    _other(graph, src, mass, "still running at the depth limit", kind="open")
                    continue
                options = core.options(scn, node)
                folded = 0.0
                children: dict[tuple, list] = {}
                for option in options:
                    child = core.advance(scn, node, option.act)
                    p = mass * option.probability
                    ck = ("ending", child.ending) if child.over else key(child)
                    entry = children.setdefault(ck, [child, 0.0, [], 0.0])
                    entry[1] += p
                    entry[2].append(act_label(scn, option.act))
                    entry[3] += option.probability
                kept = 0
                for ck, (child, p, labels, share) in children.items():
                    if p < threshold:
                        folded += p
                        continue
                    kept += 1
                    if child.over:
                        dst = ending_ids.get(child.ending)
                        if dst is None:
                            dst = ending_ids[child.ending] = f"e{child.ending}"
                            graph.nodes[dst] = GNode(dst, scn.endings[child.ending].title, "ending", 0.0, child.ending)
                        graph.nodes[dst].mass += p
                    else:
                        target = nxt if (child.pending and child.turn == node.turn) else next_layer
                        dst = ids.get(ck)
                        if dst is None:
                            dst = ids[ck] = f"n{len(ids)}"
                            graph.nodes[dst] = GNode(dst, f"Turn {min(child.turn, scn.horizon)}", "step", 0.0)
                        graph.nodes[dst].mass += p
                        entry = target.setdefault(ck, [child, 0.0])
                        entry[1] += p
                    edge = edges.get((src, dst))
                    if edge is None:
                        edge = edges[(src, dst)] = GEdge(src, dst, [" / ".join(dict.fromkeys(labels))], 0.0, None if node.deciding else share)
                        graph.edges.append(edge)
                    edge.mass += p
                if folded > 0 and not kept and graph.nodes[src].kind == "step":
                    here = graph.nodes[src]  # everything after it is small: it stands for them all
                    here.kind = "other"
                    here.label = f"{here.label}, then branches under {percent(threshold)} each ({percent(here.mass)})"
                elif folded > 0:
                    _other(graph, src, folded, "other branches")
                if not options:
                    _other(graph, src, mass, "dead end: nothing on offer", kind="open")
            current = nxt
        layer = next_layer
    _finish(scn, graph)
    return graph


# --- shared ------------------------------------------------------------------------------------


def _other(graph: Graph, parent: str, mass: float, why: str, kind: str = "other") -> None:
    node_id = f"{parent}_{kind}"
    node = graph.nodes.get(node_id)
    if node is None:
        node = graph.nodes[node_id] = GNode(node_id, "", kind, 0.0)
        graph.edges.append(GEdge(parent, node_id, [why], 0.0))
    node.mass += mass
    node.label = f"other ({percent(node.mass)})" if kind == "other" else f"{why} ({percent(node.mass)})"
    for edge in graph.edges:
        if edge.dst == node_id:
            edge.mass = node.mass


def _finish(scn: Scenario, graph: Graph) -> None:
    _collapse_chains(graph)
    for node in graph.nodes.values():
        if node.kind == "ending":
            node.label = f"{node.label} ({percent(node.mass)})"
    used = sorted({n.ending for n in graph.nodes.values() if n.ending >= 0})
    graph.endings = [(scn.endings[i].title, PALETTE[i % len(PALETTE)]) for i in used]


def _collapse_chains(graph: Graph) -> None:
    """Fold each node with one edge in and one edge out into a single edge."""
    incoming: dict[str, list[GEdge]] = {}
    outgoing: dict[str, list[GEdge]] = {}
    for e in graph.edges:
        incoming.setdefault(e.dst, []).append(e)
        outgoing.setdefault(e.src, []).append(e)
    for node_id, node in list(graph.nodes.items()):
        if node.kind != "step":
            continue
        ins, outs = incoming.get(node_id, []), outgoing.get(node_id, [])
        if len(ins) != 1 or len(outs) != 1:
            continue
        a, b = ins[0], outs[0]
        if graph.nodes[b.dst].kind in ("other", "open"):
            continue  # "Fighting goes on, other branches" would read as one act
        a.labels.extend(b.labels)
        a.dst = b.dst  # its width stays the probability of entering the chain
        a.current = a.current and b.current
        a.share = None  # a chain's steps each had their own share; its width tells the whole
        incoming[b.dst] = [a if e is b else e for e in incoming.get(b.dst, [])]
        graph.edges.remove(b)
        del graph.nodes[node_id]
