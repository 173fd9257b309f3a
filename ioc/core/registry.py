"""The domain registry: how a domain app plugs into the operations center.

Each domain app builds one `Domain` in its `apps.py` and registers it in `AppConfig.ready()`, like a
Home Assistant integration's manifest. The dashboard, the API root, the alert engine, the demo and the
reports iterate over `registry`; none of them imports a domain by name. Keys are global and
prefixed with the domain key (`hotline.calls`), and duplicates are refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from functools import cache
from threading import Event
from typing import Any

from django.utils.functional import Promise

Hook = Callable | str  # the function itself, or its dotted path ("ioc.sensors.selectors.devices_geojson")


class RegistryError(ValueError):
    """A registration is incomplete or collides with another."""


@cache
def _import(path: str) -> Callable:
    from django.utils.module_loading import import_string

    return import_string(path)


def resolve(hook: Hook | None) -> Callable | None:
    """A hook as a callable: a dotted path is imported when first used, so a domain's manifest imports nothing."""
    return _import(hook) if isinstance(hook, str) else hook


@dataclass(frozen=True, kw_only=True)
class MapLayer:
    """A GeoJSON layer of the live map. `geojson_fn(user, filters)` returns a FeatureCollection dict."""

    key: str
    label: str | Promise
    geojson_fn: Hook
    color: str = "#1f6feb"
    cluster: bool = True
    heat: bool = False
    refresh_seconds: int = 30
    # On when the map opens: what needs attention (alerts, faults). Healthy assets are off until switched on.
    visible: bool = True
    # What the point colours mean: (colour, label) pairs shown under the layer's name in the map's layer list.
    legend: tuple[tuple[str, str | Promise], ...] = ()

    def geojson(self, user, filters) -> dict:
        return resolve(self.geojson_fn)(user, filters)


@dataclass(frozen=True, kw_only=True)
class KpiTile:
    """A number on the KPI strip. `value_fn(user, unit)` returns a number (unit may be None = whole city)."""

    key: str
    label: str | Promise
    value_fn: Hook
    suffix: str = ""
    good_when: str = "low"  # "low" or "high": which direction is good, for colouring
    # The same figure for the period before (a rate over 30 days: the 30 days before those), for the change a leader
    # reads beside it; None when the figure is a count of now.
    previous_fn: Hook | None = None

    def value(self, user, unit) -> float | int | None:
        return resolve(self.value_fn)(user, unit)

    def previous(self, user, unit) -> float | int | None:
        return resolve(self.previous_fn)(user, unit) if self.previous_fn else None


@dataclass(frozen=True, kw_only=True)
class AlertKind:
    """A kind of alert a domain raises, with its default severity and standard operating procedure.

    `clears` says how the alert ends when nobody closes it: "condition" — the domain resolves it through
    `ioc.core.services.alerts.resolve_condition` when its condition stops (a reading back under its threshold, a
    camera back online); "manual" — only a person closes it (a citizen's urgent report).

    `group_by` says which repeats fold into one alert with a count: "source" — the same object (one sensor, one
    lamp); "place" — the same spot, about 100 m (several citizens reporting one landslide). `boost` raises the
    priority of a kind that cannot wait whatever its severity (a landslide, an urgent call), by one step each.
    """

    key: str
    label: str | Promise
    severity: str = "warning"
    sop: tuple[str | Promise, ...] = ()
    clears: str = "manual"
    group_by: str = "source"
    boost: int = 0


@dataclass(frozen=True, kw_only=True)
class PeriodicJob:
    """A job the background worker runs on a schedule: every `minutes`, or daily `at` "HH:MM" (Vietnam time)."""

    key: str
    fn: Hook
    minutes: int = 1
    at: str | None = None

    def run(self) -> Any:
        return resolve(self.fn)()


