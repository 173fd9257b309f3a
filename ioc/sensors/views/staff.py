"""The operators' sensor pages: every device with its state and latest values (VN_AQI for air quality), and one
device with charts over the last hour, day or week."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ioc.core.forms import show_form_errors
from ioc.core.guards import staff_required
from ioc.core.permissions import OPERATORS, require_role, role_of
from ioc.core.tabular import import_upload
from ioc.sensors import selectors, services
from ioc.sensors.aqi import vn_aqi
from ioc.sensors.forms import DeviceForm, RuleForm
from ioc.sensors.models import Entity, Rule, RuleState
from ioc.sensors.timeseries import _aggregate
from ioc.sensors.vocabulary import kind_label, quantity_label

WINDOWS = {
    "hour": (timedelta(hours=1), timedelta(minutes=1)),
    "day": (timedelta(days=1), timedelta(minutes=15)),
    "week": (timedelta(days=7), timedelta(hours=1)),
}


def _aqi(entity: Entity):
    values = {k: v.get("value") for k, v in entity.attrs.items() if k in ("pm25", "pm10")}
    return vn_aqi(values) if values else None


@staff_required
def device_list(request):
    triggered = set(RuleState.objects.filter(triggered=True).values_list("entity_id", flat=True))
    devices = []
    for e in selectors.visible_devices(request.user).select_related("unit").order_by("type", "entity_id"):
        e.kind_label = kind_label(e.type)
        state = "alert" if e.pk in triggered else "silent" if e.stale_alerted else "ok"
        values = [
            (quantity_label(k, v.get("unitCode", "")), v.get("value"))
            for k, v in e.attrs.items()
            if v.get("type") == "Property" and k != "name"
        ]
        devices.append({"entity": e, "state": state, "values": values, "aqi": _aqi(e)})
    return render(request, "sensors/list.html", {"devices": devices})


@staff_required
def device_detail(request, pk: int):
    entity = get_object_or_404(selectors.visible_devices(request.user).select_related("unit"), pk=pk)
    window = request.GET.get("window") if request.GET.get("window") in WINDOWS else "day"
    span, step = WINDOWS[window]
    start = timezone.now() - span
    series = {}
    for attr, value in entity.attrs.items():
        if value.get("type") != "Property" or not isinstance(value.get("value"), int | float):
            continue
        buckets = _aggregate(entity, attr, start, None, step)
        series[attr] = {
            "labels": [b["start"] for b in buckets],
            "avg": [round(b["avg"], 2) for b in buckets],
            "min": [b["min"] for b in buckets],
            "max": [b["max"] for b in buckets],
            "label": quantity_label(attr, value.get("unitCode", "")),
        }
    rules = Rule.objects.filter(active=True).filter(entity_type=entity.type) | Rule.objects.filter(entity=entity)
    states = {s.rule_id: s for s in RuleState.objects.filter(entity=entity)}
    can_edit = role_of(request.user) in OPERATORS
    return render(
        request,
        "sensors/detail.html",
        {
            "entity": entity,
            "kind": kind_label(entity.type),
            "series": series,
            "window": window,
            "aqi": _aqi(entity),
            "rules": [(r, quantity_label(r.attr), states.get(r.pk)) for r in rules.distinct()],
            "can_edit": can_edit,
            "device_form": DeviceForm(instance=entity) if can_edit else None,
            "rule_form": RuleForm(entity=entity) if can_edit else None,
        },
    )


def _saved(request, form, save, done: str, pk: int):
    """Save a valid form through its service (the device page's forms), then back to the device page."""
    if form.is_valid():
        save(form.save(commit=False))
        messages.success(request, done)
    else:
        show_form_errors(request, form)
    return redirect("sensors:device", pk=pk)


@staff_required
@require_POST
def device_edit(request, pk: int):
    """Operators change a device's unit, owner, reporting interval and place; each change is audited."""
    require_role(request.user, OPERATORS)
    entity = get_object_or_404(Entity, pk=pk)
    before = {"unit": entity.unit_id, "department": entity.department_id, "interval": entity.expected_interval_s}
    form = DeviceForm(request.POST, instance=entity)
    moved = "lat" in form.changed_data or "lon" in form.changed_data
    return _saved(
        request,
        form,
        lambda device: services.save_device(device, moved=moved, by=request.user, request=request, before=before),
        _("Device saved"),
        pk,
    )


@staff_required
@require_POST
def rule_add(request, pk: int):
    """Operators add a rule that watches only this device (type-wide rules stay in the admin)."""
    require_role(request.user, OPERATORS)
    entity = get_object_or_404(Entity, pk=pk)
    form = RuleForm(request.POST, entity=entity)
    return _saved(
        request,
        form,
        lambda rule: services.add_device_rule(entity, rule, by=request.user, request=request),
        _("Rule added"),
        pk,
    )


@staff_required
@require_POST
def rule_delete(request, pk: int, rule_pk: int):
    require_role(request.user, OPERATORS)
    rule = get_object_or_404(Rule, pk=rule_pk, entity_id=pk)
    services.delete_rule(rule, by=request.user, request=request)
    messages.success(request, _("Rule deleted"))
    return redirect("sensors:device", pk=pk)


@staff_required
def device_import(request):
    """Operators register devices in bulk from a spreadsheet."""
    from ioc.sensors.devices import import_devices

    require_role(request.user, OPERATORS)
    result = import_upload(
        request, lambda content, name: import_devices(content, name, by=request.user, request=request)
    )
    return render(request, "sensors/import.html", {"result": result})
