"""A city's single sign-on for citizens (OpenID Connect), when the city has one.

Configured by the IOC_OIDC_* environment variables (settings). The sign-in page then offers it beside the one-time
code; the account it opens is always a citizen account found or made by the verified email — the city's identity
provider never signs anyone into a staff account here.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from ioc.core.models import Profile, Role


def configured() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class CitizenSSOBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims) -> bool:
        """An email the provider vouches for (no "email_verified" flag counts as verified: many providers omit it)."""
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").lower()
        ids = Profile.objects.filter(role=Role.CITIZEN, user__email__iexact=email).values_list("user_id", flat=True)
        return self.UserModel.objects.filter(pk__in=list(ids))

    def create_user(self, claims):
        from ioc.feedback.citizens import citizen_for

        user = citizen_for(claims["email"].lower())
        if claims.get("name") and not user.first_name:
            user.first_name = claims["name"][:150]
            user.save(update_fields=["first_name"])
        return user


def start(request):
    """Off to the city's sign-in page (404 when the city has none configured)."""
    if not configured():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def callback(request):
    if not configured():
        raise Http404
    return OIDCAuthenticationCallbackView.as_view()(request)