@dataclass(frozen=True, kw_only=True)
class Domain:
    """Everything one domain contributes."""

    key: str
    label: str | Promise
    icon: str
    # Domains this one reads from (their selectors/services); registration fails when one is missing.
    dependencies: tuple[str, ...] = ()
    layers: tuple[MapLayer, ...] = ()
    tiles: tuple[KpiTile, ...] = ()
    alert_kinds: tuple[AlertKind, ...] = ()
    # Hooks are callables or dotted paths ("ioc.feedback.api.build_router"), imported only when used (`hook()`).
    api_router: Hook | None = None  # () -> a ninja Router, mounted at /api/<key>/
    simulator: Hook | None = None  # (threading.Event) -> None, runs until the event is set
    periodic_jobs: tuple[PeriodicJob, ...] = ()
    nav_url: str | None = None  # the domain's staff workspace, linked in the navigation
    citizen_url: str | None = None  # where a signed-in citizen lands (their own reports)
    urls: Hook | None = None  # () -> the domain's own pages (URL patterns mounted at the site root)
    setup: Hook | None = None  # () -> None: creates the domain's default configuration when missing (demo)
    # MQTT topics the ingest worker also serves: returns {topic filter: handler(list of (topic, payload bytes))
    # -> [(index, reason)] refused}; refused messages go to the dead-letter table.
    mqtt: Hook | None = None
    # `ioc <key> ...`: (argparse subparsers, common parent parser) -> None; adds the domain's own subcommands,
    # each with `set_defaults(func=...)`. The CLI names no domain.
    commands: Hook | None = None
    # Long-running processes production runs beside the web and the workers (`ioc cluster`, systemd): name ->
    # `ioc` arguments, e.g. {"cameras": ("cameras", "worker")}.
    processes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Paths outside /api/ that anonymous callers reach (a standard API, public pages): they get the public rate
    # limit, and the edge's refusals (429, and 400 for NUL characters or over-deep JSON) come in the format
    # `edge_error(request, status, message)` returns — the standard's own error format — or as core's JSON.
    public_paths: tuple[str, ...] = ()
    edge_error: Hook | None = None
    # The domain's board on the big-screen wall: (user) -> list of lines shown under its KPI tiles and its newest
    # open alerts (every domain gets a board from those two; this adds what only the domain knows).
    board: Hook | None = None
    # A panel on another domain's record page — (kind, key, user) -> HTML, "" for none — e.g. the directions given
    # on an incident, an alert, a citizen report ("incident", "alert", "report", "file").
    subject_panel: Hook | None = None
    # A link in a list of records — (kind, key, user) -> (label, url) or None — e.g. "give a direction" on a late file.
    subject_link: Hook | None = None
    # What needs a leader's attention now in this domain: (user) -> [{"title", "url", "note"}] (escalated incidents,
    # overdue directions…), listed on the leader's first screen.
    attention: Hook | None = None
    # An officer's own queue in this domain: (user) -> [{"title", "url", "due_at", "what"}], the open work of their
    # unit or assigned to them by name, listed with its deadline on their "my work" page.
    work: Hook | None = None
    # Lines for the leaders' briefing: (user, since, until) -> [str], what happened in the domain in the period.
    briefing: Hook | None = None
    # A panel on the leader's page: (user) -> HTML ("" for none), e.g. directions by unit.
    leader_panel: Hook | None = None

    def hook(self, name: str) -> Callable | None:
        """A hook as a callable, importing it if it was given as a dotted path."""
        return resolve(getattr(self, name))

    extra: dict = field(default_factory=dict)


