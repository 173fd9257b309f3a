from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ioc.core.registry import DomainAppConfig


class PublicServiceConfig(DomainAppConfig, AppConfig):
    name = "ioc.publicservice"
    label = "publicservice"
    verbose_name = _("Public services")
    domain = "ioc.publicservice.domain.DOMAIN"
