from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ioc.core.registry import DomainAppConfig


class SensorsConfig(DomainAppConfig, AppConfig):
    name = "ioc.sensors"
    label = "sensors"
    verbose_name = _("Sensors")
    domain = "ioc.sensors.domain.DOMAIN"
