"""The app's URLs plus two floors for comparison with the search page.

- ``bench/trivial/``: Django's request cycle (middleware, URL resolving) with no work at all.
- ``bench/base/``: the site's empty layout (base.html and its context processor): the least any
  page of Finder costs.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from finder.urls import urlpatterns as app_urlpatterns


def trivial(request):
    return HttpResponse("ok")


def base_page(request):
    return render(request, "base.html")


# The app's patterns themselves, not include()d: Django refuses i18n_patterns inside an included URLconf.
urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/base/", base_page),
    *app_urlpatterns,
]
