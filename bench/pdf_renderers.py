"""The PDF renderer for `sim export`: WeasyPrint against headless Chromium's print-to-PDF.

    python bench/pdf_renderers.py [--json FILE] [--repeat N]

The same three HTML documents `sim export` writes (the handout of whole_arc's main
line, Russia's role sheet, the teacher's notes of ceasefire_30_day) are printed by
each renderer as a whole process, the way `sim export` would call it:

* WeasyPrint  - ``python -c`` importing weasyprint and writing the PDF (what
                sim.export.pdf.render_pdf does, start-up included);
* Chromium    - ``chromium --headless --print-to-pdf`` (Debian's package), the page
                from a file: URL.

Runs alternate (W C W C ...) so both see the same load. Per run: wall seconds
(perf_counter around the child) and the peak resident memory of the process tree that
was waited for (``os.wait4``'s ru_maxrss; Chromium's zygote helpers that it does not
reap are not counted, so its figure is a floor). Fidelity: pages and page size
(pdfinfo) and the share of words the two PDFs have in common (pdftotext), where
poppler-utils is installed. Chromium is skipped when it is not installed.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common as c

WEASY = "import sys, weasyprint; weasyprint.HTML(sys.argv[1]).write_pdf(sys.argv[2])"


def documents(folder: Path) -> dict[str, Path]:
    from sim.analysis.explore import exhaustive
    from sim.export.handout import handout
    from sim.export.notes import outlook, teacher_notes
    from sim.export.roles import role_sheet
    from sim.export.story import story
    from sim.format import load_scenario
    from sim.format.script import load_script
    from sim.runner import run_script

    def scenario(name):
        return load_scenario(c.ROOT / "scenarios" / f"{name}.yaml")

    arc = scenario("whole_arc")
    session = run_script(arc, load_script(c.ROOT / "tests" / "plans" / "whole_arc" / "main_line.yaml")).session
    truce = scenario("ceasefire_30_day")
    out = {
        "handout (whole_arc main line)": handout(story(session)),
        "role sheet (Russia)": role_sheet(arc, "russia"),
        "teacher's notes (ceasefire_30_day)": teacher_notes(truce, outlook(truce, exhaustive(truce))),
    }
    paths = {}
    for i, (name, html) in enumerate(out.items()):
        paths[name] = folder / f"doc{i}.html"
        paths[name].write_text(html, encoding="utf-8")
    return paths


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one whole process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed with exit {proc.returncode}")
    return wall, usage.ru_maxrss / 1024


def pdf_facts(pdf: Path) -> dict:
    if not shutil.which("pdfinfo"):
        return {}
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = re.search(r"Pages:\s+(\d+)", info)
    size = re.search(r"Page size:\s+([\d.]+ x [\d.]+ pts)", info)
    return {"pages": int(pages.group(1)) if pages else None, "size": size.group(1) if size else None}


def words(pdf: Path) -> set[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return set(re.findall(r"\w+", text.lower()))


def main() -> None:
    args = c.parser(__doc__.splitlines()[0], scenario=False).parse_args()
    repeat = max(5, args.repeat)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    results: dict = {"repeat": repeat, "documents": {}}
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        folder = Path(tmp)
        docs = documents(folder)
        print(f"PDF renderers, {repeat} runs each, alternating; medians (min-max)")
        print(f"{'document':<36} {'renderer':<11} {'wall s':>16} {'peak MiB':>16} {'pages':>5}  size")
        for name, html in docs.items():
            runs = {"weasyprint": [], "chromium": []}
            w_pdf, c_pdf = folder / "w.pdf", folder / "c.pdf"
            w_cmd = [sys.executable, "-c", WEASY, str(html), str(w_pdf)]
            c_cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", f"--print-to-pdf={c_pdf}", html.as_uri()] if chromium else None
            timed(w_cmd)  # warm-up: the disk cache, fontconfig's cache
            if c_cmd:
                timed(c_cmd)
            for _ in range(repeat):
                runs["weasyprint"].append(timed(w_cmd))
                if c_cmd:
                    runs["chromium"].append(timed(c_cmd))
            row = {}
            for renderer, samples in runs.items():
                if not samples:
                    continue
                walls, peaks = [s[0] for s in samples], [s[1] for s in samples]
                facts = pdf_facts(w_pdf if renderer == "weasyprint" else c_pdf)
                row[renderer] = {"wall": c.stats(walls), "peak_mib": c.stats(peaks), **facts}
                print(
                    f"{name:<36} {renderer:<11} {statistics.median(walls):>6.2f} ({min(walls):.2f}-{max(walls):.2f})"
                    f" {statistics.median(peaks):>6.0f} ({min(peaks):.0f}-{max(peaks):.0f}) {facts.get('pages', '?'):>5}  {facts.get('size', '?')}"
                )
            if "chromium" in row:
                ratio_wall = row["weasyprint"]["wall"]["median"] / row["chromium"]["wall"]["median"]
                ratio_peak = row["weasyprint"]["peak_mib"]["median"] / row["chromium"]["peak_mib"]["median"]
                row["ratio_weasyprint_to_chromium"] = {"wall": ratio_wall, "peak": ratio_peak}
                line = f"{'':<36} {'W/C':<11} {ratio_wall:>6.2f}x wall, {ratio_peak:.2f}x peak"
                if shutil.which("pdftotext"):
                    a, b = words(w_pdf), words(c_pdf)
                    row["shared_words"] = len(a & b) / max(1, len(a | b))
                    line += f", {row['shared_words']:.1%} of words shared"
                print(line)
            results["documents"][name] = row
        if not chromium:
            print("chromium is not installed: only WeasyPrint was measured (Debian: apt-get install chromium)")
    c.write_json(args.json, results)


if __name__ == "__main__":
    main()
