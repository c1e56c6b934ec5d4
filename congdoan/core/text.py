"""Vietnamese text: NFC storage, accent-free search keys, loose header/label matching."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")
# đ/Đ are letters of their own, not d with a combining mark, so NFD leaves them alone.
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(value: str | None) -> str:
    """NFC-normalised text with runs of white space folded and the ends trimmed."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value.translate(_D_MAP))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_key(value: str | None) -> str:
    """Lower-case, accent-free, single-spaced: "Nguyễn  Văn An" → "nguyen van an"."""
    return nfc(strip_accents(nfc(value))).lower()


def loose_key(value: str | None) -> str:
    """Accent-, case-, space- and punctuation-free: for matching headers and labels."""
    return _NON_WORD.sub("", search_key(value))


def name_key(value: str | None) -> str:
    """Case-insensitive but accent-keeping key: "Mỹ Tú" and "Mỹ Tụ" are different places."""
    return nfc(value).casefold()
