"""Members and enterprises are checked and written a chunk of rows at a time: the results
must be those of reading the whole file at once, wherever the chunks end."""

import tracemalloc

import pytest

from congdoan.core.models import AuditEntry
from congdoan.imports import errors, pipeline, readers
from congdoan.imports.pipeline import run_import
from congdoan.imports.readers import CalamineWorkbook
from congdoan.imports.rejects import write_rejects
from congdoan.imports.specs.enterprises import DUPLICATE_TAX_CODE, tax_code
from congdoan.imports.tests.files import sample, write_xlsx
from congdoan.imports.tests.test_members_import import (
    AN,
    BINH,
    EXPECTED_FORM_REJECTS,
    HEADER,
)
from congdoan.members.models import Member, Membership
from congdoan.testing import Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def soc_trang():
    assert run_import(kind="units", source=sample("units-soc-trang.xlsx")).written


@pytest.fixture
def org():
    return Org()


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 3)


def summary(result):
    counts = (result.rows, result.created, result.updated, result.unchanged, result.rejected)
    return counts, [(e.row, e.column, e.code, e.message) for e in result.errors]


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_the_form_gives_the_same_result_in_chunks_as_in_one(soc_trang, monkeypatch, skip_invalid):
    whole = run_import(kind="members", source=sample("roster-form.xlsx"), dry_run=True)
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 7)
    chunked = run_import(
        kind="members", source=sample("roster-form.xlsx"), skip_invalid=skip_invalid
    )
    assert summary(chunked) == summary(whole)
    assert sorted({e.row for e in chunked.errors}) == EXPECTED_FORM_REJECTS
    assert [r.number for r in chunked.rejected_rows] == EXPECTED_FORM_REJECTS
    assert chunked.written == skip_invalid
    assert Member.objects.count() == (113 if skip_invalid else 0)


def test_a_clean_roster_in_chunks_is_written_with_one_audit_entry_per_chunk(soc_trang, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 50)
    result = run_import(kind="members", source=sample("roster-clean.xlsx"))
    assert (result.created, result.rejected, result.written) == (200, 0, True)
    assert Membership.objects.filter(end__isnull=True).count() == 200
    entries = AuditEntry.objects.filter(operation="bulk_load")
    assert sorted(e.after["members"] for e in entries) == [50, 50, 50, 50]
    again = run_import(kind="members", source=sample("roster-clean.xlsx"))
    assert (again.unchanged, again.written) == (200, False)


def test_a_dry_run_in_chunks_writes_nothing(soc_trang, small_chunks):
    result = run_import(kind="members", source=sample("roster-clean.xlsx"), dry_run=True)
    assert (result.created, result.written) == (200, False)
    assert (
        Member.objects.count() == 0
        and not AuditEntry.objects.filter(operation="bulk_load").exists()
    )


def test_a_rejected_row_in_a_late_chunk_rolls_back_the_chunks_written_before(
    tmp_path, org, small_chunks
):
    people = [[f"Người Số {n}", "17/05/1990", "Nam", "", "01/03/2015", "DA-1"] for n in range(7)]
    path = write_xlsx(tmp_path / "ds.xlsx", [HEADER, *people, [*AN[:5], "NOPE"]])
    result = run_import(kind="members", source=path)
    assert (result.created, result.rejected, result.written) == (7, 1, False)
    assert Member.objects.count() == 0 and Membership.objects.count() == 0


def test_duplicates_in_different_chunks_are_reported_on_the_later_row(tmp_path, org, small_chunks):
    other = ["Lê Văn Khác", "03/04/1991", "Nam", "", "01/01/2016", "DA-1"]
    rows = [AN, BINH, other, other, [*AN[:3], AN[3], *AN[4:]], BINH]
    path = write_xlsx(tmp_path / "ds.xlsx", [HEADER, *rows])
    result = run_import(kind="members", source=path, skip_invalid=True)
    assert [(e.row, e.code) for e in result.errors] == [
        (5, "duplicate_person"),
        (6, "duplicate_national_id"),
        (7, "duplicate_national_id"),
    ]
    assert result.errors[1].message == str(errors.DUPLICATE_NATIONAL_ID) % {
        "value": AN[3],
        "first": 2,
    }
    assert result.created == 3 and Member.objects.count() == 3


def test_people_created_by_a_chunk_are_not_matched_by_a_later_one(tmp_path, org, small_chunks):
    # Same name and birth year, no IDs, one with a full date: two people, as in one chunk.
    hoa = ["Phạm Thị Hoa", "17/05/1990", "Nữ", "", "01/01/2015", "DA-1"]
    filler = [[f"Người Số {n}", "17/05/1990", "Nam", "", "01/03/2015", "DA-1"] for n in range(2)]
    path = write_xlsx(tmp_path / "ds.xlsx", [HEADER, hoa, *filler, [hoa[0], 1990, *hoa[2:]]])
    result = run_import(kind="members", source=path)
    assert (result.created, result.unchanged, result.rejected) == (4, 0, 0)
    assert Member.objects.filter(full_name="Phạm Thị Hoa").count() == 2


