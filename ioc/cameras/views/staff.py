"""Camera pages: the list with status and recent counts, and one camera's flow chart, hour × weekday heat map,
peak hours and (for the roles that need them) its snapshots, each view of one audited."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ioc.cameras import selectors, services
from ioc.cameras.forms import LineForm, ZoneForm
from ioc.cameras.models import Camera, CountLine, Snapshot, Zone
from ioc.core.files import serve_file
from ioc.core.forms import show_form_errors
from ioc.core.guards import staff_required
from ioc.core.models import Role
from ioc.core.permissions import require_role, role_of

# Snapshots show people: only those who act on alerts see them (Decree 13/2023 spirit).
SNAPSHOT_ROLES = {Role.ADMIN, Role.OPERATOR}
WEEKDAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")


@staff_required
def camera_list(request):
    totals = selectors.recent_totals()
    shown = selectors.visible_cameras(request.user, with_disabled=True).select_related("unit").order_by("name")
    cameras = [(c, totals.get(c.pk, 0)) for c in shown]
    can_watch = role_of(request.user) in SNAPSHOT_ROLES
    return render(request, "cameras/list.html", {"cameras": cameras, "can_watch": can_watch})


@staff_required
def camera_detail(request, pk: int):
    cameras = selectors.visible_cameras(request.user, with_disabled=True)
    camera = get_object_or_404(cameras.select_related("unit", "department"), pk=pk)
    if role_of(request.user) in SNAPSHOT_ROLES:
        services.record_view(request.user, camera, "live", request=request)
    cells = selectors.heatmap(camera)
    top = max((n for row in cells for n in row), default=0) or 1
    can_see_snapshots = role_of(request.user) in SNAPSHOT_ROLES
    return render(
        request,
        "cameras/detail.html",
        {
            "camera": camera,
            "scene": selectors.scene(camera),
            "flow": selectors.flow(camera),
            "heatmap": [(WEEKDAYS[i], [(n, round(n / top, 2)) for n in row]) for i, row in enumerate(cells)],
            "hours": range(24),
            "peaks": selectors.peak_hours(cells),
            "lines": camera.lines.order_by("pk"),
            "zones": camera.zones.order_by("pk"),
            "snapshots": camera.snapshots.order_by("-taken_at")[:12] if can_see_snapshots else None,
            "can_set_up": can_see_snapshots,
        },
    )


@staff_required
def snapshot_image(request, pk: int):
    require_role(request.user, SNAPSHOT_ROLES)
    snapshot = get_object_or_404(Snapshot, pk=pk)
    if not snapshot.image:
        raise Http404
    services.record_view(request.user, snapshot, "snapshot", request=request)
    return serve_file(snapshot.image, "image/jpeg")


@staff_required
def camera_setup(request, pk: int):
    """Operators draw counting lines (with their "in" side) and zones on the camera's latest frame."""
    require_role(request.user, SNAPSHOT_ROLES)
    camera = get_object_or_404(Camera, pk=pk)
    line_form, zone_form = LineForm(prefix="line"), ZoneForm(prefix="zone", initial={"crowd_seconds": 30})
    if request.method == "POST":
        # One page, two forms: the field names posted say which one was sent.
        posted = "line" if "line-name" in request.POST else "zone" if "zone-name" in request.POST else None
        if posted:
            form_class, add, done = {
                "line": (LineForm, services.add_line, _("Counting line added")),
                "zone": (ZoneForm, services.add_zone, _("Zone added")),
            }[posted]
            form = form_class(request.POST, prefix=posted)
            if form.is_valid():
                add(camera, **form.cleaned_data, by=request.user, request=request)
                messages.success(request, done)
                return redirect("cameras:setup", pk=pk)
            line_form, zone_form = (form, zone_form) if posted == "line" else (line_form, form)
        show_form_errors(request, line_form, zone_form)
    drawing = {
        "lines": [{"name": c.name, "points": [[c.x1, c.y1], [c.x2, c.y2]]} for c in camera.lines.order_by("pk")],
        "zones": [{"name": z.name, "points": z.points} for z in camera.zones.order_by("pk")],
    }
    return render(
        request,
        "cameras/setup.html",
        {
            "camera": camera,
            "line_form": line_form,
            "zone_form": zone_form,
            "drawing": drawing,
            "lines": camera.lines.order_by("pk"),
            "zones": camera.zones.order_by("pk"),
            "has_frame": services.live_frame_path(camera.pk).exists(),
        },
    )


@staff_required
@require_POST
def camera_setup_delete(request, pk: int, kind: str, item_pk: int):
    require_role(request.user, SNAPSHOT_ROLES)
    model = {"line": CountLine, "zone": Zone}.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(model, pk=item_pk, camera_id=pk)
    services.remove(item, by=request.user, request=request)
    messages.success(request, _("Deleted"))
    return redirect("cameras:setup", pk=pk)


@staff_required
def live_frame(request, pk: int):
    """The latest frame the worker kept; seeing it is seeing people, so the role is checked and the view logged."""
    require_role(request.user, SNAPSHOT_ROLES)
    camera = get_object_or_404(Camera, pk=pk)
    path = services.live_frame_path(camera.pk)
    if not path.exists():
        raise Http404
    services.record_view(request.user, camera, "live", request=request)
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    return response
