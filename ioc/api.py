"""The API root at /api/: core's endpoints plus every registered domain's router at /api/<domain>/."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from ioc.core.registry import registry
from ioc.core.services.alerts import ServiceError


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` for machine clients (tokens from the admin or `ioc create-token`)."""

    def authenticate(self, request, token):
        from ioc.core.services.accounts import user_for_token

        user = user_for_token(token)
        if user:
            request.user = user
        return user


class SessionCookie(APIKeyCookie):
    """The browser's login session; CSRF is checked on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


api = NinjaAPI(
    title="Lai Châu IOC API",
    version="1",
    description="Operations center API: alerts, incidents, administrative units, map layers, KPIs and domains.",
    auth=[BearerToken(), SessionCookie()],
    urls_namespace="api",
)


def _error(request, message: str, status: int, **extra):
    return api.create_response(request, {"message": message, **extra}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    return _error(request, "Invalid input", 422, detail=exc.errors)


@api.exception_handler(ServiceError)
def on_service_error(request, exc):
    return _error(request, str(exc), 400)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(request, str(exc) or "Permission denied", 403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, str(exc) or "Not found", 404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, "Authentication required: log in or send 'Authorization: Bearer <token>'", 401)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return _error(request, str(exc), exc.status_code)


def build() -> NinjaAPI:
    """Mount core's routes and each domain's router (called once, from urls)."""
    from ioc.core.api import router as core_router

    api.add_router("", core_router)
    for domain in registry:
        if domain.api_router:
            api.add_router(f"/{domain.key}/", domain.hook("api_router")(), tags=[domain.key])
    return api
