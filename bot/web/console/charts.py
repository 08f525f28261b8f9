"""Charts drawn as SVG on the server: no JavaScript and nothing fetched from elsewhere.

Every text drawn is escaped here; the templates insert the result as markup. Sizes are in a
fixed viewBox and the stylesheet scales the picture to the screen, so a chart reads the same
on a 390 px phone and an office PC.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

#: The drawing's width; a phone shows it at about 340 px, an office PC at 500-640 px.
WIDTH = 400


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting 第2镇 before 第10镇."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.split(r"(\d+)", text)
        if part
    )


@dataclass(frozen=True)
class Bar:
    label: str
    done: int  # e.g. groups that reported
    total: int  # e.g. groups there are


def _short(text: str, limit: int = 6) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(bars: Sequence[Bar], *, title: str) -> str:
    """Horizontal bars: a light bar for ``total``, a dark one for ``done``, "done/total"."""
    if not bars:
        return ""
    row, label_w, right = 28, 92, 52
    room = WIDTH - label_w - right
    scale = max(max(b.total, b.done) for b in bars) or 1
    height = row * len(bars) + 8
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 2 + index * row
        total_w = room * max(bar.total, bar.done) / scale
        done_w = room * bar.done / scale
        parts.append(
            f'<text class="chart-label" x="{label_w - 6}" y="{y + 18}" text-anchor="end">'
            f"{escape(_short(bar.label))}</text>"
            f'<rect class="bar-total" x="{label_w}" y="{y + 5}" width="{total_w:.1f}" '
            f'height="17" rx="3"/>'
            f'<rect class="bar-done" x="{label_w}" y="{y + 5}" width="{done_w:.1f}" '
            f'height="17" rx="3"/>'
            f'<text class="chart-value" x="{label_w + total_w + 5:.1f}" y="{y + 18}">'
            f"{bar.done}/{bar.total}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(points: Sequence[tuple[str, int]], *, title: str, css: str = "line-a") -> str:
    """A line over labelled points (months), with the largest and the latest value written."""
    if not points:
        return ""
    peak = max(value for _, value in points) or 1
    height, right, top, bottom = 170, 12, 18, 24
    left = 12 + 7 * len(str(peak))  # room for the largest value's label
    plot_w = WIDTH - left - right
    plot_h = height - top - bottom
    step = plot_w / max(1, len(points) - 1)
    coords = [
        (left + index * step, top + plot_h - plot_h * value / peak)
        for index, (_, value) in enumerate(points)
    ]
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" '
        f'y2="{top + plot_h}"/>',
        f'<line class="grid" x1="{left}" y1="{top}" x2="{WIDTH - right}" y2="{top}"/>',
        f'<text class="chart-value" x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>',
        f'<text class="chart-value" x="{left - 6}" y="{top + plot_h + 4}" '
        f'text-anchor="end">0</text>',
        f'<polyline class="{escape(css)}" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        + '"/>',
    ]
    for (label, value), (x, y) in zip(points, coords, strict=True):
        parts.append(
            f'<circle class="{escape(css)}-dot" cx="{x:.1f}" cy="{y:.1f}" r="3">'
            f"<title>{escape(label)}：{value}</title></circle>"
        )
        parts.append(
            f'<text class="chart-axis" x="{x:.1f}" y="{height - 6}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    last_x, last_y = coords[-1]
    parts.append(
        f'<text class="chart-value strong" x="{last_x:.1f}" y="{max(12.0, last_y - 8):.1f}" '
        f'text-anchor="end">{points[-1][1]}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
