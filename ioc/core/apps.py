from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ioc.core"
    label = "core"
    verbose_name = _("Operations core")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from ioc.core.domain import DOMAIN
        from ioc.core.models import CalendarDay
        from ioc.core.registry import registry
        from ioc.core.services.calendar import invalidate_calendar

        if DOMAIN.key not in registry:
            registry.register(DOMAIN)
        post_save.connect(invalidate_calendar, sender=CalendarDay, dispatch_uid="calendar-save")
        post_delete.connect(invalidate_calendar, sender=CalendarDay, dispatch_uid="calendar-delete")
