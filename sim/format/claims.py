"""Checks that the scenario says no more than its articles: who said what, and what happened.

``build`` already finds every quote in its article. These checks look at the
article around each quote, so that a quote cannot be put in the wrong mouth and a
``reported`` act cannot rest on a passage about something else:

* A quote with a ``speaker`` must be words the article puts in quotation marks, and
  the speaker (a person's name, surname or alias; for a side, its name, short name or
  alias) must be named in the quote's sentence or the sentence before or after it.
  A quote made only of words the article puts in someone's mouth must name its
  speaker: otherwise it would read as the article's own narration.
* A ``reported`` act must carry a quote whose sentence, or the one before or after,
  names the side that acts (for an event with no actor, any quote will do): the
  article reports that side doing something there.
* A ``reported`` alternative of a reaction answers what set it off, so it must quote
  an article that also reports each of those acts (shares a source with each
  trigger's quotes), and each of them must be ``reported`` too: the articles cannot
  report an answer given in a situation they do not report.
* A side's judgement of an ending rests on its own stated positions: every stance it cites
  is that side's, and every quote it gives with a speaker is one of that side's people
  (another side's accusation cannot stand as this side's view). A view other than
  ``no_record`` that cites no stance and gives no quote is warned about.
* A private briefing's item with basis ``articles`` must quote them.
* A source's ``outlet``, ``dateline`` and ``date`` must occur in the article: they are
  the article's own statements, never the author's.

These are necessary conditions, checkable in any scenario; they do not prove an act
happened "in that situation". That judgement stays the author's, and the coverage
table (docs/COVERAGE.md) records it for this pack.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import cache

from sim.diagnostics import WARNING, Diagnostic
from sim.engine import model as e
from sim.engine.vocab import possessive
from sim.format import models as m
from sim.format.grounding import Library, SourceText, fold
from sim.format.load import Spec

# A sentence ends at . ! or ? (and any closing quotes) before white space and a word that
# is not lower case, but not inside an abbreviation such as U.S. or p.m.; every line ends one.
_SENTENCE_END = re.compile(r"(?<![A-Za-z]\.[A-Za-z])[.!?][\"'\u201d\u2019)]*(?=\s+(?![\sa-z])|\s*$)|\n")
_OPEN, _CLOSE = "\u201c", "\u201d"


def check(spec: Spec, scenario: e.Scenario, library: Library) -> list[Diagnostic]:
    return _Claims(spec, scenario, library).run()


def sentence_ends(raw: str) -> list[int]:
    """Where each sentence of an article ends: after . ! or ? (and any closing quote) before
    white space, and at every line end (headings and table rows are sentences of their own).
    Stretches of blank text are not sentences."""
    ends: list[int] = []
    for match in _SENTENCE_END.finditer(raw):
        if raw[ends[-1] if ends else 0 : match.end()].strip():
            ends.append(match.end())
    if raw[ends[-1] if ends else 0 :].strip():
        ends.append(len(raw))
    return ends


def sentences(raw: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence, leading white space trimmed."""
    out, start = [], 0
    for end in sentence_ends(raw):
        lead = len(raw[start:end]) - len(raw[start:end].lstrip())
        out.append((start + lead, end))
        start = end
    return out


class _Article:
    """A source's raw text with its sentences and quotation-mark regions."""

    def __init__(self, text: SourceText):
        self.text = text
        raw = text.raw
        self.ends = sentence_ends(raw)
        self.quoted: list[tuple[int, int]] = []
        start = None
        for i, ch in enumerate(raw):
            if ch == _OPEN or (ch == '"' and start is None):
                start = i + 1
            elif (ch == _CLOSE or ch == '"') and start is not None:
                self.quoted.append((start, i))
                start = None

    def quotation(self, span: tuple[int, int]) -> tuple[int, int] | None:
        """The quotation-mark region holding the span, if there is one."""
        start, end = span
        return next(((a, b) for a, b in self.quoted if a <= start and end <= b), None)

    def inside_quotation(self, span: tuple[int, int]) -> bool:
        return self.quotation(span) is not None

    def neighbourhood(self, span: tuple[int, int]) -> str:
        """The sentences holding the span (the whole quotation, when it is inside one),
        with one sentence either side."""
        span = self.quotation(span) or span
        first = bisect.bisect_right(self.ends, span[0])
        last = bisect.bisect_left(self.ends, span[1])
        lo = self.ends[first - 2] if first >= 2 else 0
        hi = self.ends[last + 1] if last + 1 < len(self.ends) else len(self.text.raw)
        return self.text.raw[lo:hi]


