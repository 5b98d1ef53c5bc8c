from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Round
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from centers import geo, search_flags
from centers.models.search_version import SearchVersion
from centers.models.service import Insurer, Service
from centers.taxonomy import ServiceCategory
from centers.vocabulary import (
    FacilityType,
    Language,
    LevelOfCare,
    Medication,
    Operator,
    Payment,
    Population,
    Source,
    Status,
    VerifiedBy,
)


class FacilityQuerySet(models.QuerySet):
    def listed(self):
        return self.filter(is_listed=True).exclude(status=Status.CLOSED)

    def demo(self):
        return self.filter(source=Source.DEMO)

    def with_search_flags(self, bits: int):
        """Facilities with any of these search bits (one column test; see centers/search_flags.py)."""
        return self.filter(GreaterThan(F("search_flags").bitand(bits), 0))

    def offering(self, levels):
        return self.with_search_flags(search_flags.mask("level", levels))

    def with_medications(self, medications):
        return self.with_search_flags(search_flags.mask("medication", medications))

    def paying_with(self, payments):
        return self.with_search_flags(search_flags.mask("payment", payments))

    def serving(self, populations):
        return self.with_search_flags(search_flags.mask("population", populations))

    def for_ages(self, ages):
        return self.with_search_flags(search_flags.mask("age", ages))

    def speaking(self, languages):
        return self.with_search_flags(search_flags.mask("language", languages))

    def with_telehealth(self):
        return self.with_search_flags(search_flags.mask("telehealth", ["yes"]))

    def search_flags_drift(self) -> dict[int, int]:
        """{pk: correct search_flags} for those of these facilities whose stored bits disagree with their services.

        One pass over the service links and one over the facilities, whatever the count (the system
        check and refresh_search_flags run it over the whole table).
        """
        codes: dict[int, set[str]] = {}
        links = Facility.services.through.objects.all()
        if self.query.has_filters():
            # Only for a subset: over the whole table the semi-join gains nothing, and right after a bulk
            # import (no statistics yet) PostgreSQL may plan it as a nested loop over every pair.
            links = links.filter(facility__in=self.values("pk"))
        for facility_id, code in links.values_list("facility_id", "service_id").iterator(chunk_size=10_000):
            codes.setdefault(facility_id, set()).add(code)
        drift = {}
        for pk, stored in self.values_list("pk", "search_flags").iterator(chunk_size=10_000):
            wanted = search_flags.flags_for(codes.get(pk, ()))
            if stored != wanted:
                drift[pk] = wanted
        return drift

    def refresh_search_flags(self) -> int:
        """Recompute search_flags from the services of these facilities; returns how many changed."""
        changed = [Facility(pk=pk, search_flags=flags) for pk, flags in self.search_flags_drift().items()]
        Facility.objects.bulk_update(changed, ["search_flags"], batch_size=500)
        if changed:
            SearchVersion.objects.bump(using=self.db)
        return len(changed)

    def accepting_insurers(self, insurers):
        return self.filter(
            Exists(Facility.insurers.through.objects.filter(facility_id=OuterRef("pk"), insurer__in=insurers))
        )

    def named(self, words: str):
        return self.filter(Q(name__icontains=words) | Q(name2__icontains=words))

    def in_state(self, state: str):
        return self.filter(state=state)

    def near(self, origin: geo.Point, miles: float):
        """Facilities within ``miles`` of ``origin``, with ``distance_miles`` annotated."""
        # Bounding box first: it is one range scan on the (latitude, longitude) index; the exact
        # distance is then computed only for the few rows inside the box. Across the antimeridian
        # (the Aleutians) the box is two longitude ranges.
        box = geo.bounding_box(origin, miles)
        longitudes = Q()
        for low, high in box.longitude_ranges():
            longitudes |= Q(longitude__range=(low, high))
        return (
            self.filter(longitudes, latitude__range=(box.min_lat, box.max_lat))
            .annotate(distance_miles=geo.distance_miles_expression(origin))
            .filter(distance_miles__lte=miles)
        )

    def by_distance(self, origin: geo.Point):
        """Nearest first; at equal distance (to a tenth of a mile) recently verified listings first.

        Annotates ``distance_miles`` if ``near()`` has not.
        """
        queryset = self
        if "distance_miles" not in self.query.annotations:
            queryset = self.annotate(distance_miles=geo.distance_miles_expression(origin))
        return queryset.annotate(unverified_rank=self._unverified_rank()).order_by(
            Round("distance_miles", 1), "unverified_rank", "distance_miles", "name", "pk"
        )

    def accepting_new_patients(self):
        """Facilities whose staff said, within the freshness window, that they take new patients."""
        from centers.models.availability import Availability

        accepting = Availability.objects.accepting().filter(facility_id=OuterRef("pk"))
        return self.filter(Exists(accepting))

    def availability_first(self):
        """Put facilities with current "accepting" availability first, keeping the order after that."""
        from centers.models.availability import Availability

        accepting = Availability.objects.accepting().filter(facility_id=OuterRef("pk"))
        ordering = self.query.order_by or ("name", "pk")
        return self.annotate(accepting_now=Exists(accepting)).order_by("-accepting_now", *ordering)

    def verification_stale(self):
        return self.filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=stale_before()))

    def add_service_links(self, links) -> None:
        """Insert (facility_id, service_code) pairs in bulk, for imports and demo data.

        Plain rows (COPY on PostgreSQL, executemany elsewhere): several times faster than
        bulk_create() of through-model instances for the 400,000 links of a national file. Bypasses
        history and signals, as any bulk write does (the search version is bumped here).
        """
        through = Facility.services.through
        connection = connections[self.db]
        table = connection.ops.quote_name(through._meta.db_table)
        sql = f"INSERT INTO {table} (facility_id, service_id) VALUES (%s, %s)"
        links = list(links)
        if links:
            SearchVersion.objects.bump(using=self.db)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY is PostgreSQL's bulk path: several times faster again than executemany.
                with cursor.cursor.copy(f"COPY {table} (facility_id, service_id) FROM STDIN") as copy:
                    for link in links:
                        copy.write_row(link)
                return
            for start in range(0, len(links), 10_000):
                cursor.executemany(sql, links[start : start + 10_000])

    def for_cards(self):
        """What a result card shows, in a constant number of queries.

        Cards read levels, medications and payments from the stored search bits (centers_extras.offers), not
        the services; the detail page prefetches those.
        """
        return self.prefetch_related("availability")

    # Helpline workspace (helpline/filters.py, helpline/views.py).

    def availability_updated_within(self, hours: int, levels=None):
        """Facilities whose staff updated availability in the last ``hours`` hours (for ``levels``, if given)."""
        from centers.models.availability import Availability

        since = timezone.now() - timedelta(hours=hours)
        updated = Availability.objects.filter(facility_id=OuterRef("pk"), updated_at__gte=since)
        if levels:
            updated = updated.filter(level__in=levels)
        return self.filter(Exists(updated))

    def accepting_patients_on_medication(self):
        """Facilities that take people already on methadone or buprenorphine (SAMHSA code MOA)."""
        return self.with_search_flags(search_flags.mask("on-medication", ["yes"]))

    def for_helpline_cards(self):
        """What a helpline result card or shortlist row shows (named insurers too), in a constant number of queries."""
        return self.prefetch_related("insurers", "availability")

    @staticmethod
    def _unverified_rank():
        return Case(When(last_verified_at__gte=stale_before(), then=Value(0)), default=Value(1))


