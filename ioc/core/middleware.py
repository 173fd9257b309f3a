"""Request-level protections: body size limits, security headers, forced password change."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse


class BodySizeLimitMiddleware:
    """Refuse oversized bodies with 413 before anything reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"message": "Invalid Content-Length header"}, status=400)
        is_upload = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        limit = settings.MAX_UPLOAD_BYTES + 65536 if is_upload else settings.MAX_BODY_BYTES
        if is_upload:
            for prefix, larger in settings.LARGE_UPLOAD_PATHS.items():
                if request.path.startswith(prefix):
                    limit = larger + 65536
        if length > limit:
            return JsonResponse({"message": f"Request body too large: the limit is {limit // 1024} KiB"}, status=413)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy (everything is served from here; map tiles may come from the tile server)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob: https: http:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        response.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        return response


class PasswordChangeRequiredMiddleware:
    """Outside demo mode, a user flagged (demo accounts, reset passwords) must change the password first."""

    ALLOWED = ("/accounts/", "/static/", "/i18n/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            not settings.DEMO_MODE
            and user.is_authenticated
            and getattr(getattr(user, "profile", None), "must_change_password", False)
            and not request.path.startswith(self.ALLOWED)
        ):
            return redirect(reverse("password_change"))
        return self.get_response(request)


class LanguageMiddleware:
    """Vietnamese unless the user picked English with the switch (the cookie); the browser's language is ignored,
    because an operator's English-language browser must not turn the city's system English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # restored afterwards: the thread's next work is in the city's language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def client_address(_group, request) -> str:
    """The caller's address: behind our own proxy (IOC_BEHIND_PROXY=1) the last X-Forwarded-For hop, which the
    proxy appended and the client cannot forge; otherwise REMOTE_ADDR."""
    if settings.IOC["BEHIND_PROXY"]:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or "unknown"


class RateLimitMiddleware:
    """Per-IP limits where no logged-in session vouches for the caller (django-ratelimit, on the shared cache).

    Anonymous API calls and login attempts get the public rates; bearer-token clients (gateways, other systems)
    a higher one. Over the limit: 429 with a JSON message and Retry-After.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _rate(self, request) -> tuple[str, str] | None:
        from ioc.core.registry import registry

        if request.path.startswith("/accounts/login/") and request.method == "POST":
            return "login", settings.IOC["RATE_LOGIN"]
        public = request.path.startswith("/api/") or registry.domain_for_path(request.path) is not None
        if not public or request.user.is_authenticated:
            return None
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return "token", settings.IOC["RATE_TOKEN"]
        return "public", settings.IOC["RATE_PUBLIC"]

    def __call__(self, request):
        from django_ratelimit.core import is_ratelimited

        rule = self._rate(request)
        if rule and is_ratelimited(request, group=f"ioc.{rule[0]}", key=client_address, rate=rule[1], increment=True):
            response = edge_refusal(request, 429, "Too many requests; try again in a minute.")
            response["Retry-After"] = "60"
            return response
        return self.get_response(request)


def edge_refusal(request, status: int, message: str):
    """A refusal at the edge, in the error format of the standard the path belongs to (NGSI-LD ProblemDetails,
    Open311 errors), else core's JSON {"message": ...}."""
    from ioc.core.registry import registry

    domain = registry.domain_for_path(request.path)
    formatter = domain.hook("edge_error") if domain else None
    response = formatter(request, status, message) if formatter else None
    return response or JsonResponse({"message": message}, status=status)


class InputSanityMiddleware:
    """What no view should ever see: NUL characters (in the query, the body, form fields) and JSON bodies nested
    deeper than payloads.MAX_DEPTH — refused with 400 in the standard's error format."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from urllib.parse import unquote

        from ioc.core.payloads import PayloadError, load_json

        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return edge_refusal(request, 400, "The request contains a NUL character")
        kind = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and not kind.startswith("multipart/form-data"):
            body = request.body
            if b"\x00" in body or (kind.startswith("application/x-www-form-urlencoded") and b"%00" in body):
                return edge_refusal(request, 400, "The request contains a NUL character")
            if "json" in kind and body.strip():
                try:
                    load_json(body)
                except PayloadError as exc:
                    if "invalid JSON" not in str(exc):  # malformed JSON is the view's to report in its own words
                        return edge_refusal(request, 400, str(exc))
        elif kind.startswith("multipart/form-data"):
            if any("\x00" in value for values in request.POST.lists() for value in values[1]):
                return edge_refusal(request, 400, "The request contains a NUL character")
        return self.get_response(request)
