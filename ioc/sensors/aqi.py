"""Vietnam's air-quality index VN_AQI (Quyết định 1459/QĐ-TCMT, 2019) for PM2.5 and PM10.

AQI_x = (I_high − I_low) / (BP_high − BP_low) × (C − BP_low) + I_low over the Decision's breakpoints. Hourly
values use the NowCast of the last 12 hourly means; the overall AQI is the highest of the pollutants'.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

INDEX = [0, 50, 100, 150, 200, 300, 400, 500]
BREAKPOINTS = {
    "pm25": [0, 25, 50, 80, 150, 250, 350, 500],
    "pm10": [0, 50, 150, 250, 350, 420, 500, 600],
}
# (upper bound, name, colour) as the Decision prescribes them
LEVELS = [
    (50, _("Good"), "#00e400"),
    (100, _("Moderate"), "#ffff00"),
    (150, _("Poor"), "#ff7e00"),
    (200, _("Bad"), "#ff0000"),
    (300, _("Very bad"), "#8f3f97"),
    (500, _("Hazardous"), "#7e0023"),
]


def sub_index(pollutant: str, concentration: float) -> int:
    """The AQI of one pollutant at a concentration (µg/m³), rounded as the Decision does."""
    points = BREAKPOINTS[pollutant]
    if concentration < 0:
        raise ValueError("a concentration cannot be negative")
    if concentration >= points[-1]:
        return INDEX[-1]
    for i in range(len(points) - 1):
        if concentration <= points[i + 1]:
            low, high = points[i], points[i + 1]
            value = (INDEX[i + 1] - INDEX[i]) / (high - low) * (concentration - low) + INDEX[i]
            return int(value + 0.5)
    return INDEX[-1]


def nowcast(hourly: list[float | None]) -> float | None:
    """NowCast of hourly means, newest first (up to 12): needs 2 of the 3 latest hours."""
    recent = hourly[:12]
    if sum(v is not None for v in recent[:3]) < 2:
        return None
    values = [v for v in recent if v is not None]
    weight = min(values) / max(values) if max(values) > 0 else 1.0
    weight = max(weight, 0.5)
    numerator = sum(weight**i * v for i, v in enumerate(recent) if v is not None)
    denominator = sum(weight**i for i, v in enumerate(recent) if v is not None)
    return numerator / denominator


def level(aqi: int) -> tuple[str, str]:
    for upper, name, colour in LEVELS:
        if aqi <= upper:
            return str(name), colour
    return str(LEVELS[-1][1]), LEVELS[-1][2]


def vn_aqi(concentrations: dict[str, float]) -> dict | None:
    """The overall VN_AQI of {pollutant: concentration}: the highest sub-index, with its level and colour."""
    subs = {p: sub_index(p, c) for p, c in concentrations.items() if p in BREAKPOINTS and c is not None}
    if not subs:
        return None
    worst = max(subs, key=subs.get)
    name, colour = level(subs[worst])
    return {"aqi": subs[worst], "pollutant": worst, "level": name, "color": colour, "sub_indices": subs}
