from ioc.core.models import City
from ioc.core.permissions import role_of


def city(request) -> dict:
    """The city's name, the user's role and unread notifications, for every template."""
    user = getattr(request, "user", None)
    unread = user.notifications.filter(read_at__isnull=True).count() if user and user.is_authenticated else 0
    from ioc.core.registry import registry

    nav = [(d.label, d.nav_url) for d in registry if d.nav_url]
    return {"city": City.objects.first(), "user_role": role_of(user), "unread_notifications": unread, "domain_nav": nav}
