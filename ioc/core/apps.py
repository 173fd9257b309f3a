from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ioc.core.registry import DomainAppConfig


class CoreConfig(DomainAppConfig, AppConfig):
    name = "ioc.core"
    label = "core"
    verbose_name = _("Operations core")
    domain = "ioc.core.domain.DOMAIN"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from ioc.core.models import CalendarDay
        from ioc.core.services.calendar import invalidate_calendar

        super().ready()
        from ioc.core.models import AdministrativeUnit
        from ioc.core.services.geo import invalidate_units

        post_save.connect(invalidate_units, sender=AdministrativeUnit, dispatch_uid="units-save")
        post_delete.connect(invalidate_units, sender=AdministrativeUnit, dispatch_uid="units-delete")
        post_save.connect(invalidate_calendar, sender=CalendarDay, dispatch_uid="calendar-save")
        post_delete.connect(invalidate_calendar, sender=CalendarDay, dispatch_uid="calendar-delete")
        # A revoked token, a deactivated user or a changed role is not trusted from the token cache any longer.
        from django.contrib.auth import get_user_model

        from ioc.core.models import ApiToken, Profile
        from ioc.core.services.accounts import forget_checked_tokens

        for model in (ApiToken, Profile, get_user_model()):
            post_save.connect(forget_checked_tokens, sender=model, dispatch_uid=f"tokens-{model.__name__}-save")
            post_delete.connect(forget_checked_tokens, sender=model, dispatch_uid=f"tokens-{model.__name__}-delete")
