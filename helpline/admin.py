"""The referral log and the searches that found nothing, for stewards: read-only, except deleting notes."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpline.models import Referral, SearchGap

DATE_PARTS = {"year": 9999, "month": 12, "day": 31}


def valid_date_drilldown(params, field: str) -> bool:
    """True unless the date hierarchy's year, month or day is not a plain number in its range.

    Django's changelist turns ValueError into "incorrect lookup", but a year like 2147483648 raises OverflowError.
    """
    for part, most in DATE_PARTS.items():
        value = params.get(f"{field}__{part}")
        if value is not None and not (value.isascii() and value.isdigit() and 1 <= int(value) <= most):
            return False
    return True


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the helpline and the search pages; the admin only reads them, so reports stay true."""

    def changelist_view(self, request, extra_context=None):
        if self.date_hierarchy and not valid_date_drilldown(request.GET, self.date_hierarchy):
            # What the changelist does for any other bad filter: start again with "?e=1".
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "facility_name",
        "state",
        "county",
        "level_sought",
        "outcome",
        "follow_up",
        "note_kept",
    ]
    list_filter = ["outcome", "level_sought", "state", "created_at", "follow_up_outcome"]
    list_select_related = ["worker"]
    search_fields = ["facility_name", "county"]
    date_hierarchy = "created_at"
    actions = ["delete_notes"]
    fieldsets = [
        ("Referral", {"fields": ["created_at", "worker", "facility", "facility_name", "state", "county"]}),
        ("What the caller needed", {"fields": ["level_sought", "payment", "outcome"]}),
        ("Follow-up", {"fields": ["follow_up_on", "follow_up_done_at", "follow_up_outcome"]}),
        ("Note", {"fields": ["note", "note_purged_at"]}),
    ]

    @admin.display(description=_("follow-up"))
    def follow_up(self, referral):
        if referral.follow_up_done_at:
            return f"done: {referral.get_follow_up_outcome_display()}"
        return referral.follow_up_on or "none"

    @admin.display(description=_("note"), boolean=True)
    def note_kept(self, referral):
        return bool(referral.note)

    @admin.action(
        description=_("Delete the notes of the selected referrals (the notes cannot be restored)"),
        permissions=["delete_notes"],
    )
    def delete_notes(self, request, queryset):
        count = queryset.exclude(note="").update(note="", note_purged_at=timezone.now())
        self.message_user(request, f"Deleted the notes of {count} referral{'' if count == 1 else 's'}.")

    def has_delete_notes_permission(self, request):
        # Notes are deleted anyway after settings.FINDER_REFERRAL_NOTE_RETENTION_DAYS; any steward may do it sooner.
        return self.has_view_permission(request)

    def changelist_view(self, request, extra_context=None):
        days = settings.FINDER_REFERRAL_NOTE_RETENTION_DAYS
        extra_context = {"title": f"Referrals (notes are deleted after {days} days)", **(extra_context or {})}
        return super().changelist_view(request, extra_context)


@admin.register(SearchGap)
class SearchGapAdmin(ReadOnlyAdmin):
    list_display = ["searched_on", "surface", "state", "latitude", "longitude", "radius", "level_of_care", "searches"]
    list_filter = ["surface", "level_of_care", "state", "searched_on"]
    date_hierarchy = "searched_on"
