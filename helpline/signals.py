from django.dispatch import receiver
from django.urls import reverse

from centers.search import search_found_nothing
from helpline.access import is_helpline_worker
from helpline.models import SearchGap
from portal.landing import workplace_for


@receiver(search_found_nothing)
def record_search_gap(sender, filterset, surface, **kwargs):
    SearchGap.record(filterset, surface)


@receiver(workplace_for)
def helpline_workspace(sender, user, **kwargs):
    """Helpline workers and supervisors land in the workspace after logging in."""
    return reverse("helpline:search") if is_helpline_worker(user) else None
