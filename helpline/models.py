"""The helpline's referral log. Minimal personal health information by design: no caller fields."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.vocabulary import LevelOfCare, Payment

WORKERS_GROUP = "Helpline workers"
SUPERVISORS_GROUP = "Helpline supervisors"


class ReferralQuerySet(models.QuerySet):
    def by(self, user):
        return self.filter(worker=user)

    def visible_to(self, user):
        """Every referral for a supervisor; for anyone else, only the referrals they logged."""
        from helpline.access import is_supervisor  # access.py imports the group names from this module

        return self if is_supervisor(user) else self.by(user)

    def follow_ups_due(self, on_or_before=None):
        """Follow-ups not yet done whose date has come."""
        day = on_or_before or timezone.localdate()
        return self.filter(follow_up_on__lte=day, follow_up_done_at__isnull=True)

    def notes_older_than(self, days: int):
        return self.exclude(note="").filter(created_at__lt=timezone.now() - timedelta(days=days))

    def awaiting_follow_up(self):
        return self.filter(follow_up_on__isnull=False, follow_up_done_at__isnull=True)

    def logged_between(self, start: date | None = None, end: date | None = None):
        """Referrals logged from ``start`` to ``end``, both included, as local dates; either may be None."""
        referrals = self
        if start:
            referrals = referrals.filter(created_at__date__gte=start)
        if end:
            referrals = referrals.filter(created_at__date__lte=end)
        return referrals

    def facility_full(self):
        return self.filter(outcome=Referral.Outcome.FACILITY_FULL)

    def count_by(self, *fields: str):
        """One row (a dict) per distinct value of ``fields`` with its ``count``, largest first (GROUP BY in SQL)."""
        return self.order_by().values(*fields).annotate(count=Count("pk")).order_by("-count", *fields)

    def count_by_week(self, first: date, last: date) -> list[tuple[date, int]]:
        """Referrals per week (weeks start on Monday), for every week from ``first`` to ``last``, empty weeks too."""
        monday = first - timedelta(days=first.weekday())
        rows = (
            self.logged_between(monday, last)
            .order_by()
            .annotate(week=TruncWeek("created_at", output_field=models.DateField()))
            .values("week")
            .annotate(count=Count("pk"))
        )
        counts = {row["week"]: row["count"] for row in rows}
        weeks = []
        while monday <= last:
            weeks.append((monday, counts.get(monday, 0)))
            monday += timedelta(weeks=1)
        return weeks


class Referral(models.Model):
    class Outcome(models.TextChoices):
        REFERRED = "referred", _("Referred")
        WARM_HANDOFF = "warm-handoff", _("Warm hand-off")
        FACILITY_FULL = "facility-full", _("Facility full")
        CALLER_DECLINED = "caller-declined", _("Caller declined")
        OTHER = "other", _("Other")

    class FollowUpOutcome(models.TextChoices):
        ENTERED_TREATMENT = "entered-treatment", _("Entered treatment")
        APPOINTMENT_SET = "appointment-set", _("Has an appointment")
        STILL_LOOKING = "still-looking", _("Still looking")
        NOT_REACHED = "not-reached", _("Could not reach")
        DECLINED = "declined", _("No longer wants help")
        OTHER = "other", _("Other")

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="referrals")
    # Kept when a facility is deleted, so reports stay true; facility_name and area are copied at logging time.
    facility = models.ForeignKey(
        "centers.Facility", null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    facility_name = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=2, blank=True)
    county = models.CharField(max_length=100, blank=True)
    level_sought = models.CharField("level of care sought", max_length=32, choices=LevelOfCare.choices, blank=True)
    payment = models.CharField("payment type", max_length=32, choices=Payment.choices, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    follow_up_on = models.DateField("follow up on", null=True, blank=True)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    follow_up_outcome = models.CharField(max_length=24, choices=FollowUpOutcome.choices, blank=True)
    note = models.TextField(
        max_length=500,
        blank=True,
        help_text=_(
            "Do not enter the caller's name, phone number, date of birth or anything else that identifies "
            "them. Notes are deleted after the retention period."
        ),
    )
    note_purged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["worker", "follow_up_on"], name="referral_worker_follow_up")]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.facility_name} ({self.created_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.facility_id and not self.facility_name:
            self.facility_name = self.facility.name
            self.state, self.county = self.facility.state, self.facility.county
        super().save(*args, **kwargs)


class SearchGapQuerySet(models.QuerySet):
    def searched_between(self, start: date | None = None, end: date | None = None):
        gaps = self
        if start:
            gaps = gaps.filter(searched_on__gte=start)
        if end:
            gaps = gaps.filter(searched_on__lte=end)
        return gaps

    def for_level(self, level: str):
        """Searches for one type of care; an empty ``level`` means every search."""
        return self.filter(level_of_care=level) if level else self

    def count_by(self, *fields: str):
        """One row (a dict) per distinct value of ``fields`` with its ``count`` of searches, largest first."""
        return self.order_by().values(*fields).annotate(count=Sum("searches")).order_by("-count", *fields)

    def total(self) -> int:
        """How many searches found nothing (each row counts several)."""
        return self.aggregate(total=Coalesce(Sum("searches"), 0))["total"]

    def add_one(self, **key) -> None:
        """Count one more search for ``key`` (every field of the unique constraint): on its row, or a new row."""
        if self.filter(**key).update(searches=F("searches") + 1):
            return
        try:
            with transaction.atomic():
                self.create(**key)
        except IntegrityError:
            # Another request created the row between our update and our insert: count on that row instead.
            self.filter(**key).update(searches=F("searches") + 1)


class SearchGap(models.Model):
    """Searches that found nothing, counted per day, place (coarsely), surface, distance and type of care.

    No personal data, no query text. One row per combination and a counter, so the table grows with the places
    and days searched, not with the traffic: a crawler repeating an empty search only raises a number.
    """

    class Surface(models.TextChoices):
        PUBLIC = "public", _("Public search")
        HELPLINE = "helpline", _("Helpline workspace")

    searched_on = models.DateField(default=timezone.localdate, db_index=True)
    surface = models.CharField(max_length=16, choices=Surface.choices)
    state = models.CharField(max_length=2, blank=True)
    # Rounded to 0.1 degree (about 7 miles): enough for a map of gaps, not enough to find a home.
    latitude = models.FloatField()
    longitude = models.FloatField()
    radius = models.CharField(max_length=8)
    level_of_care = models.CharField(max_length=32, choices=LevelOfCare.choices, blank=True)
    searches = models.PositiveIntegerField(default=1, help_text=_("How many searches found nothing here that day."))

    objects = SearchGapQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["searched_on", "state"], name="gap_day_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["searched_on", "surface", "state", "latitude", "longitude", "radius", "level_of_care"],
                name="gap_one_row_per_day_and_cell",
            )
        ]

    def __str__(self):
        return f"No results near {self.latitude},{self.longitude} ({self.state}) on {self.searched_on}: {self.searches}"

    @classmethod
    def record(cls, filterset, surface: str) -> None:
        """Count an empty search once per level of care asked for (or once for "any")."""
        origin = filterset.origin
        if origin is None:
            return
        data = filterset.form.cleaned_data
        state = origin.state
        if not state:
            from centers import geo

            state = geo.nearest_state(origin)
        # Sorted and de-duplicated: two requests for the same levels update their rows in the same order.
        for level in sorted(set(data.get("level") or [""])):
            cls.objects.add_one(
                searched_on=timezone.localdate(),
                surface=surface,
                state=state,
                latitude=round(origin.latitude, 1),
                longitude=round(origin.longitude, 1),
                radius=data.get("radius") or "",
                level_of_care=level,
            )
