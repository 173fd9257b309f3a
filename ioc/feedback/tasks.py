"""Queued work of the feedback domain: telling reporters what happened to their report."""

from huey.contrib.djhuey import db_task

from ioc.feedback import notifiers


@db_task(retries=2, retry_delay=60)
def tell_reporter_later(report_id: int, message: str) -> None:
    notifiers.deliver(report_id, message)


@db_task(retries=2, retry_delay=30)
def send_code_later(contact: str, message: str) -> None:
    notifiers.deliver_code(contact, message)
