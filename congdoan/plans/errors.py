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

# Documents
DOCUMENT_TYPE = _("%(name)s is not a PDF or Word document (allowed: %(allowed)s).")
DOCUMENT_TOO_BIG = _("%(name)s is larger than %(limit)s MB.")
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
