"""Turn a validated :class:`~sim.format.load.Spec` into the engine's :class:`Scenario`.

Here every reference is resolved (actors, issues, sources, moves, triggers), every
condition and effect is compiled and type-checked, and every quote is found in its
article. Problems are collected, not raised, so ``sim validate`` reports all of them.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from pathlib import Path

from sim.diagnostics import WARNING, Diagnostic, InputError, cut, did_you_mean
from sim.engine import core
from sim.engine import model as e
from sim.engine.vocab import NO_POSITION, Answer, Basis, Category, TurnMode, View
from sim.expr import batch
from sim.expr.compiler import Compiled, ExprError, compile_condition, compile_effects
from sim.expr.namespace import SlotTable
from sim.expr.types import BOOL, NEVER, EnumType, IntType
from sim.format import models as m
from sim.format.grounding import Library, SourceText
from sim.format.load import Origin, Spec, locate

MAX_PASSAGE = 240  # characters of the nearest passage echoed in an error


def build(spec: Spec, library: Library | None = None) -> tuple[e.Scenario | None, list[Diagnostic]]:
    builder = _Builder(spec, library or Library())
    scenario = builder.run()
    errors = [d for d in builder.diags if d.severity != WARNING]
    return (None if errors else scenario), builder.diags


class _Builder:
    def __init__(self, spec: Spec, library: Library):
        self.spec = spec
        self.lib = library
        self.diags: list[Diagnostic] = []
        self.ns = SlotTable()
        s = spec.sections
        self.sources: dict[str, m.Source] = s["sources"]  # type: ignore[assignment]
        self.actors: dict[str, m.Actor] = s["actors"]  # type: ignore[assignment]
        self.issues: dict[str, m.Issue] = s["issues"]  # type: ignore[assignment]
        self.texts: dict[str, SourceText] = {}
        self.weight_conds: dict[tuple, Compiled | None] = {}

    # -- helpers -------------------------------------------------------------------------------

    def err(self, section, entry, *sub, msg, key=False, offset=0, severity="error", about=None):
        if about is not None and self.is_broken(about):
            return  # the entry it names failed validation and was reported already
        if section == "scenario":  # the scenario's own settings: `entry` is a key of it
            self.diags.append(locate(Origin(self.spec.root, ()), ("scenario", entry, *sub), msg, key=key, severity=severity, offset=offset))
            return
        self.diags.append(self.spec.at(section, entry, *sub, key=key, severity=severity)(msg, offset=offset))

    def is_broken(self, name: str) -> bool:
        broken = self.spec.broken
        return name in broken or name.split(".")[0] in broken

    def cond(self, text: str | None, section, entry, *sub) -> Compiled | None:
        if text is None:
            return None
        try:
            return compile_condition(text, self.ns)
        except ExprError as exc:
            self.err(section, entry, *sub, msg=exc.message, offset=exc.offset, about=exc.unknown)
            return None

    def quotes(self, quotes: Sequence[m.Quote], section, entry, *sub) -> tuple[e.QuoteRef, ...]:
        out = []
        for i, q in enumerate(quotes):
            where = (*sub, i)
            src = self.texts.get(q.source)
            if q.source not in self.sources:
                self.err(section, entry, *where, "source", msg=f"unknown source '{q.source}'{did_you_mean(q.source, self.sources)}", about=q.source)
                continue
            speaker = None
            if q.speaker:
                speaker = self.speaker(q.speaker)
                if speaker is None:
                    self.err(section, entry, *where, "speaker", msg=f"unknown speaker '{q.speaker}' (write actor or actor.person)")
            span = None
            if src is not None:
                span = src.find(q.text)
                if span is None:
                    near = src.nearest(q.text)
                    shown = f'nearest passage: "{cut(near, MAX_PASSAGE)}"' if near else "no passage of it comes close"
                    self.err(section, entry, *where, "text", msg=f"quote not found in source '{q.source}' ({self.sources[q.source].file}); {shown}")
            out.append(e.QuoteRef(q.source, q.text, speaker, span))
        return tuple(out)

    def speaker(self, ref: str) -> str | None:
        actor_id, _, person_id = ref.partition(".")
        actor = self.actors.get(actor_id)
        if actor is None:
            return None
        if not person_id:
            return actor.name
        person = actor.people.get(person_id)
        if person is None:
            return None
        return f"{person.name} ({actor.short})"

    # -- the passes ----------------------------------------------------------------------------

    def run(self) -> e.Scenario | None:
        meta = self.spec.meta
        if meta is None:
            return None
        self.read_sources()
        actors = self.build_actors()
        issues = {k: e.IssueInfo(k, v.title, v.question, dict(v.options), v.key) for k, v in self.issues.items()}
        variables = self.build_variables()
        stance_models = self.build_stance_slots()
        self.collect_act_names()
        moves_m: dict[str, m.Move] = self.spec.sections["moves"]  # type: ignore[assignment]
        reactions_m: dict[str, m.Reaction] = self.spec.sections["reactions"]  # type: ignore[assignment]
        events_m: dict[str, m.Event] = self.spec.sections["events"]  # type: ignore[assignment]

        # Pass 1: compile every condition and effect, so that history slots (done/count/since)
        # are all allocated before the act functions that update them are generated.
        conds: dict[tuple, Compiled | None] = {}
        for mid, mv in moves_m.items():
            self.check_actor(mv.actor, "moves", mid)
            conds[("moves", mid)] = self.cond(mv.when, "moves", mid, "when")
            self.effects_pass1(mv.effects, "moves", mid)
            self.weight_pass1(mv.weight, "moves", mid)
        for section, rules in (("reactions", reactions_m), ("events", events_m)):
            for rid, rule in rules.items():
                if rule.actor is not None:
                    self.check_actor(rule.actor, section, rid)
                conds[(section, rid)] = self.cond(rule.when, section, rid, "when")
                for aid, alt in rule.alternatives.items():
                    conds[(section, rid, aid)] = self.cond(alt.when, section, rid, "alternatives", aid, "when")
                    self.effects_pass1(alt.effects, section, rid, "alternatives", aid)
                    self.weight_pass1(alt.weight, section, rid, "alternatives", aid)
        turns = meta.turns if isinstance(meta.turns, m.Turns) else None
        if turns is not None:
            self.weight_pass1(turns.pass_.weight, "scenario", "turns", "pass")
        stances = self.build_stances(stance_models)
        self.compile_scopes(variables)
        endings = self.build_endings(meta)
        prompts = self.build_prompts()
        for mid, mv in moves_m.items():
            if mv.once:
                self.ns.history("done", mid)
        for rid, ev in events_m.items():
            if ev.once:
                self.ns.history("done", rid)

        # Pass 2: acts and rules with their final functions.
        acts: list[e.Act] = []
        moves: list[e.Act] = []
        for mid, mv in moves_m.items():
            act = self.make_act(len(acts), mid, -1, mv.actor, mv, conds[("moves", mid)], ("moves", mid), once=mv.once)
            acts.append(act)
            moves.append(act)
        rules: list[e.Rule] = []
        events: list[int] = []
        for section, kind, table in (("reactions", e.REACTION, reactions_m), ("events", e.EVENT, events_m)):
            for rid, rule in table.items():
                index = len(rules)
                alts = []
                for aid, alt in rule.alternatives.items():
                    act = self.make_act(len(acts), f"{rid}.{aid}", index, rule.actor, alt, conds[(section, rid, aid)], (section, rid, "alternatives", aid), parent=rid)
                    acts.append(act)
                    alts.append(act)
                once = getattr(rule, "once", False)
                when = conds[(section, rid)]
                check = self.runtime_check(rule.when, rid, once, when)
                item = e.Rule(index, rid, kind, rule.actor, rule.label, when, check, tuple(alts), tuple(getattr(rule, "on", ())), once)
                item.eligible = batch.select(item.alternatives, [a.check for a in item.alternatives], check)
                rules.append(item)
                if kind == e.EVENT:
                    events.append(index)
        self.link_triggers(acts, rules, reactions_m)
        seats, passes = self.build_seats(turns, acts)
        disputes = self.build_disputes()
        horizon = next((x.index for x in endings if x.id == meta.on_horizon), -1)
        if horizon < 0:
            self.meta_err("on_horizon", f"unknown ending '{meta.on_horizon}'{did_you_mean(meta.on_horizon, [x.id for x in endings])}")
        stances += self.taken_stances()
        initial = self.initial_state(variables, stances)
        if any(d.severity != WARNING for d in self.diags):
            return None
        scenario = e.Scenario(
            id=meta.id, title=meta.title, summary=meta.summary, situation=meta.situation,
            disclaimer=meta.disclaimer, horizon=meta.horizon, on_horizon=horizon,
            max_chain=meta.max_chain, path=self.spec.path, default=meta.default, order=meta.order,
            sources={k: self.source_info(k) for k in self.sources}, actors=actors, issues=issues,
            stances=stances, variables=variables, slots=tuple(self.ns.slots),
            initial=initial, acts=tuple(acts), moves=tuple(moves),
            rules=tuple(rules), events=tuple(events), endings=endings, prompts=prompts,
            disputes=disputes,
        )  # fmt: skip
        scenario.passes_at_table = frozenset(mid for mid, mv in moves_m.items() if mv.pass_)
        if turns is not None:
            scenario.turn_mode = TurnMode.ROUNDS if turns.rounds is not None else TurnMode.SEALED
            scenario.seats, scenario.passes, scenario.turn_rationale = seats, passes, turns.rationale
            # a move that is itself a pass would stand beside the round's own pass: two ways to say one thing
            own = [mv for mv in moves if mv.id not in scenario.passes_at_table]
            scenario.seat_moves = tuple(_index_moves([mv for mv in own if mv.actor == side], self.ns) for side in seats)
        scenario.event_queue = core.event_queue(scenario)
        scenario.by_id = {a.id: a for a in acts}
        scenario.rule_by_id = {r.id: r for r in rules}
        scenario.move_guards, scenario.unguarded_moves = _index_moves(moves, self.ns)
        scenario.ending_of = batch.first_match([(x.index, x.when) for x in endings if x.when is not None])
        scenario.ticking = tuple(
            (v.slot.index, model.per_turn, model.min, model.max)
            for v in variables
            if isinstance(model := self.spec.sections["variables"][v.name], m.IntVariable) and model.per_turn
        )
        scenario.relevant = _relevant_slots(scenario, self.ns)
        scenario.relevant_key = _key_function(scenario.relevant)
        scenario.end_turn = batch.end_of_turn(scenario.ticking, _group_scopes(variables), initial)
        return scenario

    def build_seats(self, turns: m.Turns | None, acts: list[e.Act]) -> tuple[tuple[str, ...], tuple[e.Act, ...]]:
        """The sides in turn order, each with its pass (appended to ``acts``)."""
        if turns is None:
            return (), ()
        if (turns.rounds is None) == (turns.sealed is None):
            self.meta_err_at(("turns",), "give the order of play as either rounds: [sides] or sealed: [sides]")
            return (), ()
        key = "rounds" if turns.rounds is not None else "sealed"
        order = turns.rounds if turns.rounds is not None else turns.sealed
        seats: list[str] = []
        for i, side in enumerate(order):
            if side not in self.actors:
                self.meta_err_at(("turns", key, i), f"unknown actor '{side}'{did_you_mean(side, self.actors)}")
            elif side in seats:
                self.meta_err_at(("turns", key, i), f"'{side}' is already in the order of play")
            else:
                seats.append(side)
        movers = {mv.actor for mv in self.spec.sections["moves"].values()}
        for side in sorted(movers - set(seats)):
            if side in self.actors:
                self.meta_err_at(("turns", key), f"'{side}' has moves but no place in the order of play")
        by_id = {a.id for a in acts}
        passes = []
        model = turns.pass_
        weight, weigh, weight_when = self.weight_of(model.weight, "scenario", "turns", "pass")
        for side in seats:
            act_id = f"{side}.pass"
            if act_id in by_id:
                self.meta_err_at(("turns", key), f"'{act_id}' is the pass of {side} in rounds, but a reaction's alternative has that id")
            act = e.Act(
                index=len(acts), id=act_id, rule=-1, actor=side, label=model.label, type=None,
                basis=Basis.ILLUSTRATIVE, text=None, when=None, check=None, test=None, apply=_unchanged,
                effects=(), writes=(), deps=(), quotes=(), weight=weight, rationale=model.rationale,
                weigh=weigh, weight_when=weight_when, is_pass=True,
            )  # fmt: skip
            acts.append(act)
            passes.append(act)
        return tuple(seats), tuple(passes)

    def weight_pass1(self, weight, *where) -> None:
        """Compile a conditional weight's conditions in the first pass (they may use history)."""
        if isinstance(weight, list):
            for i, case in enumerate(weight):
                self.weight_conds[(*where, i)] = self.cond(case.when, *where, "weight", i, "when")

    def weight_of(self, weight, *where) -> tuple[float, object, tuple]:
        """(the plain weight, f(state) -> weight or None, ((condition, weight), ...))."""
        if not isinstance(weight, list):
            return float(weight), None, ()
        cases = []
        for i, case in enumerate(weight):
            last = i == len(weight) - 1
            if case.when is None and not last:
                self.err(*where, "weight", i, msg="only the last line may omit 'when' (it applies otherwise); the lines after it would never apply")
            if case.when is not None and last:
                self.err(*where, "weight", i, "when", msg="the last line applies otherwise: omit its 'when' (or add a line {weight: N} after it)")
            cases.append((self.weight_conds.get((*where, i)), float(case.weight)))
        default = cases[-1][1]
        tests = [(i, c) for i, (c, _) in enumerate(cases) if c is not None]
        pick = batch.first_match(tests, len(cases) - 1) if tests else (lambda state: len(cases) - 1)
        table = tuple(w for _, w in cases)

        def weigh(state, _pick=pick, _table=table):
            return _table[_pick(state)]

        return (default if default > 0 else max(table)), weigh, tuple(cases)

    def meta_err(self, key: str, msg: str):
        self.meta_err_at((key,), msg)

    def meta_err_at(self, sub: tuple, msg: str, key: bool = False):
        self.diags.append(locate(Origin(self.spec.root, ()), ("scenario", *sub), msg, key=key))

    def read_sources(self):
        for sid, src in self.sources.items():
            origin = self.spec.origins[("sources", sid)]
            path = Path(origin.doc.file).parent / src.file
            base = self.spec.base_dirs.get(origin.doc.file)
            if base is not None:
                path = base / src.file
            try:
                text = self.lib.get(path, src.file, roots=self.spec.roots or None)
            except InputError as exc:
                self.err("sources", sid, "file", msg=f"cannot read source {src.file}: {exc.diagnostics[0].message}")
                continue
            if src.sha256 and src.sha256 != text.sha256:
                self.err("sources", sid, "sha256", msg=f"{src.file} has changed: its SHA-256 is {text.sha256}")
            self.texts[sid] = text

    def source_info(self, sid: str) -> e.SourceInfo:
        src = self.sources[sid]
        text = self.texts[sid]
        return e.SourceInfo(sid, src.label, src.headline, text.path, text.raw, text.sha256, src.notes, src.outlet, src.dateline, src.date)

    def build_actors(self) -> dict[str, e.ActorInfo]:
        out = {}
        for aid, actor in self.actors.items():
            b = actor.briefing or m.Briefing()
            brief = e.Briefing(tuple(b.wants), tuple(b.fears), tuple(b.red_lines), self.quotes(b.quotes, "actors", aid, "briefing", "quotes"))
            people = {pid: (p.name, p.role) for pid, p in actor.people.items()}
            out[aid] = e.ActorInfo(aid, actor.name, actor.short, actor.kind, people, brief, self.build_private(aid, actor.private))
        return out

    def build_private(self, aid: str, private: m.PrivateBriefing | None) -> e.PrivateBriefing | None:
        if private is None:
            return None
        parts = {}
        for part in ("wants_most", "may_concede", "must_not_reveal"):
            items = getattr(private, part)
            parts[part] = tuple(
                e.PrivateItem(item.text, item.basis, self.quotes(item.quotes, "actors", aid, "private", part, i, "quotes"))
                for i, item in enumerate(items)
            )
        return e.PrivateBriefing(**parts)

    def check_actor(self, actor: str, section: str, entry: str):
        if actor not in self.actors:
            self.err(section, entry, "actor", msg=f"unknown actor '{actor}'{did_you_mean(actor, self.actors)}", about=actor)

    def build_variables(self) -> tuple[e.VarInfo, ...]:
        out = []
        for name, var in self.spec.sections["variables"].items():
            if name == "turn":
                self.err("variables", name, msg="'turn' is built in; choose another name", key=True)
                continue
            if isinstance(var, m.EnumVariable):
                if len(set(var.values)) != len(var.values):
                    self.err("variables", name, "values", msg="values must be distinct")
                if var.initial not in var.values:
                    self.err("variables", name, "initial", msg=f"'{var.initial}' is not one of the values{did_you_mean(var.initial, var.values)}")
                for key in var.describe:
                    if key not in var.values:
                        self.err("variables", name, "describe", key, msg=f"'{key}' is not one of the values{did_you_mean(key, var.values)}", key=True)
                typ = EnumType(name, tuple(var.values))
            elif isinstance(var, m.IntVariable):
                if var.min > var.max:
                    self.err("variables", name, "max", msg=f"max ({var.max}) is below min ({var.min})")
                if not var.min <= var.initial <= var.max:
                    self.err("variables", name, "initial", msg=f"initial value {var.initial} is outside {var.min}..{var.max}")
                typ = IntType(var.min, var.max, var.unit or "", var.format)
            else:
                typ = BOOL
            slot = self.ns.add_variable(name, typ)
            describe = dict(getattr(var, "describe", {}))
            out.append(e.VarInfo(name, slot, var.label or name.replace("_", " "), describe, var.show))
        return tuple(out)

    def compile_scopes(self, variables: tuple[e.VarInfo, ...]) -> None:
        """Scopes may mention any variable, so they compile once all slots exist."""
        for var in variables:
            text = self.spec.sections["variables"][var.name].scope
            var.scope = self.cond(text, "variables", var.name, "scope")

    def build_stance_slots(self) -> list[tuple[str, str, m.Stance]]:
        """A slot for each declared stance. Every stance of an issue takes the issue's
        options or ``none`` (no position yet), so a side with no stance on an issue can take
        one during play: its slot is made the first time a condition or effect names it."""
        for issue_id, info in self.issues.items():
            if NO_POSITION in info.options:
                self.err("issues", issue_id, "options", NO_POSITION, msg=f"'{NO_POSITION}' is not an option: it means no position yet, which every side may have", key=True)
        self.ns.stance_type = lambda issue: self.stance_type(issue)
        self.ns.actor_ids = set(self.actors)
        found = []
        for actor, by_issue in self.spec.sections["stances"].items():
            if actor not in self.actors:
                self.err("stances", actor, msg=f"unknown actor '{actor}'{did_you_mean(actor, self.actors)}", key=True)
                continue
            for issue, stance in by_issue.items():
                key = f"{actor}.{issue}"
                info = self.issues.get(issue)
                if info is None:
                    self.err("stance", key, msg=f"unknown issue '{issue}'{did_you_mean(issue, self.issues)}", key=True)
                    continue
                if stance.position not in info.options and stance.position != NO_POSITION:
                    self.err("stance", key, "position", msg=f"'{stance.position}' is not an option of issue '{issue}'{did_you_mean(stance.position, info.options)} (or {NO_POSITION}: no position yet)")
                if not stance.quotes and stance.position != NO_POSITION:
                    self.err("stance", key, "quotes", msg="a stance quotes the words that state it (only a stance with position: none may go without)")
                self.ns.add_stance(actor, issue, self.stance_type(issue))
                found.append((actor, issue, stance))
        return found

    def stance_type(self, issue: str) -> EnumType | None:
        info = self.issues.get(issue)
        return None if info is None else EnumType(f"issue {issue}", (*info.options, NO_POSITION))

    def taken_stances(self) -> tuple[e.StanceInfo, ...]:
        """Stances with no declared position that a condition or effect names: no position yet."""
        return tuple(
            e.StanceInfo(actor, issue, self.ns.stances[(actor, issue)], NO_POSITION, f"{self.actors[actor].name} has no position on record yet.", ())
            for actor, issue in self.ns.made
        )

    def build_stances(self, found) -> tuple[e.StanceInfo, ...]:
        out = []
        for actor, issue, stance in found:
            key = f"{actor}.{issue}"
            quotes = self.quotes(stance.quotes, "stance", key, "quotes")
            red_text, crossed = None, None
            if stance.red_line is not None:
                red_text = stance.red_line.text
                crossed = self.cond(stance.red_line.crossed_when, "stance", key, "red_line", "crossed_when")
            out.append(e.StanceInfo(actor, issue, self.ns.stances[(actor, issue)], stance.position, stance.summary, quotes, red_text, crossed))
        return tuple(out)

    def collect_act_names(self):
        seen: dict[str, str] = {}
        for section in ("moves", "reactions", "events"):
            for rid, rule in self.spec.sections[section].items():
                if rid in seen:
                    self.err(section, rid, msg=f"'{rid}' is already used by a {seen[rid]}; move, reaction and event ids share one namespace", key=True)
                    continue
                seen[rid] = section[:-1]
                self.ns.acts.append(rid)
                for aid in getattr(rule, "alternatives", {}):
                    self.ns.acts.append(f"{rid}.{aid}")

    def effects_pass1(self, effects: Sequence[str], *where):
        def report(i: int, exc: ExprError):
            self.err(*where, "effects", i, msg=exc.message, offset=exc.offset, about=exc.unknown)

        compile_effects(effects, self.ns, on_error=report)

    def runtime_check(self, text: str | None, act_id: str, once: bool, compiled: Compiled | None) -> Compiled | None:
        """The condition the engine evaluates: the author's, plus 'not done(x)' for once."""
        if not once:
            return compiled
        guard = f"not done({act_id})"
        full = guard if text is None else f"{guard} and ({text})"
        try:
            return compile_condition(full, self.ns)
        except ExprError:
            return None  # the author's text failed and was reported already

    def make_act(self, index, act_id, rule_index, actor, model: m.Act, when, where, *, once=False, parent=None) -> e.Act:
        extra = []
        for name in (act_id, parent):
            if name is None:
                continue
            for store in ("count", "last"):
                slot = self.ns.hist.get((name, store))
                if slot is not None:
                    extra.append((slot.index, store))
        compiled = compile_effects(model.effects, self.ns, extra=extra, on_error=lambda i, exc: None)
        quotes = self.quotes(model.quotes, *where, "quotes")
        demand_quotes = any(d.quotes for d in getattr(model, "demands", ()))
        if model.basis == "reported" and not model.quotes:
            self.err(*where, "basis", msg="an act with basis 'reported' needs quotes from the articles (or basis: possible or illustrative)")
        elif model.basis == "possible" and not model.quotes and not demand_quotes:
            self.err(*where, "basis", msg="an act with basis 'possible' needs quotes from the articles, its own or its demands' (or basis: illustrative)")
        demands: tuple[e.Demand, ...] = ()
        answer = None
        rationale = None
        weight, weigh, weight_when = 1.0, None, ()
        if isinstance(model, m.Alternative | m.Move):
            weight, weigh, weight_when = self.weight_of(model.weight, *where)
        if isinstance(model, m.Alternative):
            answer = None if model.answer is None else Answer(model.answer)
            rationale = model.rationale
            demands = tuple(
                e.Demand(d.text, self.quotes(d.quotes, *where, "demands", i, "quotes")) for i, d in enumerate(model.demands)
            )
            if answer == "yes_but" and not demands:
                self.err(*where, "answer", msg="a conditional acceptance (yes_but) needs the demands attached to it")
        elif isinstance(model, m.Move):
            rationale = model.rationale
        check = self.runtime_check(model.when, act_id, once, when)
        return e.Act(
            index=index, id=act_id, rule=rule_index, actor=actor, label=model.label,
            type=None if model.type is None else Category(model.type), basis=Basis(model.basis), text=model.text, when=when, check=check,
            test=check.fn if check else None, apply=compiled.fn,
            effects=tuple(model.effects), writes=compiled.writes, deps=compiled.deps, assigns=compiled.assigns, quotes=quotes, weight=weight,
            rationale=rationale, prompt=model.prompt, tags=tuple(model.tags), once=once,
            answer=answer, demands=demands, weigh=weigh, weight_when=weight_when,
        )  # fmt: skip

    def link_triggers(self, acts: list[e.Act], rules: list[e.Rule], reactions_m):
        by_id = {a.id: a for a in acts}
        rule_by_id = {r.id: r for r in rules}
        triggers: dict[int, list[int]] = {a.index: [] for a in acts}
        for rule in rules:
            if rule.kind != e.REACTION:
                continue
            for i, ref in enumerate(rule.on):
                if ref in by_id:
                    targets = [by_id[ref]]
                elif ref in rule_by_id:
                    targets = list(rule_by_id[ref].alternatives)
                else:
                    self.err("reactions", rule.id, "on", i, msg=f"unknown move or rule '{ref}'{did_you_mean(ref, [*by_id, *rule_by_id])}", about=ref)
                    continue
                for act in targets:
                    if rule.index not in triggers[act.index]:
                        triggers[act.index].append(rule.index)
        for act in acts:
            act.triggers = tuple(sorted(triggers[act.index]))

    def build_endings(self, meta: m.Meta) -> tuple[e.EndingInfo, ...]:
        out = []
        for eid, end in self.spec.sections["endings"].items():
            when = self.cond(end.when, "endings", eid, "when")
            if end.when is None and eid != meta.on_horizon:
                self.err("endings", eid, msg=f"ending '{eid}' has no 'when'; only the on_horizon ending ('{meta.on_horizon}') may omit it", key=True)
            judgements = {}
            for actor, j in end.judgements.items():
                if actor not in self.actors:
                    self.err("endings", eid, "judgements", actor, msg=f"unknown actor '{actor}'{did_you_mean(actor, self.actors)}", key=True)
                for i, cite in enumerate(j.cites):
                    a, _, issue = cite.partition(".")
                    if (a, issue) not in self.ns.stances:
                        self.err("endings", eid, "judgements", actor, "cites", i, msg=f"unknown stance '{cite}'{did_you_mean(cite, self.ns.stance_names())}")
                quotes = self.quotes(j.quotes, "endings", eid, "judgements", actor, "quotes")
                judgements[actor] = e.Judgement(View(j.view), j.reason, tuple(j.cites), quotes)
            quotes = self.quotes(end.quotes, "endings", eid, "quotes")
            holds = tuple(c for i, text in enumerate(end.holds) if (c := self.cond(text, "endings", eid, "holds", i)) is not None)
            out.append(e.EndingInfo(len(out), eid, end.title, end.text, when, judgements, tuple(end.prompts), quotes, holds))
        return tuple(out)

    def build_prompts(self) -> tuple[e.PromptInfo, ...]:
        out = []
        for pid, p in self.spec.sections["prompts"].items():
            when = self.cond(p.when, "prompts", pid, "when")
            if when is not None:
                out.append(e.PromptInfo(pid, when, p.text))
        return tuple(out)

    def build_disputes(self) -> tuple[e.DisputeInfo, ...]:
        out = []
        for did, dispute in self.spec.sections["disputes"].items():
            versions = []
            for i, v in enumerate(dispute.versions):
                refs = self.quotes([m.Quote(source=v.source, text=v.text, speaker=v.speaker)], "disputes", did, "versions", i)
                span = refs[0].span if refs else None
                versions.append(e.Version(v.source, v.text, v.summary, span, refs[0].speaker if refs else None))
            voices = {(v.source, v.speaker) for v in dispute.versions}
            if len({v.source for v in dispute.versions}) < 2 and len(voices) < 2:
                self.err("disputes", did, "versions", msg="a disagreement needs versions from two sources, or from two speakers in one source (give each its speaker)")
            out.append(e.DisputeInfo(did, dispute.topic, tuple(versions)))
        return tuple(out)

    def initial_state(self, variables, stances) -> tuple:
        state: list = [0] * len(self.ns.slots)
        state[0] = 1  # turns count from 1
        for var in variables:
            model = self.spec.sections["variables"][var.name]
            typ = var.slot.type
            if isinstance(typ, EnumType):
                state[var.slot.index] = typ.values.index(model.initial) if model.initial in typ.values else 0
            elif typ is BOOL:
                state[var.slot.index] = bool(model.initial)
            else:
                state[var.slot.index] = model.initial
        for st in stances:
            values = st.slot.type.values
            state[st.slot.index] = values.index(st.initial) if st.initial in values else 0
        for (_, store), slot in self.ns.hist.items():
            state[slot.index] = NEVER if store == "last" else 0
        self.apply_start(state)
        return tuple(state)

    def apply_start(self, state: list) -> None:
        """The scenario's `start:` overrides, checked against each slot's type."""
        meta = self.spec.meta
        by_name = {slot.name: slot for slot in self.ns.slots if slot.kind == "value" and slot.index}
        for name, value in meta.start.items():
            slot = by_name.get(name)
            if slot is None:
                self.meta_err_at(("start", name), f"unknown variable or stance '{name}'{did_you_mean(name, by_name)}", key=True)
                continue
            typ = slot.type
            if isinstance(typ, EnumType) and isinstance(value, str) and value in typ.values:
                state[slot.index] = typ.values.index(value)
            elif typ is BOOL and isinstance(value, bool):
                state[slot.index] = value
            elif isinstance(typ, IntType) and type(value) is int and typ.lo <= value <= typ.hi:
                state[slot.index] = value
            else:
                self.meta_err_at(("start", name), f"{value!r} is not a valid value of {name}: it takes {typ.describe()}")


