"""The member list, timed for users of four scopes: the selectors alone (a first page and the
page after it), then the whole page as the browser gets it (Django's test client, signed in).

The scopes: a system administrator (everything), the province's manager (everyone too, through
the unit tree), the first district's manager, and the clerk of that district's largest union.
"""

from collections.abc import Callable

from django.test import Client, override_settings

from congdoan.accounts.models import Role, User
from congdoan.accounts.scope import scope_for
from congdoan.members import selectors
from congdoan.members.models import Member
from congdoan.testing import make_user
from tools.bench.report import measure
from tools.bench.synthetic import Province

SCOPES = ("admin", "province", "district", "clerk")
# The manifest storage of production needs collectstatic; looking a name up costs the same.
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def users(province: Province) -> dict[str, User]:
    """One user per scope (no usable password: the benchmark signs them in directly)."""
    return {
        "admin": make_user(username="bench-admin", unit=None, role=Role.ADMIN, password=None),
        "province": make_user(
            username="bench-tinh", unit=province.province, role=Role.MANAGER, password=None
        ),
        "district": make_user(
            username="bench-huyen", unit=province.district, role=Role.MANAGER, password=None
        ),
        "clerk": make_user(
            username="bench-cdcs", unit=province.union, role=Role.CLERK, password=None
        ),
    }


def selector_queries(national_id: str) -> dict[str, dict]:
    """find_members' filters for each query timed at the selector level."""
    return {
        "page 1": {},
        "search 'nguyen van an'": {"text": "nguyen van an"},
        "search 'an nguyen' (word order)": {"text": "an nguyen"},
        "search, no match": {"text": "khong co ai"},
        "search national ID": {"text": national_id},
        "status left": {"status": "left"},
        "women 30–45": {"gender": "female", "age_band": "30-45"},
    }


def page_queries(unit_code: str) -> dict[str, dict]:
    """GET parameters of /members/ for each page timed; `unit_code` is in the user's scope."""
    return {
        "/members/": {},
        "?q=nguyen van an": {"q": "nguyen van an"},
        "?unit=…&status=suspended": {"unit": unit_code, "status": "suspended"},
    }


def case(kind: str, scope: str, query: str) -> str:
    """A case's name in the table and the JSON: "page     clerk    /members/"."""
    return f"{kind:<8} {scope:<8} {query}"


def run(province: Province, *, repeat: int, report: Callable[[str, dict], None]) -> dict:
    """Time every case; `report(case, result)` is called as each one is measured."""
    results: dict[str, dict] = {}

    def record(name: str, rows: int, figures: dict) -> None:
        results[name] = {"rows": rows, **figures}
        report(name, results[name])

    people = users(province)
    _time_selectors(province, people, repeat=repeat, record=record)
    _time_pages(province, people, repeat=repeat, record=record)
    return results


def _time_selectors(province: Province, people: dict, *, repeat: int, record) -> None:
    national_id = (
        Member.objects.filter(memberships__unit=province.union, national_id__isnull=False)
        .values_list("national_id", flat=True)
        .first()
    )
    for scope_name, user in people.items():
        scope = scope_for(user)
        for query, filters in selector_queries(national_id or "094000000000").items():
            members = selectors.find_members(scope, **filters)
            page, figures = measure(lambda m=members: selectors.member_page(m), repeat=repeat)
            record(case("selector", scope_name, query), len(page.members), figures)
            if page.next_key:
                following, figures = measure(
                    lambda m=members, a=page.next_key: selectors.member_page(m, after=a),
                    repeat=repeat,
                )
                record(
                    case("selector", scope_name, f"{query} → next"),
                    len(following.members),
                    figures,
                )


def _time_pages(province: Province, people: dict, *, repeat: int, record) -> None:
    with override_settings(STORAGES=PLAIN_STATIC):
        for scope_name, user in people.items():
            client = Client()
            client.force_login(user)
            # The filter names a unit of the scope: the clerk's union, else the district.
            unit = province.union if scope_name == "clerk" else province.district
            for query, params in page_queries(unit.code).items():
                response, figures = measure(
                    lambda c=client, p=params: c.get("/members/", p), repeat=repeat
                )
                if response.status_code != 200 or b'class="errorlist' in response.content:
                    raise RuntimeError(f"{scope_name} {query}: HTTP {response.status_code}")
                # The table's rows, less its heading.
                rows = max(0, response.content.count(b"<tr>") - 1)
                record(case("page", scope_name, query), rows, figures)
