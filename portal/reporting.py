"""Public forms about a listing: "Report a problem" and "I work here: claim this listing"."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from centers.models import Facility
from portal.models import ClaimRequest, ProblemReport
from portal.reporting_forms import ClaimRequestForm, ProblemReportForm

CLAIMS_PER_EMAIL_PER_DAY = 3

REPORTS_LIMITED = (
    "You've sent several reports in the last hour. Please try again later, or call the SAMHSA National Helpline "
    "at 1-800-662-4357 if you need help now."
)
CLAIMS_LIMITED = (
    "We already have several requests from this email address for this listing today. A steward will review "
    "them; there is no need to send another. If something was wrong in them, please try again tomorrow."
)


def sender_key(request) -> str:
    """A keyed hash of the sender's address: enough to count their reports, without storing the address."""
    address = request.META.get("REMOTE_ADDR", "")
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _sent(request):
    # Post/Redirect/Get to the same URL, so reloading the thanks page never sends the form again.
    return redirect(f"{request.path}?sent=1")


def _reports_in_last_hour(key: str) -> int:
    since = timezone.now() - timedelta(hours=1)
    return ProblemReport.objects.filter(reporter_key=key, created_at__gte=since).count()


def _claims_today(facility, email: str) -> int:
    since = timezone.now() - timedelta(days=1)
    return ClaimRequest.objects.filter(facility=facility, email__iexact=email, created_at__gte=since).count()


@require_http_methods(["GET", "HEAD", "POST"])
def report_problem(request, pk):
    facility = get_object_or_404(Facility.objects.filter(is_listed=True), pk=pk)
    if request.method != "POST":
        template = "portal/report_thanks.html" if "sent" in request.GET else "portal/report_problem.html"
        return render(request, template, {"facility": facility, "form": ProblemReportForm()})

    form = ProblemReportForm(request.POST)
    context = {"facility": facility, "form": form}
    if form.is_bot():
        return _sent(request)  # Looks like success, so the bot learns nothing.
    key = sender_key(request)
    if _reports_in_last_hour(key) >= settings.FINDER_REPORTS_PER_HOUR:
        return render(request, "portal/report_problem.html", {**context, "limited": REPORTS_LIMITED}, status=429)
    if not form.is_valid():
        return render(request, "portal/report_problem.html", context, status=400)
    form.instance.facility, form.instance.reporter_key = facility, key
    form.save()
    return _sent(request)


@require_http_methods(["GET", "HEAD", "POST"])
def claim_listing(request, pk):
    facility = get_object_or_404(Facility.objects.filter(is_listed=True), pk=pk)
    if request.method != "POST":
        template = "portal/claim_thanks.html" if "sent" in request.GET else "portal/claim_listing.html"
        return render(request, template, {"facility": facility, "form": ClaimRequestForm()})

    form = ClaimRequestForm(request.POST)
    context = {"facility": facility, "form": form}
    if form.is_bot():
        return _sent(request)  # Looks like success, so the bot learns nothing.
    if not form.is_valid():
        return render(request, "portal/claim_listing.html", context, status=400)
    if _claims_today(facility, form.cleaned_data["email"]) >= CLAIMS_PER_EMAIL_PER_DAY:
        return render(request, "portal/claim_listing.html", {**context, "limited": CLAIMS_LIMITED}, status=429)
    form.instance.facility = facility
    form.save()
    return _sent(request)
