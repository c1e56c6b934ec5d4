"""Benchmarks of congdoan: `make bench`. Not tests: they print figures, they assert nothing.

    .venv/bin/python -m tools.bench [--database sqlite|postgres] [--members 200000]
                                    [--save-reference] [--keep]

Each run builds a throw-away database (db), fills it with a synthetic province (synthetic),
times the cases (member_list) and prints them beside the committed reference run of the same
database and size (bench/reference.json) with the ratio now/reference (report).
"""
