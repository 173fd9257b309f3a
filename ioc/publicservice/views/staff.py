"""The public-service pages: the dashboard (KPIs, 766 indicators, ranking, trend), late files with apology
letters, imports with a progress bar, and the report for any period."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ioc.core.guards import staff_required
from ioc.core.models import AdministrativeUnit, Role
from ioc.core.permissions import OPERATORS, has_role, require_role
from ioc.core.registry import registry
from ioc.core.selectors import scope_label
from ioc.publicservice import indicators, selectors, services
from ioc.publicservice.models import ImportRun, Procedure, ServiceFile

MAX_IMPORT_BYTES = 200 * 1024 * 1024
IMPORT_TYPES = (".csv", ".xlsx", ".txt")


def _period(request) -> tuple[date, date]:
    end = parse_date(request.GET.get("to") or "") or timezone.localdate()
    start = parse_date(request.GET.get("from") or "") or date(end.year, 1, 1)
    if start > end:
        start = end
    return start, end


def _filters(request) -> dict:
    unit = (
        AdministrativeUnit.objects.filter(pk=request.GET.get("unit") or 0).first()
        if (request.GET.get("unit") or "").isdigit()
        else None
    )
    agency = request.GET.get("agency") or None
    # Officers see their own figures: a ward officer their ward's files, a department officer the files it handles.
    profile = getattr(request.user, "profile", None)
    if has_role(request.user, Role.WARD_OFFICER):
        unit = profile.unit
    elif has_role(request.user, Role.DEPARTMENT_OFFICER):
        agency = profile.department.name if profile.department_id else "—"
    return {"unit": unit, "agency": agency, "field": request.GET.get("field") or None}


@staff_required
def dashboard(request):
    start, end = _period(request)
    filters = _filters(request)
    result = indicators.compute(start, end, **filters)
    return render(
        request,
        "publicservice/dashboard.html",
        {
            "start": start,
            "end": end,
            "filters": filters,
            "result": result,
            "kpi": selectors.kpi(filters["unit"], request.user),
            "scope": scope_label(request.user),
            "ranking": selectors.agency_ranking(start, end)[:15],
            "trend": selectors.monthly_trend(),
            "units": AdministrativeUnit.objects.filter(level__in=["ward", "commune"]).order_by("name"),
            "agencies": ServiceFile.objects.values_list("agency", flat=True).distinct().order_by("agency")[:200],
            "fields": Procedure.objects.values_list("field", flat=True).distinct().order_by("field"),
            "query": request.GET.urlencode(),
        },
    )


def _with_links(files, user) -> list:
    """Each file with what other domains offer on it (a leader's "give a direction")."""
    files = list(files)
    for f in files:
        f.links = registry.subject_links("file", f.code, user)
    return files


@staff_required
def late(request):
    filters = _filters(request)
    return render(
        request,
        "publicservice/late.html",
        {"files": _with_links(selectors.late_files(request.user, **filters), request.user), "filters": filters},
    )


@staff_required
def letter(request, code: str):
    """The apology letter for a late file; the new appointment is N working days from today."""
    file = get_object_or_404(selectors.visible_files(request.user).select_related("procedure"), code=code)
    days = int(request.GET.get("days") or 3) if (request.GET.get("days") or "3").isdigit() else 3
    reason = (request.GET.get("reason") or _("The file needs further verification")).strip()[:500]
    pdf = services.apology_letter(file, max(1, min(days, 60)), reason, by=request.user, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="xin-loi-{code}.pdf"'
    return response


@staff_required
def report(request, fmt: str):
    start, end = _period(request)
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    body, kind = services.export_report(start, end, fmt, by=request.user, request=request)
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-tthc-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"'
    return response


@staff_required
def import_page(request):
    require_role(request.user, OPERATORS)
    return render(request, "publicservice/import.html", {"runs": ImportRun.objects.all()[:10]})


@staff_required
@require_POST
def import_upload(request):
    """Accept the upload, store it, and queue the import; the page polls the run for progress."""
    require_role(request.user, OPERATORS)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"message": _("Choose a CSV or XLSX file")}, status=400)
    if not upload.name.lower().endswith(IMPORT_TYPES):
        return JsonResponse({"message": _("Only CSV or XLSX files can be imported")}, status=400)
    if upload.size > MAX_IMPORT_BYTES:
        return JsonResponse({"message": _("The file is larger than 200 MB")}, status=413)
    run = services.queue_import(
        upload,
        "procedures" if request.POST.get("kind") == "procedures" else "files",
        all_or_nothing=request.POST.get("all_or_nothing") == "1",
        by=request.user,
        request=request,
    )
    return JsonResponse({"run": run.pk, "status_url": f"/dashboard/publicservice/import/{run.pk}/"})


@staff_required
def import_status(request, pk: int):
    require_role(request.user, OPERATORS)  # the refused rows name files and reasons: for those who import
    run = get_object_or_404(ImportRun, pk=pk)
    return JsonResponse(
        {
            "state": run.state,
            "rows": run.total_rows,
            "created": run.created,
            "updated": run.updated,
            "applied": run.applied,
            "refused_count": run.refused_count,
            "refused": run.refused[:200],
            "error": run.error,
            "all_or_nothing": run.all_or_nothing,
        }
    )
