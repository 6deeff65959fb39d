"""Bar charts drawn on the server as SVG geometry for the template: no script, no library
to load in the browser, and nothing a strict content security policy has to allow."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 34


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    x_labels: list[tuple[float, str]]
    baseline: float
    left: int
    right: float


def _nice_top(largest: int) -> int:
    if largest <= 5:
        return 5
    magnitude = 10 ** int(math.log10(largest))
    for step in (1, 2, 5, 10):
        if largest <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(series: list[tuple[dt.date, int]]) -> BarChart:
    top = _nice_top(max((value for _, value in series), default=0))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(series), 1)
    bars = []
    for index, (week, value) in enumerate(series):
        height = plot_height * value / top
        bars.append(Bar(x=round(LEFT + index * slot + slot * 0.15, 1), y=round(TOP + plot_height - height, 1),
                        width=round(slot * 0.7, 1), height=round(height, 1), label=week.strftime("%-d %b"),
                        value=value))
    # Five steps, so every tick is a whole number for tops of 5, 10, 20, 50, 100...
    ticks = [Tick(y=round(TOP + plot_height - plot_height * step / 5, 1), label=str(top * step // 5))
             for step in range(6)]
    # At most about eight dates under the axis, so they never overlap.
    every = max(1, math.ceil(len(series) / 8))
    x_labels = [(round(bar.x + bar.width / 2, 1), bar.label) for i, bar in enumerate(bars) if i % every == 0]
    return BarChart(WIDTH, HEIGHT, bars, ticks, x_labels, TOP + plot_height, LEFT, WIDTH - RIGHT)
