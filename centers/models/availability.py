from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centers.vocabulary import LevelOfCare


def fresh_since():
    """Availability set before this moment is too old to trust (FINDER_AVAILABILITY_FRESH_HOURS)."""
    return timezone.now() - timedelta(hours=settings.FINDER_AVAILABILITY_FRESH_HOURS)


class AvailabilityStatus(models.TextChoices):
    ACCEPTING = "accepting", _("Accepting new patients")
    WAITLIST = "waitlist", _("Waitlist")
    NOT_ACCEPTING = "not-accepting", _("Not accepting new patients")


class AvailabilityQuerySet(models.QuerySet):
    def current(self):
        return self.filter(updated_at__gte=fresh_since())

    def accepting(self):
        return self.current().filter(status=AvailabilityStatus.ACCEPTING)

    def answer(self, facility, level: str, user, *, status: str | None = None, details: dict | None = None):
        """Record what staff said about one level of care, writing only what this answer changes.

        ``status`` None confirms the answer as it stands ("still accurate": only the time and who
        move). ``details`` are the detail fields the person changed; a one-tap answer has none, and
        its new status clears numbers said for the old one. Two people can answer at once, so the
        row is locked and read here rather than trusted from an earlier read: a colleague's answer
        a moment ago is kept. Returns None if there is no answer to confirm.
        """
        rows = self.select_for_update().filter(facility=facility, level=level)
        with transaction.atomic():
            availability = rows.first()
            if availability is None and status is not None:
                try:
                    with transaction.atomic():
                        values = {**(details or {}), "updated_by": user, "updated_at": timezone.now()}
                        return self.create(facility=facility, level=level, status=status, **values)
                except IntegrityError:
                    # A colleague answered for this level for the first time at the same moment: answer after them.
                    availability = rows.first()
            if availability is None:
                return None
            changes = dict(details or {})
            if status is not None and status != availability.status:
                changes["status"] = status
                if details is None:
                    # Numbers said for the old status ("3 beds open") are wrong for the new one.
                    changes.update(open_slots=None, waitlist_days=None)
            for name, value in changes.items():
                setattr(availability, name, value)
            availability.updated_by, availability.updated_at = user, timezone.now()
            availability.save(update_fields=[*changes, "updated_by", "updated_at"])
        return availability


class Availability(models.Model):
    """Whether a facility can take a new patient for one level of care, as its staff last said."""

    facility = models.ForeignKey("centers.Facility", on_delete=models.CASCADE, related_name="availability")
    level = models.CharField("level of care", max_length=32, choices=LevelOfCare.choices)
    status = models.CharField(max_length=16, choices=AvailabilityStatus.choices)
    open_slots = models.PositiveSmallIntegerField(
        "open beds or slots", null=True, blank=True, help_text="Update this whenever you admit or discharge."
    )
    waitlist_days = models.PositiveSmallIntegerField(
        "waitlist, in days", null=True, blank=True, help_text="About how long a new patient waits today."
    )
    note = models.CharField(max_length=200, blank=True, help_text="Short, for families: “Call before noon”.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now, help_text="When staff last said this is true.")
    history = HistoricalRecords()

    objects = AvailabilityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "availability"
        constraints = [models.UniqueConstraint(fields=["facility", "level"], name="availability_one_per_level")]
        indexes = [models.Index(fields=["status", "updated_at"], name="availability_status_updated")]

    def __str__(self):
        return f"{self.get_level_display()}: {self.get_status_display()}"

    @property
    def is_current(self) -> bool:
        return self.updated_at >= fresh_since()

    @property
    def level_of_care(self) -> LevelOfCare:
        return LevelOfCare(self.level)
