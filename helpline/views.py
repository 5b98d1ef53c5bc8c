"""The helpline workspace: keyboard-first search, the call's shortlist, and handing the caller the list."""

from django.http import Http404


def search(request):
    raise Http404("not built yet")


def shortlist(request):
    raise Http404("not built yet")


def shortlist_add(request):
    raise Http404("not built yet")


def shortlist_remove(request):
    raise Http404("not built yet")


def shortlist_move(request):
    raise Http404("not built yet")


def shortlist_clear(request):
    raise Http404("not built yet")


def shortlist_print(request):
    raise Http404("not built yet")


def shortlist_email(request):
    raise Http404("not built yet")


def called_facility(request, pk):
    raise Http404("not built yet")
