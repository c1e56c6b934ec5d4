"""`make bench` still runs: the member-list benchmark at a tiny size, in its own process
(it sets up Django on its own throw-away SQLite database, as the command does)."""

import io
import json
import subprocess
import sys
from pathlib import Path

from tools.bench import report
from tools.bench.member_list import SCOPES, case, page_queries, selector_queries

ROOT = Path(__file__).resolve().parents[3]


def test_a_tiny_run_times_every_case_and_writes_its_figures_and_reference(tmp_path):
    reference = tmp_path / "reference.json"
    command = [
        sys.executable, "-m", "tools.bench", "--database", "sqlite", "--members", "300",
        "--repeat", "1", "--out", str(tmp_path), "--reference", str(reference),
        "--save-reference",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    run = json.loads((tmp_path / "last-sqlite-300.json").read_text(encoding="utf-8"))
    assert run["meta"]["members"] == 300
    expected = [case("selector", s, q) for s in SCOPES for q in selector_queries("")]
    expected += [case("page", s, q) for s in SCOPES for q in page_queries("")]
    assert set(expected) <= set(run["results"])
    assert all(0 < r["best_ms"] <= r["median_ms"] for r in run["results"].values())
    assert run["results"][case("page", "admin", "/members/")]["rows"] == 50
    assert report.load_reference(reference, "sqlite-300")["results"] == run["results"]


def test_the_table_puts_each_figure_beside_the_reference_with_their_ratio():
    reference = {"meta": {"members": 300}, "results": {"page x": {"best_ms": 10.0}}}
    out = io.StringIO()
    table = report.Table(reference, out=out)

    table.row("page x", {"rows": 50, "best_ms": 15.0, "median_ms": 16.0})
    table.row("page new", {"rows": 3, "best_ms": 1.0, "median_ms": 1.0})

    *_, known, new = out.getvalue().splitlines()
    assert known.split() == ["page", "x", "50", "10.0", "15.0", "1.50", "16.0"]
    assert new.split() == ["page", "new", "3", "–", "1.0", "1.0"]


def test_the_roster_benchmark_runs_each_case_repeatedly_and_keeps_the_fastest(tmp_path):
    command = [
        sys.executable, "-m", "tools.bench.roster_import", "--database", "sqlite",
        "--rows", "200", "--small-rows", "0", "--cases", "congdoan", "--repeat", "2",
        "--unions-per-district", "2", "--out", str(tmp_path),
        "--reference", str(tmp_path / "reference.json"),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr
    run = json.loads((tmp_path / "last-import-sqlite-200.json").read_text(encoding="utf-8"))
    figures = run["results"]["congdoan"]
    assert figures["written"] == 200 and figures["errors"] == 0
    assert len(figures["runs_s"]) == 2 and figures["seconds"] == min(figures["runs_s"])
