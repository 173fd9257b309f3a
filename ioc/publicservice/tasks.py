"""Background jobs: imports started from the upload page run in the worker, not in the web request."""

import logging
from pathlib import Path

from huey.contrib.djhuey import db_task

from ioc.publicservice import importer
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
