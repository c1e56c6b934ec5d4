"""Importing units: code, name, parent code, kind label and an optional effective date.

Rows are written parents first whatever their order in the file. A new code founds a
unit; a known code whose name, parent or kind differs is renamed, moved or reclassified
at the effective date; an identical row changes nothing.
"""

import datetime as dt
import itertools

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from congdoan.core.dates import history_start, today
from congdoan.imports import cells, errors
from congdoan.imports.errors import Invalid
from congdoan.imports.specs.base import Column, Context, ImportSpec, Row
from congdoan.org import services as org_services
from congdoan.org.kinds import kind_from_label
from congdoan.org.models import Unit, UnitVersion

UNKNOWN_KIND = _("“%(value)s” is not a known kind of unit. Use one of: %(labels)s.")
UNKNOWN_PARENT = _("No unit has the code %(value)s, neither in this file nor already registered.")
PARENT_REJECTED = _("The parent unit %(value)s is in this file, but its row was rejected.")
PARENT_IS_SELF = _("A unit cannot be its own parent unit.")
PARENT_CYCLE = _("These units are each other's parent units in this file: %(chain)s.")
DUPLICATE_CODE = _("The code %(value)s already appears on row %(first)s of this file.")
TOP_OUTSIDE_SCOPE = _("Only a system administrator may add a unit without a parent unit.")
PARENT_OUTSIDE_SCOPE = _(
    "You may not place units under %(parent)s: it is outside the units you manage."
)
UNIT_OUTSIDE_SCOPE = _("You may not change %(unit)s: it is outside the units you manage.")
CANNOT_MOVE_TO_TOP = _(
    "%(unit)s is under %(parent)s and cannot be moved to the top by an import; "
    "give the code of its parent unit."
)

#: The labels named in the "unknown kind" message: one or two per kind, as clerks write them.
KIND_LABELS = (
    "TLĐ",
    "LĐLĐ tỉnh",
    "LĐLĐ thành phố",
    "LĐLĐ cấp huyện",
    "Công đoàn ngành",
    "Công đoàn KCN",
    "Công đoàn Viên chức",
    "Công đoàn tổng công ty",
    "Công đoàn xã",
    "Công đoàn phường",
    "CĐCS",
    "Nghiệp đoàn",
    "CĐCS thành viên",
    "Công đoàn bộ phận",
    "Tổ công đoàn",
)


def unit_code(value) -> str:
    """A unit code as stored: text, upper case (a numeric code keeps its digits)."""
    return cells.as_code(value).upper()


def unit_kind(value) -> str:
    """The kind a clerk's label names; Invalid listing the accepted labels otherwise."""
    label = cells.as_text(value)
    kind = kind_from_label(label)
    if kind is None:
        raise Invalid(UNKNOWN_KIND, code="unknown_kind", value=label, labels=", ".join(KIND_LABELS))
    return kind


