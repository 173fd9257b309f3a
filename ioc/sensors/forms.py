"""Operators' forms: a device's registry settings and the rules that watch it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ioc.core.models import AdministrativeUnit
from ioc.core.services.geo import current_units, in_vietnam
from ioc.sensors.models import Entity, Rule


class DeviceForm(forms.ModelForm):
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)

    class Meta:
        model = Entity
        fields = ["unit", "department", "expected_interval_s", "lat", "lon"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = AdministrativeUnit.objects.filter(pk__in=[u.pk for u in current_units()])
        self.fields["unit"].help_text = _("Left empty, it is found from the location")

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither"))
        if lat is not None and not in_vietnam(lat, lon):
            raise forms.ValidationError(_("The location is outside Vietnam"))
        return data


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["name", "attr", "kind", "direction", "threshold", "clear_at", "window_minutes", "severity"]
        widgets = {"severity": forms.Select(choices=[(s, s) for s in ("info", "warning", "major", "critical")])}

    def __init__(self, *args, entity: Entity, **kwargs):
        super().__init__(*args, **kwargs)
        self.entity = entity
        numeric = [
            name
            for name, value in entity.attrs.items()
            if value.get("type") == "Property" and isinstance(value.get("value"), int | float)
        ]
        self.fields["attr"] = forms.ChoiceField(label=_("Attribute"), choices=[(n, n) for n in numeric])

    def clean(self):
        data = super().clean()
        threshold, clear_at, direction = data.get("threshold"), data.get("clear_at"), data.get("direction")
        if threshold is not None and clear_at is not None:
            if direction == Rule.Direction.ABOVE and clear_at > threshold:
                raise forms.ValidationError(_("For a rule on rising values, clear at a value at or below the raise"))
            if direction == Rule.Direction.BELOW and clear_at < threshold:
                raise forms.ValidationError(_("For a rule on falling values, clear at a value at or above the raise"))
        return data
