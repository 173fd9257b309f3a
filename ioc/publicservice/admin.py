from django.contrib import admin

from ioc.publicservice import models


@admin.register(models.Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "agency", "time_limit_days", "fee", "online_level", "online_payment")
    list_filter = ("field", "online_level", "fee")
    search_fields = ("code", "name")


@admin.register(models.IndicatorRule)
class IndicatorRuleAdmin(admin.ModelAdmin):
    list_display = ("key", "column", "name", "points", "full_at", "enabled")
    list_editable = ("points", "full_at", "enabled")


@admin.register(models.ServiceFile)
class ServiceFileAdmin(admin.ModelAdmin):
    list_display = ("code", "procedure", "agency", "status", "received_date", "due_date", "outcome")
    list_filter = ("status", "outcome", "channel")
    search_fields = ("code",)
    raw_id_fields = ("procedure", "unit")


@admin.register(models.ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "kind", "filename", "total_rows", "created", "updated", "applied", "state")
