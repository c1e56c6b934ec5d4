"""What can go wrong in an import: named messages (Vietnamese through gettext) and exceptions."""

from django.utils.translation import gettext_lazy as _

# --- the file as a whole -------------------------------------------------------------------
NOT_FOUND = _("The file “%(file)s” does not exist or cannot be opened.")
UNSUPPORTED_FORMAT = _(
    "“%(file)s” is not a file this system can import: use Excel (.xlsx, .xls), "
    "OpenDocument (.ods) or CSV (.csv)."
)
CORRUPT = _(
    "“%(file)s” could not be read as a %(format)s file: it may be damaged or saved in "
    "another format. Open it in Excel and save it again as .xlsx."
)
PASSWORD = _("“%(file)s” is protected by a password; save a copy without one and import that.")
EMPTY = _("“%(file)s” is empty.")
TOO_BIG = _(
    "“%(file)s” is %(size)s MB; at most %(limit)s MB can be imported at once. Split the list "
    "into several files."
)
UNPACKS_TOO_BIG = _(
    "“%(file)s” would unpack to %(size)s MB of spreadsheet data (at most %(limit)s MB): it "
    "is not an ordinary list. Open it in Excel, keep only the data and save it again."
)
NOT_TEXT = _("“%(file)s” is not a text CSV file.")
ENCODING = _(
    "“%(file)s” is neither UTF-8 nor Windows-1258 text; save it as “CSV UTF-8” and try again."
)
MISSING_COLUMNS = _(
    "No header row with the required columns was found. Missing: %(missing)s. "
    "Columns found: %(found)s."
)
NOTHING_FOUND = _("none")

# --- one cell or row -----------------------------------------------------------------------
REQUIRED = _("This value is required.")
INVALID_DATE = _("“%(value)s” is not a valid date; write it as dd/mm/yyyy.")
YEAR_ONLY = _("Only the year (%(value)s) is given; a full date dd/mm/yyyy is needed.")
INVALID_INTEGER = _("“%(value)s” is not a whole number.")
INVALID_TEXT = _("“%(value)s” is not text.")
TOO_LONG = _("At most %(limit)s characters are allowed; this has %(length)s.")
FORMULA_NOT_CALCULATED = _(
    "This cell holds a formula whose result was never calculated (the program that wrote "
    "the file does not calculate). Open the file in Excel, save it and upload it again."
)


def _format(message, params: dict) -> str:
    return str(message) % params if params else str(message)


class ImportFileError(Exception):
    """The file as a whole cannot be imported; no row of it was looked at."""

    def __init__(self, message, *, code: str, **params) -> None:
        self.code, self.template, self.params = code, message, params
        super().__init__(code)

    @property
    def message(self) -> str:
        return _format(self.template, self.params)

    def __str__(self) -> str:
        return self.message


class UnreadableFile(ImportFileError):
    """Missing, empty, damaged, not a spreadsheet, or in an unknown encoding."""


class MissingColumns(ImportFileError):
    """No row of the file names every required column."""


class UnknownImportKind(LookupError):
    """No import spec is registered under that name."""


class Invalid(Exception):
    """A value or row is not acceptable: machine code, message, and the column key if any."""

    def __init__(self, message, *, code: str, column: str | None = None, **params) -> None:
        self.code, self.column, self.template, self.params = code, column, message, params
        super().__init__(code)

    @property
    def message(self) -> str:
        return _format(self.template, self.params)

    def __str__(self) -> str:
        return self.message


# --- options of a kind ---------------------------------------------------------------------
OPTION_NOT_USED = _("%(options)s is not used when importing %(kind)s.")


class BadOption(ImportFileError):
    """An option the kind needs is missing or names nothing (e.g. an unknown plan code)."""


class UnknownColumns(ImportFileError):
    """Header cells the kind cannot place (a target column naming no indicator or period)."""


