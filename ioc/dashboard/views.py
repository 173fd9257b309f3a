"""The operations-center pages. Thin: reads go through selectors, writes through core services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ioc.core import selectors
from ioc.core.files import serve_attachment
from ioc.core.forms import show_form_errors
from ioc.core.guards import staff_required
from ioc.core.models import AdministrativeUnit, Incident, Role, Severity
from ioc.core.permissions import OPERATORS, has_role
from ioc.core.registry import registry
from ioc.core.services import alerts as alert_services
from ioc.core.services.alerts import ServiceError
from ioc.core.services.geo import current_units
from ioc.core.tabular import SafeCsvWriter
from ioc.dashboard import forms
from ioc.dashboard import selectors as feed_selectors
from ioc.dashboard import services as dashboard_services


def _filter_context(request) -> dict:
    filters = request.GET.copy()
    profile = getattr(request.user, "profile", None)
    if "unit" not in filters and has_role(request.user, Role.WARD_OFFICER) and profile.unit_id:
        filters["unit"] = str(profile.unit_id)  # a ward officer's map opens on their ward
    return {
        "units": current_units(),
        "domains": list(registry),
        "severities": Severity.choices,
        "filters": filters,
    }


def _tiles(user, unit=None, tiles=None) -> list[dict]:
    return [{"tile": t, "value": t.value(user, unit)} for t in (registry.tiles() if tiles is None else tiles)]


def map_config() -> dict:
    """The live map's starting view, tiles and registry layers, for the operations map and the wall."""
    return {
        **selectors.base_map(),
        "severityLabels": [str(label) for _, label in Severity.choices],
        "openLabel": str(_("Open details")),
        "approximateLabel": str(_("Approximate boundary")),
        "layers": [
            {
                "key": layer.key,
                "label": str(layer.label),
                "color": layer.color,
                "cluster": layer.cluster,
                "heat": layer.heat,
                "refresh": layer.refresh_seconds,
                "visible": layer.visible,
                "legend": [(colour, str(label)) for colour, label in layer.legend],
                "url": f"/api/layers/{layer.key}",
            }
            for layer in registry.layers()
        ],
    }


@staff_required
def map_view(request):
    """The full-screen live map with the KPI strip, the alert feed and the filters."""
    config = map_config()
    return render(
        request,
        "dashboard/map.html",
        {
            **_filter_context(request),
            "map_config": config,
            "tiles": _tiles(request.user, tiles=feed_selectors.chosen_tiles(request.user)),
            "more_count": len(registry.tiles()) - len(feed_selectors.chosen_tiles(request.user)),
            "triage_form": forms.TriageForm(user=request.user) if has_role(request.user, *OPERATORS) else None,
        },
    )


@staff_required
def kpi_strip(request):
    """The user's chosen KPI tiles; with `more`, the others and the form to choose."""
    unit = AdministrativeUnit.objects.filter(pk=request.GET.get("unit") or 0).first()
    chosen = feed_selectors.chosen_tiles(request.user)
    if not request.GET.get("more"):
        return render(request, "dashboard/_kpis.html", {"tiles": _tiles(request.user, unit, chosen)})
    others = [t for t in registry.tiles() if t not in chosen]
    return render(
        request,
        "dashboard/_kpi_more.html",
        {
            "others": _tiles(request.user, unit, others),
            "choices": [(t, t in chosen) for t in registry.tiles()],
            "next": request.headers.get("HX-Current-URL", ""),
        },
    )


