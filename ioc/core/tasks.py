"""Background jobs (Huey). One periodic dispatcher runs every registered domain's periodic jobs."""

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from ioc.core.registry import registry
from ioc.core.services import notify

log = logging.getLogger(__name__)


def run_due_jobs(minute: int) -> list[str]:
    """Run every registered job whose interval divides this minute of the day; a failing job doesn't stop the rest."""
    ran = []
    for job in registry.periodic_jobs():
        if job.at:
            hours, minutes = (int(x) for x in job.at.split(":"))
            if minute != hours * 60 + minutes:
                continue
        elif minute % max(job.minutes, 1):
            continue
        try:
            job.run()
            ran.append(job.key)
        except Exception:
            log.exception("periodic job %s failed", job.key)
    return ran


@db_periodic_task(crontab(minute="*"))
def periodic_dispatcher():
    now = timezone.localtime()
    return run_due_jobs(now.hour * 60 + now.minute)


@db_task(retries=2, retry_delay=60)
def deliver_notifications(user_ids: list[int], title: str, body: str, url: str, severity: int) -> None:
    notify.deliver(user_ids, title, body, url, severity)
