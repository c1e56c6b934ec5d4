"""Setting the registry employer of many people at once."""

import datetime as dt

import pytest

from congdoan.analytics import rollup
from congdoan.analytics import services as analytics_services
from congdoan.core.models import AuditEntry
from congdoan.enterprises.models import Ownership
from congdoan.enterprises.tests.factory import make_enterprise
from congdoan.members.employers import set_employer
from congdoan.members.models import Member
from congdoan.testing import Org, make_member

pytestmark = pytest.mark.django_db


def test_people_get_the_employer_audited_and_counted_in_its_sector():
    org = Org()
    company = make_enterprise(area_unit=org.district_a, ownership=Ownership.NON_STATE)
    people = [make_member(unit=org.grassroots_a1, on=dt.date(2024, 1, 5)) for _ in range(3)]
    named = make_member(unit=org.grassroots_a1, on=dt.date(2024, 1, 5), employer_name="Xưởng A")
    analytics_services.rebuild()
    ids = [p.pk for p in [*people, named]]
    assert set_employer(actor=None, enterprise=company, member_ids=ids, reason="Nạp") == 4
    assert set(Member.objects.filter(pk__in=ids).values_list("enterprise", flat=True)) == {
        company.pk
    }
    # Words on the papers are kept; where there were none, the registry's name fills them.
    assert Member.objects.get(pk=named.pk).employer_name == "Xưởng A"
    assert Member.objects.get(pk=people[0].pk).employer_name == company.name
    entries = AuditEntry.objects.filter(operation="set_employer")
    assert entries.count() == 4
    assert entries.get(object_id=str(named.pk)).after == {"enterprise": str(company.pk)}
    # The kept counts move the people into the non-state sector, as a rebuild would.
    figures = rollup.rollup_on(dt.date(2024, 6, 1)).of(org.province.pk)
    assert figures["non_state"] == 4
    analytics_services.rebuild()
    assert rollup.rollup_on(dt.date(2024, 6, 1)).of(org.province.pk)["non_state"] == 4
    # Again: nothing changes, nothing is recorded.
    assert set_employer(actor=None, enterprise=company, member_ids=ids) == 0
    assert AuditEntry.objects.filter(operation="set_employer").count() == 4
