from django.utils.translation import gettext_lazy as _

# The areas of the system; those not built yet are shown but not linked.
AREAS = [
    ("home", _("Overview")),
    ("units", _("Units")),
    ("members", _("Members")),
    ("enterprises", _("Enterprises")),
    ("plans", _("Plans")),
    ("reports", _("Reports")),
    ("imports", _("Import data")),
]


def navigation(request):
    return {"nav_areas": AREAS}
