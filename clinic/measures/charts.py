"""Server-rendered SVG charts of scores over time (no JavaScript; usable in the PDF export too).

Python computes the geometry (points, ticks, labels) as plain data; the autoescaped SVG templates in
templates/measures/charts/ draw it, so partner names and other text are escaped by Jinja, never by hand.
Only presentation attributes (fill, stroke, …), never `style`, because the CSP forbids inline styles.
Partner A and B differ in colour, line pattern and marker shape, so the chart reads in grey too.
Every chart has a table alternative built from the same data (`csi_rows`, `ecr_rows`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from markupsafe import Markup

from clinic.measures.library import CSI4_CUTOFF, csi4_is_dissatisfied
from clinic.measures.services import couple_responses

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
STYLES = {"a": ("#1f5f8b", "", "circle"), "b": ("#a64b00", "7 4", "square")}
GAP_WINDOW = timedelta(days=10)  # answers this close in time count as "the same round" for the gap
WIDTH = 720
ECR_PANELS = (
    ("anxiety", "Attachment anxiety (worry about the partner's care)"),
    ("avoidance", "Attachment avoidance (discomfort with closeness)"),
)


@dataclass
class Series:
    label: str
    position: str
    points: list[tuple[datetime, float]]


def _partner_points(couple, responses, measure_key: str, scale: str) -> list[Series]:
    return [
        Series(
            partner.name,
            partner.position,
            [
                (r.answered_at, r.scores[scale])
                for r in responses
                if r.partner_id == partner.id and r.measure_key == measure_key
            ],
        )
        for partner in couple.partners
    ]


def _render(template: str, title: str, **context) -> Markup:
    """Render templates/measures/charts/<template>: `.svg` names are autoescaped (select_jinja_autoescape).

    The app's Jinja environment without the request's context processors, so a background PDF job can draw too.
    """
    slug = "chart-" + "".join(c for c in title.lower() if c.isalnum())[:20]
    page = current_app.jinja_env.get_template(f"measures/charts/{template}")
    svg = page.render(font=FONT, title=title, slug=slug, **context)
    return Markup(svg.strip())  # noqa: S704  # nosec B704 - autoescaped template output


class _Frame:
    """Maps (time, value) to SVG coordinates inside one plot area."""

    def __init__(self, x, y, w, h, t0, t1, low, high):
        self.x, self.y, self.w, self.h = x, y, w, h
        self.t0, self.t1, self.span = t0, t1, max((t1 - t0).total_seconds(), 1)
        self.low, self.high = low, high

    def px(self, t: datetime) -> float:
        return round(self.x + self.w * (t - self.t0).total_seconds() / self.span, 1)

    def py(self, v: float) -> float:
        return round(self.y + self.h * (1 - (v - self.low) / (self.high - self.low)), 1)


def _time_range(series: list[Series]) -> tuple[datetime, datetime]:
    times = [t for s in series for t, _ in s.points]
    t0, t1 = min(times), max(times)
    pad = max((t1 - t0) * 0.05, timedelta(days=4))
    return t0 - pad, t1 + pad


def _months(t0: datetime, t1: datetime) -> list[datetime]:
    """First days of the months inside [t0, t1]: every month, or every other one over ~200 days."""
    month, step, out = datetime(t0.year, t0.month, 1, tzinfo=t0.tzinfo), 1 if (t1 - t0).days < 200 else 2, []
    while month <= t1:
        if month >= t0:
            out.append(month)
        year, mon = divmod(month.month - 1 + step, 12)
        month = month.replace(year=month.year + year, month=mon + 1)
    return out


def _time_ticks(frame: _Frame) -> list[dict]:
    ticks = [{"x": frame.px(m), "label": f"{m:%b %Y}"} for m in _months(frame.t0, frame.t1)]
    for tick in ticks:
        tick["anchor"] = "end" if tick["x"] > frame.x + frame.w - 28 else "middle"
    return ticks


def _panel(frame: _Frame, series: list[Series], values, unit: str) -> dict:
    """One plot area: grid lines with labels, and each partner's line and markers."""
    return {
        "frame": frame,
        "value_ticks": [{"y": frame.py(v), "label": f"{v:g}"} for v in values],
        "time_ticks": _time_ticks(frame),
        "lines": [_line(frame, s, unit) for s in series if s.points],
    }


