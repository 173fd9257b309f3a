"""Background jobs of the sensors domain: NGSI-LD notifications are sent by the worker, never in a request."""

from huey.contrib.djhuey import db_task


@db_task()
def send_notification(
    subscription_pk: int, entity_pks: list[int], snapshots: list[dict] | None = None, previous: dict | None = None
) -> str:
    from ioc.sensors.notifications import deliver

    return deliver(subscription_pk, entity_pks, snapshots, previous)


@db_task()
def send_periodic_notification(subscription_pk: int) -> str:
    from ioc.sensors.periodic import deliver_periodic

    return deliver_periodic(subscription_pk)
