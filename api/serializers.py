"""What the JSON API says about a facility: what its card and page say, in fields a program can read."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
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


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The value the search parameter of the same name takes.")
    label = serializers.CharField(help_text="Plain words for families.")

    def to_representation(self, choice):
        return {"value": choice.value, "label": choice.label}


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
    level_label = serializers.CharField(source="level_of_care.label")
    status = serializers.ChoiceField(
        choices=AvailabilityStatus.values,
        help_text="As staff said it. When `is_current` is false the site shows “Unknown, call to check”.",
    )
    status_label = serializers.CharField(source="get_status_display")
    is_current = serializers.SerializerMethodField(
        help_text="Said within FINDER_AVAILABILITY_FRESH_HOURS (72 hours unless configured)."
    )
    open_slots = serializers.IntegerField(allow_null=True, help_text="Open beds or slots, if staff said.")
    waitlist_days = serializers.IntegerField(allow_null=True, help_text="About how long a new patient waits.")
    note = serializers.CharField(help_text="Short, for families (may be empty).")
    updated_at = serializers.DateTimeField(help_text="When staff last said this.")
    age_hours = serializers.SerializerMethodField(help_text="Whole hours since `updated_at`.")
    current_until = serializers.SerializerMethodField(
        help_text="When this stops being current, unless staff update it."
    )

    def get_is_current(self, availability) -> bool:
        return availability.is_current

    def get_age_hours(self, availability) -> int:
        return age_hours(availability.updated_at, self.context.get("now") or timezone.now())

    @extend_schema_field(serializers.DateTimeField())
    def get_current_until(self, availability):
        moment = availability.updated_at + timedelta(hours=settings.FINDER_AVAILABILITY_FRESH_HOURS)
        return serializers.DateTimeField().to_representation(moment)


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
        field = serializers.DateTimeField()
        return {
            "last_verified_at": field.to_representation(facility.last_verified_at)
            if facility.last_verified_at
            else None,
            "verified_by": verified_by,
            "stale": facility.is_verification_stale,
            "imported_at": field.to_representation(facility.imported_at) if facility.imported_at else None,
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
    distance_miles = serializers.SerializerMethodField(help_text="From the searched place; null without `location`.")
    phones = serializers.SerializerMethodField(help_text="Intake first, then the main number, then the hotline.")
    website = serializers.CharField()
    levels_of_care = serializers.SerializerMethodField()
    medications = serializers.SerializerMethodField()
    payments = serializers.SerializerMethodField()
    populations = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField(help_text="Spanish, ASL, and “another language” for any other.")
    insurers = InsurerSerializer(many=True, source="insurers.all", help_text="Named insurers the facility listed.")
    accepting_now = serializers.SerializerMethodField(help_text="Current availability says accepting, at any level.")
    availability = AvailabilitySerializer(many=True, source="availability_by_level")
    verification = VerificationSerializer(source="*")
    url = serializers.SerializerMethodField(help_text="The facility's page on Finder.")
    api_url = serializers.SerializerMethodField(help_text="This facility in the JSON API.")

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_miles(self, facility):
        distance = getattr(facility, "distance_miles", None)
        return None if distance is None else round(distance, 2)

    @extend_schema_field(PhoneSerializer(many=True))
    def get_phones(self, facility):
        return [
            {"number": getattr(facility, field), "type": kind, "description": description}
            for field, kind, description in PHONE_TYPES
            if getattr(facility, field)
        ]

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_levels_of_care(self, facility):
        return ChoiceSerializer(facility.levels_of_care, many=True).data

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_medications(self, facility):
        return ChoiceSerializer(facility.medications, many=True).data

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_payments(self, facility):
        return ChoiceSerializer(facility.payments, many=True).data

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_populations(self, facility):
        return ChoiceSerializer(facility.populations, many=True).data

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_languages(self, facility):
        return ChoiceSerializer(facility.languages, many=True).data

    def get_accepting_now(self, facility) -> bool:
        return facility.is_accepting_now

    def get_url(self, facility) -> str:
        return self.context["request"].build_absolute_uri(facility.get_absolute_url())

    def get_api_url(self, facility) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:facility", kwargs={"pk": facility.pk}))


class ServiceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="SAMHSA's service code.")
    label = serializers.CharField()
    category = serializers.CharField(help_text="The group the site lists it under.")


class FacilityDetailSerializer(FacilitySerializer):
    """One facility: its result card, and what its page adds."""

    description = serializers.CharField()
    hours = serializers.CharField()
    intake_hours = serializers.CharField()
    status = serializers.CharField(source="get_status_display", help_text="Open, Temporarily closed or Closed.")
    facility_type = serializers.CharField(source="get_facility_type_display")
    operator = serializers.CharField(source="get_operator_display", help_text="Who runs it (may be empty).")
    services = ServiceSerializer(many=True, source="services.all", help_text="Every SAMHSA service code it lists.")
