"""A member's view of a room, as text: what the classroom screens draw (no Textual here).

Each function takes a :class:`sim.room.view.View` (the member's projection, which holds
nothing its viewer may not see) and returns :class:`rich.text.Text`. Nothing from the
scenario or the log is read as markup.
"""

from __future__ import annotations

from rich.text import Text

from sim.engine.vocab import CHANCE, possessive
from sim.export.roles import author_note
from sim.room.view import FAILED, ORDER_HOW, DecisionView, Option, RoundView, View

WEIGHTS_NOTE = "Weights are the scenario author's illustrative judgement, not a forecast."
STATUS_WORDS = {"waiting": "not started", "running": "running", "paused": "paused", "ended": "ended"}


def room_stage(status: str, turn: int) -> str:
    """Where a room stands, for a list of rooms: 'not started' (a room that has not started
    is at its first turn, which its own screen shows; the store's listing still says 0), else
    'turn 3, running'."""
    if status == "waiting":
        return STATUS_WORDS["waiting"]
    return f"turn {max(turn, 1)}, {STATUS_WORDS.get(status, status)}"


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.999))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def timer_text(view: View, now: float) -> str:
    """The round timer as every member sees it: '04:59 left', 'paused at 02:00', 'time is up'."""
    left = view.timer.left(now)
    if left is None:
        return "no timer"
    if view.timer.remaining is not None:
        return f"timer paused at {clock(left)}"
    return "time is up" if left <= 0 else f"{clock(left)} left"


def who(view: View) -> str:
    """Who this screen is for, in words."""
    member = view.viewer
    if member.role == "facilitator":
        return "Facilitator"
    if member.role == "observer":
        return "Observer"
    return f"{possessive(side_name(view, member.side))} group"


def side_name(view: View, side: str | None) -> str:
    for s in view.sides:
        if s.id == side:
            return s.name
    return side or ""


def header(view: View, now: float) -> Text:
    out = Text()
    out.append(f"{who(view)}", style="bold")
    out.append(f" · room {view.room}: {view.title} · ")
    out.append(f"turn {view.turn} of {view.horizon} · {STATUS_WORDS.get(view.status, view.status)}")
    out.append(" · ")
    timer = timer_text(view, now)
    if timer == "time is up":  # said so that it stands out, with what it asks of this screen
        out.append(timer + _when_up(view), style="bold reverse")
    else:
        out.append(timer, style="bold")
    return out


def _when_up(view: View) -> str:
    """What time being up asks of this member in a sealed round (nothing happens by itself:
    the facilitator decides when to reveal)."""
    if view.asked.what != "orders" or view.status != "running":
        return ""
    if view.viewer.role == "facilitator":
        return ": v reveals the orders"
    mine = next((s for s in view.sides if s.id == view.viewer.side), None)
    if mine is not None and mine.due and not mine.ordered:
        return ": give your order now"
    return ""


def sides_line(view: View) -> Text:
    """Every side and where it stands this round: who has ordered (never what)."""
    out = Text()
    for i, s in enumerate(view.sides):
        if i:
            out.append("   ")
        if not s.seated:
            mark = "played by the author's weights"
        elif view.turns == "sealed" and view.asked.what == "orders":
            mark = "ordered" if s.ordered else ("to order" if s.due else "nothing to order")
        elif s.deciding:
            mark = "deciding"
        else:
            mark = "waiting"
        out.append(s.name, style="bold")
        if view.status != "ended" or not s.seated:  # once the game is over nobody is waiting
            out.append(f": {mark}")
    return out


def option_line(i: int, option: Option, roll: str | None = None) -> Text:
    out = Text()
    out.append(f"{i}. ", style="bold")
    out.append(option.label)
    tags = [option.basis] if option.basis else []
    if option.share is not None:
        tags.append(f"weight {option.weight:g}, {option.share:.0%}")
    if roll is not None and option.act == roll:
        tags.append("the author's roll takes this")
    if tags:
        out.append(f"  [{', '.join(tags)}]", style="dim")
    if option.ends:
        out.append(f"  ends the game: {option.ends}", style="bold")
    if option.text:
        out.append(f"\n     {option.text}", style="dim")
    if option.rationale:
        out.append(f"\n     Why this weight (the author's): {option.rationale}", style="dim italic")
    return out


def asked(view: View) -> Text:
    """What the room is deciding now, and for whoever may act, the options (numbered)."""
    a = view.asked
    out = Text()
    out.append(a.label, style="bold")
    decider = who_decides(view)
    if decider:
        out.append(f"\n{decider}")
    if view.status == "paused":
        out.append("\nThe facilitator has paused the room.")
    now = what_now(view)
    if now:
        out.append(f"\n{now}", style="bold")
    if view.voided:
        out.append("\nAn event came in: the orders given this round were set aside. Give them again.", style="bold")
    if a.up_next:
        out.append(f"\nUp next: {side_name(view, a.up_next)}")
    if view.my_order is not None:
        out.append("\nYour order (sealed until the reveal; you may change it): ")
        out.append(view.my_order.label, style="bold")
    for i, option in enumerate(a.options, 1):
        out.append("\n")
        out.append_text(option_line(i, option, a.roll))
    if a.options and any(o.share is not None for o in a.options):
        out.append(f"\n{WEIGHTS_NOTE}", style="italic")
    if view.ended_reason and view.ended_reason not in a.label:  # the label says the ending, or the reason, once
        out.append(f"\nThe facilitator ended the game: {view.ended_reason}")
    return out


