"""Small HTML pieces for admin columns: coloured badges whose words carry the meaning (colour only helps)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.html import format_html, format_html_join

from centers.models.availability import fresh_since
from centers.models.facility import stale_before

# Colours are in static/css/admin.css (no style= attributes: the Content-Security-Policy blocks them).
TONES = {"good", "warning", "bad", "none"}


def badge(text: str, tone: str):
    if tone not in TONES:
        raise ValueError(f"Unknown badge tone {tone!r}")
    return format_html('<span class="finder-badge finder-badge-{}">{}</span>', tone, text)


def lines(items):
    return format_html_join("", "<div>{}</div>", ((item,) for item in items))


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def age(delta: timedelta) -> str:
    """'3 days', '5 hours', 'less than an hour'."""
    if delta.days >= 1:
        return plural(delta.days, "day")
    if delta.seconds >= 3600:
        return plural(delta.seconds // 3600, "hour")
    return "less than an hour"


def verified_badge(last_verified_at: datetime | None):
    """'verified 3 days ago' (green), 'not verified in 200 days' (amber, stale) or 'never verified' (red)."""
    if last_verified_at is None:
        return badge("never verified", "bad")
    days = (timezone.now() - last_verified_at).days
    if last_verified_at < stale_before():
        return badge(f"not verified in {plural(days, 'day')}", "warning")
    return badge("verified today" if days == 0 else f"verified {plural(days, 'day')} ago", "good")


def availability_badge(updated_at: datetime | None):
    """'updated 5 hours ago' (green), 'not updated in 4 days' (amber, too old to show) or 'never set'."""
    if updated_at is None:
        return badge("never set", "none")
    delta = timezone.now() - updated_at
    if updated_at < fresh_since():
        return badge(f"not updated in {age(delta)}", "warning")
    return badge(f"updated {age(delta)} ago", "good")
