"""Messages of the membership rules (Vietnamese through gettext)."""

from django.utils.translation import gettext_lazy as _

NAME_REQUIRED = _("The member's full name is required.")
GENDER_REQUIRED = _("Gender must be male or female.")
BIRTH_REQUIRED = _("A date or at least a year of birth is required.")
BIRTH_YEAR_MISMATCH = _("The year of birth %(year)s does not match the date of birth %(date)s.")
BIRTH_IN_FUTURE = _("The date of birth %(date)s is in the future.")
NATIONAL_ID_TAKEN = _("National ID %(national_id)s is already registered for a member of %(unit)s.")
NATIONAL_ID_TAKEN_NO_UNIT = _(
    "National ID %(national_id)s is already registered for a person with no current membership."
)
CARD_TAKEN = _("Union card number %(card)s is already used by another member.")
DATE_REQUIRED = _("A date is required.")
DATE_IN_FUTURE = _("The date %(date)s is after today.")
DATE_BEFORE_BIRTH = _("The date %(date)s is before the member was born.")
TOO_YOUNG = _("%(member)s is %(age)s on %(date)s; members must be at least %(min_age)s.")
FOREIGN_TOO_EARLY = _(
    "Foreign workers may join a Vietnamese trade union from %(since)s, not on %(date)s."
)
NOT_GRASSROOTS = _("%(unit)s is not a grassroots union or guild, so it cannot hold members.")
UNIT_NOT_THERE = _("%(unit)s did not exist on %(date)s.")
UNIT_ENDS = _("%(unit)s ended on %(end)s; a membership there cannot run past that date.")
OVERLAP = _("%(member)s already has a membership from %(start)s to %(end)s that overlaps.")
ALREADY_MEMBER = _("%(member)s is already a member (of %(unit)s since %(start)s).")
WAS_MEMBER = _("%(member)s was a member before; use re-admission.")
NEVER_LEFT = _("%(member)s has not left the union; re-admission is for those who left.")
DECEASED = _("%(member)s is recorded as deceased.")
READMIT_TOO_SOON = _(
    "%(member)s left on %(left)s; re-admission is possible from %(earliest)s "
    "(%(months)s months later)."
)
NOT_A_MEMBER = _("%(member)s is not a member on %(date)s.")
NOT_ACTIVE = _("%(member)s is not an active member on %(date)s.")
NOT_SUSPENDED = _("%(member)s is not suspended on %(date)s.")
SUSPENSION_TOO_LONG = _(
    "%(member)s was suspended on %(since)s; a suspension lasts at most %(months)s months "
    "(until %(until)s). Record the member's leaving instead."
)
DATE_BEFORE_SPAN = _("The date %(date)s is not after the current membership began (%(start)s).")
SAME_UNIT = _("%(member)s is already a member of %(unit)s.")
LEAVE_REASON_INVALID = _("“%(reason)s” is not a reason for leaving the union.")
STILL_HOLDS_MEMBERS = _(
    "%(unit)s still has %(count)s memberships on or after %(date)s; "
    "transfer the members or record their leaving first."
)
