"""Writing a mapped HSDS package in bulk, inside the import's one transaction (no signals, no per-row history).

Like the SAMHSA importer: new facilities through ``centers.bulk``, changed ones with ``bulk_update``, their
``imported_at`` set so the first later edit through the ORM records the imported version first; the search bits
are computed from the codes and the search version is bumped once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify

from centers import bulk, search_flags
from centers.models import Availability, Facility, Insurer, SearchVersion, Service
from centers.vocabulary import Source
from opendata.models import Taxonomy, TaxonomyTerm, TermLink

# What an import sets on a facility that already exists (its source, key and id stay as they are).
UPDATED_FIELDS = (
    "name", "name2", "slug", "street1", "street2", "city", "state", "zip_code", "county", "latitude", "longitude",
    "phone", "intake_phone", "hotline", "website", "description", "facility_type", "operator", "status",
    "search_flags", "last_verified_at", "hours", "intake_hours", "imported_at", "updated_at",
)  # fmt: skip
IN_LIST_LIMIT = 5_000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    terms_kept: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class Planned:
    facility: Facility  # pk set if it exists already
    source: str  # the existing facility's source, or "hsds"
    codes: set[str]
    insurers: set[str]
    availability: list[Availability]
    term_links: set[tuple[str, str]]  # (kept term id, level or "" for the location)


def write_planned(planned: list[Planned], services: list[Service], kept: tuple[list, list], result) -> None:
    now = timezone.now()
    Service.objects.bulk_create(services, ignore_conflicts=True)
    taxonomies, terms = kept
    Taxonomy.objects.bulk_create(
        taxonomies, update_conflicts=True, unique_fields=["id"], update_fields=["name", "description", "uri", "version"]
    )
    TaxonomyTerm.objects.bulk_create(
        terms,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri"],
    )
    result.terms_kept = len(terms)
    for item in planned:
        facility = item.facility
        facility.slug = facility.make_slug()
        facility.search_flags = search_flags.flags_for(item.codes)
        facility.imported_at = now
        facility.updated_at = facility.updated_at or now
    new = [item for item in planned if item.facility.pk is None]
    old = [item for item in planned if item.facility.pk is not None]
    for item in new:
        item.facility.created_at = now
    bulk.insert(Facility, [item.facility for item in new])
    if new:
        pks = _pks_by_uuid({item.facility.uuid for item in new})
        for item in new:
            item.facility.pk = pks[item.facility.uuid]
    Facility.objects.bulk_update([item.facility for item in old], UPDATED_FIELDS, batch_size=500)
    hsds_old = [item.facility for item in old if item.source == Source.HSDS]
    Facility.objects.bulk_update(hsds_old, ["imported_values"], batch_size=500)
    old_pks = [item.facility.pk for item in old]
    _delete_for(Facility.services.through.objects, old_pks)
    Facility.objects.add_service_links(
        (item.facility.pk, code) for item in planned for code in sorted(item.codes)
    )  # fmt: skip
    _write_insurers(planned, old_pks)
    _write_availability(planned, old_pks)
    _delete_for(TermLink.objects, old_pks)
    TermLink.objects.bulk_create(
        [
            TermLink(facility_id=item.facility.pk, term_id=term_id, level=level)
            for item in planned
            for term_id, level in sorted(item.term_links)
        ],
        batch_size=2000,
    )
    SearchVersion.objects.bump()  # the writes above are bulk writes: no signals
    result.created, result.updated = len(new), len(old)


def _pks_by_uuid(uuids: set) -> dict:
    rows = Facility.objects.values_list("uuid", "id")
    if len(uuids) <= IN_LIST_LIMIT:
        return dict(rows.filter(uuid__in=uuids))
    return {uuid: pk for uuid, pk in rows.iterator(chunk_size=10_000) if uuid in uuids}


def _delete_for(manager, pks: list[int]) -> None:
    for start in range(0, len(pks), IN_LIST_LIMIT):
        manager.filter(facility_id__in=pks[start : start + IN_LIST_LIMIT]).delete()


def _write_insurers(planned: list[Planned], old_pks: list[int]) -> None:
    names = {name for item in planned for name in item.insurers}
    known = dict(Insurer.objects.values_list("name", "id"))
    slugs = set(Insurer.objects.values_list("slug", flat=True))
    missing = []
    for name in sorted(names - known.keys()):
        slug, number = slugify(name)[:190] or "insurer", 1
        while slug in slugs:
            number += 1
            slug = f"{slugify(name)[:190] or 'insurer'}-{number}"
        slugs.add(slug)
        missing.append(Insurer(name=name, slug=slug))
    Insurer.objects.bulk_create(missing)
    known = dict(Insurer.objects.values_list("name", "id"))
    links = Facility.insurers.through
    _delete_for(links.objects, old_pks)
    links.objects.bulk_create(
        [
            links(facility_id=item.facility.pk, insurer_id=known[name])
            for item in planned
            for name in sorted(item.insurers)
        ],
        batch_size=5000,
    )


def _write_availability(planned: list[Planned], old_pks: list[int]) -> None:
    """Each level's availability from the package, unless staff said something newer in Finder."""
    current = {}
    for start in range(0, len(old_pks), IN_LIST_LIMIT):
        for row in Availability.objects.filter(facility_id__in=old_pks[start : start + IN_LIST_LIMIT]):
            current[row.facility_id, row.level] = row
    new, changed = [], []
    for item in planned:
        for availability in item.availability:
            availability.facility_id = item.facility.pk
            stored = current.get((item.facility.pk, availability.level))
            if stored is None:
                new.append(availability)
            elif stored.updated_at < availability.updated_at:
                availability.pk, availability.updated_by_id = stored.pk, None
                changed.append(availability)
    Availability.objects.bulk_create(new, batch_size=2000)
    Availability.objects.bulk_update(
        changed, ["status", "open_slots", "waitlist_days", "note", "updated_by", "updated_at"], batch_size=500
    )
