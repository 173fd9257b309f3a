"""`ioc feedback open311-key NAME`: issue an Open311 api_key for an app that posts citizen reports."""

from __future__ import annotations


def add_commands(sub, common) -> None:
    q = sub.add_parser("open311-key", parents=[common], help="issue an Open311 api_key (printed once)")
    q.add_argument("name")
    q.set_defaults(func=open311_key)


def open311_key(args) -> int:
    from ioc.feedback.api.open311 import create_key

    _, key = create_key(args.name)
    print(key)
    return 0
