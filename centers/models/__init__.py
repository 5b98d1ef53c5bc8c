"""The treatment directory's models, one module per subject; import them from here."""

from centers.models.availability import Availability, AvailabilityStatus
from centers.models.facility import Facility, FacilityQuerySet
from centers.models.search_version import SearchVersion
from centers.models.service import Insurer, Service

__all__ = [
    "Availability",
    "AvailabilityStatus",
    "Facility",
    "FacilityQuerySet",
    "Insurer",
    "SearchVersion",
    "Service",
]