class UnitsSpec(ImportSpec):
    kind = "units"
    title = _("Units")
    columns = (
        Column("code", "Mã đơn vị", ("Mã ĐV", "Mã", "Mã số", "Mã số đơn vị"), parse=unit_code),
        Column("name", "Tên đơn vị", ("Tên", "Tên ĐV", "Tên công đoàn")),
        Column(
            "parent",
            "Mã đơn vị cấp trên",
            ("Đơn vị cấp trên", "Mã cấp trên", "Cấp trên", "Mã ĐV cấp trên"),
            blank=True,
            parse=unit_code,
        ),
        Column("kind", "Loại đơn vị", ("Loại", "Cấp", "Loại ĐV", "Cấp đơn vị"), parse=unit_kind),
        Column(
            "effective_on",
            "Ngày hiệu lực",
            ("Hiệu lực từ ngày", "Ngày có hiệu lực", "Hiệu lực"),
            required=False,
            parse=cells.as_full_date,
        ),
    )
    error_columns = {
        "code_required": "code",
        "code_invalid": "code",
        "code_taken": "code",
        "not_active": "code",
        "name_required": "name",
        "name_taken": "name",
        "nothing_changes": "name",
        "kind_invalid": "kind",
        "kind_not_allowed": "kind",
        "child_kind_conflict": "kind",
        "kind_needs_parent": "parent",
        "parent_not_active": "parent",
        "parent_ends": "parent",
        "cycle": "parent",
        "date_required": "effective_on",
        "date_in_future": "effective_on",
        "date_before_history": "effective_on",
        "date_before_last_change": "effective_on",
    }

    def __init__(self) -> None:
        self.by_code: dict[str, Row] = {}
        # Units created or moved by this import: their scope was checked when placed, and
        # their stored path is only restated at the end.
        self.placed: set[int] = set()

    def validate_row(self, row: Row, ctx: Context) -> None:
        for key in ("code", "name"):
            limit = Unit._meta.get_field(key).max_length
            if len(row[key]) > limit:
                ctx.reject(
                    row,
                    errors.TOO_LONG,
                    code="too_long",
                    column=key,
                    limit=limit,
                    length=len(row[key]),
                )
        if row["parent"] == row["code"]:
            ctx.reject(row, PARENT_IS_SELF, code="parent_cycle", column="parent")

    def validate_rows(self, rows: list[Row], ctx: Context) -> None:
        for row in rows:
            code = row["code"]
            if code is None:
                continue
            first = self.by_code.setdefault(code, row)
            if first is not row:
                ctx.reject(
                    row,
                    DUPLICATE_CODE,
                    code="duplicate_code",
                    column="code",
                    value=code,
                    first=first.number,
                )

    def order(self, rows: list[Row], ctx: Context) -> list[Row]:
        """Parents before children; rows whose parents form a loop are rejected."""
        ordered: list[Row] = []
        done: set[int] = set()
        for start in rows:
            chain: list[Row] = []
            node: Row | None = start
            while node is not None and node.number not in done and node not in chain:
                chain.append(node)
                parent = self.by_code.get(node["parent"]) if node["parent"] else None
                node = parent if parent is not node else None
            if node is not None and node in chain:
                loop = chain[chain.index(node) :]
                text = " → ".join([*(r["code"] for r in loop), node["code"]])
                for looped in loop:
                    ctx.reject(
                        looped, PARENT_CYCLE, code="parent_cycle", column="parent", chain=text
                    )
            for row in reversed(chain):
                done.add(row.number)
                ordered.append(row)
        return ordered

    # --- writing -------------------------------------------------------------------------

    def match(self, row: Row, ctx: Context) -> Unit | None:
        return Unit.objects.filter(code=row["code"]).first()

    def changes(self, row: Row, obj: Unit, ctx: Context) -> dict:
        latest = (
            UnitVersion.objects.filter(unit=obj)
            .select_related("parent")
            .order_by("-valid_from")
            .first()
        )
        parent = self._parent(row)
        changes: dict = {}
        if row["kind"] != latest.kind:
            changes["kind"] = row["kind"]
        if parent is None and latest.parent is not None:
            raise Invalid(
                CANNOT_MOVE_TO_TOP,
                code="cannot_move_to_top",
                column="parent",
                unit=obj,
                parent=latest.parent,
            )
        if parent is not None and parent.pk != latest.parent_id:
            changes["parent"] = parent
        if row["name"] != latest.name:
            changes["name"] = row["name"]
        if changes and ctx.scope is not None and not ctx.scope.can_manage(obj):
            raise Invalid(UNIT_OUTSIDE_SCOPE, code="outside_scope", column="code", unit=obj)
        if "parent" in changes:
            self._check_scope(parent, ctx)
        return changes

    def create(self, row: Row, ctx: Context) -> Unit:
        parent = self._parent(row)
        self._check_scope(parent, ctx)
        unit = org_services.create_unit(
            actor=ctx.actor,
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            parent=parent,
            on=row["effective_on"] or self._default_start(parent),
            reason=ctx.reason,
            refresh=False,
        )
        self.placed.add(unit.pk)
        return unit

    def update(self, row: Row, obj: Unit, changes: dict, ctx: Context) -> Unit:
        on = row["effective_on"] or today()
        steps = [step for step in ("kind", "parent", "name") if step in changes]
        first_error: ValidationError | None = None
        # One order of the steps may pass through a state the rules refuse while another
        # does not (a grassroots union becoming a district federation under the province
        # must move first; a district federation becoming a commune union under another
        # district must change kind first).
        for attempt in itertools.permutations(steps):
            try:
                with transaction.atomic():
                    for step in attempt:
                        self._change(step, obj, changes[step], on=on, ctx=ctx)
            except ValidationError as exc:
                first_error = first_error or exc
                continue
            if "parent" in changes:
                self.placed.add(obj.pk)
            return obj
        raise first_error

    def finish(self, ctx: Context) -> None:
        org_services.refresh_current_structure()

    # --- helpers ---------------------------------------------------------------------------

    def _parent(self, row: Row) -> Unit | None:
        code = row["parent"]
        if code is None:
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is not None:
            return unit
        if code in self.by_code:
            raise Invalid(PARENT_REJECTED, code="parent_rejected", column="parent", value=code)
        raise Invalid(UNKNOWN_PARENT, code="unknown_parent", column="parent", value=code)

    def _check_scope(self, parent: Unit | None, ctx: Context) -> None:
        scope = ctx.scope
        if scope is None or scope.is_everything:
            return
        if parent is None:
            raise Invalid(TOP_OUTSIDE_SCOPE, code="outside_scope", column="parent")
        if parent.pk not in self.placed and not scope.can_place_under(parent):
            raise Invalid(
                PARENT_OUTSIDE_SCOPE, code="outside_scope", column="parent", parent=parent
            )

    @staticmethod
    def _default_start(parent: Unit | None) -> dt.date:
        # A new unit is taken to have always existed, but not before its parent did.
        start = history_start()
        return max(start, parent.starts_on) if parent is not None else start

    @staticmethod
    def _change(step: str, unit: Unit, value, *, on: dt.date, ctx: Context) -> None:
        common = {"actor": ctx.actor, "unit": unit, "on": on, "reason": ctx.reason}
        if step == "kind":
            org_services.change_unit_kind(kind=value, refresh=False, **common)
        elif step == "parent":
            org_services.move_unit(parent=value, refresh=False, **common)
        else:
            org_services.rename_unit(name=value, refresh=False, **common)
