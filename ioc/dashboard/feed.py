"""The alert feed and triage from it: the tabs, the one-line stamp the wall asks every second, and the actions an
officer takes on many alerts at once. Thin: reads through the dashboard's selectors, writes through core triage."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ioc.core import selectors
from ioc.core.forms import show_form_errors
from ioc.core.guards import roles_required, staff_required
from ioc.core.permissions import OPERATORS, VIEWERS, has_role
from ioc.core.services import triage
from ioc.core.services.alerts import ServiceError
from ioc.dashboard import forms
from ioc.dashboard import selectors as feed_selectors


@roles_required(VIEWERS)
def feed(request):
    """The alert feed fragment (polled by HTMX): the chosen tab's alerts and every tab's count."""
    filters = selectors.Filters.from_params(request.GET)
    tab = request.GET.get("tab") if request.GET.get("tab") in feed_selectors.TABS else "new"
    alerts, counts = feed_selectors.feed(request.user, filters, tab)
    tabs = [(key, label, counts[key]) for key, label in feed_selectors.TABS.items()]
    return render(
        request,
        "dashboard/_feed.html",
        {
            "alerts": alerts,
            "tab": tab,
            "tabs": tabs,
            "now": timezone.now(),
            "can_operate": has_role(request.user, *OPERATORS),
        },
    )


@roles_required(VIEWERS)
def feed_stamp(request):
    """When the newest alert in the feed's filters was last seen: the wall asks every second and refreshes its feed
    when this changes, so a new alert shows within about a second without pulling the whole feed that often."""
    filters = selectors.Filters.from_params(request.GET)
    latest = (
        selectors.visible_alerts(request.user, filters)
        .order_by("-last_seen_at")
        .values_list("last_seen_at", "id")
        .first()
    )
    response = HttpResponse(f"{latest[0].isoformat()}#{latest[1]}" if latest else "-", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


TRIAGE_DONE = {
    "acknowledge": lambda n: ngettext("%(n)s alert acknowledged.", "%(n)s alerts acknowledged.", n),
    "assign": lambda n: ngettext("%(n)s alert assigned.", "%(n)s alerts assigned.", n),
    "snooze": lambda n: ngettext("%(n)s alert snoozed.", "%(n)s alerts snoozed.", n),
    "merge": lambda n: ngettext("%(n)s alert merged into one incident.", "%(n)s alerts merged into one incident.", n),
    "dismiss": lambda n: ngettext("%(n)s alert dismissed as noise.", "%(n)s alerts dismissed as noise.", n),
}


def _run_triage(user, data) -> triage.Outcome:
    ids = [a.pk for a in data["alerts"]]
    action = data["action"]
    if action == "acknowledge":
        return triage.acknowledge(user, ids)
    if action == "assign":
        return triage.assign(user, ids, department=data["department"], officer=data["officer"], note=data["note"])
    if action == "snooze":
        return triage.snooze(user, ids, data["minutes"], data["reason"])
    if action == "merge":
        return triage.merge(user, ids, incident=data["incident"])
    return triage.dismiss(user, ids, data["reason"])


@staff_required
@require_POST
def triage_alerts(request):
    """A triage action on the alerts chosen in the feed. Answers JSON to the feed's script, else goes back to the
    map with the outcome as a message."""
    form = forms.TriageForm(request.POST, user=request.user)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not has_role(request.user, *OPERATORS):
        raise PermissionDenied(_("Only operators triage alerts."))
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        if wants_json:
            return JsonResponse({"ok": False, "message": " ".join(errors)}, status=400)
        show_form_errors(request, form)
        return redirect("dashboard:map")
    try:
        outcome = _run_triage(request.user, form.cleaned_data)
    except ServiceError as exc:
        if wants_json:
            return JsonResponse({"ok": False, "message": str(exc)}, status=400)
        messages.error(request, str(exc))
        return redirect("dashboard:map")
    text = TRIAGE_DONE[form.cleaned_data["action"]](outcome.done) % {"n": outcome.done}
    if outcome.skipped:
        text += " " + _("Already closed, left as they were: %(t)s.") % {"t": "; ".join(outcome.skipped)}
    incident_url = reverse("dashboard:incident", args=[outcome.incident.pk]) if outcome.incident else None
    if wants_json:
        return JsonResponse({"ok": True, "message": text, "done": outcome.done, "incident": incident_url})
    messages.success(request, text)
    return redirect(incident_url or "dashboard:map")