@cache
def _pattern(name: str) -> re.Pattern:
    """A name as a whole word (a possessive allowed); acronyms match case-sensitively."""
    folded = fold(name)
    letters = re.sub(r"[^A-Za-z]", "", folded)
    flags = 0 if letters.isupper() and len(letters) > 1 else re.IGNORECASE
    return re.compile(r"(?<![\w.])" + re.escape(folded) + r"(?:'s)?(?![\w])", flags)


def names(text: str, candidates: list[str]) -> bool:
    folded = fold(text)
    return any(_pattern(name).search(folded) for name in candidates)


class _Claims:
    def __init__(self, spec: Spec, scenario: e.Scenario, library: Library):
        self.spec = spec
        self.scn = scenario
        self.lib = library
        self.diags: list[Diagnostic] = []
        self.actors: dict[str, m.Actor] = spec.sections["actors"]  # type: ignore[assignment]
        self.articles: dict[str, _Article] = {}
        for sid, info in scenario.sources.items():
            self.articles[sid] = _Article(library.get(info.file, str(info.file)))

    def err(self, section: str, entry: str, *sub, msg: str):
        self.diags.append(self.spec.at(section, entry, *sub)(msg))

    def run(self) -> list[Diagnostic]:
        self.check_sources()
        for where, quote in self.all_quotes():
            self.check_speaker(where, quote)
        self.check_private()
        self.check_reported()
        self.check_judgements()
        return self.diags

    # -- who says it ---------------------------------------------------------------------------

    def speaker_names(self, ref: str) -> list[str]:
        actor_id, _, person_id = ref.partition(".")
        actor = self.actors.get(actor_id)
        if actor is None:
            return []
        if not person_id:
            return self.actor_names(actor_id)
        person = actor.people.get(person_id)
        if person is None:
            return []
        out = [person.name, *person.aliases]
        words = person.name.split()
        if len(words) > 1 and all(w[:1].isupper() for w in words):
            out.append(words[-1])  # a surname, for a person's name
        return out

    def actor_names(self, actor_id: str | None) -> list[str]:
        actor = self.actors.get(actor_id or "")
        if actor is None:
            return []
        out = [actor.name, actor.short, *actor.aliases]
        for pid in actor.people:
            out += self.speaker_names(f"{actor_id}.{pid}")
        return out

    def span(self, quote: m.Quote) -> tuple[int, int] | None:
        article = self.articles.get(quote.source)
        return article.text.find(quote.text) if article else None

    def check_speaker(self, where: tuple, quote: m.Quote):
        span = self.span(quote)
        if span is None:
            return  # build reported it
        article = self.articles[quote.source]
        if quote.speaker is None:
            if article.inside_quotation(span):
                self.err(*where, msg="the article puts these words in someone's mouth: name the speaker (speaker: actor.person)")
            return
        if not article.inside_quotation(span):
            self.err(*where, "speaker", msg=f"the article does not quote these words as {quote.speaker}'s: they are its own narration (omit speaker)")
            return
        candidates = self.speaker_names(quote.speaker)
        if candidates and not names(article.neighbourhood(span), candidates):
            self.err(*where, "speaker", msg=f"the article does not name {quote.speaker} beside these words (looked for {', '.join(repr(c) for c in candidates)} in the sentence and the ones either side)")

    def all_quotes(self) -> Iterator[tuple[tuple, m.Quote]]:
        s = self.spec.sections
        for aid, actor in self.actors.items():
            if actor.briefing:
                for i, q in enumerate(actor.briefing.quotes):
                    yield ("actors", aid, "briefing", "quotes", i), q
            if actor.private:
                for part in ("wants_most", "may_concede", "must_not_reveal"):
                    for i, item in enumerate(getattr(actor.private, part)):
                        for j, q in enumerate(item.quotes):
                            yield ("actors", aid, "private", part, i, "quotes", j), q
        for actor, by_issue in s["stances"].items():
            for issue, stance in by_issue.items():
                for i, q in enumerate(stance.quotes):
                    yield ("stance", f"{actor}.{issue}", "quotes", i), q
        for section, where, act in self.all_acts():
            for i, q in enumerate(act.quotes):
                yield (section, *where, "quotes", i), q
            for d, demand in enumerate(getattr(act, "demands", ())):
                for i, q in enumerate(demand.quotes):
                    yield (section, *where, "demands", d, "quotes", i), q
        for eid, ending in s["endings"].items():
            for i, q in enumerate(ending.quotes):
                yield ("endings", eid, "quotes", i), q
            for actor, j in ending.judgements.items():
                for i, q in enumerate(j.quotes):
                    yield ("endings", eid, "judgements", actor, "quotes", i), q

    def all_acts(self) -> Iterator[tuple[str, tuple, m.Act]]:
        s = self.spec.sections
        for mid, move in s["moves"].items():
            yield "moves", (mid,), move
        for section in ("reactions", "events"):
            for rid, rule in s[section].items():
                for aid, alt in rule.alternatives.items():
                    yield section, (rid, "alternatives", aid), alt

    # -- what happened ---------------------------------------------------------------------------

    def check_reported(self):
        s = self.spec.sections
        for mid, move in s["moves"].items():
            if move.basis == "reported":
                self.check_names_actor(("moves", mid), move, move.actor)
        for section in ("reactions", "events"):
            for rid, rule in s[section].items():
                for aid, alt in rule.alternatives.items():
                    if alt.basis != "reported":
                        continue
                    where = (section, rid, "alternatives", aid)
                    if rule.actor is not None:
                        self.check_names_actor(where, alt, rule.actor)
                    if section == "reactions":
                        self.check_same_situation(where, alt, rule)

    def check_names_actor(self, where: tuple, act: m.Act, actor: str):
        candidates = self.actor_names(actor)
        for q in act.quotes:
            span = self.span(q)
            if span is not None and names(self.articles[q.source].neighbourhood(span), candidates):
                return
        self.err(*where, "basis", msg=f"a reported act needs a quote from the article that reports it: none of its quotes names {self.scn.actor_name(actor)} in the sentence or the ones either side")

    def check_same_situation(self, where: tuple, alt: m.Alternative, rule: m.Reaction):
        mine = {q.source for q in alt.quotes}
        for trigger in rule.on:
            for act in self.trigger_acts(trigger):
                if act.basis != "reported":
                    self.err(*where, "basis", msg=f"a reported answer to '{act.id}', which is {act.basis}: the articles cannot report an answer in a situation they do not report (make it possible or illustrative)")
                    return
                theirs = {q.source for q in act.quotes}
                if not mine & theirs:
                    self.err(*where, "basis", msg=f"a reported answer to '{act.id}' must quote an article that also reports that act (it quotes {', '.join(sorted(mine)) or 'nothing'}; '{act.id}' quotes {', '.join(sorted(theirs))})")
                    return

    def trigger_acts(self, ref: str) -> list[e.Act]:
        act = self.scn.by_id.get(ref)
        if act is not None:
            return [act]
        rule = self.scn.rule_by_id.get(ref)
        return list(rule.alternatives) if rule is not None else []

    # -- whose view -------------------------------------------------------------------------------

    def check_judgements(self):
        for eid, ending in self.spec.sections["endings"].items():
            for side, judgement in ending.judgements.items():
                if side not in self.actors:
                    continue  # build reported it
                where = ("endings", eid, "judgements", side)
                name = self.scn.actor_name(side)
                if judgement.view != "no_record" and not judgement.cites and not judgement.quotes:
                    # A warning: the reason may say where the view comes from; the author should show it.
                    self.diags.append(self.spec.at(*where, "view", severity=WARNING)(f"{possessive(name)} view '{judgement.view}' rests on nothing: cite its stances or quote it (or say no_record, that the articles record no position)"))
                for i, cite in enumerate(judgement.cites):
                    owner = cite.partition(".")[0]
                    if owner != side:
                        self.err(*where, "cites", i, msg=f"{possessive(name)} view cites {possessive(self.scn.actor_name(owner))} stance '{cite}': a side's view rests on its own stated positions")
                for i, quote in enumerate(judgement.quotes):
                    owner = (quote.speaker or "").partition(".")[0]
                    if owner and owner != side:
                        self.err(*where, "quotes", i, "speaker", msg=f"{possessive(name)} view quotes {self.scn.actor_name(owner)} ({quote.speaker}): a side's view rests on its own words, not another side's")

    # -- briefings and sources -------------------------------------------------------------------

    def check_private(self):
        for aid, actor in self.actors.items():
            if actor.private is None:
                continue
            for part in ("wants_most", "may_concede", "must_not_reveal"):
                for i, item in enumerate(getattr(actor.private, part)):
                    if item.basis == "articles" and not item.quotes:
                        self.err("actors", aid, "private", part, i, "basis", msg="an item with basis 'articles' needs quotes from them (or basis: author, shown as the author's)")

    def check_sources(self):
        for sid, src in self.spec.sections["sources"].items():
            article = self.articles.get(sid)
            if article is None:
                continue
            for field in ("outlet", "dateline", "date"):
                value = getattr(src, field)
                if value is not None and article.text.find(value) is None:
                    self.err("sources", sid, field, msg=f"the article does not state this {field}: '{value}' does not occur in {src.file} (give only what the article itself says)")
