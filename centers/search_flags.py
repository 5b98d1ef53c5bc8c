"""One bit per search choice, stored on each facility, so a search filter reads a column instead of
running a subquery per candidate row (the difference between 20,000 and 100,000 facilities).

Each choice declares its bit next to its codes in ``centers.vocabulary``; nothing here depends on
declaration order, so adding a choice never moves a stored bit. ``Facility.search_flags`` is derived
from the facility's services and kept in step by ``centers.signals`` (any change through the ORM)
and by the bulk writers (importer, demo data). ``manage.py refresh_search_flags`` recomputes it and
the ``centers.E001`` system check (``manage.py check --database default``) fails when it drifts.

Cards read the same bits as filters: ``choices_in(kind, facility.search_flags)`` is what a card shows
for a filter (``Facility.levels_of_care``, ``payments`` ...).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.core.exceptions import ImproperlyConfigured

from centers.taxonomy import ServiceCategory, category_and_label
from centers.vocabulary import (
    AGE_SEARCH,
    LANGUAGE_SEARCH,
    LEVEL_OF_CARE_SEARCH,
    MEDICATION_SEARCH,
    ON_MEDICATION_SEARCH,
    PAYMENT_SEARCH,
    POPULATION_SEARCH,
    TELEHEALTH_SEARCH,
    Language,
    SearchBit,
)

BIT_LIMIT = 63  # search_flags is a signed 64-bit column
# Bits of choices that no longer exist. Never given to another choice: a database not yet migrated may
# still hold them, and a new choice would find those facilities wrongly.
RETIRED_BITS = {22: "teens (now Age)", 23: "young adults (now Age)", 27: "seniors (now Age)"}

# (filter, choice, declaration): every search choice. The filter names are the first argument of mask().
DECLARED: list[tuple[str, str, SearchBit]] = [
    *(("level", choice, declared) for choice, declared in LEVEL_OF_CARE_SEARCH.items()),
    *(("medication", choice, declared) for choice, declared in MEDICATION_SEARCH.items()),
    *(("payment", choice, declared) for choice, declared in PAYMENT_SEARCH.items()),
    *(("population", choice, declared) for choice, declared in POPULATION_SEARCH.items()),
    *(("language", choice, declared) for choice, declared in LANGUAGE_SEARCH.items()),
    ("telehealth", "yes", TELEHEALTH_SEARCH),
    ("on-medication", "yes", ON_MEDICATION_SEARCH),
    *(("age", choice, declared) for choice, declared in AGE_SEARCH.items()),
]


def bits_from(declared: Iterable[tuple[str, str, SearchBit]]) -> dict[tuple[str, str], int]:
    """{(filter, choice value): bit mask} from the declared bit numbers; refuses a reused or out-of-range number."""
    bits: dict[tuple[str, str], int] = {}
    owners: dict[int, tuple[str, str]] = {}
    for kind, choice, declaration in declared:
        key, bit = (kind, str(choice)), declaration.bit
        if not 0 <= bit < BIT_LIMIT:
            raise ImproperlyConfigured(f"Search choice {key} has bit {bit}; bits are 0 to {BIT_LIMIT - 1}.")
        if bit in owners:
            raise ImproperlyConfigured(f"Search choices {owners[bit]} and {key} share bit {bit}.")
        if bit in RETIRED_BITS:
            raise ImproperlyConfigured(f"Search choice {key} has bit {bit}, retired with {RETIRED_BITS[bit]}.")
        owners[bit] = key
        bits[key] = 1 << bit
    return bits


BITS = bits_from(DECLARED)
CHOICES: dict[str, list[str]] = {}  # filter -> its choices (enum members, or "yes"), in display order
for _kind, _choice, _ in DECLARED:
    CHOICES.setdefault(_kind, []).append(_choice)
NAMED_LANGUAGE_CODES = frozenset(code for declared in LANGUAGE_SEARCH.values() for code in declared.codes)
# code -> the bits it sets by itself; "another language" is the one rule beyond codes (is_other_language).
CODE_BITS: dict[str, int] = {}
for _kind, _choice, _declared in DECLARED:
    for _code in _declared.codes:
        CODE_BITS[_code] = CODE_BITS.get(_code, 0) | BITS[_kind, str(_choice)]
OTHER_LANGUAGE_BIT = BITS["language", Language.OTHER.value]


def next_free_bit() -> int:
    """The bit number a new search choice should declare."""
    return max(mask.bit_length() for mask in BITS.values())


@cache
def is_other_language(code: str) -> bool:
    """A language code other than Spanish and ASL (SAMHSA's F and N codes), by the taxonomy."""
    return code not in NAMED_LANGUAGE_CODES and category_and_label(code)[0] == ServiceCategory.LANGUAGE


def flags_for(codes: Iterable[str]) -> int:
    """The search bits of a facility offering these service codes."""
    flags = 0
    for code in codes:
        flags |= CODE_BITS.get(code, 0)
        if is_other_language(code):
            flags |= OTHER_LANGUAGE_BIT
    return flags


def choices_in(kind: str, flags: int) -> list[str]:
    """The choices of one filter whose bits are set in ``flags``, in display order: what a card shows for it."""
    return [choice for choice in CHOICES[kind] if flags & BITS[kind, str(choice)]]


def mask(kind: str, choices: Iterable[str]) -> int:
    """The bits for "any of these choices" of one filter."""
    result = 0
    for choice in choices:
        result |= BITS[kind, str(choice)]
    return result
