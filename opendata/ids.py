"""Every id Finder publishes in HSDS, derived with uuid5 from fixed namespaces: the one place they are defined.

A location's id is ``Facility.uuid`` (itself stable across re-imports); every other row's id is derived from it,
or from a code, so exporting the same directory from any database gives the same ids, and an import of Finder's
own package recreates them. Never change a namespace or a name below: published ids would all move.
"""

from __future__ import annotations

import hashlib
import uuid
from functools import cache

# One namespace per HSDS table (fixed forever).
ORGANIZATION = uuid.UUID("611cda5c-518d-4ea8-9dba-97956ae09520")
SERVICE = uuid.UUID("2bc4c504-0bbb-4a8e-804e-96f36097909e")
SERVICE_AT_LOCATION = uuid.UUID("3439e66a-82f8-4f26-8be3-dce3ee886410")
ADDRESS = uuid.UUID("fc65cc53-0626-4ae8-927d-942dae82bc71")
PHONE = uuid.UUID("e8e7812d-6079-4c83-95e9-908b32d0057a")
LANGUAGE = uuid.UUID("4bec36bb-168e-48b6-b29a-674d40806506")
COST_OPTION = uuid.UUID("d183e467-93bb-4790-9bdc-5588eba55b21")
FUNDING = uuid.UUID("c12622d1-98a5-4caf-91e6-fa599891ae4f")
SERVICE_CAPACITY = uuid.UUID("8475d836-b59a-4380-ac87-6fe752f2d8bd")
UNIT = uuid.UUID("c8aa8e07-4318-4599-b13a-16164f50f48e")
ATTRIBUTE = uuid.UUID("e3926ab4-3885-4c0e-bc57-422ad6493ffc")
TAXONOMY = uuid.UUID("b4951878-023e-4da8-9c0a-a263757c7bcb")
SAMHSA_TERM = uuid.UUID("acfe732f-f29c-49a2-b801-a87e53eff709")
FINDER_TERM = uuid.UUID("096497f1-54e4-49e6-800f-d0fff6b600dd")
SCHEDULE = uuid.UUID("14a6fff0-f776-4d39-985f-357032b4d55c")

_hashers = {namespace: hashlib.sha1(namespace.bytes) for namespace in (
    ORGANIZATION, SERVICE, SERVICE_AT_LOCATION, ADDRESS, PHONE, LANGUAGE, COST_OPTION, FUNDING, SERVICE_CAPACITY,
    UNIT, ATTRIBUTE, TAXONOMY, SAMHSA_TERM, FINDER_TERM, SCHEDULE,
)}  # fmt: skip

# A service that is not one level of care: a facility offering none gets one "Substance use treatment" service.
GENERAL_SERVICE = "general"


def _derived(namespace: uuid.UUID, *parts) -> str:
    """str(uuid.uuid5(namespace, "a|b|c")), computed directly: an export derives about a million ids."""
    hasher = _hashers[namespace].copy()
    hasher.update("|".join(map(str, parts)).encode())
    digest = bytearray(hasher.digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def organization(location_id) -> str:
    """Each facility is its own organization."""
    return _derived(ORGANIZATION, location_id)


def service(location_id, level: str) -> str:
    """One service per level of care offered (``level`` a LevelOfCare value, or GENERAL_SERVICE)."""
    return _derived(SERVICE, location_id, level)


def service_at_location(service_id) -> str:
    return _derived(SERVICE_AT_LOCATION, service_id)


def address(location_id) -> str:
    return _derived(ADDRESS, location_id)


def phone(location_id, kind: str) -> str:
    """``kind``: "intake", "main" or "hotline"."""
    return _derived(PHONE, location_id, kind)


def schedule(location_id, kind: str) -> str:
    """``kind``: "hours" or "intake"."""
    return _derived(SCHEDULE, location_id, kind)


def language(location_id, code: str) -> str:
    return _derived(LANGUAGE, location_id, code)


def cost_option(service_id, what: str) -> str:
    """``what``: a SAMHSA payment code, or "insurer:<name>"."""
    return _derived(COST_OPTION, service_id, what)


def funding(organization_id, code: str) -> str:
    return _derived(FUNDING, organization_id, code)


def service_capacity(service_id) -> str:
    return _derived(SERVICE_CAPACITY, service_id)


def unit(name: str) -> str:
    return _derived(UNIT, name)


def attribute(link_id, taxonomy_term_id) -> str:
    return _derived(ATTRIBUTE, link_id, taxonomy_term_id)


def taxonomy(name: str) -> str:
    return _derived(TAXONOMY, name)


@cache
def samhsa_term(code: str) -> str:
    """A SAMHSA service code's term (or, for "category:<value>", a category's)."""
    return _derived(SAMHSA_TERM, code)


@cache
def finder_term(code: str) -> str:
    """A Finder search choice's term ("level:outpatient"), or a filter's ("level")."""
    return _derived(FINDER_TERM, code)
