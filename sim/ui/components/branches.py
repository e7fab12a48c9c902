"""The session's tree: every explored step, and (dimmed) the branches not yet taken.

Laid out so that it stays readable at any depth. A path is a *line*: its steps are
siblings, one under the other, not each nested in the one before (which indented a
fourteen-step path off a 100-column screen). Only a fork indents:

    ● Start
      US: Trump and Putin hold their call          <- the first path taken: a line
    ▶ Says yes, but with conditions 40%            <- ▶: other branches were possible here
        ○ Accepts the truce 30%                    <-   (Space shows them) not taken yet
        ▶ Rejects it 30%                           <-   explored: a line of its own
      Front line: continues 70%

So a step's children are the branches that could have been taken *instead* of it
(untaken ones dimmed, explored ones heading their own line). Updated incrementally:
a step adds one node and its untaken siblings, and only the old and new current steps
are relabelled, so a key press costs the same in a session of ten steps or a
thousand. A new session (an open, a resume) rebuilds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sim.engine.model import Scenario
from sim.engine.session import Session
from sim.ui import present


class BranchTree(Tree):
    DEFAULT_CSS = """
    BranchTree { height: 1fr; }
    """

    @dataclass
    class StepSelected(Message):
        """The user selected a step in the branch tree: go there."""

        step_id: int

    @dataclass
    class UntakenSelected(Message):
        """The user selected a branch not yet taken: go to the step it leaves from and take it."""

        step_id: int
        act_id: str

    def __init__(self, **kwargs):
        super().__init__("Start", **kwargs)
        self.show_root = True
        self.guide_depth = 2
        self.auto_expand = False  # Enter goes to a step; Space shows the branches beside it
        self._sim_session: Session | None = None
        self._sim_nodes: dict[int, TreeNode] = {}
        self._sim_heads: set[int] = set()  # steps that head a line: the start, and every later branch
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
        node = self._sim_nodes[session.current]
        for ancestor in _ancestors(node):
            ancestor.expand()
        # Build the tree's lines now (get_node_at_line does, through public API) so the cursor
        # lands in this frame: a cursor moved after the refresh costs a second repaint per key.
        self.get_node_at_line(0)
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    def _rebuild(self, scn: Scenario, session: Session) -> None:
        self.clear()
        self._sim_session = session
        self._sim_nodes = {0: self.root}
        self._sim_heads = {0}
        self._sim_untaken = {}
        self.root.data = ("step", 0)
        self._relabel(scn, session, 0)
        for step in session.steps[1:]:
            self._add_step(scn, session, step.id)
        self.root.expand()

    def _add_step(self, scn: Scenario, session: Session, step_id: int) -> None:
        step = session.step(step_id)
        parent = session.step(step.parent)
        label = present.step_label(scn, step, step_id == session.current, parent.node)
        first = next(iter(parent.children.values()))
        if first == step_id:
            # the first path out of the parent continues the parent's line
            holder = self._sim_nodes[step.parent]
            line = holder if step.parent in self._sim_heads else holder.parent
            node = line.add(label, data=("step", step_id))
            leaves = self._sim_untaken.setdefault(step.parent, {})
            for option in session.options(step.parent):
                if option.act.id != step.choice:
                    leaves[option.act.id] = node.add_leaf(self._untaken_label(scn, parent, option.act), data=("untaken", step.parent, option.act.id))
        else:
            # a later branch: it takes the place of its dim leaf and heads a line of its own
            leaves = self._sim_untaken.get(step.parent, {})
            leaf = leaves.pop(step.choice, None)
            holder = self._sim_nodes[first]
            node = holder.add(label, data=("step", step_id), before=leaf)
            if leaf is not None:
                leaf.remove()
            self._sim_heads.add(step_id)
        self._sim_nodes[step_id] = node

    @staticmethod
    def _untaken_label(scn: Scenario, parent, act):
        return present.untaken_label(scn, act, parent.node.deciding, present.node_shares(scn, parent.node).get(act.id))

    def _relabel(self, scn: Scenario, session: Session, step_id: int) -> None:
        step = session.step(step_id)
        parent = session.step(step.parent).node if step.parent is not None else None
        self._sim_nodes[step_id].set_label(present.step_label(scn, step, step_id == session.current, parent))

    def get_label_width(self, node: TreeNode) -> int:
        # Textual's default renders every label to measure it, each time the tree's lines are
        # rebuilt (every step): the bulk of a key's cost in a session of hundreds of steps.
        icon = (self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE) if node.allow_expand else ""
        return cell_len(icon) + node.label.cell_len

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        data = event.node.data
        if not data:
            return
        if data[0] == "step":
            self.post_message(self.StepSelected(data[1]))
        else:
            self.post_message(self.UntakenSelected(data[1], data[2]))


def _ancestors(node: TreeNode):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent
