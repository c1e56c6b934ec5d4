"""Geometry of the small server-drawn SVG charts of the enterprise pages.

The SVGs have no viewBox: lengths across are percentages of the width the page gives them,
heights are pixels, so bars stretch to any screen (375 px phones too) while labels keep
their size. Each chart's numbers are also in a table beside it.
"""

from dataclasses import dataclass

from congdoan.core.dates import format_date
from congdoan.enterprises.models import Headcount
from congdoan.enterprises.selectors import PartCoverage

BAR_AREA = 90  # px: the height of the tallest headcount bar
ROW = 44  # px: one unit's row in the coverage chart (name above, bar below)


@dataclass(frozen=True)
class Column:
    x: float  # % of the width, left edge
    width: float  # %
    middle: float  # %
    top: float  # px
    height: float  # px
    label_y: float  # px: the baseline of the figure written above the column
    value: int
    label: str


def headcount_columns(headcounts: list[Headcount]) -> dict:
    """One column per figure, oldest first, scaled to the largest."""
    if not headcounts:
        return {"columns": [], "height": 0}
    largest = max(h.workers for h in headcounts) or 1
    slot = 100 / len(headcounts)
    width = min(slot * 0.6, 18)
    columns = []
    for i, h in enumerate(headcounts):
        height = max(1.0, BAR_AREA * h.workers / largest)
        middle = slot * i + slot / 2
        columns.append(
            Column(
                x=round(middle - width / 2, 2),
                width=round(width, 2),
                middle=round(middle, 2),
                top=round(20 + BAR_AREA - height, 1),
                height=round(height, 1),
                label_y=round(20 + BAR_AREA - height - 5, 1),
                value=h.workers,
                label=format_date(h.as_of),
            )
        )
    return {"columns": columns, "height": 20 + BAR_AREA + 22, "base": 20 + BAR_AREA}


@dataclass(frozen=True)
class Bar:
    part: PartCoverage
    y: int  # px: top of the row
    width: float  # % of the track
    tone: str  # "low", "mid" or "high", for the colour


def coverage_bars(parts: list[PartCoverage]) -> dict:
    """One row per part with a percentage, in the order given (lowest first)."""
    bars = []
    for i, part in enumerate(p for p in parts if p.coverage.pct is not None):
        pct = part.coverage.pct
        tone = "low" if pct < 60 else "mid" if pct < 85 else "high"
        bars.append(Bar(part=part, y=ROW * i, width=min(pct, 100), tone=tone))
    return {"bars": bars, "height": ROW * len(bars)}
