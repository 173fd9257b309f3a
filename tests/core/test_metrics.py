"""/metrics for Prometheus: request counts and latencies per area, and the state read at each scrape."""

from django.test import Client

from ioc.core.models import DeadLetter


def test_requests_and_state_are_exposed_to_the_machine_itself(users):
    Client().get("/ngsi-ld/v1/entities?type=RainGauge")  # unauthenticated: a 401 counts too
    DeadLetter.objects.create(worker="mqtt", topic="ioc/devices/x/telemetry", payload="{", reason="bad JSON")
    scraped = Client().get("/metrics")
    assert scraped.status_code == 200 and scraped["Content-Type"].startswith("text/plain")
    text = scraped.content.decode()
    assert 'ioc_http_requests_total{area="ngsi-ld",method="GET",status="401"}' in text
    assert 'ioc_http_request_seconds_bucket{area="ngsi-ld",le="0.5"}' in text
    assert 'ioc_dead_letters{worker="mqtt"} 1.0' in text
    assert "ioc_tasks_waiting" in text


def test_a_remote_caller_needs_an_operators_token(users, token_for, settings):
    remote = {"REMOTE_ADDR": "203.0.113.5"}
    assert Client().get("/metrics", **remote).status_code == 403
    assert Client().get("/metrics", **remote, **token_for(users["citizen"])).status_code == 403
    assert Client().get("/metrics", **remote, **token_for(users["operator"])).status_code == 200
    # behind the city's proxy the proxy's loopback address is not the caller's
    settings.IOC = {**settings.IOC, "BEHIND_PROXY": True}
    forwarded = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    assert Client().get("/metrics", **forwarded).status_code == 403


def test_every_workers_counters_and_heartbeat_are_in_one_scrape(users):
    from datetime import timedelta

    from django.utils import timezone

    from ioc.core.models import WorkerStatus

    now = timezone.now()
    WorkerStatus.objects.create(name="mqtt:ioc-ingest-1", heartbeat_at=now, received=120, stored=118, refused=2)
    WorkerStatus.objects.create(
        name="camera:3",
        heartbeat_at=now - timedelta(minutes=5),
        received=9000,
        detail={"conditions": ["night", "dense"], "confidence": 0.89},
    )
    text = Client().get("/metrics").content.decode()
    assert 'ioc_worker_received_total{worker="mqtt:ioc-ingest-1"} 120.0' in text
    assert 'ioc_worker_refused_total{worker="mqtt:ioc-ingest-1"} 2.0' in text
    assert 'ioc_worker_up{worker="mqtt:ioc-ingest-1"} 1.0' in text
    # A camera runner silent for five minutes is down, whatever its last state said.
    assert 'ioc_worker_up{worker="camera:3"} 0.0' in text
    # What a camera's runner says of its picture: the counts' confidence and the scene's conditions.
    assert 'ioc_worker_confidence{worker="camera:3"} 0.89' in text
    assert 'ioc_worker_condition{condition="night",worker="camera:3"} 1.0' in text
    health = Client().get("/api/health").json()
    (camera,) = [w for w in health["workers"] if w["name"] == "camera:3"]
    assert camera["detail"] == {"conditions": ["night", "dense"], "confidence": 0.89}
