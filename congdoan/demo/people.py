"""Synthetic people for the demo: Vietnamese, Khmer and Hoa names as Sóc Trăng has them,
ethnicity, religion, schooling, national ID numbers that fit each person, and the record
of each person's memberships that demo.members simulates.

Nothing here is a real person: names are drawn from common family, middle and given names,
and ID numbers are random within the layout (province, gender and century, birth year).
"""

import datetime as dt
import random
from dataclasses import dataclass

from congdoan.members import rules

# Weights are rough shares among each group's members, not census figures.
KINH_FAMILY = {
    "Nguyễn": 31, "Trần": 11, "Lê": 9, "Phạm": 6, "Huỳnh": 6, "Võ": 5, "Phan": 4, "Trương": 2,
    "Bùi": 2, "Đặng": 2, "Đỗ": 1.5, "Ngô": 1.5, "Hồ": 1.5, "Dương": 1.5, "Đoàn": 1, "Lý": 1,
    "Mai": 1, "Châu": 1, "Lâm": 0.8, "Cao": 0.8, "Tô": 0.7, "Trịnh": 0.6, "Đinh": 0.6,
    "Lưu": 0.5, "Hà": 0.5, "Thái": 0.5, "Quách": 0.4, "Tạ": 0.4, "Kiều": 0.3, "La": 0.3,
}
KHMER_FAMILY = {
    "Thạch": 25, "Sơn": 20, "Danh": 12, "Lâm": 10, "Kim": 10, "Lý": 8, "Trần": 5, "Châu": 4,
    "Triệu": 3, "Huỳnh": 3,
}
HOA_FAMILY = {
    "Lý": 15, "Trương": 12, "Quách": 10, "Lâm": 10, "Hứa": 8, "Mã": 6, "Tăng": 6, "Diệp": 6,
    "Lưu": 6, "Huỳnh": 6, "La": 5, "Tạ": 5, "Trần": 5,
}
MIDDLE = {
    "male": {
        "Văn": 40, "Minh": 8, "Quốc": 8, "Thanh": 6, "Hữu": 6, "Hoàng": 5, "Tấn": 5, "Công": 4,
        "Đức": 4, "Thành": 4, "Ngọc": 3, "Trung": 3, "Phước": 3, "Chí": 3,
    },
    "female": {
        "Thị": 50, "Ngọc": 10, "Thanh": 6, "Kim": 6, "Hồng": 5, "Mỹ": 5, "Thu": 4, "Bích": 3,
        "Thùy": 3, "Phương": 3, "Cẩm": 3, "Diễm": 2,
    },
}
HOA_MIDDLE = {
    "male": ["Gia", "Quốc", "Tấn", "Văn", "Minh", "Vĩnh", "Khải"],
    "female": ["Mỹ", "Tú", "Huệ", "Ngọc", "Thị", "Bảo", "Gia"],
}
GIVEN = {
    "male": [
        "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khang", "Khoa", "Kiên",
        "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phát", "Phong", "Phúc", "Quang", "Sang", "Sơn",
        "Tài", "Tâm", "Thắng", "Thành", "Thiện", "Tín", "Toàn", "Trí", "Trung", "Tuấn", "Vinh",
        "Vũ", "Hiếu", "Nhân", "Duy", "Khải", "Hào", "Lợi", "Bảo", "Đông", "Hậu", "Tùng",
    ],
    "female": [
        "Anh", "Cúc", "Diễm", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Huyền",
        "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phượng",
        "Quyên", "Thảo", "Thúy", "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân",
        "Yến", "Nhi", "Tiên", "Thư", "Hồng", "Kiều", "Ngọc", "Bích",
    ],
}
KHMER_GIVEN = {
    "male": [
        "Sóc", "Sà Rây", "Sô Phanh", "Thươl", "Sà Rin", "Kha", "Chanh Đa", "Ri Tha", "Sa Vanh",
        "Mên", "Thol", "Sóc Kha", "Pol", "Sa Ra", "Sà Phon", "Vi Sal", "Hênh", "Khol", "Chăn",
        "Đa Ra", "Sa Mết", "Sóc Khanh", "Sơ Rây", "Ty",
    ],
    "female": [
        "Sa Ri", "Sô Phia", "Sà Phia", "Chanh Thi", "Sa Rát", "Sa Ry", "Sa Rươne", "Thươne",
        "Kim Sa", "Sô Kha", "Sóc Thi", "Ma Ly", "Phal La", "Som Nang", "Sa Vy", "Chanh Ni",
        "Ry Na", "Sô Ry", "Đa Ly", "Sà Mon",
    ],
}
FOREIGN = [
    ("KR", "Kim Min-jun", "male"), ("KR", "Lee Ji-hoon", "male"),
    ("KR", "Park Soo-jin", "female"), ("KR", "Choi Young-ho", "male"),
    ("TW", "Lin Chih-hao", "male"), ("TW", "Chen Yi-ting", "female"),
    ("CN", "Wang Jian", "male"), ("JP", "Sato Hiroshi", "male"),
]
RELIGION = {
    "Kinh": {"Không": 72, "Phật giáo": 20, "Công giáo": 4, "Cao Đài": 3, "Tin Lành": 1},
    "Khmer": {"Phật giáo": 92, "Không": 8},
    "Hoa": {"Phật giáo": 45, "Không": 50, "Công giáo": 5},
}
SCHOOLING = {"12/12": 62, "9/12": 24, "5/12": 8, "": 6}
TRAINING = {
    "public": {"Đại học": 58, "Cao đẳng": 14, "Trung cấp": 12, "Thạc sĩ": 12, "Sơ cấp": 3,
               "Tiến sĩ": 1},
    "other": {"Chưa qua đào tạo": 40, "Sơ cấp": 15, "Trung cấp": 17, "Cao đẳng": 12,
              "Đại học": 15, "Thạc sĩ": 1},
}
#: Where people were registered at birth (the ID's first 3 digits): mostly Sóc Trăng (094),
#: else its neighbours; in Cần Thơ's own units mostly Cần Thơ (092).
BIRTH_PROVINCE = {
    "ST": {"094": 84, "092": 4, "093": 3, "095": 3, "084": 2, "086": 2, "079": 2},
    "CT": {"092": 75, "093": 8, "094": 8, "086": 5, "079": 4},
}


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class PersonMaker:
    """Makes register_member's fields for synthetic people; national IDs are unique."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.foreign = 0

    def name(self, ethnicity: str, gender: str) -> str:
        rng = self.rng
        if ethnicity == "Khmer":
            family = _pick(rng, KHMER_FAMILY)
            if rng.random() < 0.55:
                middle = "Thị " if gender == "female" and rng.random() < 0.6 else ""
                return f"{family} {middle}{rng.choice(KHMER_GIVEN[gender])}"
        elif ethnicity == "Hoa":
            family = _pick(rng, HOA_FAMILY)
            return f"{family} {rng.choice(HOA_MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
        else:
            family = _pick(rng, KINH_FAMILY)
        middle = _pick(rng, MIDDLE[gender])
        if gender == "female" and rng.random() < 0.2:  # Nguyễn Thị Ngọc Hân
            middle = f"Thị {rng.choice([m for m in MIDDLE['female'] if m != 'Thị'])}"
        return f"{family} {middle} {rng.choice(GIVEN[gender])}"

    def national_id(self, province: str, gender: str, born: int) -> str:
        marker = (born - 1900) // 100 * 2 + (gender == "female")
        prefix = f"{province}{marker}{born % 100:02d}"
        while (number := f"{prefix}{self.rng.randrange(1_000_000):06d}") in self.ids:
            pass
        self.ids.add(number)
        return number

    def person(
        self,
        *,
        gender: str,
        birth: dt.date,
        year_only: bool,
        ethnic_mix: tuple[float, float],
        region: str,
        public: bool,
        employer: str,
    ) -> dict:
        rng = self.rng
        khmer, hoa = ethnic_mix
        r = rng.random()
        ethnicity = "Khmer" if r < khmer else "Hoa" if r < khmer + hoa else "Kinh"
        has_id = rng.random() < (0.4 if year_only else 0.95)
        return {
            "full_name": self.name(ethnicity, gender),
            "gender": gender,
            "birth_date": None if year_only else birth,
            "birth_year": birth.year,
            "national_id": (
                self.national_id(_pick(rng, BIRTH_PROVINCE[region]), gender, birth.year)
                if has_id else None
            ),
            "ethnicity": ethnicity,
            "religion": _pick(rng, RELIGION[ethnicity]),
            "education_level": "12/12" if public else _pick(rng, SCHOOLING),
            "professional_level": _pick(rng, TRAINING["public" if public else "other"]),
            "employer_name": employer,
        }

    def foreigner(self, *, birth: dt.date, employer: str) -> dict:
        """A foreign worker (from 1 Jul 2025 the law lets them join); no Vietnamese ID."""
        nationality, name, gender = FOREIGN[self.foreign % len(FOREIGN)]
        # Contracts of 12 months or more, as the law asks; every fourth without a term.
        months = (12, 24, 36, None)[self.foreign % 4]
        self.foreign += 1
        return {
            "full_name": name, "gender": gender, "birth_date": birth, "birth_year": birth.year,
            "nationality": nationality, "education_level": "12/12",
            "professional_level": "Đại học", "employer_name": employer,
            "contract_term": "fixed" if months else "indefinite", "contract_months": months,
        }


@dataclass(slots=True)
class Span:
    unit: int
    status: str
    start: dt.date
    how: str
    end: dt.date | None = None
    why: str = ""
    note: str = ""

    def as_dict(self) -> dict:
        return {"unit": self.unit, "status": self.status, "start": self.start, "end": self.end,
                "start_reason": self.how, "end_reason": self.why, "note": self.note}


@dataclass(slots=True)
class Person:
    idx: int
    fields: dict
    retire_on: dt.date
    spans: list[Span]
    busy: dt.date  # nothing more happens to them on or before this day
    pending: tuple | None = None  # (day, "resume" or "leave"): how a suspension ends
    member_id: int | None = None
    written: int = 0  # spans in the database
    closed: bool = False  # the last of those is closed in the database
    gone: bool = False  # deceased or expelled: never re-admitted


def retirement(birth: dt.date, gender: str) -> dt.date:
    """The legal retirement age since 2021: 60 (men) and 55 (women) rising by 3 and 4 months
    a year up to 62 and 60."""
    base, step, cap = (720, 3, 744) if gender == "male" else (660, 4, 720)
    reached = birth.year + base // 12
    return rules.add_months(birth, min(cap, base + step * max(0, reached - 2020)))
