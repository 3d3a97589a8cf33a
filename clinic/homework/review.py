"""The homework review that prefills the next progress note (the sessions domain calls this).

Per partner and assignment: the days it was done, how many expected times were skipped, which entries
the partner shared, and (for checklists) which items were ticked. Never any entry's words: free text and
typed answers stay out, shared or not, so the note holds facts about the homework and no private text.
An exercise private to one partner (a safety plan) is left out altogether: notes can be released to both.
"""

from datetime import datetime

from clinic.homework.progress import couple_adherence


def summarise_since(couple, since_at: datetime | None, position: str | None = None) -> str:
    """Plain text, per partner (only the partner at `position` when given), since `since_at` (the whole
    course when None): done days, skipped count, shared days and checklist items ticked."""
    rows, _totals, since = couple_adherence(couple, since_at, use_last_session=False, detail="full")
    span = f"since {since:%-d %b %Y}" if since else "over the whole course"
    if not rows:
        return f"Homework {span}: nothing assigned yet."
    partners = [p for p in couple.partners if position is None or p.position == position]
    lines = [f"Homework {span}:"]
    for partner in partners:
        lines.append(f"{partner.name}:")
        found = [line for row in rows if (line := _assignment_lines(row, partner, since))]
        lines.extend(line for block in found for line in block)
        if not found:
            lines.append("- nothing expected in this period")
    return "\n".join(lines)


def _assignment_lines(row, partner, since) -> list[str]:
    if row.assignment.exercise.is_private_to_partner:
        return []  # a note can be released to both partners: one partner's private plan stays out of it
    pa = next(p for p in row.partners if p.partner.id == partner.id)
    tally = pa.course if since is None else pa.since
    if tally is None or (tally.expected == 0 and tally.done == 0):
        return []
    a = row.assignment
    mine = sorted(
        (e for e in row.entries if e.partner_id == partner.id and (since is None or e.done_on >= since)),
        key=lambda e: e.done_on,
    )
    shared = [e for e in mine if e.is_shared]
    how = {"together": "together", "each": "each", "one": "just them"}[a.who]
    extra = f", {a.status_label.lower()}" if a.status != "active" else ""
    skipped = max(tally.expected - tally.counted_done, 0)
    out = [
        f"- {a.exercise.title} ({how}, {a.frequency_label.lower()}{extra}): {tally.done} of {tally.expected} done",
        f"  done: {_days(mine) or 'no entry of their own'}",
        f"  skipped: {skipped} of {tally.expected}",
        f"  shared with their partner: {_days(shared) or 'none'}; kept private: {len(mine) - len(shared)}",
    ]
    if ticked := _ticked(a.exercise, mine):
        out.append(f"  ticked: {ticked}")
    if ratings := [str(e.rating) for e in mine if e.rating]:
        out.append(f"  ratings (1–5): {', '.join(ratings)}")
    return out


def _days(entries) -> str:
    return ", ".join(f"{e.done_on:%a %-d %b}" for e in entries)


def _ticked(exercise, entries) -> str:
    """For a checklist: each item with how many of the partner's entries ticked it (labels are ours)."""
    if exercise.completion != "checklist" or not entries:
        return ""
    parts = []
    for item in exercise.fields or []:
        count = sum(1 for e in entries if (e.answers or {}).get(item["key"]) is True)
        parts.append(f"{item['label']} ({count} of {len(entries)})")
    return "; ".join(parts)
