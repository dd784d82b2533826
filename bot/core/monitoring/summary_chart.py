"""The weekly summary as one PNG chart, readable at a glance in a Slack channel.

Three panels: questions and escalations (how much came in, how much Loket handled), new
signals by kind, and the twelve provincial plans by state. matplotlib with the Agg
backend (no display, thread-safe enough when each call makes its own Figure).
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402 - after choosing the backend

from bot.core.monitoring import taxonomy as tx_  # noqa: E402
from bot.core.monitoring.summary import WeeklySummary  # noqa: E402
from bot.core.monitoring.summary_render import title  # noqa: E402

BLUE, ORANGE, GREEN, GREY, RED = "#154273", "#e17000", "#39870c", "#b4b4b4", "#d52b1e"
PLAN_COLOURS = (GREY, "#8fcae7", "#ffb612", ORANGE, GREEN)


def _bars(ax, labels: list[str], values: list[int], colours: list[str], heading: str) -> None:
    bars = ax.barh(labels, values, color=colours)
    ax.invert_yaxis()
    ax.set_title(heading, loc="left", fontsize=12, fontweight="bold")
    ax.bar_label(bars, padding=3, fontsize=11)
    ax.set_xlim(0, max(values + [1]) * 1.25)
    ax.tick_params(labelsize=10.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.xaxis.set_visible(False)


def render_png(summary: WeeklySummary) -> bytes:
    """The chart as PNG bytes (~1000×720 px)."""
    fig = Figure(figsize=(10, 7.2), dpi=100)
    axes = fig.subplots(3, 1, gridspec_kw={"height_ratios": [5, 3, 5]})
    s = summary
    _bars(axes[0], ["Vragen gesteld", "Beantwoord door Loket", "Escalaties geopend", "Escalaties beantwoord",
                    "Escalaties nog open"],
          [s.questions_asked, s.answered_by_loket, s.escalations_opened, s.escalations_answered,
           s.escalations_still_open],
          [BLUE, GREEN, ORANGE, GREEN, RED], "Vragen en escalaties")
    kinds = list(tx_.KINDS)
    _bars(axes[1], [f"{tx_.KINDS[k]} (nieuw)" for k in kinds], [s.signals_new.by_kind.get(k, 0) for k in kinds],
          [GREEN, ORANGE, RED], "Nieuwe signalen")
    states = list(tx_.PLAN_STATES)
    per_state = [sum(1 for p in s.plans if p.state == state) for state in states]
    _bars(axes[2], [tx_.PLAN_STATES[k] for k in states], per_state, list(PLAN_COLOURS), "Provinciale plannen (van 12)")
    fig.suptitle(title(s), fontsize=14, fontweight="bold", x=0.02, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
