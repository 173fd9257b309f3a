"""How numbers that officers read are written: coordinates as degrees north and east, in the reader's language."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def coordinates(lat, lon) -> str:
    """ "22,40500° B · 103,45500° Đ" (Vietnamese) or "22.40500° N · 103.45500° E": the separator cannot be mistaken
    for the decimal comma, and which number is which is said."""
    if lat is None or lon is None:
        return "—"
    north = _("N") if lat >= 0 else _("S")
    east = _("E") if lon >= 0 else _("W")
    return f"{number_format(abs(lat), 5)}° {north} · {number_format(abs(lon), 5)}° {east}"
