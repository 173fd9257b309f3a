"""The hotline intake: today's calls, and the one screen an operator fills while on the phone."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.guards import operators_required
from ioc.core.selectors import base_map
from ioc.core.services.alerts import ServiceError
from ioc.hotline import selectors, services
from ioc.hotline.forms import CallForm


@operators_required
def calls(request):
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = selectors.visible_calls(request.user).filter(received_at__gte=start).order_by("-received_at")[:200]
    return render(request, "hotline/calls.html", {"calls": today})


@operators_required
def take_call(request):
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call, report = services.take_call(
                request.user,
                channel=data["channel"],
                topic=data["topic"],
                summary=data["summary"],
                lat=data["lat"],
                lon=data["lon"],
                address=data["address"],
                caller_name=data["caller_name"],
                caller_phone=data["caller_phone"],
                urgent=data["urgent"],
                as_report_category=data["category"] if data["outcome"] == "report" else None,
            )
        except (ServiceError, PermissionDenied) as exc:
            form.add_error(None, str(exc))
        else:
            if report:
                messages.success(
                    request,
                    _("Report %(code)s created: read this tracking code to the caller.")
                    % {"code": report.tracking_code},
                )
            else:
                messages.success(request, _("The call is in the IOC feed as an alert."))
            return redirect("hotline:calls")
    return render(
        request,
        "hotline/take_call.html",
        {"form": form, "map_config": {**base_map(closer=1), "unitsUrl": "/api/units"}},
        status=400 if request.method == "POST" else 200,
    )


@operators_required
def caller(request):
    """The caller's earlier calls and reports, looked up by the phone number typed in (HTMX fragment)."""
    phone = (request.GET.get("caller_phone") or "").strip()
    return render(request, "hotline/_caller.html", selectors.caller_history(phone, request.user, request))
