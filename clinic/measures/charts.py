"""Server-rendered SVG charts of scores over time (no JavaScript; usable in the PDF export too).

Only presentation attributes (fill, stroke, …), never `style`, because the CSP forbids inline styles.
Partner A and B differ in colour, line pattern and marker shape, so the chart reads in grey too.
Every chart has a table alternative built from the same data (`csi_rows`, `ecr_rows`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup, escape

from clinic.measures.library import CSI4_CUTOFF

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
STYLES = {"a": ("#1f5f8b", "", "circle"), "b": ("#a64b00", "7 4", "square")}
GAP_WINDOW = timedelta(days=10)  # answers this close in time count as "the same round" for the gap


@dataclass
class Series:
    label: str
    position: str
    points: list[tuple[datetime, float]]


def _attr(value) -> str:
    """Text or attribute value with &, <, >, " and ' escaped."""
    return str(escape(str(value)))


def _partner_points(couple, responses, measure_key: str, scale: str) -> list[Series]:
    series = []
    for partner in couple.partners:
        points = [
            (r.answered_at, r.scores[scale])
            for r in responses
            if r.partner_id == partner.id and r.measure_key == measure_key
        ]
        series.append(Series(partner.name, partner.position, points))
    return series


def _responses(couple, measure_key):
    from clinic.measures.services import couple_responses

    return couple_responses(couple, measure_key)


class _Frame:
    """Maps (time, value) to SVG coordinates inside one plot area."""

    def __init__(self, x, y, w, h, t0, t1, low, high):
        self.x, self.y, self.w, self.h = x, y, w, h
        self.t0, self.span = t0, max((t1 - t0).total_seconds(), 1)
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


def _time_ticks(frame: _Frame, t0: datetime, t1: datetime) -> list[str]:
    out = []
    month = datetime(t0.year, t0.month, 1, tzinfo=t0.tzinfo)
    step = 1 if (t1 - t0).days < 200 else 2
    while month <= t1:
        if month >= t0:
            x = frame.px(month)
            out.append(f'<line x1="{x}" y1="{frame.y}" x2="{x}" y2="{frame.y + frame.h}" stroke="#e3e3e3"/>')
            anchor = "end" if x > frame.x + frame.w - 28 else "middle"
            out.append(
                f'<text x="{x}" y="{frame.y + frame.h + 16}" font-size="11" text-anchor="{anchor}" '
                f'fill="#444">{month:%b %Y}</text>'
            )
        year, mon = divmod(month.month - 1 + step, 12)
        month = month.replace(year=month.year + year, month=mon + 1)
    return out


def _value_ticks(frame: _Frame, ticks) -> list[str]:
    out = []
    for v in ticks:
        y = frame.py(v)
        out.append(f'<line x1="{frame.x}" y1="{y}" x2="{frame.x + frame.w}" y2="{y}" stroke="#e3e3e3"/>')
        out.append(f'<text x="{frame.x - 6}" y="{y + 4}" font-size="11" text-anchor="end" fill="#444">{v:g}</text>')
    return out


def _line(frame: _Frame, s: Series, unit: str) -> list[str]:
    colour, dash, marker = STYLES[s.position]
    if not s.points:
        return []
    coords = " ".join(f"{frame.px(t)},{frame.py(v)}" for t, v in s.points)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    out = [f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>']
    for t, v in s.points:
        x, y = frame.px(t), frame.py(v)
        tip = f"<title>{_attr(s.label)}, {t:%-d %b %Y}: {v:g}{unit}</title>"
        if marker == "circle":
            out.append(
                f'<circle cx="{x}" cy="{y}" r="4.5" fill="{colour}" stroke="#fff" stroke-width="1.5">{tip}</circle>'
            )
        else:
            out.append(
                f'<rect x="{x - 4.5}" y="{y - 4.5}" width="9" height="9" fill="{colour}" stroke="#fff" '
                f'stroke-width="1.5">{tip}</rect>'
            )
    return out


def _legend(series: list[Series], x: float, y: float) -> list[str]:
    out = []
    for s in series:
        colour, dash, marker = STYLES[s.position]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x}" y1="{y}" x2="{x + 28}" y2="{y}" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        if marker == "circle":
            out.append(f'<circle cx="{x + 14}" cy="{y}" r="4.5" fill="{colour}"/>')
        else:
            out.append(f'<rect x="{x + 9.5}" y="{y - 4.5}" width="9" height="9" fill="{colour}"/>')
        out.append(f'<text x="{x + 34}" y="{y + 4}" font-size="12" fill="#222">{_attr(s.label)}</text>')
        x += 44 + 7.5 * len(s.label)
    return out


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    slug = "chart-" + "".join(c for c in title.lower() if c.isalnum())[:20]
    # width 100% and no height: the chart scales to its container (page or PDF) keeping its proportions.
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{slug}-title {slug}-desc" '
        f'font-family="{FONT}" class="score-chart">'
    )
    parts = [
        head,
        f'<title id="{slug}-title">{_attr(title)}</title>',
        f'<desc id="{slug}-desc">{_attr(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
        *body,
        "</svg>",
    ]
    # Every piece of user text above went through _attr(); the rest is our own markup.
    return Markup("".join(parts))  # noqa: S704  # nosec B704


def _empty(width, height, title, message) -> Markup:
    return _svg(
        width,
        height,
        title,
        message,
        [
            f'<text x="{width / 2}" y="{height / 2}" font-size="14" text-anchor="middle" '
            f'fill="#555">{_attr(message)}</text>'
        ],
    )


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