def _unchanged(state: tuple) -> tuple:
    return state


def _relevant_slots(scn: e.Scenario, ns: SlotTable) -> tuple[int, ...]:
    """Slots a condition can see, closed under "an effect writing a seen slot reads these"."""
    seen: set[int] = set()
    for _, compiled in scn.conditions():
        seen.update(slot.index for slot in compiled.reads)
    for item in (*scn.moves, *scn.rules):
        if item.once:
            seen.add(ns.hist[(item.id, "count")].index)
    seen.update(i for i, *_ in scn.ticking)
    changed = True
    while changed:
        changed = False
        for act in scn.acts:
            for written, reads in act.deps:
                if written in seen and not reads <= seen:
                    seen |= reads
                    changed = True
    seen.discard(0)
    return tuple(sorted(seen))


def _key_function(relevant: tuple[int, ...]):
    if not relevant:
        return lambda state: ()
    if len(relevant) == 1:
        i = relevant[0]
        return lambda state: (state[i],)
    return operator.itemgetter(*relevant)


def _group_scopes(variables) -> list[tuple]:
    """One test per distinct scope text, however many variables share it."""
    groups: dict[str, tuple] = {}
    for v in variables:
        if v.scope is not None:
            compiled, slots = groups.get(v.scope.source, (v.scope, ()))
            groups[v.scope.source] = (compiled, (*slots, v.slot.index))
    return list(groups.values())


def _index_moves(moves: list[e.Act], ns: SlotTable):
    """Group moves by a pinned variable so offered() looks only where a move can apply.

    Each group becomes one generated function testing its moves in declared order, so
    a step calls one function per group rather than one per move.
    """
    history = {s.index for s in ns.hist.values()}
    tables: dict[int, dict[object, list[e.Act]]] = {}
    unguarded: list[e.Act] = []
    for move in moves:
        guards = [g for g in (move.when.guards if move.when else ()) if g[0] not in history]
        if not guards:
            unguarded.append(move)
            continue
        slot, values = guards[0]
        table = tables.setdefault(slot, {})
        for v in values:
            table.setdefault(v, []).append(move)

    def selector(group: list[e.Act]):
        return batch.select(group, [m.check for m in group])

    frozen = tuple((slot, {k: selector(v) for k, v in table.items()}) for slot, table in sorted(tables.items()))
    return frozen, selector(unguarded)
