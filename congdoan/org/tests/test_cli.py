"""`congdoan units`: the tree at a date, each reorganisation, and refusals that change nothing."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from congdoan.core.models import AuditEntry
from congdoan.org import selectors
from congdoan.org.models import OrgEvent, Unit, UnitVersion


def units(*args: str) -> tuple[int, str, str]:
    """Run `congdoan units ARGS`: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("units", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


def counts():
    return (Unit.objects.count(), UnitVersion.objects.count(), OrgEvent.objects.count(),
            AuditEntry.objects.count())


def parent_code(code: str, on: dt.date) -> str:
    forest = selectors.tree_as_of(on)
    node = forest.nodes[forest.by_code[code]]
    return forest.nodes[node.parent_id].code


def child_codes(tree: dict) -> list[str]:
    return sorted(child["code"] for child in tree["children"])


def test_tree_json_as_of_a_date_before_and_after_a_merge_differ(org):
    status, out, _ = units("merge", "DB", "--into", "DA", "--on", "01/07/2025", "--reason", "r")
    assert status == 0 and "DB" in out

    _, before, _ = units("tree", "P", "--as-of", "30/06/2025", "--json")
    _, after, _ = units("tree", "P", "--as-of", "2025-07-01", "--json")

    before, after = json.loads(before), json.loads(after)
    assert before != after
    assert child_codes(before) == ["DA", "DB"]
    assert child_codes(after) == ["DA"]
    assert child_codes(after["children"][0]) == ["DA-1", "DA-2", "DB-1", "DB-2"]
    assert after == {"code": "P", "name": "LĐLĐ tỉnh Thử", "kind": "province",
                     "children": after["children"]}


def test_tree_as_text_indents_each_level_and_names_the_kind(org):
    status, out, _ = units("tree", "DA")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("DA  LĐLĐ huyện A  [")
    assert [line.split()[0] for line in lines[1:]] == ["DA-1", "DA-2"]
    assert all(line.startswith("  DA-") for line in lines[1:])


def test_tree_without_a_code_prints_every_tree(org):
    _, out, _ = units("tree", "--json")
    trees = json.loads(out)
    assert [tree["code"] for tree in trees] == ["P"]


def test_tree_of_a_unit_absent_that_day_is_refused(org):
    status, out, err = units("tree", "DA", "--as-of", "1999-12-31")
    assert status == 1 and not out and "DA" in err


def test_create_takes_a_kind_label_and_a_dd_mm_yyyy_date(org):
    status, out, _ = units("create", "DA-3", "CĐCS A3", "--kind", "CĐCS", "--parent", "DA",
                           "--on", "15/03/2024", "--reason", "thành lập")
    assert status == 0 and "DA-3" in out
    unit = Unit.objects.get(code="DA-3")
    assert (unit.kind, unit.parent, unit.starts_on) == ("grassroots", org.district_a,
                                                        dt.date(2024, 3, 15))
    event = unit.events.get()
    assert event.reason == "thành lập" and event.actor is None


def test_the_cli_acts_as_the_system(org):
    units("rename", "DA-1", "CĐCS A1 mới", "--on", "2024-01-01")
    entry = AuditEntry.objects.filter(object_id=str(org.grassroots_a1.pk)).first()
    assert entry.actor is None and entry.actor_name == "system"


def test_move_places_the_unit_under_another_parent_from_the_date(org):
    status, _, _ = units("move", "DA-1", "--to", "DB", "--on", "2024-01-01", "--reason", "r")
    assert status == 0
    assert parent_code("DA-1", dt.date(2023, 12, 31)) == "DA"
    assert parent_code("DA-1", dt.date(2024, 1, 1)) == "DB"


def test_rename_keeps_the_old_name_in_history(org):
    status, out, _ = units("rename", "da-1", "CĐCS A1 mới", "--on", "2024-01-01")
    assert status == 0 and "CĐCS A1 mới" in out
    names = [v.name for v in selectors.unit_versions(org.grassroots_a1)]
    assert names == ["CĐCS A1", "CĐCS A1 mới"]


def test_split_keeping_the_code_records_the_split_on_the_unit(org):
    make_dept = ("create", "DA-1-BP", "Công đoàn bộ phận", "--kind", "department",
                 "--parent", "DA-1", "--on", "2010-01-01")
    assert units(*make_dept)[0] == 0
    status, out, _ = units("split", "DA-1", "--into", "DA-1=CĐCS A1", "DA-9=CĐCS A1 chi nhánh",
                           "--assign", "DA-1-BP=DA-9", "--on", "2024-01-01")
    assert status == 0 and "DA-9" in out
    assert parent_code("DA-9", dt.date(2024, 1, 1)) == "DA"
    assert parent_code("DA-1-BP", dt.date(2024, 1, 1)) == "DA-9"
    kinds = [e.kind for e in selectors.unit_events(org.grassroots_a1)]
    assert kinds == [OrgEvent.Kind.SPLIT, OrgEvent.Kind.CREATE]


def test_dissolve_ends_the_unit_the_day_before(org):
    status, _, _ = units("dissolve", "DA-2", "--on", "2025-07-01", "--reason", "giải thể")
    assert status == 0
    unit = Unit.objects.get(code="DA-2")
    assert unit.ends_on == dt.date(2025, 7, 1) and not unit.is_active
    assert "DA-2" not in selectors.tree_as_of(dt.date(2025, 7, 1)).by_code


@pytest.mark.parametrize(
    "args",
    [
        ("dissolve", "DA", "--on", "2025-07-01"),  # units remain under it
        ("merge", "DA", "--into", "DA", "--on", "2025-07-01"),
        ("move", "DA-1", "--to", "DA-2", "--on", "2024-01-01"),  # grassroots under grassroots
        ("rename", "DA-1", "X", "--on", "31/02/2024"),  # no such day
        ("rename", "DA-1", "X"),  # no effective date
        ("create", "DA-1", "Trùng mã", "--kind", "grassroots", "--parent", "DA", "--on",
         "2024-01-01"),
        ("split", "DA-1", "--into", "DA-1=A", "DA-9", "--on", "2024-01-01"),  # part without name
    ],
)
def test_refused_input_exits_1_says_why_and_changes_nothing(org, args):
    before = counts()
    status, out, err = units(*args)
    assert status == 1
    assert not out and err.strip()
    assert counts() == before


def test_a_date_after_today_is_refused(org):
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    status, _, err = units("rename", "DA-1", "X", "--on", tomorrow.isoformat())
    assert status == 1 and err


@pytest.mark.parametrize(
    "args",
    [
        ("move", "NOPE", "--to", "DA", "--on", "2024-01-01"),
        ("move", "DA-1", "--to", "NOPE", "--on", "2024-01-01"),
        ("merge", "DA", "NOPE", "--into", "DB", "--on", "2024-01-01"),
        ("tree", "NOPE"),
    ],
)
def test_an_unknown_unit_code_exits_2_and_changes_nothing(org, args):
    before = counts()
    status, _, err = units(*args)
    assert status == 2 and "NOPE" in err
    assert counts() == before


def test_missing_arguments_are_usage_errors(org):
    with pytest.raises(CommandError):
        call_command("units", "create", "X", "Tên", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("units", stdout=io.StringIO(), stderr=io.StringIO())
