"""A room as a pure fold over its log: entries in, an engine session and the room's state out.

Nothing here reads the store, the clock or a terminal: :class:`RoomState` starts from
the room's row (:class:`Meta`) and its scenario, and :meth:`RoomState.apply` takes one
log entry at a time. Replaying the same log gives the identical state, whatever process
does it: that is how every seat, the facilitator and a reconnecting browser see one room.

What the entries do (who may write each is :data:`sim.store.rooms.ALLOWED`):

* ``start``, ``pause``, ``resume``, ``end``: the room's status. Seats act only while it
  runs; the facilitator's acts on the game too (notes may be written at any time).
* ``timer`` ``{seconds}``: a deadline every seat sees (null clears it); a pause stops it,
  a reveal clears it (it timed the round's discussion).
* ``weights`` ``{visible}``: show or hide the author's weights from seats and observers.
* ``order`` ``{act, step}``: a seat's sealed order for this round (a later one replaces
  it); nobody else sees it until ``reveal`` ``{step, passed}`` applies the round's orders
  in the turn order (sides given no seat roll by the author's weights; seated sides
  listed in ``passed`` had given no order and pass).
* ``choose`` ``{act, step}``: a seat decides its own side's branch point there and then
  (its move in rounds, its reaction); ``act`` may be ``roll`` (the author's weights).
* ``adjudicate`` ``{ruling, act, reason, step}``: the facilitator decides a branch point:
  ``roll`` (accept the author's roll), ``pick`` a branch, or ``override`` with a reason.
* ``inject`` ``{event, reason, step}``: one of the scenario's events, brought in now.
  In sealed rounds it voids the orders given so far in the round (the news changes them).
* ``note`` ``{text, prompt}``: the facilitator's notes; a seat's notes, per prompt.
* ``recode``: a member's code was reissued (nothing else changes).

After every entry, branch points that no person decides are rolled by the author's
weights (seeded, so every replay rolls the same): those of sides without a seat. Chance
(an event's branches) is the facilitator's; a seated side's branch points are its seat's
(or the facilitator's, who may adjudicate any branch point outside a sealed round).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.engine import core
from sim.engine.control import MAX_ROLLS
from sim.engine.model import Act, Scenario
from sim.engine.replay import mark_ruling
from sim.engine.session import INJECT, ChoiceError, Session, Step
from sim.engine.vocab import CHANCE, How, Kind, Ruling, TurnMode, possessive
from sim.store.rooms import FACILITATOR, Entry, Member, Summary, may_write

WAITING, RUNNING, PAUSED, ENDED = "waiting", "running", "paused", "ended"
ROLL = "roll"
RULINGS = (Ruling.ROLL, Ruling.PICK, Ruling.OVERRIDE)
MAX_NOTE = 4000
MAX_REASON = 500
MAX_TIMER = 24 * 3600  # seconds
GAME_KINDS = ("order", "choose", "reveal", "adjudicate", "inject")


@dataclass(frozen=True, slots=True)
class Meta:
    """What a room is, from its row: fixed when it is created."""

    id: int
    scenario: str
    title: str
    seed: int
    turns: str
    sides: tuple[str, ...]
    seated: tuple[str, ...]
    created: float = 0.0
    content_hash: str = ""


@dataclass(frozen=True, slots=True)
class Order:
    side: str
    act: str
    n: int
    at: float


@dataclass(frozen=True, slots=True)
class Given:
    """One side's part in a revealed round."""

    side: str
    act: str
    how: str  # "ordered", "passed" (a seat gave no order), "rolled" (no seat: the author's weights)