def csi_chart_svg(couple, responses=None) -> Markup:
    """Both partners' CSI-4 totals over time on one chart, with the 13.5 cut-off band and the gap."""
    responses = _responses(couple, "csi4") if responses is None else responses
    series = _partner_points(couple, responses, "csi4", "total")
    width, height = 720, 340
    title = f"CSI-4 relationship satisfaction over time, {couple.display_name}"
    if not any(s.points for s in series):
        return _empty(width, height, title, "No CSI-4 answers yet.")
    t0, t1 = _time_range(series)
    frame = _Frame(48, 44, width - 48 - 24, height - 44 - 48, t0, t1, 0, 21)
    band_top = frame.py(CSI4_CUTOFF)
    body = [
        f'<rect x="{frame.x}" y="{band_top}" width="{frame.w}" height="{frame.y + frame.h - band_top}" fill="#fbe4e0"/>'
    ]
    body += _value_ticks(frame, (0, 5, 10, 15, 21))
    body += _time_ticks(frame, t0, t1)
    body.append(
        f'<line x1="{frame.x}" y1="{band_top}" x2="{frame.x + frame.w}" y2="{band_top}" stroke="#b3261e" '
        f'stroke-width="1.5" stroke-dasharray="3 3"/>'
    )
    body.append(
        f'<text x="{frame.x - 6}" y="{band_top + 4}" font-size="10" text-anchor="end" font-weight="bold" '
        f'fill="#8a1c14">13.5</text>'
    )
    body.append(
        f'<text x="{frame.x + frame.w - 6}" y="{frame.y + frame.h - 8}" font-size="11" text-anchor="end" '
        f'fill="#8a1c14">Below 13.5: notable dissatisfaction</text>'
    )
    for when, va, vb, _gap in csi_gaps(series):
        x = frame.px(when)
        body.append(
            f'<line x1="{x}" y1="{frame.py(va)}" x2="{x}" y2="{frame.py(vb)}" stroke="#777" '
            f'stroke-width="5" stroke-opacity="0.4" stroke-linecap="round"/>'
        )
    for s in series:
        body += _line(frame, s, " of 21")
    legend_end = frame.x + sum(44 + 7.5 * len(s.label) for s in series)
    body += _legend(series, frame.x, 20)
    body.append(
        f'<line x1="{legend_end}" y1="20" x2="{legend_end + 28}" y2="20" stroke="#b3261e" stroke-width="1.5" '
        f'stroke-dasharray="3 3"/>'
    )
    body.append(f'<text x="{legend_end + 34}" y="24" font-size="12" fill="#8a1c14">cut-off 13.5</text>')
    gaps = csi_gaps(series)
    if gaps:
        body.append(
            f'<text x="{width - 24}" y="24" font-size="12" text-anchor="end" fill="#333">'
            f"Latest gap: {gaps[-1][3]:g} points</text>"
        )
    desc = (
        "; ".join(
            f"{s.label}: " + (", ".join(f"{t:%-d %b} {v:g}" for t, v in s.points) or "no answers") for s in series
        )
        + ". Cut-off 13.5; the shaded band below it means notable dissatisfaction."
    )
    return _svg(width, height, title, desc, body)


def csi_rows(couple, responses=None) -> list[dict]:
    """The chart's data as table rows, oldest first: date, partner, score, below cut-off."""
    from clinic.measures.library import csi4_is_dissatisfied

    responses = _responses(couple, "csi4") if responses is None else responses
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


def ecr_chart_svg(couple, responses=None) -> Markup:
    """Each partner's ECR-RS attachment anxiety and avoidance over time: two panels, 1–7."""
    responses = _responses(couple, "ecr_rs") if responses is None else responses
    width, height = 720, 440
    title = f"ECR-RS attachment anxiety and avoidance over time, {couple.display_name}"
    panels = [
        ("anxiety", "Attachment anxiety (worry about the partner's care)"),
        ("avoidance", "Attachment avoidance (discomfort with closeness)"),
    ]
    all_series = {scale: _partner_points(couple, responses, "ecr_rs", scale) for scale, _ in panels}
    if not any(s.points for s in all_series["anxiety"]):
        return _empty(width, 200, title, "No ECR-RS answers yet.")
    t0, t1 = _time_range(all_series["anxiety"])
    body = _legend(all_series["anxiety"], 48, 20)
    for index, (scale, label) in enumerate(panels):
        top = 60 + index * 190
        frame = _Frame(48, top, width - 48 - 24, 140, t0, t1, 1, 7)
        body.append(
            f'<text x="{frame.x}" y="{top - 10}" font-size="13" font-weight="bold" fill="#222">{_attr(label)}</text>'
        )
        body += _value_ticks(frame, (1, 4, 7))
        body += _time_ticks(frame, t0, t1)
        for s in all_series[scale]:
            body += _line(frame, s, " of 7")
    desc = " ".join(
        f"{label}: "
        + "; ".join(
            f"{s.label} " + (", ".join(f"{t:%-d %b} {v:g}" for t, v in s.points) or "no answers")
            for s in all_series[scale]
        )
        + "."
        for scale, label in panels
    )
    return _svg(width, height, title, desc, body)


def ecr_rows(couple, responses=None) -> list[dict]:
    responses = _responses(couple, "ecr_rs") if responses is None else responses
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
