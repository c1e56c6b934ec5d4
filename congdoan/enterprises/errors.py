"""Messages of the enterprise registry's rules (Vietnamese through gettext).

Tax code messages live with the check itself, in core.codes.
"""

from django.utils.translation import gettext_lazy as _

NAME_REQUIRED = _("The enterprise's name is required.")
TAX_CODE_TAKEN = _("Tax code %(tax_code)s is already registered for %(enterprise)s.")
OWNERSHIP_INVALID = _("“%(value)s” is not a kind of ownership.")
STATUS_INVALID = _("“%(value)s” is not an operating status.")
AREA_REQUIRED = _("The unit whose area the enterprise lies in is required.")
AREA_NOT_UPPER_LEVEL = _(
    "%(unit)s is a %(kind)s; an enterprise is placed under the upper-level union whose "
    "area it lies in (a district federation, industrial-zone union, commune union, …)."
)
AREA_ENDED = _("%(unit)s no longer exists; choose the unit that covers that area today.")
OUTSIDE_SCOPE = _(
    "%(unit)s is outside the units you manage, so you may not record enterprises there."
)
UNION_OUTSIDE_SCOPE = _("%(unit)s is outside the units you manage.")
ENTERPRISE_OUTSIDE_SCOPE = _(
    "%(enterprise)s is registered under %(unit)s, outside the units you manage."
)
DATE_REQUIRED = _("A date is required.")
DATE_IN_FUTURE = _("The date %(date)s is after today.")
WORKERS_REQUIRED = _("The number of workers is required.")
WORKERS_NEGATIVE = _("The number of workers cannot be negative (%(workers)s).")
STATUS_UNCHANGED = _("%(enterprise)s is already %(status)s on %(date)s.")
STATUS_DATE_BEFORE_LAST = _(
    "%(enterprise)s has a status change on %(last)s; a new change must be dated after it."
)
STATUS_NOT_YET = _("%(enterprise)s has no recorded status before %(first)s.")
DISSOLVED_FINAL = _(
    "%(enterprise)s was dissolved on %(date)s; a dissolved enterprise cannot change status."
)
NOT_MEMBER_HOLDING = _(
    "%(unit)s is not a grassroots union or guild on %(date)s, so it cannot be the union "
    "in an enterprise."
)
UNION_NOT_THERE = _("%(unit)s did not exist on %(date)s.")
UNION_ALREADY = _(
    "%(enterprise)s already has a union (%(unit)s) from %(start)s; end that link first."
)
UNION_LATER_LINK = _(
    "%(enterprise)s has a union recorded until %(end)s; a new link must start on or after it."
)
UNION_SAME = _("%(unit)s is already the union in %(enterprise)s.")
NO_UNION = _("%(enterprise)s has no union on %(date)s.")
UNLINK_BEFORE_START = _(
    "The link with %(unit)s began on %(start)s; it can only end after that date."
)
ENTERPRISE_DISSOLVED = _("%(enterprise)s is dissolved on %(date)s.")
