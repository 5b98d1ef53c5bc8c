"""Who may change a facility's listing: memberships, invitations, claims, and their sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class MembershipQuerySet(models.QuerySet):
    def editors(self):
        return self.filter(role=Membership.Role.EDITOR)

    def with_facility_summary(self):
        """Each facility with its open reports, pending changes and availability ages (the portal home)."""
        open_reports = Q(facility__problem_reports__status="open")
        pending = Q(facility__pending_changes__status="pending")
        return (
            self.select_related("facility")
            .annotate(
                open_reports=Count("facility__problem_reports", filter=open_reports, distinct=True),
                pending_changes=Count("facility__pending_changes", filter=pending, distinct=True),
                availability_newest=Max("facility__availability__updated_at"),
                availability_oldest=Min("facility__availability__updated_at"),
            )
            .order_by("facility__name", "pk")
        )


class Membership(models.Model):
    """An admissions staff member's link to one facility, and what they may change there."""

    class Role(models.TextChoices):
        EDITOR = "editor", _("Editor (listing and availability)")
        AVAILABILITY = "availability", _("Availability only")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    facility = models.ForeignKey("centers.Facility", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AVAILABILITY)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        db_table = "centers_membership"  # created by the centers app before the portal app existed
        constraints = [models.UniqueConstraint(fields=["user", "facility"], name="membership_one_per_facility")]

    def __str__(self):
        return f"{self.user} at {self.facility} ({self.get_role_display()})"

    @property
    def can_edit_listing(self) -> bool:
        return self.role == self.Role.EDITOR


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What the database keeps of an invitation token. The token is 256 random bits, so a plain SHA-256 is
    enough: a copy of the table opens no accounts, and looking up by hash needs no constant-time compare."""
    return hashlib.sha256(token.encode()).hexdigest()


def _in_a_week():
    return timezone.now() + timedelta(days=7)


class InvitationAlreadyUsed(ValueError):
    """Two requests raced to accept one invitation; the later one loses."""


class InvitationQuerySet(models.QuerySet):
    def with_token(self, token: str):
        return self.filter(token_hash=hash_token(token))


class Invitation(models.Model):
    """A link a steward sends so a staff member can set a password and join a facility.

    Only the token's hash is stored; the token itself exists in memory while the invitation is created, long
    enough to build the link (``link_path()``) and email it.
    """

    email = models.EmailField()
    facility = models.ForeignKey("centers.Facility", on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=16, choices=Membership.Role.choices, default=Membership.Role.AVAILABILITY)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_in_a_week)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        db_table = "centers_invitation"  # created by the centers app before the portal app existed

    def __str__(self):
        return f"Invitation for {self.email} to {self.facility}"

    def save(self, *args, **kwargs):
        if not self.token_hash:
            self.token = _new_token()
            self.token_hash = hash_token(self.token)
        super().save(*args, **kwargs)

    def link_path(self) -> str:
        """The path of the link to accept. Only right after creation: later the token is no longer known.

        (Not get_absolute_url: the admin would offer "View on site" for every stored invitation.)
        """
        token = getattr(self, "token", None)
        if token is None:
            raise ValueError("An invitation's link is only known when it is created; send a new invitation instead.")
        return reverse("portal:accept-invitation", kwargs={"token": token})

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()

    @transaction.atomic
    def accept(self, user) -> Membership:
        """Give ``user`` the invited role at the facility and use the invitation up.

        Raises InvitationAlreadyUsed if another request used it first; the caller's transaction then
        rolls back.
        """
        now = timezone.now()
        used = Invitation.objects.filter(pk=self.pk, accepted_at__isnull=True).update(accepted_at=now, accepted_by=user)
        if not used:
            raise InvitationAlreadyUsed(f"Invitation {self.pk} was already used")
        self.accepted_at, self.accepted_by = now, user
        membership, _ = Membership.objects.update_or_create(
            user=user,
            facility=self.facility,
            defaults={"role": self.role},
            create_defaults={"role": self.role, "created_by": self.invited_by},
        )
        return membership


class ClaimRequest(models.Model):
    """Someone who works at a facility asks to manage its listing; a steward approves or rejects."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved (invitation sent)")
        REJECTED = "rejected", _("Rejected")

    facility = models.ForeignKey("centers.Facility", on_delete=models.CASCADE, related_name="claim_requests")
    name = models.CharField("your name", max_length=100)
    email = models.EmailField("work email")
    job_title = models.CharField(max_length=100)
    phone = models.CharField("work phone", max_length=40, help_text=_("We call the facility to check."))
    message = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        db_table = "centers_claimrequest"  # created by the centers app before the portal app existed

    def __str__(self):
        return f"{self.name} claims {self.facility}"

    @transaction.atomic
    def approve(self, steward, note: str = "") -> Invitation:
        """Invite the claimant as an editor of the facility; the caller emails them the invitation's link."""
        invitation = Invitation.objects.create(
            email=self.email, facility=self.facility, role=Membership.Role.EDITOR, invited_by=steward
        )
        self._decide(self.Status.APPROVED, steward, note)
        return invitation

    def reject(self, steward, note: str = "") -> bool:
        """Decline the claim and tell the person who asked, with the steward's note. Returns whether the email
        was sent."""
        from finder import mail

        self._decide(self.Status.REJECTED, steward, note)
        try:
            values = {"name": self.facility.name, "note": note}
            parts = [
                gettext(
                    "Thank you for asking to keep the Finder listing for %(name)s up to date. "
                    "We could not confirm the request this time."
                )
                % values
            ]
            if note:
                parts.append(gettext("From the Finder team: %(note)s") % values)
            parts.append(
                gettext("If you think this is a mistake, reply to this email or ask again from the listing's page.")
            )
            subject = gettext("Finder: your request to manage %(name)s") % values
            mail.send(subject, "\n\n".join(parts) + "\n", self.email)
        except mail.NotSent:
            return False
        return True

    def _decide(self, status, steward, note) -> None:
        self.status, self.decided_by, self.decided_at, self.decision_note = status, steward, timezone.now(), note
        self.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


class LoginSession(models.Model):
    """Sessions a staff user is logged in with, so removing access can log them out everywhere."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "centers_loginsession"  # created by the centers app before the portal app existed

    def __str__(self):
        return f"{self.user} session from {self.created_at:%Y-%m-%d %H:%M}"


def logout_everywhere(user) -> int:
    """End every session of ``user``; returns how many ended."""
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(user=user).delete()
    return deleted
