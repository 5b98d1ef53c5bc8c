"""One bit per search choice, stored on each facility, so a search filter reads a column instead of
running a subquery per candidate row (the difference between 20,000 and 100,000 facilities).

``Facility.search_flags`` is derived from the facility's services and kept in step by
``centers.signals`` (any change through the ORM) and by the bulk writers (importer, demo data).
"""

from __future__ import annotations

from collections.abc import Iterable

from centers.taxonomy import ServiceCategory, category_and_label
from centers.vocabulary import (
    LANGUAGE_CODES,
    TELEHEALTH_CODES,
    Language,
    LevelOfCare,
    Medication,
    Payment,
    Population,
)

ON_MEDICATION_CODES = ("MOA",)
NAMED_LANGUAGE_CODES = frozenset(code for codes in LANGUAGE_CODES.values() for code in codes)

# (filter, choice) -> the service codes that mean it. Append only: the bit of a choice is its position.
CHOICE_CODES: dict[tuple[str, str], tuple[str, ...]] = {
    **{("level", level.value): level.codes for level in LevelOfCare},
    **{("medication", medication.value): medication.codes for medication in Medication},
    **{("payment", payment.value): payment.codes for payment in Payment},
    **{("population", group.value): group.codes for group in Population},
    **{("language", language.value): codes for language, codes in LANGUAGE_CODES.items()},
    ("language", Language.OTHER.value): (),  # any language code but Spanish and ASL; see flags_for()
    ("telehealth", "yes"): TELEHEALTH_CODES,
    ("on-medication", "yes"): ON_MEDICATION_CODES,
}
BITS = {choice: 1 << position for position, choice in enumerate(CHOICE_CODES)}
assert len(BITS) < 63, "search_flags is a signed 64-bit column"


def flags_for(codes: Iterable[str]) -> int:
    """The search bits of a facility offering these service codes."""
    codes = set(codes)
    flags = 0
    for choice, choice_codes in CHOICE_CODES.items():
        if codes.intersection(choice_codes):
            flags |= BITS[choice]
    other_languages = codes - NAMED_LANGUAGE_CODES
    if any(category_and_label(code)[0] == ServiceCategory.LANGUAGE for code in other_languages):
        flags |= BITS["language", Language.OTHER.value]
    return flags


def mask(kind: str, choices: Iterable[str]) -> int:
    """The bits for "any of these choices" of one filter."""
    result = 0
    for choice in choices:
        result |= BITS[kind, str(choice)]
    return result
