"""Importing targets as provinces write them: units as rows, indicator × period as columns.

Header layouts (after title rows, with an optional numbering row): one row naming indicator
and period in each cell ("Số đoàn viên năm 2022"); two rows, the indicator merged over its
periods (or a period over its indicators); one indicator per sheet (--indicator), the
columns naming only periods. Indicators match by code or name, loosely (a header containing
one indicator's name names it); periods by the plan's labels, "Năm"/"GĐ" and dashes aside.
A header this cannot place makes the file unusable. Each filled cell is one target set by
plans.target_services.set_target; an empty cell sets nothing (it is not 0); totals rows are
skipped. A row is one unit: by code (its name then only checked), or by a name only one
unit under the plan's owner has.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congdoan.core.text import loose_key, nfc, search_key
from congdoan.imports import cells, errors
from congdoan.imports.errors import Invalid
from congdoan.imports.specs.base import Column, Context, ImportSpec, Row
from congdoan.imports.specs.units import unit_code
from congdoan.org import selectors as org_selectors
from congdoan.org.models import Unit, UnitVersion
from congdoan.plans import errors as plan_errors
from congdoan.plans import rules as plan_rules
from congdoan.plans import target_services
from congdoan.plans.models import Indicator, Period, Plan, Target

if TYPE_CHECKING:
    from congdoan.imports.headers import Layout

_WORDS = re.compile(r"[0-9a-z]+")
#: Words around a period's numbers that do not change it: "Năm 2022", "Giai đoạn 2022 đến
#: 2023", "GĐ 2022-2023", "Chỉ tiêu giao năm 2022", "KH 2023".
PERIOD_FILLERS = frozenset(
    {"nam", "giai", "doan", "gd", "tu", "den", "chi", "tieu", "giao", "ke", "hoach", "kh"}
)
#: What clerks write in the first cells of a totals row.
TOTALS = frozenset(loose_key(v) for v in ("Tổng cộng", "Cộng", "Tổng", "Tổng số", "Cộng chung"))
#: … and how such a row may start ("Cộng toàn tỉnh"); accents kept, as "Công đoàn" is no sum.
TOTALS_START = ("tổng cộng ", "cộng ", "tổng số ")
#: A cell holding only a dash sets no target, like an empty one.
DASHES = frozenset({"-", "–", "—"})
#: Unit names are compared with the usual abbreviations spelt the same way.
ABBREVIATIONS = (("liendoanlaodong", "ldld"), ("congdoancoso", "cdcs"), ("congdoan", "cd"),
                 ("khucongnghiep", "kcn"), ("thanhpho", "tp"), ("thixa", "tx"))  # fmt: skip
# Errors of set_target that concern the unit of the row rather than one of its figures.
UNIT_ERRORS = frozenset({"unit_outside_plan", "not_allowed"})
#: The numbers of group headings: Roman numerals or one capital letter ("II", "B.").
GROUP_NUMBER = re.compile(r"^(?:[IVXL]+|[A-Z])\.?$")
_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*$")


def words(text: str) -> list[str]:
    return _WORDS.findall(search_key(text))


def period_key(parts: list[str]) -> str:
    """'Năm 2022' → '2022'; 'Giai đoạn 2022 – 2023', 'GĐ 2022-2023' → '2022-2023'."""
    return "-".join(w for w in parts if w not in PERIOD_FILLERS)


def name_key(text: str) -> str:
    key = loose_key(text)
    for long, short in ABBREVIATIONS:
        key = key.replace(long, short)
    return key


def is_total(text: str) -> bool:
    return loose_key(text) in TOTALS or f"{nfc(text).casefold()} ".startswith(TOTALS_START)


def is_empty(value) -> bool:
    return cells.is_blank(value) or (isinstance(value, str) and value.strip() in DASHES)


def parse_number(text: str) -> Decimal:
    """'1.200' and '1,200' (thousands), '12,5' and '12.5', '1.234,5', '12,5%'."""
    text = text.replace(" ", "").replace("\u00a0", "").removesuffix("%")
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    if "." in digits and "," in digits:
        decimal = "." if digits.rfind(".") > digits.rfind(",") else ","
        digits = digits.replace("," if decimal == "." else ".", "").replace(decimal, ".")
    elif _THOUSANDS.match(digits):
        digits = re.sub(r"[.,]", "", digits)
    else:
        digits = digits.replace(",", ".")
    try:
        return Decimal(sign + digits)
    except InvalidOperation:
        raise Invalid(plan_errors.VALUE_INVALID, code="value_invalid", value=text) from None


def target_value(value) -> Decimal | None:
    """A target cell: an Excel number or a number written as text; None for a dash."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise Invalid(plan_errors.VALUE_INVALID, code="value_invalid", value=value)
    if isinstance(value, int | float):
        # 1200.0 from a General cell reads back as 1200 in messages.
        number = Decimal(str(int(value) if float(value).is_integer() else value))
    else:
        number = parse_number(cells.as_text(value))
    try:
        return plan_rules.clean_value(number)
    except ValidationError as exc:
        raise _invalid(exc) from None


