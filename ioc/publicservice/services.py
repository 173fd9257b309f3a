"""Public-service actions: late files to the IOC feed (folded per agency per day), and files pushed by the JSON API."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.services import audit
from ioc.core.services.alerts import raise_alert, resolve_ended
from ioc.core.services.calendar import deadline_after
from ioc.publicservice import selectors
from ioc.publicservice.importer import import_file_rows
from ioc.publicservice.models import ImportRun, ServiceFile


def alert_late_files() -> int:
    """One alert per agency per day for its newly late files (the same source folds repeats into a count)."""
    today = timezone.localdate()
    fresh = selectors.late_now().filter(late_alerted=False)
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
                title=_("Files overdue: %(agency)s (%(n)s)") % {"agency": row["agency"], "n": len(ids)},
                message=_("%(n)s files overdue at %(agency)s on %(day)s")
                % {"n": len(ids), "agency": row["agency"], "day": f"{today:%d/%m/%Y}"},
                unit=sample.unit if sample else None,
                data={"agency": row["agency"], "files": len(ids)},
            )
        raised += 1
    _resolve_caught_up(today)
    return raised


def _resolve_caught_up(today) -> int:
    """An agency's overdue alerts end when none of its files is overdue any more (the late ones finished)."""
    still_late = set(
        ServiceFile.objects.filter(selectors.overdue_open(today)).values_list("agency", flat=True).distinct()
    )
    return resolve_ended(
        kind="publicservice.late",
        ended=lambda alert: (alert.data or {}).get("agency") not in still_late,
        reason=_("None of the agency's files is overdue any more"),
    )


def push_files(records: list[dict], user=None) -> ImportRun:
    """Files pushed as JSON objects with the export's column names; idempotent by MaHoSo, like an import."""
    run = ImportRun.objects.create(
        kind="files", filename="api", user=user if getattr(user, "is_authenticated", False) else None
    )
    run.total_rows = len(records)
    return import_file_rows(((i + 1, record) for i, record in enumerate(records)), run)


def apology_letter(file: ServiceFile, working_days: int, reason: str, *, by, request=None) -> bytes:
    """The apology letter (PDF) for a late file, with a new appointment N working days from now; audited."""
    from ioc.publicservice import reports

    audit.record(by, "export", file, request=request, document="apology_letter")
    return reports.apology_letter(file, deadline_after(timezone.now(), working_days), reason)


def export_report(start, end, fmt: str, *, by, request=None) -> tuple[bytes, str]:
    """The leaders' report for a period as PDF or XLSX (body, content type); audited."""
    from ioc.publicservice import reports

    audit.record(
        by, "export", object_type="publicservice.report", request=request, format=fmt, period=f"{start}..{end}"
    )
    if fmt == "pdf":
        return reports.daily_pdf(start, end), "application/pdf"
    return reports.daily_xlsx(start, end), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def queue_import(upload, kind: str, *, all_or_nothing: bool, by, request=None) -> ImportRun:
    """Keep the upload in the data dir and queue its import for the worker; the run reports progress; audited."""
    from ioc.publicservice.tasks import run_import

    folder = settings.DATA_DIR / "imports"
    folder.mkdir(exist_ok=True)
    path = folder / f"{secrets.token_hex(8)}-{upload.name[-50:]}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    run = ImportRun.objects.create(
        kind=kind, filename=upload.name[:300], path=str(path), state="queued", all_or_nothing=all_or_nothing, user=by
    )
    audit.record(by, "import", run, request=request, filename=upload.name)
    run_import(run.pk)  # a Huey task: queued for the worker (run at once when IOC_TASKS_IMMEDIATE)
    return run
