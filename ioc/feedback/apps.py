from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ioc.core.registry import DomainAppConfig


class FeedbackConfig(DomainAppConfig, AppConfig):
    name = "ioc.feedback"
    label = "feedback"
    verbose_name = _("Citizen field reports")
    domain = "ioc.feedback.domain.DOMAIN"
