"""The session the UI has open, with what belongs to it: the file it was saved to or
opened from, what it looked like when last saved, and the marked step.

These travel together. Opening or resuming a session swaps the whole object, so a
mark or a saved signature from the previous session can never be applied to the new
one (a mark at step 12 compared in an opened session of five steps raised IndexError).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine loads after the first frame
    from sim.engine.session import Session


@dataclass(eq=False)
class OpenSession:
    session: Session
    file: Path | None = None  # where it was last saved or opened from
    mark: int | None = None  # a step id of *this* session
    saved: tuple[int, int] = field(default=(1, 0))  # signature() when last saved or opened

    @classmethod
    def from_file(cls, session: Session, path: Path) -> OpenSession:
        opened = cls(session, path)
        opened.saved = opened.signature()
        return opened

    def signature(self) -> tuple[int, int]:
        return (len(self.session.steps), self.session.current)

    @property
    def unsaved(self) -> bool:
        return len(self.session.steps) > 1 and self.signature() != self.saved

    def saved_to(self, path: Path) -> None:
        self.file = path
        self.saved = self.signature()
