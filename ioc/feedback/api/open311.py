"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2), JSON and XML.

Follows the spec: ids and codes are strings, times ISO 8601 with their offset, XML with a UTF-8 declaration,
errors as [{"code": …, "description": …}]. Extensions: mySociety's servicerequestupdates, and `extensions=true`
adding `extended_attributes` and `notes`. Reporters' personal data never appears in a GET response.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import orjson
from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ioc.core.geojson import gc_paused
from ioc.core.models import City
from ioc.core.services.alerts import ServiceError
from ioc.feedback import services as report_services
from ioc.feedback.models import Category, Event, Open311Key, Photo, Report
from ioc.feedback.workflow import CLOSED

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-25T00:00:00+07:00"  # when this endpoint's behaviour last changed
DEFAULT_DAYS = 90
DEFAULT_LIMIT = 1000
OPEN311_FIELDS = (
    "id",
    "category__name",
    "category__code",
    "department__name",
    "unit__name",
    "unit__code",
    "description",
    "status",
    "public_reply",
    "submitted_at",
    "updated_at",
    "due_at",
    "address",
    "lat",
    "lon",
    "duplicate_of_id",
)
# The media types GeoReport v2 names, exactly (JSON is UTF-8 by definition; the XML prolog declares UTF-8).
FORMATS = {"json": "application/json", "xml": "text/xml"}


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


# Keys are issued by a service (the admin and `ioc feedback open311-key` call it); checked here by their hash.
create_key, key_hash = report_services.create_open311_key, report_services.open311_key_hash


# --- rendering -------------------------------------------------------------------------------------------


def _xml_value(element: ET.Element, value) -> None:
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def _to_xml(parent: ET.Element, value, item_tag: str) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            child = ET.SubElement(parent, key)
            if isinstance(inner, list):
                _to_xml(
                    child,
                    inner,
                    {
                        "values": "value",
                        "attributes": "attribute",
                        "formats": "format",
                        "endpoints": "endpoint",
                        "notes": "note",
                    }.get(key, "item"),
                )
            elif isinstance(inner, dict):
                _to_xml(child, inner, "item")
            else:
                _xml_value(child, inner)
    elif isinstance(value, list):
        for inner in value:
            child = ET.SubElement(parent, item_tag)
            _to_xml(child, inner, "item") if isinstance(inner, dict | list) else _xml_value(child, inner)


