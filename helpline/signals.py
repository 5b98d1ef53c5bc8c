from django.dispatch import receiver

from centers.search import search_found_nothing
from helpline.models import SearchGap


@receiver(search_found_nothing)
def record_search_gap(sender, filterset, surface, **kwargs):
    SearchGap.record(filterset, surface)
