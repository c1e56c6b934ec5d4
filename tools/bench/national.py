"""python -m tools.bench.national: the dashboard's national roll-up beside its references.

Builds the throw-away PostgreSQL database (db), fills it with `congdoan generate`, then
measures on the same rows "the members of every node on one date":

  a. naive: one recursive CTE over the units joined to the spans (members only);
  b. one GROUP BY per union over the spans, then the ancestors' sums in Python (members
     only, as a and the issue's reference figures);
  c. DuckDB over the spans exported to Parquet: the recount per union and the roll-up in
     one query (the near-limit figure for a full recount; the export is timed apart);
  d. ours: analytics.rollup.rollup_on, cold (caches cleared) and warm;
and asserts that the four give every node the same members, and c and d the same women as a
GROUP BY of women summed up. Then
  e. analytics.services.rebuild() beside one GROUP BY over the spans;
  f. what keeping the aggregates current adds to admit_member and transfer_member: calls
     with the analytics handler registered and without it, alternately (median per call),
     all rolled back afterwards.

Figures are printed beside bench/reference.json (run "national-<members>-<units>") and the
issue's goals are checked at the end (MET / MISSED); a missed goal does not fail the run,
a disagreement between the roll-ups does.
"""

import argparse
import contextlib
import datetime as dt
import io
import os
import statistics
import tempfile
import time
from pathlib import Path

from tools.bench import db, report

GOAL_WARM_MS = 100
GOAL_VS_DUCKDB = 2.0
GOAL_REBUILD_RATIO = 1.5
GOAL_KEEP_MS = 5.0


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench.national",
        description="Time the national roll-up of every node on one date beside a recursive "
        "CTE, a GROUP BY summed in Python and DuckDB over Parquet, on a throw-away "
        "PostgreSQL database filled by `congdoan generate`.",
    )
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=13_000, help="grassroots unions")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case")
    parser.add_argument(
        "--changes", type=int, default=200, help="admissions and transfers timed in (f)"
    )
    db.add_postgres_argument(parser)
    parser.add_argument("--reference", type=Path, default=report.REFERENCE)
    parser.add_argument("--out", type=Path, default=report.OUT_DIR)
    parser.add_argument("--save-reference", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--skip-rebuild",
        action="store_true",
        help="time (e) without the rebuild itself (it takes long at national size; "
        "`congdoan generate` prints how long its own took)",
    )
    parser.add_argument(
        "--existing",
        metavar="URL",
        help="measure on this database, already filled by `congdoan generate` (it is not "
        "dropped); --members and --units are then read from it",
    )
    return parser.parse_args(argv)


@contextlib.contextmanager
def database(args: argparse.Namespace):
    """The throw-away database, migrated and filled; or the one --existing names."""
    if not args.existing:
        with db.bench_database("postgres", server=args.postgres, keep=args.keep):
            from congdoan.analytics import generate

            yield generate.generate(
                members=args.members, units=args.units, seed=args.seed,
                report=lambda s: print(f"  {s.name}: {s.rows:,} rows in {s.seconds:.1f} s "
                                       f"({s.rate:,.0f} rows/s)", flush=True),
            )  # fmt: skip
        return
    os.environ.update(
        {"DATABASE_URL": args.existing, "DJANGO_SETTINGS_MODULE": "congdoan.settings",
         "DEBUG": "0"}
    )  # fmt: skip
    import django

    django.setup()
    from congdoan.analytics.generate import Generated
    from congdoan.members.models import Member, Membership
    from congdoan.org.models import Unit

    try:
        yield Generated(
            units=Unit.objects.count(),
            grassroots=Unit.objects.filter(kind="grassroots").count(),
            members=Member.objects.count(),
            spans=Membership.objects.count(),
        )
    finally:
        from django.db import connections

        connections.close_all()


def once(call) -> tuple[object, dict]:
    """What `call` returns and its time, for cases too slow or too stateful to repeat."""
    started = time.perf_counter()
    value = call()
    ms = round((time.perf_counter() - started) * 1000, 2)
    return value, {"best_ms": ms, "median_ms": ms, "runs": 1}


# --- the roll-ups: {unit id: members} (a, b) or {unit id: (members, female)} (c, d), for the
# nodes not zero. The reference figures count members only; DuckDB and ours give the
# women too at little cost.

ALIVE = 's.start <= %s AND (s."end" IS NULL OR s."end" > %s)'


