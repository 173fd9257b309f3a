"""Every enumerated value of the media domain, as named constants."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    FEED = "feed", _("RSS/Atom feed")
    SITEMAP = "sitemap", _("Sitemap (incl. Google News)")
    MANUAL = "manual", _("Links submitted by officers")


class SetKind(models.TextChoices):
    LEADER = "leader", _("Leader")
    AGENCY = "agency", _("Agency")
    TOPIC = "topic", _("Topic")


class ArticleVia(models.TextChoices):
    FEED = "feed", _("Feed")
    SITEMAP = "sitemap", _("Sitemap")
    SUBMITTED = "submitted", _("Submitted by an officer")
    IMPORT = "import", _("Import")
    SIMULATED = "simulated", _("Demo simulator")
