"""The homework review that prefills the next progress note (the sessions domain calls this)."""

from datetime import datetime

from clinic.homework.progress import couple_adherence


def summarise_since(couple, since_at: datetime | None) -> str:
    """Plain text, per partner: done/expected per assignment since `since_at` (the whole course when None),
    and how many entries were shared or kept private. Never any entry's text."""
    rows, _totals, since = couple_adherence(couple, since_at, use_last_session=False, detail="rows")
    span = f"since {since:%-d %b %Y}" if since else "over the whole course"
    if not rows:
        return f"Homework {span}: nothing assigned yet."
    lines = [f"Homework {span}:"]
    for partner in couple.partners:
        lines.append(f"{partner.name}:")
        count = 0
        for row in rows:
            pa = next(p for p in row.partners if p.partner.id == partner.id)
            tally = pa.course if since is None else pa.since
            if tally is None or (tally.expected == 0 and tally.done == 0):
                continue
            mine = [e for e in row.entries if e.partner_id == partner.id and (since is None or e.done_on >= since)]
            shared = sum(1 for e in mine if e.is_shared)
            a = row.assignment
            how = {"together": "together", "each": "each", "one": "just them"}[a.who]
            extra = f", {a.status_label.lower()}" if a.status != "active" else ""
            lines.append(
                f"- {a.exercise.title} ({how}, {a.frequency_label.lower()}{extra}): "
                f"{tally.done} of {tally.expected} done; "
                f"{len(mine)} {'entry' if len(mine) == 1 else 'entries'} logged "
                f"({shared} shared, {len(mine) - shared} private)"
            )
            count += 1
        if not count:
            lines.append("- nothing expected in this period")
    return "\n".join(lines)
