"""Calls to the city hotline (đường dây nóng 1022) and the emergency lines forwarded to the IOC."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ioc.core.models import AdministrativeUnit
from ioc.hotline import choices


class Call(models.Model):
    Channel = choices.CallChannel

    Topic = choices.CallTopic

    received_at = models.DateTimeField(_("received at"), db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    summary = models.TextField(_("summary"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    unit = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT)
    # Personal data (Decree 13/2023): shown only to operators and admins, each read audited.
    caller_name = models.CharField(_("caller name"), max_length=200, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=20, blank=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["unit", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.summary[:60]}"
