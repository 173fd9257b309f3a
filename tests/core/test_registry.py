"""The registry contract: every registered domain is complete and each of its parts works."""

from threading import Event

import pytest
from ninja import Router

from ioc.core.registry import AlertKind, Domain, KpiTile, MapLayer, Registry, RegistryError, registry


def test_the_installed_domains_are_registered():
    assert {"core", "hotline"} <= {d.key for d in registry}


@pytest.mark.parametrize("domain", list(registry), ids=lambda d: d.key)
def test_every_registration_is_complete_and_works(domain, users):
    """Labels, icons, layers that return GeoJSON, tiles that return numbers, kinds with SOPs, a router."""
    assert str(domain.label) and domain.icon
    for layer in domain.layers:
        assert str(layer.label)
        data = layer.geojson(users["operator"], None)
        assert data["type"] == "FeatureCollection" and isinstance(data["features"], list)
    for tile in domain.tiles:
        value = tile.value(users["operator"], None)
        assert value is None or isinstance(value, int | float)
        assert tile.good_when in ("low", "high")
    for kind in domain.alert_kinds:
        assert str(kind.label)
        assert kind.severity in ("info", "warning", "major", "critical")
        assert kind.sop, f"{kind.key} has no standard operating procedure"
    for hook in ("api_router", "simulator", "urls", "setup", "mqtt"):
        if getattr(domain, hook):
            assert callable(domain.hook(hook)), f"{domain.key}.{hook} does not resolve to a callable"
    if domain.api_router:
        assert isinstance(domain.hook("api_router")(), Router)
    for job in domain.periodic_jobs:
        assert job.minutes >= 1
        job.run()  # runs on an empty database without error
    if domain.simulator:
        stop = Event()
        stop.set()  # a stopped simulator returns promptly
        domain.hook("simulator")(stop)


def _domain(key="demo", **kw):
    return Domain(key=key, label="Demo", icon="*", **kw)


def test_duplicates_and_unprefixed_keys_are_refused():
    reg = Registry()
    reg.register(_domain(tiles=(KpiTile(key="demo.n", label="n", value_fn=lambda u, x: 1),)))
    with pytest.raises(RegistryError, match="already registered"):
        reg.register(_domain())
    with pytest.raises(RegistryError, match="must start with 'other.'"):
        reg.register(_domain("other", layers=(MapLayer(key="demo.x", label="x", geojson_fn=lambda u, f: {}),)))
    with pytest.raises(RegistryError, match="already registered"):
        reg.register(
            _domain(
                "third",
                alert_kinds=(AlertKind(key="third.a", label="a"), AlertKind(key="third.a", label="b")),
            )
        )
    assert [d.key for d in reg] == ["demo"]


def test_registration_items_are_frozen():
    kind = AlertKind(key="x.y", label="y")
    with pytest.raises(AttributeError):
        kind.key = "z"
    with pytest.raises(TypeError):
        AlertKind("x.y", "y")  # keyword-only
