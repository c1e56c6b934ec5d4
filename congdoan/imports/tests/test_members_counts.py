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
from congdoan.testing import Org

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
