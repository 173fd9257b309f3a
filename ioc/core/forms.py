from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ioc.core.services.accounts import clear_login_failures, lockout_remaining, record_login_failure
from ioc.core.services.audit import client_ip, record


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's login form with a lockout: too many failures in a short window lock the account for a while."""

    def clean(self):
        username = (self.data.get("username") or "").strip()
        ip = client_ip(self.request)
        if username and (seconds := lockout_remaining(username, ip)):
            raise forms.ValidationError(
                _("Too many failed attempts. Try again in %(s)s seconds.") % {"s": seconds}, code="locked"
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username and record_login_failure(username, ip):
                raise forms.ValidationError(
                    _("Too many failed attempts. The account is locked for a few minutes."), code="locked"
                ) from None
            raise
        if self.get_user() is None:  # a field left empty: the form reports it, nobody logged in
            return cleaned
        clear_login_failures(username, ip)
        record(
            self.get_user(),
            "login",
            object_type="auth.user",
            object_id=self.get_user().pk,
            request=self.request,
        )
        return cleaned


class NotificationPreferenceForm(forms.ModelForm):
    """Which alerts reach the user, how (in the app, by email), how often (a digest), and when not (quiet hours)."""

    domains = forms.MultipleChoiceField(
        label=gettext_lazy("Only these fields"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    quiet_from = forms.TypedChoiceField(
        required=False,
        empty_value=None,
        label=gettext_lazy("Quiet from (hour)"),
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
    )
    quiet_to = forms.TypedChoiceField(
        required=False,
        empty_value=None,
        label=gettext_lazy("Quiet until (hour)"),
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
    )
    digest_minutes = forms.TypedChoiceField(
        required=False,
        empty_value=None,
        label=gettext_lazy("Alerts that are not urgent"),
        coerce=int,
        choices=[
            (0, gettext_lazy("each one at once")),
            (15, gettext_lazy("a digest every 15 minutes")),
            (60, gettext_lazy("a digest every hour")),
        ],
    )

    class Meta:
        from ioc.core.models import NotificationPreference

        model = NotificationPreference
        fields = ["in_app", "email", "min_severity", "digest_minutes", "domains", "units", "quiet_from", "quiet_to"]
        widgets = {"units": forms.CheckboxSelectMultiple}

    def clean(self):
        """A setting left out of the form keeps its saved value (older clients post only the first three)."""
        data = super().clean()
        for name in ("digest_minutes", "quiet_from", "quiet_to"):
            if data.get(name) is None:
                data[name] = getattr(self.instance, name)
        return data

    def __init__(self, *args, **kwargs):
        from ioc.core.registry import registry
        from ioc.core.services.geo import current_units

        super().__init__(*args, **kwargs)
        self.fields["domains"].choices = [(d.key, d.label) for d in registry]
        self.fields["units"].queryset = current_units()
        self.fields["units"].label = gettext_lazy("Only these units")


def show_form_errors(request, *forms_shown) -> None:
    """Each error of the forms as a message on the next page (for forms posted from a page that redirects)."""
    from django.contrib import messages

    for form in forms_shown:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
