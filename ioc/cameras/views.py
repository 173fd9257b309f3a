"""Camera pages: the list with status and recent counts, and one camera's flow chart, hour × weekday heat map,
peak hours and (for the roles that need them) its snapshots, each view of one audited."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from ioc.cameras import selectors
from ioc.cameras.models import Camera, Snapshot
from ioc.core.models import Role
from ioc.core.permissions import require_role, role_of
from ioc.core.services import audit
from ioc.dashboard.views import staff_required

# Snapshots show people: only those who act on alerts see them (Decree 13/2023 spirit).
SNAPSHOT_ROLES = {Role.ADMIN, Role.OPERATOR}
WEEKDAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")


@staff_required
def camera_list(request):
    totals = selectors.recent_totals()
    cameras = [(c, totals.get(c.pk, 0)) for c in Camera.objects.select_related("unit").order_by("name")]
    return render(request, "cameras/list.html", {"cameras": cameras})


@staff_required
def camera_detail(request, pk: int):
    camera = get_object_or_404(Camera.objects.select_related("unit", "department"), pk=pk)
    cells = selectors.heatmap(camera)
    top = max((n for row in cells for n in row), default=0) or 1
    can_see_snapshots = role_of(request.user) in SNAPSHOT_ROLES
    return render(
        request,
        "cameras/detail.html",
        {
            "camera": camera,
            "flow": selectors.flow(camera),
            "heatmap": [(WEEKDAYS[i], [(n, round(n / top, 2)) for n in row]) for i, row in enumerate(cells)],
            "hours": range(24),
            "peaks": selectors.peak_hours(camera),
            "lines": camera.lines.order_by("pk"),
            "zones": camera.zones.order_by("pk"),
            "snapshots": camera.snapshots.order_by("-taken_at")[:12] if can_see_snapshots else None,
        },
    )


@staff_required
def snapshot_image(request, pk: int):
    require_role(request.user, SNAPSHOT_ROLES)
    snapshot = get_object_or_404(Snapshot, pk=pk)
    if not snapshot.image:
        raise Http404
    audit.record(request.user, "cameras.snapshot.view", snapshot, request=request, camera=snapshot.camera_id)
    return FileResponse(snapshot.image.open("rb"), content_type="image/jpeg")
