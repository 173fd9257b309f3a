"""Every enumerated value of the media domain, as named constants."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    FEED = "feed", _("RSS/Atom feed")
    SITEMAP = "sitemap", _("Sitemap (incl. Google News)")
    YOUTUBE = "youtube", _("YouTube search (Data API)")
    FACEBOOK = "facebook", _("Facebook page (the city's Graph API token)")
    MANUAL = "manual", _("Links submitted by officers")


class SetKind(models.TextChoices):
    LEADER = "leader", _("Leader")
    AGENCY = "agency", _("Agency")
    TOPIC = "topic", _("Topic")


class ArticleVia(models.TextChoices):
    FEED = "feed", _("Feed")
    SITEMAP = "sitemap", _("Sitemap")
    PLATFORM = "platform", _("Platform API")
    SUBMITTED = "submitted", _("Submitted by an officer")
    IMPORT = "import", _("Import")
    SIMULATED = "simulated", _("Demo simulator")


class Tone(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class HarmType(models.TextChoices):
    """Harmful content, after the kinds the Vietnam Anti-Fake-News Center (Trung tâm Xử lý tin giả) handles."""

    NONE = "none", _("Not harmful")
    FALSE_INFORMATION = "false_information", _("False information")
    DISTORTION = "distortion", _("Distortion, defamation")
    SCAM = "scam", _("Scam, malicious link")
    IMPERSONATION = "impersonation", _("Impersonation of an agency or person")
    INCITEMENT = "incitement", _("Incitement to disorder")
