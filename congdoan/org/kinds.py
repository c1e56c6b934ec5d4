"""Kinds of union unit, which kinds may sit under which, and the labels clerks write."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from congdoan.core.text import loose_key


class UnitKind(models.TextChoices):
    CONFEDERATION = "confederation", _("Confederation")
    PROVINCE = "province", _("Province federation")
    DISTRICT = "district", _("District federation")
    SECTOR = "sector", _("Sector union")
    INDUSTRIAL_ZONE = "industrial_zone", _("Industrial-zone union")
    PUBLIC_EMPLOYEES = "public_employees", _("Public-employees union")
    CORPORATE = "corporate", _("Corporate union")
    COMMUNE = "commune", _("Commune union")
    GRASSROOTS = "grassroots", _("Grassroots union")
    GUILD = "guild", _("Guild")
    MEMBER_UNION = "member_union", _("Member union")
    DEPARTMENT = "department", _("Union department")
    GROUP = "group", _("Union group")


K = UnitKind
UPPER_LEVEL = frozenset(
    {K.DISTRICT, K.SECTOR, K.INDUSTRIAL_ZONE, K.PUBLIC_EMPLOYEES, K.CORPORATE, K.COMMUNE}
)
#: Kinds whose units hold members directly.
MEMBER_HOLDING = frozenset({K.GRASSROOTS, K.GUILD})
SUB_UNITS = frozenset({K.MEMBER_UNION, K.DEPARTMENT, K.GROUP})

#: For each kind, the kinds its parent may have; an empty set means it may stand at the top.
ALLOWED_PARENTS: dict[str, frozenset[str] | None] = {
    K.CONFEDERATION: frozenset(),
    K.PROVINCE: frozenset({K.CONFEDERATION}),
    # Sector and corporate unions exist both under a province and directly under the
    # confederation (central sector unions, state corporations).
    K.SECTOR: frozenset({K.CONFEDERATION, K.PROVINCE}),
    K.CORPORATE: frozenset({K.CONFEDERATION, K.PROVINCE, K.SECTOR}),
    K.DISTRICT: frozenset({K.PROVINCE}),
    K.INDUSTRIAL_ZONE: frozenset({K.PROVINCE}),
    K.PUBLIC_EMPLOYEES: frozenset({K.PROVINCE}),
    K.COMMUNE: frozenset({K.PROVINCE, K.DISTRICT}),
    K.GRASSROOTS: frozenset({K.PROVINCE, K.CONFEDERATION} | UPPER_LEVEL),
    K.GUILD: frozenset({K.PROVINCE} | UPPER_LEVEL),
    K.MEMBER_UNION: frozenset({K.GRASSROOTS}),
    K.DEPARTMENT: frozenset({K.GRASSROOTS, K.GUILD, K.MEMBER_UNION}),
    K.GROUP: frozenset({K.GRASSROOTS, K.GUILD, K.MEMBER_UNION, K.DEPARTMENT}),
}
#: Kinds that may stand without a parent (the top of a tree).
ROOT_KINDS = frozenset({K.CONFEDERATION, K.PROVINCE, K.SECTOR, K.CORPORATE})


def may_be_child(*, child_kind: str, parent_kind: str | None) -> bool:
    if parent_kind is None:
        return child_kind in ROOT_KINDS
    return parent_kind in ALLOWED_PARENTS[child_kind]


# Labels as they appear in files, matched after loose_key() (accents, case and spaces ignored).
_LABELS = {
    K.CONFEDERATION: ["Tổng Liên đoàn", "Tổng LĐLĐ Việt Nam", "TLĐ", "confederation"],
    K.PROVINCE: [
        "LĐLĐ tỉnh", "LĐLĐ thành phố", "LĐLĐ tỉnh, thành phố", "Liên đoàn Lao động tỉnh",
        "Liên đoàn Lao động thành phố", "province",
    ],
    K.DISTRICT: [
        "LĐLĐ cấp huyện", "LĐLĐ huyện", "LĐLĐ quận", "LĐLĐ thị xã", "LĐLĐ thành phố thuộc tỉnh",
        "LĐLĐ huyện, quận, thị xã", "district",
    ],
    K.SECTOR: ["Công đoàn ngành", "CĐ ngành", "Công đoàn ngành trung ương", "sector"],
    K.INDUSTRIAL_ZONE: [
        "Công đoàn KCN", "CĐ KCN", "Công đoàn các khu công nghiệp", "Công đoàn khu công nghiệp",
        "Công đoàn khu kinh tế", "industrial_zone",
    ],
    K.PUBLIC_EMPLOYEES: ["Công đoàn Viên chức", "CĐ Viên chức", "public_employees"],
    K.CORPORATE: ["Công đoàn tổng công ty", "CĐ tổng công ty", "corporate"],
    K.COMMUNE: [
        "Công đoàn xã", "Công đoàn phường", "Công đoàn đặc khu", "Công đoàn xã, phường",
        "commune",
    ],
    K.GRASSROOTS: ["CĐCS", "Công đoàn cơ sở", "CĐ cơ sở", "grassroots"],
    K.GUILD: ["Nghiệp đoàn", "Nghiệp đoàn cơ sở", "guild"],
    K.MEMBER_UNION: ["CĐCS thành viên", "Công đoàn cơ sở thành viên", "member_union"],
    K.DEPARTMENT: ["Công đoàn bộ phận", "CĐ bộ phận", "CĐBP", "department"],
    K.GROUP: ["Tổ công đoàn", "Tổ CĐ", "group"],
}
KIND_BY_LABEL: dict[str, str] = {
    loose_key(label): kind for kind, labels in _LABELS.items() for label in labels
}


def kind_from_label(label: str) -> str | None:
    """The kind a clerk's label names ("LĐLĐ cấp huyện" → district), or None."""
    return KIND_BY_LABEL.get(loose_key(label))