def render(request, fmt: str, data, root: str, item: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        element = ET.Element(root)
        _to_xml(element, data, item)
        body = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    else:
        body = orjson.dumps(data)
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def error(request, fmt: str, code: int, description: str) -> HttpResponse:
    return render(
        request,
        fmt if fmt in FORMATS else "json",
        [{"code": code, "description": description}],
        "errors",
        "error",
        status=code,
    )


def open311_view(methods=("GET",)):
    """Format check, error rendering and method check for every endpoint."""

    def decorate(view):
        @csrf_exempt
        @require_http_methods([*methods, "HEAD"])
        def wrapped(request, *args, fmt: str, **kwargs):
            if fmt not in FORMATS:
                return error(request, "json", 404, f"Unknown format {fmt!r}: use .json or .xml")
            jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
            city = City.objects.first()
            if jurisdiction and city and jurisdiction not in (city.code, "laichau"):
                return error(request, fmt, 404, f"Unknown jurisdiction_id {jurisdiction!r}")
            try:
                # One language for a developer-facing standard: the spec's (service names stay the city's own).
                with translation.override("en"):
                    return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return error(request, fmt, exc.code, exc.description)

        wrapped.__name__ = view.__name__
        return wrapped

    return decorate


def iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


# --- endpoints -------------------------------------------------------------------------------------------


@open311_view()
def discovery(request, fmt):
    city = City.objects.first()
    # Without a trailing slash: validators and clients append "/services.xml" themselves.
    base = absolute(request, "/open311/v2")
    data = {
        "changeset": CHANGESET,
        "contact": _("Operations center, %(city)s") % {"city": city.name} if city else _("Operations center"),
        "key_service": "Ask the city's IOC administrator for an api_key. POST requests honour an Idempotency-Key "
        "header (retries within 24 hours get the first answer back, marked Idempotent-Replayed).",
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(request, fmt, data, "discovery", "item")


def service_dict(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": category.attributes.exists(),
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


@open311_view()
def services(request, fmt):
    categories = Category.objects.filter(active=True).prefetch_related("attributes")
    return render(request, fmt, [service_dict(c) for c in categories], "services", "service")


@open311_view()
def service_definition(request, code, fmt):
    category = Category.objects.filter(code=code, active=True).prefetch_related("attributes").first()
    if category is None:
        raise Open311Error(404, f"No service with service_code {code!r}")
    data = {
        "service_code": category.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": None,
                "order": a.order,
                "description": a.description,
                "values": [{"key": str(v["key"]), "name": v["name"]} for v in a.values],
            }
            for a in category.attributes.all()
        ],
    }
    return render(request, fmt, data, "service_definition", "item")


def _visible_media(request, report: Report) -> str | None:
    photos = getattr(report, "public_photos", None)
    if photos is None:
        photos = list(report.photos.filter(hidden=False).only("id"))
    return absolute(request, f"/phan-anh/anh/{photos[0].pk}.jpg") if photos else None


def _with_public_photos(queryset):
    """Visible photos prefetched into a plain list (no queryset cloned per report)."""
    return queryset.prefetch_related(
        Prefetch("photos", queryset=Photo.objects.filter(hidden=False).only("id", "report_id"), to_attr="public_photos")
    )


def request_dict(request, report: Report, extensions: bool = False) -> dict:
    """A report as Open311 shows it: never the reporter's name, phone, email or address of origin."""
    data = {
        "service_request_id": str(report.pk),
        "status": "closed" if report.status in CLOSED else "open",
        "status_notes": report.public_reply or None,
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": report.department.name,
        "service_notice": None,
        "requested_datetime": iso(report.submitted_at),
        "updated_datetime": iso(report.updated_at),
        "expected_datetime": iso(report.due_at) if report.status not in CLOSED else None,
        "address": report.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": _visible_media(request, report),
    }
    if extensions:
        data["extended_attributes"] = {
            "unit": report.unit.name if report.unit else None,
            "unit_code": report.unit.code if report.unit else None,
            "department": report.department.name,
            "status_detail": report.status,
            "duplicate_of": str(report.duplicate_of_id) if report.duplicate_of_id else None,
        }
        data["notes"] = [
            {"datetime": iso(e.at), "description": e.text, "status": e.to_status}
            for e in report.events.all()
            if e.public and e.text
        ]
    return data


def _parse_time(value: str, name: str):
    moment = parse_datetime(value.replace(" ", "+")) if value else None  # '+' arrives as ' ' in query strings
    if value and moment is None:
        raise Open311Error(400, f"{name} must be an ISO 8601 date and time, e.g. 2026-11-25T08:00:00+07:00")
    if moment and not 2000 <= moment.year <= 2100:  # also keeps the date arithmetic below from overflowing
        raise Open311Error(400, f"{name} must be between the years 2000 and 2100")
    if moment and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _int(value: str | None, name: str, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise Open311Error(400, f"{name} must be a whole number from {low} to {high}")
    return int(value)


def _requests_query(params):
    from ioc.feedback.selectors import public_reports

    # Only what Open311 shows: never the reporter's columns, and not the attributes JSON (decoded per row).
    qs = _with_public_photos(public_reports().only(*OPEN311_FIELDS))
    if ids := params.get("service_request_id"):
        wanted = [i.strip() for i in ids.split(",") if i.strip()]
        if not all(i.isdigit() for i in wanted):
            raise Open311Error(400, "service_request_id must be a comma-separated list of ids")
        return qs.filter(pk__in=[int(i) for i in wanted]), 1, DEFAULT_LIMIT
    if codes := params.get("service_code"):
        qs = qs.filter(category__code__in=[c.strip() for c in codes.split(",")])
    start = _parse_time(params.get("start_date", ""), "start_date")
    end = _parse_time(params.get("end_date", ""), "end_date")
    if start and end and end < start:
        raise Open311Error(400, "end_date is before start_date")
    if start and end and end - start > timedelta(days=DEFAULT_DAYS):
        raise Open311Error(400, f"start_date to end_date may not span more than {DEFAULT_DAYS} days")
    if not start and not end:
        end = timezone.now()
        start = end - timedelta(days=DEFAULT_DAYS)
    elif start and not end:
        end = start + timedelta(days=DEFAULT_DAYS)
    elif end and not start:
        start = end - timedelta(days=DEFAULT_DAYS)
    qs = qs.filter(submitted_at__gte=start, submitted_at__lte=end)
    if status := params.get("status"):
        wanted = {s.strip() for s in status.split(",")}
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status must be open, closed or both")
        if wanted == {"open"}:
            qs = qs.exclude(status__in=CLOSED)
        elif wanted == {"closed"}:
            qs = qs.filter(status__in=CLOSED)
    if updated_after := params.get("updated_after"):
        qs = qs.filter(updated_at__gt=_parse_time(updated_after, "updated_after"))
    page = _int(params.get("page"), "page", 1, 1, 100_000)
    page_size = _int(params.get("page_size"), "page_size", DEFAULT_LIMIT, 1, DEFAULT_LIMIT)
    return qs, page, page_size


@open311_view(methods=("GET", "POST"))
def requests_endpoint(request, fmt):
    if request.method == "POST":
        return post_request(request, fmt)
    qs, page, page_size = _requests_query(request.GET)
    reports = qs.order_by("-submitted_at", "-pk")[(page - 1) * page_size : page * page_size]
    extensions = request.GET.get("extensions") == "true"
    if extensions:
        reports = reports.prefetch_related("events")
    with gc_paused():
        data = [request_dict(request, r, extensions) for r in reports]
        return render(request, fmt, data, "service_requests", "request")


@open311_view()
def request_detail(request, request_id, fmt):
    from ioc.feedback.selectors import public_reports

    report = _with_public_photos(public_reports()).prefetch_related("events").filter(pk=request_id).first()
    if report is None:
        raise Open311Error(404, f"No service request {request_id}")
    return render(
        request,
        fmt,
        [request_dict(request, report, request.GET.get("extensions") == "true")],
        "service_requests",
        "request",
    )


@open311_view()
def token(request, token_id, fmt):
    report = Report.objects.filter(tracking_code=token_id).first()
    if report is None:
        raise Open311Error(404, f"No request with token {token_id!r}")
    return render(
        request,
        fmt,
        [{"service_request_id": str(report.pk), "token": report.tracking_code}],
        "service_requests",
        "request",
    )


def _authenticated_key(request) -> Open311Key:
    key = request.POST.get("api_key", "")
    row = Open311Key.objects.filter(key_hash=key_hash(key), active=True).first() if key else None
    if row is None:
        raise Open311Error(403, "A valid api_key is required")
    return row


def _attributes_from(post) -> dict:
    """attribute[code]=value, and attribute[code][]=value for multi-value lists."""
    answers: dict = {}
    for name in post:
        if name.startswith("attribute[") and name.endswith("]"):
            inner = name[len("attribute[") : -1]
            if inner.endswith("]["):
                answers[inner[:-2]] = post.getlist(name)
            else:
                answers[inner] = post.get(name)
    return answers


def _location(post) -> tuple[float, float]:
    """lat/long, or (GeoReport v2 allows either) the ward or commune an address_string names."""
    from ioc.core.services.geo import place_of_address

    if post.get("lat") or post.get("long"):
        try:
            return float(post.get("lat", "")), float(post.get("long", ""))
        except ValueError:
            raise Open311Error(400, "lat and long must both be decimal degrees") from None
    address = (post.get("address_string") or "").strip()
    if address:
        place = place_of_address(address[:500])
        if place is None:
            raise Open311Error(
                400, "address_string names no ward or commune of this city: add it, or send lat and long"
            )
        return place[0], place[1]
    if post.get("address_id"):
        raise Open311Error(400, "address_id is not known to this city: send lat and long or an address_string")
    raise Open311Error(400, "a location is required: lat and long, or an address_string")


def post_request(request, fmt):

    key = _authenticated_key(request)
    post = request.POST
    category = Category.objects.filter(code=post.get("service_code", ""), active=True).first()
    if category is None:
        raise Open311Error(400, "service_code is missing or unknown")
    lat, lon = _location(post)
    media_url = post.get("media_url", "")
    if media_url and not media_url.startswith(("https://", "http://")):
        raise Open311Error(400, "media_url must be an http(s) URL")
    from ioc.core.middleware import client_address

    # One app posts for many citizens from one address: the limit is per citizen's contact, not per address.
    contact = (post.get("phone") or post.get("email") or "").strip().lower()
    if contact:
        from django_ratelimit.core import is_ratelimited

        if is_ratelimited(
            request,
            group="feedback.contact",
            key=lambda _g, _r: contact,
            rate=settings.IOC["RATE_REPORT"],
            increment=True,
        ):
            raise Open311Error(429, "Too many requests from this contact; try again later")
    name = " ".join(x for x in (post.get("first_name", ""), post.get("last_name", "")) if x)

    def submit():
        return report_services.submit_report(
            category=category,
            description=post.get("description", ""),
            lat=lat,
            lon=lon,
            address=post.get("address_string", ""),
            attributes=_attributes_from(post),
            photos=request.FILES.getlist("media"),
            reporter_name=name,
            reporter_phone=post.get("phone", ""),
            reporter_email=post.get("email", ""),
            ip=client_address(None, request),
            source=f"open311:{key.name}",
        )

    idempotency_key = request.headers.get("Idempotency-Key", "").strip()
    replayed = False
    try:
        if idempotency_key:
            if len(idempotency_key) > 100 or not idempotency_key.isprintable():
                raise Open311Error(400, "Idempotency-Key must be at most 100 printable characters")
            report, replayed = report_services.submit_once(key, idempotency_key, _fingerprint(request), submit)
        else:
            report = submit()
    except report_services.IdempotencyConflict as exc:
        raise Open311Error(422, str(exc)) from None
    except ServiceError as exc:
        raise Open311Error(400, str(exc)) from None
    if media_url and not replayed:
        report_services.add_media_url(report, media_url)
    response = render(
        request,
        fmt,
        [
            {
                "service_request_id": str(report.pk),
                "token": report.tracking_code,
                "service_notice": None,
                "account_id": None,
            }
        ],
        "service_requests",
        "request",
        status=201,
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _fingerprint(request) -> str:
    """What makes two POSTs the same request: their fields (without the api_key) and their files' bytes."""
    import hashlib

    digest = hashlib.sha256()
    for name in sorted(request.POST):
        if name != "api_key":
            digest.update(f"{name}={request.POST.getlist(name)}\n".encode())
    for upload in request.FILES.getlist("media"):
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


@open311_view(methods=("GET", "POST"))
def request_updates(request, fmt):
    """mySociety's servicerequestupdates: public updates since a time; POST adds a citizen's update."""
    if request.method == "POST":
        _authenticated_key(request)
        report = Report.objects.filter(pk=request.POST.get("service_request_id") or 0).first()
        if report is None or not request.POST.get("service_request_id", "").isdigit():
            raise Open311Error(404, "No such service_request_id")
        text = request.POST.get("description", "").strip()
        if not text or len(text) > 4000:
            raise Open311Error(400, "description is required (at most 4000 characters)")
        event = report_services.citizen_update(report, text)
        return render(
            request, fmt, [{"update_id": str(event.pk)}], "service_request_updates", "request_update", status=201
        )
    start = _parse_time(request.GET.get("start_date", ""), "start_date") or timezone.now() - timedelta(days=1)
    end = _parse_time(request.GET.get("end_date", ""), "end_date") or timezone.now()
    events = (
        Event.objects.filter(public=True, at__gte=start, at__lte=end)
        .exclude(report__status="rejected")
        .select_related("report")
        .prefetch_related("report__photos")
        .order_by("at")[:DEFAULT_LIMIT]
    )
    data = [
        {
            "update_id": str(e.pk),
            "service_request_id": str(e.report_id),
            "status": "closed" if e.to_status in CLOSED else "open",
            "updated_datetime": iso(e.at),
            "description": e.text,
            "media_url": None,
        }
        for e in events
    ]
    return render(request, fmt, data, "service_requests_updates", "request_update")


def photo(request, photo_id: int):
    """A public report photo: the re-encoded copy, never a hidden one, never of a rejected report."""
    from django.http import Http404

    from ioc.core.files import serve_file

    row = Photo.objects.select_related("report").filter(pk=photo_id, hidden=False).first()
    if row is None or row.report.status == "rejected":
        raise Http404
    return serve_file(row.image, "image/jpeg", cache="public, max-age=3600")


def edge_error(request, status: int, message: str):
    """The edge's refusals in Open311's error list (JSON or XML by the path's extension); on the citizens' pages a
    short readable text in their language."""
    if request.path.startswith("/open311/"):
        fmt = request.path.rsplit(".", 1)[-1] if "." in request.path.rsplit("/", 1)[-1] else "json"
        return error(request, fmt, status, message)
    text = {
        429: _("Too many requests from your address. Please try again in a minute."),
    }.get(status, _("The request could not be accepted: %(m)s") % {"m": message})
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
