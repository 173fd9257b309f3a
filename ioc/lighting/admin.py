from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from ioc.lighting import models, services


class ScheduleRuleForm(forms.ModelForm):
    """The same checks as the API: intervals well formed, no overlap with a rule of the same kind and priority."""

    class Meta:
        model = models.ScheduleRule
        fields = [
            "name",
            "kind",
            "priority",
            "road_class",
            "circuits",
            "on_offset_min",
            "off_offset_min",
            "intervals",
            "days",
            "condition",
            "threshold",
            "level",
            "active",
        ]

    def clean(self):
        data = super().clean()
        rule = self.instance
        for field in self.Meta.fields:
            if field != "circuits" and field in data:
                setattr(rule, field, data[field])
        if data.get("active", True):
            try:
                services.check_rule(rule, {c.pk for c in data.get("circuits") or []})
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from None
        return data


@admin.register(models.ScheduleRule)
class ScheduleRuleAdmin(admin.ModelAdmin):
    form = ScheduleRuleForm
    list_display = ("name", "kind", "priority", "road_class", "level", "active")
    list_filter = ("kind", "active", "road_class")
    filter_horizontal = ("circuits",)


class CircuitInline(admin.TabularInline):
    model = models.Circuit
    extra = 0


@admin.register(models.Cabinet)
class CabinetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "has_power", "door_open", "last_seen_at")
    list_filter = ("unit", "has_power")
    search_fields = ("code", "name")
    inlines = [CircuitInline]


@admin.register(models.Lamp)
class LampAdmin(admin.ModelAdmin):
    list_display = ("code", "circuit", "kind", "rated_w", "is_on", "level", "fault", "last_seen_at")
    list_filter = ("kind", "fault", "circuit__road_class")
    search_fields = ("code", "pole", "supplier")
    readonly_fields = (
        "is_on",
        "level",
        "power_w",
        "voltage",
        "current_a",
        "energy_kwh",
        "burning_hours",
        "switches",
        "switches_since",
        "last_seen_at",
        "fault",
    )


@admin.register(models.Override)
class OverrideAdmin(admin.ModelAdmin):
    list_display = ("circuit", "level", "starts_at", "expires_at", "user", "cancelled")
    list_filter = ("cancelled",)


@admin.register(models.Command)
class CommandAdmin(admin.ModelAdmin):
    list_display = ("lamp", "level", "status", "attempts", "created_at", "acked_at")
    list_filter = ("status",)
