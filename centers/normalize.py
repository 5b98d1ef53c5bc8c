"""Phone numbers, web addresses and ZIP codes as Finder stores them, from files and from staff alike."""

from __future__ import annotations

import re

from django.core.validators import URLValidator

PHONE_RE = re.compile(
    r"(?:\+?1[\s.\-]*)?\(?\s*(\d{3})\s*\)?[\s.\-]*(\d{3})[\s.\-]*(\d{4})(?:\s*(?:x|ext\.?|extension)\s*(\d{1,6}))?",
    re.IGNORECASE,
)
validate_url = URLValidator(schemes=["http", "https"])


def format_phone(match: re.Match) -> str:
    area, exchange, number, extension = match.groups()
    text = f"({area}) {exchange}-{number}"
    return f"{text} ext. {extension}" if extension else text


def normalize_phone(text: str) -> str:
    """'(334)673-2143' -> '(334) 673-2143'; '' if there is no 10-digit number."""
    match = PHONE_RE.search(text or "")
    return format_phone(match) if match else ""


def split_phones(text: str) -> tuple[str, str]:
    """The main and intake numbers from a cell like '(334)428-5050 Intake: (334)428-5040'."""
    main = intake = ""
    for match in PHONE_RE.finditer(text or ""):
        before = text[: match.start()].lower()
        if "intake" in before[-12:] and not intake:
            intake = format_phone(match)
        elif not main:
            main = format_phone(match)
    return main, intake


def normalize_url(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    if not re.match(r"^https?://", text, re.IGNORECASE):
        text = "http://" + text.lstrip("/")
    validate_url(text)  # raises ValidationError
    return text


def normalize_zip(text: str) -> str:
    digits = (text or "").strip().split("-")[0]
    if not digits.isdigit() or not 3 <= len(digits) <= 5:
        raise ValueError(f"ZIP code {text!r} is not 5 digits")
    # Spreadsheets drop leading zeros (02134 -> 2134).
    return digits.zfill(5)
