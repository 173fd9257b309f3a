from django import forms
from django.contrib import admin

from ioc.media import models
from ioc.media.keywords import Matcher, QueryError


class KeywordSetForm(forms.ModelForm):
    class Meta:
        model = models.KeywordSet
        fields = ("name", "kind", "terms", "exclude", "query", "ignore_case", "department", "enabled")

    def clean(self):
        data = super().clean()
        try:
            Matcher.build(data.get("terms", ""), data.get("exclude", ""), data.get("query", ""))
        except QueryError as error:
            raise forms.ValidationError(str(error)) from None
        return data


@admin.register(models.KeywordSet)
class KeywordSetAdmin(admin.ModelAdmin):
    form = KeywordSetForm
    list_display = ("name", "kind", "department", "enabled")
    list_filter = ("kind", "enabled")

    def save_model(self, request, obj, form, change):
        from ioc.media.services import save_keyword_set

        save_keyword_set(request.user, obj)


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "url", "enabled", "last_fetched_at", "last_status", "failures")
    list_filter = ("kind", "enabled")


@admin.register(models.Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "site", "published_at", "via", "duplicate_level")
    list_filter = ("via", "site")
    search_fields = ("title",)
    raw_id_fields = ("duplicate_of", "source", "submitted_by")
    exclude = ("signature",)
