"""The dashboard's own writes: what the user keeps on their KPI strip."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ioc.core.registry import registry
from ioc.core.services.alerts import ServiceError


def save_tiles(user, keys: list[str]) -> None:
    """Keep these tiles on the user's strip, in registry order; none means the role's default."""
    known = [tile.key for tile in registry.tiles()]
    unknown = set(keys) - set(known)
    if unknown:
        raise ServiceError(_("Unknown figure: %(k)s") % {"k": ", ".join(sorted(unknown))})
    user.profile.kpi_tiles = [key for key in known if key in keys]
    user.profile.save(update_fields=["kpi_tiles"])
