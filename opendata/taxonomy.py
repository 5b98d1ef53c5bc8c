"""Finder's two HSDS taxonomies: SAMHSA's service codes (grouped by category) and Finder's search choices.

Every term's id is derived from its code (``opendata.ids``), so a code has the same term id in every database.
Term codes: a SAMHSA code as it is ("OIT"); a SAMHSA category "category:<value>"; a search filter
"filter:<name>"; a search choice "<filter>:<value>" ("level:outpatient", "payment:medicaid", "telehealth:yes").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.utils import translation

from centers import search_flags
from centers.taxonomy import KNOWN_SERVICES, ServiceCategory
from centers.vocabulary import LEVEL_OF_CARE_DESCRIPTIONS, LEVEL_OF_CARE_LABEL, Language, LevelOfCare
from opendata import ids

SAMHSA = "SAMHSA service codes"
FINDER = "Finder search choices"
SAMHSA_TAXONOMY_ID = ids.taxonomy(SAMHSA)
FINDER_TAXONOMY_ID = ids.taxonomy(FINDER)
LANGUAGE_CODE = "en"  # the language of the terms' names and descriptions

TAXONOMIES = [
    {
        "id": SAMHSA_TAXONOMY_ID,
        "name": SAMHSA,
        "description": (
            "The service codes of SAMHSA's treatment locator (FindTreatment.gov), each in plain words, "
            "grouped by category. Codes Finder does not know yet are published too, as 'Service code X'."
        ),
        "uri": "https://findtreatment.gov/",
        "version": None,
    },
    {
        "id": FINDER_TAXONOMY_ID,
        "name": FINDER,
        "description": (
            "The choices families pick from on Finder's search page (type of care, medication, payment, "
            "programs, ages, languages). Each means one or more SAMHSA service codes."
        ),
        "uri": None,
        "version": None,
    },
]

# The search filters, as the search page names them.
FILTER_LABELS = {
    "level": LEVEL_OF_CARE_LABEL,
    "medication": "Medication for addiction",
    "payment": "How you will pay",
    "population": "Programs for",
    "age": "Age",
    "language": "Language",
    "telehealth": "Telehealth",
    "on-medication": "Already taking medication",
}
YES_LABELS = {
    "telehealth": "Offers telehealth (video or phone visits)",
    "on-medication": "Takes people already on methadone or buprenorphine",
}


def english(label) -> str:
    """A label of the vocabulary (translated on pages) as HSDS publishes it: English, whatever the active language."""
    with translation.override(LANGUAGE_CODE):
        return str(label)


@dataclass(frozen=True)
class Choice:
    """One search choice: its filter, value, plain label, and the SAMHSA codes that mean it."""

    kind: str
    value: str
    label: str
    codes: tuple[str, ...]

    @property
    def code(self) -> str:
        return f"{self.kind}:{self.value}"

    @property
    def term_id(self) -> str:
        return ids.finder_term(self.code)


def _choices() -> list[Choice]:
    result = []
    for kind, choice, declared in search_flags.DECLARED:
        label = YES_LABELS[kind] if choice == "yes" else english(choice.label)
        result.append(Choice(kind, str(choice), label, declared.codes))
    return result


CHOICES = _choices()
CHOICE_BY_TERM_ID = {choice.term_id: choice for choice in CHOICES}
LEVEL_TERM_IDS = {LevelOfCare(choice.value): choice.term_id for choice in CHOICES if choice.kind == "level"}


def category_term_id(category: str) -> str:
    return ids.samhsa_term(f"category:{category}")


CATEGORY_BY_TERM_ID = {category_term_id(value): value for value in ServiceCategory.values}
FILTER_TERM_IDS = {ids.finder_term(f"filter:{kind}") for kind in FILTER_LABELS}
SAMHSA_TERM_IDS = {ids.samhsa_term(code) for code in KNOWN_SERVICES}  # of the codes Finder knows by name


CATEGORIES = frozenset(ServiceCategory.values)


def samhsa_term(code: str, category: str, label: str) -> dict:
    # A fresh dict each time (callers may change their rows), from a term made once per process: every HSDS page
    # lists the terms its rows name, and making them (an id each) cost more than the rest of the page.
    return dict(_samhsa_term(code, category, label))


@cache
def _samhsa_term(code: str, category: str, label: str) -> tuple:
    category_label = english(ServiceCategory(category).label) if category in CATEGORIES else category
    term = _term(
        ids.samhsa_term(code),
        code,
        label,
        f"{category_label}: {label} (SAMHSA service code {code}).",
        category_term_id(category) if category in CATEGORIES else None,
        SAMHSA,
        SAMHSA_TAXONOMY_ID,
    )
    return tuple(term.items())


def samhsa_terms(services: Iterable[tuple[str, str, str]]) -> list[dict]:
    """The category terms, then a term per (code, category, label) given: every code Finder holds."""
    rows = [
        _term(
            category_term_id(value),
            f"category:{value}",
            label,
            f"SAMHSA service codes in the category '{label}'.",
            None,
            SAMHSA,
            SAMHSA_TAXONOMY_ID,
        )
        for value, label in [(value, english(label)) for value, label in ServiceCategory.choices]
    ]
    return rows + [samhsa_term(code, category, label) for code, category, label in services]


def finder_terms() -> list[dict]:
    """A term per search filter, then one per search choice (its parent the filter's term)."""
    return [dict(term) for term in _finder_terms()]


@cache
def _finder_terms() -> tuple[tuple, ...]:
    rows = [
        _term(
            ids.finder_term(f"filter:{kind}"),
            f"filter:{kind}",
            label,
            f"The search filter '{label}'.",
            None,
            FINDER,
            FINDER_TAXONOMY_ID,
        )
        for kind, label in [(kind, english(label)) for kind, label in FILTER_LABELS.items()]
    ]
    for choice in CHOICES:
        rows.append(
            _term(
                choice.term_id,
                choice.code,
                choice.label,
                _choice_description(choice),
                ids.finder_term(f"filter:{choice.kind}"),
                FINDER,
                FINDER_TAXONOMY_ID,
            )
        )
    return tuple(tuple(row.items()) for row in rows)


def _choice_description(choice: Choice) -> str:
    if choice.kind == "level":
        return english(LEVEL_OF_CARE_DESCRIPTIONS[LevelOfCare(choice.value)])
    if choice.kind == "language" and choice.value == Language.OTHER:
        return "A language other than English, Spanish and ASL (SAMHSA's F and N language codes)."
    return f"{choice.label} (SAMHSA service codes {', '.join(choice.codes)})."


def _term(term_id, code, name, description, parent_id, taxonomy, taxonomy_id) -> dict:
    return {
        "id": term_id,
        "code": code,
        "name": name,
        "description": description,
        "parent_id": parent_id,
        "taxonomy": taxonomy,
        "language": LANGUAGE_CODE,
        "taxonomy_id": taxonomy_id,
        "term_uri": None,
    }


def samhsa_code_of(term_id: str, code: str | None) -> str | None:
    """The SAMHSA code a term stands for, if it is one of Finder's SAMHSA code terms (its id derived from its code)."""
    if code and not code.startswith("category:") and term_id == ids.samhsa_term(code):
        return code
    return None
