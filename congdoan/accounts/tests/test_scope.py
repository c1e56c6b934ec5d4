import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from congdoan.accounts.scope import scope_for
from congdoan.org import services
from congdoan.org.models import Unit


def visible(user):
    return set(scope_for(user).units().values_list("code", flat=True))


def test_each_user_sees_their_subtree_only(users):
    everything = {"P", "DA", "DB", "DA-1", "DA-2", "DB-1", "DB-2"}
    assert visible(users.admin) == everything
    assert visible(users.province_manager) == everything
    assert visible(users.district_manager) == {"DA", "DA-1", "DA-2"}
    assert visible(users.district_viewer) == {"DA", "DA-1", "DA-2"}
    assert visible(users.clerk) == {"DA-1"}
    assert visible(AnonymousUser()) == set()


def test_get_unit_outside_scope_is_not_found(users, org):
    scope = scope_for(users.district_manager)
    assert scope.get_unit("DA-1") == org.grassroots_a1
    with pytest.raises(Http404):
        scope.get_unit("DB-1")
    with pytest.raises(Http404):
        scope.get_unit("NOPE")


def test_filter_limits_any_queryset_by_its_unit_field(users, org):
    from congdoan.org.models import UnitVersion

    versions = scope_for(users.district_manager).filter(UnitVersion.objects.all())
    assert {v.unit.code for v in versions} == {"DA", "DA-1", "DA-2"}


def test_roles_decide_what_may_be_changed(users, org):
    manager = scope_for(users.district_manager)
    assert manager.can_manage(org.grassroots_a1)
    assert not manager.can_manage(org.district_a), "a unit is reorganised by the level above"
    assert not manager.can_manage(org.grassroots_b1)
    assert manager.can_place_under(org.district_a)
    viewer = scope_for(users.district_viewer)
    assert not viewer.can_manage(org.grassroots_a1)
    clerk = scope_for(users.clerk)
    assert clerk.can_enter_data(org.grassroots_a1)
    assert not clerk.can_enter_data(org.grassroots_a2)
    approver = scope_for(users.district_approver)
    assert approver.can_approve(org.grassroots_a1) and not approver.can_approve(org.district_a)
    assert not approver.can_enter_data(org.grassroots_a1)


def test_scope_follows_reorganisations(users, org):
    services.move_unit(
        actor=None, unit=org.grassroots_b1, parent=org.district_a, on=dt.date(2024, 1, 1)
    )
    assert visible(users.district_manager) == {"DA", "DA-1", "DA-2", "DB-1"}
    services.merge_units(
        actor=None, sources=[org.district_b], into=org.district_a, on=dt.date(2025, 7, 1)
    )
    # The merged district and its history now belong under district A.
    assert visible(users.district_manager) == {"DA", "DA-1", "DA-2", "DB", "DB-1", "DB-2"}
    # A user left at the ended district keeps sight of it alone, not of the units that
    # moved on: those are district A's now.
    users.district_b_manager.refresh_from_db()
    assert visible(users.district_b_manager) == {"DB"}
    assert Unit.objects.get(code="DB").is_active is False
