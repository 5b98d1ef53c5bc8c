from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

import finder.ids  # noqa: F401 (registers <id:...>: a number too large for a primary key is a 404)
from api import views

app_name = "api"
urlpatterns = [
    path("v1/facilities/", views.FacilityList.as_view(), name="facilities"),
    path("v1/facilities/<id:pk>/", views.FacilityDetail.as_view(), name="facility"),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
]
