import re
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode

from centers import geo
from centers.filters import FacilityFilter
from centers.models import Facility
from centers.search import search_results
from centers.search_cache import cached_search
from centers.vocabulary import LevelOfCare, Medication

GUIDE_TOPICS = {
    **{level.value: level for level in LevelOfCare},
    **{medication.value: medication for medication in Medication},
}


@cached_search
def search(request):
    filterset = FacilityFilter(request.GET or None, queryset=Facility.objects.listed().for_cards())
    context, status = search_results(request, filterset, "public", settings.FINDER_RESULTS_PER_PAGE)
    return render(request, "centers/facility_search.html", context, status=status)


def detail(request, pk, slug):
    listed = Facility.objects.filter(is_listed=True).prefetch_related("services", "insurers", "availability")
    facility = get_object_or_404(listed, pk=pk)
    back = search_query_from(request.GET.get("back", ""))
    if slug != (facility.slug or "facility"):
        url = facility.get_absolute_url()
        return redirect(f"{url}?{urlencode({'back': back})}" if back else url, permanent=True)
    request.language_switch_query = urlencode({"back": back}) if back else ""  # the switch keeps only a search
    context = {
        "facility": facility,
        "fresh_hours": settings.FINDER_AVAILABILITY_FRESH_HOURS,
        "back_query": back,
        # The page itself, without the family's search: sharing a listing must not share where they searched.
        "share_url": request.build_absolute_uri(facility.get_absolute_url()),
    }
    return render(request, "centers/facility_detail.html", context)


# A search's own parameters only: "Back to results" can only ever lead to the search page.
MAX_BACK_LENGTH = 2000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def search_query_from(back: str) -> str:
    """The search query string carried in ?back=, cleaned; "" when it is not a search's (then: the plain search)."""
    back = back.removeprefix("?")
    if not back or len(back) > MAX_BACK_LENGTH or CONTROL_CHARACTERS.search(back):
        return ""
    try:
        pairs = parse_qsl(back, max_num_fields=100)
    except ValueError:
        return ""
    known = {*FacilityFilter.base_filters, "page"}
    if any(CONTROL_CHARACTERS.search(value) for _, value in pairs):
        return ""  # A CR or LF decoded from %0D%0A: no search of ours has one.
    return urlencode([(name, value) for name, value in pairs if name in known and value])


def guide_index(request):
    return render(request, "guide/index.html", {"levels": list(LevelOfCare), "medications": list(Medication)})


def guide_topic(request, topic):
    if topic not in GUIDE_TOPICS:
        raise Http404("No guide page by that name")
    choice = GUIDE_TOPICS[topic]
    parameter = "level" if isinstance(choice, LevelOfCare) else "medication"
    place = FacilityFilter.base_filters["location"]
    context = {
        "topic": choice,
        "search_parameter": parameter,
        "place_label": place.label,
        "place_help": place.extra["help_text"],
        "place_max_length": geo.MAX_PLACE_LENGTH,
    }
    return render(request, f"guide/{topic}.html", context)
