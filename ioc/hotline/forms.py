from django import forms
from django.utils.translation import gettext_lazy as _

from ioc.hotline.models import Call


class CallForm(forms.Form):
    """The one screen an operator fills while on the phone."""

    OUTCOMES = (("alert", _("An emergency: an alert for the IOC")), ("report", _("A problem to fix: a citizen report")))

    channel = forms.ChoiceField(label=_("Line"), choices=Call.Channel.choices, initial=Call.Channel.HOTLINE)
    caller_phone = forms.RegexField(label=_("Caller's phone"), regex=r"^\+?[0-9]{6,15}$", max_length=20, required=False)
    caller_name = forms.CharField(label=_("Caller's name"), max_length=200, required=False)
    topic = forms.ChoiceField(label=_("What it is about"), choices=Call.Topic.choices)
    urgent = forms.BooleanField(label=_("Urgent (lives or property at risk now)"), required=False)
    summary = forms.CharField(
        label=_("What the caller said"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    address = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    lat = forms.FloatField(
        widget=forms.HiddenInput,
        min_value=-90,
        max_value=90,
        error_messages={"required": _("Put the place on the map")},
    )
    lon = forms.FloatField(widget=forms.HiddenInput, min_value=-180, max_value=180)
    outcome = forms.ChoiceField(
        label=_("The call becomes"), choices=OUTCOMES, widget=forms.RadioSelect, initial="alert"
    )
    category = forms.ModelChoiceField(queryset=None, label=_("Report category"), required=False)

    def __init__(self, *args, **kwargs):
        from ioc.feedback.selectors import active_categories

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = active_categories()

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "report" and not data.get("category"):
            self.add_error("category", _("Choose the category of the report"))
        return data
