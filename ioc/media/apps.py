from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ioc.core.registry import DomainAppConfig


class MediaConfig(DomainAppConfig, AppConfig):
    name = "ioc.media"
    label = "media"
    verbose_name = _("Online media")
    domain = "ioc.media.domain.DOMAIN"