def stale_before():
    """Listings last verified before this moment are marked as not recently verified."""
    return timezone.now() - timedelta(days=settings.FINDER_VERIFICATION_STALE_DAYS)


FACILITY_UUID_NAMESPACE = uuid.UUID("6f0f3c1e-5d7a-4b8e-9a51-2c0b1f7de3a4")  # of Facility.stable_uuid(), fixed forever

# Moving any of these moves the facility; street2 is a suite or unit line, so it does not.
ADDRESS_FIELDS = ("street1", "city", "state", "zip_code")
PLACE_FIELDS = (*ADDRESS_FIELDS, "latitude", "longitude")

# Kept at module level so that the version before a bulk write can be recorded with its services
# and insurers (see Facility.record_version_before_first_change).
FACILITY_HISTORY = HistoricalRecords(
    m2m_fields=["services", "insurers"], excluded_fields=["imported_values", "updated_at", "slug", "search_flags"]
)


class Facility(models.Model):
    name = models.CharField(max_length=200)
    name2 = models.CharField(
        "second name (doing business as)", max_length=200, blank=True, help_text="Program or DBA name, if any."
    )
    slug = models.SlugField(max_length=200, blank=True, help_text="Made from the name; used in the page address.")
    street1 = models.CharField("street address", max_length=200)
    street2 = models.CharField("street address, line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=geo.STATE_CHOICES)
    zip_code = models.CharField("ZIP code", max_length=5)
    county = models.CharField(max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True, help_text="Leave blank to use the ZIP code's center.")
    longitude = models.FloatField(null=True, blank=True)

    phone = models.CharField("main phone", max_length=40, blank=True)
    intake_phone = models.CharField(
        max_length=40, blank=True, help_text="The number a new patient or family should call. Keep it answered."
    )
    hotline = models.CharField("24-hour hotline", max_length=40, blank=True)
    website = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True)

    facility_type = models.CharField(max_length=4, choices=FacilityType.choices, default=FacilityType.SUBSTANCE_USE)
    operator = models.CharField("run by", max_length=32, choices=Operator.choices, blank=True)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.ACTIVE)
    is_listed = models.BooleanField("listed", default=True, help_text="Unlisted facilities never appear in search.")

    services = models.ManyToManyField(Service, blank=True, related_name="facilities")
    search_flags = models.BigIntegerField(
        default=0, editable=False, help_text="Derived from services, for fast search filters; never edit by hand."
    )
    insurers = models.ManyToManyField(Insurer, blank=True, related_name="facilities")

    # Published in the open data (HSDS) API and export; it never changes, even across re-imports.
    uuid = models.UUIDField("open data id", default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.FINDER)
    source_id = models.CharField(
        max_length=64, blank=True, help_text="Key in the source directory; re-imports update this facility."
    )
    imported_values = models.JSONField(
        default=dict, blank=True, help_text="Values as last imported, to tell local edits from source changes."
    )
    imported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_verified_at = models.DateTimeField(
        null=True, blank=True, help_text="When someone last confirmed this listing is accurate."
    )
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_verified_source = models.CharField("verified by", max_length=16, choices=VerifiedBy.choices, blank=True)
    hours = models.TextField("opening hours", blank=True, help_text="For example: Mon–Fri 8am–6pm, Sat 9am–1pm.")
    intake_hours = models.TextField(
        blank=True, help_text="When a new patient can call or walk in for an assessment. Say if it's 24/7."
    )

    history = FACILITY_HISTORY

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "facilities"
        indexes = [
            # Leads with the coordinates for the bounding-box range scan; the other columns let a
            # search's count be answered from the index alone, without reading table rows.
            models.Index(
                fields=["latitude", "longitude", "is_listed", "status", "search_flags"], name="facility_lat_lng"
            ),
            models.Index(fields=["state", "name"], name="facility_state_name"),
            # Every page asks whether demo facilities are listed (the banner): one index probe, not a table scan.
            models.Index(fields=["source", "is_listed"], name="facility_source_listed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], condition=~Q(source_id=""), name="facility_unique_source_id"
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.city}, {self.state}"

    def save(self, *args, **kwargs):
        self.slug = self.make_slug()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(PLACE_FIELDS):
            self.follow_address()
        super().save(*args, **kwargs)
        self._remember_place()

    def get_absolute_url(self):
        return reverse("centers:detail", kwargs={"pk": self.pk, "slug": self.slug or "facility"})

    @classmethod
    def from_db(cls, db, field_names, values):
        facility = super().from_db(db, field_names, values)
        facility._remember_place()
        return facility

    def clean(self):
        stored = self._stored_place()
        moved = stored is not None and self.moved_from(stored) and self._coordinates_as(stored)
        if moved and self.address_point() is None:
            raise ValidationError(
                {"zip_code": "We don't know where this ZIP code is, so enter the latitude and longitude too."}
            )
        if (self.latitude is None or self.longitude is None) and self.address_point() is None:
            raise ValidationError({"zip_code": "We don't know this ZIP code, so enter the latitude and longitude."})

    # Coordinates follow the address. save() calls follow_address(); bulk writers (the importer) call it themselves.

    def follow_address(self, stored: dict | None = None, located: geo.Point | None = None) -> None:
        """Re-place the facility if its address changed but its coordinates did not: they belong to the old address.

        ``stored`` is the address and coordinates as saved (read from the database if not given);
        ``located`` is where the writer knows the new address to be (an import file's coordinates),
        otherwise the ZIP code's or city's centre is used, offline. Coordinates changed together
        with the address are kept: whoever typed them knows better than a ZIP centre.
        """
        if stored is None:
            stored = self._stored_place()
        if stored is not None and self.moved_from(stored) and self._coordinates_as(stored):
            point = located or self.address_point()
            self.latitude, self.longitude = (point.latitude, point.longitude) if point else (None, None)
        elif self.latitude is None or self.longitude is None:
            point = self.address_point()
            if point is not None:
                self.latitude, self.longitude = point.latitude, point.longitude

    def moved_from(self, stored: dict) -> bool:
        """Whether the address differs from ``stored`` (ignoring case and spacing)."""
        return any(_plain(getattr(self, name)) != _plain(stored[name]) for name in ADDRESS_FIELDS)

    def address_point(self) -> geo.Point | None:
        """The centre of the facility's ZIP code, else of its city; offline, never an online lookup."""
        point = geo.zip_point(self.zip_code or "")
        city = f"{self.city}, {self.state}"
        if point is None and geo.CITY_STATE_RE.match(city):
            # Only the "City, ST" branch of lookup_place can match here, so no geocoder is called.
            try:
                point = geo.lookup_place(city)
            except geo.PlaceNotFound:
                point = None
        return point

    def _coordinates_as(self, stored: dict) -> bool:
        return self.latitude == stored["latitude"] and self.longitude == stored["longitude"]

    def _remember_place(self) -> None:
        # The address and coordinates as stored, so save() can tell which of them someone changed.
        if all(name in self.__dict__ for name in PLACE_FIELDS):
            self._stored = {name: self.__dict__[name] for name in PLACE_FIELDS}

    def _stored_place(self) -> dict | None:
        stored = getattr(self, "_stored", None)
        if stored is None and self.pk is not None:
            # Built rather than loaded (a history version being reverted to): ask the database.
            stored = Facility.objects.filter(pk=self.pk).values(*PLACE_FIELDS).first()
        return stored

    # History. Imports and demo data write in bulk, without history; the version they wrote is
    # recorded just before the first change through the ORM, so that change can be undone too.

    def record_version_before_first_change(self) -> None:
        """Record the stored facility as a version if a bulk write (import, demo data) left it without one.

        Called before every save and every change to services or insurers (centers/signals.py).
        """
        if self.pk is None or self.source == Source.FINDER:
            return  # Facilities added in Finder are saved through the ORM from the start.
        stored = Facility.objects.filter(pk=self.pk).first()
        if stored is None:
            return
        written_in_bulk_at = stored.imported_at or stored.created_at
        latest = self.history.order_by("-history_date").values_list("history_date", flat=True).first()
        if latest is not None and latest >= written_in_bulk_at:
            return
        stored._history_date, stored._history_user = written_in_bulk_at, None
        stored._change_reason = "As generated (demo data)" if stored.source == Source.DEMO else "As imported"
        FACILITY_HISTORY.create_historical_record(stored, "+" if latest is None else "~")

    @staticmethod
    def stable_uuid(source: str, source_id: str) -> uuid.UUID:
        """The open data id of an imported or generated facility: the same in every database that imports it."""
        return uuid.uuid5(FACILITY_UUID_NAMESPACE, f"{source}:{source_id}")

    def make_slug(self) -> str:
        return slugify(f"{self.name} {self.city} {self.state}")[:200]

    # What a card shows for each search filter is read from the stored search bits, the ones the filters
    # test, so a card never claims what the filter would not find (or the reverse), and a page of cards
    # needs no services query (the centers.E001 check keeps the bits in step with the services).

    def service_codes(self) -> set[str]:
        return {service.code for service in self.services.all()}

    @property
    def levels_of_care(self) -> list[LevelOfCare]:
        return search_flags.choices_in("level", self.search_flags)

    @property
    def medications(self) -> list[Medication]:
        return search_flags.choices_in("medication", self.search_flags)

    @property
    def payments(self) -> list[Payment]:
        return search_flags.choices_in("payment", self.search_flags)

    @property
    def populations(self) -> list[Population]:
        return search_flags.choices_in("population", self.search_flags)

    @property
    def languages(self) -> list[Language]:
        """Spanish, ASL, and "another language" for any other language code (SAMHSA's F and N codes)."""
        return search_flags.choices_in("language", self.search_flags)

    @property
    def takes_patients_on_medication(self) -> bool:
        return bool(search_flags.choices_in("on-medication", self.search_flags))

    def refresh_search_flags(self) -> None:
        """Store the search bits of this facility's services, here and in the database (two queries)."""
        links = Facility.services.through.objects.filter(facility_id=self.pk)
        self.search_flags = search_flags.flags_for(links.values_list("service_id", flat=True))
        if (
            Facility.objects.filter(pk=self.pk)
            .exclude(search_flags=self.search_flags)
            .update(search_flags=self.search_flags)
        ):
            SearchVersion.objects.bump(using=self._state.db)

    def services_by_category(self) -> list[tuple[str, list[Service]]]:
        groups: dict[str, list[Service]] = {}
        for service in sorted(self.services.all(), key=lambda s: s.label):
            groups.setdefault(service.category, []).append(service)
        return [(label, groups[value]) for value, label in ServiceCategory.choices if value in groups]

    def availability_by_level(self):
        """Availability in level-of-care order; reads self.availability.all(), so prefetch it in lists."""
        order = list(LevelOfCare.values)
        return sorted(self.availability.all(), key=lambda availability: order.index(availability.level))

    @property
    def is_accepting_now(self) -> bool:
        return any(a.status == "accepting" and a.is_current for a in self.availability.all())

    @property
    def is_verification_stale(self) -> bool:
        return self.last_verified_at is None or self.last_verified_at < stale_before()

    def mark_verified(self, user, source: str) -> None:
        """Someone confirmed the listing is accurate."""
        self.last_verified_at, self.last_verified_by, self.last_verified_source = timezone.now(), user, source
        self.save(update_fields=["last_verified_at", "last_verified_by", "last_verified_source", "updated_at"])

    @property
    def is_demo(self) -> bool:
        return self.source == Source.DEMO

    @property
    def call_phone(self) -> str:
        return self.intake_phone or self.phone or self.hotline

    @property
    def full_address(self) -> str:
        street = ", ".join(part for part in (self.street1, self.street2) if part)
        return f"{street}, {self.city}, {self.state} {self.zip_code}"


def _plain(value) -> str:
    return " ".join(str(value or "").lower().split())
