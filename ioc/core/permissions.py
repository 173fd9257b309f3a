"""Who may see and do what. Object-level scope is enforced in selectors through `scope_filter`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from ioc.core.models import Role

# Whose reads cover the whole city (scope only: what a role may open is decided by the guards).
CITY_WIDE = {Role.ADMIN, Role.LEADER, Role.OPERATOR, Role.WALL}
OPERATORS = {Role.ADMIN, Role.OPERATOR}
STAFF_ROLES = {Role.ADMIN, Role.LEADER, Role.OPERATOR, Role.DEPARTMENT_OFFICER, Role.WARD_OFFICER}
# Who may open the big-screen wall: its own view-only account, and those who watch the city as a whole.
WALL_ROLES = {Role.WALL, Role.OPERATOR, Role.LEADER, Role.ADMIN}
# Who may read the live feed and the map layers: staff, and the wall.
VIEWERS = STAFF_ROLES | {Role.WALL}


def role_of(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def has_role(user, *roles) -> bool:
    return role_of(user) in roles


def require_role(user, roles, message="You do not have permission for this.") -> None:
    if role_of(user) not in roles:
        raise PermissionDenied(message)


def scope_filter(user, *, unit_field: str = "unit", department_field: str = "department") -> Q | None:
    """A filter limiting rows to the user's scope; None means city-wide; Q(pk__in=[]) means nothing.

    Department officers see their department's rows; ward officers see rows of their unit and of every
    older unit that rolls up into it (a 2024 record of Quyết Tiến belongs to today's Đoàn Kết).
    """
    role = role_of(user)
    if role in CITY_WIDE:
        return None
    profile = getattr(user, "profile", None)
    if role == Role.DEPARTMENT_OFFICER and profile.department_id:
        return Q(**{f"{department_field}_id": profile.department_id})
    if role == Role.WARD_OFFICER and profile.unit_id:
        from ioc.core.services.geo import units_rolling_up_to

        return Q(**{f"{unit_field}_id__in": units_rolling_up_to(profile.unit)})
    return Q(pk__in=[])


def apply_scope(queryset, user, **fields):
    condition = scope_filter(user, **fields)
    return queryset if condition is None else queryset.filter(condition)


def check_in_scope(queryset, user, obj, **fields) -> None:
    if not apply_scope(queryset.filter(pk=obj.pk), user, **fields).exists():
        raise PermissionDenied("This record belongs to another unit or department.")
