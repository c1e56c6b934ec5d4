"""Importing enterprises: tax code, name, area unit, ownership, workers at a date, status, union.

A new tax code registers the enterprise. A known one is updated from a newer list: its
name, address, area unit, ownership and industry when a cell differs (blank cells leave
them alone), a new headcount dated by the figure date (history kept; the same figure again
changes nothing), a status change dated by the figure date, and its union when the code
differs. A blank union cell never removes a union: unions end when the grassroots unit is
dissolved or merged (see enterprises.services.end_links_of_unit).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congdoan.core.codes import clean_tax_code
from congdoan.core.dates import today
from congdoan.core.text import loose_key
from congdoan.enterprises import errors as enterprise_errors
from congdoan.enterprises import rules as enterprise_rules
from congdoan.enterprises import services
from congdoan.enterprises.labels import (
    OWNERSHIP_LABELS,
    STATUS_LABELS,
    ownership_from_label,
    status_from_label,
)
from congdoan.enterprises.models import Enterprise, Headcount, Ownership, Status, StatusPeriod
from congdoan.imports import cells, errors
from congdoan.imports.errors import Invalid
from congdoan.imports.specs.base import Column, Context, ImportSpec, Row
from congdoan.imports.specs.units import unit_code
from congdoan.org.models import Unit

UNKNOWN_OWNERSHIP = _("“%(value)s” is not a known kind of ownership. Use one of: %(labels)s.")
UNKNOWN_STATUS = _("“%(value)s” is not a known operating status. Use one of: %(labels)s.")
UNKNOWN_AREA = _("No unit has the code %(value)s.")
UNKNOWN_UNION = _("No grassroots union has the code %(value)s.")
DUPLICATE_TAX_CODE = _("The tax code %(value)s already appears on row %(first)s of this file.")

#: What clerks write in the union column of an enterprise that has none.
NO_UNION = frozenset(loose_key(v) for v in ("Chưa có", "Chưa", "Không", "Không có", "x", "-"))


def tax_code(value) -> str:
    """A tax code cell (a number that lost its leading zero included), checked."""
    try:
        return clean_tax_code(cells.as_code(value))
    except ValidationError as exc:
        error = exc.error_list[0]
        raise Invalid(error.message, code=error.code, **error.params) from None


def ownership(value) -> str:
    label = cells.as_text(value)
    if (key := ownership_from_label(label)) is None:
        raise Invalid(
            UNKNOWN_OWNERSHIP,
            code="unknown_ownership",
            value=label,
            labels=", ".join(OWNERSHIP_LABELS),
        )
    return key


def status(value) -> str:
    label = cells.as_text(value)
    if (key := status_from_label(label)) is None:
        raise Invalid(
            UNKNOWN_STATUS, code="unknown_status", value=label, labels=", ".join(STATUS_LABELS)
        )
    return key


def union_code(value) -> str | None:
    """The union's code; None for "Chưa có" and the like."""
    text = cells.as_text(value)
    return None if loose_key(text) in NO_UNION or text == "-" else unit_code(value)


def workers(value) -> int:
    return cells.as_int(value)


