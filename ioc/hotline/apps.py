from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ioc.core.registry import DomainAppConfig


class HotlineConfig(DomainAppConfig, AppConfig):
    name = "ioc.hotline"
    label = "hotline"
    verbose_name = _("Hotline and emergency calls")
    domain = "ioc.hotline.domain.DOMAIN"
