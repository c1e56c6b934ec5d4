"""The columns of a member roster: the headers clerks write and how their cells are read."""

from django.core.exceptions import ValidationError

from congdoan.core.codes import clean_tax_code
from congdoan.core.text import loose_key
from congdoan.imports import cells, errors
from congdoan.imports.errors import Invalid
from congdoan.imports.specs.base import Column
from congdoan.imports.specs.units import unit_code
from congdoan.members.models import Gender

_MALE = frozenset({"nam", "m", "male", "namgioi", "trai"})
_FEMALE = frozenset({"nu", "f", "female", "nugioi", "gai"})
_MARKED = frozenset({"x", "v", "1", "co", "yes", "true"})
_UNMARKED = frozenset({"0", "khong", "no", "false"})
_NATIONALITIES = {
    "vietnam": "VN",
    "vn": "VN",
    "trungquoc": "CN",
    "hanquoc": "KR",
    "nhatban": "JP",
    "dailoan": "TW",
    "lao": "LA",
    "campuchia": "KH",
    "thailan": "TH",
    "philippines": "PH",
    "hoaky": "US",
    "my": "US",
}


#: Cells already read as a gender: a column holds a handful of spellings, each seen on
#: thousands of rows. Bounded, for a column of odd values.
_GENDER_SEEN: dict[str, str] = {}


def gender(value) -> str:
    """Nam / Nữ (any case, with or without accents) → the stored gender."""
    if value.__class__ is str and (known := _GENDER_SEEN.get(value)) is not None:
        return known
    key = loose_key(cells.as_text(value))
    found = Gender.MALE if key in _MALE else Gender.FEMALE if key in _FEMALE else None
    if found is not None:
        if value.__class__ is str and len(_GENDER_SEEN) < 100:
            _GENDER_SEEN[value] = found
        return found
    raise Invalid(errors.UNKNOWN_GENDER, code="unknown_gender", value=cells.as_text(value))


def mark(value) -> bool:
    """A cell of a column whose header is the value (Nam / Nữ): x marks it."""
    text = "x" if value is True else cells.as_text(value).strip("✓✔ ") or "x"
    key = loose_key(text)
    if key in _MARKED:
        return True
    if key in _UNMARKED:
        return False
    raise Invalid(errors.UNKNOWN_MARK, code="unknown_mark", value=text)


def national_id(value) -> str:
    # Numbers lose their leading zero; clean_cccd puts it back, once gender and birth are known.
    return cells.as_code(value)


def nationality(value) -> str:
    text = cells.as_text(value)
    key = loose_key(text)
    if key in _NATIONALITIES:
        return _NATIONALITIES[key]
    if len(key) == 2 and key.isalpha():
        return key.upper()
    raise Invalid(errors.UNKNOWN_NATIONALITY, code="unknown_nationality", value=text)


def phone(value) -> str:
    digits = cells.as_code(value)
    # A mobile number typed as a number loses its leading 0 (0912… → 912…).
    return "0" + digits if isinstance(value, float | int) and len(digits) == 9 else digits


def tax_code(value) -> str:
    try:
        return clean_tax_code(cells.as_code(value))
    except ValidationError as exc:
        first = exc.error_list[0]
        message = first.message % first.params if first.params else first.message
        raise Invalid(message, code=first.code or "invalid") from None


COLUMNS = (
    Column(
        "full_name",
        "Họ và tên",
        ("Họ tên", "Ho ten", "Họ và tên đoàn viên", "Họ tên đoàn viên", "Tên đoàn viên"),
        blank=True,  # an empty name is reported by clean_person, in its words
    ),
    Column(
        "birth",
        "Ngày sinh",
        (
            "Ngày, tháng, năm sinh",
            "Ngày tháng năm sinh",
            "Năm sinh",
            "Sinh ngày",
            "Ngày/tháng/năm sinh",
        ),
        blank=True,
        parse=cells.as_date,
    ),
    Column(
        "gender",
        "Giới tính",
        ("Nam/Nữ", "Nam, Nữ", "Giới", "Phái"),
        required=False,
        parse=gender,
    ),
    Column("male", "Nam", ("Giới tính Nam", "Nam giới"), required=False, parse=mark),
    Column("female", "Nữ", ("Giới tính Nữ", "Nữ giới"), required=False, parse=mark),
    Column(
        "national_id",
        "Số CCCD",
        (
            "CCCD",
            "Số định danh cá nhân",
            "Số định danh",
            "CMND/CCCD",
            "Số CMND/CCCD",
            "CCCD/CMND",
            "Số CCCD/CMND",
            "Căn cước công dân",
            "Số căn cước",
        ),
        required=False,
        parse=national_id,
    ),
    Column(
        "card_number",
        "Số thẻ đoàn viên",
        ("Số thẻ", "Số thẻ ĐV", "Số thẻ CĐ", "Thẻ đoàn viên"),
        required=False,
        parse=cells.as_code,
    ),
    Column(
        "joined_on",
        "Ngày vào công đoàn",
        (
            "Ngày vào CĐ",
            "Ngày kết nạp",
            "Ngày kết nạp CĐ",
            "Ngày kết nạp công đoàn",
            "Ngày kết nạp đoàn viên",
            "Ngày gia nhập công đoàn",
        ),
        blank=True,  # needed only to admit a new person
        parse=cells.as_full_date,
    ),
    Column(
        "unit",
        "Mã CĐCS",
        ("Mã đơn vị", "Mã công đoàn cơ sở", "Mã CĐ cơ sở", "Mã ĐV", "Mã công đoàn"),
        required=False,
        parse=unit_code,
    ),
    Column("ethnicity", "Dân tộc", (), required=False),
    Column("religion", "Tôn giáo", (), required=False),
    Column("nationality", "Quốc tịch", (), required=False, parse=nationality),
    Column("phone", "Số điện thoại", ("Điện thoại", "SĐT", "ĐT"), required=False, parse=phone),
    Column(
        "education_level",
        "Trình độ văn hóa",
        ("Trình độ học vấn", "Văn hóa", "Trình độ phổ thông"),
        required=False,
    ),
    Column(
        "professional_level",
        "Trình độ chuyên môn",
        ("Chuyên môn", "Trình độ CMKT", "Chuyên môn nghiệp vụ"),
        required=False,
    ),
    Column(
        "employer_name",
        "Nơi làm việc",
        ("Đơn vị công tác", "Nơi công tác", "Tên doanh nghiệp", "Doanh nghiệp"),
        required=False,
    ),
    Column(
        "tax_code",
        "Mã số thuế DN",
        ("Mã số thuế", "MST", "MST doanh nghiệp", "Mã số thuế doanh nghiệp"),
        required=False,
        parse=tax_code,
    ),
)
#: Codes of the members' ValidationErrors → the column they concern.
ERROR_COLUMNS = {
    "name_required": "full_name",
    "gender_required": "gender",
    "birth_required": "birth",
    "birth_year_mismatch": "birth",
    "birth_in_future": "birth",
    "cccd_format": "national_id",
    "cccd_province": "national_id",
    "cccd_gender": "national_id",
    "cccd_year": "national_id",
    "national_id_taken": "national_id",
    "card_taken": "card_number",
    "date_required": "joined_on",
    "date_in_future": "joined_on",
    "date_before_birth": "joined_on",
    "too_young": "joined_on",
    "foreign_too_early": "nationality",
    "foreign_contract_unknown": "nationality",
    "foreign_contract_short": "nationality",
    "not_grassroots": "unit",
    "unit_not_there": "unit",
    "unit_ends": "unit",
}
