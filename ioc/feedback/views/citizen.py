"""A citizen's own pages: sign in with a one-time code, see "my reports", claim one made before signing in."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from ioc.core.middleware import client_address
from ioc.core.services.alerts import ServiceError
from ioc.feedback import citizens
from ioc.feedback.workflow import CLOSED

SESSION_KEY = "feedback.sign_in_contact"


def sign_in(request):
    """Step 1: the phone or email to send a code to."""
    if request.method == "POST":
        limited = is_ratelimited(
            request, group="feedback.sign_in", key=client_address, rate=settings.IOC["RATE_SIGN_IN"], increment=True
        )
        if limited:
            messages.error(request, _("Too many codes asked from this address; try again later"))
            return render(request, "feedback/sign_in.html", {"contact": request.POST.get("contact", "")}, status=429)
        try:
            request.session[SESSION_KEY] = citizens.send_code(request.POST.get("contact", ""))
        except ServiceError as exc:
            messages.error(request, str(exc))
            return render(request, "feedback/sign_in.html", {"contact": request.POST.get("contact", "")}, status=400)
        return redirect("feedback:sign_in_code")
    from ioc.feedback.sso import configured

    return render(request, "feedback/sign_in.html", {"sso": configured()})


def sign_in_code(request):
    """Step 2: the code that was sent."""
    contact = request.session.get(SESSION_KEY)
    if not contact:
        return redirect("feedback:sign_in")
    if request.method == "POST":
        try:
            user = citizens.verify_code(contact, request.POST.get("code", ""), request=request)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return render(request, "feedback/sign_in_code.html", {"contact": contact}, status=400)
        request.session.pop(SESSION_KEY, None)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("feedback:mine")
    return render(request, "feedback/sign_in_code.html", {"contact": contact})


@login_required(login_url="feedback:sign_in")
def mine(request):
    """The citizen's reports with their status, a link to follow each, and "report again"."""
    return render(
        request,
        "feedback/mine.html",
        {"reports": citizens.my_reports(request.user)[:200], "closed": CLOSED},
    )


@login_required(login_url="feedback:sign_in")
@require_POST
def claim(request):
    try:
        report = citizens.claim(request.user, request.POST.get("code", ""))
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Report %(code)s is now in your list") % {"code": report.tracking_code})
    return redirect("feedback:mine")
