"""What the JSON API says about a facility: what its card and page say, in fields a program can read.

The declared fields describe each object (drf-spectacular reads them for /api/schema/); ``to_representation`` builds
it directly, because DRF's field-by-field machinery cost more than the search's own query. The contract test
(tests/test_api_contract.py) checks that what is built is what is declared.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from api.conditional import age_hours
from centers.models import AvailabilityStatus
from centers.vocabulary import VerifiedBy

# Intake first: it is the number a new patient or family should call.
PHONE_TYPES = [
    ("intake_phone", "intake", "Intake: the number a new patient or family should call"),
    ("phone", "main", "Main number"),
    ("hotline", "hotline", "24-hour hotline"),
]
_DATETIME = serializers.DateTimeField()


def moment(value):
    """A datetime as DRF writes one (ISO 8601 in the site's time zone), or None."""
    return None if value is None else _DATETIME.to_representation(value)


def choices(members) -> list[dict]:
    return [{"value": member.value, "label": member.label} for member in members]


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The value the search parameter of the same name takes.")
    label = serializers.CharField(help_text="Plain words for families.")


class PhoneSerializer(serializers.Serializer):
    number = serializers.CharField()
    type = serializers.ChoiceField(choices=[kind for _, kind, _ in PHONE_TYPES])
    description = serializers.CharField()


class InsurerSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="The value of the search's `insurer` parameter.")
    name = serializers.CharField()


class AvailabilitySerializer(serializers.Serializer):
    """What facility staff last said about taking a new patient at one level of care."""

    level = serializers.CharField(help_text="A level of care (the `level` search parameter's values).")
    level_label = serializers.CharField()
    status = serializers.ChoiceField(
        choices=AvailabilityStatus.values,
        help_text="As staff said it. When `is_current` is false the site shows “Unknown, call to check”.",
    )
    status_label = serializers.CharField()
    is_current = serializers.BooleanField(
        help_text="Said within FINDER_AVAILABILITY_FRESH_HOURS (72 hours unless configured)."
    )
    open_slots = serializers.IntegerField(allow_null=True, help_text="Open beds or slots, if staff said.")
    waitlist_days = serializers.IntegerField(allow_null=True, help_text="About how long a new patient waits.")
    note = serializers.CharField(help_text="Short, for families (may be empty).")
    updated_at = serializers.DateTimeField(help_text="When staff last said this.")
    age_hours = serializers.IntegerField(help_text="Whole hours since `updated_at`.")
    current_until = serializers.DateTimeField(help_text="When this stops being current, unless staff update it.")

    def to_representation(self, availability):
        now = self.context.get("now") or timezone.now()
        fresh = timedelta(hours=settings.FINDER_AVAILABILITY_FRESH_HOURS)
        return {
            "level": availability.level,
            "level_label": availability.level_of_care.label,
            "status": availability.status,
            "status_label": availability.get_status_display(),
            "is_current": availability.updated_at >= now - fresh,
            "open_slots": availability.open_slots,
            "waitlist_days": availability.waitlist_days,
            "note": availability.note,
            "updated_at": moment(availability.updated_at),
            "age_hours": age_hours(availability.updated_at, now),
            "current_until": moment(availability.updated_at + fresh),
        }


class VerificationSerializer(serializers.Serializer):
    last_verified_at = serializers.DateTimeField(allow_null=True, help_text="When someone last confirmed the listing.")
    verified_by = serializers.CharField(allow_null=True, help_text="Who, in the words the site uses (never a name).")
    stale = serializers.BooleanField(
        help_text="Not verified in FINDER_VERIFICATION_STALE_DAYS (180 unless configured): call to confirm."
    )
    imported_at = serializers.DateTimeField(allow_null=True, help_text="When it was last imported from SAMHSA.")

    def to_representation(self, facility):
        verified_by = None
        if facility.last_verified_at is not None:
            # As the page says it ("Verified by the Finder team"), whoever the person was.
            verified_by = facility.get_last_verified_source_display() or VerifiedBy.STEWARD.label
        return {
            "last_verified_at": moment(facility.last_verified_at),
            "verified_by": verified_by,
            "stale": facility.is_verification_stale,
            "imported_at": moment(facility.imported_at),
        }


