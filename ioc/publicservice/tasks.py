"""Background jobs: imports started from the upload page run in the worker, not in the web request; the leaders'
daily report at 07:00 (yesterday and the year so far, as PDF and XLSX, announced to leaders)."""

import logging
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from ioc.core.models import Role
from ioc.core.services.notify import notify, users_with_roles
from ioc.publicservice import importer, reports
from ioc.publicservice.models import ImportRun

log = logging.getLogger(__name__)


@db_task()
def run_import(run_id: int) -> None:
    run = ImportRun.objects.get(pk=run_id)
    ImportRun.objects.filter(pk=run_id).update(state="running")
    path = Path(run.path)
    try:
        importer.import_into(run, path.read_bytes(), run.filename)
        ImportRun.objects.filter(pk=run_id).update(state="done")
    except Exception as exc:  # the transaction rolled back: nothing applied
        log.exception("import %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(state="failed", error=str(exc)[:2000])
    finally:
        path.unlink(missing_ok=True)


def daily_report(day: date | None = None) -> list[str]:
    """Write yesterday's report (PDF and XLSX) and tell the leaders."""
    day = day or timezone.localdate() - timedelta(days=1)
    folder = settings.MEDIA_ROOT / "reports" / "publicservice"
    folder.mkdir(parents=True, exist_ok=True)
    start = date(day.year, 1, 1)
    written = []
    for ext, build in (("pdf", reports.daily_pdf), ("xlsx", reports.daily_xlsx)):
        path = folder / f"bao-cao-tthc-{day:%Y%m%d}.{ext}"
        path.write_bytes(build(start, day))
        written.append(str(path))
    notify(
        users_with_roles(Role.LEADER),
        _("Public-service report for %(day)s") % {"day": f"{day:%d/%m/%Y}"},
        _("How administrative procedures were handled from the start of the year to the end of yesterday (PDF, XLSX)."),
        f"/dashboard/publicservice/report.pdf?from={start:%Y-%m-%d}&to={day:%Y-%m-%d}",
        severity=2,
    )
    return written