def naive(on: dt.date) -> dict:
    from django.db import connection

    sql = f"""
        WITH RECURSIVE up(unit_id, ancestor) AS (
            SELECT id, id FROM org_unit
            UNION ALL
            SELECT up.unit_id, u.parent_id FROM up JOIN org_unit u ON u.id = up.ancestor
            WHERE u.parent_id IS NOT NULL
        )
        SELECT up.ancestor, count(*)
        FROM members_membership s JOIN up ON up.unit_id = s.unit_id
        WHERE {ALIVE}
        GROUP BY up.ancestor"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [on, on])
        return dict(cursor.fetchall())


def ancestors() -> dict[int, list[int]]:
    """Each unit's chain from itself up to its root (from the restated paths)."""
    from congdoan.org.models import Unit, path_ids

    return {
        pk: path_ids(path)[::-1] for pk, path in Unit.objects.values_list("pk", "path")
    }


def grouped(on: dt.date, chains: dict[int, list[int]]) -> dict:
    from django.db import connection

    sql = f"SELECT s.unit_id, count(*) FROM members_membership s WHERE {ALIVE} GROUP BY 1"
    with connection.cursor() as cursor:
        cursor.execute(sql, [on, on])
        rows = cursor.fetchall()
    totals: dict[int, int] = {}
    for unit, n in rows:
        for node in chains[unit]:
            totals[node] = totals.get(node, 0) + n
    return totals


