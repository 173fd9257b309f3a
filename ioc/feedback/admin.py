from django.contrib import admin

from ioc.feedback import models


class AttributeInline(admin.TabularInline):
    model = models.CategoryAttribute
    extra = 0


@admin.register(models.Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "department", "deadline_days", "urgent", "also_police", "active")
    list_filter = ("department", "urgent", "active")
    inlines = [AttributeInline]


@admin.register(models.ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "department")


@admin.register(models.BannedSender)
class BannedSenderAdmin(admin.ModelAdmin):
    list_display = ("value", "reason", "until", "created_by")


@admin.register(models.Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    """Keys are issued here: the key is shown once in the message, only its hash is kept."""

    list_display = ("name", "prefix", "active", "created_at")
    fields = ("name", "active")

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        from ioc.feedback.api.open311 import create_key

        row, key = create_key(obj.name)
        obj.pk = row.pk
        self.message_user(request, f"api_key (shown once, copy it now): {key}")


@admin.register(models.Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("tracking_code", "category", "status", "unit", "department", "submitted_at", "due_at")
    list_filter = ("status", "category", "department")
    search_fields = ("tracking_code", "description")
    exclude = ("reporter_name", "reporter_phone", "reporter_email", "client_ip")  # personal data: see the workspace
    readonly_fields = ("tracking_code",)
