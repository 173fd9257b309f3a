"""Raw readings in monthly partitions on PostgreSQL: new months, late rows, retention by dropping whole months."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ioc.sensors import partitions
from ioc.sensors.models import Reading, RetentionPolicy
from ioc.sensors.services import ingest_telemetry, write_entities
from ioc.sensors.timeseries import apply_retention

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")
ID = "urn:ngsi-ld:WaterLevelSensor:wl-part"


@pytest.fixture
def sensor(units):
    write_entities(
        [{"id": ID, "type": "WaterLevelSensor", "location": {"type": "Point", "coordinates": [103.455, 22.405]}}],
        "create",
    )


def _rows_in(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchone()[0]


@needs_postgresql
def test_readings_land_in_their_month_and_a_new_month_takes_its_rows_from_the_default(sensor):
    now = timezone.now()
    assert partitions.partitioned()
    this_month = partitions.partition_name(partitions.month_start(now))
    later = partitions.month_start(now, 5) + timedelta(days=3)  # beyond the months made ahead
    ingest_telemetry([(ID, {"waterLevel": 1.5}, now), (ID, {"waterLevel": 2.5}, later)])
    assert _rows_in(this_month) == 1
    assert _rows_in(partitions.DEFAULT) == 1

    created = partitions.ensure_partitions(now=later)
    assert partitions.partition_name(partitions.month_start(later)) in created
    assert _rows_in(partitions.DEFAULT) == 0
    assert _rows_in(partitions.partition_name(partitions.month_start(later))) == 1
    # A redelivered observation is still stored once, whichever partition holds it.
    ingest_telemetry([(ID, {"waterLevel": 2.5}, later)])
    assert Reading.objects.filter(entity__entity_id=ID).count() == 2
    assert partitions.ensure_partitions(now=later) == []  # idempotent


@needs_postgresql
def test_retention_drops_whole_months_past_every_types_retention(sensor):
    now = timezone.now()
    old = partitions.month_start(now, -3) + timedelta(days=10)
    partitions.create_partition(partitions.month_start(old))
    RetentionPolicy.objects.update_or_create(entity_type="", defaults={"raw_days": 30})
    ingest_telemetry([(ID, {"waterLevel": 0.8}, old), (ID, {"waterLevel": 1.1}, now - timedelta(hours=1))])
    old_name = partitions.partition_name(partitions.month_start(old))
    assert old_name in partitions.partitions()

    apply_retention(now=now)
    assert old_name not in partitions.partitions()
    assert list(Reading.objects.filter(entity__entity_id=ID).values_list("value", flat=True)) == [1.1]


def test_month_arithmetic_crosses_years():
    assert partitions.month_start(datetime(2026, 11, 26, 18, tzinfo=UTC), 2) == datetime(2027, 1, 1, tzinfo=UTC)
    assert partitions.month_start(datetime(2026, 1, 5, tzinfo=UTC), -1) == datetime(2025, 12, 1, tzinfo=UTC)
    assert partitions.partition_name(datetime(2027, 1, 1, tzinfo=UTC)) == "sensors_reading_y2027m01"
