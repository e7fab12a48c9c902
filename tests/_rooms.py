"""Helpers for the room tests (tests/test_room*.py): a negotiation of their own, rooms
made and played through the API, and a walk over everything a projection holds.

The scenario is not the pack's: three sides over a river, each with a private briefing
whose every line carries a marker (``UPSTREAM-PRIVATE-...``) that no other side's
projection may ever show."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from _support import add_article, ARTICLE_C

from sim.format import load_scenario

SIDES = ("upstream", "downstream", "broker")


def _private(side: str) -> str:
    tag = side.upper()
    return (
        "    private:\n"
        f"      wants_most: [{{text: \"{tag}-PRIVATE-WANTS: the author's instruction, hold out for the summer flow\", basis: author}}]\n"
        f"      may_concede: [{{text: \"{tag}-PRIVATE-CONCEDE: the author's instruction, a joint gauge station\", basis: author}}]\n"
        f"      must_not_reveal: [{{text: \"{tag}-PRIVATE-HIDE: the author's instruction, the treasury is nearly empty\", basis: author}}]\n"
    )


def river_text(turns: str = "sealed", horizon: int = 5) -> str:
    actors = "".join(
        f"  {side}:\n    name: {side.title()} State\n    short: {side.title()}\n"
        f"    briefing: {{wants: [Its share of the river]}}\n" + _private(side)
        for side in SIDES
    )
    return f"""\
scenario:
  id: river_{turns}
  title: A river shared by three states ({turns})
  summary: A negotiation written for the room tests.
  situation: Upstream plans a dam; downstream objects; a broker offers talks.
  horizon: {horizon}
  on_horizon: stalemate
  turns: {{{turns}: [upstream, downstream, broker]}}
sources:
  c: {{file: seeds/{ARTICLE_C}, label: Article C}}
actors:
{actors}variables:
  dam: {{type: int, min: 0, max: 3, initial: 0}}
  talks: {{type: bool, initial: false}}
  trust: {{type: int, min: 0, max: 5, initial: 2}}
moves:
  up_build: {{actor: upstream, label: Build the next stage, type: MOBILIZE, basis: illustrative, when: dam < 3, effects: [dam += 1]}}
  up_pause: {{actor: upstream, label: Pause construction, type: RETREAT, basis: illustrative, when: dam > 0, effects: [trust += 1]}}
  down_protest: {{actor: downstream, label: Protest at the UN, type: PROTEST, basis: illustrative, when: trust > 0, effects: [trust -= 1]}}
  down_talk: {{actor: downstream, label: Accept talks, type: CONSULT, basis: illustrative, when: not talks, effects: [talks = true]}}
  br_offer: {{actor: broker, label: Offer a sharing formula, type: CONSULT, basis: illustrative, when: talks, effects: [trust += 1]}}
reactions:
  down_answers_build:
    actor: downstream
    on: [up_build]
    label: Downstream answers the new stage
    alternatives:
      threatens: {{label: Threatens sanctions, type: THREATEN, basis: illustrative, weight: 2, rationale: A threat is the usual answer., effects: [trust -= 1]}}
      accepts: {{label: Accepts it under protest, type: CONCEDE, basis: illustrative, weight: 1, rationale: Sometimes it gives way.}}
events:
  season:
    label: The dry season
    alternatives:
      mild: {{label: A mild season, weight: 3, rationale: Most seasons are mild., basis: illustrative}}
      severe: {{label: A severe drought, type: NATURAL, weight: 1, rationale: Some are not., basis: illustrative, effects: [trust -= 1]}}
endings:
  deal: {{title: A sharing deal, when: trust >= 5, text: They agree to share the river.}}
  rupture: {{title: Rupture, when: trust == 0, text: The talks collapse.}}
  stalemate: {{title: Stalemate, text: Nothing is settled.}}
prompts:
  after_talks: {{when: talks, text: What does each side want from the talks?}}
"""


def river(folder: Path, turns: str = "sealed", horizon: int = 5):
    """The river negotiation in ``turns`` (sealed or rounds), written into ``folder`` and loaded."""
    add_article(folder)
    path = folder / f"river_{turns}.yaml"
    path.write_text(river_text(turns, horizon), encoding="utf-8")
    return load_scenario(path)


def private_texts(scenario, side: str) -> list[str]:
    info = scenario.actors[side].private
    return [item.text for group in (info.wants_most, info.may_concede, info.must_not_reveal) for item in group]


def strings(obj, seen=None):
    """Every string a projection holds, however deep (dataclasses, tuples, lists, dicts)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    if isinstance(obj, str):
        yield obj
        return
    if isinstance(obj, (int, float, bool, type(None), bytes)) or callable(obj) and not dataclasses.is_dataclass(obj):
        return
    seen.add(id(obj))
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from strings(getattr(obj, f.name), seen)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from strings(k, seen)
            yield from strings(v, seen)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for v in obj:
            yield from strings(v, seen)
