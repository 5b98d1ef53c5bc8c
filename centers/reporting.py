"""Public forms about a listing: "Report a problem" and "I work here: claim this listing"."""

from django.http import Http404


def report_problem(request, pk):
    raise Http404("not built yet")


def claim_listing(request, pk):
    raise Http404("not built yet")
