"""The session's tree: explored steps, and (dimmed) the branches not yet taken.

Updated incrementally: a step adds one node and its untaken leaves, and only the
old and new current steps are relabelled, so a key press costs the same in a
session of ten steps or a thousand. A new session (a load) rebuilds it.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sim.engine.model import Scenario
from sim.engine.session import Session
from sim.ui import present
from sim.ui.messages import StepSelected, UntakenSelected


class BranchTree(Tree):
    DEFAULT_CSS = """
    BranchTree { height: 1fr; }
    """

    def __init__(self, **kwargs):
        super().__init__("Start", **kwargs)
        self.show_root = True
        self.guide_depth = 2
        self._sim_session: Session | None = None
        self._sim_nodes: dict[int, TreeNode] = {}
        self._sim_untaken: dict[int, dict[str, TreeNode]] = {}  # step id -> act id -> dim leaf
        self._sim_current = 0

    def show(self, scn: Scenario, session: Session) -> None:
        if session is not self._sim_session:
            self._rebuild(scn, session)
        else:
            for step in session.steps[len(self._sim_nodes) :]:
                self._add_step(scn, session, step.id)
            if self._sim_current != session.current and self._sim_current in self._sim_nodes:
                self._relabel(scn, session, self._sim_current)
            self._relabel(scn, session, session.current)
        self._sim_current = session.current
        for step in session.path():
            self._sim_nodes[step.id].expand()
        # Build the tree's lines now (get_node_at_line does, through public API) so the cursor
        # lands in this frame: a cursor moved after the refresh costs a second repaint per key.
        self.get_node_at_line(0)
        self._focus_node(self._sim_nodes[session.current])

    def _rebuild(self, scn: Scenario, session: Session) -> None:
        self.clear()
        self._sim_session = session
        self._sim_nodes = {0: self.root}
        self._sim_untaken = {}
        self.root.data = ("step", 0)
        self._relabel(scn, session, 0)
        self._add_untaken(scn, session, 0)
        for step in session.steps[1:]:
            self._add_step(scn, session, step.id)
        self.root.expand()

    def _add_step(self, scn: Scenario, session: Session, step_id: int) -> None:
        step = session.step(step_id)
        parent = self._sim_nodes[step.parent]
        leaves = self._sim_untaken.get(step.parent, {})
        leaf = leaves.pop(step.choice, None)
        if leaf is not None:
            leaf.remove()
        first_leaf = next(iter(leaves.values()), None)
        label = present.step_label(scn, step, step_id == session.current, session.options(step.parent))
        self._sim_nodes[step_id] = parent.add(label, data=("step", step_id), before=first_leaf)
        self._add_untaken(scn, session, step_id)

    def _add_untaken(self, scn: Scenario, session: Session, step_id: int) -> None:
        step = session.step(step_id)
        node = self._sim_nodes[step_id]
        leaves = self._sim_untaken.setdefault(step_id, {})
        for option in session.options(step_id):
            if option.act.id not in step.children and option.act.id not in leaves:
                label = present.untaken_label(scn, option, step.node.deciding)
                leaves[option.act.id] = node.add_leaf(label, data=("untaken", step_id, option.act.id))

    def _relabel(self, scn: Scenario, session: Session, step_id: int) -> None:
        step = session.step(step_id)
        options = session.options(step.parent) if step.parent is not None else None
        self._sim_nodes[step_id].set_label(present.step_label(scn, step, step_id == session.current, options))

    def get_label_width(self, node: TreeNode) -> int:
        # Textual's default renders every label to measure it, each time the tree's lines are
        # rebuilt (every step): the bulk of a key's cost in a session of hundreds of steps.
        icon = (self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE) if node.allow_expand else ""
        return cell_len(icon) + node.label.cell_len

    def _focus_node(self, node: TreeNode) -> None:
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        data = event.node.data
        if not data:
            return
        if data[0] == "step":
            self.post_message(StepSelected(data[1]))
        else:
            self.post_message(UntakenSelected(data[1], data[2]))
