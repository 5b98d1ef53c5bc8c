"""The admissions staff portal: availability, listing edits, verification, problem reports."""

from django.http import Http404


def accept_invitation(request, token):
    raise Http404("not built yet")


def home(request):
    raise Http404("not built yet")


def facility(request, pk):
    raise Http404("not built yet")


def set_availability(request, pk):
    raise Http404("not built yet")


def edit_listing(request, pk):
    raise Http404("not built yet")


def verify_listing(request, pk):
    raise Http404("not built yet")


def resolve_report(request, pk, report_pk):
    raise Http404("not built yet")
