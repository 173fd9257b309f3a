"""Raw readings on PostgreSQL in native monthly partitions (`sensors_reading_y2026m11`, …, and a default partition
for what falls outside them), so retention drops whole months instead of deleting row by row, and a query over a
time window reads only its months. SQLite keeps one table (retention deletes there).

The partitions for this month and the next `AHEAD` are created by the migration and then every day by the
`sensors.partitions` job; a month's partition created late takes over its rows from the default partition.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection, transaction

TABLE = "sensors_reading"
DEFAULT = f"{TABLE}_default"
AHEAD = 2


def supported(conn=connection) -> bool:
    return conn.vendor == "postgresql"


def month_start(moment: datetime, offset: int = 0) -> datetime:
    months = moment.year * 12 + moment.month - 1 + offset
    return datetime(months // 12, months % 12 + 1, 1, tzinfo=UTC)


def partition_name(start: datetime) -> str:
    return f"{TABLE}_y{start.year}m{start.month:02d}"


def partitioned(conn=connection) -> bool:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE relname=%s", [TABLE]
        )
        return cursor.fetchone() is not None


def partitions(conn=connection) -> dict[str, tuple[datetime, datetime] | None]:
    """The monthly partitions with their [start, end) ranges (None for the default partition)."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        rows = cursor.fetchall()
    found: dict[str, tuple[datetime, datetime] | None] = {}
    for (name,) in rows:
        if name == DEFAULT:
            found[name] = None
        elif name.startswith(f"{TABLE}_y"):
            year, month = int(name[-7:-3]), int(name[-2:])
            start = datetime(year, month, 1, tzinfo=UTC)
            found[name] = (start, month_start(start, 1))
    return found


def ensure_partitions(now: datetime | None = None, conn=connection) -> list[str]:
    """This month's and the next AHEAD months' partitions; rows already in the default partition for a new month
    move into it (one transaction per month). Returns the partitions created."""
    if not supported(conn) or not partitioned(conn):
        return []
    now = now or datetime.now(UTC)
    existing = partitions(conn)
    created = []
    for offset in range(AHEAD + 1):
        start = month_start(now, offset)
        name = partition_name(start)
        if name not in existing:
            create_partition(start, conn)
            created.append(name)
    return created


def create_partition(start: datetime, conn=connection) -> None:
    name, end = partition_name(start), month_start(start, 1)
    quoted = conn.ops.quote_name
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        # Attaching checks the default partition holds none of the month's rows: move them in first.
        cursor.execute(f"CREATE TABLE {quoted(name)} (LIKE {quoted(TABLE)} INCLUDING DEFAULTS)")
        cursor.execute(
            f"WITH moved AS (DELETE FROM {quoted(DEFAULT)} WHERE observed_at >= %s AND observed_at < %s "  # noqa: S608
            f"RETURNING id, attr, observed_at, value, entity_id) INSERT INTO {quoted(name)} "
            "(id, attr, observed_at, value, entity_id) SELECT id, attr, observed_at, value, entity_id FROM moved",
            [start, end],
        )
        cursor.execute(
            f"ALTER TABLE {quoted(TABLE)} ATTACH PARTITION {quoted(name)} FOR VALUES FROM (%s) TO (%s)", [start, end]
        )


def drop_partitions_before(cut: datetime, conn=connection) -> list[str]:
    """Drop every monthly partition that ends at or before `cut` (retention by whole months)."""
    if not supported(conn) or not partitioned(conn):
        return []
    dropped = []
    for name, bounds in sorted(partitions(conn).items()):
        if bounds and bounds[1] <= cut:
            with conn.cursor() as cursor:
                # Rows written earlier in this transaction have foreign-key checks pending (deferred, as Django
                # makes them); PostgreSQL refuses to drop a table with pending checks, so run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"DROP TABLE {conn.ops.quote_name(name)}")
            dropped.append(name)
    return dropped


