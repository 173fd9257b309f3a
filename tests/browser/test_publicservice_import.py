"""An operator imports an XLSX export through the upload page and reads the late list."""

import io

import pytest
from openpyxl import Workbook

from tests.browser.test_operator import live_server_shot
from tests.conftest import PASSWORD
from tests.publicservice.conftest import COLUMNS, row

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue(units):
    from ioc.publicservice.defaults import ensure_defaults

    ensure_defaults()


def test_import_xlsx_and_read_the_late_list(browser, live_server, users, catalogue, login, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    rows = [
        row("TRE-001", received="02/03/2026 08:00", due="05/03/2026 17:00", status=4),
        row(
            "TRE-002",
            received="03/03/2026 08:00",
            due="06/03/2026 17:00",
            status=5,
            DonViXuLy="Phòng Quản lý đô thị",
            MaTTHC="1.003003",
        ),
        row("DUNG-HAN", received="02/03/2026 08:00", due="05/03/2026 17:00", finished="04/03/2026 09:00", status=10),
        row("SAI-MA", MaTTHC="0.000000"),
    ]
    for r in rows:
        sheet.append([r.get(c, "") for c in COLUMNS])
    path = tmp_path / "ho-so-thang-3.xlsx"
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, "operator1", PASSWORD)
    page.goto(live_server.url + "/dashboard/publicservice/import/")
    page.set_input_files("#file", str(path))
    page.click("#import-submit")
    page.wait_for_selector("body[data-import-done='1']", timeout=30000)
    status = page.inner_text("#import-status")
    assert "3" in status and "1" in status
    refused = page.inner_text("#refused")
    assert "SAI-MA" in refused and "không có thủ tục" in refused and "5" in refused  # line 5, in Vietnamese
    page.screenshot(path=str(live_server_shot("ps-import")), full_page=True)

    page.goto(live_server.url + "/dashboard/publicservice/")
    page.click("#late-link")
    page.wait_for_selector("#late-files")
    late = page.inner_text("#late-files")
    assert "TRE-001" in late and "TRE-002" in late and "DUNG-HAN" not in late
    page.screenshot(path=str(live_server_shot("ps-late")), full_page=True)
