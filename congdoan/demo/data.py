"""The facts and vocabulary the demo is built from.

Real: the confederation, the Sóc Trăng and Cần Thơ federations, Sóc Trăng's 11 district-level
federations, its public-employees and industrial-zone unions, the 2025 reform (Law 97/2025
amending the Trade Union Law, effective 1 Jul 2025) and the merger of Sóc Trăng into Cần Thơ
on that date. Founding dates of the upper-level units are approximate (the year of the
administrative change).

Illustrative: the two local sector unions, the commune unions of 2025 (real place names, but
which communes got a union and which grassroots unions went to which is made up; their names
end in "(minh họa)"), the Cần Thơ district federations' shape.

Synthetic: every grassroots union, guild and union department, their dates and history; their
names end in "(dữ liệu mẫu)".
"""

import datetime as dt
from dataclasses import dataclass

from congdoan.org.kinds import UnitKind as K

SEED = 2023
PASSWORD = "congdoan2023"
SYNTHETIC = "(dữ liệu mẫu)"
ILLUSTRATIVE = "(minh họa)"

REFORM = dt.date(2025, 7, 1)
LAW_97 = "Luật sửa đổi, bổ sung một số điều của Luật Công đoàn số 97/2025/QH15"
MERGER = (
    "Nghị quyết 202/2025/QH15: sáp nhập tỉnh Sóc Trăng, tỉnh Hậu Giang vào thành phố Cần Thơ"
)


@dataclass(frozen=True)
class Upper:
    code: str
    name: str
    kind: str
    parent: str | None
    founded: dt.date
    # Places inside a district; in the 2025 reform each becomes a commune union.
    places: tuple[str, ...] = ()
    # Share of the province's long-standing grassroots unions under it.
    share: float = 0.0


_SOC_TRANG = dt.date(1992, 4, 1)  # Sóc Trăng province re-established
_CAN_THO = dt.date(2004, 1, 1)  # Cần Thơ became a centrally governed city

