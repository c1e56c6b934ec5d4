"""Importing member rosters as grassroots clerks fill them.

A row is one person in one grassroots union. It is matched with the register by national
ID, else by union card number, else by name + date (or year) of birth + union. A matched
current member of that union whose details differ is corrected with update_member; an
identical one is unchanged; a new person is registered and admitted on the joining date,
through members.bulk after each chunk of rows (one audit entry per chunk).
Every check is members' own (services.clean_person, rules.check_date, check_may_join), run
before writing so a dry run reports the same errors; the services check again on writing.
Existing people and units are read once per chunk of rows (the spec streams), not per row.
"""

import datetime as dt
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import signals
from django.db.models.base import ModelState
from django.utils.translation import gettext_lazy as _

from congdoan.core.dates import format_date
from congdoan.enterprises.models import Enterprise
from congdoan.imports import cells, errors
from congdoan.imports.errors import Invalid
from congdoan.imports.specs import member_columns
from congdoan.imports.specs.base import Column, Context, ImportSpec, Row
from congdoan.imports.specs.units import unit_code
from congdoan.members import bulk, rules
from congdoan.members import selectors as member_selectors
from congdoan.members import services as member_services
from congdoan.members.models import Gender, Member, Membership
from congdoan.org.models import Unit, UnitVersion

_CHUNK = 2000  # values per IN (...) query
#: Person fields a row may set and an import compares (the rest are left as registered).
_DETAILS = (
    "full_name",
    "gender",
    "national_id",
    "card_number",
    "ethnicity",
    "religion",
    "nationality",
    "phone",
    "education_level",
    "professional_level",
    "employer_name",
    "joined_on",
)


_NAME_LENGTH = Member._meta.get_field("full_name").max_length
_blank_member: dict[str, Any] = {}


def _new_member(**fields: Any) -> Member:
    """An unsaved Member with these fields, the others at their defaults: Member(**fields)
    without Model.__init__'s walk through every field (a tenth of a roster row's time).

    Only while Member has no callable default and no pre_init/post_init receiver (checked
    here), so that the defaults read once are what __init__ would set.
    """
    if not _blank_member:
        if (
            signals.pre_init.has_listeners(Member)
            or signals.post_init.has_listeners(Member)
            or any(f.has_default() and callable(f.default) for f in Member._meta.concrete_fields)
        ):
            return Member(**fields)
        _blank_member.update(Member().__dict__)
        del _blank_member["_state"]
    member = Member.__new__(Member)
    state = member.__dict__
    state.update(_blank_member)
    state.update(fields)
    member._state = ModelState()
    return member


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    return [
        (str(e.message % e.params if e.params else e.message), e.code or "invalid")
        for e in exc.error_list
    ]


def _contains(ordered: array, value: int) -> bool:
    index = bisect_left(ordered, value)
    return index < len(ordered) and ordered[index] == value


def _chunks(values: Iterable, size: int = _CHUNK) -> Iterator[list]:
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


