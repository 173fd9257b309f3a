"""The media pages: stories the keyword sets found (with their reach and why they matched), one article, an
officer's link, and the sources with their health."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ioc.core.choices import Role
from ioc.core.guards import staff_required
from ioc.core.permissions import OPERATORS, has_role, require_role
from ioc.media import importer, selectors, services, tone
from ioc.media.choices import HarmType, Tone
from ioc.media.models import Article

# Who reads the media pages: the IOC, the leaders, and departments (their own keyword sets). Wards have none.
MEDIA_ROLES = OPERATORS | {Role.LEADER, Role.DEPARTMENT_OFFICER}
LABELLERS = OPERATORS | {Role.DEPARTMENT_OFFICER}  # those who work the posts; leaders read


@staff_required
def dashboard(request):
    require_role(request.user, MEDIA_ROLES)
    visible = selectors.visible_sets(request.user)
    chosen = None
    if (request.GET.get("set") or "").isdigit():
        chosen = get_object_or_404(visible, pk=request.GET["set"])
    days = 30 if request.GET.get("days") == "30" else 7
    return render(
        request,
        "media/dashboard.html",
        {
            "volumes": selectors.set_volumes(request.user, days=days),
            "stories": selectors.stories(request.user, keyword_set=chosen, days=days),
            "chosen": chosen,
            "days": days,
            "can_see_sources": has_role(request.user, *OPERATORS),
            "report_periods": [("day", _("day")), ("week", _("week")), ("month", _("month"))],
        },
    )


@staff_required
def article(request, pk: int):
    require_role(request.user, MEDIA_ROLES)
    found = get_object_or_404(Article.objects.select_related("source", "duplicate_of"), pk=pk)
    if not selectors.can_read(request.user, found):
        raise Http404
    mentions = selectors.mentions_of(request.user, found)
    services.record_read(request.user, found, request=request)
    verdict = tone.classify(found.title, found.text)
    return render(
        request,
        "media/article.html",
        {
            "article": found,
            "mentions": mentions,
            "copies": found.copies.order_by("published_at"),
            "nearest": verdict.nearest,
            "tones": Tone.choices,
            "harms": HarmType.choices,
            "can_label": has_role(request.user, *LABELLERS),
            "labels": found.labels.select_related("user").order_by("-created_at")[:5],
        },
    )


@require_POST
@staff_required
def label(request, pk: int):
    """An officer's tone and harm for an article: it overrides the classifier and teaches it."""
    require_role(request.user, LABELLERS)
    found = get_object_or_404(Article, pk=pk)
    if not selectors.can_read(request.user, found):
        raise Http404
    try:
        services.label_article(
            request.user, found, tone_value=request.POST.get("tone", ""), harm=request.POST.get("harm", "")
        )
    except services.MediaError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved. The classifier learns from it."))
    return redirect("media:article", pk=found.pk)


@require_POST
@staff_required
def submit(request):
    require_role(request.user, MEDIA_ROLES)
    try:
        result = services.submit_link(request.user, request.POST.get("url", ""))
    except services.MediaError as error:
        messages.error(request, str(error))
        return redirect("media:dashboard")
    if result.created:
        messages.success(request, _("The article was collected: %(title)s") % {"title": result.article.title})
    else:
        messages.info(request, _("Already collected: %(title)s") % {"title": result.article.title})
    return redirect("media:article", pk=result.article.pk)


@staff_required
def sources(request):
    require_role(request.user, OPERATORS)
    from ioc.media import platforms

    return render(
        request,
        "media/sources.html",
        {
            "sources": selectors.sources(),
            "youtube": {"used": platforms.youtube_used(), "budget": platforms.youtube_budget()},
        },
    )


@staff_required
def report(request, period: str, fmt: str):
    require_role(request.user, MEDIA_ROLES)
    if period not in ("day", "week", "month") or fmt not in ("pdf", "xlsx"):
        raise Http404
    body, kind = services.export_report(request.user, period, fmt, request=request)
    response = HttpResponse(body, content_type=kind)
    stamp = timezone.localdate()
    response["Content-Disposition"] = f'attachment; filename="bao-cao-bao-chi-{period}-{stamp:%Y%m%d}.{fmt}"'
    return response


@staff_required
def import_page(request):
    """Import another tool's export (CSV, XLSX, JSON); the result says what came in and which lines were refused."""
    require_role(request.user, OPERATORS)
    result, problem = None, None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problem = _("Choose a CSV, XLSX or JSON file")
        elif upload.size > importer.MAX_BYTES:
            problem = _("The file is larger than %(n)s MB") % {"n": importer.MAX_BYTES // 1024 // 1024}
        else:
            try:
                result = importer.import_file(request.user, upload.read(), upload.name)
            except importer.ImportError_ as error:
                problem = str(error)
    status = 400 if problem else 200
    return render(
        request,
        "media/import.html",
        {"result": result, "problem": problem, "mappings": importer.MAPPINGS},
        status=status,
    )