def _invalid(exc: ValidationError, column: str | None = None) -> Invalid:
    error = exc.error_list[0]
    message = error.message % error.params if error.params else error.message
    return Invalid(str(message), code=error.code or "invalid", column=column)


class TargetsSpec(ImportSpec):
    kind = "targets"
    title = _("Targets")
    options = ("plan", "indicator")
    columns = (
        Column("number", "STT", ("Số TT", "Số thứ tự", "TT"), required=False),
        Column(
            "code",
            "Mã đơn vị",
            ("Mã ĐV", "Mã", "Mã số", "Mã số đơn vị", "Mã CĐ", "Mã công đoàn"),
            required=False,
            parse=unit_code,
        ),
        Column(
            "name",
            "Tên đơn vị",
            ("Tên", "Tên ĐV", "Đơn vị", "Tên công đoàn", "Công đoàn", "Đơn vị thực hiện"),
            required=False,
        ),
        Column("note", "Ghi chú", ("Ghi chú khác",), required=False),
    )

    def __init__(self, *, plan: str | None = None, indicator: str | None = None) -> None:
        if not plan:
            raise errors.BadOption(errors.PLAN_REQUIRED, code="plan_required")
        self.plan = Plan.objects.filter(code__iexact=plan.strip()).select_related("owner").first()
        if self.plan is None:
            raise errors.BadOption(errors.UNKNOWN_PLAN, code="unknown_plan", value=plan)
        if self.plan.status == Plan.Status.CLOSED:
            raise errors.BadOption(plan_errors.PLAN_CLOSED, code="plan_closed", plan=self.plan)
        self.indicators = list(self.plan.indicators.all())
        self.periods = list(self.plan.periods.all())
        self.indicator: Indicator | None = None
        if indicator:
            self.indicator = self._indicator(words(indicator), self.indicators)
            if self.indicator is None:
                raise errors.BadOption(
                    errors.UNKNOWN_INDICATOR,
                    code="unknown_indicator",
                    value=indicator,
                    **self._plan_parts(),
                )
        self.targets: dict[str, tuple[Indicator, Period]] = {}
        self.unit_column = "code"
        self.by_unit: dict[int, Row] = {}
        self._named: dict[str, set[int]] | None = None

    # --- the header ----------------------------------------------------------------------

    def header_matcher(self):
        return self.match_header

    def match_header(self, upper: str, lower: str) -> str | None:
        """The key of the target column a header cell (and the cell under it) names."""
        found = None
        if lower:
            for indicator_text, period_text in ((upper, lower), (lower, upper)):
                period = self._period(words(period_text))
                indicator = period and self._indicator(words(indicator_text))
                if indicator:
                    found = (indicator, period)
                    break
            else:
                found = self._combined(words(lower)) or self._combined(words(f"{upper} {lower}"))
        else:
            found = self._combined(words(upper))
        if found is None:
            return None
        key = f"target:{found[0].pk}:{found[1].pk}"
        self.targets[key] = found
        return key

    def _combined(self, parts: list[str]) -> tuple[Indicator, Period] | None:
        """One cell naming both, the period last (or first); or a period alone with
        --indicator. The longest period wins, so 'GĐ 2022-2023' is not read as 2023."""
        if self.indicator is not None and (period := self._period(parts)):
            return self.indicator, period
        n = len(parts)
        splits = [(parts[:k], parts[k:]) for k in range(1, n)]
        splits += [(parts[k:], parts[:k]) for k in range(n - 1, 0, -1)]
        for indicator_part, period_part in splits:
            period = self._period(period_part)
            if period is not None and (indicator := self._indicator(indicator_part)):
                return indicator, period
        return None

    def _period(self, parts: list[str]) -> Period | None:
        key = period_key(parts)
        found = [p for p in self.periods if key and period_key(words(p.label)) == key]
        return found[0] if len(found) == 1 else None

    def _indicator(self, parts: list[str], among=None) -> Indicator | None:
        """By code or name; else the one whose name the text contains (the most specific
        when one name contains another, as 'Đoàn viên' and 'Đoàn viên mới')."""
        key = "".join(parts)
        candidates = among or ([self.indicator] if self.indicator else self.indicators)
        if not key:
            return None
        exact = [i for i in candidates if key in (loose_key(i.code), loose_key(i.name))]
        if exact:
            return exact[0] if len(exact) == 1 else None
        inside = [i for i in candidates if loose_key(i.name) and loose_key(i.name) in key]
        names = {i.pk: loose_key(i.name) for i in inside}
        specific = [
            i for i in inside if not any(names[i.pk] in names[o.pk] for o in inside if o != i)
        ]
        return specific[0] if len(specific) == 1 else None

    def columns_for(self, layout: "Layout") -> tuple[Column, ...]:
        found = ", ".join(f"“{h}”" for h in (*layout.headers.values(), *layout.ignored))
        found = found or str(errors.NOTHING_FOUND)
        if "code" not in layout.columns and "name" not in layout.columns:
            raise errors.MissingColumns(errors.NO_UNIT_COLUMN, code="missing_columns", found=found)
        self.unit_column = "code" if "code" in layout.columns else "name"
        if layout.ignored:
            message = str(errors.UNKNOWN_TARGET_COLUMNS)
            if self.indicator is None and any(self._period(words(h)) for h in layout.ignored):
                message = f"{message} {errors.PERIOD_ONLY_HINT}"
            columns = ", ".join(f"“{h}”" for h in layout.ignored)
            raise errors.UnknownColumns(
                message, code="unknown_columns", columns=columns, **self._plan_parts()
            )
        keys = [key for key in layout.columns if key in self.targets]
        if not keys:
            raise errors.MissingColumns(
                errors.NO_TARGET_COLUMNS, code="missing_columns", found=found, **self._plan_parts()
            )
        self.target_keys = keys
        dynamic = (
            Column(key, layout.headers[key], required=False, parse=target_value) for key in keys
        )
        return (*self.columns, *dynamic)

    def _plan_parts(self) -> dict[str, str]:
        none = str(errors.NOTHING_FOUND)
        return {
            "plan": self.plan.code,
            "indicators": ", ".join(f"{i.code} ({i.name})" for i in self.indicators) or none,
            "periods": ", ".join(p.label for p in self.periods) or none,
        }

    # --- rows ----------------------------------------------------------------------------

    def skip_row(self, raw: dict) -> bool:
        if all(is_empty(value) for key, value in raw.items() if key in self.targets):
            return True
        labels = [raw.get(key) for key in ("number", "code", "name")]
        if any(not cells.is_blank(v) and is_total(cells.as_text(v)) for v in labels):
            return True
        # "I. Khối LĐLĐ huyện" above its units carries their subtotal: a group heading, unless
        # it names a unit (hierarchical sheets number the district I and its unions 1, 2, …).
        number, code, name = labels
        return (
            cells.is_blank(code)
            and not cells.is_blank(number)
            and bool(GROUP_NUMBER.match(cells.as_text(number)))
            and name_key(cells.as_text(name or "")) not in self._units_named()
        )

    def validate_row(self, row: Row, ctx: Context) -> None:
        unit = self._unit_of(row, ctx)
        if unit is None:
            return
        row.data["unit"] = unit
        row.data["cells"] = [
            (key, *self.targets[key], row[key]) for key in self.target_keys if row[key] is not None
        ]

    def validate_rows(self, rows: list[Row], ctx: Context) -> None:
        for row in rows:
            unit = row.data.get("unit")
            if unit is None:
                continue
            first = self.by_unit.setdefault(unit.pk, row)
            if first is not row:
                ctx.reject(
                    row,
                    errors.DUPLICATE_UNIT,
                    code="duplicate_unit",
                    column=self.unit_column,
                    unit=unit,
                    first=first.number,
                )

    def _unit_of(self, row: Row, ctx: Context) -> Unit | None:
        code, name = row["code"], row["name"]
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                ctx.reject(row, errors.UNKNOWN_UNIT, code="unknown_unit", column="code", value=code)
            elif name and not self._names_agree(unit, name):
                ctx.reject(
                    row,
                    errors.UNIT_NAME_MISMATCH,
                    code="unit_name_mismatch",
                    column="name",
                    unit=unit.code,
                    name=unit.name,
                    value=name,
                )
                return None
            return unit
        if not name:
            ctx.reject(row, errors.UNIT_MISSING, code="unit_missing", column=self.unit_column)
            return None
        ids = self._units_named().get(name_key(name), set())
        if len(ids) == 1:
            return Unit.objects.get(pk=next(iter(ids)))
        params = {"owner": self.plan.owner, "value": name}
        if not ids:
            ctx.reject(row, errors.NO_UNIT_NAMED, code="unknown_unit", column="name", **params)
        else:
            codes = ", ".join(
                sorted(Unit.objects.filter(pk__in=ids).values_list("code", flat=True))
            )
            ctx.reject(
                row,
                errors.SEVERAL_UNITS_NAMED,
                code="ambiguous_unit",
                column="name",
                codes=codes,
                **params,
            )
        return None

    @staticmethod
    def _names_agree(unit: Unit, text: str) -> bool:
        # The code decides; the name only catches a row shifted against its code, so any
        # name the unit ever had counts, abbreviated or shortened ("Kế Sách").
        given = name_key(text)
        names = {unit.name, *UnitVersion.objects.filter(unit=unit).values_list("name", flat=True)}
        return any(given and (given in name_key(n) or name_key(n) in given) for n in names)

    def _units_named(self) -> dict[str, set[int]]:
        """Name key → ids of the units under the plan's owner on the first day of a period."""
        if self._named is None:
            ids: set[int] = set()
            for on in {p.starts_on for p in self.periods} or {self.plan.starts_on}:
                ids.update(org_selectors.tree_as_of(on).subtree_ids(self.plan.owner_id))
            self._named = {}
            versions = UnitVersion.objects.filter(unit_id__in=ids).values_list("unit_id", "name")
            for unit_id, name in versions:
                self._named.setdefault(name_key(name), set()).add(unit_id)
        return self._named

    # --- writing -------------------------------------------------------------------------

    def match(self, row: Row, ctx: Context) -> dict[str, Target] | None:
        existing = {
            (t.indicator_id, t.period_id): t
            for t in Target.objects.filter(plan=self.plan, unit=row.data["unit"])
        }
        found = {
            key: existing[(indicator.pk, period.pk)]
            for key, indicator, period, _value in row.data["cells"]
            if (indicator.pk, period.pk) in existing
        }
        return found or None

    def changes(self, row: Row, obj: dict[str, Target], ctx: Context) -> dict[str, Decimal]:
        return {
            key: value
            for key, _indicator, _period, value in row.data["cells"]
            if key not in obj or obj[key].value != value
        }

    def create(self, row: Row, ctx: Context) -> None:
        self._set(row, ctx, {key: value for key, *_rest, value in row.data["cells"]})

    def update(self, row: Row, obj, changes: dict[str, Decimal], ctx: Context) -> None:
        self._set(row, ctx, changes)

    def _set(self, row: Row, ctx: Context, values: dict[str, Decimal]) -> None:
        for key, value in values.items():
            indicator, period = self.targets[key]
            try:
                target_services.set_target(
                    actor=ctx.actor,
                    plan=self.plan,
                    indicator=indicator,
                    unit=row.data["unit"],
                    period=period,
                    value=value,
                    reason=ctx.reason,
                    scope=ctx.scope,
                )
            except ValidationError as exc:
                code = exc.error_list[0].code
                raise _invalid(exc, self.unit_column if code in UNIT_ERRORS else key) from None
