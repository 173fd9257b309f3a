from django import forms
from django.utils.translation import gettext_lazy as _

from ioc.core.models import Department, Incident
from ioc.core.services.triage import SNOOZE_MINUTES


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.all(), label=_("Department"))
    working_days = forms.IntegerField(label=_("Deadline (working days)"), min_value=0, max_value=365, initial=1)
    note = forms.CharField(
        label=_("Instructions"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class EscalateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class AttachForm(forms.Form):
    file = forms.FileField(label=_("File (JPEG, PNG, PDF, text)"))
    text = forms.CharField(label=_("Caption"), required=False, max_length=300)


class TriageForm(forms.Form):
    """One triage action on the alerts chosen in the feed; which other fields count depends on the action."""

    ACTIONS = (
        ("acknowledge", _("Acknowledge")),
        ("assign", _("Assign")),
        ("snooze", _("Snooze")),
        ("merge", _("Merge into one incident")),
        ("dismiss", _("Dismiss as noise")),
    )

    action = forms.ChoiceField(choices=ACTIONS)
    alerts = forms.ModelMultipleChoiceField(queryset=None, error_messages={"required": _("Choose at least one alert")})
    department = forms.ModelChoiceField(Department.objects.all(), required=False, label=_("Department"))
    officer = forms.ModelChoiceField(queryset=None, required=False, label=_("Officer"))
    minutes = forms.TypedChoiceField(
        choices=[(m, m) for m in SNOOZE_MINUTES], coerce=int, required=False, label=_("For (minutes)")
    )
    reason = forms.CharField(max_length=300, required=False, label=_("Reason"))
    note = forms.CharField(max_length=2000, required=False, label=_("Instructions"))
    incident = forms.ModelChoiceField(queryset=None, required=False, label=_("Into incident"))

    def __init__(self, *args, user, **kwargs):
        from ioc.core import selectors
        from ioc.core.services.triage import MAX_AT_ONCE, officers

        super().__init__(*args, **kwargs)
        self.max_at_once = MAX_AT_ONCE
        self.fields["alerts"].queryset = selectors.visible_alerts(user)
        self.fields["officer"].queryset = officers()
        self.fields["officer"].label_from_instance = officer_label
        self.fields["incident"].queryset = selectors.visible_incidents(user).exclude(status=Incident.Status.CLOSED)

    def clean_alerts(self):
        alerts = self.cleaned_data["alerts"]
        if len(alerts) > self.max_at_once:
            raise forms.ValidationError(_("Choose at most %(n)s alerts at once") % {"n": self.max_at_once})
        return alerts

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "assign" and not (data.get("department") or data.get("officer")):
            self.add_error("department", _("Choose a department or an officer"))
        if action == "snooze" and not data.get("minutes"):
            self.add_error("minutes", _("Choose how long"))
        if action in ("snooze", "dismiss") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason"))
        return data


def officer_label(user) -> str:
    """An officer as the duty officer knows them: name, and their department or ward."""
    profile = user.profile
    where = profile.department or profile.unit
    name = user.get_full_name() or user.username
    return f"{name} — {where}" if where else name
