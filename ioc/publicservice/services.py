"""Public-service actions: late files to the IOC feed (folded per agency per day), and files pushed by the JSON API."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from ioc.core.services.alerts import raise_alert
from ioc.publicservice.importer import import_file_rows
from ioc.publicservice.models import ImportRun, ServiceFile


def late_now():
    """Files that are late today: finished late recently, or unfinished past their (moved) deadline."""
    today = timezone.localdate()
    open_late = Q(status__in=[1, 2, 4, 5, 6], effective_due_date__lt=today)
    return ServiceFile.objects.filter(open_late | Q(outcome="late", finished_date=today))


def alert_late_files() -> int:
    """One alert per agency per day for its newly late files (the same source folds repeats into a count)."""
    today = timezone.localdate()
    fresh = late_now().filter(late_alerted=False)
    per_agency = fresh.values("agency").annotate(n=Count("id")).order_by("agency")
    raised = 0
    for row in per_agency:
        with transaction.atomic():
            ids = list(fresh.filter(agency=row["agency"]).values_list("pk", flat=True)[:10_000])
            ServiceFile.objects.filter(pk__in=ids).update(late_alerted=True)
            sample = ServiceFile.objects.filter(pk__in=ids[:1]).select_related("unit").first()
            raise_alert(
                kind="publicservice.late",
                source=f"publicservice:late:{row['agency']}:{today.isoformat()}",
                title=f"Hồ sơ quá hạn: {row['agency']} ({len(ids)})",
                message=f"{len(ids)} hồ sơ quá hạn tại {row['agency']} ngày {today:%d/%m/%Y}",
                unit=sample.unit if sample else None,
                data={"agency": row["agency"], "files": len(ids)},
            )
        raised += 1
    return raised


def push_files(records: list[dict], user=None) -> ImportRun:
    """Files pushed as JSON objects with the export's column names; idempotent by MaHoSo, like an import."""
    run = ImportRun.objects.create(
        kind="files", filename="api", user=user if getattr(user, "is_authenticated", False) else None
    )
    run.total_rows = len(records)
    return import_file_rows(((i + 1, record) for i, record in enumerate(records)), run)
