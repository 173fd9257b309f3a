from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ioc.core.registry import DomainAppConfig


class CamerasConfig(DomainAppConfig, AppConfig):
    name = "ioc.cameras"
    label = "cameras"
    verbose_name = _("Cameras")
    domain = "ioc.cameras.domain.DOMAIN"
