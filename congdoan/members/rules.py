"""The membership invariants, in one place; each check raises a coded ValidationError."""

import calendar
import datetime as dt

from django.conf import settings
from django.db.models import Q

from congdoan.core.dates import format_date, today
from congdoan.core.errors import fail
from congdoan.members import errors
from congdoan.members.models import ContractTerm, Member, Membership
from congdoan.org.kinds import MEMBER_HOLDING
from congdoan.org.models import Unit, UnitVersion


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_suspension_length(member: Member, suspended_on: dt.date, on: dt.date) -> None:
    """A suspension ends, by resumption or otherwise, within MEMBERS_SUSPEND_MAX_MONTHS."""
    months = settings.MEMBERS_SUSPEND_MAX_MONTHS
    until = add_months(suspended_on, months)
    if on > until:
        fail(
            errors.SUSPENSION_TOO_LONG,
            "suspension_too_long",
            member=member,
            since=format_date(suspended_on),
            months=months,
            until=format_date(until),
        )


def check_date(member: Member, on: dt.date | None) -> dt.date:
    """A membership date: given, not after today, not before the person was born."""
    if on is None:
        fail(errors.DATE_REQUIRED, "date_required")
    if on > today():
        fail(errors.DATE_IN_FUTURE, "date_in_future", date=format_date(on))
    born = member.birth_date or dt.date(member.birth_year, 1, 1)
    if on < born:
        fail(errors.DATE_BEFORE_BIRTH, "date_before_birth", date=format_date(on))
    return on


def age_on(member: Member, on: dt.date) -> int:
    if member.birth_date is None:
        # Year only: the age reached during that year.
        return on.year - member.birth_year
    born = member.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def check_may_join(member: Member, on: dt.date) -> None:
    """Who may join: old enough, not an owner or manager of a non-state employer, and
    foreign workers only from the date the law allows and with a long enough contract.
    """
    age = age_on(member, on)
    if age < settings.MEMBERS_MIN_AGE:
        fail(
            errors.TOO_YOUNG,
            "too_young",
            member=member,
            age=age,
            date=format_date(on),
            min_age=settings.MEMBERS_MIN_AGE,
        )
    if member.manages_employer:
        fail(errors.MANAGES_EMPLOYER, "manages_employer", member=member)
    if member.nationality != "VN":
        check_foreign_worker(member, on)


def check_foreign_worker(member: Member, on: dt.date) -> None:
    foreign_from = dt.date.fromisoformat(settings.MEMBERS_FOREIGN_WORKERS_FROM)
    if on < foreign_from:
        fail(
            errors.FOREIGN_TOO_EARLY,
            "foreign_too_early",
            since=format_date(foreign_from),
            date=format_date(on),
        )
    months = settings.MEMBERS_FOREIGN_MIN_CONTRACT_MONTHS
    if member.contract_term == ContractTerm.INDEFINITE:
        return
    if member.contract_term != ContractTerm.FIXED or member.contract_months is None:
        fail(errors.FOREIGN_CONTRACT_UNKNOWN, "foreign_contract_unknown", months=months)
    if member.contract_months < months:
        fail(
            errors.FOREIGN_CONTRACT_SHORT,
            "foreign_contract_short",
            member=member,
            contract=member.contract_months,
            months=months,
        )


def check_unit_holds_members(unit: Unit, start: dt.date, end: dt.date | None = None) -> None:
    """The unit is a grassroots union (or guild) for the whole span and exists throughout."""
    versions = UnitVersion.objects.filter(unit=unit).order_by("valid_from")
    check_unit_versions(unit, versions, start, end)


def check_unit_versions(unit, versions, start: dt.date, end: dt.date | None = None) -> None:
    """check_unit_holds_members over versions already read (no query): the bulk loader's form.

    `versions` are the unit's versions oldest first, as anything with valid_from, valid_to
    and kind; `unit` only names the unit in messages.
    """
    versions = [v for v in versions if v.valid_to is None or v.valid_to > start]
    if end is not None:
        versions = [v for v in versions if v.valid_from < end]
    if not versions or versions[0].valid_from > start:
        fail(errors.UNIT_NOT_THERE, "unit_not_there", unit=unit, date=format_date(start))
    if any(v.kind not in MEMBER_HOLDING for v in versions):
        fail(errors.NOT_GRASSROOTS, "not_grassroots", unit=unit)
    last_end = versions[-1].valid_to
    if last_end is not None and (end is None or end > last_end):
        fail(errors.UNIT_ENDS, "unit_ends", unit=unit, end=format_date(last_end))


def check_no_overlap(
    member: Member, start: dt.date, end: dt.date | None, *, exclude: Membership | None = None
) -> None:
    spans = Membership.objects.filter(member=member).filter(Q(end__isnull=True) | Q(end__gt=start))
    if end is not None:
        spans = spans.filter(start__lt=end)
    if exclude is not None:
        spans = spans.exclude(pk=exclude.pk)
    clash = spans.first()
    if clash is not None:
        fail(
            errors.OVERLAP,
            "overlap",
            member=member,
            start=format_date(clash.start),
            end=format_date(clash.end) if clash.end else "…",
        )


def open_span(member: Member) -> Membership | None:
    return Membership.objects.select_related("unit").filter(member=member, end__isnull=True).first()


def last_span(member: Member) -> Membership | None:
    return Membership.objects.filter(member=member).order_by("-start").first()


def check_readmission(member: Member, on: dt.date) -> None:
    """Re-admission only after leaving, and no sooner than the set number of months."""
    check_readmission_after(member, last_span(member), on)


def check_readmission_after(member: Member, last: Membership | None, on: dt.date) -> None:
    """check_readmission given the person's latest span (no query): the bulk loader's form."""
    if last is None:
        return
    if last.end is None:
        fail(
            errors.ALREADY_MEMBER,
            "already_member",
            member=member,
            unit=last.unit,
            start=format_date(last.start),
        )
    if last.end_reason == Membership.EndReason.DECEASED:
        fail(errors.DECEASED, "deceased", member=member)
    if last.end_reason == Membership.EndReason.TRANSFERRED_AWAY:
        # Never left the union, only this system's records: no waiting period.
        return
    months = settings.MEMBERS_READMIT_AFTER_MONTHS
    earliest = add_months(last.end, months)
    if on < earliest:
        fail(
            errors.READMIT_TOO_SOON,
            "readmit_too_soon",
            member=member,
            left=format_date(last.end),
            earliest=format_date(earliest),
            months=months,
        )
