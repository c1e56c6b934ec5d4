"""The dashboard on one A4 page, for a meeting: the headline figures, a bar per unit under
the one shown by % achieved, the ranked table and what is overdue.

Drawn with fpdf2's own primitives (no browser, no image library) in DejaVu Sans, shipped in
analytics/fonts/ because the PDF core fonts have no Vietnamese letters. Every export goes
into the audit trail: who took which unit's figures out of the system, as of which day.
"""

from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF

from congdoan.analytics.selectors import CURRENT, Dashboard
from congdoan.analytics.templatetags.dashboard_tags import STATUS_LABELS, figure_text
from congdoan.core import audit
from congdoan.core.dates import format_date
from congdoan.core.text import nfc

OPERATION = "export_dashboard_pdf"
FOOTER_COUNTS = gettext_lazy(
    "Overdue tasks of the plan today: %(n)s · Enterprises still without a union "
    "(%(min)s workers or more): %(m)s"
)
FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
TOP_ROWS = 15
MAX_INDICATORS = 10
LEFT, WIDTH, BOTTOM = 12.0, 186.0, 282.0  # mm: the printable area of A4 used
ROW = 5.0  # mm: one table row
BAR_ROW = 4.6  # mm: one bar of the chart

# (r, g, b) per status, the web page's colours; the label is always written beside it.
COLOURS = {
    "met": (27, 110, 58),
    "on_track": (11, 79, 138),
    "at_risk": (201, 138, 0),
    "behind": (200, 16, 46),
    "no_target": (150, 160, 172),
    "no_data": (150, 160, 172),
}
INK, MUTED, LINE, WASH = (29, 39, 51), (91, 103, 118), (214, 221, 229), (243, 246, 249)


def status_text(code: str | None) -> str:
    return str(STATUS_LABELS.get(code or "", code or "—"))


def achieved_text(value) -> str:
    return "—" if value is None else figure_text(value, "percent")


class Sheet(FPDF):
    """An A4 page that never breaks: what does not fit is left out, never spilled over."""

    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(LEFT, 12, LEFT)
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.add_page()

    def font(self, size: float, bold: bool = False, colour=INK) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*colour)

    def fit(self, text: str, width: float) -> str:
        """`text` cut with an ellipsis to fit `width` mm in the current font."""
        text = nfc(str(text))
        if self.get_string_width(text) <= width - 1:
            return text
        while text and self.get_string_width(text + "…") > width - 1:
            text = text[:-1]
        return text.rstrip() + "…"

    def row(self, cells: list[tuple[str, float, str]], *, height: float = ROW, fill=False):
        """One table row: (text, width mm, align) per cell."""
        if fill:
            self.set_fill_color(*WASH)
        for text, width, align in cells:
            self.cell(width, height, self.fit(text, width), border="B", align=align, fill=fill)
        self.ln(height)


def _header(sheet: Sheet, board: Dashboard) -> None:
    sheet.font(8, colour=MUTED)
    sheet.cell(WIDTH, 4, _("Plan progress — summary for a meeting"))
    sheet.ln(5)
    sheet.font(15, bold=True)
    sheet.multi_cell(WIDTH, 7, nfc(board.unit.name), new_x="LMARGIN", new_y="NEXT")
    sheet.font(9.5)
    sheet.multi_cell(
        WIDTH, 4.8, nfc(f"{board.plan.title} ({board.plan.code})"), new_x="LMARGIN", new_y="NEXT"
    )
    structure = _("structure restated to today's") if board.structure == CURRENT else _(
        "structure as it was then"
    )
    facts = _("Figures as of %(date)s · %(structure)s · period %(period)s") % {
        "date": format_date(board.as_of),
        "structure": structure,
        "period": board.progress.period_label,
    }
    sheet.font(9, colour=MUTED)
    sheet.cell(WIDTH, 5, facts)
    sheet.ln(7)


def _headline(sheet: Sheet, board: Dashboard) -> None:
    sheet.font(11, bold=True)
    sheet.cell(WIDTH, 6, _("Headline figures"))
    sheet.ln(6.5)
    widths = (66, 22, 22, 20, 32, 24)
    sheet.set_draw_color(*LINE)
    sheet.font(8, bold=True, colour=MUTED)
    heads = (_("Indicator"), _("Actual"), _("Target"), _("Achieved"), _("Status"), _("Forecast"))
    aligns = ("L", "R", "R", "R", "L", "R")
    sheet.row(list(zip(heads, widths, aligns, strict=True)), fill=True)
    sheet.font(8.5)
    for item in board.cards[:MAX_INDICATORS]:
        texts = (
            item.name,
            figure_text(item.actual, item.measure),
            figure_text(item.target, item.measure),
            achieved_text(item.achieved_pct),
            status_text(item.status),
            figure_text(item.forecast, item.measure),
        )
        sheet.row(list(zip(texts, widths, aligns, strict=True)))
    sheet.ln(3)


