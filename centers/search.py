"""A page of search results, shared by every search surface (the public search and the helpline's)."""

from __future__ import annotations

from django.core.paginator import InvalidPage, Paginator
from django.dispatch import Signal

# Sent with the bound FilterSet and the surface ("public" or "helpline") when a valid search finds nothing.
# The helpline app records it as a gap in care; the directory itself keeps nothing about who searched.
search_found_nothing = Signal()


def search_results(request, filterset, surface: str, per_page: int) -> tuple[dict, int]:
    """The page of results for a search surface, or the reason there is none; and the HTTP status."""
    invalid = filterset.is_bound and not filterset.is_valid()
    context = {"filterset": filterset, "searched": False}
    if not invalid and filterset.has_search:
        paginator = Paginator(filterset.qs, per_page)
        try:
            context["page"] = paginator.page(request.GET.get("page") or 1)
        except InvalidPage:
            context["page_error"] = (
                f"There is no page {request.GET['page'][:20]} of these results; they have "
                f"{paginator.num_pages} page{'s' if paginator.num_pages != 1 else ''}."
            )
            invalid = True
        else:
            context["searched"] = True
            if paginator.count == 0:
                # Bounded: one COUNT per wider radius and one per active filter.
                context["wider"] = filterset.next_radius()
                context["fewer"] = filterset.fewer_filters()
                search_found_nothing.send(sender=None, filterset=filterset, surface=surface)
    return context, 400 if invalid else 200
