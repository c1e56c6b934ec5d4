"""Blank forms to download, one per import kind: the layout the import reads best.

A title row, the spec's Vietnamese headers, the numbering row (1) (2) …, and one example
row. Code and ID columns are formatted as text, so Excel keeps their leading zeros.
"""

import io

import xlsxwriter
from django.utils.translation import gettext as _

from congdoan.imports.specs import get_spec

#: Columns left out of a kind's form: members give the gender in one column, not as marks.
LEFT_OUT = {"members": {"male", "female"}}
#: Columns whose cells are text however they look.
TEXT_KEYS = frozenset(
    {"code", "parent", "area", "union", "unit", "tax_code", "national_id", "card_number", "phone"}
)
EXAMPLES = {
    "units": {
        "code": "ST-TP-001",
        "name": "CĐCS Trường Tiểu học Phú Lợi",
        "parent": "ST-TP",
        "kind": "CĐCS",
        "effective_on": "01/01/2024",
    },
    "enterprises": {
        "tax_code": "2200123456",
        "name": "Công ty TNHH May Sóc Trăng",
        "address": "Khóm 1, Phường 2",
        "area": "ST-TP",
        "ownership": "Ngoài nhà nước",
        "industry": "May mặc",
        "workers": 250,
        "as_of": "31/12/2023",
        "status": "Đang hoạt động",
        "union": "ST-TP-001",
    },
    "members": {
        "full_name": "Nguyễn Thị Lan",
        "birth": "17/05/1990",
        "gender": "Nữ",
        "national_id": "094190012345",
        "card_number": "0012345",
        "joined_on": "01/03/2015",
        "unit": "ST-TP-001",
        "ethnicity": "Kinh",
        "religion": "Không",
        "nationality": "Việt Nam",
        "phone": "0912345678",
        "education_level": "12/12",
        "professional_level": "Đại học",
        "employer_name": "Công ty TNHH May Sóc Trăng",
        "tax_code": "2200123456",
    },
    "targets": {"number": "1", "code": "ST-TP", "name": "LĐLĐ thành phố Sóc Trăng"},
}
#: Targets have one column per indicator and period of the plan: the form shows one.
TARGETS_EXAMPLE_COLUMN = ("Số đoàn viên năm 2025", 1200)


def columns_of(kind: str) -> list[tuple[str, str]]:
    """(key, Vietnamese header) of each column in the kind's form."""
    spec = get_spec(kind)
    left_out = LEFT_OUT.get(kind, set())
    return [(c.key, str(c.label)) for c in spec.columns if c.key not in left_out]


def template_workbook(kind: str) -> bytes:
    """The .xlsx form of `kind`."""
    spec = get_spec(kind)
    columns = columns_of(kind)
    examples = EXAMPLES.get(kind, {})
    cells = [(label, examples.get(key, ""), key in TEXT_KEYS) for key, label in columns]
    if kind == "targets":
        cells.insert(-1, (*TARGETS_EXAMPLE_COLUMN, False))
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    title = workbook.add_format({"bold": True, "font_size": 13})
    header = workbook.add_format(
        {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    header.set_bg_color("#DDEBF7")
    numbering = workbook.add_format({"italic": True, "align": "center", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(str(spec.title)[:31])
    sheet.write(0, 0, _("LIST TO IMPORT: %(title)s") % {"title": str(spec.title).upper()}, title)
    for index, (label, example, is_text) in enumerate(cells):
        sheet.set_column(index, index, max(14, len(label) + 4), text if is_text else None)
        sheet.write_string(2, index, label, header)
        sheet.write_string(3, index, f"({index + 1})", numbering)
        if isinstance(example, int | float):
            sheet.write_number(4, index, example)
        elif example:
            sheet.write_string(4, index, example, text if is_text else None)
    sheet.freeze_panes(4, 0)
    workbook.close()
    return buffer.getvalue()
