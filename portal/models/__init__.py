"""Who keeps listings true, and what waits for them: staff memberships, invitations, claims, reviews, reports."""

from portal.models.review import PendingChange, ProblemReport, ReviewStatus
from portal.models.staff import (
    ClaimRequest,
    Invitation,
    InvitationAlreadyUsed,
    LoginSession,
    Membership,
    logout_everywhere,
)

__all__ = [
    "ClaimRequest",
    "Invitation",
    "InvitationAlreadyUsed",
    "LoginSession",
    "Membership",
    "PendingChange",
    "ProblemReport",
    "ReviewStatus",
    "logout_everywhere",
]
