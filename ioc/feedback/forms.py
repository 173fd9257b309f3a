"""Forms for citizens and officers. The category's own questions are added as fields named attr_<cat>_<code>."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ioc.core.models import Department
from ioc.feedback.models import Category, CategoryAttribute


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


def attribute_field(attr: CategoryAttribute) -> forms.Field:
    choices = [(str(v["key"]), v["name"]) for v in attr.values]
    common = {"label": attr.description, "required": False}
    kind = CategoryAttribute.Datatype
    if attr.datatype == kind.NUMBER:
        return forms.FloatField(**common)
    if attr.datatype == kind.DATETIME:
        return forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common)
    if attr.datatype == kind.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, **common)
    if attr.datatype == kind.SINGLE:
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if attr.datatype == kind.MULTI:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    return forms.CharField(max_length=300, **common)


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(
        Category.objects.filter(active=True), label=_("What is the problem?"), empty_label=_("Choose a category")
    )
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4, "maxlength": 4000})
    )
    lat = forms.FloatField(
        widget=forms.HiddenInput,
        min_value=-90,
        max_value=90,
        error_messages={"required": _("Set the location: use GPS or tap the map")},
    )
    lon = forms.FloatField(widget=forms.HiddenInput, min_value=-180, max_value=180)
    address = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    photos = MultiplePhotoField(
        label=_("Photos (1 to 5)"),
        required=True,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}),
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    phone = forms.RegexField(
        label=_("Phone (optional, for updates)"), regex=r"^\+?[0-9 ]{8,15}$", required=False, max_length=20
    )
    email = forms.EmailField(label=_("Email (optional, for updates)"), required=False)
    # A field people never see: bots fill it in.
    notify_channels = forms.MultipleChoiceField(
        label=_("Send me updates by"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(("email", _("Email")), ("sms", _("SMS")), ("zalo", _("Zalo"))),
        initial=["email", "sms", "zalo"],
    )
    showcase_ok = forms.BooleanField(
        label=_("The city may show my photos beside the result on its public page"), required=False
    )
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attribute_groups = []
        for category in Category.objects.filter(active=True).prefetch_related("attributes"):
            names = []
            for attr in category.attributes.all():
                name = f"attr_{category.code}_{attr.code}"
                self.fields[name] = attribute_field(attr)
                names.append(name)
            if names:
                self.attribute_groups.append((category, [self[n] for n in names]))

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if len(photos) > 5:
            raise forms.ValidationError(_("At most 5 photos"))
        if any(p.size > settings.MAX_UPLOAD_BYTES for p in photos):
            raise forms.ValidationError(_("Each photo must be at most 10 MB"))
        return photos

    def answers(self) -> dict:
        category = self.cleaned_data["category"]
        prefix = f"attr_{category.code}_"
        result = {}
        for name, value in self.cleaned_data.items():
            if name.startswith(prefix) and value not in (None, "", []):
                result[name[len(prefix) :]] = value.isoformat() if hasattr(value, "isoformat") else value
        return result


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=12)


class RateForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with the result?"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Satisfied")), ("0", _("Not satisfied"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is it not fixed?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ActionForm(forms.Form):
    """One form for every officer action; each action uses the fields it needs."""

    text = forms.CharField(
        label=_("Reason or reply"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    department = forms.ModelChoiceField(Department.objects.all(), label=_("Department"), required=False)
    working_days = forms.IntegerField(label=_("Extension (working days)"), min_value=1, max_value=60, required=False)
    duplicate_of = forms.IntegerField(label=_("Duplicate of report no."), min_value=1, required=False)
    photos = MultiplePhotoField(
        label=_("Photos of the result"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
