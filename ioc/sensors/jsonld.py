"""JSON-LD for NGSI-LD (ETSI GS CIM 009 clause 5.5.7): the terms of a request (entity types, attribute names,
vocab values) are expanded to IRIs against the request's @context and stored in their short form under the core
@context; answers compact them back against the requester's @context.

So an attribute a client calls `name` under a context mapping it to `https://example.org/name` is stored as that IRI
and shown as `name` only to clients using that context, while the IOC's own terms (`waterLevel`, which the core
context's @vocab maps to `https://uri.etsi.org/ngsi-ld/default-context/waterLevel`) stay short in the database.

Contexts are processed by pyld. The core context is bundled; other contexts come from the cache in the data dir
(filled by `ioc sensors load-context` or an earlier fetch) or are fetched from the allow-listed hosts, so the IOC works
air-gapped and never fetches from a host an administrator has not named.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import urllib.parse
import urllib.request
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from pyld import jsonld

CORE_CONTEXT = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld"
CORE_FILE = Path(__file__).parent / "contexts" / "ngsi-ld-core-context-v1.8.jsonld"
# Contexts bundled besides the core one, so the usual data models work air-gapped (see contexts/README.md).
BUNDLED = {
    url: Path(__file__).parent / "contexts" / "smart-data-models-context.jsonld"
    for url in (
        "https://smartdatamodels.org/context.jsonld",
        "https://raw.githubusercontent.com/smart-data-models/data-models/master/context.jsonld",
    )
}
DEFAULT_VOCAB = "https://uri.etsi.org/ngsi-ld/default-context/"
CORE_URL = re.compile(r"^https://uri\.etsi\.org/ngsi-ld/v1/ngsi-ld-core-context(-v1\.\d+(\.\d+)?)?\.jsonld$")
MAX_CONTEXT_BYTES = 512 * 1024
FETCH_TIMEOUT_S = 5


class ContextError(Exception):
    """A context that cannot be retrieved (kind LdContextNotAvailable) or is not valid JSON-LD (InvalidRequest)."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind


def _is_core(url: str) -> bool:
    # Every 1.x core context version is answered with the bundled 1.8 one: later versions only add terms.
    return CORE_URL.match(url) is not None


def cache_dir() -> Path:
    path = Path(settings.DATA_DIR) / "jsonld-contexts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cache_file(url: str) -> Path:
    return cache_dir() / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".jsonld")


def store_context(url: str, document: bytes) -> None:
    """Keep a context document for `url` (checked to be a JSON object with an @context)."""
    if len(document) > MAX_CONTEXT_BYTES:
        raise ContextError("InvalidRequest", f"the @context at {url} is larger than {MAX_CONTEXT_BYTES} bytes")
    try:
        parsed = json.loads(document)
    except ValueError:
        raise ContextError("InvalidRequest", f"the @context at {url} is not JSON") from None
    if not isinstance(parsed, dict) or "@context" not in parsed:
        raise ContextError("InvalidRequest", f"the document at {url} has no @context")
    target = _cache_file(url)
    partial = target.with_suffix(".part")
    partial.write_bytes(document)
    partial.replace(target)  # readers never see half a file


