import datetime as dt
import re

from congdoan.org import services


def test_overview_counts_units_in_scope_by_kind(client, users):
    client.force_login(users.district_manager)
    page = client.get("/").content.decode()
    counts = dict(re.findall(r'kind-(\w+)">[^<]*</span></td><td class="num">(\d+)<', page))
    assert counts == {"district": "1", "grassroots": "2"}


def test_overview_lists_recent_reorganisations_in_scope_only(client, users, org):
    services.rename_unit(
        actor=users.province_manager, unit=org.grassroots_b1, name="CĐCS B1 mới",
        on=dt.date(2024, 1, 1), reason="Lý do B",
    )
    services.rename_unit(
        actor=users.province_manager, unit=org.grassroots_a1, name="CĐCS A1 mới",
        on=dt.date(2024, 1, 1), reason="Lý do A",
    )
    client.force_login(users.district_manager)
    page = client.get("/").content.decode()
    assert "Lý do A" in page and "Lý do B" not in page
    client.force_login(users.province_manager)
    page = client.get("/").content.decode()
    assert "Lý do A" in page and "Lý do B" in page


def test_layout_has_navigation_user_and_htmx_csrf(client, users):
    client.force_login(users.district_manager)
    page = client.get("/").content.decode()
    assert '<a href="/units/"' in page  # built areas are links
    assert 'aria-disabled="true"' in page  # the others are shown, not linked
    assert 'name="viewport"' in page
    assert "hx-headers='{\"X-CSRFToken\": \"" in page
    assert 'action="/logout/" method="post"' in page
    assert 'action="/i18n/setlang/" method="post"' in page
    assert "/static/web/htmx.min.js" in page


def test_current_area_is_marked(client, users):
    client.force_login(users.district_manager)
    page = client.get("/units/").content.decode()
    assert '<a href="/units/" aria-current="page">' in page


def test_vendored_htmx_keeps_its_licence_header():
    from pathlib import Path

    static = Path(__file__).resolve().parents[1] / "static" / "web"
    assert (static / "htmx.min.js").read_text()[:200].startswith("/*! htmx 2.")
    assert "Zero-Clause BSD" in (static / "htmx.LICENSE.txt").read_text()


def test_pages_fit_a_phone(client, users):
    from pathlib import Path

    css = (Path(__file__).resolve().parents[1] / "static" / "web" / "app.css").read_text()
    assert "@media (max-width: 48rem)" in css and ".table-wrap { overflow-x: auto" in css
    client.force_login(users.district_manager)
    page = client.get("/units/DA-1/").content.decode()
    assert page.count('<div class="table-wrap">') >= 2
