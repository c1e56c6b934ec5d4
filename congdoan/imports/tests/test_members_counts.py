"""A roster import keeps the member counts current (analytics' daily and monthly rows) as
the services do: the counts it leaves are those a rebuild makes from the spans it wrote."""

import datetime as dt

import pytest

from congdoan.analytics import rollup
from congdoan.analytics import services as analytics_services
from congdoan.analytics.tests.test_aggregates import kept_rows
from congdoan.enterprises.models import Ownership
from congdoan.enterprises.tests.factory import make_enterprise
from congdoan.imports import pipeline
from congdoan.imports.pipeline import run_import
from congdoan.imports.tests.files import write_xlsx
from congdoan.imports.tests.test_members_import import AN, BINH, HEADER
from congdoan.testing import Org, make_member

pytestmark = pytest.mark.django_db

CHI = ["Lê Thị Chi", "03/04/1992", "Nữ", "079192000111", "05/06/2018", "DA-2"]




def test_an_import_in_chunks_leaves_the_counts_a_rebuild_makes(tmp_path, monkeypatch):
    org = Org()
    # Months already kept before the import: the people it admits must move their openings.
    rollup.rollup_on(dt.date(2016, 1, 1))
    employer = make_enterprise(area_unit=org.district_a, ownership=Ownership.NON_STATE)
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 2)
    rows = [
        [*HEADER, "Mã số thuế DN"],
        [*AN, employer.tax_code],
        [*BINH, ""],
        [*CHI, employer.tax_code],
    ]
    result = run_import(kind="members", source=write_xlsx(tmp_path / "roster.xlsx", rows))
    assert result.written and result.created == 3, result.errors

    figures = rollup.rollup_on(dt.date(2024, 1, 1)).of(org.province.pk)
    assert (figures["members"], figures["female"], figures["non_state"]) == (3, 2, 2)
    assert rollup.rollup_on(dt.date(2016, 1, 1)).of(org.province.pk)["members"] == 2  # not Chi
    kept = kept_rows()
    analytics_services.rebuild()
    assert kept_rows() == kept


def test_an_import_into_kept_months_settles_them_as_a_rebuild(tmp_path, monkeypatch):
    """The months already kept move once, at the end (ledger.months_gathered), and a join
    dated before all of them makes the months before."""
    org = Org()
    make_member(unit=org.grassroots_a2, on=dt.date(2014, 1, 15))
    analytics_services.rebuild()  # months kept from January 2014; Bình joined in 2012
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 2)
    rows = [HEADER, AN, BINH, CHI]
    result = run_import(kind="members", source=write_xlsx(tmp_path / "roster.xlsx", rows))
    assert result.written and result.created == 3, result.errors

    assert rollup.rollup_on(dt.date(2013, 1, 1)).of(org.province.pk)["members"] == 1
    figures = rollup.rollup_on(dt.date(2016, 1, 1)).of(org.province.pk)
    assert (figures["members"], figures["female"]) == (3, 1)
    kept = kept_rows()
    analytics_services.rebuild()
    assert kept_rows() == kept


def test_a_dry_run_into_kept_months_leaves_them_as_they_were(tmp_path):
    org = Org()
    make_member(unit=org.grassroots_a2, on=dt.date(2014, 1, 15))
    analytics_services.rebuild()
    before = kept_rows()
    source = write_xlsx(tmp_path / "roster.xlsx", [HEADER, AN, BINH, CHI])
    result = run_import(kind="members", source=source, dry_run=True)
    assert result.created == 3 and not result.written
    assert kept_rows() == before
