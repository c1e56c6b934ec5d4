import unicodedata

from congdoan.core.text import loose_key, name_key, nfc, search_key


def test_nfc_joins_decomposed_marks_and_folds_spaces():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Văn An ")
    assert nfc(decomposed) == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", nfc(decomposed))
    assert nfc(None) == ""


def test_search_key_ignores_accents_case_and_d_stroke():
    assert search_key("Đặng Quốc An") == "dang quoc an"
    assert search_key(unicodedata.normalize("NFD", "NGUYỄN văn  AN")) == "nguyen van an"


def test_loose_key_matches_header_variants():
    assert loose_key("Số CCCD") == loose_key("so cccd") == loose_key("Số  C.C.C.D")
    assert loose_key("Ngày, tháng, năm sinh") == "ngaythangnamsinh"


def test_name_key_keeps_accents_that_change_meaning():
    assert name_key("Mỹ Tú") != name_key("Mỹ Tụ")
    assert name_key("CĐCS  A") == name_key("cđcs a")