def female_by_union(on: dt.date) -> dict[int, int]:
    """Women members of each union on `on`, to check the roll-ups' female figures by."""
    from django.db import connection

    sql = (
        "SELECT s.unit_id, count(*) FROM members_membership s JOIN members_member m "
        f"ON m.id = s.member_id WHERE {ALIVE} AND m.gender = 'female' GROUP BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [on, on])
        return dict(cursor.fetchall())


def export_parquet(folder: Path, chains: dict[int, list[int]]) -> tuple[Path, Path, int]:
    """The spans (union, start, end, woman or not) and the (unit, ancestor) pairs."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    from django.db import connection

    buffer = io.BytesIO()
    sql = (
        "COPY (SELECT s.unit_id, s.start, s.\"end\", (m.gender = 'female')::int AS female "
        "FROM members_membership s JOIN members_member m ON m.id = s.member_id) "
        "TO STDOUT (FORMAT csv, HEADER)"
    )
    connection.ensure_connection()
    with connection.connection.cursor() as raw, raw.copy(sql) as copy:
        for data in copy:
            buffer.write(data)
    buffer.seek(0)
    types = {"unit_id": pa.int64(), "start": pa.date32(), "end": pa.date32(), "female": pa.int8()}
    spans = pacsv.read_csv(buffer, convert_options=pacsv.ConvertOptions(column_types=types))
    spans_path, tree_path = folder / "spans.parquet", folder / "ancestors.parquet"
    pq.write_table(spans, spans_path)
    pairs = [(unit, node) for unit, chain in chains.items() for node in chain]
    tree = pa.table(
        {
            "unit_id": pa.array([p[0] for p in pairs], pa.int64()),
            "ancestor": pa.array([p[1] for p in pairs], pa.int64()),
        }
    )
    pq.write_table(tree, tree_path)
    return spans_path, tree_path, spans.num_rows


def duck(con, spans: Path, tree: Path, on: dt.date) -> dict:
    result = con.execute(
        f"""
        WITH own AS (
            SELECT unit_id, count(*) AS n, sum(female) AS f
            FROM read_parquet('{spans}')
            WHERE start <= $on AND ("end" IS NULL OR "end" > $on)
            GROUP BY unit_id
        )
        SELECT t.ancestor, sum(own.n)::BIGINT, sum(own.f)::BIGINT
        FROM own JOIN read_parquet('{tree}') t USING (unit_id)
        GROUP BY t.ancestor""",
        {"on": on},
    ).fetchnumpy()
    values = list(result.values())
    return dict(
        zip(values[0].tolist(), zip(values[1].tolist(), values[2].tolist(), strict=True),
            strict=True)
    )  # fmt: skip


def ours(on: dt.date):
    from congdoan.analytics.rollup import rollup_on

    return rollup_on(on)


def ours_as_dict(rollup) -> dict:
    members, female = rollup.values["members"], rollup.values["female"]
    return {
        int(unit): (int(n), int(f))
        for unit, n, f in zip(rollup.ids.tolist(), members.tolist(), female.tolist(),
                              strict=True)
        if n or f
    }  # fmt: skip


def clear_caches() -> None:
    from congdoan.analytics import structure
    from congdoan.org import forest

    structure._cache.clear()
    forest._cache.clear()


def members_only(pairs: dict) -> dict:
    return {unit: n for unit, (n, _f) in pairs.items() if n}


def female_rolled(by_union: dict[int, int], chains: dict[int, list[int]]) -> dict:
    totals: dict[int, int] = {}
    for unit, n in by_union.items():
        for node in chains[unit]:
            totals[node] = totals.get(node, 0) + n
    return totals


def females(pairs: dict) -> dict:
    return {unit: f for unit, (_n, f) in pairs.items() if f}


def agree(results: dict[str, dict]) -> None:
    """Fail loudly unless every roll-up gives every node the same figures."""
    (first_name, first), *others = results.items()
    for name, other in others:
        if other != first:
            units = sorted(set(first) | set(other), key=lambda u: (first.get(u) == other.get(u), u))
            sample = [(u, first.get(u), other.get(u)) for u in units[:5]]
            raise SystemExit(
                f"{name} disagrees with {first_name} on "
                f"{sum(first.get(u) != other.get(u) for u in units)} nodes, e.g. "
                f"(unit, {first_name}, {name}): {sample}"
            )


# --- keeping the aggregates current -----------------------------------------------------------


class _Undo(Exception):
    """Raised to roll back the changes (f) made once they are timed."""


def keeping_cost(count: int, on: dt.date) -> dict[str, list[float]]:
    """ms per admit_member and transfer_member call, with the aggregates' handler and without,
    alternately so that drift in the machine's load touches both alike.

    Everything runs in one transaction rolled back at the end (each call's own is a savepoint
    in it, so no call pays for a commit): the calls made without the handler would otherwise
    leave the aggregates behind the spans, and the database is left as it was.
    """
    from django.db import transaction

    times: dict[str, list[float]] = {}
    try:
        with transaction.atomic():
            _changes(count, on, times)
            raise _Undo
    except _Undo:
        pass
    return times


def _changes(count: int, on: dt.date, times: dict[str, list[float]]) -> None:
    from congdoan.members import services, span_hooks
    from congdoan.members.models import Membership
    from congdoan.org.models import Unit

    unions = list(Unit.objects.filter(kind="grassroots").order_by("?")[:50])
    people = [
        services.register_member(
            actor=None, full_name=f"Người thử {i}", gender=("female", "male")[i % 2],
            birth_year=1990,
        )
        for i in range(2 * count)
    ]  # fmt: skip
    movers = list(
        Membership.objects.filter(end=None, status="active", start__lt=on)
        .select_related("member")
        .order_by("?")[: 2 * count]
    )
    # The "raw" calls run with members.span_hooks' handlers unregistered for the call: the
    # cost of the writes without the aggregates, which no public switch turns off.
    handlers = list(span_hooks._handlers)
    if not handlers:
        raise SystemExit("No span handler is registered: nothing keeps the aggregates current.")

    def timed(case: str, call) -> None:
        started = time.perf_counter()
        call()
        times.setdefault(case, []).append((time.perf_counter() - started) * 1000)

    try:
        for i, person in enumerate(people):
            kept = i % 2 == 0
            span_hooks._handlers[:] = handlers if kept else []
            unit = unions[i % len(unions)]
            timed(
                f"admit {'kept' if kept else 'raw'}",
                lambda p=person, u=unit: services.admit_member(actor=None, member=p, unit=u,
                                                               on=on),
            )  # fmt: skip
        for i, span in enumerate(movers):
            kept = i % 2 == 0
            span_hooks._handlers[:] = handlers if kept else []
            unit = next(u for u in unions[i % 7 :] + unions if u.pk != span.unit_id)
            timed(
                f"transfer {'kept' if kept else 'raw'}",
                lambda s=span, u=unit: services.transfer_member(actor=None, member=s.member,
                                                                to_unit=u, on=on),
            )  # fmt: skip
    finally:
        span_hooks._handlers[:] = handlers


def figures_of(samples: list[float]) -> dict:
    return {
        "best_ms": round(min(samples), 3),
        "median_ms": round(statistics.median(samples), 3),
        "runs": len(samples),
    }


# --- the run ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> Path:
    args = parse(argv)
    with database(args) as made:
        import duckdb

        from congdoan.analytics import services
        from congdoan.core.dates import today

        name = f"national-{made.members}-{made.grassroots}"
        how = f"made in {made.seconds:.0f} s" if made.steps else "already there"
        print(
            f"{name}: {made.units:,} units, {made.members:,} members, {made.spans:,} spans "
            f"{how}.",
            flush=True,
        )
        on = today()
        table = report.Table(report.load_reference(args.reference, name))
        results: dict[str, dict] = {}

        def record(case: str, value, figures: dict, rows: int | None = None) -> None:
            results[case] = {"rows": rows if rows is not None else len(value), **figures}
            table.row(case, results[case])

        chains = ancestors()
        answers = {}
        answers["a"], figures = report.measure(lambda: naive(on), repeat=min(3, args.repeat))
        record("a. recursive CTE over units and spans", answers["a"], figures)
        answers["b"], figures = report.measure(lambda: grouped(on, chains), repeat=args.repeat)
        record("b. GROUP BY per union, ancestor sums in Python", answers["b"], figures)
        with tempfile.TemporaryDirectory(prefix="congdoan-national-") as folder:
            (spans, tree, rows), figures = once(lambda: export_parquet(Path(folder), chains))
            record("c. export spans and tree to Parquet (once)", None, figures, rows=rows)
            con = duckdb.connect()
            answers["c"], figures = report.measure(
                lambda: duck(con, spans, tree, on), repeat=args.repeat
            )
            record("c. DuckDB over Parquet: recount + roll-up", answers["c"], figures)
            con.close()
        clear_caches()
        cold, figures = once(lambda: ours(on))
        record("d. rollup_on, cold (caches cleared)", cold.ids, figures)
        warm, figures = report.measure(lambda: ours(on), repeat=args.repeat)
        record("d. rollup_on, warm", warm.ids, figures)
        answers["d"] = ours_as_dict(warm)
        agree({"a": answers["a"], "b": answers["b"], "c": members_only(answers["c"]),
               "d": members_only(answers["d"])})  # fmt: skip
        women = female_rolled(female_by_union(on), chains)
        agree({"GROUP BY of women": women, "c": females(answers["c"]),
               "d": females(answers["d"])})  # fmt: skip
        print(
            f"a, b, c, d agree on the members of all {len(answers['a']):,} nodes with any; "
            "c and d on the women too.",
            flush=True,
        )

        if not args.skip_rebuild:
            rebuilt, figures = once(services.rebuild)
            record("e. rebuild() of the aggregates", None, figures, rows=rebuilt.days)
        group_by = (
            "SELECT unit_id, count(*) FROM members_membership s "
            f"WHERE {ALIVE} GROUP BY unit_id"
        )

        def one_group_by():
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(group_by, [on, on])
                return cursor.fetchall()

        value, figures = report.measure(one_group_by, repeat=args.repeat)
        record("e. one GROUP BY over the spans", value, figures)
        clear_caches()
        agree({"a": answers["a"], "d after rebuild": members_only(ours_as_dict(ours(on)))})

        times = keeping_cost(args.changes, on)
        clear_caches()
        agree({"b": grouped(on, chains), "d after (f)": members_only(ours_as_dict(ours(on)))})
        for case in ("admit kept", "admit raw", "transfer kept", "transfer raw"):
            results[f"f. {case}"] = {"rows": 1, **figures_of(times[case])}
            table.row(f"f. {case}", results[f"f. {case}"])
        meta = report.about(
            database="postgres",
            members=made.members,
            units=made.units,
            grassroots=made.grassroots,
            spans=made.spans,
            on=on.isoformat(),
            build_seconds=round(made.seconds, 1),
            build_steps={s.name: round(s.seconds, 1) for s in made.steps},
            repeat=args.repeat,
        )
    goals(results)
    return report.keep_run(args, name=name, meta=meta, results=results)


def goals(results: dict) -> None:
    def best(case: str) -> float:
        return results[case]["best_ms"]

    def median(case: str) -> float:
        return results[case]["median_ms"]

    warm = best("d. rollup_on, warm")
    duck_ms = best("c. DuckDB over Parquet: recount + roll-up")
    rebuild = results.get("e. rebuild() of the aggregates", {}).get("best_ms", float("nan"))
    ratio = rebuild / best("e. one GROUP BY over the spans")
    admit = median("f. admit kept") - median("f. admit raw")
    transfer = median("f. transfer kept") - median("f. transfer raw")
    lines = [
        (warm < GOAL_WARM_MS, f"every node on one date in {warm:.1f} ms (goal < {GOAL_WARM_MS})"),
        (
            duck_ms >= GOAL_VS_DUCKDB * warm,
            f"{duck_ms / warm:.1f}× faster than DuckDB's recount (goal ≥ {GOAL_VS_DUCKDB}×)",
        ),
        (
            ratio <= GOAL_REBUILD_RATIO,
            f"rebuild = {ratio:.1f}× one GROUP BY (goal ≤ {GOAL_REBUILD_RATIO}×)",
        ),
        (
            max(admit, transfer) < GOAL_KEEP_MS,
            f"keeping current adds {admit:.2f} ms to an admission, {transfer:.2f} ms to a "
            f"transfer (goal < {GOAL_KEEP_MS})",
        ),
    ]
    for met, line in lines:
        if "nan×" in line:
            print("–      rebuild not timed (--skip-rebuild)")
            continue
        print(f"{'MET   ' if met else 'MISSED'} {line}")


if __name__ == "__main__":
    main()
