"""What data stewards look at: freshness buckets, the staleness dashboard, CSV export and invitation emails.

The admin's list filters and the dashboard read the same conditions from here, so a count on the
dashboard always matches the changelist it links to.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from centers.models import Availability, Facility
from centers.models.facility import stale_before
from finder import mail
from finder.csv_safety import SpreadsheetSafeWriter
from portal.models import Invitation, Membership, PendingChange, ProblemReport

# Days since a listing was last verified: key -> (label, at least, under). The dashboard shows the
# fine buckets; the changelist filter offers the coarse ones ("stale" follows FINDER_VERIFICATION_STALE_DAYS).
VERIFIED_DAYS = {
    "0-30": ("In the last 30 days", 0, 30),
    "30-90": ("30 to 90 days ago", 30, 90),
    "90-180": ("90 to 180 days ago", 90, 180),
    "30-180": ("30 to 180 days ago", 30, 180),
    "180+": ("Over 180 days ago", 180, None),
}
DASHBOARD_VERIFIED_BUCKETS = ["0-30", "30-90", "90-180", "180+", "never"]


def verified_condition(key: str) -> Q | None:
    """The condition for a "last verified" bucket key (see VERIFIED_DAYS, plus "never" and "stale")."""
    if key == "never":
        return Q(last_verified_at__isnull=True)
    if key == "stale":
        return Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=stale_before())
    if key not in VERIFIED_DAYS:
        return None
    _, at_least, under = VERIFIED_DAYS[key]
    now = timezone.now()
    condition = Q(last_verified_at__lte=now - timedelta(days=at_least))
    if under is not None:
        condition &= Q(last_verified_at__gt=now - timedelta(days=under))
    return condition


def verified_label(key: str) -> str:
    if key == "never":
        return "Never"
    if key == "stale":
        return f"Over {settings.FINDER_VERIFICATION_STALE_DAYS} days ago, or never"
    return VERIFIED_DAYS[key][0]


def availability_condition(key: str):
    """Availability age: "fresh" (updated within FINDER_AVAILABILITY_FRESH_HOURS), "outdated", or "never" set."""
    any_set = Exists(Availability.objects.filter(facility_id=OuterRef("pk")))
    current = Exists(Availability.objects.current().filter(facility_id=OuterRef("pk")))
    return {"fresh": Q(current), "outdated": Q(any_set) & ~Q(current), "never": ~Q(any_set)}.get(key)


def has_open_reports() -> Q:
    return Q(Exists(ProblemReport.objects.open().filter(facility_id=OuterRef("pk"))))


def has_staff() -> Q:
    return Q(Exists(Membership.objects.filter(facility_id=OuterRef("pk"))))


def with_steward_columns(queryset):
    """Annotate ``open_report_count`` and ``availability_updated_at`` (newest of any level) as subqueries."""
    open_reports = (
        ProblemReport.objects.open()
        .filter(facility_id=OuterRef("pk"))
        .order_by()
        .values("facility_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    newest_availability = (
        Availability.objects.filter(facility_id=OuterRef("pk")).order_by("-updated_at").values("updated_at")[:1]
    )
    return queryset.annotate(
        open_report_count=Coalesce(Subquery(open_reports, output_field=IntegerField()), Value(0)),
        availability_updated_at=Subquery(newest_availability),
    )


def dashboard(limit: int = 5) -> dict:
    """Counts and short lists of listed facilities needing a steward, in a fixed number of queries."""
    listed = Facility.objects.listed()
    counts = listed.aggregate(
        total=Count("pk"),
        **{
            f"verified_{i}": Count("pk", filter=verified_condition(key))
            for i, key in enumerate(DASHBOARD_VERIFIED_BUCKETS)
        },
        availability_outdated=Count("pk", filter=availability_condition("outdated")),
        availability_never=Count("pk", filter=availability_condition("never")),
        without_staff=Count("pk", filter=~has_staff()),
    )
    verified = [
        {"key": key, "label": verified_label(key), "count": counts[f"verified_{i}"]}
        for i, key in enumerate(DASHBOARD_VERIFIED_BUCKETS)
    ]
    return {
        "listed_count": counts["total"],
        "verified": verified,
        "longest_unverified": listed.filter(verified_condition("stale")).order_by(
            F("last_verified_at").asc(nulls_first=True), "name"
        )[:limit],
        "availability_outdated_count": counts["availability_outdated"],
        "availability_never_count": counts["availability_never"],
        "availability_outdated": with_steward_columns(listed.filter(availability_condition("outdated"))).order_by(
            "availability_updated_at", "name"
        )[:limit],
        "without_staff_count": counts["without_staff"],
        "without_staff": listed.exclude(has_staff()).order_by("name")[:limit],
        "open_report_count": ProblemReport.objects.open().count(),
        "open_reports": ProblemReport.objects.open().select_related("facility").order_by("created_at")[:limit],
        "pending_change_count": PendingChange.objects.pending().count(),
        "pending_changes": PendingChange.objects.pending()
        .select_related("facility", "submitted_by")
        .order_by("submitted_at")[:limit],
    }


# CSV export

CSV_HEADER = [
    "id",
    "name",
    "second name",
    "address",
    "phones",
    "website",
    "levels of care",
    "last verified",
    "availability",
]


def write_facilities_csv(facilities, file) -> int:
    """Write one row per facility to ``file``; returns the number of rows. Prefetches services and availability."""
    writer = SpreadsheetSafeWriter(file)
    writer.writerow(CSV_HEADER)
    rows = 0
    for facility in facilities.prefetch_related("services", "availability").order_by("name", "pk"):
        writer.writerow(facility_row(facility))
        rows += 1
    return rows


def facility_row(facility: Facility) -> list:
    phones = [
        ("Intake", facility.intake_phone),
        ("Main", facility.phone),
        ("24-hour hotline", facility.hotline),
    ]
    return [
        facility.pk,
        facility.name,
        facility.name2,
        facility.full_address,
        "; ".join(f"{label}: {number}" for label, number in phones if number),
        facility.website,
        "; ".join(str(level.label) for level in facility.levels_of_care),
        _verified_text(facility),
        "; ".join(_availability_text(availability) for availability in facility.availability_by_level()),
    ]


def _verified_text(facility: Facility) -> str:
    if facility.last_verified_at is None:
        return "never"
    text = timezone.localtime(facility.last_verified_at).date().isoformat()
    if facility.last_verified_source:
        text += f" by {facility.get_last_verified_source_display()}"
    return text


def _availability_text(availability: Availability) -> str:
    text = f"{availability.get_level_display()}: {availability.get_status_display()}"
    if availability.open_slots is not None:
        text += f", {availability.open_slots} open"
    if availability.waitlist_days is not None:
        text += f", about {availability.waitlist_days} days' wait"
    text += f" (as of {timezone.localtime(availability.updated_at):%Y-%m-%d %H:%M}"
    return text + (")" if availability.is_current else ", outdated)")


# Invitations


def send_invitation(invitation: Invitation, link: str) -> None:
    """Email the invitation link (request.build_absolute_uri(invitation.link_path())), or raise mail.NotSent."""
    # In the active language when it is sent (the admin's; claim approvals too): the invitee's is not known.
    facility = invitation.facility
    values = {
        "name": facility.name,
        "city": facility.city,
        "state": facility.state,
        "role": invitation.get_role_display().lower(),
        "link": link,
        "expires": date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
    }
    subject = gettext("Finder: keep the listing for %(name)s up to date") % values
    body = "\n\n".join(
        [
            gettext("You've been invited to update the Finder listing for %(name)s (%(city)s, %(state)s) as %(role)s.")
            % values,
            gettext(
                "Families use Finder to find treatment. Keeping your availability and phone numbers current "
                "means fewer wasted calls when someone is ready for help."
            ),
            gettext("Set your password and start here:\n%(link)s") % values,
            gettext("This link works once, until %(expires)s. If you weren't expecting it, you can ignore this email.")
            % values,
        ]
    )
    mail.send(subject, body + "\n", invitation.email)
