"""The citizens' pages (mobile first, an installable PWA): report, follow, rate or reopen, see the public map.

Public pages never show a reporter's identity. Submissions are rate-limited per address and per contact and carry
a honeypot field.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from ioc.core.geojson import geojson_response, point_collection, raw_rows
from ioc.core.middleware import client_address
from ioc.core.models import City
from ioc.core.selectors import base_map
from ioc.core.services.alerts import ServiceError
from ioc.feedback import selectors, services
from ioc.feedback.forms import RateForm, ReopenForm, ReportForm, TrackForm
from ioc.feedback.models import Category, Report
from ioc.feedback.workflow import CLOSED


def _limited(request, form) -> bool:
    """Per address, and per phone/email so one sender can't flood the city from many addresses."""
    rate = settings.IOC["RATE_REPORT"]
    if is_ratelimited(request, group="feedback.submit", key=client_address, rate=rate, increment=True):
        return True
    contact = (form.cleaned_data.get("phone") or form.cleaned_data.get("email") or "").strip().lower()
    return bool(contact) and is_ratelimited(
        request, group="feedback.contact", key=lambda _g, _r: contact, rate=rate, increment=True
    )


def portal(request):
    """The public page: the latest reports, the map, and the way to send one."""
    latest = selectors.public_reports().prefetch_related("photos").order_by("-submitted_at")[:20]
    config = {
        **base_map(),
        "pointsUrl": "/phan-anh/ban-do.geojson",
        "unitsUrl": "/api/units",
    }
    return render(request, "feedback/portal.html", {"latest": latest, "map_config": config, "closed": CLOSED})


def submit(request):
    """The report form; on success the citizen gets the tracking page with the code. A signed-in citizen's contact
    is filled in, and "report again" (?again=CODE, one of their own) fills in the place and what was reported."""
    form = ReportForm(request.POST or None, request.FILES or None, initial=_prefill(request))
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:  # the honeypot: act as if accepted, store nothing
            return redirect("feedback:track_form")
        if _limited(request, form):
            return render(request, "feedback/submit.html", {"form": form, "limited": True, **_map(request)}, status=429)
        try:
            report = services.submit_report(
                category=form.cleaned_data["category"],
                description=form.cleaned_data["description"],
                lat=form.cleaned_data["lat"],
                lon=form.cleaned_data["lon"],
                address=form.cleaned_data["address"],
                attributes=form.answers(),
                photos=form.cleaned_data["photos"],
                reporter_name=form.cleaned_data["name"],
                reporter_phone=form.cleaned_data["phone"],
                reporter_email=form.cleaned_data["email"],
                showcase_ok=form.cleaned_data["showcase_ok"],
                notify_channels=form.cleaned_data["notify_channels"],
                user=request.user,
                ip=client_address(None, request),
                require_photo=True,
            )
        except (ServiceError, PermissionDenied) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Thank you. Keep your tracking code: %(code)s") % {"code": report.tracking_code}
            )
            return redirect("feedback:track", code=report.tracking_code)
    status = 400 if request.method == "POST" else 200
    return render(request, "feedback/submit.html", {"form": form, **_map(request)}, status=status)


def _prefill(request) -> dict:
    if request.method != "GET" or not request.user.is_authenticated:
        return {}
    from ioc.feedback.citizens import my_reports

    initial = {"email": request.user.email, "phone": getattr(getattr(request.user, "profile", None), "phone", "")}
    again = my_reports(request.user).filter(tracking_code=request.GET.get("again", "")).first()
    if again:
        initial.update(
            category=again.category_id,
            description=again.description,
            lat=again.lat,
            lon=again.lon,
            address=again.address,
        )
    return initial


def _map(request) -> dict:
    return {
        "map_config": {
            **base_map(closer=1),  # close enough to put the pin on the right street
            "unitsUrl": "/api/units",
            "nearbyUrl": "/phan-anh/gan-day.json",
        }
    }


@require_GET
def nearby(request):
    """Open reports of a category near a point: 'already reported — follow it instead'."""
    category_id = request.GET.get("category", "")
    category = Category.objects.filter(pk=category_id, active=True).first() if category_id.isdigit() else None
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return JsonResponse({"message": _("lat and lon are required")}, status=400)
    if category is None:
        return JsonResponse({"message": _("Unknown category")}, status=400)
    found = selectors.nearby_open(category, lat, lon)
    return JsonResponse(
        {
            "radius_m": category.duplicate_radius_m,
            "reports": [
                {
                    "id": r.pk,
                    "description": r.description[:200],
                    "distance_m": d,
                    "status": r.get_status_display(),
                    "url": f"/phan-anh/{r.pk}/",
                }
                for r, d in found
            ],
        }
    )


