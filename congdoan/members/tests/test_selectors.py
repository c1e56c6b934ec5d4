import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from congdoan.members import selectors, services
from congdoan.org import services as org_services
from congdoan.testing import make_member

D = dt.date
REFORM = D(2025, 7, 1)


@pytest.fixture
def history(org):
    """Three members in A1, two in B1 (one a woman), one suspended in B2; B merged into A."""
    for _ in range(3):
        make_member(unit=org.grassroots_a1, on=D(2020, 1, 1))
    make_member(unit=org.grassroots_b1, on=D(2020, 1, 1))
    make_member(unit=org.grassroots_b1, on=D(2020, 1, 1), gender="female")
    suspended = make_member(unit=org.grassroots_b2, on=D(2020, 1, 1))
    services.suspend_member(actor=None, member=suspended, on=D(2024, 1, 1))
    org_services.merge_units(actor=None, sources=[org.district_b], into=org.district_a, on=REFORM)
    return org.refresh()


def counted(unit, on, structure="as-was"):
    return selectors.count_members(unit=unit, on=on, structure=structure).members


def test_as_was_and_restated_differ_after_a_merge_exactly_as_they_should(history):
    before = D(2025, 6, 30)
    assert counted(history.district_a, before) == 3
    assert counted(history.district_b, before) == 3
    # Restated to today's structure, district B's members were always district A's.
    assert counted(history.district_a, before, "current") == 6
    assert counted(history.district_b, before, "current") == 0
    assert counted(history.district_a, REFORM) == 6
    assert counted(history.province, before) == counted(history.province, before, "current") == 6


def test_counts_split_suspended_and_women(history):
    result = selectors.count_members(unit=history.province, on=D(2024, 6, 1))
    assert (result.members, result.active, result.suspended, result.female) == (6, 5, 1, 1)
    assert counted(history.province, D(2019, 12, 31)) == 0


def test_movements_count_joins_leaves_and_transfers_across_the_boundary(org):
    a = make_member(unit=org.grassroots_a1, on=D(2021, 2, 1))
    b = make_member(unit=org.grassroots_a1, on=D(2021, 3, 1))
    c = make_member(unit=org.grassroots_b1, on=D(2020, 1, 1))
    services.transfer_member(actor=None, member=a, to_unit=org.grassroots_a2, on=D(2021, 5, 1))
    services.transfer_member(actor=None, member=c, to_unit=org.grassroots_a2, on=D(2021, 6, 1))
    services.transfer_member(actor=None, member=b, to_unit=org.grassroots_b2, on=D(2021, 7, 1))
    services.leave_union(actor=None, member=a, on=D(2021, 8, 1), reason="retired")
    moves = selectors.member_movements(unit=org.district_a, start=D(2021, 1, 1), end=D(2022, 1, 1))
    assert (moves.joined, moves.left, moves.transferred_in, moves.transferred_out) == (2, 1, 1, 1)


def test_the_cli_prints_the_same_count(history, capsys):
    call_command(
        "members", "count", "DA", "--as-of", "30/06/2025", "--structure", "current", "--json"
    )
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "unit": "DA",
        "as_of": "2025-06-30",
        "structure": "current",
        "members": 6,
        "active": 5,
        "suspended": 1,
        "female": 1,
    }
    call_command("members", "count", "DA", "--as-of", "2025-06-30")
    assert "3" in capsys.readouterr().out


def test_the_cli_refuses_an_unknown_unit(db):
    with pytest.raises(CommandError) as excinfo:
        call_command("members", "count", "NOPE")
    assert excinfo.value.returncode == 2


def test_registered_with_finds_the_people_of_given_national_ids_or_cards(org):
    an = make_member(unit=org.grassroots_a1, national_id="079090123456", card_number="T-1")
    binh = make_member(
        unit=org.grassroots_a1, national_id="079185654321", gender="female",
        birth_date=D(1985, 2, 2),
    )  # fmt: skip
    make_member(unit=org.grassroots_a1, national_id="079090000111")
    wanted = ["079090123456", "079185654321", "001099000000"]
    assert set(selectors.registered_with("national_id", wanted)) == {an, binh}
    assert list(selectors.registered_with("card_number", ["T-1", "T-2"])) == [an]
    assert not selectors.registered_with("national_id", [])
