"""What synthetic data is drawn from: names, peoples, the mix of membership histories, the
provinces. Shared by `congdoan generate` (national) and tools/bench/synthetic.py (one
province). Nothing here is a real person; the provinces are the 63 before the 2025 reform,
with the first three digits of their people's national ID numbers.
"""

import random

from congdoan.core.text import search_key
from congdoan.demo.people import PersonMaker

PEOPLES = ("Kinh", "Khmer", "Hoa")
GENDERS = ("male", "female")
#: Share of women among members.
FEMALE = 0.52
#: Names drawn ahead per people and gender, then picked from: drawing millions one by one
#: takes minutes, and a pool this size keeps the names' frequencies.
NAME_POOL = 10_000

# The membership histories, as cumulative shares of the people: transferred once (a closed
# span, then an open one in another union), suspended (an active span closed, then an open
# suspended one), left (the last span closed: retired, left the job, withdrew); the rest
# hold one open active span.
MIX_TRANSFERRED, MIX_SUSPENDED, MIX_LEFT = 0.06, 0.11, 0.22

EMPLOYERS = [
    "Trường Tiểu học",
    "Trường THCS",
    "Trường Mầm non",
    "Công ty TNHH Thủy sản",
    "Công ty CP Lương thực",
    "Trạm Y tế xã",
    "UBND xã",
    "Hợp tác xã Nông nghiệp",
    "Công ty TNHH May mặc",
    "Công ty CP Điện tử",
    "Bệnh viện Đa khoa",
    "Công ty TNHH Giày da",
]

#: (national ID prefix, name, weight): the weight is a rough share of the country's members.
PROVINCES = [
    ("001", "Hà Nội", 9), ("002", "Hà Giang", 0.6), ("004", "Cao Bằng", 0.5),
    ("006", "Bắc Kạn", 0.3), ("008", "Tuyên Quang", 0.7), ("010", "Lào Cai", 0.8),
    ("011", "Điện Biên", 0.5), ("012", "Lai Châu", 0.4), ("014", "Sơn La", 0.9),
    ("015", "Yên Bái", 0.7), ("017", "Hòa Bình", 0.8), ("019", "Thái Nguyên", 1.8),
    ("020", "Lạng Sơn", 0.7), ("022", "Quảng Ninh", 1.8), ("024", "Bắc Giang", 2.5),
    ("025", "Phú Thọ", 1.4), ("026", "Vĩnh Phúc", 1.6), ("027", "Bắc Ninh", 3.0),
    ("030", "Hải Dương", 2.0), ("031", "Hải Phòng", 3.0), ("033", "Hưng Yên", 1.5),
    ("034", "Thái Bình", 1.3), ("035", "Hà Nam", 1.0), ("036", "Nam Định", 1.4),
    ("037", "Ninh Bình", 1.0), ("038", "Thanh Hóa", 2.4), ("040", "Nghệ An", 2.2),
    ("042", "Hà Tĩnh", 1.0), ("044", "Quảng Bình", 0.8), ("045", "Quảng Trị", 0.6),
    ("046", "Thừa Thiên Huế", 1.0), ("048", "Đà Nẵng", 1.6), ("049", "Quảng Nam", 1.5),
    ("051", "Quảng Ngãi", 1.0), ("052", "Bình Định", 1.2), ("054", "Phú Yên", 0.7),
    ("056", "Khánh Hòa", 1.1), ("058", "Ninh Thuận", 0.5), ("060", "Bình Thuận", 0.9),
    ("062", "Kon Tum", 0.5), ("064", "Gia Lai", 1.0), ("066", "Đắk Lắk", 1.2),
    ("067", "Đắk Nông", 0.5), ("068", "Lâm Đồng", 1.0), ("070", "Bình Phước", 1.0),
    ("072", "Tây Ninh", 1.4), ("074", "Bình Dương", 6.5), ("075", "Đồng Nai", 5.5),
    ("077", "Bà Rịa - Vũng Tàu", 1.5), ("079", "Hồ Chí Minh", 12), ("080", "Long An", 2.5),
    ("082", "Tiền Giang", 1.5), ("083", "Bến Tre", 1.0), ("084", "Trà Vinh", 0.8),
    ("086", "Vĩnh Long", 0.8), ("087", "Đồng Tháp", 1.0), ("089", "An Giang", 1.2),
    ("091", "Kiên Giang", 1.1), ("092", "Cần Thơ", 1.2), ("093", "Hậu Giang", 0.6),
    ("094", "Sóc Trăng", 0.8), ("095", "Bạc Liêu", 0.5), ("096", "Cà Mau", 0.7),
]  # fmt: skip
#: Centrally run cities: "thành phố", the others "tỉnh".
CITIES = frozenset({"001", "031", "048", "079", "092"})


def name_pool(
    rng: random.Random, size: int, peoples: tuple[str, ...] = PEOPLES
) -> tuple[dict[tuple[str, str], list[str]], dict[str, str]]:
    """`size` names drawn for each (people, gender), and each distinct name's search key."""
    maker = PersonMaker(rng)
    names = {
        (people, gender): [maker.name(people, gender) for _ in range(size)]
        for people in peoples
        for gender in GENDERS
    }
    keys = {name: search_key(name) for drawn in names.values() for name in set(drawn)}
    return names, keys