class EnterprisesSpec(ImportSpec):
    kind = "enterprises"
    title = _("Enterprises")
    columns = (
        Column(
            "tax_code",
            "Mã số thuế",
            ("MST", "Mã số DN", "Mã số doanh nghiệp", "Mã số thuế DN", "Mã số thuế doanh nghiệp"),
            parse=tax_code,
        ),
        Column(
            "name",
            "Tên doanh nghiệp",
            ("Tên DN", "Doanh nghiệp", "Tên công ty", "Tên đơn vị sử dụng lao động"),
        ),
        Column(
            "address",
            "Địa chỉ",
            ("Địa chỉ trụ sở", "Trụ sở", "Địa chỉ DN", "Địa chỉ doanh nghiệp"),
            required=False,
        ),
        Column(
            "area",
            "Mã đơn vị",
            (
                "Đơn vị quản lý",
                "Mã đơn vị quản lý",
                "Mã ĐV",
                "Mã ĐV quản lý",
                "Công đoàn cấp trên",
                "Mã CĐ cấp trên",
                "Mã công đoàn cấp trên",
                "Địa bàn",
            ),
            parse=unit_code,
        ),
        Column(
            "ownership",
            "Loại hình",
            (
                "Loại hình doanh nghiệp",
                "Loại hình DN",
                "Loại hình sở hữu",
                "Thành phần kinh tế",
                "Khu vực",
            ),
            required=False,
            parse=ownership,
        ),
        Column(
            "industry",
            "Ngành nghề",
            ("Ngành nghề kinh doanh", "Ngành nghề SXKD", "Ngành", "Lĩnh vực", "Lĩnh vực hoạt động"),
            required=False,
        ),
        Column(
            "workers",
            "Số lao động",
            (
                "Tổng số lao động",
                "Số CNLĐ",
                "Tổng số CNLĐ",
                "Số người lao động",
                "Tổng số người lao động",
                "Lao động",
                "Lao động tổng số",
                "Số lao động tổng số",
                "Tổng số",
            ),
            blank=True,
            parse=workers,
        ),
        Column(
            "as_of",
            "Ngày số liệu",
            (
                "Tính đến ngày",
                "Số liệu đến ngày",
                "Số liệu tính đến ngày",
                "Thời điểm số liệu",
                "Ngày cập nhật",
            ),
            required=False,
            parse=cells.as_full_date,
        ),
        Column(
            "status",
            "Tình trạng",
            ("Trạng thái hoạt động", "Tình trạng hoạt động", "Trạng thái", "Tình trạng DN"),
            required=False,
            parse=status,
        ),
        Column(
            "union",
            "CĐCS",
            ("Mã CĐCS", "Công đoàn cơ sở", "Mã công đoàn cơ sở", "Đã có CĐCS"),
            required=False,
            parse=union_code,
        ),
    )
    error_columns = {
        "tax_code_format": "tax_code",
        "tax_code_check_digit": "tax_code",
        "tax_code_branch": "tax_code",
        "tax_code_taken": "tax_code",
        "name_required": "name",
        "area_required": "area",
        "area_not_upper_level": "area",
        "area_ended": "area",
        "outside_scope": "area",
        "ownership_invalid": "ownership",
        "workers_required": "workers",
        "workers_negative": "workers",
        "date_required": "as_of",
        "date_in_future": "as_of",
        "status_invalid": "status",
        "status_unchanged": "status",
        "status_date_before_last": "status",
        "dissolved_final": "status",
        "union_not_there": "union",
        "not_member_holding": "union",
        "union_outside_scope": "union",
        "union_already": "union",
        "union_same": "union",
        "union_later_link": "union",
        "enterprise_dissolved": "union",
    }

    streams = True

    def __init__(self) -> None:
        # The first row of each tax code, across the chunks of a streamed import.
        self.by_tax_code: dict[str, int] = {}

    def validate_row(self, row: Row, ctx: Context) -> None:
        for key in ("name", "address", "industry"):
            limit = Enterprise._meta.get_field(key).max_length
            if row[key] is not None and len(row[key]) > limit:
                ctx.reject(
                    row,
                    errors.TOO_LONG,
                    code="too_long",
                    column=key,
                    limit=limit,
                    length=len(row[key]),
                )
        if row["workers"] is not None and row["workers"] < 0:
            # Said here as well as by the service, so a dry run of a new enterprise says it.
            ctx.reject(
                row,
                enterprise_errors.WORKERS_NEGATIVE,
                code="workers_negative",
                column="workers",
                workers=row["workers"],
            )

    def validate_rows(self, rows: list[Row], ctx: Context) -> None:
        for row in rows:
            code = row["tax_code"]
            if code is None:
                continue
            first = self.by_tax_code.setdefault(code, row.number)
            if first != row.number:
                ctx.reject(
                    row,
                    DUPLICATE_TAX_CODE,
                    code="duplicate_tax_code",
                    column="tax_code",
                    value=code,
                    first=first,
                )

    # --- writing -------------------------------------------------------------------------

    def match(self, row: Row, ctx: Context) -> Enterprise | None:
        return (
            Enterprise.objects.select_related("area_unit").filter(tax_code=row["tax_code"]).first()
        )

    def changes(self, row: Row, obj: Enterprise, ctx: Context) -> dict:
        on = self._as_of(row)
        changes: dict = {}
        area = self._area(row)
        if area.pk != obj.area_unit_id:
            changes["area_unit"] = area
        for key in ("name", "address", "industry", "ownership"):
            if row[key] is not None and row[key] != getattr(obj, key):
                changes[key] = row[key]
        if (
            row["workers"] is not None
            and not Headcount.objects.filter(
                enterprise=obj, as_of=on, workers=row["workers"]
            ).exists()
        ):
            changes["workers"] = row["workers"]
        if row["status"] is not None:
            current = StatusPeriod.objects.get(enterprise=obj, valid_to__isnull=True)
            if current.status != row["status"]:
                changes["status"] = row["status"]
        if row["union"] is not None:
            union = self._union(row)
            link = enterprise_rules.open_link(obj)
            if link is None or link.union_id != union.pk:
                changes["union"] = union
        if changes:
            enterprise_rules.check_in_scope(obj, ctx.scope)
        return changes

    def create(self, row: Row, ctx: Context) -> Enterprise:
        on = self._as_of(row)
        enterprise = services.register_enterprise(
            actor=ctx.actor,
            tax_code=row["tax_code"],
            name=row["name"],
            address=row["address"] or "",
            area_unit=self._area(row),
            ownership=row["ownership"] or Ownership.OTHER,
            industry=row["industry"] or "",
            status=row["status"] or Status.OPERATING,
            since=on,
            scope=ctx.scope,
            reason=ctx.reason,
        )
        if row["workers"] is not None:
            self._headcount(enterprise, row, on, ctx)
        if row["union"] is not None:
            self._link(enterprise, self._union(row), on, ctx)
        return enterprise

    def update(self, row: Row, obj: Enterprise, changes: dict, ctx: Context) -> Enterprise:
        on = self._as_of(row)
        common = {"actor": ctx.actor, "enterprise": obj, "scope": ctx.scope, "reason": ctx.reason}
        fields = {
            k: changes[k]
            for k in ("name", "address", "industry", "ownership", "area_unit")
            if k in changes
        }
        if fields:
            obj = services.update_enterprise(**common, **fields)
            common["enterprise"] = obj
        if "workers" in changes:
            self._headcount(obj, row, on, ctx)
        if "union" in changes:
            self._link(obj, changes["union"], on, ctx)
        if "status" in changes:
            services.change_status(**common, status=changes["status"], on=on)
        return obj

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _as_of(row: Row) -> dt.date:
        # A list without a figure date is taken as today's figures.
        return row["as_of"] or today()

    @staticmethod
    def _area(row: Row) -> Unit:
        unit = Unit.objects.filter(code=row["area"]).first()
        if unit is None:
            raise Invalid(UNKNOWN_AREA, code="unknown_area", column="area", value=row["area"])
        return unit

    @staticmethod
    def _union(row: Row) -> Unit:
        unit = Unit.objects.filter(code=row["union"]).first()
        if unit is None:
            raise Invalid(UNKNOWN_UNION, code="unknown_union", column="union", value=row["union"])
        return unit

    @staticmethod
    def _headcount(enterprise: Enterprise, row: Row, on: dt.date, ctx: Context) -> None:
        services.record_headcount(
            actor=ctx.actor,
            enterprise=enterprise,
            as_of=on,
            workers=row["workers"],
            source=ctx.reason,
            scope=ctx.scope,
            reason=ctx.reason,
        )

    @staticmethod
    def _link(enterprise: Enterprise, union: Unit, on: dt.date, ctx: Context) -> None:
        """Link `union` from when it was founded (the list only says it exists by `on`),
        but not before the enterprise's previous union stopped covering it."""
        start = enterprise_rules.union_start(union, on)
        common = {"actor": ctx.actor, "enterprise": enterprise, "scope": ctx.scope}
        previous = enterprise_rules.last_link(enterprise)
        if previous is not None and previous.valid_to is None:
            start = max(start, previous.valid_from + dt.timedelta(days=1))
            services.unlink_union(**common, on=start, reason=ctx.reason)
        elif previous is not None:
            start = max(start, previous.valid_to)
        services.link_union(**common, union=union, on=start, reason=ctx.reason)
