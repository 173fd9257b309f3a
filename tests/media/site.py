"""A local web site for the media tests (nothing reaches the internet): pages, feeds and robots.txt served from a
dict, each request logged with its time, ETag and Last-Modified honoured."""

from __future__ import annotations

import threading
import time
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Site:
    def __init__(self):
        self.routes: dict[str, tuple[int, dict, bytes]] = {}
        self.requests: list[tuple[float, str, dict]] = []  # (time, path, headers)
        self.match_prefix = ""  # a path served whatever its query string (an API)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                site.requests.append((time.monotonic(), self.path, dict(self.headers)))
                path = self.path
                if site.match_prefix and path.startswith(site.match_prefix):
                    path = site.match_prefix
                status, headers, body = site.routes.get(path, (404, {"Content-Type": "text/plain"}, b"no"))
                etag = headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def page(self, path: str, body: str | bytes, content_type="text/html; charset=utf-8", status=200, **headers):
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, data)

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _ in self.requests if p == path)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def article_html(title: str, paragraphs: list[str], date: str = "2026-11-20", charset: str = "utf-8") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><meta charset="{charset}"><title>{title} - Báo Lai Châu</title>'
        f'<meta property="article:published_time" content="{date}T08:00:00+07:00"></head>'
        f"<body><nav>Trang chủ | Thời sự | Kinh tế | Xã hội</nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Bản quyền thuộc Báo Lai Châu. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</footer>"
        "</body></html>"
    )


TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def to_cp1258(text: str) -> bytes:
    """Vietnamese text as Windows-1258 pages carry it: base letters precomposed (ơ, â…), tone marks combining."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(m for m in decomposed[1:] if m in TONES)
        base = unicodedata.normalize("NFC", decomposed[0] + "".join(m for m in decomposed[1:] if m not in TONES))
        out += (base + tones).encode("cp1258")
    return bytes(out)