UPPER_UNITS: list[Upper] = [
    Upper("TLD", "Tổng Liên đoàn Lao động Việt Nam", K.CONFEDERATION, None, dt.date(1929, 7, 28)),
    Upper("LDLD-ST", "Liên đoàn Lao động tỉnh Sóc Trăng", K.PROVINCE, "TLD", _SOC_TRANG),
    Upper("LDLD-CT", "Liên đoàn Lao động thành phố Cần Thơ", K.PROVINCE, "TLD", _CAN_THO),
    # The 11 district-level federations of Sóc Trăng (real), ended by the 2025 reform.
    Upper("ST-TP", "LĐLĐ thành phố Sóc Trăng", K.DISTRICT, "LDLD-ST", _SOC_TRANG,
          ("phường Phú Lợi", "phường Sóc Trăng", "phường Mỹ Xuyên"), 0.14),
    Upper("ST-VC", "LĐLĐ thị xã Vĩnh Châu", K.DISTRICT, "LDLD-ST", _SOC_TRANG,
          ("phường Vĩnh Châu", "phường Khánh Hòa", "phường Vĩnh Phước", "xã Vĩnh Hải",
           "xã Lai Hòa"), 0.065),
    Upper("ST-NN", "LĐLĐ thị xã Ngã Năm", K.DISTRICT, "LDLD-ST", dt.date(2003, 1, 1),
          ("phường Ngã Năm", "phường Mỹ Quới", "xã Tân Long"), 0.04),
    Upper("ST-CT", "LĐLĐ huyện Châu Thành", K.DISTRICT, "LDLD-ST", dt.date(2008, 1, 1),
          ("xã Châu Thành", "xã Phú Tâm", "xã An Hiệp", "xã Thuận Hòa"), 0.065),
    Upper("ST-CLD", "LĐLĐ huyện Cù Lao Dung", K.DISTRICT, "LDLD-ST", dt.date(2002, 1, 1),
          ("xã Cù Lao Dung", "xã An Thạnh"), 0.03),
    Upper("ST-KS", "LĐLĐ huyện Kế Sách", K.DISTRICT, "LDLD-ST", _SOC_TRANG,
          ("xã Kế Sách", "xã Đại Hải", "xã Thới An Hội", "xã Nhơn Mỹ", "xã Phong Nẫm"), 0.075),
    Upper("ST-LP", "LĐLĐ huyện Long Phú", K.DISTRICT, "LDLD-ST", _SOC_TRANG,
          ("xã Long Phú", "xã Đại Ngãi", "xã Trường Khánh", "xã Tân Thạnh"), 0.055),
    Upper("ST-MT", "LĐLĐ huyện Mỹ Tú", K.DISTRICT, "LDLD-ST", _SOC_TRANG,
          ("xã Mỹ Tú", "xã Long Hưng", "xã Mỹ Hương"), 0.045),
    Upper("ST-MX", "LĐLĐ huyện Mỹ Xuyên", K.DISTRICT, "LDLD-ST", _SOC_TRANG,
          ("xã Hòa Tú", "xã Gia Hòa", "xã Ngọc Tố", "xã Nhu Gia"), 0.065),
    Upper("ST-TT", "LĐLĐ huyện Thạnh Trị", K.DISTRICT, "LDLD-ST", _SOC_TRANG,
          ("xã Thạnh Trị", "xã Phú Lộc", "xã Lâm Tân", "xã Vĩnh Lợi"), 0.04),
    Upper("ST-TD", "LĐLĐ huyện Trần Đề", K.DISTRICT, "LDLD-ST", dt.date(2009, 1, 1),
          ("xã Trần Đề", "xã Lịch Hội Thượng", "xã Tài Văn", "xã Liêu Tú"), 0.055),
    # Local sector unions (illustrative) and the public-employees union, ended in 2025.
    Upper("ST-GD", "Công đoàn ngành Giáo dục tỉnh", K.SECTOR, "LDLD-ST", _SOC_TRANG, share=0.135),
    Upper("ST-YT", "Công đoàn ngành Y tế tỉnh", K.SECTOR, "LDLD-ST", _SOC_TRANG, share=0.04),
    Upper("ST-CDVC", "Công đoàn Viên chức tỉnh", K.PUBLIC_EMPLOYEES, "LDLD-ST", _SOC_TRANG,
          share=0.095),
    Upper("ST-KCN", "Công đoàn các Khu công nghiệp tỉnh", K.INDUSTRIAL_ZONE, "LDLD-ST",
          dt.date(2005, 1, 1), share=0.055),
    # Cần Thơ: two of its district federations and its industrial-zone union, for the merger.
    Upper("CT-NK", "LĐLĐ quận Ninh Kiều", K.DISTRICT, "LDLD-CT", _CAN_THO,
          ("phường Ninh Kiều", "phường Cái Khế", "phường Tân An")),
    Upper("CT-CR", "LĐLĐ quận Cái Răng", K.DISTRICT, "LDLD-CT", _CAN_THO,
          ("phường Cái Răng", "phường Hưng Phú")),
    Upper("CT-KCN", "Công đoàn các Khu chế xuất và công nghiệp Cần Thơ", K.INDUSTRIAL_ZONE,
          "LDLD-CT", _CAN_THO),
]

#: Synthetic grassroots unions in each Cần Thơ upper-level unit.
CAN_THO_GRASSROOTS = {"CT-NK": 14, "CT-CR": 10, "CT-KCN": 10}
SECTOR_CODES = ("ST-GD", "ST-YT", "ST-CDVC")

#: Grassroots unions founded in Sóc Trăng each year (per 1,000 long-standing ones), and
#: enterprises that closed (their union dissolved). 2025 is the first half only.
FOUNDED_PER_YEAR = {2020: 28, 2021: 18, 2022: 32, 2023: 36, 2024: 30, 2025: 14}
CLOSED_PER_YEAR = {2020: 4, 2021: 6, 2022: 5, 2023: 4, 2024: 5, 2025: 2}
#: Founded after the reform, under the commune and industrial-zone unions (dates fixed so
#: the demo is the same whatever day it is loaded; those after today are left out).
FOUNDED_AFTER_REFORM = [
    dt.date(2025, 7, 15) + dt.timedelta(days=19 * i) for i in range(28)
]

