"""The names a condition can use, each bound to one slot of the state tuple.

The scenario builder fills a :class:`SlotTable` as it reads variables, stances and
moves; the compiler asks it to resolve names (it is a ``compiler.Namespace``). A
history function gets its slot the first time a condition asks for it, so moves
nobody asks about cost no state.
"""

from __future__ import annotations

from sim.expr.compiler import MAX_INT
from sim.expr.types import IntType, Slot


class SlotTable:
    def __init__(self):
        self.slots: list[Slot] = [Slot(0, IntType(0, 10_000), "turn")]
        self.vars: dict[str, Slot] = {"turn": self.slots[0]}
        self.stances: dict[tuple[str, str], Slot] = {}
        self.acts: list[str] = []
        self.hist: dict[tuple[str, str], Slot] = {}  # (act, "count"|"last") -> slot
        # A stance no one declared, named by a condition or effect, gets its slot then (a
        # side with no position yet may take one): the builder sets what makes one.
        self.actor_ids: set[str] = set()
        self.stance_type = lambda issue: None  # the issue's type, or None for an unknown issue
        self.made: list[tuple[str, str]] = []  # stances made so, in order

    def add(self, name: str, typ, kind: str = "value") -> Slot:
        slot = Slot(len(self.slots), typ, name, kind)
        self.slots.append(slot)
        return slot

    def add_variable(self, name: str, typ) -> Slot:
        self.vars[name] = slot = self.add(name, typ)
        return slot

    def add_stance(self, actor: str, issue: str, typ) -> Slot:
        self.stances[(actor, issue)] = slot = self.add(f"{actor}.{issue}", typ)
        return slot

    # --- compiler.Namespace -----------------------------------------------------------------

    def variable(self, name):
        return self.vars.get(name)

    def variable_names(self):
        return list(self.vars)

    def stance(self, actor, issue):
        slot = self.stances.get((actor, issue))
        if slot is None and actor in self.actor_ids:
            typ = self.stance_type(issue)
            if typ is not None:
                slot = self.add_stance(actor, issue, typ)
                self.made.append((actor, issue))
        return slot

    def stance_names(self):
        return [f"{a}.{i}" for a, i in self.stances]

    def act_names(self):
        return self.acts

    def history(self, func, act):
        if act not in self.acts:
            return None
        store = "last" if func == "since" else "count"
        if (act, store) not in self.hist:
            self.hist[(act, store)] = self.add(f"{store}({act})", IntType(0, MAX_INT), "history")
        base = self.hist[(act, store)]
        return Slot(base.index, base.type, f"{func}({act})", func)
