"""Who may change a listing: staff memberships, invitations, and claims from people who work at a facility."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finder import mail
from portal import stewardship
from portal.admin.display import badge
from portal.admin.filters import InvitationStateFilter
from portal.admin.review import ReadOnlyOnceDecided
from portal.models import ClaimRequest, Invitation, Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "facility", "role", "created_at", "created_by"]
    list_filter = ["role", "facility__state"]
    list_select_related = ["user", "facility", "created_by"]
    search_fields = [
        "user__username",
        "user__email",
        "user__first_name",
        "user__last_name",
        "facility__name",
        "facility__city",
    ]
    autocomplete_fields = ["user", "facility"]
    fields = ["user", "facility", "role", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "facility", "role"]

    def clean(self):
        cleaned = super().clean()
        email, facility = cleaned.get("email"), cleaned.get("facility")
        if email and facility and facility.memberships.filter(user__email__iexact=email).exists():
            self.add_error("email", "Someone with this email already works on this listing.")
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    form = InvitationForm
    list_display = ["email", "facility", "role", "invited_by", "created_at", "state"]
    list_filter = [InvitationStateFilter, "role"]
    list_select_related = ["facility", "invited_by"]
    search_fields = ["email", "facility__name"]
    autocomplete_fields = ["facility"]
    readonly_fields = ["invited_by", "created_at", "expires_at", "accepted_at", "accepted_by"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "facility", "role"]
        return ["email", "facility", "role", "invited_by", "created_at", "expires_at", "accepted_at", "accepted_by"]

    @admin.display(description=_("state"))
    def state(self, invitation):
        if invitation.accepted_at:
            return badge("accepted", "good")
        if invitation.expires_at <= timezone.now():
            return badge("expired", "bad")
        return badge("waiting", "warning")

    def has_change_permission(self, request, obj=None):
        # Sent is sent: to change one, delete it (the link stops working) and invite again.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.invited_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            link = request.build_absolute_uri(obj.link_path())
            try:
                stewardship.send_invitation(obj, link)
            except mail.NotSent as error:
                self.message_user(
                    request,
                    f"The invitation was not emailed: {error}. Send {obj.email} this link yourself: {link}",
                    messages.WARNING,
                )
            else:
                self.message_user(request, f"Invitation emailed to {obj.email}. Their link: {link}")


@admin.register(ClaimRequest)
class ClaimRequestAdmin(ReadOnlyOnceDecided, admin.ModelAdmin):
    open_status = ClaimRequest.Status.PENDING
    list_display = ["name", "job_title", "facility", "email", "phone", "created_at", "status"]
    list_filter = ["status", "facility__state"]
    list_select_related = ["facility"]
    search_fields = ["name", "email", "facility__name"]
    fields = [
        "facility",
        "name",
        "job_title",
        "email",
        "phone",
        "message",
        "created_at",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    readonly_fields = [field for field in fields if field != "decision_note"]
    actions = ["approve_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False  # People claim a listing from its public page.

    @admin.action(description=_("Approve and send invitation"))
    def approve_selected(self, request, queryset):
        """Invite each claimant as an editor. Anyone can claim: call the facility's listed number first."""
        claims = queryset.filter(status=ClaimRequest.Status.PENDING).select_related("facility")
        emailed, unsent = [], []
        for claim in claims:
            invitation = claim.approve(request.user)
            link = request.build_absolute_uri(invitation.link_path())
            try:
                stewardship.send_invitation(invitation, link)
            except mail.NotSent as error:
                self.log_change(request, claim, "Approved; the invitation email could not be sent.")
                unsent.append(f"{claim.email}: {link} ({error})")
            else:
                self.log_change(request, claim, "Approved; invitation sent.")
                emailed.append(claim.email)
        count = len(emailed) + len(unsent)
        if not count:
            self.message_user(request, "None of the selected claims is waiting for review.", messages.WARNING)
            return
        if emailed:
            approved = f"{len(emailed)} {model_ngettext(self.opts, len(emailed))} approved"
            self.message_user(request, f"{approved}; invitations sent to {', '.join(emailed)}.")
        if unsent:
            approved = f"{len(unsent)} {model_ngettext(self.opts, len(unsent))} approved"
            self.message_user(
                request,
                f"{approved}, but the invitations were not emailed. Send each person their link yourself: "
                + "; ".join(unsent),
                messages.WARNING,
            )

    @admin.action(description=_("Reject"))
    def reject_selected(self, request, queryset):
        claims = queryset.filter(status=ClaimRequest.Status.PENDING)
        count = unsent = 0
        for claim in claims:
            told = claim.reject(request.user)
            self.log_change(request, claim, "Rejected." if told else "Rejected; the email could not be sent.")
            count += 1
            unsent += not told
        if unsent:
            self.message_user(
                request,
                f"{count} {model_ngettext(self.opts, count)} rejected. {unsent} of the people who asked could not "
                "be told by email.",
                messages.WARNING,
            )
        else:
            self.message_user(request, f"{count} {model_ngettext(self.opts, count)} rejected.")
