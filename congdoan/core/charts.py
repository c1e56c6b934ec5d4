"""Geometry of the small server-drawn SVG column charts (enterprise headcounts, a plan's
targets per year).

The SVGs have no viewBox: lengths across are percentages of the width the page gives them,
heights are pixels, so columns stretch to any screen (375 px phones too) while labels keep
their size. Each chart's numbers are also in a table beside it.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Column:
    x: float  # % of the width, left edge
    width: float  # %
    middle: float  # %
    top: float  # px
    height: float  # px
    label_y: float  # px: the baseline of the figure written above the column
    value: int | Decimal | None
    label: str


def columns(figures: list[tuple[str, int | Decimal | None]], *, area: int) -> dict:
    """One column per (label, value), in order, scaled to the largest; `area` is the height
    in px of the tallest. A missing value has no column; any other at least 1 px."""
    if not figures:
        return {"columns": [], "height": 0}
    largest = max((v for _label, v in figures if v is not None), default=0) or 1
    slot = 100 / len(figures)
    width = min(slot * 0.6, 18)
    drawn = []
    for i, (label, value) in enumerate(figures):
        height = 0.0 if value is None else max(1.0, float(area * value / largest))
        middle = slot * i + slot / 2
        drawn.append(
            Column(
                x=round(middle - width / 2, 2),
                width=round(width, 2),
                middle=round(middle, 2),
                top=round(20 + area - height, 1),
                height=round(height, 1),
                label_y=round(20 + area - height - 5, 1),
                value=value,
                label=label,
            )
        )
    return {"columns": drawn, "height": 20 + area + 22, "base": 20 + area}
