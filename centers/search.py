"""A page of search results, shared by every search surface (the public search and the helpline's)."""

from __future__ import annotations

from django.core.paginator import InvalidPage, PageNotAnInteger, Paginator
from django.db.models import Count, Window
from django.dispatch import Signal
from django.utils.translation import gettext, ngettext

# Sent with the bound FilterSet and the surface ("public" or "helpline") when a valid search finds nothing.
# The helpline app records it as a gap in care; the directory itself keeps nothing about who searched.
search_found_nothing = Signal()


MAX_PAGE = 1_000_000


class OneQueryPaginator(Paginator):
    """Fetches a page and the number of all results in one query (``COUNT(*) OVER ()``), not two.

    A search page always shows both, and building and compiling the search's query twice cost as much as
    running it. Past the last page the page query finds no rows, so only then is the count asked for apart.
    """

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(gettext("That page number is not an integer")) from None
        # A page number far past any search's last page (a hand-typed 10**20) goes the careful way: count first,
        # then EmptyPage, never an OFFSET the database cannot take.
        if 1 <= number <= MAX_PAGE and "count" not in self.__dict__:
            start = (number - 1) * self.per_page
            rows = list(self.object_list.annotate(total_found=Window(Count("pk")))[start : start + self.per_page])
            if rows:
                self.__dict__["count"] = rows[0].total_found  # Paginator.count is a cached_property
                number = self.validate_number(number)
                return self._get_page(rows, number, self)
        return super().page(number)


def no_such_page(asked: str, num_pages: int) -> str:
    """Why a page number has no results (the search page and the JSON API say the same)."""
    words = ngettext(
        "There is no page %(asked)s of these results; they have %(n)s page.",
        "There is no page %(asked)s of these results; they have %(n)s pages.",
        num_pages,
    )
    return words % {"asked": asked[:20], "n": num_pages}


def search_results(request, filterset, surface: str, per_page: int) -> tuple[dict, int]:
    """The page of results for a search surface, or the reason there is none; and the HTTP status."""
    invalid = filterset.is_bound and not filterset.is_valid()
    context = {"filterset": filterset, "searched": False}
    if not invalid and filterset.has_search:
        paginator = OneQueryPaginator(filterset.qs, per_page)
        try:
            context["page"] = paginator.page(request.GET.get("page") or 1)
        except InvalidPage:
            context["page_error"] = no_such_page(request.GET["page"], paginator.num_pages)
            invalid = True
        else:
            context["searched"] = True
            if paginator.count == 0:
                # Bounded: one COUNT per wider radius and one per active filter.
                context["wider"] = filterset.next_radius()
                context["fewer"] = filterset.fewer_filters()
                search_found_nothing.send(sender=None, filterset=filterset, surface=surface)
    return context, 400 if invalid else 200
