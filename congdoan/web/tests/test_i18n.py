"""The Vietnamese catalogue is complete, and the compiled .mo says what the .po says."""

import ast
import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES"
PO, MO = LOCALE / "django.po", LOCALE / "django.mo"
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr {index: text}, flags."""
    entries: list[dict] = []
    entry, field = _new_entry(), None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):  # obsolete
            continue
        if not line:  # entries are separated by blank lines
            entry, field = _flush(entries, entry), None
            continue
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):  # continuation of the last keyword's string
            target = entry["msgstr"] if isinstance(field, int) else entry
            target[field] += ast.literal_eval(line)
            continue
        word, _space, rest = line.partition(" ")
        if word in ("msgctxt", "msgid") and entry["msgstr"]:
            entry = _flush(entries, entry)
        value = ast.literal_eval(rest)
        if word.startswith("msgstr"):
            field = int(word[7:-1]) if word.startswith("msgstr[") else 0
            entry["msgstr"][field] = value
        else:
            field = word
            entry[word] = value
    _flush(entries, entry)
    return entries


def _new_entry() -> dict:
    return {"flags": set(), "msgstr": {}}


def _flush(entries: list[dict], entry: dict) -> dict:
    if "msgid" in entry:
        entries.append(entry)
    return _new_entry()


@pytest.fixture(scope="module")
def entries():
    assert PO.exists(), f"{PO} is missing: run `make messages`"
    return parse_po(PO)


def _label(entry) -> str:
    return repr(entry.get("msgctxt", "") + "|" + entry["msgid"])[:120]


def test_every_message_is_translated(entries):
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 100
    untranslated = [_label(e) for e in messages if not all(e["msgstr"].values())]
    assert not untranslated, f"untranslated in {PO.name}: {untranslated}"


def test_no_fuzzy_entries(entries):
    # The header (msgid "") counts too: a fuzzy header is left out of the .mo with its charset.
    fuzzy = [_label(e) for e in entries if "fuzzy" in e["flags"]]
    assert not fuzzy, f"fuzzy in {PO.name}: {fuzzy}"


def test_translations_keep_the_placeholders(entries):
    wrong = []
    for e in entries:
        if not e["msgid"]:
            continue
        wanted = set(_PLACEHOLDER.findall(e["msgid"] + e.get("msgid_plural", "")))
        for text in e["msgstr"].values():
            if set(_PLACEHOLDER.findall(text)) - wanted or (
                "python-format" in e["flags"] and not set(_PLACEHOLDER.findall(text)) <= wanted
            ):
                wrong.append(_label(e))
    assert not wrong, wrong


def test_the_compiled_catalogue_matches_the_po(entries):
    assert MO.exists(), f"{MO} is missing: run `make messages`"
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = compiled._catalog
    stale = []
    for e in entries:
        if not e["msgid"]:
            continue
        key = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            got = {i: catalog.get((key, i)) for i in e["msgstr"]}
        else:
            got = {0: catalog.get(key)}
        if got != e["msgstr"]:
            stale.append(_label(e))
    assert not stale, f"{MO.name} is older than {PO.name} for: {stale} (run compilemessages)"
    po_keys = {
        e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        for e in entries
    }
    extra = [k for k in catalog if (k[0] if isinstance(k, tuple) else k) not in po_keys]
    assert not extra, f"{MO.name} has messages the .po no longer has: {extra[:10]}"