def who_decides(view: View) -> str:
    """Who decides the branch point the room stands at, said to a member who does not: a
    group decides its own side's; the facilitator rules on one of chance."""
    a, member = view.asked, view.viewer
    if member.role == "facilitator" or a.what not in ("move", "reaction", "chance"):
        return ""
    if a.owner == CHANCE:
        return "The facilitator rules on this branch point of chance."
    if member.role == "seat" and a.owner == member.side:
        return ""
    return f"{capital(possessive(a.owner_name))} group decides this branch point."


def what_now(view: View) -> str:
    """A seat's line on what it can do now: its keys when it has something to decide, else
    what it waits for and what the group can do meanwhile (never a blank pane)."""
    a, member = view.asked, view.viewer
    if member.role != "seat" or view.status == "ended" or a.what == "ended":
        return ""
    meanwhile = "Meanwhile, discuss the prompts, or write a note (n)." if view.prompts else "Meanwhile, talk over your briefing (right), or write a note (n)."
    if view.status == "waiting":
        return f"Waiting for the facilitator to start the room. {meanwhile}"
    if view.status == "paused":
        return f"Waiting for the facilitator to resume. {meanwhile}"
    mine = next((s for s in view.sides if s.id == member.side), None)
    if a.what == "orders":
        if mine is None or not mine.due:
            return "Nothing for your group to order this round: the others are ordering. " + (
                "Discuss the prompts, or write a note (n)." if view.prompts else "Talk over your briefing (right), or write a note (n)."
            )
        if mine.ordered:
            return f"Waiting for the facilitator to reveal the orders; until then you may change yours ({digits(a.options)}). {meanwhile}"
        return f"Give your group's order: press {digits(a.options)} to choose."
    if a.what in ("move", "reaction") and a.owner == member.side:
        return f"Your group's decision: press {digits(a.options)} to choose, or r to let the author's weights decide."
    if a.what in ("move", "reaction", "chance"):  # the line above says who decides it
        return meanwhile
    return f"Waiting for the facilitator. {meanwhile}"


def digits(options) -> str:
    """The keys that choose among ``options``: '1', '1-3', or '1-9 (0 lists all 12)'."""
    n = len(options)
    if n > 9:
        return f"1-9 (0 lists all {n})"
    return "1" if n == 1 else f"1-{n}"


def capital(text: str) -> str:
    """A sentence's first letter in capitals ('the United States' -> 'The United States')."""
    return text[:1].upper() + text[1:]


def orders(view: View) -> Text:
    """The facilitator's view of this round's sealed orders."""
    out = Text()
    if not view.orders and view.asked.what != "orders":
        return out
    out.append("Orders this round (the seats see only who has ordered)", style="bold")
    if not view.orders:
        out.append("\n  none yet")
    for side, option in view.orders:
        out.append(f"\n  {side_name(view, side)}: {option.label}")
    return out


def briefing(view: View) -> Text:
    """Every briefing this member may read: :func:`own_briefing`, then :func:`other_briefings`."""
    out = own_briefing(view)
    out.append_text(other_briefings(view))
    return out


def own_briefing(view: View) -> Text:
    """A seat: its own side's public and private briefing (empty for anyone else)."""
    out = Text()
    mine = view.viewer.side if view.viewer.role == "seat" else None
    for _side, name, b in (x for x in view.briefings if x[0] == mine):
        _public_briefing(out, name, b)
    if view.private is not None:
        out.append("Private briefing (your group only)\n", style="bold")
        for label, items in (("Wants most", view.private.wants_most), ("May concede", view.private.may_concede), ("Must not reveal", view.private.must_not_reveal)):
            for item in items:
                out.append(f"  {label}: {item.text}{author_note(item)}\n")
    return out


def other_briefings(view: View) -> Text:
    """The public briefings of every side but a seat's own (never a private one: the view
    holds none), headed for a seat as what everyone knows of the others."""
    out = Text()
    mine = view.viewer.side if view.viewer.role == "seat" else None
    others = [x for x in view.briefings if x[0] != mine]
    if others:
        out.append("The other sides, as everyone knows them\n" if mine else "The sides' public briefings\n", style="bold underline")
    for _side, name, b in others:
        _public_briefing(out, name, b)
    return out


def _public_briefing(out: Text, name: str, b) -> None:
    out.append(f"{name}: public briefing\n", style="bold")
    for label, items in (("Wants", b.wants), ("Fears", b.fears), ("Red lines", b.red_lines)):
        for item in items:
            out.append(f"  {label}: {item}\n")


