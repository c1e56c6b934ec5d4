"""The member list as an .xlsx: the user's scope and the list's filters, one row a person.

Written row by row (XlsxWriter's constant_memory mode) while the members are read in
chunks, so a province's list does not sit in memory; each chunk's standing spans come in
one query. National IDs are masked unless the caller's rule says the user may keep that
member's records; every export goes into the audit trail with its filters and row count.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any

import xlsxwriter
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from congdoan.accounts.scope import Scope
from congdoan.core import audit
from congdoan.core.codes import mask_cccd
from congdoan.core.dates import format_date, today
from congdoan.members import selectors
from congdoan.members.models import Member, Membership
from congdoan.org.models import Unit

CHUNK = 2000
OPERATION = "export_members"
DATE_FORMAT = "dd/mm/yyyy"

TITLE = _("Member list: %(unit)s")
ALL_UNITS = _("all units")
SUBTITLE = _("Exported on %(date)s. Filters: %(filters)s")
NO_FILTERS = _("none")
LEFT = _("Left")
NOT_ADMITTED = _("Not admitted")

# (header, width in characters); a context keeps these headers apart from the same words
# elsewhere, so the file can say "Số CCCD" where the pages say "CCCD".
COLUMNS = (
    (pgettext_lazy("member export", "No."), 6),
    (pgettext_lazy("member export", "Full name"), 28),
    (pgettext_lazy("member export", "Date of birth"), 12),
    (pgettext_lazy("member export", "Gender"), 9),
    (pgettext_lazy("member export", "National ID"), 15),
    (pgettext_lazy("member export", "Union card number"), 16),
    (pgettext_lazy("member export", "Unit code"), 12),
    (pgettext_lazy("member export", "Unit"), 32),
    (pgettext_lazy("member export", "Joined the union on"), 14),
    (pgettext_lazy("member export", "Status"), 22),
    (pgettext_lazy("member export", "Since"), 12),
    (pgettext_lazy("member export", "Employer"), 30),
)
#: Row index (0-based) of the header: under the title and the filters line.
HEADER_ROW = 2


@dataclass(frozen=True)
class Export:
    """What was written: the number of members and the file's suggested name."""

    rows: int
    filename: str


def _chunks(members, size: int) -> Iterator[list[Member]]:
    iterator = members.iterator(chunk_size=size)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _status(span: Membership | None) -> tuple[str, dt.date | None]:
    if span is None:
        return str(NOT_ADMITTED), None
    if span.end is None:
        return span.get_status_display(), span.start
    return f"{LEFT} ({span.get_end_reason_display()})", span.end


def write_member_list(
    *,
    scope: Scope,
    filters: dict[str, Any],
    described: list[tuple[str, str]],
    may_see_national_id: Callable[[Membership | None], bool],
    out: IO[bytes],
) -> Export:
    """Write the members `scope` sees through `filters` (find_members' arguments) to `out`.

    `described`: (label, value) of each filter given, for the line under the title.
    """
    members = selectors.find_members(scope, **filters)
    if not members.query.order_by:
        members = members.order_by("search_key", "pk")
    unit: Unit | None = filters.get("unit") or scope.unit
    on = today()

    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False})
    bold = workbook.add_format({"bold": True, "font_size": 13})
    header = workbook.add_format(
        {"bold": True, "border": 1, "text_wrap": True, "valign": "vcenter", "bg_color": "#DDEBF7"}
    )
    date = workbook.add_format({"num_format": DATE_FORMAT, "align": "left"})
    text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(gettext("Members")[:31])
    for col, (_label, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)

    name = f"{unit.name} ({unit.code})" if unit else str(ALL_UNITS)
    sheet.write_string(0, 0, str(TITLE) % {"unit": name}, bold)
    shown = "; ".join(f"{label}: {value}" for label, value in described) or str(NO_FILTERS)
    sheet.write_string(1, 0, str(SUBTITLE) % {"date": format_date(on), "filters": shown})
    for col, (label, _width) in enumerate(COLUMNS):
        sheet.write_string(HEADER_ROW, col, str(label), header)

    row = HEADER_ROW
    for chunk in _chunks(members, CHUNK):
        spans = selectors.standing_spans(chunk)
        for member in chunk:
            row += 1
            span = spans.get(member.pk)
            status, since = _status(span)
            national_id = member.national_id or ""
            if national_id and not may_see_national_id(span):
                national_id = mask_cccd(national_id)
            sheet.write_number(row, 0, row - HEADER_ROW)
            sheet.write_string(row, 1, member.full_name)
            if member.birth_date:
                sheet.write_datetime(row, 2, member.birth_date, date)
            else:
                # Old records often know only the year.
                sheet.write_string(row, 2, str(member.birth_year))
            sheet.write_string(row, 3, member.get_gender_display())
            sheet.write_string(row, 4, national_id, text)
            sheet.write_string(row, 5, member.card_number or "", text)
            if span is not None:
                sheet.write_string(row, 6, span.unit.code, text)
                sheet.write_string(row, 7, span.unit.name)
            if member.joined_on:
                sheet.write_datetime(row, 8, member.joined_on, date)
            sheet.write_string(row, 9, status)
            if since:
                sheet.write_datetime(row, 10, since, date)
            sheet.write_string(row, 11, member.employer_name)
    count = row - HEADER_ROW
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    sheet.autofilter(HEADER_ROW, 0, max(row, HEADER_ROW), len(COLUMNS) - 1)
    workbook.close()
    code = unit.code if unit else "tat-ca"
    return Export(rows=count, filename=f"doan-vien-{code}-{on:%Y%m%d}.xlsx")


def record_export(*, actor, scope: Scope, unit: Unit | None, query: dict, rows: int) -> None:
    """One audit entry per export: who, which filters, how many members left the system."""
    target = unit or scope.unit
    after = {"filters": query, "rows": rows}
    if target is not None:
        entry = audit.entry(
            actor=actor,
            obj=target,
            action=audit.AuditEntry.Action.VIEW,
            operation=OPERATION,
            after=after,
        )
    else:
        # A system administrator's export of everything concerns no one unit.
        user = audit.user_or_none(actor)
        entry = audit.AuditEntry(
            actor=user,
            actor_name=user.get_username() if user else "system",
            action=audit.AuditEntry.Action.VIEW,
            object_type=audit.object_type(Member),
            object_id="",
            object_repr=str(ALL_UNITS),
            operation=OPERATION,
            after=after,
        )
    entry.save()
