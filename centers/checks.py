"""System checks for derived data. Run them with ``manage.py check --database default`` (the test suite does)."""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError

SHOW_AT_MOST = 5


@register(Tags.database)
def check_search_flags(app_configs=None, databases=None, **kwargs):
    """Stored search bits must match each facility's services, or filters and cards disagree."""
    from centers.models import Facility

    errors = []
    for alias in databases or ():
        try:
            drift = Facility.objects.using(alias).search_flags_drift()
        except DatabaseError:
            continue  # not migrated yet: nothing stored to disagree
        if drift:
            names = ", ".join(
                str(facility) for facility in Facility.objects.using(alias).filter(pk__in=sorted(drift)[:SHOW_AT_MOST])
            )
            errors.append(
                Error(
                    f"{len(drift)} facilities have search flags that disagree with their services "
                    f"(database {alias!r}; for example {names}), so search filters miss them or find them wrongly.",
                    hint="Run `manage.py refresh_search_flags`, and find the write that changed services without them.",
                    obj=Facility,
                    id="centers.E001",
                )
            )
    return errors
