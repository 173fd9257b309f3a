from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ioc.core.registry import DomainAppConfig


class DirectionsConfig(DomainAppConfig, AppConfig):
    name = "ioc.directions"
    label = "directions"
    verbose_name = _("Directions")
    domain = "ioc.directions.domain.DOMAIN"