def _bars(sheet: Sheet, board: Dashboard) -> None:
    rows = [r for r in board.rows if r.figures is not None and r.figures.achieved_pct is not None]
    rows = rows[:TOP_ROWS]
    if not rows or board.indicator is None:
        return
    sheet.font(11, bold=True)
    sheet.cell(WIDTH, 6, _("%(indicator)s: share of the target achieved by unit")
               % {"indicator": board.indicator.name})  # fmt: skip
    sheet.ln(7)
    label_w, value_w, status_w = 58.0, 16.0, 26.0
    area = WIDTH - label_w - value_w - status_w
    scale_max = max(100.0, *(r.figures.achieved_pct for r in rows))
    top = sheet.get_y()
    for i, row in enumerate(rows):
        y = top + i * BAR_ROW
        pct = row.figures.achieved_pct
        sheet.set_xy(LEFT, y)
        sheet.font(7.5)
        sheet.cell(label_w, BAR_ROW, sheet.fit(row.unit.name, label_w))
        x0 = LEFT + label_w
        sheet.set_fill_color(231, 236, 242)
        sheet.rect(x0, y + 0.8, area, BAR_ROW - 1.6, style="F")
        sheet.set_fill_color(*COLOURS.get(row.figures.status, COLOURS["no_target"]))
        sheet.rect(x0, y + 0.8, max(0.3, area * max(pct, 0) / scale_max), BAR_ROW - 1.6, "F")
        sheet.set_xy(x0 + area, y)
        sheet.cell(value_w, BAR_ROW, achieved_text(pct), align="R")
        sheet.cell(status_w, BAR_ROW, " " + status_text(row.figures.status))
    # The target: 100 % of it, a line across every bar.
    x100 = LEFT + label_w + area * 100 / scale_max
    sheet.set_draw_color(*INK)
    sheet.set_line_width(0.3)
    sheet.line(x100, top, x100, top + len(rows) * BAR_ROW)
    sheet.set_xy(LEFT, top + len(rows) * BAR_ROW + 0.5)
    sheet.font(7, colour=MUTED)
    sheet.cell(WIDTH, 4, _("The vertical line is the target (100 %)."))
    sheet.ln(6)


def _table(sheet: Sheet, board: Dashboard) -> None:
    if not board.rows:
        return
    measure = board.indicator.measure if board.indicator else ""
    sheet.font(11, bold=True)
    sheet.cell(WIDTH, 6, _("Units ranked by the share of the target achieved"))
    sheet.ln(6.5)
    widths = (8, 52, 22, 22, 18, 26, 18, 20)
    aligns = ("R", "L", "R", "R", "R", "L", "R", "R")
    heads = ("#", _("Unit"), _("Actual"), _("Target"), _("Achieved"), _("Status"),
             _("Per month"), _("Forecast"))  # fmt: skip
    sheet.set_draw_color(*LINE)
    sheet.font(7.5, bold=True, colour=MUTED)
    sheet.row(list(zip(heads, widths, aligns, strict=True)), fill=True)
    sheet.font(7.5)
    room = int((BOTTOM - 14 - sheet.get_y()) // ROW)
    for row in board.rows[: max(0, min(TOP_ROWS, room))]:
        f = row.figures
        texts = (
            str(row.rank or ""),
            row.unit.name,
            figure_text(f and f.actual, measure),
            figure_text(f and f.target, measure),
            achieved_text(f and f.achieved_pct),
            status_text(f.status if f else "no_target"),
            figure_text(f and f.pace_needed, measure),
            figure_text(f and f.forecast, measure),
        )
        sheet.row(list(zip(texts, widths, aligns, strict=True)))
    if len(board.rows) > TOP_ROWS:
        sheet.font(7, colour=MUTED)
        sheet.cell(WIDTH, 4, _("%(shown)s of %(total)s units shown; the page lists them all.")
                   % {"shown": min(TOP_ROWS, room), "total": len(board.rows)})  # fmt: skip
        sheet.ln(4)
    sheet.ln(2)


def _footer(sheet: Sheet, board: Dashboard) -> None:
    sheet.set_xy(LEFT, BOTTOM - 12)
    sheet.font(9)
    counts = {
        "n": board.overdue.count,
        "min": board.uncovered.min_workers,
        "m": figure_text(board.uncovered.count),
    }
    sheet.cell(WIDTH, 5, FOOTER_COUNTS % counts)
    sheet.ln(6)
    sheet.font(7, colour=MUTED)
    made = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    sheet.cell(WIDTH, 4, _("Made on %(time)s by congdoan.") % {"time": made})


def summary(board: Dashboard, *, compress: bool = True) -> bytes:
    """The one-page PDF of `board`."""
    sheet = Sheet()
    sheet.compress = compress
    sheet.set_title(nfc(f"{board.unit.name} — {board.plan.code} — {format_date(board.as_of)}"))
    sheet.set_subject(nfc(board.plan.title))
    sheet.set_creator("congdoan")
    _header(sheet, board)
    _headline(sheet, board)
    _bars(sheet, board)
    _table(sheet, board)
    _footer(sheet, board)
    return bytes(sheet.output())


def record_export(*, actor, board: Dashboard) -> None:
    """One audit entry per PDF: who took which unit's progress out of the system."""
    audit.record(
        actor=actor,
        obj=board.plan,
        action=audit.AuditEntry.Action.VIEW,
        operation=OPERATION,
        after={
            "unit": board.unit.code,
            "as_of": format_date(board.as_of),
            "structure": board.structure,
        },
    )