# --- names ------------------------------------------------------------------------------

ENTERPRISE_FORMS = [
    "Công ty TNHH", "Công ty TNHH MTV", "Công ty Cổ phần", "Doanh nghiệp tư nhân", "Hợp tác xã",
]
TRADES = [
    "Thủy sản", "Chế biến thủy sản", "Lúa gạo", "Xay xát", "Mía đường", "Dệt may", "May mặc",
    "Xây dựng", "Vận tải", "Thương mại", "Cơ khí", "Bao bì", "Nông sản", "Thức ăn chăn nuôi",
    "Vật liệu xây dựng", "Nước đá", "Dịch vụ", "In ấn", "Du lịch", "Khách sạn", "Xăng dầu",
    "Chế biến gỗ", "Hành tím", "Giày da", "Điện máy", "Dược phẩm", "Thực phẩm", "Muối",
]
BRANDS = [
    "Phú Thành", "Minh Phát", "Hòa Bình", "Tân Tiến", "Thành Công", "Phước Lộc", "An Khang",
    "Việt Tiến", "Hưng Thịnh", "Kim Long", "Sao Mai", "Hải Đăng", "Phương Nam", "Mekong",
    "Cửu Long", "Sông Hậu", "Ba Xuyên", "Khánh Hưng", "Đại Phát", "Tín Nghĩa", "Quốc Việt",
    "Trường Thịnh", "Nam Việt", "Đông Á", "Thiên Phú", "Gia Bảo", "Hoàng Long", "Tấn Phát",
    "Vạn Lợi", "Thuận Phong",
]
ZONE_TRADES = [
    "Chế biến thủy sản", "Dệt may", "May mặc", "Giày da", "Bao bì", "Cơ khí", "Thức ăn chăn nuôi",
    "Chế biến gỗ", "Dược phẩm", "Thực phẩm", "Vật liệu xây dựng", "Điện máy",
]
GUILD_TRADES = ["nghề cá", "xe ôm", "thợ hồ", "bán vé số", "nghề muối", "thợ may", "bốc xếp"]
SCHOOL_LEVELS = ["Trường Mầm non", "Trường Tiểu học", "Trường THCS", "Trường THPT"]
PRIVATE_SCHOOLS = ["Trường Mầm non tư thục", "Trường Tiểu học tư thục", "Trung tâm Ngoại ngữ"]
HOSPITALS = [
    "Bệnh viện Đa khoa tỉnh", "Bệnh viện Sản - Nhi", "Bệnh viện Chuyên khoa Tâm thần",
    "Bệnh viện Lao và Bệnh phổi", "Bệnh viện Y dược cổ truyền", "Bệnh viện Mắt - Răng Hàm Mặt",
    "Trung tâm Kiểm soát bệnh tật tỉnh", "Trung tâm Giám định y khoa",
]
PRIVATE_CLINICS = ["Phòng khám Đa khoa tư nhân", "Bệnh viện Đa khoa tư nhân", "Nhà thuốc"]
AGENCIES = [
    "Văn phòng UBND tỉnh", "Sở Tài chính", "Sở Nội vụ", "Sở Tư pháp", "Sở Xây dựng",
    "Sở Công Thương", "Sở Giao thông vận tải", "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Tài nguyên và Môi trường", "Sở Kế hoạch và Đầu tư", "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Lao động - Thương binh và Xã hội", "Sở Khoa học và Công nghệ",
    "Sở Thông tin và Truyền thông", "Thanh tra tỉnh", "Ban Dân tộc",
    "Đài Phát thanh và Truyền hình",
    "Trường Cao đẳng Sóc Trăng", "Trường Chính trị tỉnh", "Thư viện tỉnh",
]
DISTRICT_OFFICES = [
    "Cơ quan UBND", "Phòng Giáo dục và Đào tạo", "Phòng Nông nghiệp", "Phòng Tài chính - Kế hoạch",
]
# Enterprises under the public-employees union: not state bodies, so they go on after 2025.
STATE_ENTERPRISES = [
    "Công ty TNHH MTV Xổ số kiến thiết Sóc Trăng", "Công ty Cổ phần Cấp thoát nước Sóc Trăng",
    "Công ty Điện lực Sóc Trăng", "Công ty Cổ phần Công trình đô thị Sóc Trăng",
    "Bưu điện tỉnh Sóc Trăng", "Chi nhánh Ngân hàng Nông nghiệp tỉnh Sóc Trăng",
]
DEPARTMENTS = [
    "Phân xưởng chế biến", "Phân xưởng cấp đông", "Tổ vận hành", "Khối văn phòng",
    "Phân xưởng may", "Kho vận",
]

