"""Geometry of the small server-drawn SVG charts of the enterprise pages (the column
geometry is core.charts'; see there for how the SVGs scale)."""

from dataclasses import dataclass

from congdoan.core import charts
from congdoan.core.dates import format_date
from congdoan.enterprises.models import Headcount
from congdoan.enterprises.selectors import PartCoverage

BAR_AREA = 90  # px: the height of the tallest headcount bar
ROW = 44  # px: one unit's row in the coverage chart (name above, bar below)


def headcount_columns(headcounts: list[Headcount]) -> dict:
    """One column per figure, oldest first, scaled to the largest."""
    figures = [(format_date(h.as_of), h.workers) for h in headcounts]
    return charts.columns(figures, area=BAR_AREA)


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
