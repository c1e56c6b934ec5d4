"""Messages of the organizing rules (Vietnamese through gettext)."""

from django.utils.translation import gettext_lazy as _

OWNER_REQUIRED = _("Choose the upper-level union in charge of the case.")
OWNER_NOT_UPPER_LEVEL = _(
    "%(unit)s is not an upper-level union; a case is run by a province federation, district "
    "federation, sector, industrial-zone or commune union."
)
OWNER_ENDED = _("%(unit)s no longer exists; choose the unit in charge today.")
OWNER_OUTSIDE_SCOPE = _("You may not run cases for %(unit)s.")
ENTERPRISE_OUTSIDE_SCOPE = _("%(enterprise)s is outside the units you manage.")
ENTERPRISE_HAS_UNION = _("%(enterprise)s already has a grassroots union (%(unit)s).")
ENTERPRISE_NOT_OPERATING = _("%(enterprise)s is not operating on %(date)s.")
CASE_ALREADY_OPEN = _(
    "%(enterprise)s already has an open case, run by %(unit)s; continue that one."
)
DATE_REQUIRED = _("A date is required.")
DATE_IN_FUTURE = _("The date %(date)s is after today.")
DATE_BEFORE_LAST = _(
    "The case's last step is dated %(last)s; a new step cannot be dated before it."
)
CASE_CLOSED = _("The case of %(enterprise)s is %(state)s; it can no longer change.")
CASE_PAUSED = _("The case of %(enterprise)s is paused; resume it first.")
NOT_PAUSED = _("The case of %(enterprise)s is not paused.")
ALREADY_PAUSED = _("The case of %(enterprise)s is already paused.")
REASON_REQUIRED = _("Say why, e.g. what the enterprise answered.")
LAST_STAGE_NEEDS_DECISION = _(
    "A case reaches “recognised” only with the recognition decision: fill in the recognition form."
)
FIRST_STAGE = _("The case is at its first stage; there is no step to go back to.")
STAGE_CHANGED = _("The case is now at “%(stage)s”, not “%(expected)s”: someone moved it meanwhile.")
NEXT_STEP_REQUIRED = _("Say what the next step is, or clear its due date too.")
DUE_BEFORE_OPENED = _("The due date %(date)s is before the case was opened (%(opened)s).")
NAME_REQUIRED = _("The applicant's full name is required.")
GENDER_REQUIRED = _("Gender must be male or female.")
BIRTH_REQUIRED = _("A date or at least a year of birth is required.")
BIRTH_IN_FUTURE = _("The date of birth %(date)s is in the future.")
TOO_YOUNG = _("%(name)s is %(age)s on %(date)s; members must be at least %(min_age)s.")
APPLICANT_TWICE = _("National ID %(national_id)s is already on this case's list (%(name)s).")
APPLICANT_NOT_IN_CASE = _("This applicant is not on the list of this case.")
NOT_AT_CONGRESS = _(
    "A union is recognised after its founding congress; the case is at “%(stage)s”."
)
DECISION_NUMBER_REQUIRED = _("The number of the recognition decision is required.")
DECISION_BEFORE_CONGRESS = _(
    "The decision date %(date)s is before the founding congress (%(congress)s)."
)
TOO_FEW_APPLICANTS = _(
    "The charter needs at least %(min)s applicants to found a union; this case has %(count)s."
)
APPLICANT_REFUSED = _("Applicant %(name)s cannot be admitted: %(reason)s")
APPLICANT_OTHER_PERSON = _(
    "The national ID of applicant %(name)s belongs to a person recorded under another name; "
    "check the number."
)
