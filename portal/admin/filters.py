"""Changelist filters for stewards. Each is a one-line call into a QuerySet method or a stewardship condition."""

from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centers.models.availability import fresh_since
from centers.vocabulary import LevelOfCare, Source
from portal import stewardship


class LevelOfCareFilter(admin.SimpleListFilter):
    title = _("type of care")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return LevelOfCare.choices

    def queryset(self, request, queryset):
        if self.value() in LevelOfCare.values:
            return queryset.offering([self.value()])
        return queryset


class ListedFilter(admin.SimpleListFilter):
    """What the public sees: listed and not closed (FacilityQuerySet.listed)."""

    title = _("shown in search")
    parameter_name = "listed"

    def lookups(self, request, model_admin):
        return [("yes", _("Shown in search")), ("no", _("Hidden (unlisted or closed)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.listed()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.model.objects.listed().values("pk"))
        return queryset


class VerifiedFilter(admin.SimpleListFilter):
    title = _("last verified")
    parameter_name = "verified"
    # The dashboard links to finer buckets too; the one in use is added to the list so it shows as selected.
    offered = ["0-30", "30-180", "stale"]

    def lookups(self, request, model_admin):
        keys = self.offered + ([self.value()] if self.value() not in self.offered else [])
        return [(key, stewardship.verified_label(key)) for key in keys if stewardship.verified_condition(key)]

    def queryset(self, request, queryset):
        condition = stewardship.verified_condition(self.value() or "")
        return queryset.filter(condition) if condition is not None else queryset


class AvailabilityFilter(admin.SimpleListFilter):
    title = _("availability updated")
    parameter_name = "availability"

    def lookups(self, request, model_admin):
        hours = settings.FINDER_AVAILABILITY_FRESH_HOURS
        return [
            ("fresh", gettext("In the last %(hours)d hours") % {"hours": hours}),
            ("outdated", gettext("Over %(hours)d hours ago") % {"hours": hours}),
            ("never", _("Never set")),
        ]

    def queryset(self, request, queryset):
        condition = stewardship.availability_condition(self.value() or "")
        return queryset.filter(condition) if condition is not None else queryset


class OpenReportsFilter(admin.SimpleListFilter):
    title = _("open problem reports")
    parameter_name = "open_reports"

    def lookups(self, request, model_admin):
        return [("yes", _("Has open reports")), ("no", _("None open"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(stewardship.has_open_reports())
        if self.value() == "no":
            return queryset.exclude(stewardship.has_open_reports())
        return queryset


class StaffFilter(admin.SimpleListFilter):
    title = _("facility staff")
    parameter_name = "staff"

    def lookups(self, request, model_admin):
        return [("yes", _("Has staff members")), ("no", _("No staff member"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(stewardship.has_staff())
        if self.value() == "no":
            return queryset.exclude(stewardship.has_staff())
        return queryset


class DemoFilter(admin.SimpleListFilter):
    title = _("demo data")
    parameter_name = "demo"

    def lookups(self, request, model_admin):
        return [("yes", _("Demo data only")), ("no", _("Real listings only"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.demo()
        if self.value() == "no":
            return queryset.exclude(source=Source.DEMO)
        return queryset


class AvailabilityAgeFilter(admin.SimpleListFilter):
    """For Availability rows themselves."""

    title = _("updated")
    parameter_name = "updated"

    def lookups(self, request, model_admin):
        hours = settings.FINDER_AVAILABILITY_FRESH_HOURS
        return [
            ("fresh", gettext("In the last %(hours)d hours") % {"hours": hours}),
            ("outdated", gettext("Over %(hours)d hours ago") % {"hours": hours}),
        ]

    def queryset(self, request, queryset):
        if self.value() == "fresh":
            return queryset.current()
        if self.value() == "outdated":
            return queryset.exclude(updated_at__gte=fresh_since())
        return queryset


class InvitationStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting")), ("accepted", _("Accepted")), ("expired", _("Expired"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        conditions = {
            "waiting": Q(accepted_at__isnull=True, expires_at__gt=now),
            "accepted": Q(accepted_at__isnull=False),
            "expired": Q(accepted_at__isnull=True, expires_at__lte=now),
        }
        if self.value() in conditions:
            return queryset.filter(conditions[self.value()])
        return queryset
