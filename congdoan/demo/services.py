"""Load the demo: Sóc Trăng and Cần Thơ from 1992 to today, the 2025 reform, synthetic members
and demo users.

Deterministic for a given seed, size and day. Everything is written through the services
(org.services for units, members.bulk and members.services for members) in one
transaction, so a failure leaves nothing behind. The units come from demo.units and the
members from demo.members, in the order production would record them (see load_demo).
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy

from congdoan.accounts.models import User
from congdoan.analytics import services as analytics_services
from congdoan.demo import data
from congdoan.demo.campaigns import load_campaigns
from congdoan.demo.enterprises import Enterprises
from congdoan.demo.members import Members
from congdoan.demo.plans import load_plan
from congdoan.demo.units import UnitBuilder
from congdoan.members import selectors as member_selectors
from congdoan.members import span_hooks
from congdoan.org import services as org_services
from congdoan.org.forest import forest_as_of
from congdoan.org.kinds import MEMBER_HOLDING
from congdoan.org.models import Unit

ALREADY_HAS_DATA = gettext_lazy(
    "The database already holds units or users that are not the demo's; "
    "load the demo into an empty database (e.g. a fresh CONGDOAN_VAR_DIR)."
)
END_2023 = dt.date(2023, 12, 31)


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    unit: Unit | None
    note: str


@dataclass
class Summary:
    units: int
    active_units: int
    grassroots_2023: int
    grassroots_today: int
    members_2023: int = 0  # Sóc Trăng (LDLD-ST) on 31/12/2023, as the structure was
    members_today: int = 0  # Cần Thơ (LDLD-CT) today, in today's structure
    logins: list[Login] = field(default_factory=list)


def is_loaded() -> bool:
    """Whether the demo has been loaded into this database."""
    return (
        Unit.objects.filter(code=data.UPPER_UNITS[0].code).exists()
        and User.objects.filter(username=data.DEMO_USERS[0].username).exists()
    )


def demo_logins() -> list[Login]:
    """The demo users that exist, in the order they are presented."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[d.username for d in data.DEMO_USERS])
        .select_related("unit")
    }
    return [
        Login(d.username, users[d.username].role, users[d.username].unit, d.note)
        for d in data.DEMO_USERS
        if d.username in users
    ]


def summarise(*, today: dt.date) -> Summary:
    """Counts that show the demo's size: units, grassroots unions and members, then and now."""

    def grassroots_on(day: dt.date) -> int:
        return sum(1 for n in forest_as_of(day).nodes.values() if n.kind in MEMBER_HOLDING)

    def members(code: str, day: dt.date, structure: str) -> int:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            return 0
        return member_selectors.count_members(unit=unit, on=day, structure=structure).members

    return Summary(
        units=Unit.objects.count(),
        active_units=Unit.objects.filter(is_active=True).count(),
        grassroots_2023=grassroots_on(END_2023),
        grassroots_today=grassroots_on(today),
        members_2023=members("LDLD-ST", END_2023, member_selectors.AS_WAS),
        members_today=members("LDLD-CT", today, member_selectors.CURRENT),
        logins=demo_logins(),
    )


@transaction.atomic
def load_demo(*, today: dt.date, seed: int = data.SEED, size: int = 1000) -> Summary:
    """Load the demo structure, its members and users into an empty database.

    `size` is the number of Sóc Trăng grassroots unions founded before 2020 (about 1,000 in
    the real province); growth, history and members scale with it, so tests can load a
    small demo. `today` (on or after the 2025 reform) leaves out what the demo dates after it.
    """
    if today < data.REFORM:
        raise ValueError("The demo needs a day on or after the 2025 reform.")
    if Unit.objects.exists() or User.objects.filter(
        username__in=[d.username for d in data.DEMO_USERS]
    ).exists():
        raise ValidationError(ALREADY_HAS_DATA, code="already_has_data")
    # The counts kept for dashboards are made once at the end, not span by span.
    with span_hooks.paused():
        units = UnitBuilder(rng=random.Random(seed), today=today, size=size)
        units.build_until_reform()
        members = Members(seed=seed, today=today, size=size, state=units.state)
        # Members' spans exist before the reform, so org's hooks end or carry them over on
        # 01/07/2025 as they would in production; what follows is recorded after it.
        members.load_until_reform()
        enterprises = Enterprises(seed=seed, today=today, size=size, places=units.place,
                                  state=units.state)
        enterprises.load_until_reform()
        units.reform()
        members.at_reform()
        units.after_reform()
        members.load_after_reform()
        enterprises.load_after_reform()
        org_services.refresh_current_structure()
        # Campaigns in every stage at the uncovered enterprises, some recognised on the way.
        load_campaigns(rng=random.Random(seed + 1), today=today, count=max(6, 60 * size // 1000))
        load_plan(today=today)
    analytics_services.rebuild()
    units.create_users()
    with connection.cursor() as cursor:
        # Statistics for the query planner now that the tables are full, so that the first
        # pages are planned well too (SQLite keeps none of its own accord).
        cursor.execute("ANALYZE")
    return summarise(today=today)