class FacilitySerializer(serializers.Serializer):
    """A search result: what the result card shows, and more."""

    id = serializers.IntegerField(help_text="Finder's id, as in the page's address and /api/v1/facilities/{id}/.")
    uuid = serializers.UUIDField(help_text="The open data (HSDS) id: the HSDS location's id; it survives re-imports.")
    name = serializers.CharField()
    name2 = serializers.CharField(help_text="Program or doing-business-as name (may be empty).")
    street1 = serializers.CharField()
    street2 = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    zip_code = serializers.CharField()
    county = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    distance_miles = serializers.FloatField(
        allow_null=True, help_text="From the searched place; null without `location`."
    )
    phones = PhoneSerializer(many=True, help_text="Intake first, then the main number, then the hotline.")
    website = serializers.CharField()
    levels_of_care = ChoiceSerializer(many=True)
    medications = ChoiceSerializer(many=True)
    payments = ChoiceSerializer(many=True)
    populations = ChoiceSerializer(many=True)
    languages = ChoiceSerializer(many=True, help_text="Spanish, ASL, and “another language” for any other.")
    insurers = InsurerSerializer(many=True, help_text="Named insurers the facility listed.")
    accepting_now = serializers.BooleanField(help_text="Current availability says accepting, at any level.")
    availability = AvailabilitySerializer(many=True, help_text="In level-of-care order, as on the card.")
    verification = VerificationSerializer()
    url = serializers.URLField(help_text="The facility's page on Finder.")
    api_url = serializers.URLField(help_text="This facility in the JSON API.")

    def to_representation(self, facility):
        """Reads ``insurers`` and ``availability``: prefetch them in lists."""
        site = self.context.get("site") or self.context["request"].build_absolute_uri("/").rstrip("/")
        distance = getattr(facility, "distance_miles", None)
        availability = AvailabilitySerializer(context=self.context)
        entries = facility.availability_by_level()
        return {
            "id": facility.pk,
            "uuid": str(facility.uuid),
            "name": facility.name,
            "name2": facility.name2,
            "street1": facility.street1,
            "street2": facility.street2,
            "city": facility.city,
            "state": facility.state,
            "zip_code": facility.zip_code,
            "county": facility.county,
            "latitude": facility.latitude,
            "longitude": facility.longitude,
            "distance_miles": None if distance is None else round(distance, 2),
            "phones": [
                {"number": getattr(facility, field), "type": kind, "description": description}
                for field, kind, description in PHONE_TYPES
                if getattr(facility, field)
            ],
            "website": facility.website,
            "levels_of_care": choices(facility.levels_of_care),
            "medications": choices(facility.medications),
            "payments": choices(facility.payments),
            "populations": choices(facility.populations),
            "languages": choices(facility.languages),
            "insurers": [{"slug": insurer.slug, "name": insurer.name} for insurer in facility.insurers.all()],
            "accepting_now": facility.is_accepting_now,
            "availability": [availability.to_representation(entry) for entry in entries],
            "verification": VerificationSerializer().to_representation(facility),
            "url": site + facility.get_absolute_url(),
            "api_url": f"{site}{reverse('api:facilities')}{facility.pk}/",  # api:facility, without a reverse() each
        }


class ServiceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="SAMHSA's service code.")
    label = serializers.CharField()
    category = serializers.CharField(help_text="The group the site lists it under.")


class FacilityDetailSerializer(FacilitySerializer):
    """One facility: its result card, and what its page adds."""

    description = serializers.CharField()
    hours = serializers.CharField()
    intake_hours = serializers.CharField()
    status = serializers.CharField(help_text="Open, Temporarily closed or Closed.")
    facility_type = serializers.CharField()
    operator = serializers.CharField(help_text="Who runs it (may be empty).")
    services = ServiceSerializer(many=True, help_text="Every SAMHSA service code it lists.")

    def to_representation(self, facility):
        """Reads ``services`` too: prefetch it."""
        return {
            **super().to_representation(facility),
            "description": facility.description,
            "hours": facility.hours,
            "intake_hours": facility.intake_hours,
            "status": facility.get_status_display(),
            "facility_type": facility.get_facility_type_display(),
            "operator": facility.get_operator_display(),
            "services": [
                {"code": service.code, "label": service.label, "category": service.category}
                for service in facility.services.all()
            ],
        }
