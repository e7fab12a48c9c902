#!/usr/bin/env python3
"""The coverage table: every negotiation-relevant statement of each article, and where the
scenario pack encodes it or why it leaves it out.

The data is docs/coverage.yaml; this script checks it against the seeds and the scenarios
and writes docs/COVERAGE.md from it:

    python scripts/coverage.py           # check, then write docs/COVERAGE.md
    python scripts/coverage.py --check   # check, and that docs/COVERAGE.md is up to date

What is checked (tests/test_coverage.py runs the same functions):

* every passage is found verbatim in its article (folding white space and curly quotes,
  as `sim validate` folds quotes);
* every sentence of every article is part of a listed statement or of a passage listed
  under `skipped` with its reason, so no statement can be missed silently;
* every "encoded at" reference names an entry of the pack's scenarios (file and id);
* every reference of an encoded statement backs it: the entry quotes an overlapping
  passage of the same article, or (for text such as a situation, which carries no quotes)
  holds one of the statement's `echo` phrases, words found in the passage too.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sim.format.claims import sentences  # noqa: E402
from sim.format.grounding import SourceText, fold  # noqa: E402
from sim.format.load import Spec, load_spec  # noqa: E402

DATA = REPO / "docs" / "coverage.yaml"
DOC = REPO / "docs" / "COVERAGE.md"
PACK = ("whole_arc", "ceasefire_30_day", "strikes_during_talks", "istanbul_rounds")
KINDS = ("position", "demand", "offer", "threat", "event", "figure", "characterisation")
TEXT_PARTS = ("situation", "summary")


@dataclass
class Entry:
    """What a reference points at: the file it is in, the quotes it carries, its texts."""

    file: str
    quotes: list  # (source id, text)
    texts: list[str]


def load_specs() -> dict[str, Spec]:
    specs = {}
    for scenario_id in PACK:
        spec, diags = load_spec(REPO / "scenarios" / f"{scenario_id}.yaml")
        if spec is None:
            raise SystemExit("\n".join(d.format() for d in diags))
        specs[scenario_id] = spec
    return specs


def _file(spec: Spec, section: str, entry: str) -> str:
    origin = spec.origins[(section, entry)]
    return str(Path(origin.doc.file).resolve().relative_to(REPO))


def _act_parts(act) -> tuple[list, list[str]]:
    quotes = [(q.source, q.text) for q in act.quotes]
    quotes += [(q.source, q.text) for d in getattr(act, "demands", ()) for q in d.quotes]
    texts = [act.label, act.text or "", getattr(act, "rationale", None) or "", *(d.text for d in getattr(act, "demands", ()))]
    return quotes, texts


def lookup(specs: dict[str, Spec], ref: str) -> Entry | None:
    """The entry a reference names, e.g. moves.us_stop, reactions.russia_answers_stop.intensifies,
    stances.us.strikes, actors.us.private, disputes.kyiv_strike_toll, endings.us_deal or
    whole_arc:endings.us_deal, ceasefire_30_day:situation, sources.donbas_offensive."""
    scope, _, path = ref.rpartition(":")
    for scenario_id, spec in specs.items():
        if scope and scenario_id != scope:
            continue
        found = _lookup(spec, path)
        if found is not None:
            return found
    return None


def _lookup(spec: Spec, path: str) -> Entry | None:
    if path in TEXT_PARTS:
        meta_file = str(Path(spec.root.file).resolve().relative_to(REPO))
        return Entry(meta_file, [], [getattr(spec.meta, path)])
    section, _, rest = path.partition(".")
    entries = spec.sections.get(section)
    if entries is None or not rest:
        return None
    if section in ("moves", "disputes", "sources", "endings", "variables", "issues"):
        key, _, sub = rest.partition(".")
        item = entries.get(key)
        if item is None or (sub and section != "endings"):
            return None
        file = _file(spec, section, key)
        if section == "moves":
            return Entry(file, *_act_parts(item))
        if section == "disputes":
            return Entry(file, [(v.source, v.text) for v in item.versions], [item.topic, *(v.summary for v in item.versions)])
        if section == "sources":
            return Entry(file, [], [item.label, item.notes or "", item.outlet or "", item.dateline or "", item.headline or ""])
        if section == "variables":
            return Entry(file, [], [item.label or "", *getattr(item, "describe", {}).values()])
        if section == "issues":
            return Entry(file, [], [item.title, item.question or "", *item.options.values()])
        judgements = item.judgements.values()
        quotes = [(q.source, q.text) for q in item.quotes] + [(q.source, q.text) for j in judgements for q in j.quotes]
        return Entry(file, quotes, [item.title, item.text, *(j.reason for j in judgements)])
    if section in ("reactions", "events"):
        rule_id, _, alt_id = rest.partition(".")
        rule = entries.get(rule_id)
        if rule is None:
            return None
        alts = [rule.alternatives[alt_id]] if alt_id else list(rule.alternatives.values())
        if alt_id and alt_id not in rule.alternatives:
            return None
        quotes, texts = [], [rule.label]
        for alt in alts:
            q, t = _act_parts(alt)
            quotes += q
            texts += t
        return Entry(_file(spec, section, rule_id), quotes, texts)
    if section == "stances":
        actor, _, issue = rest.partition(".")
        stance = entries.get(actor, {}).get(issue)
        if stance is None:
            return None
        texts = [stance.summary, stance.red_line.text if stance.red_line else ""]
        return Entry(_file(spec, "stance", f"{actor}.{issue}"), [(q.source, q.text) for q in stance.quotes], texts)
    if section == "actors":
        actor_id, _, part = rest.partition(".")
        actor = entries.get(actor_id)
        if actor is None:
            return None
        file = _file(spec, "actors", actor_id)
        if part == "briefing" and actor.briefing:
            b = actor.briefing
            return Entry(file, [(q.source, q.text) for q in b.quotes], [*b.wants, *b.fears, *b.red_lines])
        if part == "private" and actor.private:
            items = [*actor.private.wants_most, *actor.private.may_concede, *actor.private.must_not_reveal]
            return Entry(file, [(q.source, q.text) for i in items for q in i.quotes], [i.text for i in items])
        if part.startswith("people."):
            person = actor.people.get(part.removeprefix("people."))
            return None if person is None else Entry(file, [], [person.name, person.role])
    return None


def articles(specs: dict[str, Spec]) -> dict[str, SourceText]:
    spec = specs[PACK[0]]
    out = {}
    for sid, src in spec.sections["sources"].items():
        path = (Path(spec.origins[("sources", sid)].doc.file).parent / src.file).resolve()
        out[sid] = SourceText.read(path, src.file)
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def check(data: dict, specs: dict[str, Spec]) -> list[str]:
    """Every problem with the table, one line each; [] when it keeps faith."""
    texts = articles(specs)
    problems = []
    seen_ids: set[str] = set()
    all_ids = {st.get("id") for article in data["articles"].values() for st in article.get("statements", [])}
    for sid, article in data["articles"].items():
        text = texts.get(sid)
        if text is None:
            problems.append(f"{sid}: not a source of the pack")
            continue
        spans = []
        for st in article.get("statements", []):
            sid_ = st.get("id", "?")
            if sid_ in seen_ids:
                problems.append(f"{sid_}: id used twice")
            seen_ids.add(sid_)
            span = text.find(st["passage"])
            if span is None:
                problems.append(f"{sid_}: passage not found in {sid}: {st['passage']!r}")
                continue
            spans.append(span)
            if st.get("kind") not in KINDS:
                problems.append(f"{sid_}: kind {st.get('kind')!r} is not one of {', '.join(KINDS)}")
            problems += _check_encoding(st, sid, span, text, specs, all_ids - {sid_})
        for skip in article.get("skipped", []):
            span = text.find(skip["passage"])
            if span is None:
                problems.append(f"{sid}: skipped passage not found: {skip['passage']!r}")
                continue
            if not skip.get("reason"):
                problems.append(f"{sid}: skipped passage without a reason: {skip['passage']!r}")
            spans.append(span)
        for start, end in sentences(text.raw):
            sentence = text.raw[start:end]
            if not any(ch.isalnum() for ch in sentence):
                continue  # table rules such as "---|"
            if not any(_overlaps((start, end), s) for s in spans):
                problems.append(f"{sid}: sentence neither listed nor skipped: {' '.join(sentence.split())!r}")
    return problems


def _check_encoding(st: dict, sid: str, span: tuple[int, int], text: SourceText, specs, others: set[str]) -> list[str]:
    name = st.get("id", "?")
    encoded, left_out, restates = st.get("encoded", []), st.get("left_out"), st.get("restates")
    if sum(map(bool, (encoded, left_out, restates))) != 1:
        return [f"{name}: give one of 'encoded' (where), 'left_out' (why) or 'restates' (which statement)"]
    if restates:
        return [] if restates in others else [f"{name}: restates '{restates}', which is not another statement of the table"]
    if left_out:
        return []
    problems = []
    echoes = st.get("echo", [])
    echoes = [fold(e).lower() for e in ([echoes] if isinstance(echoes, str) else echoes)]
    for echo in echoes:
        if echo not in fold(st["passage"]).lower():
            problems.append(f"{name}: echo {echo!r} is not in the passage")
    for ref in encoded:
        entry = lookup(specs, ref)
        if entry is None:
            problems.append(f"{name}: '{ref}' names no entry of the pack")
            continue
        quoted = any((where := text.find(quote)) is not None and _overlaps(where, span) for source, quote in entry.quotes if source == sid)
        echoed = any(echo in fold(t).lower() for echo in echoes for t in entry.texts)
        if not (quoted or echoed):
            problems.append(f"{name}: '{ref}' neither quotes this passage nor carries its echo")
    return problems


def render(data: dict, specs: dict[str, Spec]) -> str:
    labels = {sid: src.label for sid, src in specs[PACK[0]].sections["sources"].items()}
    out = [
        "# Coverage: what each article says and where the scenarios encode it",
        "",
        "Generated by `python scripts/coverage.py` from `docs/coverage.yaml`; do not edit by hand.",
        "Every negotiation-relevant statement of each article (a position, demand, offer, threat,",
        "event, figure or characterisation), quoted, with the entries of `scenarios/` that encode it",
        "(file: section.id) or why it is left out. Every other sentence of each article is listed",
        "at the end of its section with the reason it states nothing about the negotiation.",
        "`tests/test_coverage.py` checks each passage against the seeds, each entry against the",
        "scenarios (each must quote an overlapping passage, or carry the statement's echo), and that",
        "no sentence of any article is missing.",
        "",
        "A statement the article makes twice (a key point, a summary, an FAQ answer) is listed",
        "again as a restatement of the first, so that every sentence is accounted for.",
        "",
        "| Article | Statements | Encoded | Left out | Restatements | Other sentences |",
        "|---|---|---|---|---|---|",
    ]
    for sid, article in data["articles"].items():
        sts = article.get("statements", [])
        counts = [sum(1 for s in sts if s.get(k)) for k in ("encoded", "left_out", "restates")]
        out.append(f"| {labels[sid]} | {len(sts)} | {counts[0]} | {counts[1]} | {counts[2]} | {len(article.get('skipped', []))} |")
    for sid, article in data["articles"].items():
        out += ["", f"## {labels[sid]}", "", "| # | Kind | Statement | Encoded at, or why left out |", "|---|---|---|---|"]
        for st in article.get("statements", []):
            if st.get("encoded"):
                where = "<br>".join(_where(specs, ref) for ref in st["encoded"])
                if st.get("note"):
                    where += f"<br>*{_cell(st['note'])}*"
            elif st.get("restates"):
                where = f"Restates {st['restates']}"
            else:
                where = f"**Left out:** {_cell(st['left_out'])}"
            out.append(f"| {st['id']} | {st['kind']} | “{_cell(' '.join(st['passage'].split()))}” | {where} |")
        skipped = article.get("skipped", [])
        if skipped:
            out += ["", "Other sentences (nothing about the negotiation):", ""]
            for skip in skipped:
                out.append(f"- “{_cell(' '.join(skip['passage'].split()))}”: {_cell(skip['reason'])}")
    return "\n".join(out) + "\n"


def _where(specs, ref: str) -> str:
    entry = lookup(specs, ref)
    path = ref.rpartition(":")[2]
    return f"`{entry.file}`: `{path}`" if entry else f"`{ref}` (missing)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def load_data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    data, specs = load_data(), load_specs()
    problems = check(data, specs)
    for line in problems:
        print(f"{DATA.relative_to(REPO)}: {line}", file=sys.stderr)
    if problems:
        return 1
    text = render(data, specs)
    if "--check" in argv:
        if DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC.relative_to(REPO)} is stale: run python scripts/coverage.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(DOC.relative_to(REPO))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
