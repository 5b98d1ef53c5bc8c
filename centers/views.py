from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from centers import geo
from centers.filters import FacilityFilter
from centers.models import Facility
from centers.search import search_results
from centers.vocabulary import LevelOfCare, Medication

GUIDE_TOPICS = {
    **{level.value: level for level in LevelOfCare},
    **{medication.value: medication for medication in Medication},
}


def search(request):
    filterset = FacilityFilter(request.GET or None, queryset=Facility.objects.listed().for_cards())
    context, status = search_results(request, filterset, "public", settings.FINDER_RESULTS_PER_PAGE)
    return render(request, "centers/facility_search.html", context, status=status)


def detail(request, pk, slug):
    listed = Facility.objects.filter(is_listed=True).prefetch_related("services", "insurers", "availability")
    facility = get_object_or_404(listed, pk=pk)
    if slug != (facility.slug or "facility"):
        return redirect(facility, permanent=True)
    context = {"facility": facility, "fresh_hours": settings.FINDER_AVAILABILITY_FRESH_HOURS}
    return render(request, "centers/facility_detail.html", context)


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
