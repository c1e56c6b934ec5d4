"""Messages of the rules that reorganisations enforce (Vietnamese through gettext)."""

from django.utils.translation import gettext_lazy as _

DATE_REQUIRED = _("An effective date is required.")
DATE_IN_FUTURE = _(
    "The effective date %(date)s is after today; record a change once it has taken effect."
)
DATE_BEFORE_HISTORY = _(
    "The effective date %(date)s is before %(start)s, when union history begins here."
)
DATE_BEFORE_LAST_CHANGE = _(
    "%(unit)s already has a change effective %(last)s; "
    "a new change must be effective on or after that date."
)
CODE_REQUIRED = _("A unit code is required.")
CODE_INVALID = _("The unit code “%(code)s” may contain only letters, digits, “-”, “_” and “.”.")
CODE_TAKEN = _("The unit code %(code)s is already used by %(unit)s.")
NAME_REQUIRED = _("A unit name is required.")
NAME_TAKEN = _("%(parent)s already has a unit named “%(name)s” at that time (%(other)s).")
KIND_INVALID = _("“%(kind)s” is not a known kind of unit.")
KIND_NOT_ALLOWED = _("A %(child_kind)s cannot be placed under a %(parent_kind)s (%(parent)s).")
KIND_NEEDS_PARENT = _("A %(kind)s must have a parent unit.")
CHILD_KIND_CONFLICT = _("%(child)s (%(child_kind)s) cannot stay under a %(kind)s.")
NOT_ACTIVE = _("%(unit)s does not exist on %(date)s.")
PARENT_NOT_ACTIVE = _("The parent unit %(parent)s does not exist on %(date)s.")
PARENT_ENDS = _("The parent unit %(parent)s ends on %(end)s, so it cannot take new units.")
CYCLE = _("%(unit)s cannot be placed under %(parent)s, which is inside it.")
NOTHING_CHANGES = _("Nothing changes: %(unit)s already has that value.")
MERGE_NEEDS_SOURCES = _("Choose at least one unit to merge.")
MERGE_INTO_ITSELF = _("%(unit)s cannot be merged into itself.")
MERGE_INTO_DESCENDANT = _("%(unit)s cannot be merged into %(target)s, which is inside it.")
SPLIT_NEEDS_PARTS = _("A split needs at least two resulting units.")
SPLIT_UNKNOWN_PART = _(
    "%(child)s is assigned to %(part)s, which is not one of the resulting units."
)
SPLIT_NOT_A_CHILD = _("%(child)s is not directly under %(unit)s on %(date)s.")
DISSOLVE_HAS_CHILDREN = _(
    "%(unit)s still has %(count)s units under it on %(date)s; move or dissolve them first."
)
DUPLICATE_IN_REQUEST = _("The unit code %(code)s appears more than once.")
END_SAME_DAY = _("%(unit)s began on %(date)s and cannot end on the same day.")
