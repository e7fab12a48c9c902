"""The headless commands never import Textual (they must start fast and run
without a terminal); only `sim` / `sim play` do."""

import json
import subprocess
import sys

HEADLESS = [
    "sim.cli.main", "sim.cli.run", "sim.cli.validate", "sim.cli.explore", "sim.format.catalog",
    "sim.format", "sim.format.script", "sim.runner", "sim.analysis.lint", "sim.analysis.explore",
    "sim.export.transcript", "sim.engine.session",
]  # fmt: skip


def test_headless_modules_do_not_import_textual():
    code = "import sys\n" + "".join(f"import {m}\n" for m in HEADLESS) + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_sim_run_does_not_import_textual(tmp_path):
    code = (
        "import sys\n"
        "from sim.cli.main import main\n"
        "rc = main(['run', 'ceasefire_30_day', '--seed', '3', '--output', sys.argv[1]])\n"
        "assert rc == 0, rc\n"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "t.txt")], capture_output=True, text=True, check=True, cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    assert out.stdout.strip() == "False"


def test_the_ui_draws_its_first_frame_before_the_schema_is_imported():
    """`sim` shows its first frame within 1.5x of a bare Textual app (bench/ui_startup.py)
    only because the app module leaves pydantic, the format models and the engine to the
    loading worker; this keeps a stray top-level import from undoing that."""
    code = "import json, sys, sim.ui.app\nprint(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'sim'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    assert "pydantic" not in loaded
    assert not [m for m in loaded if m.startswith(("sim.format", "sim.engine", "sim.analysis", "sim.expr"))], loaded
    assert "sim.ui.app" in loaded
