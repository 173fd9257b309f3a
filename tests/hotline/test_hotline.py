"""Hotline calls: each call becomes a routed alert; the caller's identity is protected and its reads audited."""

import random
from threading import Event

import pytest
from django.test import Client

from ioc.core.models import Alert, AuditLog
from ioc.core.services.alerts import ServiceError
from ioc.hotline.models import Call
from ioc.hotline.services import record_call as record_call_uncommitted
from tests.conftest import POINT_DOAN_KET


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    """Run each call's on-commit work (its alert) as a real commit would, inside the test's transaction."""
    global record_call

    def record_call(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return record_call_uncommitted(**kwargs)

    yield


CALL = {
    "channel": "114",
    "topic": "fire",
    "summary": "Cháy nhà dân, khói lớn",
    "lat": POINT_DOAN_KET[0],
    "lon": POINT_DOAN_KET[1],
    "caller_name": "Lò Văn Minh",
    "caller_phone": "0912345678",
}


def test_a_call_raises_a_routed_alert_in_its_ward(units):
    call = record_call(**CALL)
    assert call.unit == units["Đoàn Kết"]
    alert = Alert.objects.get()
    assert alert.kind == "hotline.fire" and alert.severity == 4
    assert alert.department.code == "pccc" and alert.unit == units["Đoàn Kết"]
    assert "Lò Văn Minh" not in alert.message and "0912345678" not in alert.message


def test_repeated_calls_about_the_same_fire_fold(units):
    record_call(**CALL)
    record_call(**{**CALL, "caller_phone": "0987654321", "lat": CALL["lat"] + 0.0001})
    assert Alert.objects.get().count == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("topic", "aliens", "Unknown topic"),
        ("channel", "999", "Unknown channel"),
        ("summary", "  ", "Write what the caller"),
        ("lat", 1.0, "outside Vietnam"),
    ],
)
def test_bad_calls_are_refused(units, field, value, message):
    with pytest.raises(ServiceError, match=message):
        record_call(**{**CALL, field: value})
    assert not Call.objects.exists() and not Alert.objects.exists()


def test_caller_identity_is_for_operators_only_and_reads_are_audited(users, token_for):
    call = record_call(**CALL)
    as_operator = Client().get(f"/api/hotline/calls/{call.pk}", **token_for(users["operator"])).json()
    assert as_operator["caller_phone"] == "0912345678" and as_operator["caller_name"] == "Lò Văn Minh"
    assert AuditLog.objects.filter(action="personal_data.read", user=users["operator"], object_id=str(call.pk)).exists()
    as_leader = Client().get(f"/api/hotline/calls/{call.pk}", **token_for(users["leader"])).json()
    assert as_leader["caller_phone"] == "091****678" and as_leader["caller_name"] == "***"
    assert not AuditLog.objects.filter(action="personal_data.read", user=users["leader"]).exists()


def test_officers_see_calls_of_their_ward_or_routed_to_their_department(users, token_for):
    record_call(**CALL)  # fire in Đoàn Kết → PCCC
    record_call(**{**CALL, "topic": "infrastructure", "channel": "1022", "lat": 22.392, "lon": 103.472})  # Tân Phong

    def topics(role):
        return {c["topic"] for c in Client().get("/api/hotline/calls", **token_for(users[role])).json()}

    assert topics("operator") == {"fire", "infrastructure"}
    assert topics("ward_officer") == {"fire"}
    assert topics("department_officer") == {"infrastructure"}


def test_operator_records_a_call_through_the_api(users, token_for):
    response = Client().post(
        "/api/hotline/calls",
        {**CALL, "caller_phone": "abc"},
        content_type="application/json",
        **token_for(users["operator"]),
    )
    assert response.status_code == 422
    response = Client().post(
        "/api/hotline/calls", CALL, content_type="application/json", **token_for(users["operator"])
    )
    assert response.status_code == 201
    assert Call.objects.get().taken_by == users["operator"]


@pytest.mark.django_db(transaction=True)
def test_simulator_backfills_history_then_feeds_live_calls(units):
    from ioc.core.services.geo import current_units
    from ioc.hotline.simulate import backfill, make_call

    rng = random.Random(7)
    wards = list(current_units())
    made = backfill(rng, wards, days=5, per_day=3)
    assert Call.objects.count() == made >= 5
    assert len({c.received_at.date() for c in Call.objects.all()}) >= 4  # spread over the past days
    assert Alert.objects.count() >= 5
    from datetime import timedelta

    from django.utils import timezone

    old = Alert.objects.filter(first_seen_at__lt=timezone.now() - timedelta(days=1))
    assert old.exists() and not old.exclude(status="closed").exists()  # the past was handled
    call = make_call(rng, wards)
    assert call.unit in wards and call.summary


@pytest.mark.django_db(transaction=True)
def test_simulator_thread_stops_when_told(units):
    from ioc.hotline.simulate import run

    stop = Event()
    stop.set()
    run(stop, seed=1)
    assert Call.objects.count() > 3  # backfill plus the first live calls, then it returned
