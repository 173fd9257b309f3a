from django import forms
from django.contrib import admin

from ioc.cameras import models


class CameraForm(forms.ModelForm):
    """The stream password is write-only: it is never sent back to the browser."""

    password = forms.CharField(widget=forms.PasswordInput(render_value=False), required=False)

    class Meta:
        model = models.Camera
        fields = [
            "name",
            "stream_url",
            "username",
            "password",
            "lat",
            "lon",
            "heading",
            "unit",
            "department",
            "status",
            "model_path",
            "analysed_fps",
            "snapshot_days",
        ]

    def clean_password(self):
        entered = self.cleaned_data.get("password")
        return entered or (self.instance.password if self.instance.pk else "")

    def clean_stream_url(self):
        from urllib.parse import urlsplit

        url = self.cleaned_data["stream_url"]
        if "://" in url and (urlsplit(url).username or urlsplit(url).password):
            raise forms.ValidationError("Put the user name and password in their own fields, not in the URL.")
        return url


class LineInline(admin.TabularInline):
    model = models.CountLine
    extra = 0


class ZoneInline(admin.TabularInline):
    model = models.Zone
    extra = 0


@admin.register(models.Camera)
class CameraAdmin(admin.ModelAdmin):
    form = CameraForm
    list_display = ("name", "unit", "status", "last_frame_at", "last_error")
    list_filter = ("status", "unit")
    inlines = [LineInline, ZoneInline]
