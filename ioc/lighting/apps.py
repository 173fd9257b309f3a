from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ioc.core.registry import DomainAppConfig


class LightingConfig(DomainAppConfig, AppConfig):
    name = "ioc.lighting"
    label = "lighting"
    verbose_name = _("Street lighting")
    domain = "ioc.lighting.domain.DOMAIN"
