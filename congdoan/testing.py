"""Test helpers: make_* factories and shared users of every role."""

import datetime as dt
import itertools

from congdoan.accounts.models import Role, User
from congdoan.org import services as org_services
from congdoan.org.kinds import UnitKind
from congdoan.org.models import Unit

LONG_AGO = dt.date(2000, 1, 1)
_codes = itertools.count(1)


def make_unit(
    *,
    code: str | None = None,
    name: str | None = None,
    kind: str = UnitKind.GRASSROOTS,
    parent: Unit | None = None,
    on: dt.date = LONG_AGO,
) -> Unit:
    number = next(_codes)
    code = code or f"U{number:05d}"
    return org_services.create_unit(
        actor=None, code=code, name=name or f"Đơn vị {code}", kind=kind, parent=parent, on=on
    )


def make_user(*, username: str, unit: Unit | None, role: str = Role.VIEWER, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        password=extra.pop("password", "test-pass-123"),
        unit=unit,
        role=role,
        **extra,
    )
    return user


class Org:
    """A small province: two districts, each with two grassroots unions."""

    def __init__(self) -> None:
        self.province = make_unit(code="P", name="LĐLĐ tỉnh Thử", kind=UnitKind.PROVINCE)
        self.district_a = make_unit(
            code="DA", name="LĐLĐ huyện A", kind=UnitKind.DISTRICT, parent=self.province
        )
        self.district_b = make_unit(
            code="DB", name="LĐLĐ huyện B", kind=UnitKind.DISTRICT, parent=self.province
        )
        self.grassroots_a1 = make_unit(code="DA-1", name="CĐCS A1", parent=self.district_a)
        self.grassroots_a2 = make_unit(code="DA-2", name="CĐCS A2", parent=self.district_a)
        self.grassroots_b1 = make_unit(code="DB-1", name="CĐCS B1", parent=self.district_b)
        self.grassroots_b2 = make_unit(code="DB-2", name="CĐCS B2", parent=self.district_b)

    def refresh(self) -> "Org":
        for value in vars(self).values():
            if isinstance(value, Unit):
                value.refresh_from_db()
        return self


class Users:
    """One user of each role at the province, district A and grassroots A1."""

    def __init__(self, org: Org) -> None:
        self.admin = make_user(username="admin", unit=None, role=Role.ADMIN)
        self.province_manager = make_user(username="tinh", unit=org.province, role=Role.MANAGER)
        self.district_manager = make_user(
            username="huyen_a", unit=org.district_a, role=Role.MANAGER
        )
        self.district_b_manager = make_user(
            username="huyen_b", unit=org.district_b, role=Role.MANAGER
        )
        self.district_viewer = make_user(username="xem_a", unit=org.district_a, role=Role.VIEWER)
        self.district_approver = make_user(
            username="duyet_a", unit=org.district_a, role=Role.APPROVER
        )
        self.clerk = make_user(username="cs_a1", unit=org.grassroots_a1, role=Role.CLERK)


_people = itertools.count(1)


def make_member(
    *,
    unit: Unit | None = None,
    on: dt.date | None = dt.date(2015, 1, 1),
    full_name: str | None = None,
    gender: str = "male",
    birth_date: dt.date | None = dt.date(1990, 5, 17),
    **fields,
):
    """A person, admitted into `unit` on `on` when a unit is given."""
    from congdoan.members import services as member_services

    number = next(_people)
    member = member_services.register_member(
        actor=None, full_name=full_name or f"Nguyễn Văn Thử {number}", gender=gender,
        birth_date=birth_date, **fields,
    )
    if unit is not None:
        member_services.admit_member(actor=None, member=member, unit=unit, on=on)
    return member
