from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from centers.vocabulary import LevelOfCare


def fresh_since():
    """Availability set before this moment is too old to trust (FINDER_AVAILABILITY_FRESH_HOURS)."""
    return timezone.now() - timedelta(hours=settings.FINDER_AVAILABILITY_FRESH_HOURS)


class AvailabilityStatus(models.TextChoices):
    ACCEPTING = "accepting", "Accepting new patients"
    WAITLIST = "waitlist", "Waitlist"
    NOT_ACCEPTING = "not-accepting", "Not accepting new patients"


class AvailabilityQuerySet(models.QuerySet):
    def current(self):
        return self.filter(updated_at__gte=fresh_since())

    def accepting(self):
        return self.current().filter(status=AvailabilityStatus.ACCEPTING)


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
