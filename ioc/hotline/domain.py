"""The hotline domain's registration: its layer, tile, alert kinds with SOPs, API and simulator."""

from django.utils.translation import gettext_lazy as _

from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer
from ioc.hotline.models import Call
from ioc.hotline.services import SEVERITY

# Calls where lives may be at risk are answered first whatever their severity.
LIVES_AT_RISK = {Call.Topic.FIRE, Call.Topic.LANDSLIDE, Call.Topic.MEDICAL}

SOPS = {
    Call.Topic.FIRE: (
        _("Call the fire and rescue team (114) and confirm dispatch"),
        _("Alert the ward's police"),
        _("Check cameras near the location"),
        _("Notify the ward chairman"),
    ),
    Call.Topic.LANDSLIDE: (
        _("Send the ward's response team to close the road"),
        _("Warn residents nearby"),
        _("Ask the environment department to assess the slope"),
    ),
    Call.Topic.ACCIDENT: (
        _("Confirm injuries; call 115 if needed"),
        _("Dispatch traffic police"),
        _("Check the junction camera"),
    ),
    Call.Topic.MEDICAL: (
        _("Confirm 115 has dispatched an ambulance"),
        _("Keep the caller on the line until it arrives"),
    ),
}


DOMAIN = Domain(
    key="hotline",
    label=_("Hotline"),
    icon="☎",
    layers=(
        MapLayer(
            key="hotline.calls",
            label=_("Calls (24 h)"),
            geojson_fn="ioc.hotline.selectors.calls_geojson",
            color="#8250df",
            visible=False,
            refresh_seconds=30,
        ),
    ),
    tiles=(
        KpiTile(
            key="hotline.calls_today",
            label=_("Calls today"),
            value_fn="ioc.hotline.selectors.calls_today",
            good_when="low",
        ),
    ),
    alert_kinds=tuple(
        AlertKind(
            key=f"hotline.{topic.value}",
            label=topic.label,
            severity=severity,
            sop=SOPS.get(topic, (_("Confirm the report with the caller"), _("Assign the responsible department"))),
            group_by="place",  # several people calling about one fire are one alert with a count
            boost=1 if topic in LIVES_AT_RISK else 0,
        )
        for topic, severity in SEVERITY.items()
    ),
    api_router="ioc.hotline.api.build_router",
    # A call can become a citizen report (the intake screen): the hotline writes through the feedback domain.
    dependencies=("feedback",),
    urls="ioc.hotline.urls.include_urls",
    nav_url="/dashboard/hotline/",
    simulator="ioc.hotline.simulate.run",
)
