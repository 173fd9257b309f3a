"""An independent Open311 client (PyPI `georeport`) reads every endpoint it knows, in JSON and in XML."""

import pytest
from georeport import GeoReport

from tests.feedback.conftest import make_photo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city_reports(live_server, categories, users):
    from ioc.feedback import services
    from ioc.feedback.services import submit_report
    from tests.conftest import POINT_DOAN_KET, POINT_TAN_PHONG

    first = submit_report(
        category=categories["den-duong"],
        description="Đèn tắt",
        lat=POINT_DOAN_KET[0],
        lon=POINT_DOAN_KET[1],
        attributes={"tinh_trang": "tat"},
        photos=[make_photo()],
        reporter_phone="0912345678",
    )
    second = submit_report(
        category=categories["rac-thai"], description="Rác tồn đọng", lat=POINT_TAN_PHONG[0], lon=POINT_TAN_PHONG[1]
    )
    services.transition(second, users["operator"], "assign")
    services.transition(second, users["operator"], "resolve", text="Đã thu gom", photos=[make_photo()])
    return first, second


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_everything(live_server, city_reports, fmt):
    first, second = city_reports
    client = GeoReport(live_server.url + "/open311/v2", output_format=fmt)
    services = client.get_service_list()
    codes = {s["service_code"] for s in services}
    assert {"den-duong", "rac-thai", "sat-lo"} <= codes
    definition = client.get_service_definition("den-duong")
    assert definition["service_code"] == "den-duong"
    attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    assert {a["code"] for a in attributes} == {"so_den", "tinh_trang"}

    everything = client.get_service_requests()
    assert {r["service_request_id"] for r in everything} == {str(first.pk), str(second.pk)}
    closed = client.get_service_requests(status="closed")
    closed = closed if isinstance(closed, list) else [closed]  # xmltodict gives a dict for a single element
    assert [r["service_request_id"] for r in closed] == [str(second.pk)]
    one = client.get_service_request(str(first.pk))
    one = one[0] if isinstance(one, list) else one
    assert one["service_code"] == "den-duong" and one["status"] == "open"
    assert "0912345678" not in str(everything) and "0912345678" not in str(one)
