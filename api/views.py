"""Finder's JSON search API: the search page's FilterSet, parameters and messages, answered in JSON."""

from __future__ import annotations

from csp.decorators import csp_update
from django.shortcuts import render
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import cache
from api.conditional import clock_moments, search_clock_moments, verification_windows
from api.pagination import SearchPagination
from api.schema import BAD_REQUEST, NOT_FOUND, RETRY_AFTER, THROTTLED, boolean_errors, field_errors, filter_parameters
from api.serializers import FacilityDetailSerializer, FacilitySerializer
from centers.filters import FacilityFilter
from centers.models import Facility


class FacilityViewMixin:
    def get_serializer_context(self):
        site = self.request.build_absolute_uri("/").rstrip("/")  # once, not per facility
        return {**super().get_serializer_context(), "now": timezone.now(), "site": site}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "moments", None) is not None:
            response.clock_moments = self.moments  # for Last-Modified (api/conditional.py)
        return response


@extend_schema_view(
    get=extend_schema(
        operation_id="search_facilities",
        tags=["Facilities"],
        summary="Search facilities",
        description="The search page's search: the same parameters, the same ordering (nearest first near a place; by "
        "state, city and name without one) and the same messages for bad input. Without any parameter it lists every "
        "listed facility.",
        parameters=[*filter_parameters(FacilityFilter), RETRY_AFTER],
        responses={200: FacilitySerializer(many=True), 400: BAD_REQUEST, 429: THROTTLED},
    )
)
class FacilityList(FacilityViewMixin, generics.ListAPIView):
    serializer_class = FacilitySerializer
    pagination_class = SearchPagination

    def get_queryset(self):
        return Facility.objects.listed().for_helpline_cards()

    def filter_queryset(self, queryset):
        filterset = FacilityFilter(self.request.query_params, queryset=queryset)
        errors = {**boolean_errors(self.request.query_params, FacilityFilter), **field_errors(filterset.errors)}
        if errors:
            # Never the results of an invalid FilterSet: django-filter would silently drop the bad field.
            raise ValidationError(errors)
        return filterset.qs.annotate(**verification_windows(timezone.now()))

    def list(self, request, *args, **kwargs):
        key = cache.key_for(request)
        entry = cache.get(key)
        if entry is not None:
            data, self.moments = entry
            return Response(data)
        now = timezone.now()
        response = super().list(request, *args, **kwargs)
        # What changes with time alone: for Last-Modified, and to end the cached copy's life before it does.
        self.moments = search_clock_moments(self.shown, request.query_params, now)
        cache.put(key, (response.data, self.moments), self.moments, now)
        return response

    def paginate_queryset(self, queryset):
        self.shown = super().paginate_queryset(queryset)
        return self.shown


@extend_schema_view(
    get=extend_schema(
        operation_id="get_facility",
        tags=["Facilities"],
        summary="One facility",
        description="A listed facility: what its result card shows, and its description, hours and every service code.",
        parameters=[RETRY_AFTER],
        responses={200: FacilityDetailSerializer, 404: NOT_FOUND, 429: THROTTLED},
    )
)
class FacilityDetail(FacilityViewMixin, generics.RetrieveAPIView):
    serializer_class = FacilityDetailSerializer

    def get_queryset(self):
        # As the facility's page: listed, closed or not (its status says so).
        return Facility.objects.filter(is_listed=True).prefetch_related("services", "insurers", "availability")

    def get_object(self):
        facility = super().get_object()
        self.moments = clock_moments([facility], timezone.now())
        return facility


# Swagger UI draws its icons as data: images; nothing else is loosened, and only on this page.
@csp_update({"img-src": ["data:"]})
def docs(request):
    """Swagger UI for /api/schema/, from Finder's own static files (drf-spectacular-sidecar), no CDN."""
    return render(request, "api/docs.html")
