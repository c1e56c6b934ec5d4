import datetime as dt

import pytest

from congdoan.enterprises import services
from congdoan.enterprises.models import Status
from congdoan.enterprises.tests.factory import make_enterprise
from congdoan.org import services as org_services
from congdoan.testing import make_member

D = dt.date


@pytest.fixture
def registry(org):
    """Eight enterprises whose coverage is counted by hand in the tests below.

    E1 DA 120 workers, union A1 since 2019 · E2 DA 45, union A2 founded 1 Mar 2022 ·
    E3 DB 15 → 35 workers on 1 Jan 2022 · E4 DB 80, dissolved 1 Sep 2022 ·
    E5 DA 300, suspended 1 Mar 2021 – 1 Jan 2022 · E6 DB 25, registered 1 May 2022 with
    union B1 from 1 Jun 2022 · E7 DA 19 (under the threshold) · E8 DB exactly 20.
    """
    e = {}
    start = D(2020, 1, 1)
    e[1] = make_enterprise(area_unit=org.district_a, workers=120, on=start, name="E1")
    e[2] = make_enterprise(area_unit=org.district_a, workers=45, on=start, name="E2")
    e[3] = make_enterprise(area_unit=org.district_b, workers=15, on=start, name="E3")
    e[4] = make_enterprise(area_unit=org.district_b, workers=80, on=start, name="E4")
    e[5] = make_enterprise(area_unit=org.district_a, workers=300, on=start, name="E5")
    e[6] = make_enterprise(area_unit=org.district_b, workers=25, on=D(2022, 5, 1), name="E6")
    e[7] = make_enterprise(area_unit=org.district_a, workers=19, on=start, name="E7")
    e[8] = make_enterprise(area_unit=org.district_b, workers=20, on=start, name="E8")
    union_a2 = org_services.create_unit(
        actor=None, code="DA-3", name="CĐCS Công ty E2", kind="grassroots",
        parent=org.district_a, on=D(2022, 3, 1),
    )  # fmt: skip
    link = {"actor": None}
    services.link_union(**link, enterprise=e[1], union=org.grassroots_a1, on=D(2019, 1, 1))
    services.link_union(**link, enterprise=e[2], union=union_a2, on=D(2022, 3, 1))
    services.link_union(**link, enterprise=e[6], union=org.grassroots_b1, on=D(2022, 6, 1))
    services.record_headcount(**link, enterprise=e[3], as_of=D(2022, 1, 1), workers=35)
    services.change_status(**link, enterprise=e[4], status=Status.DISSOLVED, on=D(2022, 9, 1))
    services.change_status(**link, enterprise=e[5], status=Status.SUSPENDED, on=D(2021, 3, 1))
    services.change_status(**link, enterprise=e[5], status=Status.OPERATING, on=D(2022, 1, 1))
    for _ in range(3):
        make_member(unit=org.grassroots_a1, on=D(2021, 1, 1))
    make_member(unit=union_a2, on=D(2022, 3, 1))
    org.union_a2 = union_a2
    org.e = e
    return org
