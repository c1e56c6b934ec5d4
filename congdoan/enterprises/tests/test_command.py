import io
import json

import pytest
from django.core.management import CommandError, call_command

from congdoan.enterprises.tests.test_import import FIRST_LIST, HEADER
from congdoan.imports.tests.files import write_xlsx

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("enterprises", *args, stdout=out)
    return out.getvalue()


def test_coverage_json(registry):
    data = json.loads(run("coverage", "P", "--as-of", "30/06/2023", "--json"))
    assert data == {
        "unit": "P",
        "as_of": "2023-06-30",
        "min_workers": 20,
        "eligible": 6,
        "with_union": 3,
        "pct": 50.0,
        "workers_eligible": 545,
        "workers_covered": 190,
    }
    data = json.loads(
        run("coverage", "da", "--as-of", "2021-06-30", "--min-workers", "50", "--json")
    )
    assert (data["unit"], data["eligible"], data["with_union"]) == ("DA", 1, 1)


def test_coverage_text(registry):
    assert "3" in run("coverage", "P", "--as-of", "30/06/2023")


def test_uncovered_json_ranked_and_limited(registry):
    data = json.loads(run("uncovered", "P", "--as-of", "2023-06-30", "--limit", "2", "--json"))
    assert [(e["name"], e["workers"]) for e in data["enterprises"]] == [("E5", 300), ("E3", 35)]
    assert data["as_of"] == "2023-06-30"
    assert "E5" in run("uncovered", "P", "--as-of", "2023-06-30")


def test_reach_json(registry):
    data = json.loads(run("reach", "P", "--as-of", "2023-06-30", "--json"))
    assert (data["enterprises"], data["members"], data["workers"]) == (3, 4, 190)


def test_unknown_unit_and_bad_date_exit_2(org):
    with pytest.raises(CommandError) as caught:
        run("coverage", "NOPE")
    assert caught.value.returncode == 2
    with pytest.raises(CommandError) as caught:
        run("coverage", "P", "--as-of", "31/02/2023")
    assert caught.value.returncode == 2


def test_import_command_takes_enterprises(tmp_path, org):
    path = write_xlsx(tmp_path / "dn.xlsx", [HEADER, *FIRST_LIST])
    out = io.StringIO()
    call_command("import", "enterprises", str(path), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["kind"], data["created"], data["rejected"]) == ("enterprises", 4, 0)
