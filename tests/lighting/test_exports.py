"""The lamp register's exports keep formula-looking text as text, and read back unchanged."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from ioc.lighting.models import Cabinet

EVIL_NAME = '=HYPERLINK("http://evil.example","bấm vào")'


def test_the_lighting_xlsx_and_csv_exports_do_not_carry_a_formula(network, users, client_for):
    Cabinet.objects.update(name=EVIL_NAME)
    operator = client_for(users["operator"])
    sheet = load_workbook(io.BytesIO(operator.get("/dashboard/lighting/export.xlsx").content)).worksheets[0]
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"'" + EVIL_NAME}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    body = operator.get("/dashboard/lighting/export.csv").content.decode("utf-8-sig")
    assert {row[1] for row in list(csv.reader(io.StringIO(body)))[1:]} == {"'" + EVIL_NAME}


def test_an_escaped_export_imports_back_to_the_same_text(network, users, client_for):
    Cabinet.objects.update(name=EVIL_NAME)
    operator = client_for(users["operator"])
    exported = operator.get("/dashboard/lighting/export.xlsx").content
    operator.post("/dashboard/lighting/import/", {"file": SimpleUploadedFile("den.xlsx", exported)})
    assert set(Cabinet.objects.values_list("name", flat=True)) == {EVIL_NAME}
