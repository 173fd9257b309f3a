"""Account pages and protected media. Thin: the lockout and auditing live in forms and services."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from ioc.core.forms import LockoutAuthenticationForm, NotificationPreferenceForm
from ioc.core.models import Role
from ioc.core.permissions import STAFF_ROLES, role_of
from ioc.core.services.accounts import password_changed
from ioc.core.services.notify import ensure_preferences, mark_all_read, save_preferences


def home(request):
    """Staff land on the operations dashboard (leaders on their KPI view); others on the login page."""
    role = role_of(request.user)
    if role == Role.LEADER:
        return redirect("dashboard:leader")
    if role == Role.WALL:
        return redirect("dashboard:wall")
    if role in STAFF_ROLES:
        return redirect("dashboard:map")
    if request.user.is_authenticated:
        from ioc.core.registry import registry

        own = next((d.citizen_url for d in registry if d.citizen_url), None)
        return redirect(own) if own else render(request, "core/citizen_home.html")
    return redirect("login")


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    success_message = _("Your password has been changed.")

    def get_success_url(self):
        return "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(self.request.user)
        return response


@login_required
def notifications(request):
    """The user's notifications, marking them read, and how they want to be notified."""
    prefs = ensure_preferences(request.user)
    form = NotificationPreferenceForm(instance=prefs)
    if request.method == "POST" and "save_preferences" in request.POST:
        form = NotificationPreferenceForm(request.POST, instance=prefs)
        if form.is_valid():
            save_preferences(form)
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications")
    elif request.method == "POST":
        mark_all_read(request.user)
        return redirect("notifications")
    items = request.user.notifications.all()[:100]
    return render(request, "core/notifications.html", {"items": items, "form": form})


def basemap_tile(request, z: int, x: int, y: int):
    """One tile of the base map the city loaded (`ioc load-basemap`); 404 where the file has none."""
    from django.http import Http404, HttpResponse

    from ioc.core.services.basemap import tile

    found = tile(z, x, y)
    if found is None:
        raise Http404
    data, content_type = found
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
