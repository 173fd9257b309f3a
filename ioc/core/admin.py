from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ioc.core import models
from ioc.core.services import audit


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the system (the audit log, login locks): seen here, changed by actions at most."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "valid_from", "valid_to", "successor", "approximate")
    list_filter = ("level", "approximate")
    search_fields = ("name", "code")


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_police", "email")
    search_fields = ("name", "code")


@admin.register(models.Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "department", "must_change_password")
    list_filter = ("role", "department")


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued here: the token is shown once in the success message, only its hash is kept."""

    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked")
    fields = ("user", "name", "expires_at", "revoked")

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        from ioc.core.services.accounts import create_token

        row, token = create_token(obj.user, obj.name, by=request.user)
        row.expires_at = obj.expires_at
        row.save(update_fields=["expires_at"])
        obj.pk = row.pk
        self.message_user(request, f"Token (shown once, copy it now): {token}")


@admin.register(models.CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)


@admin.register(models.OperatingProcedure)
class OperatingProcedureAdmin(admin.ModelAdmin):
    list_display = ("kind",)


@admin.register(models.Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "severity", "status", "count", "unit", "last_seen_at")
    list_filter = ("severity", "status")
    search_fields = ("title", "source")
    raw_id_fields = ("incident",)


@admin.register(models.Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "severity", "department", "due_at")
    list_filter = ("status", "severity", "department")


@admin.register(models.AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is never edited. Reading it is itself logged."""

    list_display = ("at", "user", "action", "object_type", "object_id", "ip")
    list_filter = ("action",)
    search_fields = ("object_id", "user__username")

    def changelist_view(self, request, extra_context=None):
        audit.record(request.user, "audit.read", object_type="core.auditlog", request=request)
        return super().changelist_view(request, extra_context)


@admin.register(models.DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    """Messages the workers could not use; the raw payload is read-only, replay sends them through again."""

    list_display = ("received_at", "worker", "topic", "reason", "attempts")
    list_filter = ("worker",)
    search_fields = ("topic", "reason")
    readonly_fields = ("received_at", "worker", "topic", "payload", "reason", "attempts", "replayed_at")
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Replay the selected messages through their worker"))
    def replay(self, request, queryset):
        from ioc.core.workers import replay_dead_letters

        result = replay_dead_letters(list(queryset))
        audit.record(request.user, "deadletters.replay", object_type="core.deadletter", request=request, **result)
        self.message_user(
            request, _("%(accepted)s accepted, %(refused)s refused again (the reason is updated).") % result
        )


@admin.register(models.WorkerStatus)
class WorkerStatusAdmin(admin.ModelAdmin):
    list_display = ("name", "state", "host", "heartbeat_at", "received", "stored", "refused", "dead_lettered", "errors")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(models.City)
admin.site.register(models.KpiTarget)
admin.site.register(models.NotificationPreference)
# The admin speaks the operators' language: its titles (and every model's name) go through gettext.
admin.site.site_header = gettext_lazy("Lai Châu IOC — administration")
admin.site.site_title = gettext_lazy("Lai Châu IOC")
admin.site.index_title = gettext_lazy("City configuration and data")


def _login_through_the_product(request, extra_context=None):
    """The admin has no login of its own: one login for the whole product, with its lockout, rate limit and audit."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


admin.site.login = _login_through_the_product


@admin.register(models.LoginLock)
class LoginLockAdmin(ReadOnlyAdmin):
    """Locked logins; an administrator unlocks one (audited) — e.g. after checking with its owner by phone."""

    list_display = ("username", "ip", "until")
    search_fields = ("username",)
    actions = ["unlock_selected"]

    @admin.action(description=_("Unlock the selected logins"))
    def unlock_selected(self, request, queryset):
        from ioc.core.services.accounts import unlock

        for lock in queryset:
            unlock(lock, by=request.user, request=request)
        self.message_user(request, _("Unlocked: %(n)s") % {"n": len(queryset)})