class MembersSpec(ImportSpec):
    kind = "members"
    title = _("Members")
    options = ("unit",)
    columns = member_columns.COLUMNS
    error_columns = member_columns.ERROR_COLUMNS
    # New people are written a chunk at a time by flush(), through the bulk loader.
    stages_creates = True
    streams = True

    def __init__(self, unit: str | None = None) -> None:
        self.default_unit: Unit | None = None
        if unit:
            code = unit_code(unit)
            self.default_unit = Unit.objects.filter(code=code).first()
            if self.default_unit is None:
                raise errors.BadOption(errors.UNKNOWN_UNIT_OPTION, code="unknown_unit", value=code)
        self.units: dict[str, Unit] = {}
        self.by_national_id: dict[str, Member] = {}
        self.by_card: dict[str, Member] = {}
        self.by_name: dict[tuple, list[Member]] = defaultdict(list)
        self.open_spans: dict[int, Membership] = {}
        self.last_ends: dict[int, dt.date] = {}
        self.versions: dict[int, list[UnitVersion]] = {}
        self.new_people: list[bulk.PersonHistory] = []
        # Across chunks: the first row of each national ID, card and (name, birth, union)
        # key seen so far, and the people this import created (not matched again).
        self.first_rows: dict[str, dict[Any, int]] = {
            "national_id": {},
            "card_number": {},
            "full_name": {},
        }
        self.created_ids = array("q")  # 8 bytes a person, not a set's ~70

    def columns_for(self, layout) -> tuple[Column, ...]:
        found = ", ".join(f"“{h}”" for h in (*layout.headers.values(), *layout.ignored))
        found = found or str(errors.NOTHING_FOUND)
        if not layout.columns.keys() & {"gender", "male", "female"}:
            raise errors.MissingColumns(
                errors.NO_GENDER_COLUMN, code="missing_columns", found=found
            )
        if "unit" not in layout.columns and self.default_unit is None:
            raise errors.MissingColumns(errors.NO_MEMBER_UNIT, code="missing_columns", found=found)
        return self.columns

    # --- checks ---------------------------------------------------------------------------

    def validate_row(self, row: Row, ctx: Context) -> None:
        sex = self._gender(row, ctx)
        get = row.values.get
        birth: cells.CellDate | None = get("birth")
        person = _new_member(
            full_name=get("full_name") or "",
            gender=sex or "",
            birth_date=None if birth is None or birth.year_only else birth.value,
            birth_year=birth.value.year if birth is not None else None,
            national_id=get("national_id"),
            card_number=get("card_number"),
            nationality=get("nationality") or "VN",
            joined_on=get("joined_on"),
            ethnicity=get("ethnicity") or "",
            religion=get("religion") or "",
            phone=get("phone") or "",
            education_level=get("education_level") or "",
            professional_level=get("professional_level") or "",
            employer_name=get("employer_name") or "",
        )
        if sex is None:
            # The gender was reported already; the other checks still say what else is wrong.
            person.gender = Gender.MALE
            person.national_id = None
        try:
            member_services.clean_person(person)
        except ValidationError as exc:
            self._reject(row, exc, ctx)
            return
        if len(person.full_name) > _NAME_LENGTH:
            ctx.reject(
                row,
                errors.TOO_LONG,
                code="too_long",
                column="full_name",
                limit=_NAME_LENGTH,
                length=len(person.full_name),
            )
        joined = get("joined_on")
        if joined is not None:
            try:
                rules.check_date(person, joined)
                rules.check_may_join(person, joined)
            except ValidationError as exc:
                self._reject(row, exc, ctx)
        row.data["person"] = person

    def validate_rows(self, rows: list[Row], ctx: Context) -> None:
        self._read_units(rows)
        self._read_enterprises(rows, ctx)
        for row in rows:
            unit = self._unit(row, ctx)
            person = row.data.get("person")
            national = person.national_id if person else row["national_id"]
            keys = []
            if national:
                keys.append(("national_id", national, errors.DUPLICATE_NATIONAL_ID))
            if row["card_number"]:
                keys.append(("card_number", row["card_number"], errors.DUPLICATE_CARD))
            if not keys and person is not None and unit is not None:
                key = (person.search_key, person.birth_year, person.birth_date, unit.pk)
                keys.append(("full_name", key, errors.DUPLICATE_PERSON))
            for column, value, message in keys:
                first = self.first_rows[column].setdefault(value, row.number)
                if first != row.number:
                    code = "duplicate_person" if column == "full_name" else f"duplicate_{column}"
                    shown = value if isinstance(value, str) else ""
                    ctx.reject(row, message, code=code, column=column, value=shown, first=first)
        self._read_members([r for r in rows if r.ok])

    def _gender(self, row: Row, ctx: Context) -> str | None:
        if row["gender"] is not None:
            return row["gender"]
        male, female = row["male"], row["female"]
        has_male = "male" in ctx.headers
        has_female = "female" in ctx.headers
        if male and female:
            ctx.reject(row, errors.GENDER_BOTH, code="gender_both", column="male")
            return None
        if male or (has_female and not has_male and not female):
            return Gender.MALE
        if female or (has_male and not has_female and not male):
            return Gender.FEMALE
        if "gender" in ctx.headers:
            ctx.reject(row, errors.REQUIRED, code="required", column="gender")
        else:
            ctx.reject(row, errors.GENDER_NONE, code="gender_required", column="male")
        return None

    def _unit(self, row: Row, ctx: Context) -> Unit | None:
        code = row["unit"]
        unit = self.units.get(code) if code else self.default_unit
        if code and unit is None:
            ctx.reject(row, errors.UNKNOWN_UNIT, code="unknown_unit", column="unit", value=code)
        elif unit is None:
            ctx.reject(row, errors.REQUIRED, code="required", column="unit")
        elif ctx.scope is not None and not ctx.scope.can_enter_data(unit):
            ctx.reject(
                row,
                errors.MEMBER_UNIT_OUTSIDE_SCOPE,
                code="outside_scope",
                column="unit",
                unit=unit,
            )
            unit = None
        row.data["unit"] = unit
        return unit

    def _reject(self, row: Row, exc: ValidationError, ctx: Context) -> None:
        for message, code in _messages(exc):
            ctx.reject(row, message, code=code, column=self.error_columns.get(code))

    # --- what is already registered, read once --------------------------------------------

    def _read_units(self, rows: list[Row]) -> None:
        # Units do not change during an import: each code is read once, in its first chunk.
        codes = {row["unit"] for row in rows if row["unit"]} - self.units.keys()
        for chunk in _chunks(codes):
            self.units.update((u.code, u) for u in Unit.objects.filter(code__in=chunk))

    def _read_enterprises(self, rows: list[Row], ctx: Context) -> None:
        codes = {row["tax_code"] for row in rows if row["tax_code"]}
        known: dict[str, Enterprise] = {}
        for chunk in _chunks(codes):
            known.update((e.tax_code, e) for e in Enterprise.objects.filter(tax_code__in=chunk))
        for row in rows:
            code = row["tax_code"]
            if code and code not in known:
                ctx.reject(
                    row,
                    errors.UNKNOWN_ENTERPRISE,
                    code="unknown_enterprise",
                    column="tax_code",
                    value=code,
                )
            elif code and "person" in row.data:
                row.data["person"].enterprise = known[code]

    def _read_members(self, rows: list[Row]) -> None:
        # Read again for each chunk, of its rows only: what the chunk before wrote is seen.
        self.by_national_id, self.by_card = {}, {}
        self.by_name, self.open_spans, self.last_ends = defaultdict(list), {}, {}
        people = [row.data["person"] for row in rows]
        ids = {p.national_id for p in people if p.national_id}
        cards = {p.card_number for p in people if p.card_number}
        names = {p.search_key for p in people if not p.national_id and not p.card_number}
        found: dict[int, Member] = {}
        for field, values in (("national_id", ids), ("card_number", cards)):
            for chunk in _chunks(values):
                for member in member_selectors.registered_with(field, chunk):
                    found[member.pk] = member
        unit_ids = {row.data["unit"].pk for row in rows if row.data.get("unit")}
        for chunk in _chunks(names):
            spans = Membership.objects.filter(
                end__isnull=True, unit_id__in=unit_ids, member__search_key__in=chunk
            ).select_related("member")
            for span in spans:
                found[span.member_id] = span.member
        if names and self.created_ids:
            # A person this import created is no one's match: two rows the file gives as two
            # people stay two, whichever chunks they fall in. (Only the name lookup can find
            # them: a national ID or card given twice in the file is rejected as a duplicate.)
            self.created_ids = array("q", sorted(self.created_ids))
            for pk in [pk for pk in found if _contains(self.created_ids, pk)]:
                del found[pk]
        for member in found.values():
            if member.national_id:
                self.by_national_id[member.national_id] = member
            if member.card_number:
                self.by_card[member.card_number] = member
        for chunk in _chunks(found):
            for span in Membership.objects.filter(member_id__in=chunk).order_by("start"):
                if span.end is None:
                    self.open_spans[span.member_id] = span
                else:
                    self.last_ends[span.member_id] = span.end
        for member in found.values():
            span = self.open_spans.get(member.pk)
            if span is not None:
                key = (member.search_key, member.birth_year, span.unit_id)
                self.by_name[key].append(member)

    # --- writing --------------------------------------------------------------------------

    def match(self, row: Row, ctx: Context) -> Member | None:
        person: Member = row.data["person"]
        member = None
        if person.national_id:
            member = self.by_national_id.get(person.national_id)
        if member is None and person.card_number:
            member = self.by_card.get(person.card_number)
            if member is not None and person.national_id and member.national_id:
                raise Invalid(
                    errors.CARD_OTHER_PERSON,
                    code="card_other_person",
                    column="card_number",
                    card=person.card_number,
                    value=person.national_id,
                )
        if member is None and not person.national_id and not person.card_number:
            key = (person.search_key, person.birth_year, row.data["unit"].pk)
            same = [
                m
                for m in self.by_name[key]
                if person.birth_date is None
                or m.birth_date is None
                or m.birth_date == person.birth_date
            ]
            member = same[0] if len(same) == 1 else None
        if member is not None:
            self._check_place(member, row, ctx)
        return member

    def _check_place(self, member: Member, row: Row, ctx: Context) -> None:
        unit: Unit = row.data["unit"]
        span = self.open_spans.get(member.pk)
        if span is not None and span.unit_id != unit.pk:
            raise Invalid(
                errors.MEMBER_IN_OTHER_UNIT,
                code="in_other_unit",
                column="unit",
                unit=Unit.objects.get(pk=span.unit_id),
                row_unit=unit,
            )
        if span is None and member.pk in self.last_ends:
            raise Invalid(
                errors.MEMBER_LEFT,
                code="member_left",
                column="unit",
                date=format_date(self.last_ends[member.pk]),
            )

    def changes(self, row: Row, obj: Member, ctx: Context) -> dict[str, Any]:
        person: Member = row.data["person"]
        changes: dict[str, Any] = {}
        for key in _DETAILS:
            value = getattr(person, key)
            # An empty cell (or a column the file lacks) keeps what is registered.
            if value in (None, "") or (key == "nationality" and row["nationality"] is None):
                continue
            if value != getattr(obj, key):
                changes[key] = value
        if person.birth_date is not None and person.birth_date != obj.birth_date:
            changes["birth_date"] = person.birth_date
        elif person.birth_date is None and person.birth_year != obj.birth_year:
            changes["birth_date"], changes["birth_year"] = None, person.birth_year
        if person.enterprise is not None and person.enterprise.pk != obj.enterprise_id:
            changes["enterprise"] = person.enterprise
        if obj.pk not in self.open_spans:
            changes["_admit"] = True  # registered, never admitted: admit now
        return changes

    def create(self, row: Row, ctx: Context) -> None:
        person: Member = row.data["person"]
        if person.joined_on is None:
            raise Invalid(errors.REQUIRED, code="required", column="joined_on")
        unit: Unit = row.data["unit"]
        rules.check_unit_versions(unit, self._versions(unit), person.joined_on)
        span = {
            "unit": unit,
            "status": Membership.Status.ACTIVE,
            "start": person.joined_on,
            "start_reason": Membership.StartReason.ADMITTED,
        }
        if person.enterprise_id is not None:  # set by _read_enterprises
            # The enterprise came after validate_row cleaned the person: clean again, as
            # register_member would (it fills the employer's name).
            member_services.clean_person(person)
        # Written by flush(): the bulk loader runs the same rules in memory, on this cleaned
        # person rather than cleaning another.
        self.new_people.append(bulk.PersonHistory(person={}, spans=[span], member=person))

    def update(self, row: Row, obj: Member, changes: dict[str, Any], ctx: Context) -> Member:
        admit = changes.pop("_admit", False)
        if changes:
            obj = member_services.update_member(
                actor=ctx.actor, member=obj, reason=ctx.reason, **changes
            )
        if admit:
            if row["joined_on"] is None:
                raise Invalid(errors.REQUIRED, code="required", column="joined_on")
            self._admit(obj, row, ctx)
        return obj

    def flush(self, ctx: Context, *, write: bool) -> None:
        people, self.new_people = self.new_people, []
        if write and people:
            # Checked row by row above, national IDs and cards looked up in the registry
            # (_read_members); an error here means the register changed meanwhile, and the
            # whole import is rolled back.
            loaded = bulk.load_member_histories(
                actor=ctx.actor, people=people, reason=ctx.reason, registry_checked=True
            )
            self.created_ids.extend(loaded.member_ids)

    def finish(self, ctx: Context) -> None:
        self.flush(ctx, write=True)

    def _versions(self, unit: Unit) -> list[UnitVersion]:
        if unit.pk not in self.versions:
            ids = [u.pk for u in self.units.values() if u.pk not in self.versions] + [unit.pk]
            for pk in ids:
                self.versions[pk] = []
            for chunk in _chunks(ids):
                versions = UnitVersion.objects.filter(unit_id__in=chunk).order_by("valid_from")
                for version in versions:
                    self.versions[version.unit_id].append(version)
        return self.versions[unit.pk]

    @staticmethod
    def _admit(member: Member, row: Row, ctx: Context) -> None:
        member_services.admit_member(
            actor=ctx.actor,
            member=member,
            unit=row.data["unit"],
            on=row["joined_on"],
            note=ctx.reason,
        )
