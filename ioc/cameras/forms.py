"""Counting lines and zones drawn on the camera's frame, in fractions of the frame (0–1)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class LineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    x1 = forms.FloatField(min_value=0, max_value=1)
    y1 = forms.FloatField(min_value=0, max_value=1)
    x2 = forms.FloatField(min_value=0, max_value=1)
    y2 = forms.FloatField(min_value=0, max_value=1)

    def clean(self):
        data = super().clean()
        if all(k in data for k in ("x1", "y1", "x2", "y2")):
            if ((data["x2"] - data["x1"]) ** 2 + (data["y2"] - data["y1"]) ** 2) ** 0.5 < 0.02:
                raise forms.ValidationError(_("The line is too short: click two points apart on the frame"))
        return data


class ZoneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    points = forms.CharField(
        label=_("Points"), max_length=2000, help_text=_("x,y pairs in fractions of the frame, separated by ';'")
    )
    crowd_threshold = forms.IntegerField(label=_("Crowd: people at once (0 = off)"), min_value=0, max_value=10000)
    crowd_seconds = forms.IntegerField(label=_("Crowd: for at least (seconds)"), min_value=1, max_value=3600)

    def clean_points(self):
        try:
            points = [[float(v) for v in pair.split(",")] for pair in self.cleaned_data["points"].split(";") if pair]
        except ValueError:
            raise forms.ValidationError(_("Points are x,y pairs separated by ';'")) from None
        if len(points) < 3 or len(points) > 50 or any(len(p) != 2 for p in points):
            raise forms.ValidationError(_("A zone needs 3 to 50 points"))
        if any(not (0 <= v <= 1) for p in points for v in p):
            raise forms.ValidationError(_("Every point must lie within the frame"))
        return points
