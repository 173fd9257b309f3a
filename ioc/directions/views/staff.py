"""Direction pages: the lists, giving a direction, and one direction's timeline with the actions of each side.
Thin: reads through selectors, writes through services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ioc.core.files import serve_attachment
from ioc.core.forms import show_form_errors
from ioc.core.guards import staff_required
from ioc.core.permissions import has_role
from ioc.core.services.alerts import ServiceError
from ioc.directions import forms, selectors, services
from ioc.directions.subjects import resolve_subject

TABS = (
    ("open", gettext_lazy("In progress")),
    ("reported", gettext_lazy("Waiting for acceptance")),
    ("overdue", gettext_lazy("Overdue")),
    ("done", gettext_lazy("Done")),
)


@staff_required
def direction_list(request):
    tab = request.GET.get("tab") if request.GET.get("tab") in dict(TABS) else "open"
    return render(
        request,
        "directions/list.html",
        {
            "tab": tab,
            "tabs": TABS,
            "directions": selectors.listing(request.user, tab),
            "can_issue": has_role(request.user, *services.ISSUERS),
            "now": timezone.now(),
        },
    )


@staff_required
def direction_new(request):
    if not has_role(request.user, *services.ISSUERS):
        raise PermissionDenied(_("Only leaders and the operators acting for them give directions."))
    subject = request.GET.get("subject") or request.POST.get("subject") or ""
    found = None
    if subject:
        try:
            found = resolve_subject(subject, request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            subject = ""
    form = forms.DirectionForm(
        request.POST or None, user=request.user, initial={"subject": subject, "title": found.label if found else ""}
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                direction = services.issue(
                    request.user,
                    title=data["title"],
                    instruction=data["instruction"],
                    lead=forms.units_from(data["lead"]),
                    support=forms.units_from(data["support"]),
                    working_days=data["working_days"],
                    hours=data["hours"],
                    priority=data["priority"],
                    subject=data["subject"],
                    on_behalf_of=data.get("on_behalf_of"),
                )
            except ServiceError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The direction was issued to the units"))
                return redirect("directions:detail", pk=direction.pk)
        else:
            show_form_errors(request, form)
    return render(request, "directions/new.html", {"form": form, "subject": found})


@staff_required
def direction_detail(request, pk: int):
    direction = get_object_or_404(selectors.visible_directions(request.user), pk=pk)
    mine = services.my_targets(request.user, direction)
    return render(
        request,
        "directions/detail.html",
        {
            "direction": direction,
            "targets": direction.targets.select_related("department", "ward"),
            "events": direction.events.select_related("actor", "target__department", "target__ward"),
            "mine": mine,
            "is_open": direction.status in services.OPEN,
            "can_decide": has_role(request.user, *services.ISSUERS),
            "report_form": forms.ReportForm(),
            "decision_form": forms.DecisionForm(),
            "now": timezone.now(),
        },
    )


@staff_required
@require_POST
def direction_action(request, pk: int, action: str):
    """acknowledge, progress, done (the units); accept, return (the leader's side)."""
    direction = get_object_or_404(selectors.visible_directions(request.user), pk=pk)
    form_class = forms.ReportForm if action in ("progress", "done") else forms.DecisionForm
    form = form_class(request.POST, request.FILES)
    if action not in ("acknowledge", "progress", "done", "accept", "return"):
        raise Http404
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("directions:detail", pk=pk)
    data = form.cleaned_data
    try:
        if action == "acknowledge":
            services.acknowledge(request.user, direction)
        elif action in ("progress", "done"):
            services.report(request.user, direction, data["text"], upload=data.get("file"), done=action == "done")
        elif action == "accept":
            services.accept(request.user, direction, data["text"])
        else:
            services.send_back(request.user, direction, data["text"], working_days=data["working_days"])
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("directions:detail", pk=pk)


@staff_required
def direction_attachment(request, pk: int, event_pk: int):
    """A report's photo or file, for those who see the direction; each read audited."""
    direction = get_object_or_404(selectors.visible_directions(request.user), pk=pk)
    event = services.open_attachment(direction, event_pk, request.user, request)
    if event is None:
        raise Http404
    return serve_attachment(event.attachment)
