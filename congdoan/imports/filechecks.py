"""What calamine does not tell about a workbook: a password on it, formulas never calculated.

- Excel encrypts an .xlsx by wrapping it in an OLE compound file whose "EncryptedPackage"
  stream holds the zip: calamine then sees neither a zip nor an .xls and says "damaged".
  An encrypted .xls keeps its layout but its Workbook stream starts with a FILEPASS record.
- A formula cell stores its last calculated result beside the formula. Excel and LibreOffice
  store it; programs that write files without calculating (openpyxl, XlsxWriter, many
  exports) store none, or XlsxWriter's placeholder 0 with a request to recalculate on
  opening. calamine reads such a cell as empty or 0, which is neither the clerk's value
  nor an error the clerk could understand, so the pipeline rejects the cell instead.
"""

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_SPECIAL_SECTOR = 0xFFFFFFFA  # this and above: end of chain, free, FAT or DIFAT sector
_MAX_SECTORS = 1 << 20
_BIFF_BOF, _BIFF_FILEPASS = 0x0809, 0x002F
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_CHUNK = 1 << 20
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


# --- passwords -----------------------------------------------------------------------------


def is_encrypted(data: bytes) -> bool:
    """True for an .xlsx/.xlsm encrypted by Excel (or another Office program) and for an
    .xls with a FILEPASS record; False for anything else, damaged files included."""
    if not data.startswith(_OLE_MAGIC):
        return False
    try:
        ole = _Ole(data)
        streams = ole.streams()
        if "EncryptedPackage" in streams:
            return True
        for name in ("Workbook", "Book"):
            if name in streams:
                return _has_filepass(ole.head(*streams[name]))
    except (struct.error, IndexError, ValueError):
        return False  # not a compound file after all: calamine says what it is
    return False


class _Ole:
    """Just enough of the compound file format to list streams and read a stream's start."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.sector_size = 1 << struct.unpack_from("<H", data, 30)[0]
        if self.sector_size not in (512, 4096):
            raise ValueError("sector size")
        self.mini_cutoff = struct.unpack_from("<I", data, 56)[0]
        difat = list(struct.unpack_from("<109I", data, 76))
        next_difat, count = struct.unpack_from("<II", data, 68)
        per_sector = self.sector_size // 4
        for _ in range(min(count, _MAX_SECTORS)):
            if next_difat >= _SPECIAL_SECTOR:
                break
            values = struct.unpack_from(f"<{per_sector}I", self._sector(next_difat))
            difat += values[:-1]
            next_difat = values[-1]
        self.fat: list[int] = []
        for sector in difat:
            if sector < _SPECIAL_SECTOR:
                self.fat += struct.unpack_from(f"<{per_sector}I", self._sector(sector))

    def _sector(self, number: int) -> bytes:
        start = (number + 1) * self.sector_size
        if start + self.sector_size > len(self.data):
            raise ValueError("sector outside the file")
        return self.data[start : start + self.sector_size]

    def _chain(self, first: int) -> Iterator[int]:
        sector, seen = first, 0
        while sector < _SPECIAL_SECTOR and seen < _MAX_SECTORS:
            yield sector
            sector, seen = self.fat[sector], seen + 1

    def streams(self) -> dict[str, tuple[int, int]]:
        """Stream name → (first sector, size), from the directory."""
        found = {}
        first_directory = struct.unpack_from("<I", self.data, 48)[0]
        for sector in self._chain(first_directory):
            block = self._sector(sector)
            for offset in range(0, self.sector_size, 128):
                entry = block[offset : offset + 128]
                length, kind = struct.unpack_from("<HB", entry, 64)
                if kind != 2 or not 2 <= length <= 64:  # 2: a stream
                    continue
                name = entry[: length - 2].decode("utf-16-le", "replace")
                found[name] = struct.unpack_from("<II", entry, 116)
        return found

    def head(self, first: int, size: int) -> bytes:
        """The first sector's worth of a stream (b"" if it lives in the mini stream)."""
        if size < self.mini_cutoff:
            return b""  # a tiny .xls: calamine reports its FILEPASS itself
        return self._sector(first)[:size]


def _has_filepass(stream: bytes) -> bool:
    # FILEPASS follows the globals' BOF; look at the first few records only.
    offset = 0
    for _ in range(8):
        if offset + 4 > len(stream):
            return False
        kind, length = struct.unpack_from("<HH", stream, offset)
        if kind == _BIFF_FILEPASS:
            return True
        if offset == 0 and kind != _BIFF_BOF:
            return False
        offset += 4 + length
    return False


# --- formulas ------------------------------------------------------------------------------


def uncomputed_formulas(data: bytes) -> dict[str, frozenset[tuple[int, int]]]:
    """Sheet name → 0-based (row, column) of the formula cells of an .xlsx without a
    calculated result; sheets without any are left out. A damaged file gives {}."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = _sheet_parts(archive)
            recalculate = _recalculates_on_load(archive)
            found = {}
            for name, part in sheets.items():
                if part in archive.NameToInfo and _has_formula(archive, part):
                    cells = _uncomputed(archive, part, recalculate)
                    if cells:
                        found[name] = frozenset(cells)
            return found
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, ElementTree.ParseError):
        return {}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for element in workbook.iter():
        if _local(element.tag) == "sheet" and element.get(_REL) in targets:
            target = targets[element.get(_REL)]
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts[element.get("name")] = part
    return parts


def _recalculates_on_load(archive: zipfile.ZipFile) -> bool:
    # Set by writers that store placeholders instead of results (XlsxWriter, openpyxl);
    # Excel clears it when it saves.
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    for element in workbook.iter():
        if _local(element.tag) == "calcPr":
            return element.get("fullCalcOnLoad") in ("1", "true")
    return False


def _has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    """A quick scan of the sheet's XML: most rosters hold no formula at all."""
    with archive.open(part) as stream:
        tail = b""
        while chunk := stream.read(_CHUNK):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _column(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _uncomputed(archive: zipfile.ZipFile, part: str, recalculate: bool) -> set[tuple[int, int]]:
    cells: set[tuple[int, int]] = set()
    row = col = -1
    sheet_data = None
    with archive.open(part) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "sheetData":
                    sheet_data = element
                elif tag == "row":
                    number = element.get("r")
                    row, col = (int(number) - 1 if number else row + 1), -1
                elif tag == "c":
                    match = _CELL_REF.match(element.get("r") or "")
                    col = _column(match.group(1)) if match else col + 1
                continue
            if tag == "c":
                formula = value = None
                for child in element:
                    name = _local(child.tag)
                    if name == "f":
                        formula = child
                    elif name == "v":
                        value = child
                if formula is not None and _no_result(element.get("t"), value, recalculate):
                    cells.add((row, col))
                element.clear()
            elif tag == "row" and sheet_data is not None:
                sheet_data.remove(element)  # the rows read so far are not kept
    return cells


def _no_result(kind: str | None, value, recalculate: bool) -> bool:
    if value is None:
        return True  # never calculated (openpyxl and the like)
    text = (value.text or "").strip()
    if kind == "str":
        return False  # a text result, possibly the empty text a formula gave
    if not text:
        return True  # a number, boolean or error cell with nothing in it
    # XlsxWriter's placeholder: 0, in a file that asks to be recalculated on opening.
    return recalculate and kind in (None, "n") and text in ("0", "0.0")
