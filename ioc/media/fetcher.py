"""Fetching politely: robots.txt obeyed, at most one request per host every IOC_MEDIA_HOST_DELAY_S seconds (5), a
conditional GET where the server gave an ETag or Last-Modified, a size and type limit, few redirects, and an
honest User-Agent. Vietnamese pages in legacy encodings (Windows-1258) are decoded by what they declare."""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.media.models import Host

USER_AGENT = "LaiChauIOC-media/1.0 (+https://github.com/laichau-ioc; city operations centre)"
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT_S = 20
ROBOTS_TTL = timedelta(hours=24)
PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("xml", "rss", "atom", "text/plain")  # many feeds are served as text/xml or even text/plain
CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)


class FetchError(Exception):
    """The URL could not be fetched; the message says why in words an officer understands."""


@dataclass
class Fetched:
    url: str  # after redirects
    status: int
    body: bytes
    content_type: str
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        return decode(self.body, self.content_type)


def decode(body: bytes, content_type: str = "") -> str:
    """The page's text from the charset its header or its <meta> declares (cp1258 and friends), else UTF-8."""
    declared = re.search(r"charset=([\w-]+)", content_type or "", re.IGNORECASE)
    name = declared.group(1) if declared else None
    if not name:
        meta = CHARSET.search(body[:4096]) or re.search(rb"""<\?xml[^>]+encoding=["']([\w-]+)""", body[:200])
        name = meta.group(1).decode("ascii", "ignore") if meta else "utf-8"
    try:
        return body.decode(name.lower().replace("windows-", "cp"), errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def host_delay() -> float:
    return float(getattr(settings, "IOC_MEDIA_HOST_DELAY_S", 5.0))


def _wait_turn(host: str) -> None:
    """Reserve this host's next slot and sleep until it (one request per delay per host, across workers)."""
    delay = timedelta(seconds=host_delay())
    with transaction.atomic():
        record, _ = Host.objects.select_for_update().get_or_create(name=host)
        now = timezone.now()
        slot = max(now, record.next_allowed_at or now)
        record.next_allowed_at = slot + delay
        record.save(update_fields=["next_allowed_at"])
    wait = (slot - timezone.now()).total_seconds()
    if wait > 0:
        time.sleep(wait)


def _robots(scheme: str, host: str) -> RobotFileParser:
    record, _ = Host.objects.get_or_create(name=host)
    if record.robots_fetched_at is None or timezone.now() - record.robots_fetched_at > ROBOTS_TTL:
        try:
            got = _get(f"{scheme}://{host}/robots.txt", host, accept=None)
            text = got.text() if got.status == 200 else ""
        except FetchError:
            text = ""  # no robots.txt reachable: everything is allowed, as the standard says
        Host.objects.filter(pk=record.pk).update(robots_txt=text, robots_fetched_at=timezone.now())
        record.robots_txt = text
    parser = RobotFileParser()
    parser.parse(record.robots_txt.splitlines())
    return parser


def check_address(url: str) -> None:
    """Refuse an address inside the city's own network (loopback, private, link-local: the server itself, the
    database, a camera): an officer's link or a redirect must not make the IOC fetch from there (SSRF)."""
    host = urlsplit(url).hostname or ""
    if host in getattr(settings, "IOC_MEDIA_PRIVATE_HOSTS", ()):
        return  # a private site the city chose to watch (its intranet portal)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        raise FetchError(_("the site's name cannot be resolved")) from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise FetchError(_("the address is inside a private network"))


def _get(url: str, host: str, *, accept, etag: str = "", last_modified: str = "") -> Fetched:
    headers = {"User-Agent": USER_AGENT, "Accept-Language": "vi,en;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    session = requests.Session()
    # Redirects are followed here, one hop at a time, so each target is checked and paced like the first.
    for _hop in range(MAX_REDIRECTS + 1):
        check_address(url)
        _wait_turn(host)
        try:
            with session.get(url, headers=headers, timeout=TIMEOUT_S, stream=True, allow_redirects=False) as response:
                location = response.headers.get("Location")
                if response.is_redirect and location:
                    url = urljoin(url, location)
                    host = urlsplit(url).netloc.lower()
                    continue
                return _read(response, accept, etag, last_modified)
        except requests.RequestException as error:
            raise FetchError(_("cannot connect (%(error)s)") % {"error": type(error).__name__}) from None
    raise FetchError(_("too many redirects"))


def _read(response, accept, etag: str, last_modified: str) -> Fetched:
    content_type = response.headers.get("Content-Type", "")
    if response.status_code == 304:
        return Fetched(response.url, 304, b"", content_type, etag, last_modified)
    if response.status_code >= 400:
        raise FetchError(f"HTTP {response.status_code}")
    if accept and not any(kind in content_type.lower() for kind in accept):
        raise FetchError(_("not a page or a feed (%(type)s)") % {"type": content_type or "?"})
    declared = int(response.headers.get("Content-Length") or 0)
    if declared > MAX_BYTES:
        raise FetchError(_("larger than %(mb)s MB") % {"mb": MAX_BYTES // 1024 // 1024})
    body = bytearray()
    for chunk in response.iter_content(64 * 1024):
        body.extend(chunk)
        if len(body) > MAX_BYTES:
            raise FetchError(_("larger than %(mb)s MB") % {"mb": MAX_BYTES // 1024 // 1024})
    return Fetched(
        response.url,
        response.status_code,
        bytes(body),
        content_type,
        response.headers.get("ETag", ""),
        response.headers.get("Last-Modified", ""),
    )


def fetch(url: str, *, kind: str = "page", etag: str = "", last_modified: str = "") -> Fetched:
    """GET `url` as a polite crawler: FetchError when robots.txt forbids it or it fails."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(_("not a web address"))
    host = parts.netloc.lower()
    if not _robots(parts.scheme, host).can_fetch(USER_AGENT, url):
        raise FetchError(_("the site's robots.txt does not allow it"))
    accept = PAGE_TYPES if kind == "page" else FEED_TYPES + PAGE_TYPES
    return _get(url, host, accept=accept, etag=etag, last_modified=last_modified)


def fetch_api(url: str) -> dict:
    """GET a platform's JSON API (YouTube Data API, Facebook Graph API): no robots.txt (an API is not crawled), the
    same per-host pace, size limit and errors. Returns the decoded JSON object."""
    import json

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(_("not a web address"))
    got = _get(url, parts.netloc.lower(), accept=("json",))
    try:
        data = json.loads(got.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise FetchError(_("the platform's answer is not JSON")) from None
    if not isinstance(data, dict):
        raise FetchError(_("the platform's answer is not JSON"))
    return data
