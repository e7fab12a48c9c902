"""A stored session as the script format, straight from its log.

The export does not need the scenario: it writes the choices as they were
recorded (so a session of a scenario that has since changed or gone still
exports, and replaying it says what no longer applies). The YAML is made by the
same function that saves a live session (sim.format.script.session_data), fed a
tree read from the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from sim.store.db import Entry, SessionInfo, Store


@dataclass(slots=True)
class _Step:
    id: int
    parent: int | None
    choice: str | None
    how: str
    children: dict[str, int] = field(default_factory=dict)


class LoggedTree:
    """The reading side of an engine session (what session_data uses), built from a log."""

    def __init__(self, info: SessionInfo, entries: list[Entry]):
        self.scenario = SimpleNamespace(id=info.scenario)
        self.seed = info.seed
        self.steps = [_Step(0, None, None, "")]
        index = {0: 0}  # stored id -> position here (the same, for a well-formed log)
        for e in entries:
            if e.parent is None or e.step in index or e.parent not in index:
                continue
            parent = self.steps[index[e.parent]]
            if e.choice in parent.children:
                continue
            index[e.step] = len(self.steps)
            self.steps.append(_Step(len(self.steps), parent.id, e.choice, e.how))
            parent.children[e.choice] = index[e.step]
        self.current = index.get(info.current, 0)

    def step(self, step_id: int | None = None) -> _Step:
        return self.steps[self.current if step_id is None else step_id]

    def path(self, step_id: int | None = None) -> list[_Step]:
        out = []
        step: _Step | None = self.step(step_id)
        while step is not None:
            out.append(step)
            step = None if step.parent is None else self.steps[step.parent]
        return out[::-1]

    def choices(self, step_id: int | None = None) -> list[str]:
        return [s.choice for s in self.path(step_id)[1:]]

    def leaves(self) -> list[_Step]:
        return [s for s in self.steps if not s.children]


def export_script(store: Store, session_id: int) -> str:
    """The session as a script (YAML text); KeyError if there is no such session."""
    from sim.format.script import dump_session, session_data

    info, entries = store.log(session_id)
    return dump_session(session_data(LoggedTree(info, entries), info.title))
