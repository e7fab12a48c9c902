"""Fixtures more than one test module needs."""

from __future__ import annotations

import os

import pytest

from sim.serve.testing import find_chromium


@pytest.fixture
def chromium() -> str:
    """Headless Chromium's path. .ci/run installs Debian's package, so under CI a missing
    browser fails the test; only elsewhere may it skip, saying why."""
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must run the browser test (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it and runs this test")
    return path
