"""Messages of the plans' rules (Vietnamese through gettext)."""

from django.utils.translation import gettext_lazy as _

# Indicators
CODE_INVALID = _(
    "“%(code)s” is not a valid code: use letters, digits and underscores, starting with a "
    "letter, so formulas can name it."
)
CODE_TAKEN = _("Code %(code)s is already used by %(other)s.")
NAME_REQUIRED = _("A name is required.")
CHOICE_INVALID = _("“%(value)s” is not a valid %(field)s.")
CALCULATOR_REQUIRED = _("A computed indicator needs one of the built-in calculators.")
CALCULATOR_UNKNOWN = _("“%(calculator)s” is not a built-in calculator.")
FORMULA_REQUIRED = _("A formula indicator needs a formula.")
FORMULA_UNKNOWN_CODES = _("The formula uses indicators that do not exist: %(codes)s.")
RATIO_PARTS_REQUIRED = _(
    "An indicator aggregated as a ratio needs a numerator and a denominator indicator."
)
RATIO_PARTS_SAME = _("The numerator and the denominator must be different indicators.")
RATIO_PARTS_NOT_SUMMED = _(
    "%(indicator)s does not add up the tree, so it cannot be the numerator or denominator "
    "of a ratio."
)
NOT_ALLOWED_INDICATORS = _("You may not define indicators.")

# Plans and periods
PLAN_CODE_TAKEN = _("Plan code %(code)s is already used by %(other)s.")
TITLE_REQUIRED = _("A title is required.")
DATES_REQUIRED = _("Start and end dates are required.")
DATES_OUT_OF_ORDER = _("The end (%(end)s) comes before the start (%(start)s).")
OWNER_OUTSIDE_SCOPE = _("%(unit)s is outside the units you manage, so you may not plan for it.")
PLAN_OUTSIDE_SCOPE = _("The plan %(plan)s belongs to %(unit)s, which you do not manage.")
PLAN_CLOSED = _("The plan %(plan)s is closed; its targets can no longer change.")
LABEL_REQUIRED = _("A period needs a label, e.g. 2022 or 2022–2023.")
PERIOD_LABEL_TAKEN = _("The plan already has a period %(label)s.")
PERIOD_OUTSIDE_PLAN = _(
    "The period %(start)s – %(end)s is not inside the plan's dates (%(plan_start)s – %(plan_end)s)."
)
PERIOD_NOT_OF_PLAN = _("The period %(period)s does not belong to this plan.")
INDICATOR_NOT_IN_PLAN = _("The plan does not use the indicator %(indicator)s.")

PLAN_CODE_INVALID = _(
    "“%(code)s” cannot be a plan code: use letters, digits, dots, dashes and underscores "
    "(no slashes or spaces, the code is part of the plan's web address), e.g. PTDV-2023."
)
PLAN_CODE_RESERVED = _("“%(code)s” is a word the plan pages use; choose another code.")
PLAN_STATUS_STEP = _(
    "The plan %(plan)s is %(current)s; it can only move forward (draft → in force → closed)."
)
PLAN_STATUS_SAME = _("The plan %(plan)s is already %(current)s.")
PLAN_NOT_EDITABLE = _("The plan %(plan)s is closed and can no longer be changed.")
PLAN_DATES_CUT_PERIODS = _(
    "The new dates (%(start)s – %(end)s) would leave out the period %(period)s; change or "
    "keep the dates so every period fits inside them."
)
INDICATOR_HAS_TARGETS = _(
    "The plan has targets for %(indicator)s, so it must keep using that indicator."
)
INDICATOR_EDIT_NOT_ALLOWED = _(
    "%(indicator)s is used by the plan %(plan)s, which you do not manage, so you may not "
    "change what it means."
)
TARGET_CELLS_STALE = _(
    "Nothing was saved: these targets were changed by someone else since you opened the "
    "page: %(cells)s. Reload the page to see the new values, then try again."
)
TARGET_CELLS_REFUSED = _("Nothing was saved: %(count)s of the changed targets were refused.")
NO_TARGET_GIVEN = _("Enter at least one target.")

