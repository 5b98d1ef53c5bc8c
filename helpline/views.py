"""The helpline workspace: keyboard-first search, the call's shortlist, and handing the caller the list."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from centers.models import Facility
from centers.search import search_results
from finder import mail
from helpline.access import helpline_worker_required
from helpline.filters import HelplineFacilityFilter
from helpline.forms import (
    CalledFacilityForm,
    CallerLanguageForm,
    ShortlistAddForm,
    ShortlistEmailForm,
    ShortlistItemForm,
    ShortlistMoveForm,
)
from helpline.models import SearchGap
from helpline.shortlist import MAX_FACILITIES, Shortlist, shortlist_text

EMAIL_FAILED = _("The email couldn't be sent just now. Try again in a minute, or read the list to the caller.")
EMAIL_NOT_SET_UP = _(
    "The email was not sent: this server is not set up to send email. Read the list to the caller, or print it."
)


def next_url(request, default: str = "helpline:search") -> str:
    """Where a form asked to go back to (``next``), if it is a path on this site; otherwise ``default``."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path: redirect() reads anything else ("0", "search") as a URL name, and a missing one is a 500.
    local = url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if local:
        return url
    return reverse(default)


def not_done(request, form):
    """A shortlist or "called" button sent something we can't act on: say what, and link back."""
    context = {"form": form, "back": next_url(request)}
    return render(request, "helpline/not_done.html", context, status=400)


def render_shortlist(request, shortlist, *, language_form, email_form=None, status=200):
    """The shortlist page; the text message and the hand-out links are in the caller's language."""
    facilities = shortlist.facilities()
    language = language_form.language
    with translation.override(language):
        text = shortlist_text(facilities)
    if language_form.is_bound and not language_form.is_valid():
        status = 400
    context = {
        "facilities": facilities,
        "text": text,
        "language_form": language_form,
        "caller_language": language,
        "caller_query": caller_query(language),
        "email_form": email_form or ShortlistEmailForm(facilities=facilities, language=language),
        "max_facilities": MAX_FACILITIES,
    }
    return render(request, "helpline/shortlist.html", context, status=status)


@helpline_worker_required
def search(request):
    queryset = Facility.objects.listed().for_helpline_cards()
    filterset = HelplineFacilityFilter(request.GET or None, queryset=queryset)
    per_page = settings.FINDER_HELPLINE_RESULTS_PER_PAGE
    context, status = search_results(request, filterset, SearchGap.Surface.HELPLINE, per_page)
    shortlist = Shortlist(request.session)
    context.update(shortlist_ids=shortlist.ids, shortlist_full=shortlist.is_full)
    return render(request, "helpline/search.html", context, status=status)


@helpline_worker_required
def shortlist(request):
    return render_shortlist(request, Shortlist(request.session), language_form=CallerLanguageForm(request.GET))


@helpline_worker_required
@require_POST
def shortlist_add(request):
    shortlist = Shortlist(request.session)
    form = ShortlistAddForm(request.POST, shortlist=shortlist)
    if not form.is_valid():
        return not_done(request, form)
    facility = form.cleaned_data["facility"]
    if shortlist.add(facility.pk):
        message = gettext("Added %(name)s to the shortlist (%(count)d of %(max)d).")
        messages.success(request, message % {"name": facility.name, "count": len(shortlist), "max": MAX_FACILITIES})
    else:
        messages.info(request, gettext("%(name)s is already on the shortlist.") % {"name": facility.name})
    return redirect(next_url(request))


@helpline_worker_required
@require_POST
def shortlist_remove(request):
    shortlist = Shortlist(request.session)
    form = ShortlistItemForm(request.POST, shortlist=shortlist)
    if not form.is_valid():
        return not_done(request, form)
    shortlist.remove(form.cleaned_data["facility"])
    messages.success(request, gettext("Removed from the shortlist."))
    return redirect(next_url(request, "helpline:shortlist"))


@helpline_worker_required
@require_POST
def shortlist_move(request):
    shortlist = Shortlist(request.session)
    form = ShortlistMoveForm(request.POST, shortlist=shortlist)
    if not form.is_valid():
        return not_done(request, form)
    shortlist.move(form.cleaned_data["facility"], form.cleaned_data["direction"])
    return redirect(next_url(request, "helpline:shortlist"))


@helpline_worker_required
@require_POST
def shortlist_clear(request):
    Shortlist(request.session).clear()
    messages.success(request, gettext("The shortlist is empty. Ready for the next call."))
    return redirect("helpline:search")


@helpline_worker_required
def shortlist_print(request):
    """One page for the caller, in the caller's language (?caller_language=es); its tools in the worker's."""
    language_form = CallerLanguageForm(request.GET)
    if language_form.is_bound and not language_form.is_valid():
        return not_done(request, language_form)
    context = {
        "facilities": Shortlist(request.session).facilities(),
        "caller_language": language_form.language,
        "caller_query": caller_query(language_form.language),
        "interface_language": translation.get_language(),
    }
    with translation.override(language_form.language):
        return render(request, "helpline/shortlist_print.html", context)


# If anything unexpected fails here, Django's error reports show the address and note as stars.
@sensitive_post_parameters("email", "note")
@helpline_worker_required
@require_POST
def shortlist_email(request):
    shortlist = Shortlist(request.session)
    form = ShortlistEmailForm(request.POST, facilities=shortlist.facilities())
    language_form = CallerLanguageForm(request.POST)
    if not form.is_valid():
        return render_shortlist(request, shortlist, language_form=language_form, email_form=form, status=400)
    try:
        form.send(link=lambda facility: request.build_absolute_uri(facility.get_absolute_url()))
    except mail.NotSent as error:
        form.add_error(None, EMAIL_NOT_SET_UP if isinstance(error, mail.NotSetUp) else EMAIL_FAILED)
        return render_shortlist(request, shortlist, language_form=language_form, email_form=form, status=503)
    messages.success(request, gettext("Sent."))
    return redirect(shortlist_url(form.cleaned_data["caller_language"]))


def caller_query(language: str) -> str:
    """``?caller_language=..`` for links between the hand-out pages, when the caller's language is not the
    worker's own (in the address, never the session: nothing about the caller is kept)."""
    return "" if language == translation.get_language() else f"?caller_language={language}"


def shortlist_url(language: str) -> str:
    return reverse("helpline:shortlist") + caller_query(language)


@helpline_worker_required
@require_POST
def called_facility(request, pk):
    facility = get_object_or_404(Facility.objects.listed(), pk=pk)
    form = CalledFacilityForm(request.POST)
    if not form.is_valid():
        return not_done(request, form)
    messages.success(request, form.save(facility, request.user))
    return redirect(next_url(request))
