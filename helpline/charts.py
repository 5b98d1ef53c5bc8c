"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable by screen readers.

Each chart is an ``<svg role="img">`` named by its own ``<title>`` and described by its ``<desc>``. Pages put
a table of the same numbers right after every chart, for exact reading and for screen readers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
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


# The lower 48 states. Points outside it (Alaska, Hawaii, Puerto Rico and other territories) are counted, not drawn.
NORTH, SOUTH, WEST, EAST = 49.5, 24.3, -125.0, -66.8
# Equirectangular with its standard parallel across the middle, so the country isn't stretched sideways.
ASPECT = math.cos(math.radians((NORTH + SOUTH) / 2))
PLOT_WIDTH = 720
PLOT_HEIGHT = round(PLOT_WIDTH * (NORTH - SOUTH) / ((EAST - WEST) * ASPECT))
LANDMARKS = [
    ("Seattle", 47.6, -122.3),
    ("San Francisco", 37.8, -122.4),
    ("Los Angeles", 34.1, -118.2),
    ("Phoenix", 33.4, -112.1),
    ("Denver", 39.7, -105.0),
    ("Dallas", 32.8, -96.8),
    ("Minneapolis", 45.0, -93.3),
    ("Chicago", 41.9, -87.6),
    ("Atlanta", 33.7, -84.4),
    ("Miami", 25.8, -80.2),
    ("New York", 40.7, -74.0),
]


@dataclass(frozen=True)
class PlotPoint:
    latitude: float
    longitude: float
    count: int
    label: str


def in_lower_48(latitude: float, longitude: float) -> bool:
    return SOUTH <= latitude <= NORTH and WEST <= longitude <= EAST


def _xy(latitude: float, longitude: float) -> tuple[float, float]:
    x = (longitude - WEST) / (EAST - WEST) * PLOT_WIDTH
    y = (NORTH - latitude) / (NORTH - SOUTH) * PLOT_HEIGHT
    return round(x, 1), round(y, 1)


def gap_plot(points: list[PlotPoint], title: str, *, chart_id: str = "gap-plot") -> SafeString:
    """A scatter of points over the lower 48 states' bounding box; circle area grows with the count.

    A plot, not a map: there are no borders, only a grid every 5 degrees and a few cities to find your way.
    Points outside the box are skipped; say on the page how many there were.
    """
    shown = [point for point in points if in_lower_48(point.latitude, point.longitude)]
    # Sized against at least 10, so that when every place has one search the circles stay small.
    largest = max([10, *(point.count for point in shown)])
    description = (
        f"Scatter plot of {len(shown)} places over the lower 48 states, with larger circles for more searches "
        "that found nothing. Grey crosses mark some cities. The table after the plot lists the places."
    )
    grid = []
    for latitude in range(25, 50, 5):
        _, y = _xy(latitude, WEST)
        grid.append(
            format_html(
                '<line x1="0" y1="{y}" x2="{w}" y2="{y}" stroke="{line}"/>'
                '<text x="4" y="{ty}" fill="{muted}" font-size="11">{lat}°N</text>',
                y=y,
                ty=y - 3,
                w=PLOT_WIDTH,
                line=LINE,
                muted=MUTED,
                lat=latitude,
            )
        )
    for longitude in range(-120, -65, 10):
        x, _ = _xy(SOUTH, longitude)
        grid.append(
            format_html(
                '<line x1="{x}" y1="0" x2="{x}" y2="{h}" stroke="{line}"/>'
                '<text x="{tx}" y="{ty}" fill="{muted}" font-size="11">{lng}°W</text>',
                x=x,
                tx=x + 3,
                ty=PLOT_HEIGHT - 4,
                h=PLOT_HEIGHT,
                line=LINE,
                muted=MUTED,
                lng=-longitude,
            )
        )
    landmarks = []
    for name, latitude, longitude in LANDMARKS:
        x, y = _xy(latitude, longitude)
        landmarks.append(
            format_html(
                '<path d="M{x1} {y} H{x2} M{x} {y1} V{y2}" stroke="{muted}" stroke-width="1.5"/>'
                '<text x="{tx}" y="{ty}" fill="{muted}" font-size="11">{name}</text>',
                x=x,
                y=y,
                x1=x - 4,
                x2=x + 4,
                y1=y - 4,
                y2=y + 4,
                tx=x + 6,
                ty=y + 4,
                muted=MUTED,
                name=name,
            )
        )
    circles = []
    # Biggest first, so small circles stay visible on top of big ones.
    for point in sorted(shown, key=lambda point: -point.count):
        x, y = _xy(point.latitude, point.longitude)
        circles.append(
            format_html(
                '<circle cx="{x}" cy="{y}" r="{r}" fill="{accent}" fill-opacity="0.55" stroke="{accent}">'
                "<title>{label}: {count}</title></circle>",
                x=x,
                y=y,
                r=round(3 + 12 * math.sqrt(point.count / largest), 1),
                accent=ACCENT,
                label=point.label,
                count=point.count,
            )
        )
    frame = format_html(
        '<rect x="0" y="0" width="{w}" height="{h}" fill="#f3f6f9" stroke="{line}"/>',
        w=PLOT_WIDTH,
        h=PLOT_HEIGHT,
        line=LINE,
    )
    body = frame + format_html_join("", "{}", ((part,) for part in grid + landmarks + circles))
    return _svg(chart_id, title, description, PLOT_WIDTH, PLOT_HEIGHT, body)
