"""The hotline intake: a call becomes an alert (an emergency) or a citizen report routed like any other, and the
operator sees what the same number reported before (audited)."""

import pytest
from django.core.exceptions import PermissionDenied

from ioc.core.models import Alert, AuditLog
from ioc.feedback.models import Report
from ioc.hotline import selectors, services
from ioc.hotline.models import Call
from tests.conftest import POINT_DOAN_KET


def take(user, **kw):
    fields = {
        "channel": "1022",
        "topic": "infrastructure",
        "summary": "Cột đèn nghiêng sắp đổ trước chợ",
        "lat": POINT_DOAN_KET[0],
        "lon": POINT_DOAN_KET[1],
        "caller_phone": "0912345678",
        "caller_name": "Bà Lò Thị Hoa",
    }
    return services.take_call(user, **{**fields, **kw})


def test_an_urgent_call_becomes_a_critical_alert(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call, report = take(users["operator"], topic="fire", summary="Cháy nhà dân", urgent=True)
    assert report is None and call.taken_by == users["operator"]
    alert = Alert.objects.get(kind="hotline.fire")
    assert alert.severity == 4 and alert.priority == 1


def test_a_call_about_a_problem_becomes_a_report_with_a_tracking_code(users, categories):
    call, report = take(users["operator"], as_report_category=categories["den-duong"])
    # The operator could not ask the category's own question: the report is taken down all the same.
    assert report.source == "hotline" and report.reporter_phone == "0912345678"
    assert report.department == categories["den-duong"].department and report.tracking_code
    assert not Alert.objects.filter(kind__startswith="hotline.").exists()
    assert AuditLog.objects.filter(action="hotline.call", detail__outcome="report").exists()


def test_the_callers_earlier_calls_and_reports_for_operators_only(users, categories):
    take(users["operator"], as_report_category=categories["den-duong"])
    take(users["operator"], summary="Ổ gà lớn")
    history = selectors.caller_history("0912345678", users["operator"])
    assert len(history["calls"]) == 2 and len(history["reports"]) == 1
    assert AuditLog.objects.filter(action="hotline.caller_lookup").exists()
    assert selectors.caller_history("0912345678", users["leader"]) == {"calls": [], "reports": []}
    with pytest.raises(PermissionDenied):
        take(users["leader"])
    assert Call.objects.count() == 2 and Report.objects.count() == 1


def test_the_intake_page_shows_the_code_to_read_to_the_caller(users, client_for, categories):
    client = client_for(users["operator"])
    assert "Nhận cuộc gọi" in client.get("/dashboard/hotline/").content.decode()
    post = {
        "channel": "1022",
        "topic": "infrastructure",
        "summary": "Đèn đường tắt cả dãy",
        "lat": POINT_DOAN_KET[0],
        "lon": POINT_DOAN_KET[1],
        "outcome": "report",
        "caller_phone": "0912345678",
    }
    response = client.post("/dashboard/hotline/call/", post)
    assert response.status_code == 400 and "Hãy chọn loại phản ánh" in response.content.decode()
    response = client.post("/dashboard/hotline/call/", {**post, "category": categories["den-duong"].pk}, follow=True)
    code = Report.objects.get().tracking_code
    assert f"Đã tạo phản ánh {code}" in response.content.decode()
    history = client.get("/dashboard/hotline/caller/?caller_phone=0912345678").content.decode()
    assert code in history