def story(view: View) -> Text:
    """Everything revealed so far, as a class reads it (the open table's story panel, not
    the analysts' transcript with its tags and variable ids): each step's heading, the
    latest turn's steps in full, the facilitator's rulings with their reasons, the prompts,
    and the ending with each side's judgement. Drawn from the view's Story alone, so it
    shows nothing the view withholds (the weights while they are hidden)."""
    from sim.export.story import Beat
    from sim.ui import present

    scn, told = view.scenario, view.story
    out = Text("What has happened\n", style="bold underline")
    out.append_text(present.situation_text(scn, told, at_start=False))
    turns = [b.turn for st in told.steps for b in st.beats if isinstance(b, Beat)]
    latest = turns[-1] if turns else None
    turn = None
    for i, step in enumerate(told.steps):
        detail = any(isinstance(b, Beat) and b.turn == latest for b in step.beats)
        ending = told.ending if i == len(told.steps) - 1 else None
        out.append_text(present.step_text(scn, step, turn, None, detail, ending))
        turn = next((b.turn for b in reversed(step.beats) if isinstance(b, Beat)), turn)
    if told.ending is not None:
        out.append(told.ending.text + "\n")
        for j in told.ending.judgements:
            out.append(f"  {j.actor_name} {j.phrase}: {j.reason}\n")
    return out


RECENT = 8  # revealed rounds and decisions a screen lists, and notes (What has happened, right, has the whole path)


def record(view: View) -> Text:
    """The revealed rounds and the decisions people made, in the order they happened (by
    their place in the room's log), the last :data:`RECENT` of them."""
    out = Text()
    happened = sorted([*view.rounds, *view.decisions], key=lambda x: x.n)
    if not happened:
        return out
    out.append("What has been decided, in order\n", style="bold")
    if len(happened) > RECENT:
        out.append(f"({len(happened) - RECENT} earlier: What has happened, right, tells the whole path)\n", style="dim")
    for item in happened[-RECENT:]:
        if isinstance(item, RoundView):
            _round_lines(out, item)
        else:
            out.append(_decision_line(item) + "\n")
    return out


def _round_lines(out: Text, r: RoundView) -> None:
    out.append(f"Turn {r.turn}, revealed:", style="bold")
    for g in r.given:
        how = f" ({ORDER_HOW.get(g.how, g.how)})" if g.how != "ordered" else ""  # an order needs no gloss
        out.append(f"\n  {g.side_name}: {g.label}{how}")
        if g.failed:
            out.append(f" ({FAILED})", style="bold")
    out.append("\n")


def _decision_line(d: DecisionView) -> str:
    """'Turn 2, Downstream answers the new stage: Accepts it (Downstream State's group chose it)'."""
    if d.ruling == "inject":
        return f"Turn {d.turn}: {d.by} brought an event in: {d.label}" + (f" (the reason given: {d.reason})" if d.reason else "")
    if d.ruling_text:
        how = f"{d.by} {d.ruling_text}" + (f": {d.reason}" if d.reason else "")
    else:
        group = f"{possessive(d.by)} group"
        how = f"{group} let the author's weights decide" if d.how == "rolled" else f"{group} chose it"
    return f"Turn {d.turn}, {d.label} ({how})"


def notes(view: View) -> Text:
    """The discussion prompts raised so far, numbered, and the notes (a note on a prompt names
    it by its number: the prompt is printed once, above)."""
    out = Text()
    if view.prompts:
        out.append("Discussion prompts\n", style="bold")
        for i, p in enumerate(view.prompts, 1):
            out.append(f"  {i}. {p.strip()}\n")
    if view.notes:
        out.append("Notes, the latest first\n", style="bold")
        for n in list(reversed(view.notes))[:RECENT]:
            writer = "Facilitator" if n.who == "facilitator" else side_name(view, n.who.partition(":")[2])
            by = "" if view.viewer.role == "seat" else f"{writer}: "
            on = f" (on prompt {view.prompts.index(n.prompt) + 1})" if n.prompt in view.prompts else ""
            out.append(f"  {by}{n.text}{on}\n")
        if len(view.notes) > RECENT:
            out.append(f"  ({len(view.notes) - RECENT} earlier)\n", style="dim")
    return out


def reveal_question(view: View) -> str:
    """What the facilitator is asked before revealing a round that some seated sides have
    not ordered in: what the reveal will do."""
    missing = [s.name for s in view.sides if s.seated and s.due and not s.ordered] or ["A side"]
    names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    one = len(missing) == 1
    return (
        f"{names} {'has' if one else 'have'} not given an order this round. If you reveal now, "
        f"{'it passes' if one else 'they pass'}, and the orders given apply in the turn order. Reveal now?"
    )


def hand_over(view: View, side: str) -> Text:
    """The hot seat's hand-over screen: who takes the keyboard, and nothing of any side's."""
    out = Text()
    out.append(f"{possessive(side_name(view, side))} group: your orders\n\n", style="bold")
    out.append("Pass the keyboard to this group. Everyone else, look away: the next screen shows\n")
    out.append("this side's private briefing and its pending order.\n\n")
    out.append("Press Enter when the group is at the keyboard, Escape to go back.")
    return out


def one_line(text: str) -> str:
    """A message from elsewhere (an error), as one line of printable characters."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())[:300]
