"""Page guards every domain's staff pages share: who may open a page at all.

What a user may see inside a page (their unit's rows only) is decided in selectors; these guards only keep out
those who may not open the page. They live in core so that no domain imports the dashboard.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from ioc.core.permissions import OPERATORS, STAFF_ROLES, require_role


def staff_required(view):
    """Logged-in staff only; anyone else gets the login page or a readable 403.

    A background HTMX poll whose session expired gets 401 and `HX-Redirect`, so the whole page goes to the login
    instead of the login form appearing inside the feed.
    """
    return roles_required(STAFF_ROLES)(view)


def operators_required(view):
    """Operators and administrators only (pages that change the city's configuration or act on devices)."""
    return roles_required(OPERATORS)(view)


def roles_required(roles):
    """Logged-in users with one of `roles`; see `staff_required`."""

    def decorator(view):
        @login_required
        def checked(request, *args, **kwargs):
            require_role(request.user, roles)
            return view(request, *args, **kwargs)

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.headers.get("HX-Request") and not request.user.is_authenticated:
                return HttpResponse(status=401, headers={"HX-Redirect": "/accounts/login/"})
            return checked(request, *args, **kwargs)

        return wrapped

    return decorator