def test_progress_counts_every_row_in_chunks(soc_trang, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 40)
    monkeypatch.setattr(pipeline, "PROGRESS_EVERY", 25)
    seen = []
    run_import(
        kind="members",
        source=sample("roster-form.xlsx"),
        dry_run=True,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(0, 120), (25, 120), (50, 120), (75, 120), (100, 120), (120, 120)]


def test_the_rejects_file_of_a_chunked_import_has_the_rejected_rows(
    soc_trang, small_chunks, tmp_path
):
    result = run_import(kind="members", source=sample("roster-form.xlsx"))
    target = tmp_path / "loi.xlsx"
    assert write_rejects(result, target) == 7
    [table] = readers.read_tables(target)
    header_end = result.layout.data_start
    [source] = readers.read_tables(sample("roster-form.xlsx"))
    width = 5  # STT, name, birth, Nam, Nữ: the error column comes further right
    assert [row[:width] for row in table.rows[header_end:]] == [
        source.rows[n - 1][:width] for n in EXPECTED_FORM_REJECTS
    ]


def test_an_import_reads_the_sheet_lazily_and_keeps_only_rejected_rows(soc_trang):
    result = run_import(kind="members", source=sample("roster-form.xlsx"))
    # No list of every row of the sheet was made, and the rows that passed were let go.
    assert result.layout.table._rows is None
    assert len(result.rejected_rows) == 7
    assert all(r.values == {} and r.cells for r in result.rejected_rows)


def test_enterprises_in_chunks_find_a_tax_code_repeated_in_a_later_chunk(
    soc_trang, small_chunks, tmp_path, settings
):
    settings.ENTERPRISES_CHECK_TAX_CODE_DIGIT = False  # the sample's codes are synthetic
    [table] = readers.read_tables(sample("enterprises.xlsx"))
    header, first, *rest = table.rows
    path = write_xlsx(tmp_path / "dn.xlsx", [header, first, *rest[:5], first])
    result = run_import(kind="enterprises", source=path, skip_invalid=True)
    assert [(e.row, e.code) for e in result.errors] == [(8, "duplicate_tax_code")]
    assert result.errors[0].message == str(DUPLICATE_TAX_CODE) % {
        "value": tax_code(first[0]),
        "first": 2,
    }
    assert result.created == 6


@pytest.mark.parametrize(
    "name", ["units-soc-trang.xlsx", "roster-clean.xlsx", "roster-form.xlsx", "enterprises.xlsx"]
)
def test_lazy_rows_are_the_cells_calamine_gives_for_the_whole_sheet(name):
    tables = readers.read_tables(sample(name))
    book = CalamineWorkbook.from_path(str(sample(name)))
    for table in tables:
        sheet = book.get_sheet_by_name(table.name)
        expected = [
            [readers.nfc(c) if isinstance(c, str) else c for c in row]
            for row in sheet.to_python(skip_empty_area=False)
        ]
        assert [cells for _n, cells in table.iter_rows()] == expected
        assert list(table.iter_rows(3))[0] == (4, expected[3])


def traced_peak(tmp_path, rows: int) -> int:
    """Peak Python memory of a dry run of a roster of `rows` new people (no IDs)."""
    people = [[f"Người Số {n}", "17/05/1990", "Nam", "", "01/03/2015", "DA-1"] for n in range(rows)]
    path = write_xlsx(tmp_path / f"ds-{rows}.xlsx", [HEADER, *people])
    tracemalloc.start()
    try:
        result = run_import(kind="members", source=path, dry_run=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.created == rows
    return peak


@pytest.mark.parametrize("chunk, grows", [(100, False), (10**9, True)])
def test_memory_does_not_grow_with_the_file_when_rows_come_in_chunks(
    tmp_path, org, monkeypatch, chunk, grows
):
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", chunk)
    traced_peak(tmp_path, 50)  # warm up: imports, caches, translations
    growth = traced_peak(tmp_path, 1500) - traced_peak(tmp_path, 300)
    # In chunks only the keys of the rows seen (a few hundred bytes a row) accumulate; the
    # whole file at once keeps every row, its person and its cells (several KB a row).
    assert (growth > 1_500_000) == grows, growth


def test_the_enterprises_sample_in_chunks_imports_as_expected(soc_trang, monkeypatch, settings):
    settings.ENTERPRISES_CHECK_TAX_CODE_DIGIT = False  # the sample's codes are synthetic
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 10**9)
    whole = run_import(kind="enterprises", source=sample("enterprises.xlsx"), dry_run=True)
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 7)
    chunked = run_import(kind="enterprises", source=sample("enterprises.xlsx"))
    assert summary(chunked) == summary(whole)
    assert (chunked.rows, chunked.created, chunked.rejected, chunked.written) == (60, 60, 0, True)
