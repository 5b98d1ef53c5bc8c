"""Demo accounts for the demo directory: a steward, an admissions editor and a helpline worker."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from centers import geo
from centers.demo import DEMO_ACCOUNTS, DEMO_ADMISSIONS_NEAR
from centers.models import Facility
from centers.vocabulary import LevelOfCare
from portal.models import Membership

# Created by the helpline app's migrations; named here rather than imported, since the helpline builds on the portal.
HELPLINE_GROUPS = ["Helpline workers", "Helpline supervisors"]


def create_demo_accounts() -> list[tuple[str, str, str]]:
    """(username, password, what it is) for each demo account, created or reset."""

    User = get_user_model()
    accounts = []
    for username, (password, description) in DEMO_ACCOUNTS.items():
        user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@finder.example"})
        user.set_password(password)
        user.is_staff = user.is_superuser = username == "steward"
        user.save()
        if username == "helpline":
            user.groups.add(*Group.objects.filter(name__in=HELPLINE_GROUPS))
        accounts.append((username, password, description))
    origin = geo.zip_point(DEMO_ADMISSIONS_NEAR)
    facility = Facility.objects.demo().offering([LevelOfCare.INTENSIVE_OUTPATIENT]).by_distance(origin).first()
    if facility:
        Membership.objects.get_or_create(
            user=User.objects.get(username="admissions"), facility=facility, defaults={"role": Membership.Role.EDITOR}
        )
    return accounts
