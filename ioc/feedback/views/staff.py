"""The officers' workspace: the inbox of their unit or department, one report with its actions, statistics."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ioc.core.files import serve_file
from ioc.core.forms import show_form_errors
from ioc.core.guards import staff_required
from ioc.core.permissions import OPERATORS, has_role, require_role, role_of
from ioc.core.registry import registry
from ioc.core.services import audit
from ioc.core.services.alerts import ServiceError
from ioc.core.tabular import SafeCsvWriter, append_safe
from ioc.core.text import fold
from ioc.feedback import selectors, services
from ioc.feedback.forms import ActionForm
from ioc.feedback.models import Photo, ReplyTemplate, Report, Status
from ioc.feedback.workflow import RUNNING, action_labels, allowed_actions


@staff_required
def inbox(request):
    """Reports in the officer's scope, by status; overdue ones first."""
    reports = selectors.visible_reports(request.user)
    status = request.GET.get("status") or "open"
    if status == "open":
        reports = reports.filter(status__in=RUNNING)
    elif status == "overdue":
        reports = reports.filter(status__in=RUNNING, due_at__lt=timezone.now())
    elif status in Status.values:
        reports = reports.filter(status=status)
    if q := request.GET.get("q", "").strip():
        reports = reports.filter(search_text__contains=fold(q))  # 'den duong' finds 'Đèn đường'
    reports = reports.order_by("due_at", "-submitted_at")[:200]
    return render(
        request,
        "feedback/inbox.html",
        {
            "reports": reports,
            "status": status,
            "statuses": Status.choices,
            "now": timezone.now(),
            "q": q,
        },
    )


@staff_required
def staff_photo(request, photo_id: int):
    """A report's photo for the staff who may see the report — hidden ones included, never the public's."""
    photo = get_object_or_404(Photo.objects.filter(report__in=selectors.visible_reports(request.user)), pk=photo_id)
    return serve_file(photo.image, "image/jpeg")


@staff_required
def detail(request, pk: int):
    report = get_object_or_404(selectors.visible_reports(request.user).prefetch_related("photos"), pk=pk)
    role = role_of(request.user)
    labels = {**action_labels(), **_event_labels()}
    templates = ReplyTemplate.objects.filter(Q(department__isnull=True) | Q(department=report.department))
    return render(
        request,
        "feedback/staff_detail.html",
        {
            "report": report,
            "events": [(e, labels.get(e.action, e.action)) for e in report.events.select_related("actor")],
            "photos": report.photos.all(),
            "answers": selectors.answers(report),
            "panels": registry.subject_panels("report", report.pk, request.user),
            "reporter": selectors.reporter_for(report, request.user, request),
            "actions": [(a, action_labels()[a]) for a in allowed_actions(report.status, role)],
            "form": ActionForm(initial={"department": report.department}),
            "templates": templates,
            "overdue": selectors.is_overdue(report),
            "is_operator": has_role(request.user, *OPERATORS),
        },
    )


@staff_required
@require_POST
def act(request, pk: int, action: str):
    report = get_object_or_404(selectors.visible_reports(request.user), pk=pk)
    form = ActionForm(request.POST, request.FILES)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("feedback:staff_detail", pk=pk)
    data = form.cleaned_data
    fields = {"department": data["department"], "working_days": data["working_days"], "photos": data["photos"]}
    if data["duplicate_of"]:
        fields["duplicate_of"] = Report.objects.filter(pk=data["duplicate_of"]).first()
    try:
        if action in ("note", "reply"):
            services.add_note(report, request.user, data["text"], public=action == "reply")
        else:
            services.transition(report, request.user, action, text=data["text"], **fields)
            messages.success(request, _("Done: %(a)s") % {"a": action_labels().get(action, action)})
    except (ServiceError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    return redirect("feedback:staff_detail", pk=pk)


@staff_required
@require_POST
def moderate(request, pk: int):
    require_role(request.user, OPERATORS)  # refused plainly (403), not as a message after a redirect
    report = get_object_or_404(selectors.visible_reports(request.user), pk=pk)
    try:
        if "ban" in request.POST:
            services.ban_sender(report, request.user, request.POST.get("reason", ""))
            messages.success(request, _("The sender can no longer send reports."))
        elif photo_id := request.POST.get("hide_photo"):
            services.moderate(report, request.user, hide_photo=get_object_or_404(Photo, pk=photo_id, report=report))
        else:
            services.moderate(report, request.user, description=request.POST.get("description"))
    except (ServiceError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    return redirect("feedback:staff_detail", pk=pk)


@staff_required
def stats(request):
    """Received, on time %, overdue, average resolution time, satisfaction % by category, unit, department, month."""
    group = request.GET.get("by") or "category"
    if group not in ("category", "unit", "department", "month"):
        group = "category"
    reports = selectors.visible_reports(request.user)
    rows = selectors.statistics(reports, group)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        audit.record_export(request.user, "feedback.report", request=request, by=group, format=fmt)
        return _export(rows, group, fmt)
    return render(
        request, "feedback/stats.html", {"rows": rows, "total": selectors.statistics(reports)[0], "group": group}
    )


def _event_labels() -> dict:
    return {
        "submitted": _("Submitted"),
        "note": _("Internal note"),
        "reply": _("Public reply"),
        "rated": _("Rated"),
        "moderated": _("Moderated"),
        "citizen_update": _("Citizen's update"),
        "media_url": _("Media link"),
    }


HEADERS = ["group", "received", "resolved", "on_time_pct", "overdue", "avg_resolution_hours", "satisfaction_pct"]


def _header_labels(group: str) -> list[str]:
    return [
        {"category": _("Category"), "unit": _("Unit"), "department": _("Department"), "month": _("Month")}[group],
        _("Received"),
        _("Resolved"),
        _("On time %"),
        _("Overdue"),
        _("Average resolution (hours)"),
        _("Satisfied %"),
    ]


def _export(rows: list[dict], group: str, fmt: str) -> HttpResponse:
    name = f"phan-anh-{group}-{timezone.localdate():%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response.write("\ufeff")
        writer = SafeCsvWriter(response)
        writer.writerow(_header_labels(group))
        for row in rows:
            writer.writerow([row[h] for h in HEADERS])
        return response
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Statistics")[:31]
    append_safe(sheet, _header_labels(group))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_safe(sheet, [row[h] for h in HEADERS])
    sheet.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
