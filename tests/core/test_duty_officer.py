"""The demo's duty officer works the feed through the real services: the most urgent alert first, to the department
the city routes its field to."""

import random
from datetime import timedelta

from django.utils import timezone

from ioc.core.models import Alert, Incident
from ioc.core.services.alerts import record_alert
from ioc.core.simulate import act
from tests.conftest import POINT_DOAN_KET


class Always:
    """A random source whose roll always lands on 'take the next alert'."""

    def __init__(self, roll):
        self.roll = roll
        self.rng = random.Random(1)

    def random(self):
        return self.roll

    def choice(self, seq):
        return self.rng.choice(seq)


def test_the_duty_officer_takes_the_most_urgent_alert_and_routes_it(users):
    lat, lon = POINT_DOAN_KET
    record_alert(kind="lighting.out", source="lamp:1", title="Đèn tắt", severity="info", lat=lat, lon=lon)
    urgent = record_alert(kind="hotline.fire", source="call:1", title="Cháy nhà dân", lat=lat, lon=lon)
    assert "assigned" in act(Always(0.9))
    urgent.refresh_from_db()
    assert urgent.incident.department.code == "pccc" and urgent.incident.status == Incident.Status.ASSIGNED
    assert "assigned" in act(Always(0.9))
    lamp = Alert.objects.get(source="lamp:1")
    assert lamp.incident.department.code == "quan-ly-do-thi"  # lighting → urban management (profile routing)
    Incident.objects.update(created_at=timezone.now() - timedelta(minutes=20))
    assert act(Always(0.1)).startswith("closed incident")
    assert Incident.objects.filter(status=Incident.Status.CLOSED).count() == 1
