from django.contrib import admin
from django.urls import include, path

from finder.views import healthz

urlpatterns = [
    # The portal first: its /facility/<pk>/report/ and /claim/ would otherwise match the directory's detail route.
    path("", include("portal.urls")),
    path("", include("centers.urls")),
    path("helpline/", include("helpline.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
