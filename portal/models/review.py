"""Changes and reports that wait for a person: staff edits needing a steward, and public problem reports."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centers.models import Facility, Service


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PendingChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ReviewStatus.PENDING)

    def for_staff_of(self, facilities):
        """What staff see about their edits: pending changes, and changes decided in the last 30 days."""
        decided_since = timezone.now() - timedelta(days=30)
        return (
            self.filter(facility__in=facilities)
            .filter(Q(status=ReviewStatus.PENDING) | Q(reviewed_at__gte=decided_since))
            .select_related("facility", "submitted_by")
        )

    def described(self) -> list[PendingChange]:
        """The changes, each with ``lines`` from describe(), reading the service labels once for all."""
        changes = list(self)
        codes = {code for change in changes for codes in change.changes.get("services", {}).values() for code in codes}
        labels = dict(Service.objects.filter(code__in=codes).values_list("code", "label")) if codes else {}
        for change in changes:
            change.lines = change.describe(labels)
        return changes


class PendingChange(models.Model):
    """A staff edit to a high-risk field (name, address, phones, medications) waiting for a steward.

    ``changes`` maps a field name to {"old": ..., "new": ...}; "services" maps to
    {"add": [codes], "remove": [codes]}. The public keeps the old values until approval.
    """

    facility = models.ForeignKey("centers.Facility", on_delete=models.CASCADE, related_name="pending_changes")
    changes = models.JSONField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="submitted_changes"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, help_text=_("Shown to the staff member who made the change."))

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        db_table = "centers_pendingchange"  # created by the centers app before the portal app existed
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"Change to {self.facility} by {self.submitted_by} ({self.get_status_display()})"

    def describe(self, labels: dict[str, str] | None = None) -> list[str]:
        """One plain line per change, naming fields and services as staff know them (for staff and stewards).

        ``labels`` maps service codes to labels; read here if not given (described() reads them once for many).
        """
        services = self.changes.get("services", {})
        if labels is None:
            codes = [code for codes in services.values() for code in codes]
            labels = dict(Service.objects.filter(code__in=codes).values_list("code", "label")) if codes else {}
        lines = []
        for name, value in self.changes.items():
            if name == "services":
                for action, verb in (("add", "Add"), ("remove", "Remove")):
                    lines += [f"{verb}: {labels.get(code, code)}" for code in value.get(action, [])]
            elif name == "insurers":
                lines.append("Insurance companies changed")
            else:
                label = capfirst(Facility._meta.get_field(name).verbose_name)
                lines.append(f"{label}: “{value['old'] or '(blank)'}” → “{value['new'] or '(blank)'}”")
        return lines

    @transaction.atomic
    def approve(self, steward, note: str = "") -> None:
        """Apply the change to the facility (recorded in its history as the steward's)."""
        # The facility as it is now, locked: a copy loaded earlier would write back whatever changed since.
        facility = self.facility = Facility.objects.select_for_update().get(pk=self.facility_id)
        for name, change in self.changes.items():
            if name != "services":
                setattr(facility, name, change["new"])
        # A new address moves the facility: Facility.save() re-places it (coordinates follow the address).
        facility._change_reason = f"Approved change #{self.pk} from {self.submitted_by}"
        facility.save()
        services = self.changes.get("services", {})
        if services.get("add"):
            facility.services.add(*services["add"])
        if services.get("remove"):
            facility.services.remove(*services["remove"])
        self._decide(ReviewStatus.APPROVED, steward, note)

    def reject(self, steward, note: str) -> None:
        self._decide(ReviewStatus.REJECTED, steward, note)

    def _decide(self, status, steward, note) -> None:
        self.status, self.reviewed_by, self.reviewed_at, self.review_note = status, steward, timezone.now(), note
        self.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])


class ProblemReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ProblemReport.Status.OPEN)


class ProblemReport(models.Model):
    """Someone tells us a listing is wrong. No login; the email is optional and only used to reply."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("The phone number doesn't work")
        CLOSED = "closed", _("The facility is closed")
        INSURANCE = "insurance", _("They don't take this insurance")
        SERVICES = "services", _("The services are wrong")
        ADDRESS = "address", _("The address is wrong")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    facility = models.ForeignKey("centers.Facility", on_delete=models.CASCADE, related_name="problem_reports")
    kind = models.CharField("what is wrong", max_length=16, choices=Kind.choices)
    note = models.TextField("details", blank=True, max_length=1000)
    contact_email = models.EmailField(
        "your email (optional)", blank=True, help_text=_("Only to tell you when it's fixed. We never share it.")
    )
    reporter_key = models.CharField(
        max_length=64, blank=True, db_index=True, help_text=_("A keyed hash of the sender's address, for rate limits.")
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    reporter_notified_at = models.DateTimeField(null=True, blank=True)

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        db_table = "centers_problemreport"  # created by the centers app before the portal app existed
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.facility}"

    def resolve(self, user, note: str) -> bool:
        """Close the report; email the reporter if they left an address. Returns whether the email was sent."""
        from finder import mail

        self.status, self.resolved_by, self.resolved_at, self.resolution_note = (
            self.Status.RESOLVED,
            user,
            timezone.now(),
            note,
        )
        if self.contact_email:
            try:
                values = {"name": self.facility.name, "kind": self.get_kind_display().lower(), "note": note}
                body = "\n\n".join(
                    [
                        gettext("Thank you for telling us about a problem with the listing for %(name)s (%(kind)s).")
                        % values,
                        gettext("What we did: %(note)s") % values,
                        gettext("Reports like yours keep Finder accurate for the next family."),
                    ]
                )
                subject = gettext("Finder: your report about %(name)s") % values
                mail.send(subject, body + "\n", self.contact_email)
            except mail.NotSent:
                pass  # Resolved all the same; reporter_notified_at stays empty, and the caller says so.
            else:
                self.reporter_notified_at = timezone.now()
        self.save()
        return self.reporter_notified_at is not None
