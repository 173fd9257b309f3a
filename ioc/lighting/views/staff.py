"""Lighting pages: tonight's plan per circuit with overrides, faults by unit, energy this month, cabinets; a lamp
with its maintenance history; the asset import and exports; the monthly report."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ioc.core.guards import staff_required
from ioc.core.permissions import OPERATORS, require_role, role_of
from ioc.core.tabular import import_upload
from ioc.lighting import assets, energy, planning, selectors, services
from ioc.lighting.models import Cabinet, Circuit, Lamp, ScheduleRule

WINDOW_HOURS = 16  # the timeline runs from 16:00 to 08:00


def _timeline(segments, night):
    """Segments as percentages of the 16:00–08:00 window, for the plan bars."""
    start = datetime.combine(night, time(16, 0), planning.TZ)
    span = WINDOW_HOURS * 3600
    bars = []
    for s in segments:
        left = max((s.start - start).total_seconds(), 0)
        right = min((s.end - start).total_seconds(), span)
        if right <= left or s.level == 0 and s.rule == "daylight":
            continue
        bars.append(
            {
                "left": round(left / span * 100, 2),
                "width": round((right - left) / span * 100, 2),
                "level": s.level,
                "opacity": round(0.35 + 0.65 * s.level / 100, 2),
                "rule": s.rule,
                "from": timezone.localtime(s.start).strftime("%H:%M"),
                "to": timezone.localtime(s.end).strftime("%H:%M"),
            }
        )
    return bars


@staff_required
def overview(request):
    now = timezone.now()
    night = planning.night_of(now)
    circuits = list(Circuit.objects.select_related("cabinet").order_by("cabinet__code", "code"))
    plans = planning.plans(night, circuits, selectors.weather_tonight(night))
    states = selectors.lamp_states_by_circuit()
    rows = []
    for circuit in circuits:
        level, rule = planning.level_at(plans[circuit.pk], now)
        rows.append(
            {
                "circuit": circuit,
                "bars": _timeline(plans[circuit.pk], night),
                "level": level,
                "rule": rule,
                "states": states.get(circuit.pk, []),
            }
        )
    return render(
        request,
        "lighting/overview.html",
        {
            "night": night,
            "rows": rows,
            "hours": [(16 + h) % 24 for h in range(0, WINDOW_HOURS + 1, 2)],
            "counts": selectors.lamp_counts(),
            "faults": selectors.faults_by_unit(),
            "energy": energy.this_month(),
            "cabinets": Cabinet.objects.select_related("unit").order_by("code"),
            "can_override": role_of(request.user) in OPERATORS,
            "month": (night.year, night.month),
        },
    )


@staff_required
@require_POST
def override(request, pk: int):
    require_role(request.user, OPERATORS)
    circuit = get_object_or_404(Circuit, pk=pk)
    try:
        level, minutes = int(request.POST.get("level", "")), int(request.POST.get("minutes", ""))
        services.set_override(circuit, level, minutes, request.user, request.POST.get("reason", ""), request=request)
    except ValueError:
        messages.error(request, _("Give the level (0–100) and the minutes as whole numbers"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Override set: the circuit's lamps are being commanded"))
    return redirect("lighting:overview")


@staff_required
def lamp_detail(request, pk: int):
    lamp = get_object_or_404(Lamp.objects.select_related("circuit__cabinet"), pk=pk)
    if request.method == "POST":
        require_role(request.user, OPERATORS)
        action = request.POST.get("action", "").strip()
        if action:
            services.record_maintenance(lamp, action, request.POST.get("note", ""), by=request.user, request=request)
            messages.success(request, _("Maintenance recorded"))
        return redirect("lighting:lamp", pk=pk)
    return render(
        request,
        "lighting/lamp.html",
        {
            "lamp": lamp,
            "records": lamp.maintenance.select_related("user").order_by("-done_on", "-pk"),
            "nights": lamp.nights.order_by("-night")[:14],
            "commands": lamp.commands.order_by("-created_at")[:10],
            "can_edit": role_of(request.user) in OPERATORS,
        },
    )


@staff_required
def asset_import(request):
    require_role(request.user, OPERATORS)
    strict = bool(request.POST.get("strict"))
    result = import_upload(
        request,
        lambda content, name: assets.import_assets(
            content, name, all_or_nothing=strict, by=request.user, request=request
        ),
    )
    return render(request, "lighting/import.html", {"result": result})


@staff_required
def asset_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        return HttpResponse(_("CSV or XLSX only"), status=404)
    body, kind = services.export("lamps", fmt, by=request.user, request=request)
    return HttpResponse(body, content_type=kind, headers={"Content-Disposition": f'attachment; filename="den.{fmt}"'})


@staff_required
def monthly_report(request, year: int, month: int, fmt: str):
    if not (2000 <= year <= 2100 and 1 <= month <= 12) or fmt not in ("pdf", "xlsx"):
        return HttpResponse(_("No such month"), status=404)
    body, kind = services.export("report", fmt, by=request.user, request=request, year=year, month=month)
    name = f"chieu-sang-{year}-{month:02d}.{fmt}"
    return HttpResponse(body, content_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@staff_required
def rules(request):
    """Every schedule rule in the order they apply; operators add, switch off and delete them."""
    from ioc.lighting.forms import RuleForm

    can_edit = role_of(request.user) in OPERATORS
    form = RuleForm()
    if request.method == "POST":
        require_role(request.user, OPERATORS)
        form = RuleForm(request.POST)
        if form.is_valid():
            services.save_rule(
                form.instance, {c.pk for c in form.cleaned_data["circuits"]}, by=request.user, request=request
            )
            messages.success(request, _("Rule added"))
            return redirect("lighting:rules")
    ordered = [rule for rule, _ids in planning.active_rules()]
    inactive = list(ScheduleRule.objects.filter(active=False).prefetch_related("circuits").order_by("name"))
    return render(request, "lighting/rules.html", {"rules": ordered + inactive, "form": form, "can_edit": can_edit})


@staff_required
@require_POST
def rule_action(request, pk: int, action: str):
    require_role(request.user, OPERATORS)
    rule = get_object_or_404(ScheduleRule, pk=pk)
    if action == "delete":
        services.delete_rule(rule, by=request.user, request=request)
        messages.success(request, _("Deleted"))
    elif action == "toggle":
        try:
            services.toggle_rule(rule, by=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("lighting:rules")
