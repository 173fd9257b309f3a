"""A small HTTP proxy for conformance suites that cannot send a bearer token (ETSI's NGSI-LD suite sends none).

It forwards every request to the IOC unchanged, adding `Authorization: Bearer <token>`, and streams the answer back.
Usage: python token_proxy.py --listen 9090 --target http://127.0.0.1:8000 --token TOKEN
"""

from __future__ import annotations

import argparse
import http.client
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization"}


def handler_for(target: str, token: str):
    parsed = urllib.parse.urlsplit(target)

    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
            headers["Authorization"] = f"Bearer {token}"
            connection = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=60)
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            connection.close()

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _forward

        def log_message(self, *args):  # the suite's own log says what was sent
            pass

    return Forward


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=int, default=9090)
    parser.add_argument("--target", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    ThreadingHTTPServer(("127.0.0.1", args.listen), handler_for(args.target, args.token)).serve_forever()


if __name__ == "__main__":
    main()
