"""The admissions staff portal: availability, listing edits, verification, problem reports.

Every view finds the facility through the user's own memberships, so staff can only ever see or
change their own facilities; anything else is a 404, never a hint that it exists.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from centers.models.availability import fresh_since
from centers.vocabulary import VerifiedBy
from portal.account_forms import AcceptInvitationForm, StaffLoginForm, invitation_situation
from portal.availability_forms import AvailabilityForm, availability_levels
from portal.forms import ListingForm, ResolveReportForm, saved_summary
from portal.landing import landing_url
from portal.models import Invitation, Membership, PendingChange, ProblemReport
from portal.models.staff import InvitationAlreadyUsed


class StaffLoginView(auth_views.LoginView):
    """Django's login; a safe local ``next`` wins, otherwise each person lands where their work is."""

    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # Django calls this when there is no ``next``, or when ``next`` is not a path on this site.
        return landing_url(self.request.user)


def membership_or_404(user, pk) -> Membership:
    """The user's membership at facility ``pk``; 404 if they have none (stewards use the admin)."""
    return get_object_or_404(Membership.objects.select_related("facility"), user=user, facility_id=pk)


def not_allowed(request, membership):
    return render(request, "portal/not_allowed.html", {"membership": membership}, status=403)


def render_facility(request, membership, *, availability_form=None, report_form=None, report=None, status=200):
    """The facility's portal page; a failed form is passed back so its errors show in place."""
    facility = membership.facility
    levels = availability_levels(facility, availability_form)
    context = {
        "membership": membership,
        "facility": facility,
        "levels": levels,
        "new_level_form": None if levels else AvailabilityForm(facility=facility),
        "fresh_hours": settings.FINDER_AVAILABILITY_FRESH_HOURS,
        "availability_form": availability_form,
        "open_reports": facility.problem_reports.open(),
        "resolved_reports": facility.problem_reports.filter(status=ProblemReport.Status.RESOLVED)[:10],
        "report_form": report_form,
        "failed_report": report,
        "changes": PendingChange.objects.for_staff_of([facility]).described(),
    }
    return render(request, "portal/facility.html", context, status=status)


@login_required
def home(request):
    context = {
        "memberships": request.user.memberships.with_facility_summary(),
        "fresh_since": fresh_since(),
        "changes": PendingChange.objects.for_staff_of(request.user.memberships.values("facility")).described(),
    }
    return render(request, "portal/home.html", context)


@login_required
def facility(request, pk):
    return render_facility(request, membership_or_404(request.user, pk))


@login_required
@require_POST
def set_availability(request, pk):
    membership = membership_or_404(request.user, pk)
    form = AvailabilityForm(request.POST, facility=membership.facility)
    if not form.is_valid():
        return render_facility(request, membership, availability_form=form, status=400)
    availability = form.save(request.user)
    if availability is None:
        return render_facility(request, membership, availability_form=form, status=409)
    messages.success(request, form.saved_message(availability))
    return redirect(reverse("portal:facility", kwargs={"pk": pk}) + f"#level-{availability.level}")


@login_required
def edit_listing(request, pk):
    membership = membership_or_404(request.user, pk)
    if not membership.can_edit_listing:
        return not_allowed(request, membership)
    facility = membership.facility
    form = ListingForm(request.POST or None, instance=facility)
    if form.is_bound and form.is_valid():
        live, change = form.save(request.user)
        messages.success(request, saved_summary(live, change))
        return redirect("portal:facility", pk=pk)
    context = {
        "membership": membership,
        "facility": facility,
        "form": form,
        "changes": PendingChange.objects.for_staff_of([facility]).described(),
    }
    return render(request, "portal/edit_listing.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def verify_listing(request, pk):
    membership = membership_or_404(request.user, pk)
    if not membership.can_edit_listing:
        return not_allowed(request, membership)
    membership.facility.mark_verified(request.user, VerifiedBy.FACILITY_STAFF)
    messages.success(request, gettext("Thank you. Families now see that your staff confirmed this listing today."))
    return redirect("portal:facility", pk=pk)


@login_required
@require_POST
def resolve_report(request, pk, report_pk):
    membership = membership_or_404(request.user, pk)
    if not membership.can_edit_listing:
        return not_allowed(request, membership)
    report = get_object_or_404(membership.facility.problem_reports, pk=report_pk)
    if report.status == ProblemReport.Status.RESOLVED:
        messages.info(request, gettext("That report was already resolved."))
        return redirect("portal:facility", pk=pk)
    form = ResolveReportForm(request.POST, auto_id=f"report-{report.pk}-%s")
    if not form.is_valid():
        return render_facility(request, membership, report_form=form, report=report, status=400)
    told = report.resolve(request.user, form.cleaned_data["note"])
    message = gettext("Report resolved: “%(kind)s”.") % {"kind": report.get_kind_display()}
    if told:
        message += " " + gettext("We emailed the person who reported it.")
    elif report.contact_email:
        message += " " + gettext("The email to the person who reported it could not be sent.")
    messages.success(request, message)
    return redirect("portal:facility", pk=pk)


def accept_invitation(request, token):
    invitation = Invitation.objects.with_token(token).select_related("facility").first()
    if invitation is None or not invitation.is_usable:
        context = {"invitation": invitation}
        return render(request, "portal/invitation_unusable.html", context, status=404 if invitation is None else 410)
    situation = invitation_situation(invitation, request.user)
    try:
        if situation == "join" and request.method == "POST":
            invitation.accept(request.user)
            messages.success(request, gettext("You can now update %(name)s.") % {"name": invitation.facility.name})
            return redirect("portal:home")
        form = None
        if situation == "new-account":
            form = AcceptInvitationForm(request.POST or None, invitation=invitation)
            if form.is_bound and form.is_valid():
                user = form.save()
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                message = gettext("Welcome to Finder. You can now update %(name)s.")
                messages.success(request, message % {"name": invitation.facility.name})
                return redirect("portal:home")
    except InvitationAlreadyUsed:
        # Used by another request a moment ago (a double submit, or two people with one link).
        invitation.refresh_from_db()
        return render(request, "portal/invitation_unusable.html", {"invitation": invitation}, status=410)
    status = 403 if situation == "other-account" else 400 if form is not None and form.is_bound else 200
    context = {"invitation": invitation, "situation": situation, "form": form}
    return render(request, "portal/accept_invitation.html", context, status=status)
