"""Words an officer reads instead of the data model's: device kinds and measured quantities in the reader's language
with their units, and a device named by its kind, short code and place — not `urn:ngsi-ld:RainGauge:LC-01`.

The NGSI-LD API keeps the standard's names; only pages, alert titles and charts use these. Kinds and quantities not
listed here show their own name.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

KINDS = {
    "RainGauge": _("Rain gauge"),
    "WaterLevelSensor": _("Stream level"),
    "SoilMoistureSensor": _("Slope soil moisture"),
    "AirQualityObserved": _("Air quality"),
    "WeatherObserved": _("Weather station"),
    "ServerRoomSensor": _("Server room"),
}

# quantity: (label, unit shown); UN/CEFACT unit codes of unlisted quantities are shown as their symbol
QUANTITIES = {
    "precipitation": (_("Rainfall"), "mm/h"),
    "rain": (_("Rainfall"), "mm/h"),
    "rainfall": (_("Rainfall"), "mm"),
    "waterLevel": (_("Water level"), "m"),
    "soilMoisture": (_("Soil moisture"), "%"),
    "tilt": (_("Tilt"), "°"),
    "pm25": ("PM2.5", "µg/m³"),
    "pm10": ("PM10", "µg/m³"),
    "temperature": (_("Temperature"), "°C"),
    "relativeHumidity": (_("Humidity"), "%"),
    "visibility": (_("Visibility"), "m"),
}
UNIT_CODES = {"MMT": "mm", "MTR": "m", "P1": "%", "DD": "°", "GQ": "µg/m³", "CEL": "°C"}


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def quantity_label(attr: str, unit_code: str = "") -> str:
    """`Rainfall (mm/h)`; an unknown quantity keeps its name, with its unit when known."""
    label, unit = QUANTITIES.get(attr, (attr, UNIT_CODES.get(unit_code, unit_code)))
    return f"{label} ({unit})" if unit else str(label)


def short_code(entity_id: str) -> str:
    """The last part of an NGSI-LD id: `LC-01` of `urn:ngsi-ld:RainGauge:LC-01`."""
    return entity_id.rsplit(":", 1)[-1]


def device_name(entity) -> str:
    """The device's own `name` when it has one, else its kind, short code and unit: `Rain gauge LC-01 · Phường Tân
    Phong`."""
    own = (entity.attrs or {}).get("name", {})
    if isinstance(own, dict) and isinstance(own.get("value"), str) and own["value"].strip():
        return own["value"].strip()[:120]
    place = f" · {entity.unit.name}" if getattr(entity, "unit", None) else ""
    return f"{kind_label(entity.type)} {short_code(entity.entity_id)}{place}"