def track_form(request):
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("feedback:track", code=form.cleaned_data["code"].strip().upper())
    return render(request, "feedback/track_form.html", {"form": form})


def track(request, code: str):
    """The reporter's page, reached with the tracking code: status, replies, rating and reopening."""
    report = Report.objects.filter(tracking_code=code.upper()).select_related("category", "unit").first()
    if report is None:
        raise Http404
    rate_form, reopen_form = RateForm(), ReopenForm()
    if request.method == "POST":
        try:
            if "rate" in request.POST:
                rate_form = RateForm(request.POST)
                if rate_form.is_valid():
                    services.rate(report, rate_form.cleaned_data["satisfied"], rate_form.cleaned_data["comment"])
                    messages.success(request, _("Thank you for your rating."))
                    return redirect("feedback:track", code=report.tracking_code)
            elif "reopen" in request.POST:
                reopen_form = ReopenForm(request.POST)
                if reopen_form.is_valid():
                    services.transition(report, None, "reopen", text=reopen_form.cleaned_data["reason"])
                    messages.success(request, _("Your report is open again."))
                    return redirect("feedback:track", code=report.tracking_code)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("feedback:track", code=report.tracking_code)
    report.refresh_from_db()
    return render(
        request,
        "feedback/track.html",
        {
            **selectors.public_view(report),
            "rate_form": rate_form,
            "reopen_form": reopen_form,
            "can_rate": report.status in ("resolved", "published") and report.rating is None,
            "can_reopen": report.status in ("resolved", "published"),
            "overdue": selectors.is_overdue(report),
        },
    )


def public_detail(request, pk: int):
    report = get_object_or_404(selectors.public_reports(), pk=pk)
    return render(
        request,
        "feedback/public_detail.html",
        selectors.public_view(report),
    )


def public_points(request):
    """Public reports of the last 90 days as GeoJSON (no personal data)."""
    from datetime import timedelta

    from django.utils import timezone

    rows = raw_rows(
        selectors.public_reports()
        .filter(submitted_at__gte=timezone.now() - timedelta(days=90))
        .order_by("-submitted_at")
        .values_list("pk", "lon", "lat", "description", "status")[:5000]
    )
    rows = [(pk, lon, lat, d[:100], "closed" if s in CLOSED else "open") for pk, lon, lat, d, s in rows]
    return geojson_response(point_collection(rows, ("title", "status"), url="/phan-anh/{id}/"))


def manifest(request):
    city = City.objects.first()
    data = {
        "name": _("Field reports — %(city)s") % {"city": city.name} if city else _("Field reports"),
        "short_name": _("Field reports"),
        "start_url": "/phan-anh/",
        "scope": "/phan-anh/",
        "display": "standalone",
        "background_color": "#0f1720",
        "theme_color": "#2f81f7",
        "lang": "vi",
        "icons": [
            {"src": static(f"feedback/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png"} for n in (192, 512)
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


def service_worker(request):
    """Caches the app shell so the form opens offline; reports themselves always go to the network."""
    shell = [
        "/phan-anh/",
        "/phan-anh/gui/",
        static("dashboard/ioc.css"),
        static("feedback/report.js"),
        static("vendor/leaflet/leaflet.js"),
        static("vendor/leaflet/leaflet.css"),
    ]
    body = render(request, "feedback/sw.js", {"shell": json.dumps(shell)}).content
    return HttpResponse(body, content_type="application/javascript", headers={"Service-Worker-Allowed": "/phan-anh/"})


def results(request):
    """What the city did: resolved reports by month, ward and category, and before/after where reporters agreed."""
    data = selectors.city_results()
    top = max((row["n"] for row in data["per_month"]), default=0) or 1
    bars = [
        {
            "label": f"{row['month']:%m/%Y}",
            "n": row["n"],
            "on_time": row["on_time"],
            "x": i * 10 + 1,
            "h": round(100 * row["n"] / top),
            "y": 100 - round(100 * row["n"] / top),
        }
        for i, row in enumerate(data["per_month"])
    ]
    return render(request, "feedback/results.html", {**data, "bars": bars, "width": 10 * max(len(bars), 1)})
