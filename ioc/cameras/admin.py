from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ioc.cameras import models
from ioc.cameras.analysis.onnx import ModelError


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
            "detector",
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


class DetectorModelForm(forms.ModelForm):
    """Upload an ONNX detector: checked (size, type, output format) and tried on a camera's latest frame before it
    is saved; a file that fails is not kept."""

    try_on = forms.ModelChoiceField(
        models.Camera.objects.all(), required=False, label=_("Try it on this camera's latest frame")
    )

    class Meta:
        model = models.DetectorModel
        fields = ["name", "file"]

    def clean(self):
        from ioc.cameras.detectors import check_upload

        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and hasattr(upload, "chunks") and not getattr(upload, "_committed", False):
            try:
                self.facts = check_upload(upload, cleaned.get("try_on"))
            except ModelError as exc:
                self.add_error("file", str(exc))
        return cleaned


@admin.register(models.DetectorModel)
class DetectorModelAdmin(admin.ModelAdmin):
    form = DetectorModelForm
    list_display = ("name", "output_format", "input_size", "trial", "uploaded_at", "uploaded_by")
    readonly_fields = ("size", "output_format", "input_size", "trial", "uploaded_at", "uploaded_by")

    def save_model(self, request, obj, form, change):
        for field, value in getattr(form, "facts", {}).items():
            setattr(obj, field, value)
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
