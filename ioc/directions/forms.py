from django import forms
from django.utils.translation import gettext_lazy as _

from ioc.core.models import Department, Role
from ioc.core.services.geo import current_units
from ioc.directions.models import Direction


def unit_choices():
    """Departments and wards in one list: "d:<id>" and "w:<id>"."""
    return [(f"d:{d.pk}", d.name) for d in Department.objects.order_by("name")] + [
        (f"w:{u.pk}", u.name) for u in current_units(levels=("ward", "commune"))
    ]


def units_from(values: list[str]) -> list:
    from ioc.core.models import AdministrativeUnit

    departments = {int(v[2:]) for v in values if v.startswith("d:") and v[2:].isdigit()}
    wards = {int(v[2:]) for v in values if v.startswith("w:") and v[2:].isdigit()}
    return [*Department.objects.filter(pk__in=departments), *AdministrativeUnit.objects.filter(pk__in=wards)]


class DirectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    instruction = forms.CharField(label=_("Instruction"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    lead = forms.MultipleChoiceField(label=_("Lead units"), widget=forms.CheckboxSelectMultiple)
    support = forms.MultipleChoiceField(
        label=_("Supporting units"), required=False, widget=forms.CheckboxSelectMultiple
    )
    working_days = forms.IntegerField(label=_("Deadline (working days)"), min_value=0, max_value=90, required=False)
    hours = forms.IntegerField(label=_("or in hours"), min_value=1, max_value=720, required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Direction.Priority.choices, coerce=int, initial=Direction.Priority.NORMAL
    )
    on_behalf_of = forms.ModelChoiceField(queryset=None, required=False, label=_("On behalf of"))
    subject = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, user=None, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        choices = unit_choices()
        self.fields["lead"].choices = choices
        self.fields["support"].choices = choices
        leaders = get_user_model().objects.filter(is_active=True, profile__role=Role.LEADER).order_by("username")
        self.fields["on_behalf_of"].queryset = leaders
        self.fields["on_behalf_of"].label_from_instance = lambda u: u.get_full_name() or u.username
        if user is not None and getattr(user, "profile", None) and user.profile.role == Role.LEADER:
            del self.fields["on_behalf_of"]  # a leader directs in their own name

    def clean(self):
        data = super().clean()
        if data.get("working_days") is None and data.get("hours") is None:
            self.add_error("working_days", _("Give the deadline in working days or in hours"))
        return data


class ReportForm(forms.Form):
    text = forms.CharField(label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Photo or file (JPEG, PNG, PDF)"), required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    working_days = forms.IntegerField(label=_("New deadline (working days)"), min_value=0, max_value=90, required=False)
