"""`/metrics` in Prometheus' text format: what the web process served (requests and latencies per area of the
site) and, read at each scrape, the state that outlives processes (tasks waiting, dead letters, open alerts) and
every long-running worker's counters (MQTT ingest, task consumers, camera runners — on any machine; their heartbeat
says whether they live), so one scrape covers every process of the installation. Under gunicorn
(`PROMETHEUS_MULTIPROC_DIR` set, as `ioc cluster` does) the request figures of all web workers are added up.

Requests are counted per area (the first path segment: ngsi-ld, open311, api, dashboard…), not per URL, so the
number of series stays small whatever clients ask for. The endpoint answers the machine itself (a Prometheus on the
same host or behind nginx on loopback) and otherwise an administrator's or operator's bearer token.
"""

from __future__ import annotations

import time

from django.http import HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

REGISTRY = CollectorRegistry()
AREAS = {"ngsi-ld", "open311", "api", "dashboard", "admin", "accounts", "static", "basemap", "wall", "metrics"}
REQUESTS = Counter("ioc_http_requests", "HTTP requests served", ["area", "method", "status"], registry=REGISTRY)
LATENCY = Histogram(
    "ioc_http_request_seconds",
    "Time to answer an HTTP request",
    ["area"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)


def area_of(path: str) -> str:
    first = path.strip("/").split("/", 1)[0]
    return first if first in AREAS else ("home" if not first else "other")


class MetricsMiddleware:
    """Counts and times every request (outermost, so refused and failed requests count too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        area = area_of(request.path)
        LATENCY.labels(area).observe(time.perf_counter() - started)
        REQUESTS.labels(area, request.method, str(response.status_code)).inc()
        return response


class StateCollector:
    """Figures read from the database and the task queue at each scrape."""

    def collect(self):
        from django.db.models import Count
        from huey.contrib.djhuey import HUEY

        from ioc.core.models import Alert, DeadLetter

        waiting = GaugeMetricFamily("ioc_tasks_waiting", "Background tasks waiting for a worker")
        waiting.add_metric([], HUEY.pending_count())
        yield waiting
        dead = GaugeMetricFamily("ioc_dead_letters", "Messages the workers refused", labels=["worker"])
        for row in DeadLetter.objects.values("worker").annotate(n=Count("id")).order_by("worker"):
            dead.add_metric([row["worker"]], row["n"])
        yield dead
        alerts = GaugeMetricFamily("ioc_alerts_open", "Alerts not closed, per status", labels=["status"])
        open_alerts = Alert.objects.exclude(status=Alert.Status.CLOSED)
        for row in open_alerts.values("status").annotate(n=Count("id")).order_by("status"):
            alerts.add_metric([row["status"]], row["n"])
        yield alerts
        yield from _worker_families()


def _worker_families():
    from ioc.core.models import WorkerStatus

    rows = list(WorkerStatus.objects.all())
    outcomes = ("received", "stored", "refused", "dead_lettered", "errors")
    families = {
        o: CounterMetricFamily(f"ioc_worker_{o}", f"Messages (frames for cameras) {o} by a worker", labels=["worker"])
        for o in outcomes
    }
    age = GaugeMetricFamily(
        "ioc_worker_heartbeat_age_seconds", "Seconds since a worker last reported", labels=["worker"]
    )
    up = GaugeMetricFamily("ioc_worker_up", "1 while a worker runs and reported in the last minute", labels=["worker"])
    confidence = GaugeMetricFamily(
        "ioc_worker_confidence", "How far a worker's output can be trusted (a camera's counts), 0-1", labels=["worker"]
    )
    condition = GaugeMetricFamily(
        "ioc_worker_condition",
        "Conditions a worker reports of its input (a camera's scene)",
        labels=["worker", "condition"],
    )
    now = timezone.now()
    for row in rows:
        for outcome in outcomes:
            families[outcome].add_metric([row.name], getattr(row, outcome))
        seconds = (now - row.heartbeat_at).total_seconds() if row.heartbeat_at else float("inf")
        age.add_metric([row.name], seconds)
        if isinstance(row.detail.get("confidence"), int | float):
            confidence.add_metric([row.name], float(row.detail["confidence"]))
        for name in row.detail.get("conditions", []) if isinstance(row.detail.get("conditions"), list) else []:
            condition.add_metric([row.name, str(name)], 1.0)
        up.add_metric([row.name], 1.0 if row.state == "running" and seconds < 60 else 0.0)
    yield from families.values()
    yield confidence
    yield condition
    yield age
    yield up


REGISTRY.register(StateCollector())


def metrics_view(request):
    from ioc.core.middleware import client_address
    from ioc.core.permissions import OPERATORS, role_of
    from ioc.core.services.accounts import user_for_token

    # Behind the city's proxy (IOC_BEHIND_PROXY=1) the caller is the forwarded address, not the proxy's loopback.
    local = client_address(None, request) in ("127.0.0.1", "::1")
    header = request.headers.get("Authorization", "")
    user = user_for_token(header[7:].strip()) if header.startswith("Bearer ") else None
    if not local and (user is None or role_of(user) not in OPERATORS):
        return HttpResponse("metrics: an operator's or administrator's bearer token\n", status=403)
    return HttpResponse(generate_latest(_scrape_registry()), content_type=CONTENT_TYPE_LATEST)


def _scrape_registry() -> CollectorRegistry:
    """This process's registry; under several web processes, their shared files added up plus the state."""
    from django.conf import settings

    if not settings.METRICS_MULTIPROCESS_DIR:
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(StateCollector())
    return registry
