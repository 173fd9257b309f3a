"""Online media monitoring: where articles come from, the articles (one story, many copies), and the keyword sets
that say which of them concern the city's leaders, agencies and topics."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ioc.core.models import Department
from ioc.media.choices import ArticleVia, HarmType, SetKind, SourceKind, Tone


class Host(models.Model):
    """A web site we fetch from: its robots.txt and when it may next be asked (politeness is per host)."""

    name = models.CharField(_("host"), max_length=255, unique=True)
    robots_txt = models.TextField(blank=True)
    robots_fetched_at = models.DateTimeField(null=True, blank=True)
    next_allowed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("web host")
        verbose_name_plural = _("web hosts")

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """A feed or sitemap collected on a schedule, with its health: errors back it off and show on its page."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices, default=SourceKind.FEED)
    url = models.URLField(_("address"), max_length=1000, unique=True)
    # YouTube: the search query; Facebook: the page's id or name (the address is then the page's own).
    query = models.CharField(_("query or page"), max_length=300, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    every_minutes = models.PositiveIntegerField(_("collect every (minutes)"), default=30)
    next_fetch_at = models.DateTimeField(_("next collection"), null=True, blank=True)
    last_fetched_at = models.DateTimeField(_("last collected"), null=True, blank=True)
    last_status = models.CharField(_("last result"), max_length=300, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    articles_found = models.PositiveIntegerField(_("articles found"), default=0)

    class Meta:
        verbose_name = _("media source")
        verbose_name_plural = _("media sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Story(models.Model):
    """Articles about one event (ioc.media.stories): its first article's title, when it began and last grew."""

    title = models.CharField(_("title"), max_length=500)
    first_at = models.DateTimeField(db_index=True)
    last_at = models.DateTimeField(db_index=True)
    size = models.PositiveIntegerField(default=1)  # articles, copies included

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self) -> str:
        return self.title


class Article(models.Model):
    """One article or post. A copy of an earlier one (same URL, title or text) points to it: one story, its reach."""

    source = models.ForeignKey(Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.SET_NULL)
    via = models.CharField(_("collected via"), max_length=20, choices=ArticleVia.choices)
    url = models.URLField(_("address"), max_length=2000)
    canonical_url = models.CharField(max_length=2000, unique=True)
    site = models.CharField(_("site"), max_length=255, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    title_key = models.CharField(max_length=500, db_index=True)
    text = models.TextField(_("text"), blank=True)
    published_at = models.DateTimeField(_("published"), db_index=True)
    collected_at = models.DateTimeField(_("collected"), auto_now_add=True, db_index=True)
    # MinHash of the text (64 × uint32): near-duplicates are checked against it.
    signature = models.BinaryField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("copy of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    duplicate_level = models.CharField(max_length=10, blank=True)  # "url", "title" or "text"
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who wrote it, as a keyed hash only (ioc.media.importer.author_hash): posts of one author can be grouped
    # without keeping who they are.
    author_hash = models.CharField(max_length=24, blank=True, db_index=True)
    # The classifier's verdict (ioc.media.tone), or an officer's when `labelled`.
    tone = models.CharField(_("tone"), max_length=10, choices=Tone.choices, default=Tone.NEUTRAL, db_index=True)
    tone_score = models.FloatField(default=0.0)
    harm = models.CharField(_("harm"), max_length=20, choices=HarmType.choices, default=HarmType.NONE, db_index=True)
    harm_score = models.FloatField(default=0.0)
    labelled = models.BooleanField(_("checked by an officer"), default=False)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["duplicate_of", "published_at"])]

    def __str__(self) -> str:
        return self.title


class ArticleBand(models.Model):
    """One band of an article's MinHash: copies share a band, so candidates come from this index."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band", "value"])]


class KeywordSet(models.Model):
    """What to watch: a leader, an agency or a topic. Any of the terms, the query if given, none of the exclusions."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SetKind.choices, default=SetKind.TOPIC)
    terms = models.TextField(_("terms and aliases (one per line)"), blank=True)
    exclude = models.TextField(_("exclude when present (one per line)"), blank=True)
    query = models.TextField(_("query (AND, OR, NOT, NEAR/n, parentheses)"), blank=True)
    ignore_case = models.BooleanField(_("match names in any case"), default=False)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Its officers see this set's articles."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("keyword set")
        verbose_name_plural = _("keyword sets")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mention(models.Model):
    """An article that matched a keyword set, with the terms that made it match (the explanation)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    keyword_set = models.ForeignKey(KeywordSet, on_delete=models.CASCADE, related_name="mentions")
    terms = models.JSONField(default=list)
    published_at = models.DateTimeField(db_index=True)  # the article's, for counting by hour without a join

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "keyword_set"], name="media_mention_once")]
        indexes = [models.Index(fields=["keyword_set", "published_at"])]


class ArticleLabel(models.Model):
    """An officer's tone and harm for an article: it overrides the classifier and trains it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="labels")
    tone = models.CharField(_("tone"), max_length=10, choices=Tone.choices)
    harm = models.CharField(_("harm"), max_length=20, choices=HarmType.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class ApiQuota(models.Model):
    """A platform API's units used on one quota day (YouTube's day runs on Pacific time)."""

    service = models.CharField(max_length=20)
    day = models.CharField(max_length=10)
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "day"], name="media_quota_once_a_day")]