# --- targets -------------------------------------------------------------------------------
PLAN_REQUIRED = _("Importing targets needs the plan they belong to: give --plan CODE.")
UNKNOWN_PLAN = _("No plan has the code “%(value)s”.")
UNKNOWN_INDICATOR = _(
    "The plan %(plan)s has no indicator “%(value)s”; its indicators are: %(indicators)s."
)
NO_UNIT_COLUMN = _(
    "No unit column was found: the file needs the unit's code (“Mã đơn vị”) or its name "
    "(“Tên đơn vị”). Columns found: %(found)s."
)
NO_TARGET_COLUMNS = _(
    "No column names an indicator and a period of the plan %(plan)s (its indicators: "
    "%(indicators)s; its periods: %(periods)s). Columns found: %(found)s."
)
UNKNOWN_TARGET_COLUMNS = _(
    "These columns name no indicator and period of the plan %(plan)s, or repeat another "
    "column: %(columns)s. Its indicators: %(indicators)s. Its periods: %(periods)s."
)
PERIOD_ONLY_HINT = _("A sheet whose columns name only periods needs --indicator CODE.")
UNKNOWN_UNIT = _("No unit has the code %(value)s.")
UNIT_NAME_MISMATCH = _("The unit %(unit)s is “%(name)s”, not “%(value)s”: check the code.")
UNIT_MISSING = _("This row has targets but neither a unit code nor a unit name.")
NO_UNIT_NAMED = _("No unit under %(owner)s is named “%(value)s”; give the unit's code.")
SEVERAL_UNITS_NAMED = _(
    "Several units under %(owner)s are named “%(value)s” (%(codes)s); give the unit's code."
)
DUPLICATE_UNIT = _("The unit %(unit)s already appears on row %(first)s of this file.")

# --- members -------------------------------------------------------------------------------
NO_MEMBER_UNIT = _(
    "No unit column was found: the file needs the grassroots union's code (“Mã CĐCS”), "
    "or give --unit CODE for every row. Columns found: %(found)s."
)
UNKNOWN_UNIT_OPTION = _("--unit %(value)s: no unit has this code.")
NO_GENDER_COLUMN = _(
    "No gender column was found: the file needs “Giới tính” (Nam / Nữ) or two columns "
    "“Nam” and “Nữ” marked with x. Columns found: %(found)s."
)
UNKNOWN_GENDER = _("“%(value)s” is not a gender; write Nam or Nữ.")
UNKNOWN_MARK = _("“%(value)s” is not a mark; write x or leave the cell empty.")
GENDER_BOTH = _("Both Nam and Nữ are marked; mark only one.")
GENDER_NONE = _("Neither Nam nor Nữ is marked; mark one.")
UNKNOWN_NATIONALITY = _(
    "“%(value)s” is not a nationality this system knows; write Việt Nam or the country's "
    "two-letter code (CN, KR, …)."
)
UNKNOWN_ENTERPRISE = _(
    "No enterprise has the tax code %(value)s; register the enterprise first or leave the "
    "cell empty."
)
MEMBER_UNIT_OUTSIDE_SCOPE = _(
    "You may not enter members of %(unit)s: it is outside the units you manage."
)
DUPLICATE_NATIONAL_ID = _("National ID %(value)s already appears on row %(first)s of this file.")
DUPLICATE_CARD = _("Union card number %(value)s already appears on row %(first)s of this file.")
DUPLICATE_PERSON = _(
    "A member with the same name and date of birth in the same union already appears on "
    "row %(first)s of this file."
)
MEMBER_IN_OTHER_UNIT = _(
    "This person is a member of %(unit)s, not of %(row_unit)s: record a transfer instead of "
    "importing them here."
)
MEMBER_LEFT = _(
    "This person is registered but left the union on %(date)s; re-admit them from their page."
)
CARD_OTHER_PERSON = _(
    "Union card number %(card)s belongs to a member whose national ID is not %(value)s."
)
