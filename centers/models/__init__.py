"""Finder's models, one module per subject; import them from here."""

from centers.models.availability import Availability, AvailabilityStatus
from centers.models.facility import Facility, FacilityQuerySet, Insurer, Service
from centers.models.review import PendingChange, ProblemReport
from centers.models.staff import ClaimRequest, Invitation, LoginSession, Membership, logout_everywhere

__all__ = [
    "Availability",
    "AvailabilityStatus",
    "ClaimRequest",
    "Facility",
    "FacilityQuerySet",
    "Insurer",
    "Invitation",
    "LoginSession",
    "Membership",
    "PendingChange",
    "ProblemReport",
    "Service",
    "logout_everywhere",
]