# Documents
DOCUMENT_TYPE = _("%(name)s is not a PDF or Word document (allowed: %(allowed)s).")
FILE_TOO_BIG = _("%(name)s is larger than %(limit)s MB.")
DOCUMENT_TITLE_REQUIRED = _("The document needs a title.")

# Targets
VALUE_REQUIRED = _("A target value is required.")
VALUE_NEGATIVE = _("A target cannot be negative (%(value)s).")
VALUE_INVALID = _("“%(value)s” is not a number.")
UNIT_OUTSIDE_PLAN = _("%(unit)s is not under %(owner)s on %(date)s, so it has no target here.")
TARGET_NOT_ALLOWED = _(
    "Only the plan owner sets the target of %(unit)s; the target of a unit is set by the "
    "unit directly above it (%(parent)s on %(date)s)."
)
NOT_A_CHILD = _("%(unit)s is not directly under %(parent)s on %(date)s.")

# Tasks and solutions
DUE_INVALID = _(
    "“%(value)s” is not a deadline: write a date (15/03/2022), a month (03/2022), a quarter "
    "(Q1-2022 or Quý I/2022), a year (2023) or “thường xuyên” (ongoing)."
)
TASKS_PLAN_CLOSED = _("The plan %(plan)s is closed; its tasks can no longer change.")
GROUP_NUMBER_TAKEN = _("The plan already has a group number %(number)s.")
TASK_NUMBER_TAKEN = _("The group already has a task number %(number)s.")
NUMBER_INVALID = _("The number must be a whole number from 1 (not “%(value)s”).")
TASK_TITLE_REQUIRED = _("Describe the task.")
RESPONSIBLE_OUTSIDE_PLAN = _(
    "%(unit)s is not %(owner)s nor a unit under it, so it cannot answer for a task of this plan."
)
REPORT_UNIT_NOT_RESPONSIBLE = _(
    "%(unit)s is not responsible for this task: report for one of its responsible units or "
    "for the plan's owner."
)
REPORT_NOT_ALLOWED = _(
    "You may not report progress for %(unit)s: the plan owner's managers and the managers "
    "and clerks of a responsible unit report, each for their own unit."
)
REPORT_TEXT_REQUIRED = _("Say what was done.")
REPORT_DATE_REQUIRED = _("The date of the update is required.")
REPORT_DATE_IN_FUTURE = _("The date %(date)s is in the future.")
REPORT_DATE_BEFORE_PLAN = _("The date %(date)s is before the plan starts (%(start)s).")
PROGRESS_INVALID = _("Progress is a percentage from 0 to 100 (not “%(value)s”).")
ATTACHMENT_TYPE = _("%(name)s is not an allowed file (allowed: %(allowed)s).")

# Reported values
REPORTED_ONLY = _(
    "%(indicator)s is not reported by units: its values are computed or come from a formula."
)
REPORTED_NOT_ALLOWED = _(
    "You may not enter figures for %(unit)s: its clerks and managers, the managers of the "
    "units above it and administrators do."
)
REPORTED_UNIT_NOT_ALIVE = _(
    "%(unit)s did not exist on %(date)s, so it has no figure for a span ending that day."
)
REPORTED_SUB_UNIT = _("%(unit)s is part of a grassroots union, which reports for it.")
REPORTED_SPAN_NOT_CALENDAR = _("%(start)s – %(end)s is not a whole month, quarter or year.")
REPORTED_SPAN_IN_FUTURE = _(
    "%(start)s – %(end)s has not started yet: figures are reported for spans under way or past."
)
REPORTED_VALUE_REQUIRED = _("A figure is required.")
REPORTED_VALUE_NEGATIVE = _("A figure cannot be negative (%(value)s).")
REPORTED_REASON_REQUIRED = _("Say why the figure of %(unit)s changes from %(before)s to %(after)s.")
REPORTED_STALE = _(
    "The figure of %(unit)s has changed since you opened the page (it is now %(value)s). "
    "Reload the page and try again."
)