class Registry:
    """Domains by key, and every layer, tile, alert kind and job by its global key."""

    def __init__(self) -> None:
        self._domains: dict[str, Domain] = {}
        self._keys: dict[str, str] = {}

    def domain_for_path(self, path: str) -> Domain | None:
        """The domain that declared a public path this request path falls under."""
        for domain in self._domains.values():
            if any(path.startswith(prefix) for prefix in domain.public_paths):
                return domain
        return None

    def register(self, domain: Domain) -> Domain:
        """Add a domain; refuses a duplicate domain or item key, or an item not prefixed with the domain."""
        if not domain.key or not domain.key.isidentifier():
            raise RegistryError(f"domain key {domain.key!r} must be an identifier")
        if domain.key in self._domains:
            raise RegistryError(f"domain {domain.key!r} is already registered")
        missing = [dep for dep in domain.dependencies if dep not in self._domains]
        if missing:
            raise RegistryError(
                f"domain {domain.key!r} depends on {', '.join(missing)}, which is not registered "
                "(add its app before this one in INSTALLED_APPS)"
            )
        for kind in domain.alert_kinds:
            if kind.clears not in ("manual", "condition"):
                raise RegistryError(f"AlertKind {kind.key!r}: clears must be 'manual' or 'condition'")
            if kind.group_by not in ("source", "place"):
                raise RegistryError(f"AlertKind {kind.key!r}: group_by must be 'source' or 'place'")
        items = [*domain.layers, *domain.tiles, *domain.alert_kinds, *domain.periodic_jobs]
        seen: set[str] = set()
        for item in items:
            kind = type(item).__name__
            if not item.key.startswith(domain.key + "."):
                raise RegistryError(f"{kind} {item.key!r} must start with {domain.key + '.'!r}")
            full = f"{kind}:{item.key}"
            if full in seen or full in self._keys:
                raise RegistryError(f"{kind} {item.key!r} is already registered")
            seen.add(full)
        self._domains[domain.key] = domain
        for item in items:
            self._keys[f"{type(item).__name__}:{item.key}"] = domain.key
        return domain

    def unregister(self, key: str) -> None:
        """Remove a domain (used by tests that register throwaway domains)."""
        self._domains.pop(key)
        self._keys = {k: v for k, v in self._keys.items() if v != key}

    def __iter__(self) -> Iterator[Domain]:
        return iter(self._domains.values())

    def __contains__(self, key: str) -> bool:
        return key in self._domains

    def get(self, key: str) -> Domain:
        return self._domains[key]

    def layers(self) -> list[MapLayer]:
        return [layer for d in self for layer in d.layers]

    def layer(self, key: str) -> MapLayer | None:
        return next((layer for layer in self.layers() if layer.key == key), None)

    def tiles(self) -> list[KpiTile]:
        return [tile for d in self for tile in d.tiles]

    def alert_kinds(self) -> dict[str, AlertKind]:
        return {kind.key: kind for d in self for kind in d.alert_kinds}

    def alert_kind(self, key: str) -> AlertKind | None:
        return self.alert_kinds().get(key)

    def periodic_jobs(self) -> list[PeriodicJob]:
        return [job for d in self for job in d.periodic_jobs]

    def simulators(self) -> dict[str, Callable[[Event], None]]:
        return {d.key: d.hook("simulator") for d in self if d.simulator}

    def subject_panels(self, kind: str, key, user) -> list[str]:
        """What other domains show on the page of one record (HTML fragments, empty ones left out)."""
        panels = (d.hook("subject_panel")(kind, str(key), user) for d in self if d.subject_panel)
        return [html for html in panels if html]

    def subject_links(self, kind: str, key, user) -> list[tuple[str, str]]:
        """Actions other domains offer on one record of a list, as (label, url)."""
        links = (d.hook("subject_link")(kind, str(key), user) for d in self if d.subject_link)
        return [link for link in links if link]

    def leader_panels(self, user) -> list[str]:
        """What each domain shows on the leader's page (HTML fragments)."""
        panels = (d.hook("leader_panel")(user) for d in self if d.leader_panel)
        return [html for html in panels if html]

    def attention(self, user) -> list[dict]:
        """Every domain's items that need a leader now."""
        return [item for d in self if d.attention for item in d.hook("attention")(user)]

    def work(self, user) -> list[dict]:
        """Every domain's open work for this user, soonest deadline first (no deadline last)."""
        from datetime import datetime

        items = [item for d in self if d.work for item in d.hook("work")(user)]
        latest = datetime.max.replace(tzinfo=UTC)
        return sorted(items, key=lambda item: item.get("due_at") or latest)

    def commands(self) -> list[tuple[Domain, Callable]]:
        return [(d, d.hook("commands")) for d in self if d.commands]

    def processes(self) -> dict[str, list[str]]:
        return {name: list(args) for d in self for name, args in d.processes}

    def mqtt_handlers(self) -> dict[str, Callable]:
        return {topic: handler for d in self if d.mqtt for topic, handler in d.hook("mqtt")().items()}


registry = Registry()


class DomainAppConfig:
    """Mixin for a domain app's AppConfig: set `domain` to the dotted path of its `Domain`; it registers on ready.

    class HotlineConfig(DomainAppConfig, AppConfig):
        name = "ioc.hotline"
        domain = "ioc.hotline.domain.DOMAIN"
    """

    domain: str

    def ready(self) -> None:
        from django.utils.module_loading import import_string

        registry.register(import_string(self.domain))
