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
MANAGES_EMPLOYER = _(
    "%(member)s is recorded as an owner or manager of a non-state enterprise or cooperative, "
    "who may not be admitted to the union."
)
FOREIGN_CONTRACT_UNKNOWN = _(
    "Foreign workers may join with a labour contract of indefinite term or of at least "
    "%(months)s months: record the contract's term and length."
)
FOREIGN_CONTRACT_SHORT = _(
    "%(member)s has a labour contract of %(contract)s months; foreign workers may join with "
    "a contract of at least %(months)s months."
)
CONTRACT_TERM_INVALID = _("“%(term)s” is not a kind of labour contract.")
CONTRACT_MONTHS_REQUIRED = _("Give the length in months of a fixed-term contract.")
CONTRACT_MONTHS_WITHOUT_TERM = _(
    "A length in months is for a fixed-term contract; choose “fixed term” or clear it."
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
TRANSFER_PENDING = _(
    "%(member)s already has a transfer to %(unit)s awaiting its answer; withdraw it first."
)
TRANSFER_DECIDED = _("This transfer of %(member)s has already been answered: %(status)s.")
TRANSFER_STALE = _(
    "The membership of %(member)s has changed since the transfer was asked; the sending "
    "union must withdraw the request and ask again."
)
DECLINE_REASON_REQUIRED = _("Say why the transfer is declined; the sending union will see it.")
DESTINATION_REQUIRED = _("Say which union, outside this system, the member moves to.")
TRANSFER_ONE_DESTINATION = _(
    "Choose one destination: a union from the list, the code of another union, or a union "
    "outside this system."
)
# Possible duplicate people (members.duplicates).
MERGE_OVERLAP = _(
    "The two records cannot be merged: their memberships overlap (%(periods)s). One person "
    "cannot be a member twice at the same time; correct one of the histories first."
)
MERGE_TWO_NATIONAL_IDS = _(
    "Both records have a national ID and the numbers differ: they are two different people."
)
MERGE_KEEP_INVALID = _("Choose which of the two records to keep.")
MERGE_REASON_REQUIRED = _("Say why the two records are one person, e.g. the papers checked.")
ALREADY_MERGED = _("The record of %(member)s has already been merged into another record.")
PAIR_RESOLVED = _("This possible duplicate has already been resolved: %(status)s.")