@staff_required
@require_POST
def kpi_choose(request):
    """Save which tiles the user keeps on the strip (or go back to the role's default)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    keys = [] if request.POST.get("reset") else request.POST.getlist("tiles")
    try:
        dashboard_services.save_tiles(request.user, keys)
    except ServiceError as exc:
        messages.error(request, str(exc))
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return redirect(target if safe and target else "dashboard:map")


@staff_required
def alert_detail(request, pk: int):
    alert = get_object_or_404(selectors.visible_alerts(request.user), pk=pk)
    if alert.incident_id:
        return redirect("dashboard:incident", pk=alert.incident_id)
    kind = registry.alert_kind(alert.kind)
    return render(
        request,
        "dashboard/alert.html",
        {
            "alert": alert,
            "kind": kind,
            "sop": alert_services.sop_for(alert.kind),
            "can_operate": has_role(request.user, *OPERATORS),
            "children": alert.children.order_by("first_seen_at")[:100],
            "panels": registry.subject_panels("alert", alert.pk, request.user),
            "repeats": [
                {"at": parse_datetime(r["at"]), "message": r.get("message", "")}
                for r in reversed(alert.data.get("repeats", []))
                if isinstance(r, dict) and parse_datetime(str(r.get("at")))
            ],
            "now": timezone.now(),
        },
    )


@staff_required
@require_POST
def acknowledge(request, pk: int):
    alert = get_object_or_404(selectors.visible_alerts(request.user), pk=pk)
    try:
        incident = alert_services.acknowledge_alert(alert, request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("dashboard:alert", pk=pk)
    return redirect("dashboard:incident", pk=incident.pk)


@staff_required
def incident_board(request):
    """Open and assigned incidents in columns, the latest closed ones last; overdue ones stand out."""
    filters = selectors.Filters.from_params(request.GET)
    incidents = selectors.visible_incidents(request.user, filters)
    recent_closed = incidents.filter(status=Incident.Status.CLOSED).order_by("-closed_at")[:20]
    columns = [
        (
            Incident.Status.OPEN,
            incidents.filter(status=Incident.Status.OPEN).order_by("-severity", "created_at"),
        ),
        (Incident.Status.ASSIGNED, incidents.filter(status=Incident.Status.ASSIGNED).order_by("due_at")),
    ]
    return render(
        request,
        "dashboard/incidents.html",
        {
            **_filter_context(request),
            "columns": columns,
            "closed": recent_closed,
            "now": timezone.now(),
        },
    )


@staff_required
def incident_detail(request, pk: int):
    incident = get_object_or_404(selectors.visible_incidents(request.user), pk=pk)
    sop = alert_services.sop_for(incident.kind)
    can_work = alert_services.can_work_on(request.user, incident)
    return render(
        request,
        "dashboard/incident.html",
        {
            "incident": incident,
            "alerts": incident.alerts.all(),
            "events": incident.events.select_related("actor"),
            "sop": [(i, step, i in incident.sop_done) for i, step in enumerate(sop)],
            "can_operate": has_role(request.user, *OPERATORS),
            "can_escalate": has_role(request.user, *OPERATORS, Role.LEADER),
            "can_work": can_work,
            "assign_form": forms.AssignForm(initial={"department": incident.department}),
            "close_form": forms.CloseForm(),
            "note_form": forms.NoteForm(),
            "escalate_form": forms.EscalateForm(),
            "attach_form": forms.AttachForm(),
            "panels": registry.subject_panels("incident", incident.pk, request.user),
            "now": timezone.now(),
        },
    )


ACTIONS = {
    "assign": (
        forms.AssignForm,
        lambda i, u, d: alert_services.assign_incident(
            i, u, department=d["department"], working_days=d["working_days"], note=d["note"]
        ),
    ),
    "close": (forms.CloseForm, lambda i, u, d: alert_services.close_incident(i, u, d["resolution"])),
    "note": (forms.NoteForm, lambda i, u, d: alert_services.add_note(i, u, d["text"])),
    "escalate": (forms.EscalateForm, lambda i, u, d: alert_services.escalate_incident(i, u, d["reason"])),
    "attach": (forms.AttachForm, lambda i, u, d: alert_services.attach_file(i, u, d["file"], d["text"])),
}


@staff_required
def incident_attachment(request, pk: int, event_pk: int):
    """An incident's attachment, for those who may see the incident (audited); images and PDFs open inline."""
    incident = get_object_or_404(selectors.visible_incidents(request.user), pk=pk)
    event = alert_services.open_attachment(incident, event_pk, request.user, request)
    if event is None:
        raise Http404
    return serve_attachment(event.attachment)