def _line(frame: _Frame, s: Series, unit: str) -> dict:
    colour, dash, marker = STYLES[s.position]
    points = [
        {"x": frame.px(t), "y": frame.py(v), "tip": f"{s.label}, {t:%-d %b %Y}: {v:g}{unit}"} for t, v in s.points
    ]
    coords = " ".join(f"{p['x']},{p['y']}" for p in points)
    return {"colour": colour, "dash": dash, "marker": marker, "coords": coords, "points": points}


def _legend(series: list[Series], x: float) -> tuple[list[dict], float]:
    """Legend entries from `x` on, and where the next entry would start."""
    entries = []
    for s in series:
        colour, dash, marker = STYLES[s.position]
        entries.append({"x": x, "colour": colour, "dash": dash, "marker": marker, "label": s.label})
        x += 44 + 7.5 * len(s.label)
    return entries, x


def _describe(series: list[Series], separator: str) -> str:
    return "; ".join(
        f"{s.label}{separator}" + (", ".join(f"{t:%-d %b} {v:g}" for t, v in s.points) or "no answers") for s in series
    )


def _empty(height: int, title: str, message: str) -> Markup:
    return _render("empty.svg", width=WIDTH, height=height, title=title, desc=message, message=message)


# --- CSI-4 -------------------------------------------------------------------------------------------


def csi_gaps(series: list[Series]) -> list[tuple[datetime, float, float, float]]:
    """(time, A, B, |A − B|) for rounds where both partners answered within GAP_WINDOW of each other."""
    a, b = (s.points for s in series)
    gaps = []
    for ta, va in a:
        near = min(b, key=lambda p: abs(p[0] - ta), default=None)
        if near is not None and abs(near[0] - ta) <= GAP_WINDOW:
            gaps.append((max(ta, near[0]), va, near[1], abs(va - near[1])))
    return gaps


def _csi_geometry(series: list[Series], height: int) -> dict:
    frame = _Frame(48, 44, WIDTH - 48 - 24, height - 44 - 48, *_time_range(series), 0, 21)
    gaps = csi_gaps(series)
    legend, legend_end = _legend(series, frame.x)
    return {
        "panel": _panel(frame, series, (0, 5, 10, 15, 21), " of 21"),
        "band_top": frame.py(CSI4_CUTOFF),
        "gap_bars": [{"x": frame.px(when), "y1": frame.py(va), "y2": frame.py(vb)} for when, va, vb, _ in gaps],
        "legend": legend,
        "legend_end": legend_end,
        "latest_gap": f"{gaps[-1][3]:g}" if gaps else None,
    }


def csi_chart_svg(couple, responses=None) -> Markup:
    """Both partners' CSI-4 totals over time on one chart, with the 13.5 cut-off band and the gap."""
    responses = couple_responses(couple, "csi4") if responses is None else responses
    series = _partner_points(couple, responses, "csi4", "total")
    height, title = 340, f"CSI-4 relationship satisfaction over time, {couple.display_name}"
    if not any(s.points for s in series):
        return _empty(height, title, "No CSI-4 answers yet.")
    desc = _describe(series, ": ") + ". Cut-off 13.5; the shaded band below it means notable dissatisfaction."
    return _render("csi.svg", width=WIDTH, height=height, title=title, desc=desc, **_csi_geometry(series, height))


def csi_rows(couple, responses=None) -> list[dict]:
    """The chart's data as table rows, oldest first: date, partner, score, below cut-off."""
    responses = couple_responses(couple, "csi4") if responses is None else responses
    names = {p.id: p.name for p in couple.partners}
    return [
        {
            "answered_at": r.answered_at,
            "partner": names.get(r.partner_id, ""),
            "score": r.scores["total"],
            "below": csi4_is_dissatisfied(r.scores["total"]),
            "method": r.method_label,
        }
        for r in responses
    ]


# --- ECR-RS ------------------------------------------------------------------------------------------


