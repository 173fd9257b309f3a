"""The schedule-rule form of the lighting page: intervals and days typed as short text, checked by the service."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ioc.lighting import services
from ioc.lighting.models import Circuit, ScheduleRule

INTERVAL = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*=\s*(\d{1,3})\s*%?\s*$")


class RuleForm(forms.ModelForm):
    intervals_text = forms.CharField(
        label=_("Intervals"),
        required=False,
        max_length=500,
        help_text=_("e.g. 23:00-05:00=50; 00:00-04:30=70 (from-to=level %)"),
    )
    days_text = forms.CharField(
        label=_("Days"),
        required=False,
        max_length=500,
        help_text=_("e.g. tet, national-day, 09-02, 2027-01-01"),
    )
    circuits = forms.ModelMultipleChoiceField(
        Circuit.objects.order_by("code"),
        required=False,
        label=_("Circuits"),
        help_text=_("none: every circuit of the road class"),
    )

    class Meta:
        model = ScheduleRule
        fields = [
            "name",
            "kind",
            "priority",
            "road_class",
            "on_offset_min",
            "off_offset_min",
            "condition",
            "threshold",
            "level",
        ]
        widgets = {"condition": forms.Select(choices=[("", "—"), ("fog", _("fog")), ("rain", _("heavy rain"))])}

    def clean_intervals_text(self):
        intervals = []
        for part in filter(None, (p.strip() for p in self.cleaned_data["intervals_text"].split(";"))):
            match = INTERVAL.match(part)
            if not match:
                raise ValidationError(_("Write each interval as HH:MM-HH:MM=level, separated by ';'"))
            intervals.append({"from": match[1].zfill(5), "to": match[2].zfill(5), "level": int(match[3])})
        return intervals

    def clean_days_text(self):
        return [d.strip() for d in self.cleaned_data["days_text"].split(",") if d.strip()]

    def clean(self):
        data = super().clean()
        rule = self.instance
        for field in self.Meta.fields:
            if field in data:
                setattr(rule, field, data[field])
        rule.intervals = data.get("intervals_text", [])
        rule.days = data.get("days_text", [])
        try:
            services.check_rule(rule, {c.pk for c in data.get("circuits") or []})
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return data
