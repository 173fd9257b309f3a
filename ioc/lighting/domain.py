"""The street-lighting domain's registration: lamp and cabinet layers, KPIs, fault alert kinds with SOPs, jobs."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, PeriodicJob


def _lamps(user, filters):
    from ioc.lighting.selectors import lamps_geojson

    return lamps_geojson(filters)


def _cabinets(user, filters):
    from ioc.lighting.selectors import cabinets_geojson

    return cabinets_geojson()


def _lamps_on(user, unit):
    from ioc.lighting.selectors import lamp_counts

    return lamp_counts(unit)["on"]


def _faulty(user, unit):
    from ioc.lighting.selectors import lamp_counts

    return lamp_counts(unit)["faulty"]


def _saving(user, unit):
    from ioc.lighting.energy import this_month

    saving = this_month()["total"]["saving"]
    return None if saving is None else round(saving * 100, 1)


def _faults():
    from ioc.lighting.services import evaluate_faults
    from ioc.sensors.selectors import current_weather

    weather = current_weather()
    return evaluate_faults(weather={**weather} if any(v is not None for v in weather.values()) else None)


def _commands():
    from ioc.lighting.commands import dispatch_due

    return dispatch_due()


LAMP_SOP = (_("Check the lamp and its controller"), _("Create a repair order for the maintenance team"))

DOMAIN = Domain(
    key="lighting",
    label=_("Street lighting"),
    icon="☀",
    layers=(
        MapLayer(key="lighting.lamps", label=_("Street lamps"), geojson_fn=_lamps, color="#d4a72c", refresh_seconds=60),
        MapLayer(key="lighting.cabinets", label=_("Lighting cabinets"), geojson_fn=_cabinets, color="#bf8700"),
    ),
    tiles=(
        KpiTile(key="lighting.on", label=_("Street lamps on"), value_fn=_lamps_on),
        KpiTile(key="lighting.faulty", label=_("Street lamps with a fault"), value_fn=_faulty),
        KpiTile(
            key="lighting.saving",
            label=_("Lighting energy saved this month"),
            value_fn=_saving,
            suffix="%",
            good_when="high",
        ),
    ),
    alert_kinds=(
        # One lamp is a repair order, not an emergency: the feed ranks it below what needs acting on now.
        AlertKind(key="lighting.out", label=_("Lamp out when it should be on"), severity="info", sop=LAMP_SOP),
        AlertKind(key="lighting.day", label=_("Lamp on in daylight"), severity="info", sop=LAMP_SOP),
        AlertKind(key="lighting.power", label=_("Lamp power far from rated"), severity="info", sop=LAMP_SOP),
        AlertKind(key="lighting.flicker", label=_("Lamp flickering"), severity="info", sop=LAMP_SOP),
        AlertKind(key="lighting.silent", label=_("Lamp not reporting"), severity="info", sop=LAMP_SOP),
        AlertKind(
            key="lighting.circuit_out",
            label=_("Whole lighting circuit out"),
            severity="major",
            sop=(_("Check the cabinet's supply and breakers"), _("Send the maintenance team to the cabinet")),
        ),
        AlertKind(
            key="lighting.cabinet",
            label=_("Lighting cabinet without power or open"),
            severity="major",
            sop=(_("Call the power company about the supply"), _("Send someone to close and check the cabinet")),
        ),
    ),
    periodic_jobs=(
        PeriodicJob(key="lighting.faults", fn=_faults, minutes=5),
        PeriodicJob(key="lighting.commands", fn=_commands, minutes=1),
    ),
    api_router="ioc.lighting.api.build_router",
    urls="ioc.lighting.urls.include_urls",
    nav_url="/dashboard/lighting/",
    simulator="ioc.lighting.simulate.run",
    mqtt="ioc.lighting.commands.mqtt_handlers",
)