def convert_to_partitions(conn, now: datetime | None = None) -> None:
    """The one-time change of the plain table into a partitioned one, keeping its rows, ids and constraints."""
    quoted = conn.ops.quote_name
    with conn.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {quoted(TABLE)} RENAME TO sensors_reading_old")
        cursor.execute("ALTER TABLE sensors_reading_old RENAME CONSTRAINT reading_once TO reading_once_old")
        cursor.execute(
            "ALTER TABLE sensors_reading_old RENAME CONSTRAINT sensors_reading_pkey TO sensors_reading_old_pkey"
        )
        cursor.execute("SELECT coalesce(max(id), 0) + 1, min(observed_at) FROM sensors_reading_old")
        next_id, oldest = cursor.fetchone()
        cursor.execute(
            f"CREATE TABLE {quoted(TABLE)} ("
            "id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, attr varchar(64) NOT NULL, "
            "observed_at timestamptz NOT NULL, value double precision NOT NULL, entity_id bigint NOT NULL, "
            # The primary key and the once-per-observation constraint must hold the partition key.
            "CONSTRAINT sensors_reading_pkey PRIMARY KEY (id, observed_at), "
            "CONSTRAINT reading_once UNIQUE (entity_id, attr, observed_at), "
            "CONSTRAINT sensors_reading_entity_fk FOREIGN KEY (entity_id) REFERENCES sensors_entity (id) "
            "DEFERRABLE INITIALLY DEFERRED"
            ") PARTITION BY RANGE (observed_at)"
        )
        cursor.execute(f"ALTER TABLE {quoted(TABLE)} ALTER COLUMN id RESTART WITH {int(next_id)}")
        cursor.execute(f"CREATE TABLE {quoted(DEFAULT)} PARTITION OF {quoted(TABLE)} DEFAULT")
        now = now or datetime.now(UTC)
        # Months back to the oldest reading, at most two years (older ones, e.g. a device's wrong clock, go to the
        # default partition and retention removes them).
        start = month_start(max(min(oldest, now), month_start(now, -24))) if oldest else month_start(now)
        while start <= month_start(now, AHEAD):
            cursor.execute(
                f"CREATE TABLE {quoted(partition_name(start))} PARTITION OF {quoted(TABLE)} "
                "FOR VALUES FROM (%s) TO (%s)",
                [start, month_start(start, 1)],
            )
            start = month_start(start, 1)
        cursor.execute(
            f"INSERT INTO {quoted(TABLE)} (id, attr, observed_at, value, entity_id) "  # noqa: S608
            "SELECT id, attr, observed_at, value, entity_id FROM sensors_reading_old"
        )
        cursor.execute("DROP TABLE sensors_reading_old")


def convert_back(conn) -> None:
    """Undo: one plain table again (the migration's reverse)."""
    quoted = conn.ops.quote_name
    with conn.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE sensors_reading_keep AS "  # noqa: S608
            f"SELECT id, attr, observed_at, value, entity_id FROM {quoted(TABLE)}"
        )
        cursor.execute(f"DROP TABLE {quoted(TABLE)} CASCADE")
        cursor.execute(
            f"CREATE TABLE {quoted(TABLE)} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
            "attr varchar(64) NOT NULL, observed_at timestamptz NOT NULL, value double precision NOT NULL, "
            "entity_id bigint NOT NULL REFERENCES sensors_entity (id) DEFERRABLE INITIALLY DEFERRED, "
            "CONSTRAINT reading_once UNIQUE (entity_id, attr, observed_at))"
        )
        cursor.execute(
            f"INSERT INTO {quoted(TABLE)} (id, attr, observed_at, value, entity_id) "  # noqa: S608
            "SELECT id, attr, observed_at, value, entity_id FROM sensors_reading_keep"
        )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), coalesce(max(id), 0) + 1, false) FROM {TABLE}"  # noqa: S608
        )
        cursor.execute("DROP TABLE sensors_reading_keep")
