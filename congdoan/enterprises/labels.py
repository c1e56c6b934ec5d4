"""Ownership and status labels as clerks write them in lists, matched after loose_key()."""

from congdoan.core.text import loose_key
from congdoan.enterprises.models import Ownership, Status

_OWNERSHIP = {
    Ownership.STATE: [
        "Nhà nước",
        "DN nhà nước",
        "Doanh nghiệp nhà nước",
        "DNNN",
        "Khu vực nhà nước",
        "Công ty nhà nước",
        "100% vốn nhà nước",
        "Vốn nhà nước",
        "state",
    ],
    Ownership.NON_STATE: [
        "Ngoài nhà nước",
        "DN ngoài nhà nước",
        "Doanh nghiệp ngoài nhà nước",
        "Ngoài khu vực nhà nước",
        "Khu vực ngoài nhà nước",
        "Tư nhân",
        "DN tư nhân",
        "Doanh nghiệp tư nhân",
        "DNTN",
        "TNHH",
        "Công ty TNHH",
        "TNHH MTV",
        "TNHH một thành viên",
        "TNHH hai thành viên trở lên",
        "Cổ phần",
        "Công ty cổ phần",
        "CTCP",
        "Hợp danh",
        "Công ty hợp danh",
        "non_state",
    ],
    Ownership.FOREIGN: [
        "FDI",
        "DN FDI",
        "Có vốn đầu tư nước ngoài",
        "Doanh nghiệp có vốn đầu tư nước ngoài",
        "DN có vốn ĐTNN",
        "Vốn ĐTNN",
        "Có vốn ĐTNN",
        "Đầu tư nước ngoài",
        "100% vốn nước ngoài",
        "Liên doanh",
        "foreign",
    ],
    Ownership.COOPERATIVE: [
        "Hợp tác xã",
        "HTX",
        "Liên hiệp hợp tác xã",
        "Liên hiệp HTX",
        "cooperative",
    ],
    Ownership.OTHER: ["Khác", "Loại hình khác", "other"],
}
_STATUS = {
    Status.OPERATING: [
        "Đang hoạt động",
        "Hoạt động",
        "Đang HĐ",
        "HĐ",
        "Bình thường",
        "operating",
    ],
    Status.SUSPENDED: [
        "Tạm ngừng",
        "Tạm ngừng hoạt động",
        "Tạm ngưng",
        "Tạm ngưng hoạt động",
        "Tạm ngừng kinh doanh",
        "Tạm nghỉ kinh doanh",
        "Tạm dừng hoạt động",
        "suspended",
    ],
    # Without "tạm" (for a while), stopping is for good.
    Status.DISSOLVED: [
        "Giải thể",
        "Đã giải thể",
        "Phá sản",
        "Đã phá sản",
        "Ngừng hoạt động",
        "Chấm dứt hoạt động",
        "Đã đóng MST",
        "Đóng mã số thuế",
        "dissolved",
    ],
}
OWNERSHIP_BY_LABEL = {
    loose_key(label): key for key, labels in _OWNERSHIP.items() for label in labels
}
STATUS_BY_LABEL = {loose_key(label): key for key, labels in _STATUS.items() for label in labels}
#: Labels named in "unknown label" messages.
OWNERSHIP_LABELS = (
    "Nhà nước",
    "Ngoài nhà nước",
    "Tư nhân",
    "TNHH",
    "Cổ phần",
    "FDI",
    "Hợp tác xã",
    "Khác",
)
STATUS_LABELS = ("Đang hoạt động", "Tạm ngừng hoạt động", "Giải thể")


# Parts of longer labels ("Công ty TNHH MTV Xây dựng", "DN 100% vốn FDI"), tried in order:
# "ngoài nhà nước" before "nhà nước", "nước ngoài" before both.
_OWNERSHIP_PARTS = (
    ("ngoainhanuoc", Ownership.NON_STATE),
    ("nuocngoai", Ownership.FOREIGN),
    ("dtnn", Ownership.FOREIGN),
    ("fdi", Ownership.FOREIGN),
    ("nhanuoc", Ownership.STATE),
    ("hoptacxa", Ownership.COOPERATIVE),
    ("htx", Ownership.COOPERATIVE),
    ("tnhh", Ownership.NON_STATE),
    ("cophan", Ownership.NON_STATE),
    ("tunhan", Ownership.NON_STATE),
    ("hopdanh", Ownership.NON_STATE),
)


def ownership_from_label(label: str) -> str | None:
    """The ownership a clerk's label names ("Công ty TNHH MTV" → non_state), or None."""
    key = loose_key(label)
    if key in OWNERSHIP_BY_LABEL:
        return OWNERSHIP_BY_LABEL[key]
    return next((value for part, value in _OWNERSHIP_PARTS if part in key), None)


def status_from_label(label: str) -> str | None:
    """The status a clerk's label names ("Tạm ngừng" → suspended), or None."""
    return STATUS_BY_LABEL.get(loose_key(label))
