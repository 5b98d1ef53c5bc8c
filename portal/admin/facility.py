"""The stewards' facility admin: listings with their staff, availability and services, and the staleness dashboard."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from centers.models import Availability, Facility
from centers.vocabulary import VerifiedBy
from portal import stewardship
from portal.admin.display import availability_badge, verified_badge
from portal.admin.filters import (
    AvailabilityAgeFilter,
    AvailabilityFilter,
    DemoFilter,
    LevelOfCareFilter,
    ListedFilter,
    OpenReportsFilter,
    StaffFilter,
    VerifiedFilter,
)
from portal.admin.history import PlainHistoryAdmin
from portal.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]
    autocomplete_fields = ["user"]
    extra = 0
    verbose_name = "staff member"
    verbose_name_plural = "staff members"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "created_by")


class AvailabilityInline(admin.TabularInline):
    """What staff last said; stewards read it here and may delete a wrong row, but staff keep it current."""

    model = Availability
    fields = ["level", "status", "open_slots", "waitlist_days", "note", "updated_at", "updated_by"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("updated_by")

    def has_add_permission(self, request, obj=None):
        return False


class FacilityForm(forms.ModelForm):
    mark_verified = forms.BooleanField(
        label=_("I checked this listing today"),
        required=False,
        help_text=_("Marks the listing verified by the Finder team when you save."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = getattr(self.instance, "_history", None)  # set by simple-history on a version's instance
        if version is not None:
            # Reverting: the instance's own services and insurers are today's; show (and so save) the version's.
            self.initial["services"] = list(version.services.values_list("service_id", flat=True))
            self.initial["insurers"] = list(version.insurers.values_list("insurer_id", flat=True))


@admin.register(Facility)
class FacilityAdmin(PlainHistoryAdmin):
    form = FacilityForm
    formfield_overrides = {models.URLField: {"widget": widgets.AdminURLFieldWidget, "assume_scheme": "https"}}
    list_display = ["name", "city", "state", "status", "is_listed", "last_verified", "availability_age", "open_reports"]
    list_filter = [
        "state",
        LevelOfCareFilter,
        "status",
        ListedFilter,
        VerifiedFilter,
        AvailabilityFilter,
        OpenReportsFilter,
        StaffFilter,
        DemoFilter,
    ]
    search_fields = ["name", "name2", "city", "zip_code", "source_id"]
    ordering = ["name", "pk"]
    readonly_fields = [
        "last_verified_at",
        "last_verified_by",
        "last_verified_source",
        "slug",
        "source",
        "source_id",
        "imported_at",
        "imported_values",
        "created_at",
        "updated_at",
    ]
    filter_horizontal = ["services", "insurers"]
    inlines = [MembershipInline, AvailabilityInline]
    actions = ["mark_verified", "unlist", "relist", "export_csv"]
    fieldsets = [
        (
            "Name and status",
            {"fields": ["name", "name2", "status", "is_listed", "facility_type", "operator", "description"]},
        ),
        ("Contact", {"fields": ["intake_phone", "phone", "hotline", "website"]}),
        ("Hours", {"fields": ["hours", "intake_hours"]}),
        ("Address", {"fields": ["street1", "street2", "city", "state", "zip_code", "county", "latitude", "longitude"]}),
        ("Services", {"fields": ["services", "insurers"]}),
        (
            "Verification",
            {"fields": ["mark_verified", "last_verified_at", "last_verified_by", "last_verified_source"]},
        ),
        (
            "Source",
            {
                "classes": ["collapse"],
                "fields": ["slug", "source", "source_id", "imported_at", "imported_values", "created_at", "updated_at"],
            },
        ),
    ]

    def get_queryset(self, request):
        # Counts and the newest availability are subqueries, so the changelist costs the same for 3 rows or 100.
        return stewardship.with_steward_columns(super().get_queryset(request))

    def get_urls(self):
        dashboard = path(
            "staleness/", self.admin_site.admin_view(self.staleness_view), name="centers_facility_staleness"
        )
        # Before the default URLs: "<path:object_id>/" would otherwise take "staleness/".
        return [dashboard, *super().get_urls()]

    def save_model(self, request, obj, form, change):
        # SimpleHistoryAdmin (with HistoryRequestMiddleware) records request.user as the history user.
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("mark_verified"):
            obj.mark_verified(request.user, VerifiedBy.STEWARD)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        memberships = formset.save(commit=False)
        for membership in memberships:
            if membership.pk is None:
                membership.created_by = request.user
            membership.save()
        # Deleting a membership logs that person out everywhere (centers/signals.py).
        for membership in formset.deleted_objects:
            membership.delete()

    # Columns

    @admin.display(description=_("last verified"), ordering="last_verified_at")
    def last_verified(self, facility):
        return verified_badge(facility.last_verified_at)

    @admin.display(description=_("availability"), ordering="availability_updated_at")
    def availability_age(self, facility):
        return availability_badge(facility.availability_updated_at)

    @admin.display(description=_("open reports"), ordering="open_report_count")
    def open_reports(self, facility):
        if not facility.open_report_count:
            return "0"
        query = urlencode({"facility__id__exact": facility.pk, "status__exact": "open"})
        url = f"{reverse('admin:portal_problemreport_changelist')}?{query}"
        return format_html('<a href="{}">{}</a>', url, facility.open_report_count)

    # Actions

    @admin.action(description=_("Mark verified (I checked the selected listings today)"))
    def mark_verified(self, request, queryset):
        count = 0
        for facility in queryset:
            facility.mark_verified(request.user, VerifiedBy.STEWARD)
            self.log_change(request, facility, "Marked verified.")
            count += 1
        self.message_user(request, f"{count} {model_ngettext(self.opts, count)} marked verified.")

    @admin.action(description=_("Unlist (hide from search)"))
    def unlist(self, request, queryset):
        self._set_listed(request, queryset, listed=False)

    @admin.action(description=_("Relist (show in search)"))
    def relist(self, request, queryset):
        self._set_listed(request, queryset, listed=True)

    def _set_listed(self, request, queryset, listed: bool) -> None:
        count, unchanged = 0, 0
        for facility in queryset:
            if facility.is_listed == listed:
                unchanged += 1
                continue
            facility.is_listed = listed
            # One save per row (not queryset.update) so each change lands in the facility's history.
            facility.save(update_fields=["is_listed", "updated_at"])
            self.log_change(request, facility, [{"changed": {"fields": ["Listed"]}}])
            count += 1
        verb = "relisted" if listed else "unlisted"
        message = f"{count} {model_ngettext(self.opts, count)} {verb}."
        if unchanged:
            message += f" {unchanged} already {'were' if unchanged > 1 else 'was'}."
        self.message_user(request, message)

    @admin.action(description=_("Export selected as CSV"))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="finder-facilities-{timezone.localdate()}.csv"'
        # A byte-order mark, so Excel reads the file as UTF-8 (names have accents and dashes).
        response.write("\ufeff")
        stewardship.write_facilities_csv(queryset, response)
        return response

    # The staleness dashboard

    def staleness_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        request.current_app = self.admin_site.name
        changelist = reverse("admin:centers_facility_changelist")

        def listed_where(**params):
            return f"{changelist}?{urlencode({ListedFilter.parameter_name: 'yes', **params})}"

        data = stewardship.dashboard()
        for bucket in data["verified"]:
            bucket["url"] = listed_where(**{VerifiedFilter.parameter_name: bucket["key"]})
        context = {
            **self.admin_site.each_context(request),
            **data,
            "opts": self.opts,
            "title": "Listings needing attention",
            "fresh_hours": settings.FINDER_AVAILABILITY_FRESH_HOURS,
            "stale_days": settings.FINDER_VERIFICATION_STALE_DAYS,
            "listed_url": listed_where(),
            "stale_url": listed_where(**{VerifiedFilter.parameter_name: "stale"}),
            "availability_outdated_url": listed_where(**{AvailabilityFilter.parameter_name: "outdated"}),
            "availability_never_url": listed_where(**{AvailabilityFilter.parameter_name: "never"}),
            "without_staff_url": listed_where(**{StaffFilter.parameter_name: "no"}),
            "open_reports_url": f"{reverse('admin:portal_problemreport_changelist')}?status__exact=open",
            "pending_changes_url": f"{reverse('admin:portal_pendingchange_changelist')}?status__exact=pending",
        }
        return TemplateResponse(request, "admin/centers/staleness.html", context)


@admin.register(Availability)
class AvailabilityAdmin(PlainHistoryAdmin):
    """Read-only: staff set availability in the portal; stewards read it and its history here."""

    list_display = ["facility", "level", "status", "open_slots", "waitlist_days", "updated", "updated_by"]
    list_filter = ["level", "status", AvailabilityAgeFilter, "facility__state"]
    list_select_related = ["facility", "updated_by"]
    search_fields = ["facility__name", "facility__city"]
    ordering = ["-updated_at"]

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated(self, availability):
        return availability_badge(availability.updated_at)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