@dataclass(frozen=True, slots=True)
class Round:
    """A sealed round, revealed: every side's order in the turn order."""

    turn: int
    n: int  # the reveal's entry
    at: float
    step: int  # the step the round was decided at
    given: tuple[Given, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """A branch point a person decided in the room (a seat's own choice, or the facilitator's)."""

    n: int
    at: float
    who: str  # 'facilitator' or 'seat:SIDE'
    step: int  # the step decided at
    child: int  # the step it led to
    owner: str  # whose branch point it was (a side or 'chance')
    act: str  # the act taken (or 'inject:EVENT')
    ruling: str | None  # the facilitator's Ruling; None for a seat's own choice
    reason: str | None
    how: str  # 'picked' or 'rolled'


@dataclass(frozen=True, slots=True)
class RoomNote:
    n: int
    at: float
    who: str
    prompt: str | None
    text: str


@dataclass
class RoomState:
    """The room after the entries applied so far; :meth:`apply` the next."""

    meta: Meta
    scenario: Scenario
    session: Session = field(init=False)
    status: str = WAITING
    revision: int = 0
    orders: dict[str, Order] = field(default_factory=dict)  # this round's sealed orders
    rounds: list[Round] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    notes: list[RoomNote] = field(default_factory=list)
    deadline: float | None = None
    remaining: float | None = None  # while paused: what was left of the timer
    weights_visible: bool = False
    ended_reason: str | None = None
    voided: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)  # (inject entry, sides whose orders it voided)
    entries: list[Entry] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # entries that no longer apply (the scenario changed)
    auto: dict[int, int] = field(default_factory=dict)  # step id -> the entry after which the weights rolled it

    def __post_init__(self):
        self.session = Session(self.scenario, self.meta.seed)
        self._seat_index = {side: i for i, side in enumerate(self.scenario.seats)}

    # --- reading ------------------------------------------------------------------------------

    @property
    def sealed(self) -> bool:
        return self.scenario.turn_mode == TurnMode.SEALED

    @property
    def over(self) -> bool:
        """The game is over: the facilitator ended it, or the scenario reached an ending."""
        return self.status == ENDED or self.session.node.over

    @property
    def phase(self) -> str:
        return ENDED if self.over else self.status

    def summary(self) -> Summary:
        node = self.session.node
        return Summary(self.phase, node.turn, self.scenario.endings[node.ending].id if node.over else None)

    def owner(self) -> str:
        """Whose branch point the room stands at: a side, 'chance', or '' (ended, or a dead end)."""
        if self.session.node.over or not self.session.options():
            return ""
        return self.session.owner()

    @property
    def ordering(self) -> bool:
        """A sealed round is open for orders (the room waits on its reveal)."""
        return self.sealed and self.session.node.deciding and not self.session.node.over

    def due(self) -> list[str]:
        """The sides with a decision in this sealed round (more than a pass on offer), in turn order."""
        if not self.ordering:
            return []
        scn, state, first = self.scenario, self.session.node.state, self.session.node.seat
        return [scn.seats[i] for i in range(first, len(scn.seats)) if len(core.offered_to(scn, i, state)) > 1]

    def due_seated(self) -> list[str]:
        return [s for s in self.due() if s in self.meta.seated]

    def offered(self, side: str) -> list[Act]:
        """What ``side`` may order in this sealed round (its moves that apply, then its pass)."""
        i = self._seat_index.get(side)
        if i is None or not self.ordering:
            return []
        return core.offered_to(self.scenario, i, self.session.node.state)

    def prompts(self) -> list[str]:
        """The discussion prompts raised so far on the path, in order."""
        return [p for step in self.session.path() for p in step.prompts]

    def failed(self, r: Round) -> frozenset[str]:
        """The sides whose order in the revealed round ``r`` failed: its conditions no longer
        held when its turn to apply came (an earlier side's order changed the state), so it
        had no effect. The engine records that as a FAILED line, in whichever step of the path
        the order was applied (after a reaction, that may be a later step than the round's)."""
        path = self.session.path()
        ids = [st.id for st in path]
        if r.step not in ids:  # pragma: no cover - a revealed round is on the path
            return frozenset()
        start = ids.index(r.step)
        later = [x.step for x in self.rounds if x.n > r.n and x.step in ids]
        end = ids.index(later[0]) if later else len(path) - 1
        lost = {(f.actor, f.id) for st in path[start + 1 : end + 1] for f in st.trace if f.kind == Kind.FAILED}
        return frozenset(g.side for g in r.given if (g.side, g.act) in lost)

    def timer_left(self, now: float) -> float | None:
        if self.remaining is not None:
            return self.remaining
        return None if self.deadline is None else max(0.0, self.deadline - now)

    # --- checking -----------------------------------------------------------------------------

    def check(self, member: Member, kind: str, data: dict) -> str | None:
        """Why ``member`` may not record this entry now (None: it may). Writers and the fold
        both ask, so a log holds only what this says is allowed."""
        refused = may_write(member, kind, data)
        if refused:
            return refused
        if kind == "note":
            return self._check_note(data)
        if kind == "recode":
            return None
        if kind in ("start", "pause", "resume", "end"):
            return self._check_status(kind)
        if kind == "timer":
            seconds = data.get("seconds")
            if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds <= MAX_TIMER):
                return f"a timer is from 1 second to {MAX_TIMER // 3600} hours"
            return None if self.status != ENDED else "the room has ended"
        if kind == "weights":
            return None if isinstance(data.get("visible"), bool) else "weights are shown or hidden: visible is true or false"
        # the game's acts
        if self.over:
            return "the game has ended"
        if self.status == WAITING:
            return "the room has not started yet"
        if self.status == PAUSED:
            return "the room is paused"
        if data.get("step") != self.session.current:
            return "the room has moved on since"
        if not self.session.options():
            return "nothing is on offer here (a dead end): the facilitator can end the game"
        return getattr(self, f"_check_{kind}")(member, data)

    def _check_status(self, kind: str) -> str | None:
        if self.status == ENDED:
            return "the room has ended"
        wanted = {"start": WAITING, "pause": RUNNING, "resume": PAUSED}.get(kind)
        if wanted is not None and self.status != wanted:
            return {"start": "the room has already started", "pause": "the room is not running", "resume": "the room is not paused"}[kind]
        return None

    def _check_note(self, data: dict) -> str | None:
        text, prompt = data.get("text"), data.get("prompt")
        if not isinstance(text, str) or not text.strip():
            return "a note needs some text"
        if len(text) > MAX_NOTE:
            return f"a note is at most {MAX_NOTE} characters"
        if any(not ch.isprintable() and ch not in "\n\t" for ch in text):
            return "a note may not hold control characters"
        if prompt is not None and prompt not in self.prompts():
            return "that prompt has not been raised in this room"
        return None

    def _check_order(self, member: Member, data: dict) -> str | None:
        if not self.sealed:
            return "this room plays in rounds: choose when it is your side's turn"
        if not self.ordering:
            return "no round is open for orders here"
        side = member.side
        if side not in self.due():
            return f"{self.scenario.actor_name(side)} has nothing to decide in this round but to pass"
        if data.get("act") not in {a.id for a in self.offered(side)}:
            return f"'{data.get('act')}' is not on offer to {self.scenario.actor_name(side)}"
        return None

    def _check_reveal(self, member: Member, data: dict) -> str | None:
        if not self.ordering:
            return "there is no sealed round to reveal here"
        missing = [s for s in self.due_seated() if s not in self.orders]
        passed = data.get("passed")
        if not isinstance(passed, list) or sorted(passed) != sorted(missing):
            names = ", ".join(self.scenario.actor_name(s) for s in missing)
            return f"waiting for orders from {names} (reveal anyway, and they pass)"
        return None

    def _check_choose(self, member: Member, data: dict) -> str | None:
        if self.ordering:
            return "this is a sealed round: give an order"
        owner = self.session.owner()
        if owner != member.side:
            return f"it is not {possessive(self.scenario.actor_name(member.side))} decision here" + (f" but {possessive(self.scenario.owner_name(owner))}" if owner else "")
        act = data.get("act")
        if act != ROLL and act not in {o.act.id for o in self.session.options()}:
            return f"'{act}' is not on offer here"
        return None

    def _check_adjudicate(self, member: Member, data: dict) -> str | None:
        if self.ordering:
            return "in a sealed round the seats give orders and the facilitator reveals them"
        ruling, act, reason = data.get("ruling"), data.get("act"), data.get("reason")
        if ruling not in RULINGS:
            return "a ruling is roll (accept the author's roll), pick or override"
        if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON or any(not ch.isprintable() for ch in reason)):
            return f"a reason is one line of at most {MAX_REASON} characters"
        if ruling == Ruling.ROLL:
            return None if act is None else "accepting the roll takes no branch: the roll decides"
        if act not in {o.act.id for o in self.session.options()}:
            return f"'{act}' is not on offer here"
        if ruling == Ruling.OVERRIDE and not (isinstance(reason, str) and reason.strip()):
            return "an override needs a stated reason"
        return None

    def _check_inject(self, member: Member, data: dict) -> str | None:
        event = data.get("event")
        reason = data.get("reason")
        if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON or any(not ch.isprintable() for ch in reason)):
            return f"a reason is one line of at most {MAX_REASON} characters"
        node = self.session.node
        if not core.can_inject(self.scenario, node):
            return "an event is injected where a side decides, before anyone has chosen in this round"
        if event not in {r.id for r in core.injectable(self.scenario, node)}:
            known = {self.scenario.rules[r].id for r in self.scenario.events}
            return f"'{event}' cannot happen now: none of its branches applies" if event in known else f"the scenario has no event '{event}'"
        return None

    # --- applying -----------------------------------------------------------------------------

    def apply(self, entry: Entry) -> None:
        """Apply the next entry of the log (one that :meth:`check` refuses is kept in
        ``entries`` but changes nothing, and is listed in ``dropped``)."""
        if entry.n != self.revision + 1:
            raise ValueError(f"room {self.meta.id}: entry {entry.n} follows entry {self.revision}")
        self.entries.append(entry)
        self.revision = entry.n
        member = entry.member
        problem = self.check(member, entry.kind, entry.data)
        if problem is None:
            try:
                getattr(self, f"_{entry.kind}")(member, entry)
            except ChoiceError as exc:  # pragma: no cover - check() refuses these first
                problem = str(exc)
        if problem is not None:
            self.dropped.append(f"entry {entry.n} ({entry.kind} by {entry.who}): {problem}")
            return
        if self.status != WAITING and not self.over:
            self._roll_unseated(entry.n)

    def _start(self, member, e: Entry) -> None:
        self.status = RUNNING

    def _pause(self, member, e: Entry) -> None:
        self.status = PAUSED
        if self.deadline is not None:
            self.remaining, self.deadline = max(0.0, self.deadline - e.at), None

    def _resume(self, member, e: Entry) -> None:
        self.status = RUNNING
        if self.remaining is not None:
            self.deadline, self.remaining = e.at + self.remaining, None

    def _end(self, member, e: Entry) -> None:
        self.status = ENDED
        self.ended_reason = e.data.get("reason") or None
        self.deadline = self.remaining = None

    def _timer(self, member, e: Entry) -> None:
        seconds = e.data.get("seconds")
        if seconds is None:
            self.deadline = self.remaining = None
        elif self.status == PAUSED:
            self.deadline, self.remaining = None, float(seconds)
        else:
            self.deadline, self.remaining = e.at + seconds, None

    def _weights(self, member, e: Entry) -> None:
        self.weights_visible = e.data["visible"]

    def _note(self, member, e: Entry) -> None:
        self.notes.append(RoomNote(e.n, e.at, e.who, e.data.get("prompt"), e.data["text"]))

    def _recode(self, member, e: Entry) -> None:
        pass  # the store changed the code; the room's state is as it was

    def _order(self, member, e: Entry) -> None:
        self.orders[member.side] = Order(member.side, e.data["act"], e.n, e.at)

    def _reveal(self, member, e: Entry) -> None:
        s, scn = self.session, self.scenario
        start, turn = s.current, s.node.turn
        given = {side: o.act for side, o in self.orders.items()}
        given.update({side: scn.passes[self._seat_index[side]].id for side in e.data["passed"]})
        s.seal(given)
        parts = []
        for step in s.path()[len(s.path(start)) :]:
            parent = s.steps[step.parent]
            if not parent.node.deciding or parent.node.turn != turn:
                break
            side = scn.seats[parent.node.seat]
            how = "rolled" if step.how == How.ROLLED else "passed" if side in e.data["passed"] else "ordered"
            parts.append(Given(side, step.choice, how))
        self.rounds.append(Round(turn, e.n, e.at, start, tuple(parts)))
        self.orders.clear()
        # the timer was this round's discussion clock: once its orders are revealed it is over
        # (a countdown, or "time is up", would otherwise run on into the next round)
        self.deadline = self.remaining = None

    def _choose(self, member, e: Entry) -> None:
        parent, owner = self.session.current, self.session.owner()
        act = e.data["act"]
        step = self.session.roll() if act == ROLL else self.session.choose(act, How.PICKED)
        self.decisions.append(Decision(e.n, e.at, e.who, parent, step.id, owner, step.choice, None, None, step.how))

    def _adjudicate(self, member, e: Entry) -> None:
        s = self.session
        parent, owner = s.current, s.owner()
        ruling, reason = e.data["ruling"], (e.data.get("reason") or None)
        step = s.roll() if ruling == Ruling.ROLL else s.choose(e.data["act"], How.PICKED)
        _rule(step, ruling, reason)
        self.decisions.append(Decision(e.n, e.at, e.who, parent, step.id, owner, step.choice, ruling, reason, step.how))

    def _inject(self, member, e: Entry) -> None:
        s = self.session
        parent = s.current
        reason = e.data.get("reason") or None
        step = s.choose(INJECT + e.data["event"], How.PICKED)
        _rule(step, Ruling.INJECT, reason)
        self.decisions.append(Decision(e.n, e.at, e.who, parent, step.id, FACILITATOR, step.choice, Ruling.INJECT, reason, step.how))
        if self.orders:
            self.voided.append((e.n, tuple(self.orders)))
            self.orders.clear()

    def _roll_unseated(self, n: int) -> None:
        """Roll every branch point no person decides, up to the next one a person does."""
        s, scn, seated = self.session, self.scenario, set(self.meta.seated)
        for _ in range(MAX_ROLLS):
            node = s.node
            if node.over or (self.sealed and node.deciding) or not s.options():
                return
            owner = s.owner()
            if owner == CHANCE or owner in seated:
                return
            self.auto[s.roll().id] = n


def _rule(step: Step, ruling: str, reason: str | None) -> None:
    """Mark the step's first trace line as the facilitator's ruling (the why screen and the
    transcripts say so; a replay of the room's exported script marks it the same way). A
    room never goes back, so each ruling makes a new step."""
    mark_ruling(step, ruling, reason)


def fold(meta: Meta, scenario: Scenario, entries) -> RoomState:
    """The room after ``entries``, from scratch."""
    state = RoomState(meta, scenario)
    for entry in entries:
        state.apply(entry)
    return state


def meta_of(info) -> Meta:
    """A store's RoomInfo as the fold's Meta."""
    return Meta(info.id, info.scenario, info.title, info.seed, info.turns, info.sides, info.seated, info.created, info.content_hash)