@staff_required
@require_POST
def incident_action(request, pk: int, action: str):
    """Every incident action: validate the form, call the service, show its message."""
    incident = get_object_or_404(selectors.visible_incidents(request.user), pk=pk)
    if action == "sop":
        try:
            alert_services.set_sop_step(
                incident, request.user, int(request.POST.get("step", -1)), request.POST.get("done") == "1"
            )
        except (ServiceError, ValueError) as exc:
            messages.error(request, str(exc))
        return redirect("dashboard:incident", pk=pk)
    if action not in ACTIONS:
        raise PermissionDenied("Unknown action")
    form_class, run = ACTIONS[action]
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("dashboard:incident", pk=pk)
    try:
        run(incident, request.user, form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("dashboard:incident", pk=pk)


@staff_required
def leader(request):
    """Leaders' KPIs on a phone or desktop: per unit and per field, with drill-down and a 30-day trend."""
    unit = AdministrativeUnit.objects.filter(pk=request.GET.get("unit") or 0).first()
    domain = request.GET.get("domain") or None
    if domain and domain not in registry:
        domain = None
    per_day = selectors.alerts_per_day(request.user, 30, unit=unit, domain=domain)
    # Drawn on the server: the leader's phone loads no chart library (first screen under 300 KB).
    top = max((row["count"] for row in per_day), default=0) or 1
    trend = [
        {"label": f"{row['day']:%d/%m}", "n": row["count"], "x": i * 10 + 1, "h": round(100 * row["count"] / top)}
        for i, row in enumerate(per_day)
    ]
    for bar in trend:
        bar["y"] = 100 - bar["h"]
    by_domain = selectors.alerts_by_domain(request.user, unit)
    return render(
        request,
        "dashboard/leader.html",
        {
            "unit": unit,
            "scope": selectors.scope_label(request.user),
            "domain": registry.get(domain) if domain else None,
            "headline": feed_selectors.headline(request.user, unit),
            "panels": registry.leader_panels(request.user) if not (unit or domain) else [],
            "attention": registry.attention(request.user) if not (unit or domain) else [],
            "tiles": _tiles(
                request.user, unit, [t for t in registry.tiles() if t not in feed_selectors.chosen_tiles(request.user)]
            ),
            "by_unit": selectors.alerts_by_unit(request.user, domain) if not unit else [],
            "by_domain": [(d, by_domain.get(d.key, 0)) for d in registry],
            "trend": trend,
            "trend_width": 10 * len(trend),
            "trend_today": trend[-1]["n"] if trend else 0,
            "incidents": selectors.visible_incidents(
                request.user, selectors.Filters(unit=unit and unit.pk, domain=domain, open_only=True)
            ).order_by("-severity", "due_at")[:10],
            "now": timezone.now(),
        },
    )


@staff_required
def alerts_csv(request):
    """The filtered alerts as CSV (UTF-8 with BOM so Excel shows Vietnamese); the export is audited."""

    from ioc.core.services import audit

    filters = selectors.Filters.from_params(request.GET)
    alerts = selectors.visible_alerts(request.user, filters).order_by("-last_seen_at")[:50000]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="canh-bao-{timezone.localdate():%Y%m%d}.csv"'
    response.write("\ufeff")
    writer = SafeCsvWriter(response)
    writer.writerow(
        [
            _("Time"),
            _("Kind"),
            _("Severity"),
            _("Title"),
            _("Unit"),
            _("Status"),
            _("Count"),
            _("Latitude"),
            _("Longitude"),
        ]
    )
    rows = 0
    for a in alerts:
        writer.writerow(
            [
                f"{timezone.localtime(a.last_seen_at):%d/%m/%Y %H:%M}",
                a.kind,
                a.get_severity_display(),
                a.title,
                a.unit.name if a.unit else "",
                a.get_status_display(),
                a.count,
                a.lat,
                a.lon,
            ]
        )
        rows += 1
    audit.record_export(
        request.user, "core.alert", request=request, rows=rows, filters={k: v for k, v in request.GET.items()}
    )
    return response


@staff_required
def my_work(request):
    """An officer's own queue across every domain: what their unit (or they by name) must do, soonest first."""
    return render(request, "dashboard/my_work.html", {"items": registry.work(request.user), "now": timezone.now()})


@staff_required
def briefing_view(request):
    """The briefing for the day, week or month, on the page or as a PDF (?format=pdf); downloads are audited."""
    from ioc.core.models import City
    from ioc.core.services import audit
    from ioc.dashboard import briefing

    report = briefing.build(request.user, request.GET.get("period", "day"))
    if request.GET.get("format") == "pdf":
        city = City.objects.first()
        audit.record_export(request.user, "dashboard.briefing", request=request, period=report.period)
        response = HttpResponse(briefing.pdf_bytes(report, city.name if city else ""), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="tom-tat-{report.period}-{report.end:%Y%m%d}.pdf"'
        return response
    top = max((n for _label, n in report.chart), default=0) or 1
    bars = [
        {"label": label, "n": n, "x": i * 10 + 1, "y": 100 - round(100 * n / top), "h": round(100 * n / top)}
        for i, (label, n) in enumerate(report.chart)
    ]
    return render(
        request,
        "dashboard/briefing.html",
        {"b": report, "bars": bars, "width": 10 * len(bars), "periods": briefing.PERIODS},
    )


def manifest(request):
    """The staff app on a phone: installable, opening on the leader's page (public: browsers fetch it without
    cookies; it holds no data)."""
    from django.http import JsonResponse
    from django.templatetags.static import static

    data = {
        "name": str(_("Lai Châu IOC")),
        "short_name": "IOC",
        "start_url": "/dashboard/leader/",
        "scope": "/dashboard/",
        "display": "standalone",
        "background_color": "#0f1720",
        "theme_color": "#0b121a",
        "lang": "vi",
        "icons": [
            {"src": static(f"feedback/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png"} for n in (192, 512)
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


def service_worker(request):
    """Network first; the leader's page and its styles are kept for when the phone has no signal (figures only,
    no personal data). Nothing else from the staff pages is cached."""
    from django.templatetags.static import static

    body = render(request, "dashboard/sw.js", {"shell": [static("dashboard/ioc.css"), "/dashboard/leader/"]}).content
    return HttpResponse(body, content_type="application/javascript", headers={"Service-Worker-Allowed": "/dashboard/"})
