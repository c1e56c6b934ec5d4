"""Vietnamese text: NFC storage, accent-free search keys, loose header/label matching."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
# đ/Đ are letters of their own, not d with a combining mark, so NFD leaves them alone.
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
# The combining marks Vietnamese uses (and the rest of their block): one pass of a regex
# removes them; a string still not ASCII after it is checked letter by letter.
_MARKS = re.compile(
    "[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]"
)


def nfc(value: str | None) -> str:
    """NFC-normalised text with runs of white space folded and the ends trimmed."""
    if not value:  # None, "" (most optional fields)
        return "" if value is None or value.__class__ is str else nfc(str(value))
    if value.__class__ is not str:
        value = str(value)
    if not value.isascii():  # ASCII is NFC already
        value = unicodedata.normalize("NFC", value)
    # split() cuts at the white space \s matches (Unicode's), and drops it at the ends.
    return " ".join(value.split())


def strip_accents(value: str) -> str:
    if value.isascii():
        return value
    decomposed = _MARKS.sub("", unicodedata.normalize("NFD", value.translate(_D_MAP)))
    if decomposed.isascii():
        return decomposed
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
