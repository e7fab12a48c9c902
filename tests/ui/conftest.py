"""Fixtures for the UI tests: scenarios loaded once, autosaves kept in tmp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.format import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """Autosaves, settings and the lengths cache go to fresh folders per test, never the user's home."""
    state = tmp_path / "state"
    monkeypatch.setenv("SIM_STATE_DIR", str(state))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return state


@pytest.fixture(scope="session")
def whole_arc():
    return load_scenario(SCENARIOS / "whole_arc.yaml")


@pytest.fixture(scope="session")
def ceasefire():
    return load_scenario(SCENARIOS / "ceasefire_30_day.yaml")


@pytest.fixture(scope="session")
def strikes():
    return load_scenario(SCENARIOS / "strikes_during_talks.yaml")
