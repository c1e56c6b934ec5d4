"""python -m tools.bench.dashboard_load: the dashboard under load, as leadership opens it.

Loads the demo into a throw-away var directory (or uses --var DIR that holds one), serves it
with `congdoan serve` (gunicorn), signs in, and sends requests from N concurrent clients on
loopback. Two mixes, each timed on its own:

- "morning": everyone opens today's view of one of the plan's units (the province, its
  federations): the figures are computed once per process, then remembered until the data
  change (analytics.cache);
- "explore": every request asks something not asked before (a unit, a month end of the
  plan, a structure): each one computes, the worst case.

Prints requests, the 50th/95th/99th percentile and requests per second beside the
reference run (bench/reference.json, name "dashboard-<clients>").
"""

import argparse
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tools.bench import report

ROOT = Path(__file__).resolve().parents[2]
CONGDOAN = ROOT / ".venv" / "bin" / "congdoan"
LOGIN, PASSWORD = "quanly", "congdoan2023"
PLAN = "PTDV-2023"


def parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.dashboard_load")
    parser.add_argument("--var", type=Path, help="a var directory with the demo loaded")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=480, help="per mix")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--reference", type=Path, default=report.REFERENCE)
    parser.add_argument("--out", type=Path, default=report.OUT_DIR)
    parser.add_argument("--save-reference", action="store_true")
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """A signed-in browser: cookies kept, the CSRF token sent with the sign-in form."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, bytes]:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.status, response.read()

    def sign_in(self) -> None:
        _status, page = self.get("/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.decode(), "username": LOGIN, "password": PASSWORD}
        ).encode()
        request = urllib.request.Request(
            self.base + "/login/", data=data, headers={"Referer": self.base + "/login/"}
        )
        with self.opener.open(request, timeout=60) as response:
            response.read()
        if not any(c.name == "sessionid" for c in self.jar):
            raise SystemExit("Could not sign in to the demo.")


def units_of_plan(var: Path) -> list[str]:
    """The plan owner and the units directly under it, read through the CLI's JSON."""
    out = subprocess.run(
        [CONGDOAN, "progress", PLAN, "--as-of", "31/12/2023", "--json"],
        env={**os.environ, "CONGDOAN_VAR_DIR": str(var)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return re.findall(r'"unit": "([^"]+)"', out)


def mixes(units: list[str], count: int) -> dict[str, list[str]]:
    rng = random.Random(7)
    morning = [f"/dashboard/?plan={PLAN}&unit={rng.choice(units)}" for _ in range(count)]
    asked = [
        (unit, f"{day:02d}/{month:02d}/{year}", structure)
        for unit in units
        for year in (2022, 2023)
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31))
        for structure in ("as-was", "current")
    ]
    rng.shuffle(asked)
    explore = [
        f"/dashboard/?plan={PLAN}&unit={u}&as_of={d}&structure={s}" for u, d, s in asked[:count]
    ]
    return {"morning": morning, "explore": explore}


def hammer(sessions: list[Session], paths: list[str]) -> tuple[list[float], float, int]:
    """Send `paths` from the sessions at once; (latencies in ms, seconds, failures)."""
    queue = list(reversed(paths))
    lock = threading.Lock()
    latencies: list[float] = []
    failures = [0]

    def client(session: Session) -> None:
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            started = time.perf_counter()
            try:
                status, _body = session.get(path)
            except Exception:  # noqa: BLE001 - a failed request is counted, not fatal
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                failures[0] += status != 200

    threads = [threading.Thread(target=client, args=(s,)) for s in sessions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, failures[0]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv=None) -> None:
    args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="congdoan-load-") as scratch:
        var = args.var
        if var is None:
            var = Path(scratch)
            print("Loading the demo (a minute or three)…", flush=True)
            subprocess.run(
                [CONGDOAN, "demo", "--no-serve"],
                env={**os.environ, "CONGDOAN_VAR_DIR": str(var)},
                check=True,
                stdout=subprocess.DEVNULL,
            )
        units = units_of_plan(var)
        port = free_port()
        server = subprocess.Popen(
            [CONGDOAN, "serve", "--addr", f"127.0.0.1:{port}", "--workers", str(args.workers),
             "--no-worker"],
            env={**os.environ, "CONGDOAN_VAR_DIR": str(var)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    Session(base).get("/login/")
                    break
                except OSError:
                    time.sleep(0.5)
            sessions = [Session(base) for _ in range(args.clients)]
            for session in sessions:
                session.sign_in()
            name = f"dashboard-{args.clients}"
            reference = (report.load_reference(args.reference, name) or {}).get("results", {})
            results = {}
            for mix, paths in mixes(units, args.requests).items():
                if mix == "morning":
                    # A server that has served since the start of the day: each process has
                    # computed each view once (requests go to whichever worker is free).
                    hammer(sessions, sorted(set(paths)) * args.workers * 2)
                latencies, seconds, failures = hammer(sessions, paths)
                if failures:
                    print(f"{mix}: {failures} requests failed", file=sys.stderr)
                result = {
                    "requests": len(latencies),
                    "p50_ms": round(percentile(latencies, 0.5), 1),
                    "p95_ms": round(percentile(latencies, 0.95), 1),
                    "p99_ms": round(percentile(latencies, 0.99), 1),
                    "mean_ms": round(statistics.mean(latencies), 1),
                    "requests_per_s": round(len(latencies) / seconds, 1),
                    "failures": failures,
                }
                results[mix] = result
                before = reference.get(mix, {}).get("p95_ms")
                against = (
                    f" (reference {before} ms, ratio {result['p95_ms'] / before:.2f})"
                    if before
                    else ""
                )
                print(
                    f"{mix:>8}: {args.clients} clients, {len(latencies)} requests: "
                    f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms{against}, "
                    f"p99 {result['p99_ms']} ms, {result['requests_per_s']} requests/s",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
        os.environ["CONGDOAN_VAR_DIR"] = str(var)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdoan.settings")
        import django

        django.setup()
        meta = report.about(
            data="the demo", clients=args.clients, workers=args.workers, requests=args.requests
        )
    report.keep_run(args, name=name, meta=meta, results=results)


if __name__ == "__main__":
    main()
