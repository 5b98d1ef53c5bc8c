from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from finder.language import switch_language
from finder.views import healthz
from opendata.views import ApiRoot

urlpatterns = [
    # HSDS paths have no trailing slash: /api/hsds answers as /api/hsds/ does, never redirected.
    path("api/hsds", ApiRoot.as_view()),
    path("api/hsds/", include("opendata.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # The language switch on every page: remembers the choice, then shows the same page in that language.
    path("language/", switch_language, name="switch-language"),
]
# Pages people read: English at /..., the same page in Spanish at /es/... (a shareable address in either language).
urlpatterns += i18n_patterns(
    # The portal first: its /facility/<pk>/report/ and /claim/ would otherwise match the directory's detail route.
    path("", include("portal.urls")),
    path("", include("centers.urls")),
    path("helpline/", include("helpline.urls")),
    prefix_default_language=False,
)
