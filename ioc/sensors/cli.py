"""`ioc sensors load-context URL FILE`: keep an NGSI-LD @context document, so clients naming it work without
internet access (an air-gapped city's server)."""

from __future__ import annotations

import sys
from pathlib import Path


def add_commands(sub, common) -> None:
    q = sub.add_parser("load-context", parents=[common], help="cache an NGSI-LD @context (air-gapped servers)")
    q.add_argument("url", help="the URL clients name in their @context")
    q.add_argument("file", help="the context document (JSON-LD)")
    q.set_defaults(func=load_context)


def load_context(args) -> int:
    from ioc.sensors.jsonld import ContextError, store_context

    try:
        store_context(args.url, Path(args.file).read_bytes())
    except (OSError, ContextError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"cached {args.url}")
    return 0
