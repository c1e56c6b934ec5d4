import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from congdoan.accounts.models import Role
from congdoan.accounts.scope import scope_for
from congdoan.core import audit
from congdoan.core.dates import today
from congdoan.core.models import AuditEntry
from congdoan.org import services as org_services
from congdoan.org.kinds import UnitKind
from congdoan.plans import reporting
from congdoan.plans.models import ReportedValue, Source
from congdoan.plans.tests.factory import make_indicator
from congdoan.testing import make_unit, make_user

pytestmark = pytest.mark.django_db
D = dt.date
YEAR_2023 = {"starts_on": D(2023, 1, 1), "ends_on": D(2023, 12, 31)}


@pytest.fixture
def study(org):
    """Workers outside the state sector who joined political study: reported, summed."""
    return make_indicator(code="HOC_CT")


def report(indicator, unit, value, *, user=None, span=YEAR_2023, **extra):
    scope = scope_for(user) if user is not None else None
    return reporting.report_value(
        actor=user, indicator=indicator, unit=unit, value=value, scope=scope, **span, **extra
    )


def refused(code, call, *args, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


def test_a_clerk_reports_their_unit_and_the_audit_keeps_it(org, users, study):
    row = report(study, org.grassroots_a1, "12", user=users.clerk, note="Quý I–IV")
    assert (row.value, row.note, row.reported_by) == (Decimal("12.00"), "Quý I–IV", users.clerk)
    entry = audit.history(row).get()
    assert entry.action == AuditEntry.Action.CREATE and entry.actor == users.clerk
    assert entry.after["value"] == "12.00" and entry.after["unit"] == "DA-1"


def test_a_correction_needs_a_reason_and_keeps_before_and_after(org, users, study):
    row = report(study, org.grassroots_a1, 12, user=users.clerk)
    refused("reason_required", report, study, org.grassroots_a1, 15, user=users.clerk)
    corrected = report(
        study, org.grassroots_a1, "15,5", user=users.district_manager, reason="Sót tổ 3"
    )
    assert corrected.pk == row.pk and corrected.value == Decimal("15.50")
    assert corrected.reported_by == users.clerk  # who first reported it
    newest = audit.history(row).order_by("-pk").first()
    assert newest.operation == "correct_reported_value"
    assert (newest.before["value"], newest.after["value"]) == ("12.00", "15.50")
    assert (newest.reason, newest.actor) == ("Sót tổ 3", users.district_manager)


def test_reporting_the_same_figure_again_changes_nothing(org, study):
    row = report(study, org.grassroots_a1, 12, note="x")
    entries = AuditEntry.objects.count()
    again = report(study, org.grassroots_a1, "12.00", note="x")
    assert again.pk == row.pk and again.updated_at == row.updated_at
    assert AuditEntry.objects.count() == entries


def test_a_note_alone_changes_without_a_reason(org, study):
    report(study, org.grassroots_a1, 12)
    row = report(study, org.grassroots_a1, 12, note="Theo báo cáo năm")
    assert row.note == "Theo báo cáo năm"
    assert audit.history(row).count() == 2


@pytest.mark.parametrize(
    ("who", "unit", "allowed"),
    [
        ("clerk", "grassroots_a1", True),
        ("clerk", "grassroots_a2", False),  # a clerk reports for their own union only
        ("district_manager", "district_a", True),
        ("district_manager", "grassroots_a2", True),
        ("district_manager", "grassroots_b1", False),
        ("district_b_manager", "grassroots_a1", False),
        ("province_manager", "grassroots_b2", True),
        ("district_viewer", "grassroots_a1", False),
        ("district_approver", "grassroots_a1", False),
        ("admin", "grassroots_b1", True),
    ],
)
def test_who_may_enter_a_figure(org, users, study, who, unit, allowed):
    call = (report, study, getattr(org, unit), 3)
    if allowed:
        assert call[0](*call[1:], user=getattr(users, who)).value == 3
    else:
        refused("not_allowed", *call, user=getattr(users, who))
        assert not ReportedValue.objects.exists()


def test_a_clerk_of_another_union_is_refused(org, study):
    clerk_b1 = make_user(username="cs_b1", unit=org.grassroots_b1, role=Role.CLERK)
    refused("not_allowed", report, study, org.grassroots_a1, 3, user=clerk_b1)
    assert report(study, org.grassroots_b1, 3, user=clerk_b1).value == 3


def test_only_reported_indicators_take_figures(org):
    members = make_indicator(code="DV", source=Source.COMPUTED, calculator="members")
    refused("not_reported", report, members, org.grassroots_a1, 3)


def test_a_span_that_has_not_started_is_refused_but_one_under_way_is_taken(org, study):
    year = today().year
    future = {"starts_on": D(year + 1, 1, 1), "ends_on": D(year + 1, 12, 31)}
    refused("span_in_future", report, study, org.grassroots_a1, 3, span=future)
    this_year = {"starts_on": D(year, 1, 1), "ends_on": D(year, 12, 31)}
    assert report(study, org.grassroots_a1, 3, span=this_year).value == 3


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (D(2023, 1, 1), D(2023, 12, 31), None),
        (D(2023, 4, 1), D(2023, 6, 30), None),
        (D(2023, 2, 1), D(2023, 2, 28), None),
        (D(2023, 2, 1), D(2023, 4, 30), "span_not_calendar"),  # three months, not a quarter
        (D(2023, 1, 1), D(2023, 6, 30), "span_not_calendar"),
        (D(2023, 1, 5), D(2023, 12, 31), "span_not_calendar"),
        (D(2022, 1, 1), D(2023, 12, 31), "span_not_calendar"),
        (D(2023, 12, 31), D(2023, 1, 1), "dates_out_of_order"),
        (None, D(2023, 1, 1), "dates_required"),
    ],
)
def test_figures_cover_a_month_a_quarter_or_a_year(org, study, start, end, code):
    span = {"starts_on": start, "ends_on": end}
    if code is None:
        assert report(study, org.grassroots_a1, 1, span=span).value == 1
    else:
        refused(code, report, study, org.grassroots_a1, 1, span=span)