# --- reasons ------------------------------------------------------------------------------

R_FOUNDED = f"Thành lập công đoàn cơ sở {SYNTHETIC}"
R_FOUNDED_UPPER = "Công đoàn cấp trên (ngày thành lập gần đúng)"
R_CLOSED = f"Doanh nghiệp giải thể, chấm dứt hoạt động {SYNTHETIC}"
R_RENAMED = f"Doanh nghiệp đổi tên, chuyển đổi loại hình {SYNTHETIC}"
R_MOVED = f"Doanh nghiệp chuyển trụ sở sang địa bàn khác {SYNTHETIC}"
R_MERGED = f"Hai doanh nghiệp sáp nhập {SYNTHETIC}"
R_SPLIT = f"Tách chi nhánh thành doanh nghiệp riêng {SYNTHETIC}"
R_COMMUNE = f"Thành lập công đoàn xã, phường theo {LAW_97} {ILLUSTRATIVE}"
R_TO_COMMUNE = f"Chuyển về công đoàn xã, phường trên địa bàn theo {LAW_97}"
R_DISTRICT_ENDS = f"Kết thúc hoạt động LĐLĐ cấp huyện theo {LAW_97}"
R_SECTOR_ENDS = (
    f"Kết thúc hoạt động công đoàn ngành địa phương và Công đoàn Viên chức tỉnh theo {LAW_97}"
)
R_STATE_ENDS = (
    "Kết thúc hoạt động CĐCS cơ quan hành chính nhà nước, đơn vị sự nghiệp công lập do ngân "
    f"sách nhà nước bảo đảm chi thường xuyên, theo {LAW_97}"
)
R_TO_PROVINCE = f"Chuyển về LĐLĐ tỉnh quản lý trực tiếp theo {LAW_97}"
R_PROVINCE_MERGER = f"{MERGER}; hợp nhất Liên đoàn Lao động, hiệu lực 01/07/2025"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    unit: str | None  # unit code; None picks a grassroots union, see services
    note: str


DEMO_USERS = [
    DemoUser("admin", "admin", "TLD", "quản trị hệ thống"),
    DemoUser("quanly", "manager", "LDLD-CT", "Ban Tổ chức LĐLĐ thành phố Cần Thơ"),
    DemoUser("duyet", "approver", "LDLD-CT", "duyệt báo cáo của các đơn vị trực thuộc"),
    DemoUser("xem", "viewer", "LDLD-CT", "lãnh đạo, chỉ xem"),
    DemoUser("huyen", "manager", "ST-TP", "LĐLĐ cấp huyện đã kết thúc 2025: xem như cũ"),
    DemoUser("xa", "manager", "ST-TP-X1", "công đoàn phường (từ 01/07/2025)"),
    DemoUser("vanthu", "clerk", None, "văn thư một CĐCS trong khu công nghiệp"),
]

# --- members (synthetic) ------------------------------------------------------------------