def _ecr_panels(all_series: dict[str, list[Series]]) -> list[dict]:
    t0, t1 = _time_range(all_series["anxiety"])
    panels = []
    for index, (scale, label) in enumerate(ECR_PANELS):
        frame = _Frame(48, 60 + index * 190, WIDTH - 48 - 24, 140, t0, t1, 1, 7)
        panels.append({"label": label, **_panel(frame, all_series[scale], (1, 4, 7), " of 7")})
    return panels


def ecr_chart_svg(couple, responses=None) -> Markup:
    """Each partner's ECR-RS attachment anxiety and avoidance over time: two panels, 1–7."""
    responses = couple_responses(couple, "ecr_rs") if responses is None else responses
    title = f"ECR-RS attachment anxiety and avoidance over time, {couple.display_name}"
    all_series = {scale: _partner_points(couple, responses, "ecr_rs", scale) for scale, _ in ECR_PANELS}
    if not any(s.points for s in all_series["anxiety"]):
        return _empty(200, title, "No ECR-RS answers yet.")
    desc = " ".join(f"{label}: {_describe(all_series[scale], ' ')}." for scale, label in ECR_PANELS)
    legend, _ = _legend(all_series["anxiety"], 48)
    return _render(
        "ecr.svg", width=WIDTH, height=440, title=title, desc=desc, legend=legend, panels=_ecr_panels(all_series)
    )


def ecr_rows(couple, responses=None) -> list[dict]:
    responses = couple_responses(couple, "ecr_rs") if responses is None else responses
    names = {p.id: p.name for p in couple.partners}
    return [
        {
            "answered_at": r.answered_at,
            "partner": names.get(r.partner_id, ""),
            "anxiety": r.scores["anxiety"],
            "avoidance": r.scores["avoidance"],
            "method": r.method_label,
        }
        for r in responses
    ]


# --- A partner's own history (portal) -----------------------------------------------------------------

OWN_LABELS = {
    ("csi4", "total"): "Relationship satisfaction (0–21)",
    ("ecr_rs", "anxiety"): "Worry about whether your partner will be there for you (1–7)",
    ("ecr_rs", "avoidance"): "Unease with depending on your partner (1–7)",
    ("ras", "mean"): "Relationship satisfaction (1–5)",
}


def _own_ticks(low: float, high: float) -> tuple[float, ...]:
    return (low, (low + high) / 2, high) if (high - low) <= 6 else (low, 5, 10, 15, high)


def own_chart_svg(partner, measure, responses) -> Markup:
    """One partner's own scores on one measure over time: a panel per scale, their line only.

    `responses` are that partner's answers to `measure` (any order); nothing of the other partner is read.
    """
    own = sorted((r for r in responses if r.partner_id == partner.id), key=lambda r: r.answered_at)
    title = f"Your {measure.short_title} scores over time"
    if not own:
        return _empty(200, title, f"No {measure.short_title} answers yet.")
    all_series = {s.key: [Series("You", "a", [(r.answered_at, r.scores[s.key]) for r in own])] for s in measure.scales}
    t0, t1 = _time_range(next(iter(all_series.values())))
    panels = []
    for index, scale in enumerate(measure.scales):
        frame = _Frame(48, 60 + index * 190, WIDTH - 48 - 24, 140, t0, t1, scale.low, scale.high)
        label = OWN_LABELS.get((measure.key, scale.key), scale.label)
        unit = f" of {scale.high:g}"
        panels.append({"label": label, **_panel(frame, all_series[scale.key], _own_ticks(scale.low, scale.high), unit)})
    desc = " ".join(
        f"{OWN_LABELS.get((measure.key, s.key), s.label)}: "
        + ", ".join(f"{t:%-d %b %Y} {v:g}" for t, v in all_series[s.key][0].points)
        + "."
        for s in measure.scales
    )
    height = 60 + 190 * len(panels) + 10
    legend, _ = _legend(all_series[measure.scales[0].key], 48)
    return _render("own.svg", width=WIDTH, height=height, title=title, desc=desc, legend=legend, panels=panels)


def own_rows(partner, measure, responses) -> list[dict]:
    """The chart's data as a table, oldest first: the date and each scale's score."""
    own = sorted((r for r in responses if r.partner_id == partner.id), key=lambda r: r.answered_at)
    return [{"answered_at": r.answered_at, "scores": [r.scores[s.key] for s in measure.scales]} for r in own]
