"""The dashboard's one-page PDF: one A4 page in a font with Vietnamese letters, the same
figures as the page, audited, refused outside the user's scope."""

import re
import zlib

import pytest

from congdoan.accounts.scope import scope_for
from congdoan.analytics import pdf, selectors
from congdoan.analytics.tests.dashboard_fixture import AS_OF, AS_OF_TEXT, make_progress_plan
from congdoan.core.models import AuditEntry
from congdoan.testing import make_unit

URL = "/dashboard/summary.pdf"


@pytest.fixture
def plan(org):
    return make_progress_plan(org)


def title_of(content: bytes) -> str:
    """The document title, which fpdf2 writes as UTF-16 in hex."""
    found = re.search(rb"/Title <feff([0-9a-f]+)>", content)
    return bytes.fromhex(found.group(1).decode()).decode("utf-16-be")


def pages_of(content: bytes) -> int:
    """The page count of the page tree (fpdf2 writes one /Pages object)."""
    return int(re.search(rb"/Count (\d+)\s*/Kids", content)[1])


def _objects(content: bytes) -> dict[int, bytes]:
    """Every `N 0 obj … endobj` of an uncompressed PDF, streams inflated when they are not."""
    objects = {}
    for number, body in re.findall(rb"(\d+) 0 obj\s*(.*?)endobj", content, re.S):
        stream = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
        if stream and b"/FlateDecode" in body:
            body = body[: stream.start(1)] + zlib.decompress(stream[1]) + body[stream.end(1):]
        objects[int(number)] = body
    return objects


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(raw: bytes) -> bytes:
    """A PDF literal string's bytes, its backslash escapes undone."""
    def undo(m):
        code = m[1]
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return _ESCAPES.get(code, code)

    return re.sub(rb"\\([0-7]{1,3}|.)", undo, raw, flags=re.S)


def shown_text(content: bytes) -> str:
    """The text drawn on the pages, read back through each font's ToUnicode map.

    fpdf2 writes strings as 2-byte glyph ids of a subset font; each font's map pairs the ids
    with the characters (bfchar lines). Enough of a PDF reader for a test, no library."""
    objects = _objects(content)
    maps: dict[bytes, dict[bytes, str]] = {}
    for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", b"".join(objects.values())):
        font = objects.get(int(number), b"")
        cmap_ref = re.search(rb"/ToUnicode (\d+) 0 R", font)
        if cmap_ref is None:
            continue
        pairs = re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", objects[int(cmap_ref[1])])
        maps[name] = {
            bytes.fromhex(g.decode()): bytes.fromhex(u.decode()).decode("utf-16-be")
            for g, u in pairs
        }
    words = []
    for body in objects.values():
        font = b""
        for tf, string in re.findall(rb"/(F\d+) [\d.]+ Tf|\(((?:[^\\()]|\\.)*)\) Tj", body, re.S):
            if tf:
                font = tf
                continue
            data = _literal(string)
            glyphs = maps.get(font, {})
            words.append("".join(glyphs.get(data[i:i + 2], "?") for i in range(0, len(data), 2)))
    return " ".join(words)


def test_the_pdf_is_one_a4_page_titled_with_the_unit(client, users, plan):
    client.force_login(users.province_manager)
    response = client.get(URL, {"as_of": AS_OF_TEXT})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="tien-do-PTDV-P-20231231.pdf"' in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"%PDF-")
    assert pages_of(content) == 1
    assert b"/MediaBox [0 0 595.28 841.89]" in content  # A4 portrait, in points
    assert title_of(content) == "LĐLĐ tỉnh Thử — PTDV — 31/12/2023"
    assert b"/FontName /" in content and b"DejaVuSans" in content


def test_the_pdf_says_the_figures_of_the_page(client, users, org, plan):
    board = selectors.dashboard(scope_for(users.province_manager), plan, org.province,
                                as_of=AS_OF)  # fmt: skip
    text = shown_text(pdf.summary(board, compress=False))
    assert "LĐLĐ tỉnh Thử" in text
    assert "LĐLĐ huyện A" in text and "LĐLĐ huyện B" in text
    members = board.headline
    assert members.indicator == "DV_TONG"
    assert "10" in text.split() and "12" in text.split()
    assert "83,3 %" in text
    assert "31/12/2023" in text


def test_many_units_still_fit_on_one_page(client, users, org, plan):
    for n in range(30):
        make_unit(code=f"DX{n:02}", name=f"Liên đoàn Lao động huyện rất dài tên số {n}",
                  kind="district", parent=org.province)  # fmt: skip
    client.force_login(users.province_manager)
    response = client.get(URL, {"as_of": AS_OF_TEXT})
    assert pages_of(response.content) == 1


def test_each_export_is_audited(client, users, plan):
    client.force_login(users.district_manager)
    response = client.get(URL, {"as_of": AS_OF_TEXT, "structure": "current"})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(operation=pdf.OPERATION)
    assert entry.actor == users.district_manager
    assert entry.action == AuditEntry.Action.VIEW
    assert entry.object_id == str(plan.pk)
    assert entry.after == {"unit": "DA", "as_of": AS_OF_TEXT, "structure": "current"}


def test_outside_the_scope_nothing_is_made_or_recorded(client, users, plan):
    client.force_login(users.district_manager)
    for query in ({"unit": "DB"}, {"unit": "P"}, {"plan": "NOPE"}):
        assert client.get(URL, query).status_code == 404
    assert not AuditEntry.objects.filter(operation=pdf.OPERATION).exists()


def test_a_bad_day_goes_back_to_the_page_with_the_message(client, users, plan):
    client.force_login(users.province_manager)
    response = client.get(URL, {"as_of": "31/02/2023"}, follow=True)
    assert response.redirect_chain[0][0].startswith("/dashboard/?")
    assert "31/02/2023" in response.content.decode()
    assert not AuditEntry.objects.filter(operation=pdf.OPERATION).exists()


def test_without_a_plan_there_is_no_pdf(client, users, org):
    client.force_login(users.district_manager)
    response = client.get(URL, follow=True)
    assert response.redirect_chain and 'id="no-plan"' in response.content.decode()
    assert not AuditEntry.objects.filter(operation=pdf.OPERATION).exists()


def test_the_fonts_ship_with_the_package():
    assert (pdf.FONTS / "DejaVuSans.ttf").stat().st_size > 500_000
    assert (pdf.FONTS / "DejaVuSans-Bold.ttf").exists()
    assert "Bitstream" in (pdf.FONTS / "LICENSE.txt").read_text()