#: Members of Sóc Trăng (LDLD-ST as it was) on 31/12/2023 the demo aims at, for size 1000:
#: slightly behind the plan's 63,000. Smaller demos scale it with their size.
MEMBERS_END_2023 = 61_600
PLAN_MEMBERS_2023 = 63_000
#: The members' history is simulated from this day; before it, only who was admitted when.
MEMBERS_FROM = dt.date(2019, 1, 1)
#: Net yearly growth of the members of existing unions under each upper-level unit (new
#: unions come on top): some districts grow, some shrink.
GROWTH = {
    "ST-TP": 0.035, "ST-VC": -0.010, "ST-NN": 0.000, "ST-CT": 0.030, "ST-CLD": -0.015,
    "ST-KS": 0.015, "ST-LP": -0.005, "ST-MT": -0.010, "ST-MX": 0.025, "ST-TT": -0.015,
    "ST-TD": 0.020, "ST-GD": 0.005, "ST-YT": 0.010, "ST-CDVC": -0.005, "ST-KCN": 0.010,
    "CT-NK": 0.020, "CT-CR": 0.020, "CT-KCN": 0.030,
}
#: A union founded during the simulated years starts with this share of a long-standing
#: union's members (at least 5, the charter's minimum), then grows with its area.
NEW_UNION_SIZE = 0.5
#: Shares of Khmer and Hoa among members by area (the rest Kinh); Khmer live mostly in the
#: coastal and southern districts.
ETHNIC_MIX = {
    "ST-VC": (0.45, 0.12), "ST-TD": (0.40, 0.05), "ST-MX": (0.35, 0.05), "ST-TT": (0.30, 0.04),
    "ST-CT": (0.30, 0.04), "ST-MT": (0.30, 0.03), "ST-LP": (0.25, 0.05), "ST-NN": (0.15, 0.03),
    "ST-KS": (0.15, 0.04), "ST-CLD": (0.10, 0.03), "ST-TP": (0.18, 0.10), "ST-KCN": (0.25, 0.04),
}
ETHNIC_MIX_DEFAULT = {"ST": (0.18, 0.05), "CT": (0.03, 0.05)}


@dataclass(frozen=True)
class Work:
    """Members of one kind of union: how many (median, log-normal spread), the share of
    women, and each year's share who leave, transfer or are suspended."""

    median: float
    spread: float
    women: float
    leave: float
    transfer: float
    suspend: float
    public: bool = False


WORK = {
    "zone": Work(180, 0.9, 0.62, 0.08, 0.008, 0.012),
    "enterprise": Work(28, 0.8, 0.50, 0.055, 0.008, 0.006),
    "guild": Work(22, 0.4, 0.35, 0.07, 0.004, 0.004),
    "school": Work(32, 0.35, 0.68, 0.015, 0.02, 0.001, public=True),
    "private_school": Work(14, 0.4, 0.75, 0.06, 0.008, 0.004),
    "hospital": Work(260, 0.5, 0.62, 0.02, 0.015, 0.001, public=True),
    "health_centre": Work(70, 0.4, 0.60, 0.02, 0.02, 0.001, public=True),
    "health_station": Work(9, 0.25, 0.60, 0.02, 0.02, 0.001, public=True),
    "clinic": Work(15, 0.5, 0.65, 0.06, 0.008, 0.004),
    "agency": Work(30, 0.5, 0.45, 0.015, 0.02, 0.001, public=True),
    "state_enterprise": Work(110, 0.4, 0.35, 0.03, 0.01, 0.003),
}
#: Why people leave (other than retiring at the legal age), as shares.
LEAVING = {"left_job": 70, "withdrew": 21, "retired": 4, "deceased": 3, "expelled": 2}
#: Share of joins that are re-admissions of people who left, and of suspensions that end in
#: leaving rather than resuming.
READMITTED_SHARE = 0.10
SUSPENSIONS_ENDING_IN_LEAVE = 0.25
#: Foreign workers admitted in industrial-zone unions after 1 Jul 2025, per 1,000 of size.
FOREIGN_WORKERS = 6

R_LOADED = f"Nạp dữ liệu đoàn viên mẫu {SYNTHETIC}"
