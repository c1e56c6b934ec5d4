import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from congdoan.imports.tests.files import UNITS_HEADER, sample, write_xlsx
from congdoan.imports.tests.files import run_import_command as run
from congdoan.org.models import Unit

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]
VALID = [
    ["T", "LĐLĐ tỉnh Thử Nghiệm", "", "LĐLĐ tỉnh"],
    ["T-1", "CĐCS Một", "T", "CĐCS"],
]
INVALID = [["T-2", "CĐCS Hai", "NOPE", "CĐCS"]]


def units_file(tmp_path, rows) -> str:
    return str(write_xlsx(tmp_path / "units.xlsx", [UNITS_HEADER, *rows]))


def test_sample_exits_0_with_a_json_summary():
    status, out, _err = run("units", str(sample("units-soc-trang.xlsx")), "--json")
    assert status == 0
    data = json.loads(out)
    assert {k: data[k] for k in ("file", "rows", "created", "rejected")} == {
        "file": "units-soc-trang.xlsx",
        "rows": 61,
        "created": 61,
        "rejected": 0,
    }
    assert data["updated"] == data["unchanged"] == 0 and data["errors"] == []


def test_rejected_rows_exit_1_and_write_nothing(tmp_path):
    status, out, _err = run("units", units_file(tmp_path, VALID + INVALID), "--json")
    assert status == 1
    data = json.loads(out)
    assert data["rejected"] == 1 and not data["written"]
    assert data["errors"] == [
        {
            "row": 4,
            "column": "Mã đơn vị cấp trên",
            "code": "unknown_parent",
            "message": data["errors"][0]["message"],
        },
    ]
    assert Unit.objects.count() == 0


def test_skip_invalid_writes_the_rest_but_still_exits_1(tmp_path):
    status, out, _err = run("units", units_file(tmp_path, VALID + INVALID), "--skip-invalid")
    assert status == 1
    assert Unit.objects.count() == 2
    assert "[unknown_parent]" in out


def test_dry_run_exits_0_and_writes_nothing(tmp_path):
    status, out, _err = run("units", units_file(tmp_path, VALID), "--dry-run")
    assert status == 0 and Unit.objects.count() == 0
    assert "units.xlsx" in out


def test_human_summary_lists_the_first_errors(tmp_path):
    rows = [[f"X-{i}", f"CĐCS {i}", "NOPE", "CĐCS"] for i in range(25)]
    status, out, _err = run("units", units_file(tmp_path, rows))
    assert status == 1
    assert out.count("unknown_parent") == 20


def test_unreadable_file_exits_2_with_one_line_reason(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("just some notes")
    status, out, err = run("units", str(path))
    assert status == 2 and out == ""
    assert err.strip() and err.strip().count("\n") == 0


def test_unreadable_file_with_json_still_prints_json(tmp_path):
    path = tmp_path / "units.xlsx"
    write_xlsx(path, [["Họ và tên", "Ngày sinh"], ["A", "01/01/1990"]])
    status, out, _err = run("units", str(path), "--json")
    assert status == 2
    assert json.loads(out)["errors"][0]["code"] == "missing_columns"


def test_unknown_kind_and_unknown_user_exit_2(tmp_path):
    path = units_file(tmp_path, VALID)
    assert run("members-of-mars", path)[0] == 2
    assert run("units", path, "--user", "nobody")[0] == 2


def test_user_option_applies_their_scope(tmp_path, users):
    rows = [["DB-9", "CĐCS B9", "DB", "CĐCS"]]
    status, out, _err = run("units", units_file(tmp_path, rows), "--user", "huyen_a", "--json")
    assert status == 1 and json.loads(out)["errors"][0]["code"] == "outside_scope"


def test_missing_file_argument_is_a_usage_error():
    with pytest.raises(CommandError):
        call_command("import", "units")


def test_console_script_exit_codes(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    command = [sys.executable, "-m", "congdoan", "import"]
    not_a_sheet = tmp_path / "photo.csv"
    not_a_sheet.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    for args in (["units", str(not_a_sheet)], ["units"], ["planets", str(not_a_sheet)]):
        done = subprocess.run(
            command + args, cwd=REPO, env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.strip()