def test_the_unit_must_exist_on_the_last_day_of_the_span(org, study):
    new = make_unit(code="DA-9", parent=org.district_a, on=D(2024, 3, 1))
    error = refused("unit_not_alive", report, study, new, 1)
    assert error.params["date"] == "31/12/2023"
    assert report(study, new, 1, span={"starts_on": D(2024, 1, 1), "ends_on": D(2024, 12, 31)})
    org_services.dissolve_unit(actor=None, unit=org.grassroots_b2, on=D(2023, 7, 1))
    refused("unit_not_alive", report, study, org.grassroots_b2, 1)
    first_half = {"starts_on": D(2023, 4, 1), "ends_on": D(2023, 6, 30)}
    assert report(study, org.grassroots_b2, 1, span=first_half).value == 1


def test_sub_units_do_not_report_on_their_own(org, study):
    department = make_unit(kind=UnitKind.DEPARTMENT, parent=org.grassroots_a1)
    refused("sub_unit", report, study, department, 1)


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("", "value_required", "A figure is required."),
        ("-1", "value_negative", "A figure cannot be negative (-1)."),
        ("mười", "value_invalid", "“mười” is not a number."),
    ],
)
def test_figures_are_read_like_targets_with_their_own_messages(org, study, value, code, message):
    error = refused(code, report, study, org.grassroots_a1, value)
    with translation.override("en"):
        assert error.messages == [message]


def test_a_figure_changed_meanwhile_is_refused(org, study):
    report(study, org.grassroots_a1, 12)
    error = refused("stale", report, study, org.grassroots_a1, 14, expected=None, reason="sửa")
    assert error.params["value"] == Decimal("12.00")
    assert report(study, org.grassroots_a1, 14, expected=Decimal(12), reason="sửa").value == 14


def test_several_figures_are_saved_all_or_nothing(org, users, study):
    put = {"actor": users.district_manager, "indicator": study, **YEAR_2023,
           "scope": scope_for(users.district_manager)}  # fmt: skip
    with pytest.raises(ValidationError):
        reporting.report_values(
            **put,
            figures={org.grassroots_a1.pk: {"value": 5}, org.grassroots_b1.pk: {"value": 6}},
        )
    assert not ReportedValue.objects.exists()
    rows = reporting.report_values(
        **put, figures={org.grassroots_a1.pk: {"value": 5}, org.grassroots_a2.pk: {"value": 6}}
    )
    assert [r.value for r in rows] == [5, 6]
