from decimal import Decimal

from congdoan.core.charts import columns


def test_columns_scale_to_the_largest_and_share_the_width():
    chart = columns([("2022", 60_000), ("2023", Decimal("63000")), ("2024", None)], area=80)
    first, second, missing = chart["columns"]
    assert second.height == 80 and second.top == 20
    assert first.height == round(80 * 60_000 / 63_000, 1)
    assert missing.height == 0 and missing.value is None
    assert [c.middle for c in chart["columns"]] == [16.67, 50.0, 83.33]
    assert chart["height"] == 122 and chart["base"] == 100


def test_a_tiny_value_still_shows_and_an_empty_chart_has_no_height():
    assert columns([("a", 1), ("b", 1_000_000)], area=90)["columns"][0].height == 1.0
    assert columns([], area=90) == {"columns": [], "height": 0}
    assert columns([("a", 0)], area=90)["columns"][0].height == 1.0
