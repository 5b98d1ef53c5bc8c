"""/api/hsds/: HSDS 3.1's paths have no trailing slash; each is answered with or without one, never redirected."""

from django.urls import re_path

from opendata import views

app_name = "hsds"


def hsds_path(path: str, view, name: str):
    # "services" and "services/" both match: a redirect would drop a POST body and cost a client a round trip.
    return re_path(rf"^{path}/?$", view.as_view(), name=name)


ID = r"(?P<id>[^/]+)"

urlpatterns = [
    re_path(r"^$", views.ApiRoot.as_view(), name="root"),
    hsds_path("services", views.ServiceList, "services"),
    hsds_path(f"services/{ID}", views.ServiceDetail, "service"),
    hsds_path("service_at_locations", views.ServiceAtLocationList, "service-at-locations"),
    hsds_path(f"service_at_locations/{ID}", views.ServiceAtLocationDetail, "service-at-location"),
    hsds_path("organizations", views.OrganizationList, "organizations"),
    hsds_path(f"organizations/{ID}", views.OrganizationDetail, "organization"),
    hsds_path("taxonomies", views.TaxonomyList, "taxonomies"),
    hsds_path(f"taxonomies/{ID}", views.TaxonomyDetail, "taxonomy"),
    hsds_path("taxonomy_terms", views.TaxonomyTermList, "taxonomy-terms"),
    hsds_path(f"taxonomy_terms/{ID}", views.TaxonomyTermDetail, "taxonomy-term"),
    # Anything else under /api/hsds/ is a JSON 404, not the site's HTML page (and never an APPEND_SLASH redirect).
    re_path(r"^", views.Unknown.as_view(), name="unknown"),
]
