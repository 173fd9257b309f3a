"""Open311 GeoReport v2: every endpoint in JSON (validated against schemas from the spec) and XML, errors, POST."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone

from ioc.feedback.api.open311 import create_key
from ioc.feedback.models import Report
from tests.conftest import POINT_DOAN_KET, POINT_TAN_PHONG
from tests.feedback import open311_schemas as S
from tests.feedback.conftest import jpeg_bytes, make_photo

BASE = "/open311/v2"


def get_json(path, schema=None, expect=200, **params):
    response = Client().get(f"{BASE}/{path}.json", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/json"
    data = response.json()
    if schema:
        jsonschema.validate(data, schema)
    return data


def get_xml(path, expect=200, **params):
    response = Client().get(f"{BASE}/{path}.xml", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "text/xml"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.content)


def test_discovery(categories):
    data = get_json("discovery", S.DISCOVERY)
    # No trailing slash: SeeClickFix's validator appends "/services.xml" itself (…/v2//services.xml was a 404).
    url = data["endpoints"][0]["url"]
    assert url.endswith("/open311/v2") and not url.endswith("/")
    root = get_xml("discovery")
    assert root.tag == "discovery" and [f.text for f in root.iter("format")] == ["text/xml", "application/json"]


def test_services_and_definitions_with_all_six_datatypes(categories):
    services = get_json("services", S.SERVICES)
    assert {s["service_code"] for s in services} >= {"den-duong", "sat-lo", "an-ninh"}
    root = get_xml("services")
    assert root.tag == "services" and len(root.findall("service")) == len(services)
    assert root.find("service/metadata").text in ("true", "false")
    datatypes = set()
    for service in services:
        if service["metadata"]:
            definition = get_json(f"services/{service['service_code']}", S.SERVICE_DEFINITION)
            datatypes |= {a["datatype"] for a in definition["attributes"]}
    assert datatypes == {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
    xml = get_xml("services/den-duong")
    assert xml.tag == "service_definition" and xml.find("attributes/attribute/values/value/key") is not None
    assert get_json("services/khong-co", S.ERRORS, expect=404)[0]["code"] == 404


def post(data, files=None, fmt="json"):
    return Client().post(f"{BASE}/requests.{fmt}", {**data, **(files or {})})


def test_post_requires_a_key_and_creates_a_routed_report(categories):
    _, key = create_key("Hue-S style app")
    body = {
        "service_code": "den-duong",
        "lat": POINT_DOAN_KET[0],
        "long": POINT_DOAN_KET[1],
        "description": "Đèn tắt cả tuần",
        "attribute[tinh_trang]": "tat",
        "attribute[so_den]": "3",
        "email": "dan@example.vn",
        "first_name": "Minh",
        "last_name": "Lò",
        "phone": "0912000111",
    }
    response = post(body)
    assert response.status_code == 403 and response.json()[0]["description"] == "A valid api_key is required"
    response = post({**body, "api_key": key}, {"media": make_photo()})
    assert response.status_code == 201, response.content
    created = response.json()
    jsonschema.validate(created, S.CREATED)
    report = Report.objects.get(pk=int(created[0]["service_request_id"]))
    assert report.attributes == {"tinh_trang": "tat", "so_den": 3.0} and report.photos.count() == 1
    assert report.reporter_name == "Minh Lò" and report.source == "open311:Hue-S style app"
    token = get_json(f"tokens/{created[0]['token']}", S.TOKEN)
    assert token[0]["service_request_id"] == created[0]["service_request_id"]
    # GET never shows the reporter.
    shown = get_json(f"requests/{report.pk}", S.REQUESTS)
    assert "dan@example.vn" not in str(shown) and "0912000111" not in str(shown) and "Minh" not in str(shown)
    assert shown[0]["media_url"].endswith(".jpg") and shown[0]["status"] == "open"


def test_post_multivalue_attributes_and_xml(categories):
    _, key = create_key("app")
    response = Client().post(
        f"{BASE}/requests.xml",
        {
            "api_key": key,
            "service_code": "lan-chiem",
            "lat": POINT_TAN_PHONG[0],
            "long": POINT_TAN_PHONG[1],
            "description": "Lấn chiếm",
            "attribute[loai][]": ["ban-hang", "xe"],
        },
    )
    assert response.status_code == 201
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text.isdigit()
    assert Report.objects.get().attributes == {"loai": ["ban-hang", "xe"]}


@pytest.mark.parametrize(
    ("data", "code", "text"),
    [
        ({"service_code": "nope"}, 400, "service_code"),
        ({"service_code": "cay-xanh", "description": "x"}, 400, "a location is required"),
        ({"service_code": "cay-xanh", "description": "x", "address_string": "Hà Nội"}, 400, "names no ward"),
        ({"service_code": "cay-xanh", "description": "x", "address_id": "A-17"}, 400, "address_id is not known"),
        ({"service_code": "cay-xanh", "description": "x", "lat": "21.03", "long": "105.85"}, 400, "outside the city"),
        (
            {"service_code": "den-duong", "description": "x", "lat": POINT_DOAN_KET[0], "long": POINT_DOAN_KET[1]},
            400,
            "Please answer",
        ),
        (
            {
                "service_code": "cay-xanh",
                "description": "x" * 4001,
                "lat": POINT_DOAN_KET[0],
                "long": POINT_DOAN_KET[1],
            },
            400,
            "4000",
        ),
        (
            {
                "service_code": "cay-xanh",
                "description": "x",
                "lat": POINT_DOAN_KET[0],
                "long": POINT_DOAN_KET[1],
                "media_url": "file:///etc/passwd",
            },
            400,
            "media_url",
        ),
    ],
)
def test_bad_posts_get_open311_errors_and_store_nothing(categories, data, code, text):
    _, key = create_key("app")
    response = post({"api_key": key, **data})
    assert response.status_code == code
    errors = response.json()
    jsonschema.validate(errors, S.ERRORS)
    assert text in errors[0]["description"]
    assert not Report.objects.exists()
    xml = ET.fromstring(post({"api_key": key, **data}, fmt="xml").content)
    assert xml.tag == "errors" and xml.find("error/code").text == str(code)


def test_a_bad_photo_in_a_post_leaves_nothing(categories):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, key = create_key("app")
    response = post(
        {
            "api_key": key,
            "service_code": "cay-xanh",
            "description": "Cây đổ",
            "lat": POINT_DOAN_KET[0],
            "long": POINT_DOAN_KET[1],
        },
        {"media": SimpleUploadedFile("a.jpg", b"<svg/>", "image/jpeg")},
    )
    assert response.status_code == 400 and not Report.objects.exists()


@pytest.mark.parametrize(
    ("contact", "message"),
    [({"email": "not-an-email"}, "email address is not valid"), ({"phone": "call me"}, "phone number is not valid")],
)
def test_a_bad_email_or_phone_is_refused_and_nothing_stored(categories, contact, message):
    _, key = create_key("app")
    base = {"api_key": key, "service_code": "cay-xanh", "description": "Cây đổ", "lat": POINT_DOAN_KET[0]}
    response = post({**base, "long": POINT_DOAN_KET[1], **contact})
    assert response.status_code == 400 and message in response.json()[0]["description"]
    assert not Report.objects.exists()


def test_a_retry_with_the_same_idempotency_key_gets_the_same_report(categories):
    """A client that lost the answer retries: one report, the same id, marked as a replay."""
    _, key = create_key("app")
    body = {"api_key": key, "service_code": "cay-xanh", "description": "Cây đổ", "lat": POINT_DOAN_KET[0]}
    body["long"] = POINT_DOAN_KET[1]
    client = Client()

    def send(data, idempotency_key):
        return client.post(f"{BASE}/requests.json", data, HTTP_IDEMPOTENCY_KEY=idempotency_key)

    first, again = send(body, "retry-1"), send(body, "retry-1")
    assert first.status_code == again.status_code == 201
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Report.objects.count() == 1
    changed = send({**body, "description": "Cây khác"}, "retry-1")
    assert changed.status_code == 422 and "different request" in changed.json()[0]["description"]
    assert send(body, "retry-2").status_code == 201 and Report.objects.count() == 2
    assert "Idempotency-Key" in client.get(f"{BASE}/discovery.json").json()["key_service"]


def test_request_filters_caps_and_paging(submit, users):
    from ioc.feedback import services

    old = submit(description="Cũ", at=timezone.now() - timedelta(days=120))
    a = submit("rac-thai", description="Rác A")
    b = submit(description="Đèn B")
    services.transition(b, users["operator"], "reject", text="Sai sự thật")  # rejected: not public
    c = submit(description="Đèn C")
    services.transition(c, users["operator"], "assign")
    services.transition(c, users["department_officer"], "resolve", text="Đã sửa", photos=[make_photo()])
    ids = lambda data: {r["service_request_id"] for r in data}  # noqa: E731
    assert ids(get_json("requests", S.REQUESTS)) == {str(a.pk), str(c.pk)}  # 90 days by default, rejected hidden
    assert ids(get_json("requests", S.REQUESTS, service_code="rac-thai")) == {str(a.pk)}
    assert ids(get_json("requests", S.REQUESTS, status="closed")) == {str(c.pk)}
    assert ids(get_json("requests", S.REQUESTS, status="open")) == {str(a.pk)}
    assert ids(get_json("requests", S.REQUESTS, service_request_id=f"{old.pk},{a.pk}")) == {str(old.pk), str(a.pk)}
    start = (timezone.now() - timedelta(days=200)).isoformat()
    assert str(old.pk) in ids(get_json("requests", S.REQUESTS, start_date=start))
    page1 = get_json("requests", S.REQUESTS, page_size=1, page=1)
    page2 = get_json("requests", S.REQUESTS, page_size=1, page=2)
    assert len(page1) == len(page2) == 1 and page1 != page2
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert get_json("requests", S.REQUESTS, updated_after=later) == []
    closed = get_json(f"requests/{c.pk}", S.REQUESTS)[0]
    assert closed["status_notes"] == "Đã sửa" and closed["expected_datetime"] is None
    assert get_json(f"requests/{b.pk}", S.ERRORS, expect=404)
    for bad in (
        {"status": "maybe"},
        {"start_date": "hôm qua"},
        {"page_size": "5000"},
        {"start_date": later, "end_date": start},
        {"service_request_id": "1;DROP"},
    ):
        jsonschema.validate(get_json("requests", None, expect=400, **bad), S.ERRORS)
    assert get_xml("requests", status_code="open").tag == "service_requests"


def test_extensions_add_unit_department_and_public_notes(submit, users):
    from ioc.feedback import services

    report = submit()
    services.add_note(report, users["operator"], "Ghi chú nội bộ: gọi điện lực", public=False)
    services.add_note(report, users["operator"], "Đã tiếp nhận, sẽ xử lý trong 3 ngày", public=True)
    plain = get_json(f"requests/{report.pk}", S.REQUESTS)[0]
    assert "extended_attributes" not in plain
    extended = get_json(f"requests/{report.pk}", S.REQUESTS, extensions="true")[0]
    assert extended["extended_attributes"]["unit"] == "Phường Đoàn Kết"
    assert extended["extended_attributes"]["department"] == "Phòng Quản lý đô thị"
    notes = [n["description"] for n in extended["notes"]]
    assert "Đã tiếp nhận, sẽ xử lý trong 3 ngày" in notes and not any("nội bộ" in n for n in notes)


def test_service_request_updates_get_and_post(submit):
    report = submit()
    _, key = create_key("fms")
    response = Client().post(
        f"{BASE}/servicerequestupdates.json",
        {"api_key": key, "service_request_id": report.pk, "description": "Vẫn chưa sửa"},
    )
    assert response.status_code == 201 and response.json()[0]["update_id"].isdigit()
    updates = get_json("servicerequestupdates", S.UPDATES)
    assert any(u["description"] == "Vẫn chưa sửa" and u["service_request_id"] == str(report.pk) for u in updates)
    assert get_xml("servicerequestupdates").tag == "service_requests_updates"
    assert (
        Client()
        .post(f"{BASE}/servicerequestupdates.json", {"service_request_id": report.pk, "description": "x"})
        .status_code
        == 403
    )


def test_unknown_format_and_jurisdiction(categories):
    response = Client().get(f"{BASE}/services.csv")
    assert response.status_code == 404 and response.json()[0]["code"] == 404
    assert get_json("services", S.ERRORS, expect=404, jurisdiction_id="hanoi.gov.vn")
    assert get_json("services", S.SERVICES, jurisdiction_id="105")


def test_public_photos_are_the_clean_copies(submit):
    report = submit(photos=[make_photo()])
    photo = report.photos.get()
    response = Client().get(f"/phan-anh/anh/{photo.pk}.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    photo.hidden = True
    photo.save()
    assert Client().get(f"/phan-anh/anh/{photo.pk}.jpg").status_code == 404
    assert jpeg_bytes()  # the helper stays importable for other tests


def test_keys_from_the_command_line_and_the_admin(categories, users, client_for, tmp_path):
    import subprocess
    import sys

    from ioc.feedback.api.open311 import key_hash
    from ioc.feedback.models import Open311Key

    admin = client_for(users["admin"])
    response = admin.post("/admin/feedback/open311key/add/", {"name": "Góp ý app", "active": "on"}, follow=True)
    key = response.content.decode().split("copy it now): ")[1].split("<")[0].strip()
    assert Open311Key.objects.get(name="Góp ý app").key_hash == key_hash(key)
    ok = post(
        {
            "api_key": key,
            "service_code": "cay-xanh",
            "description": "Cây đổ",
            "lat": POINT_DOAN_KET[0],
            "long": POINT_DOAN_KET[1],
        }
    )
    assert ok.status_code == 201
    # The command prints a new key (run as the real CLI, against its own data dir).
    import os

    env = {**os.environ, "IOC_DATA_DIR": str(tmp_path)}
    env.pop("IOC_DATABASE_URL", None)  # its own SQLite file, whatever the suite runs on
    subprocess.run([sys.executable, "-m", "ioc.cli", "manage", "migrate", "-v", "0"], env=env, check=True)
    out = subprocess.run(
        [sys.executable, "-m", "ioc.cli", "feedback", "open311-key", "Hue-S"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert len(out) >= 30 and " " not in out


def test_an_unknown_format_gets_an_open311_error_not_an_html_page(client, categories):
    response = client.get("/open311/v2/requests.0")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert "Unknown format" in response.json()[0]["description"]


def test_an_address_string_without_coordinates_is_placed_in_its_ward(categories, units):
    _, key = create_key("app")
    body = {"api_key": key, "service_code": "cay-xanh", "description": "Cây đổ chắn lối đi"}
    response = post({**body, "address_string": "Tổ 5, phuong Doan Ket, thành phố Lai Châu"})
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    ward = units["Đoàn Kết"]
    assert (report.lat, report.lon) == (ward.label_lat, ward.label_lon) and report.unit_id == ward.pk
