"""The camera wall: 1, 4, 9 or 16 cameras with their live picture, name, state and the last minute's counts.

The picture is the frame the analysis worker keeps (a JPEG refreshed every second), so the wall adds no decoding.
Seeing it is seeing people: operators and administrators only, and each camera opened on the wall is audited.
"""

from django.http import JsonResponse
from django.shortcuts import render

from ioc.cameras import selectors, services
from ioc.core.guards import roles_required
from ioc.core.models import Role

GRIDS = (1, 4, 9, 16)
operators_only = roles_required({Role.ADMIN, Role.OPERATOR})


def _shown(request) -> tuple[int, int, list]:
    """The grid size, the page and the cameras on it (online first, then by name); ?camera= opens one alone."""
    grid = int(request.GET.get("n")) if request.GET.get("n") in {str(g) for g in GRIDS} else 4
    cameras = selectors.visible_cameras(request.user).select_related("unit").order_by("status", "name")
    chosen = request.GET.get("camera")
    if chosen and chosen.isdigit():
        return 1, 1, list(cameras.filter(pk=int(chosen)))
    pages = max(1, -(-cameras.count() // grid))
    page = min(max(int(request.GET.get("page")) if (request.GET.get("page") or "").isdigit() else 1, 1), pages)
    return grid, page, list(cameras[(page - 1) * grid : page * grid])


@operators_only
def camera_wall(request):
    grid, page, cameras = _shown(request)
    for camera in cameras:
        services.record_view(request.user, camera, "live", request=request, wall=True)
    total = selectors.visible_cameras(request.user).count()
    return render(
        request,
        "cameras/wall.html",
        {
            "grid": grid,
            "grids": GRIDS,
            "page": page,
            "pages": range(1, max(1, -(-total // grid)) + 1),
            "cameras": cameras,
            "single": request.GET.get("camera"),
        },
    )


@operators_only
def camera_wall_status(request):
    """Each shown camera's state and last minute's counts, polled by the wall every few seconds."""
    ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()][:16]
    cameras = selectors.visible_cameras(request.user).filter(pk__in=ids)
    counts = selectors.last_minute_counts(ids)
    return JsonResponse(
        {
            str(c.pk): {
                "status": c.status,
                "label": str(c.get_status_display()),
                "counts": [f"{label} {n}" for label, n in counts.get(c.pk, [])],
            }
            for c in cameras
        }
    )
