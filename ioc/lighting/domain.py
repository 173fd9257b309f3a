"""The street-lighting domain's registration: lamp and cabinet layers, KPIs, fault alert kinds with SOPs, jobs."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, PeriodicJob

# One alert kind per lamp fault (choices.LampFault), titled for the feed.
LAMP_ALERTS = (
    ("out", _("Lamp out when it should be on")),
    ("day", _("Lamp on in daylight")),
    ("power", _("Lamp power far from rated")),
    ("flicker", _("Lamp flickering")),
    ("silent", _("Lamp not reporting")),
)
LAMP_SOP = (_("Check the lamp and its controller"), _("Create a repair order for the maintenance team"))

DOMAIN = Domain(
    key="lighting",
    label=_("Street lighting"),
    icon="☀",
    dependencies=("sensors",),  # fog and heavy rain from the weather stations change tonight's plan
    layers=(
        MapLayer(
            key="lighting.faults",
            label=_("Lamps and cabinets with a fault"),
            geojson_fn="ioc.lighting.selectors.faults_geojson",
            color="#bf3989",
            refresh_seconds=60,
            legend=(("#bf3989", _("fault")),),
        ),
        MapLayer(
            key="lighting.lamps",
            label=_("Street lamps"),
            geojson_fn="ioc.lighting.selectors.lamps_geojson",
            color="#d4a72c",
            refresh_seconds=60,
            visible=False,
            legend=(("#f2cc60", _("on")), ("#57606a", _("off")), ("#bf3989", _("fault"))),
        ),
        MapLayer(
            key="lighting.cabinets",
            label=_("Lighting cabinets"),
            geojson_fn="ioc.lighting.selectors.cabinets_geojson",
            color="#bf8700",
            visible=False,
            legend=(("#bf8700", _("working")), ("#bf3989", _("no power or door open"))),
        ),
    ),
    tiles=(
        KpiTile(key="lighting.on", label=_("Street lamps on"), value_fn="ioc.lighting.selectors.kpi_lamps_on"),
        KpiTile(
            key="lighting.faulty",
            label=_("Street lamps with a fault"),
            value_fn="ioc.lighting.selectors.kpi_lamps_faulty",
        ),
        KpiTile(
            key="lighting.saving",
            label=_("Lighting energy saved this month"),
            value_fn="ioc.lighting.selectors.kpi_energy_saving_pct",
            suffix="%",
            good_when="high",
        ),
    ),
    alert_kinds=(
        # Lamp, circuit and cabinet alerts end by themselves when the fault is gone (evaluate_faults).
        # One lamp is a repair order, not an emergency: the feed ranks it below what needs acting on now.
        *(
            AlertKind(key=f"lighting.{fault}", label=label, severity="info", sop=LAMP_SOP, clears="condition")
            for fault, label in LAMP_ALERTS
        ),
        AlertKind(
            key="lighting.circuit_out",
            label=_("Whole lighting circuit out"),
            severity="major",
            sop=(_("Check the cabinet's supply and breakers"), _("Send the maintenance team to the cabinet")),
            clears="condition",
        ),
        AlertKind(
            key="lighting.cabinet",
            label=_("Lighting cabinet without power or open"),
            severity="major",
            sop=(_("Call the power company about the supply"), _("Send someone to close and check the cabinet")),
            clears="condition",
        ),
    ),
    periodic_jobs=(
        PeriodicJob(key="lighting.faults", fn="ioc.lighting.tasks.evaluate_faults_now", minutes=5),
        PeriodicJob(key="lighting.commands", fn="ioc.lighting.commands.dispatch_due", minutes=1),
    ),
    api_router="ioc.lighting.api.build_router",
    urls="ioc.lighting.urls.include_urls",
    nav_url="/dashboard/lighting/",
    simulator="ioc.lighting.simulate.run",
    mqtt="ioc.lighting.commands.mqtt_handlers",
    commands="ioc.lighting.cli.add_commands",
)
