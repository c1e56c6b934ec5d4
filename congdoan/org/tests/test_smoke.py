import datetime as dt

from congdoan.org import selectors, services


def test_merge_moves_children_and_tree_differs(org):
    on = dt.date(2025, 7, 1)
    services.merge_units(actor=None, sources=[org.district_b], into=org.district_a, on=on, reason="r")
    before = selectors.tree_as_of(dt.date(2025, 6, 30))
    after = selectors.tree_as_of(on)
    assert [n.code for n in before.children_of(org.province.pk)] == ["DA", "DB"]
    assert [n.code for n in after.children_of(org.province.pk)] == ["DA"]
    assert {n.code for n in after.children_of(org.district_a.pk)} == {"DA-1", "DA-2", "DB-1", "DB-2"}
    codes = set(selectors.current_subtree(org.district_a.__class__.objects.get(code="DA")).values_list("code", flat=True))
    assert codes == {"DA", "DA-1", "DA-2", "DB", "DB-1", "DB-2"}
