"""Shared helpers for the engine, property, content, golden and CLI tests.

Not a test module (no ``test_`` prefix). Loading a real scenario and exploring it are
cached here for the whole pytest process, so the several test files that need the
same exhaustive exploration of ``whole_arc`` (about 12 s) pay for it once.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

from sim.analysis.explore import Coverage, Result, exhaustive, paths_by_playouts, paths_to_endings, reachable
from sim.engine.model import Scenario
from sim.format import load_scenario
from sim.format.catalog import catalog

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SCENARIOS = REPO / "scenarios"
PLANS = REPO / "tests" / "plans"
GOLDEN = REPO / "tests" / "golden"
ARTICLE_C = "002_78cb06b8d0c22452.txt"
# The articles every copy of the project carries, byte for byte (../shared/seeds).
SHARED_SEED_NAMES = (
    "000_4511a1d4e2b4bed6.txt",
    "001_f8c8b4c03e9e3410.txt",
    "002_78cb06b8d0c22452.txt",
    "003_17e38f4c083fb74f.txt",
    "004_518c15d28a5a5fac.txt",
)


def _scenario_paths() -> dict[str, Path]:
    """Every scenario found under scenarios/ (by its id), as `sim list` finds them."""
    return {entry.id: entry.path for entry in catalog(SCENARIOS)}


SCENARIO_PATHS = _scenario_paths()
SCENARIO_IDS = tuple(SCENARIO_PATHS)
FIXTURES = REPO / "tests" / "fixtures"
# Scenarios written for the tests (a negotiation of their own, the pack in sealed rounds).
FIXTURE_PATHS = {entry.id: entry.path for entry in catalog(FIXTURES)}


@functools.cache
def real(scenario_id: str) -> Scenario:
    """A real scenario (or a test fixture's), loaded once."""
    return load_scenario(SCENARIO_PATHS.get(scenario_id) or FIXTURE_PATHS[scenario_id])


@functools.cache
def reached(scenario_id: str) -> tuple[Result, Coverage]:
    coverage = Coverage()
    result = reachable(real(scenario_id), coverage)
    return result, coverage


@functools.cache
def explored(scenario_id: str) -> tuple[Result, Coverage]:
    coverage = Coverage()
    result = exhaustive(real(scenario_id), coverage=coverage)
    return result, coverage


@functools.cache
def shortest_paths(scenario_id: str) -> tuple[dict[str, list[str]], set[str]]:
    """A path to every ending the search reaches: the shortest, or where the search
    stopped at the memory bound, one found by seeded playouts (their ids returned too)."""
    scn = real(scenario_id)
    paths, bounded = paths_to_endings(scn, bounded=True)
    found = paths_by_playouts(scn, {e.id for e in scn.endings} - set(paths)) if bounded else {}
    return {e.id: paths.get(e.id) or found[e.id] for e in scn.endings if e.id in paths or e.id in found}, set(found)


# --- small scenarios written for a test ------------------------------------------------------

HEADER = """\
scenario:
  id: {id}
  title: Test scenario {id}
  summary: A small scenario written by a test.
  situation: The US has proposed a truce.
  horizon: {horizon}
  on_horizon: {on_horizon}
{extra_meta}sources:
  c:
    file: {article}
    label: Article C
actors:
  us: {{name: United States, short: US}}
  russia: {{name: Russia, short: Russia, people: {{putin: {{name: Vladimir Putin, role: President}}}}}}
issues:
  truce:
    title: 30-day ceasefire
    options: {{accept: Accept, conditional: Accept with conditions, reject: Reject}}
stances:
  russia:
    truce:
      position: conditional
      summary: Russia asks how the 30 days would be used.
      quotes:
        - source: c
          speaker: russia.putin
          text: "What guarantees do we have?"
"""


def scenario_text(body: str, *, id: str = "t", horizon: int = 6, on_horizon: str = "drag", meta: str = "") -> str:
    """A full scenario: the common header (one source, two actors, one stance) plus ``body``.

    ``body`` must declare the endings, including ``on_horizon`` (default ``drag``). The
    source is ``seeds/ARTICLE_C`` beside the file: write it with :func:`add_article`."""
    extra = "".join(f"  {line}\n" for line in meta.splitlines() if line.strip())
    head = HEADER.format(id=id, horizon=horizon, on_horizon=on_horizon, extra_meta=extra, article=f"seeds/{ARTICLE_C}")
    return head + body


def add_article(folder: Path) -> Path:
    """A copy of article C in ``folder/seeds/``: sources are read only from inside a project."""
    target = folder / "seeds" / ARTICLE_C
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SEEDS / ARTICLE_C, target)
    return target


def write_scenario(folder: Path, body: str, name: str = "t.yaml", **kw) -> Path:
    path = folder / name
    add_article(path.parent)
    path.write_text(scenario_text(body, **kw), encoding="utf-8")
    return path


def build(folder: Path, body: str, name: str = "t.yaml", **kw) -> Scenario:
    return load_scenario(write_scenario(folder, body, name, **kw))


def walk_quotes(scn: Scenario):
    """Every quote in a compiled scenario, each with a label saying where it sits."""
    for st in scn.stances:
        for q in st.quotes:
            yield f"stance {st.actor}.{st.issue}", q
    for act in scn.acts:
        for q in act.quotes:
            yield f"act {act.id}", q
        for i, d in enumerate(act.demands):
            for q in d.quotes:
                yield f"act {act.id} demand {i}", q
    for actor in scn.actors.values():
        for q in actor.briefing.quotes:
            yield f"briefing {actor.id}", q
    for ending in scn.endings:
        for q in ending.quotes:
            yield f"ending {ending.id}", q
