from django import forms
from django.utils.translation import gettext_lazy as _

from ioc.core.models import Department


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
