"""python -m tools.bench: build a synthetic province, time the member list, compare."""

import argparse
from pathlib import Path

from tools.bench import db, report


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench",
        description="Time the member list on a throw-away database filled with a synthetic "
        "province, beside the reference run of the same database and size.",
    )
    parser.add_argument("--database", choices=db.DATABASES, default="sqlite")
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument(
        "--unions-per-district",
        type=int,
        default=None,
        help="default: about one union per 300 members",
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case")
    db.add_postgres_argument(parser)
    parser.add_argument("--reference", type=Path, default=report.REFERENCE)
    parser.add_argument(
        "--out", type=Path, default=report.OUT_DIR, help="where last-<name>.json goes"
    )
    parser.add_argument(
        "--save-reference", action="store_true", help="make this run the reference of its name"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database afterwards (to EXPLAIN queries)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> Path:
    args = parse(argv)
    name = f"{args.database}-{args.members}"
    with db.bench_database(args.database, server=args.postgres, keep=args.keep):
        # Django is set up from here on.
        from tools.bench import member_list, synthetic

        province = synthetic.build(
            members=args.members, unions_per_district=args.unions_per_district
        )
        print(
            f"{name}: built {province.members:,} members ({province.spans:,} spans, "
            f"{province.unions:,} unions) in {province.seconds:.1f} s {province.steps}; "
            "the clerk's union "
            f"{province.union.code} has {province.union_members:,} members.",
            flush=True,
        )
        table = report.Table(report.load_reference(args.reference, name))
        results = member_list.run(province, repeat=args.repeat, report=table.row)
        meta = report.about(
            database=args.database,
            members=province.members,
            spans=province.spans,
            unions=province.unions,
            clerk_union_members=province.union_members,
            build_seconds=round(province.seconds, 1),
            build_steps=province.steps,
            repeat=args.repeat,
        )
    return report.keep_run(args, name=name, meta=meta, results=results)


if __name__ == "__main__":
    main()
