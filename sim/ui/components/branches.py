"""The session's tree: explored steps, and (dimmed) the branches not yet taken."""

from __future__ import annotations

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
        self._tree_nodes: dict[int, TreeNode] = {}

    def show(self, scn: Scenario, session: Session) -> None:
        self.clear()
        self._tree_nodes = {0: self.root}
        current = session.current
        on_path = {s.id for s in session.path()}
        self.root.data = ("step", 0)
        self.root.set_label(present.step_label(scn, session.step(0), current == 0))
        stack = [0]
        while stack:
            step_id = stack.pop()
            step = session.step(step_id)
            node = self._tree_nodes[step_id]
            options = session.options(step_id)
            for child_id in step.children.values():
                child = session.step(child_id)
                label = present.step_label(scn, child, child_id == current, options)
                self._tree_nodes[child_id] = node.add(label, data=("step", child_id), expand=child_id in on_path or child_id == current)
                stack.append(child_id)
            for option in options:
                if option.act.id not in step.children:
                    node.add_leaf(present.untaken_label(scn, option, step.node.deciding), data=("untaken", step_id, option.act.id))
            if step_id in on_path:
                node.expand()
        self.root.expand()
        target = self._tree_nodes.get(current)
        if target is not None:
            self.call_after_refresh(self._focus_node, target)

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
