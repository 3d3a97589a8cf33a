"""Privacy by canary: every private text carries a unique marker; each of the 7 actors crawls every page,
GET form and PDF reachable from their home page (plus every route of the matrix), and no marker shows up
where it does not belong."""

from collections import Counter

from tests.security.crawl import ROLE_ACTORS, all_specs, client_for, crawl, populate_everything
from tests.security.markers import MARKER, enrich, plant


def test_no_marker_is_seen_where_it_does_not_belong(app, world):
    problems = populate_everything(world)
    problems += enrich(world)
    markers = plant(world)
    by_text = {m.text: m for m in markers}
    start_paths = sorted({spec.url(world) for spec in all_specs() if spec.method == "GET"})
    leaks, seen_counts, totals = [], Counter(), Counter()
    for actor in ROLE_ACTORS:
        result = crawl(client_for(app, world, actor), "/", start_paths=start_paths)
        assert not result.errors, f"{actor}: server errors while crawling: {result.errors}"
        for path, (_status, ctype, body) in result.pages.items():
            totals[actor, "pdf" if "pdf" in ctype else "page"] += 1
            for found in set(MARKER.findall(body)):
                marker = by_text.get(found)
                if marker is None:
                    continue
                seen_counts[actor] += 1
                if actor not in marker.allowed:
                    leaks.append(
                        f"{actor} saw {marker.table}.{marker.column} #{marker.row_id} on {path} "
                        f"(allowed: {sorted(marker.allowed)})"
                    )
    tables = Counter(m.table for m in markers)
    print(f"\nprivacy crawl: {len(markers)} markers planted in {len(tables)} tables ({dict(tables)})")
    for actor in ROLE_ACTORS:
        print(
            f"  {actor:16} {totals[actor, 'page']:4} pages, {totals[actor, 'pdf']:3} PDFs, "
            f"{seen_counts[actor]:4} allowed marker sightings"
        )
    if problems:
        print("  populate problems (domains in progress):", problems)
    print(f"  leaks: {len(leaks)}")
    assert markers, "no markers were planted"
    assert seen_counts["therapist"] > 0, "the crawl never reached the treating therapist's records"
    assert not leaks, "\n".join(sorted(set(leaks))[:40])
