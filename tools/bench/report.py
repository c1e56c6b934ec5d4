"""Timing, the run's JSON, and the table beside the reference run.

A run is named after its database and size ("postgres-1000000"). Its figures go to
var/bench/last-<name>.json; bench/reference.json keeps one committed run per name, with the
machine and database it was measured on, and --save-reference replaces that name's entry.
"""

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
REFERENCE = ROOT / "bench" / "reference.json"
OUT_DIR = ROOT / "var" / "bench"
# A slow case stops after this many runs once it has taken this long in all.
MIN_RUNS, BUDGET_MS = 3, 10_000
CASE_WIDTH = 58


def measure(call: Callable[[], Any], *, repeat: int) -> tuple[Any, dict]:
    """What `call` returns, and its best and median time in ms over up to `repeat` runs.

    One run before the timed ones fills the caches, as for a page already served since the
    server started.
    """
    value = call()
    times: list[float] = []
    while len(times) < repeat:
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
        if len(times) >= MIN_RUNS and sum(times) > BUDGET_MS:
            break
    figures = {
        "best_ms": round(min(times), 2),
        "median_ms": round(statistics.median(times), 2),
        "runs": len(times),
    }
    return value, figures


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git(*args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return None


def _commit() -> str:
    """The commit measured, marked "+changes" when the working tree's code differs from it."""
    head = _git("rev-parse", "--short", "HEAD")
    if head is None or head.returncode:
        return ""
    changed = _git("diff", "--quiet", "HEAD", "--", "congdoan")
    return head.stdout.strip() + ("+changes" if changed and changed.returncode else "")


def about(**facts) -> dict:
    """The run's circumstances: `facts` plus the machine, software and database version."""
    import django
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory = 0
    return {
        **facts,
        "database_version": database,
        "machine": f"{_cpu()}, {os.cpu_count()} CPUs, {memory:.0f} GiB",
        # Others' work on the machine skews the figures: 1-, 5- and 15-minute averages.
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "system": platform.platform(terse=True),
        "python": platform.python_version(),
        "django": django.get_version(),
        "commit": _commit(),
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def write_run(path: Path, *, name: str, meta: dict, results: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    run = {"name": name, "meta": meta, "results": results}
    path.write_text(json.dumps(run, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def keep_run(args, *, name: str, meta: dict, results: dict) -> Path:
    """Write the run to args.out, and make it the reference when args.save_reference."""
    path = write_run(args.out / f"last-{name}.json", name=name, meta=meta, results=results)
    print(f"Written: {path}")
    if args.save_reference:
        save_reference(args.reference, name=name, meta=meta, results=results)
        print(f"Reference {name} saved in {args.reference}")
    return path


def load_reference(path: Path, name: str) -> dict | None:
    """The reference run called `name`, or None when there is none."""
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("runs", {}).get(name)


def save_reference(path: Path, *, name: str, meta: dict, results: dict) -> None:
    """Make this run the reference for its name; the other names' runs stay."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.setdefault(
        "about",
        "Reference runs of `make bench` (python -m tools.bench), one per database and size; "
        "figures in ms. Rewrite one with --save-reference.",
    )
    data.setdefault("runs", {})[name] = {"meta": meta, "results": results}
    data["runs"] = dict(sorted(data["runs"].items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


class Table:
    """Prints each case as it is measured: best times beside the reference's, their ratio."""

    def __init__(self, reference: dict | None, out=None) -> None:
        self.reference = (reference or {}).get("results", {})
        self.out = out
        if reference:
            meta = reference["meta"]
            self._print(
                f"Reference: {meta.get('database_version')}, {meta.get('members'):,} members, "
                f"{meta.get('machine')}, {meta.get('date')} ({meta.get('commit') or '?'})"
            )
        else:
            self._print("No reference run of this name: figures only.")
        self._print(
            "ms: the best run after one to warm up (median: of all runs); "
            "ratio: now / reference, above 1 is slower."
        )
        self._print(
            f"{'case':<{CASE_WIDTH}} {'rows':>5} {'ref ms':>8} {'now ms':>8} {'ratio':>6} "
            f"{'median':>8}"
        )

    def _print(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def row(self, case: str, result: dict) -> None:
        before = self.reference.get(case)
        ref = f"{before['best_ms']:>8.1f}" if before else f"{'–':>8}"
        ratio = (
            f"{result['best_ms'] / before['best_ms']:>6.2f}"
            if before and before["best_ms"]
            else f"{'':>6}"
        )
        self._print(
            f"{case:<{CASE_WIDTH}} {result['rows']:>5} {ref} {result['best_ms']:>8.1f} "
            f"{ratio} {result['median_ms']:>8.1f}"
        )
