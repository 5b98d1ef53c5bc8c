"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable by screen readers.

The map of searches that found nothing is drawn in the browser over the same base map as the search
(static/js/map.js); ``PlotPoint`` is its data.

Each chart is an ``<svg role="img">`` named by its own ``<title>`` and described by its ``<desc>``. Pages put
a table of the same numbers right after every chart, for exact reading and for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

INK = "#1b1f24"
MUTED = "#4a5360"
ACCENT = "#0b5cad"
LINE = "#c9d1da"

WIDTH = 640
LABEL_WIDTH = 250  # labels are right-aligned just left of the bars
VALUE_ROOM = 56  # space after the longest bar for its number
ROW_HEIGHT = 26
BAR_HEIGHT = 18
LABEL_CHARACTERS = 36


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, description: str, width: int, height: int, body) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" role="img" '
        'aria-labelledby="{id}-title" aria-describedby="{id}-desc" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'font-family="system-ui, sans-serif" font-size="13">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=description,
        body=body,
    )


def bar_chart(rows: list[tuple[str, int]], title: str, *, chart_id: str = "") -> SafeString:
    """A horizontal bar chart of (label, count) rows, in the order given."""
    chart_id = chart_id or f"chart-{slugify(title)}"
    if not rows:
        body = format_html('<text x="0" y="20" fill="{}">Nothing to show for this period.</text>', MUTED)
        return _svg(chart_id, title, "No data for this period.", WIDTH, 32, body)

    largest = max(count for _, count in rows)
    scale = (WIDTH - LABEL_WIDTH - 8 - VALUE_ROOM) / largest if largest else 0
    top_label, top_count = max(rows, key=lambda row: row[1])
    description = (
        f"Horizontal bar chart with {len(rows)} bars. The largest is {top_label} with {top_count}. "
        "The table after the chart lists every number."
    )
    bars = []
    for index, (label, count) in enumerate(rows):
        y = index * ROW_HEIGHT + 4
        length = round(count * scale, 1)
        bars.append(
            format_html(
                "<g><title>{label}: {count}</title>"
                '<text x="{label_x}" y="{text_y}" text-anchor="end" fill="{ink}">{short}</text>'
                '<rect x="{bar_x}" y="{y}" width="{length}" height="{height}" fill="{accent}"/>'
                '<text x="{value_x}" y="{text_y}" fill="{ink}">{count}</text></g>',
                label=label,
                count=count,
                short=_shorten(label),
                label_x=LABEL_WIDTH,
                bar_x=LABEL_WIDTH + 8,
                value_x=round(LABEL_WIDTH + 8 + length + 6, 1),
                y=y,
                text_y=y + BAR_HEIGHT - 5,
                length=length,
                height=BAR_HEIGHT,
                ink=INK,
                accent=ACCENT,
            )
        )
    axis = format_html(
        '<line x1="{x}" y1="0" x2="{x}" y2="{h}" stroke="{line}"/>',
        x=LABEL_WIDTH + 8,
        h=len(rows) * ROW_HEIGHT + 4,
        line=LINE,
    )
    return _svg(chart_id, title, description, WIDTH, len(rows) * ROW_HEIGHT + 8, axis + mark_safe("".join(bars)))


# The lower 48 states: the gaps map opens on them. Places outside (Alaska, Hawaii, Puerto Rico and other
# territories) are drawn too, and the page names them, since they are off the first view.
NORTH, SOUTH, WEST, EAST = 49.5, 24.3, -125.0, -66.8


@dataclass(frozen=True)
class PlotPoint:
    """One rounded place on the gaps map (drawn by static/js/map.js as a circle sized by ``count``)."""

    latitude: float
    longitude: float
    count: int
    label: str


def in_lower_48(latitude: float, longitude: float) -> bool:
    return SOUTH <= latitude <= NORTH and WEST <= longitude <= EAST