def _allowed(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    hosts = settings.IOC["JSONLD_CONTEXT_HOSTS"]
    return parts.scheme in ("http", "https") and any(
        parts.hostname == h or (parts.hostname or "").endswith("." + h) for h in hosts
    )


def _fetch(url: str) -> bytes:
    if not _allowed(url):
        raise ContextError("LdContextNotAvailable", f"the @context {url} is not cached and its host is not allowed")
    try:
        request = urllib.request.Request(url, headers={"Accept": "application/ld+json, application/json"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as answer:  # noqa: S310 (allow-listed)
            document = answer.read(MAX_CONTEXT_BYTES + 1)
    except OSError as exc:
        raise ContextError("LdContextNotAvailable", f"the @context {url} could not be retrieved ({exc})") from None
    store_context(url, document)
    return document


def _load_document(url: str, options=None) -> dict:
    """pyld's document loader: the bundled contexts, then the cache, then an allow-listed fetch."""
    if _is_core(url):
        document = CORE_FILE.read_bytes()
    elif url in BUNDLED:
        document = BUNDLED[url].read_bytes()
    else:
        cached = _cache_file(url)
        document = cached.read_bytes() if cached.exists() else _fetch(url)
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(document)}


class Context:
    """A processed @context: term ↔ IRI lookups for the terms NGSI-LD expands."""

    def __init__(self, value, active: dict):
        self.value = value  # what answers echo as their @context
        self.vocab = active.get("@vocab") or DEFAULT_VOCAB
        self.terms: dict[str, str] = {}
        self.prefixes: dict[str, str] = {}
        self.keywords = {"@id", "@type", "@context", "@value", "@graph"}  # and the terms aliasing them
        reverse: dict[str, str] = {}
        for term, definition in active["mappings"].items():
            iri = (definition or {}).get("@id")
            if iri and iri.startswith("@"):
                self.keywords.add(term)
            if not iri or iri.startswith("@"):
                continue
            self.terms[term] = iri
            if definition.get("_prefix"):
                self.prefixes[term] = iri
            best = reverse.get(iri)
            if best is None or (len(term), term) < (len(best), best):
                reverse[iri] = term
        self.reverse = reverse
        self._expand = lru_cache(maxsize=4096)(self._expand_term)
        self._compact = lru_cache(maxsize=4096)(self._compact_iri)

    def expand(self, term: str) -> str:
        return self._expand(term)

    def compact(self, iri: str) -> str:
        return self._compact(iri)

    def _expand_term(self, term: str) -> str:
        if term in self.terms:
            return self.terms[term]
        prefix, colon, suffix = term.partition(":")
        if colon:
            if prefix in self.prefixes and not suffix.startswith("//"):
                return self.prefixes[prefix] + suffix
            return term  # an absolute IRI (or a URN)
        return self.vocab + term

    def _compact_iri(self, iri: str) -> str:
        if iri in self.reverse:
            return self.reverse[iri]
        if iri.startswith(self.vocab) and ":" not in iri[len(self.vocab) :]:
            rest = iri[len(self.vocab) :]
            if rest and rest not in self.terms:
                return rest
        # A compact IRI with the longest matching prefix (ngsi-ld:default-context/x when x means something else).
        best = max(
            (p for p, base in self.prefixes.items() if iri.startswith(base) and iri != base),
            default=None,
            key=lambda p: len(self.prefixes[p]),
        )
        if best is not None:
            return f"{best}:{iri[len(self.prefixes[best]) :]}"
        return iri


_lock = threading.Lock()


@lru_cache(maxsize=256)
def _processed(key: str) -> Context:
    value = json.loads(key)
    local = (value if isinstance(value, list) else [value]) + [CORE_CONTEXT]
    processor = jsonld.JsonLdProcessor()
    options = {"documentLoader": _load_document, "processingMode": "json-ld-1.1"}
    try:
        # pyld has no public call returning an active context; process_context from its initial one is what its
        # own expand() does.
        active = processor.process_context(processor._get_initial_context(options), local, options)
    except jsonld.JsonLdError as exc:
        cause = exc
        while cause is not None:
            if isinstance(cause, ContextError):
                raise cause from None
            cause = getattr(cause, "cause", None) or cause.__cause__
        raise ContextError("InvalidRequest", f"the @context is not valid JSON-LD ({exc.type})") from None
    return Context(value, active)


def context(value=None) -> Context:
    """The processed context of a request's @context (a URL, an object or a list); the core one when absent."""
    if value in (None, "", [], CORE_CONTEXT, [CORE_CONTEXT]):
        return core()
    key = json.dumps(value, sort_keys=True, separators=(",", ":"))
    if len(key) > MAX_CONTEXT_BYTES:
        raise ContextError("InvalidRequest", "the @context is too large")
    with _lock:
        return _processed(key)


@lru_cache(maxsize=1)
def core() -> Context:
    processor = jsonld.JsonLdProcessor()
    options = {"documentLoader": _load_document, "processingMode": "json-ld-1.1"}
    active = processor.process_context(processor._get_initial_context(options), [CORE_CONTEXT], options)
    return Context(CORE_CONTEXT, active)


def to_storage(term: str, ctx: Context) -> str:
    """A request's term → the key the IOC stores (its compact form under the core context)."""
    if ctx is core():
        return core().compact(core().expand(term))
    return core().compact(ctx.expand(term))


def from_storage(key: str, ctx: Context) -> str:
    """A stored key → the term the requester's context gives it."""
    if ctx is core():
        return key
    return ctx.compact(core().expand(key))
