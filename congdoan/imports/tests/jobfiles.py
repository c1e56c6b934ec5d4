"""What the import-job tests share: a small units file and the progress files in tmp."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congdoan.imports.tests.files import UNITS_HEADER, write_xlsx

NEW_UNITS = [
    ["DA-3", "CĐCS Trường Tiểu học A3", "DA", "CĐCS"],
    ["DA-4", "CĐCS Công ty May A4", "DA", "CĐCS"],
    ["DA-5", "CĐCS Công ty Giày A5", "DA", "CĐCS"],
]
BAD_UNIT = ["DA-9", "CĐCS Không Cấp Trên", "KHONG-CO", "CĐCS"]


def units_xlsx(tmp_path, rows=NEW_UNITS, name="don-vi.xlsx") -> bytes:
    title = ["DANH SÁCH ĐƠN VỊ"]
    path = write_xlsx(tmp_path / name, [title, [], UNITS_HEADER, *rows])
    return path.read_bytes()


def units_upload(tmp_path, rows=NEW_UNITS, name="don-vi.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, units_xlsx(tmp_path, rows, name))


@pytest.fixture
def progress_in_tmp(settings, tmp_path_factory):
    settings.IMPORT_PROGRESS_DIR = tmp_path_factory.mktemp("jobs")
    return settings.IMPORT_PROGRESS_DIR
