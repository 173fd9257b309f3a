from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "ioc.hotline"
    label = "hotline"
    verbose_name = _("Hotline and emergency calls")

    def ready(self) -> None:
        from ioc.core.registry import registry
        from ioc.hotline.domain import DOMAIN

        if DOMAIN.key not in registry:
            registry.register(DOMAIN)
