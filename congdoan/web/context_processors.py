from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The areas of the system, with the URL name of each one's first page; those not built yet
# (no URL name, or a name that does not resolve yet) are shown but not linked.
AREAS = [
    ("home", _("Overview"), "home"),
    ("dashboard", _("Dashboard"), "analytics:dashboard"),
    ("units", _("Units"), "org:tree"),
    ("members", _("Members"), "members:list"),
    ("enterprises", _("Enterprises"), "enterprises:list"),
    ("organizing", _("Founding unions"), "organizing:board"),
    ("plans", _("Plans"), "plans:list"),
    ("reports", _("Reports"), None),
    ("imports", _("Import data"), "imports:list"),
]


def _url(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _is_current(name: str | None, match) -> bool:
    if not name or match is None:
        return False
    namespace, _sep, url_name = name.rpartition(":")
    if namespace:
        return match.namespace == namespace
    return not match.namespace and match.url_name == url_name


def navigation(request):
    match = getattr(request, "resolver_match", None)
    areas = [
        {"key": key, "label": label, "url": _url(name), "current": _is_current(name, match)}
        for key, label, name in AREAS
    ]
    return {"nav_areas": areas}
