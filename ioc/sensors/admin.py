from django.contrib import admin

from ioc.sensors import models


@admin.register(models.Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("entity_id", "type", "unit", "department", "expected_interval_s", "last_seen_at")
    list_filter = ("type", "department")
    search_fields = ("entity_id",)


@admin.register(models.Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("name", "entity_type", "entity", "attr", "direction", "threshold", "clear_at", "active")


@admin.register(models.Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("sub_id", "endpoint", "is_active", "expires_at", "times_sent", "last_success", "last_failure")
    list_filter = ("is_active",)
    search_fields = ("sub_id", "endpoint", "description")
