"""What ``taxonomy_term_id`` and ``taxonomy_id`` select, read from where ``records`` puts each term.

``records`` names a level's term (and that level's SAMHSA codes) on the service for that level, and every
SAMHSA code and every other search choice of a facility on its location. A service matches a term named by
itself or by its location: a 211 asking for services that take Medicaid gets every service of every facility
that does, though the term sits on the location. A term with children (a SAMHSA category, a search filter such
as "Type of care", a parent term from an imported package) matches what any of its descendants matches. A
term kept from an imported package matches where it was linked: its facility's location, or one service.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from centers import search_flags
from centers.models import Facility
from opendata import taxonomy
from opendata.models import TermLink
from opendata.records import GENERAL_SERVICE_NAME, tables_for
from opendata.service_index import GENERAL, PerVersion, published, with_search_flags

NOTHING = Q(pk__in=[])
# The name of each service records publishes, by its level (for the ``search`` parameter).
SERVICE_NAMES = {**{choice.value: choice.label for choice in taxonomy.CHOICES if choice.kind == "level"}}
SERVICE_NAMES[GENERAL] = GENERAL_SERVICE_NAME


def _all_terms(using: str, previous) -> dict[str, list[dict]]:
    tables = tables_for(Facility.objects.none(), all_terms=True)
    return {"taxonomy": tables.get("taxonomy", []), "taxonomy_term": tables.get("taxonomy_term", [])}


ALL_TERMS = PerVersion(_all_terms)


def all_terms() -> list[dict]:
    """Every taxonomy term Finder publishes, in records' order (its own, then those kept from imports)."""
    return ALL_TERMS.get()["taxonomy_term"]


def all_taxonomies() -> list[dict]:
    return ALL_TERMS.get()["taxonomy"]


def descendants(term_ids: set[str]) -> set[str]:
    """These terms (those that exist) and every term below them."""
    children = defaultdict(list)
    known = set()
    for term in all_terms():
        known.add(term["id"])
        if term["parent_id"]:
            children[term["parent_id"]].append(term["id"])
    found, todo = set(), [term_id for term_id in term_ids if term_id in known]
    while todo:
        term_id = todo.pop()
        if term_id not in found:
            found.add(term_id)
            todo.extend(children[term_id])
    return found


def narrow_to_term(selection, term_id: str) -> None:
    narrow(selection, descendants({term_id}))


def narrow_to_taxonomy(selection, taxonomy_id: str) -> None:
    narrow(selection, {term["id"] for term in all_terms() if term["taxonomy_id"] == taxonomy_id})


def narrow(selection, term_ids: set[str]) -> None:
    """Keep the services named by any of ``term_ids`` or whose location is (see the module's docstring)."""
    codes, bits, levels, kept = set(), 0, set(), set()
    samhsa_codes = {
        term["id"]: term["code"]
        for term in all_terms()
        if term["taxonomy_id"] == taxonomy.SAMHSA_TAXONOMY_ID and not (term["code"] or "").startswith("category:")
    }
    finder_taxonomies = {taxonomy.SAMHSA_TAXONOMY_ID, taxonomy.FINDER_TAXONOMY_ID}
    finder_term_ids = {term["id"] for term in all_terms() if term["taxonomy_id"] in finder_taxonomies}
    for term_id in term_ids:
        choice = taxonomy.CHOICE_BY_TERM_ID.get(term_id)
        if choice is not None and choice.kind == "level":
            levels.add(choice.value)
        elif choice is not None:
            bits |= search_flags.BITS[choice.kind, choice.value]
        elif term_id in samhsa_codes:
            codes.add(samhsa_codes[term_id])
        elif term_id not in finder_term_ids:
            kept.add(term_id)

    # Every service of these facilities matches: the term is on their location.
    whole = NOTHING
    if codes:
        links = Facility.services.through.objects.filter(facility_id=OuterRef("pk"), service_id__in=codes)
        whole |= Q(Exists(links))
    if bits:
        whole |= Q(with_search_flags(bits))
    # Only some services of these: a level's term, or a kept term linked to one service.
    some = NOTHING
    if levels:
        some |= Q(with_search_flags(search_flags.mask("level", levels)))
    kept_levels: dict[int, set[str]] = defaultdict(set)
    if kept:
        for pk, level in TermLink.objects.filter(term_id__in=kept).values_list("facility_id", "level"):
            kept_levels[pk].add(level)
        some |= Q(pk__in=list(kept_levels))
    selection.q &= whole | some
    if some is NOTHING:
        return
    whole_pks = set(published().filter(whole).values_list("pk", flat=True)) if whole is not NOTHING else set()

    def named_services(pk: int, offered: list[str]) -> list[str]:
        linked = kept_levels.get(pk, set())
        if pk in whole_pks or any(level not in offered for level in linked):
            return offered  # records puts a link to a level the facility doesn't offer on its location
        return [level for level in offered if level in levels or level in linked]

    selection.level_filters.append(named_services)
