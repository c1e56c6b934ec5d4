"""Access scope: the one helper every user-triggered query goes through.

A user sees their own unit and everything under it in today's structure (units that have
ended count under the unit that carried their history on). System administrators see all.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from congdoan.accounts.models import Role
from congdoan.org.models import Unit

READ_ROLES = frozenset(Role.values)
MANAGE_ROLES = frozenset({Role.ADMIN, Role.MANAGER})
ENTER_DATA_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.CLERK})
APPROVE_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.APPROVER})


@dataclass(frozen=True)
class Scope:
    role: str
    unit: Unit | None
    is_everything: bool

    @property
    def path(self) -> str | None:
        return None if self.is_everything else (self.unit.path if self.unit else "")

    def units(self) -> QuerySet[Unit]:
        """Every unit this user may read."""
        return self.filter(Unit.objects.all(), "")

    def filter(self, queryset: QuerySet, unit_field: str = "unit") -> QuerySet:
        """Limit any queryset to rows whose `unit_field` lies in scope ('' for units)."""
        if self.is_everything:
            return queryset
        lookup = f"{unit_field}__path__startswith" if unit_field else "path__startswith"
        if not self.path:
            return queryset.none()
        return queryset.filter(**{lookup: self.path})

    def contains(self, unit: Unit | None) -> bool:
        if unit is None:
            return False
        return self.is_everything or bool(self.path) and unit.path.startswith(self.path)

    def unit_ids(self) -> set[int] | None:
        """Ids of every unit in scope, or None meaning all of them."""
        if self.is_everything:
            return None
        return set(self.units().values_list("pk", flat=True))

    def can_manage(self, unit: Unit) -> bool:
        """May reorganise `unit`: a manager manages what is under their unit, not the unit."""
        if self.is_everything:
            return True
        return (
            self.role in MANAGE_ROLES
            and self.contains(unit)
            and unit.pk != self.unit.pk
        )

    def can_place_under(self, parent: Unit) -> bool:
        """May put units under `parent` (their own unit included)."""
        return self.is_everything or (self.role in MANAGE_ROLES and self.contains(parent))

    def can_enter_data(self, unit: Unit) -> bool:
        if self.is_everything:
            return True
        if self.role == Role.CLERK:
            return unit.pk == self.unit.pk
        return self.role in MANAGE_ROLES and self.contains(unit)

    def can_approve(self, unit: Unit) -> bool:
        return self.is_everything or (
            self.role in APPROVE_ROLES and self.contains(unit) and unit.pk != self.unit.pk
        )

    def get_unit(self, code: str) -> Unit:
        """The unit with `code` if in scope; 404 otherwise, so outsiders learn nothing."""
        unit = self.units().filter(code=code).first()
        if unit is None:
            raise Http404(code)
        return unit


def scope_for(user) -> Scope:
    """The scope of a signed-in user (anonymous users see nothing)."""
    if not getattr(user, "is_authenticated", False):
        return Scope(role=Role.VIEWER, unit=None, is_everything=False)
    if user.is_superuser or user.role == Role.ADMIN:
        return Scope(role=Role.ADMIN, unit=user.unit, is_everything=True)
    return Scope(role=user.role, unit=user.unit, is_everything=False)
