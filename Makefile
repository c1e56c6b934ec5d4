# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ADDR ?= 127.0.0.1:8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test test-postgres check lint install messages bench bench-national clean screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Migrates the SQLite file under var/, loads the demo once, prints the logins, serves $(ADDR).
demo: $(STAMP)
	DEBUG=1 $(BIN)/congdoan demo --addr $(ADDR)

# The whole suite. pytest exits 5 when it collects no test: make stops on it like any failure.
test: $(STAMP)
	$(BIN)/pytest

# The same suite on PostgreSQL; pytest-django creates and drops the database test_test.
test-postgres: $(STAMP)
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/congdoan makemigrations --check --dry-run
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# Needs GNU gettext (Debian package gettext).
messages: $(STAMP)
	cd congdoan && ../$(BIN)/congdoan makemessages -l vi --no-obsolete --add-location file
	cd congdoan && ../$(BIN)/congdoan compilemessages -l vi

# Benchmarks, not tests: each builds a throw-away database (SQLite in a temporary directory;
# on PostgreSQL the database congdoan_bench, created and dropped) with a synthetic province and
# prints its figures beside bench/reference.json. BENCH_ARGS=--save-reference makes the run
# the new reference. `bench` takes about a quarter of an hour, `bench-national` an hour or more.
# `bench` then imports a generated roster of BENCH_ROWS rows (each case twice, the faster run
# kept) beside django-import-export (the optional extra `bench`, installed here only) and, on
# PostgreSQL, calamine + COPY; then the
# dashboard's national roll-up (tools.bench.national: `congdoan generate` data, the roll-up
# beside a recursive CTE, a GROUP BY summed in Python and DuckDB over Parquet) at
# NATIONAL_MEMBERS members in NATIONAL_UNITS grassroots unions; last, the dashboard under 16
# concurrent clients (tools.bench.dashboard_load, on the demo loaded into a temporary dir).
BENCH_MEMBERS ?= 200000
BENCH_ROWS ?= 100000
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432
BENCH_ARGS ?=
NATIONAL_MEMBERS ?= 1000000
NATIONAL_UNITS ?= 13000
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m tools.bench --database sqlite --members $(BENCH_MEMBERS) $(BENCH_ARGS)
	$(BIN)/python -m tools.bench --database postgres --postgres $(BENCH_POSTGRES) \
		--members $(BENCH_MEMBERS) $(BENCH_ARGS)
	$(BIN)/python -m tools.bench.roster_import --database sqlite --rows $(BENCH_ROWS) $(BENCH_ARGS)
	$(BIN)/python -m tools.bench.roster_import --database postgres --postgres $(BENCH_POSTGRES) \
		--rows $(BENCH_ROWS) $(BENCH_ARGS)
	$(BIN)/python -m tools.bench.national --postgres $(BENCH_POSTGRES) \
		--members $(NATIONAL_MEMBERS) --units $(NATIONAL_UNITS) $(BENCH_ARGS)
	$(BIN)/python -m tools.bench.dashboard_load $(BENCH_ARGS)

# The member list at 1,000,000 members, then the national roll-up at the country's size
# (11 million members, 131,735 grassroots unions), on PostgreSQL.
bench-national: $(BENCH_STAMP)
	$(BIN)/python -m tools.bench --database postgres --postgres $(BENCH_POSTGRES) \
		--members 1000000 $(BENCH_ARGS)
	$(BIN)/python -m tools.bench.national --postgres $(BENCH_POSTGRES) \
		--members 11000000 --units 131735 $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info

# Screenshots of the demo's pages for the README (needs Debian's chromium).
screenshots: $(STAMP)
	$(BIN)/python tools/screenshots.py
