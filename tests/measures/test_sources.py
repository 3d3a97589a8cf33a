"""#17: every instrument names the source of its items, anchors, reversals and cut-off; the explanations
to partners say no more than the sources support."""

import pytest

from clinic.measures import library

PARTS = ("Items", "Response anchors", "Reversed items", "Cut-off")


@pytest.mark.parametrize("key", sorted(library.MEASURES))
def test_every_measure_cites_items_anchors_reversals_and_cut_off(key):
    sources = dict(library.MEASURES[key].sources)
    assert tuple(sources) == PARTS
    assert all(len(text) > 20 for text in sources.values())


def test_the_csi4_cut_off_cites_its_primary_source():
    cut_off = dict(library.CSI4.sources)["Cut-off"]
    assert "13.5" in cut_off and "Funk & Rogge (2007)" in cut_off and "primary source" in cut_off


def test_the_library_page_shows_the_sources(client, world, login):
    login(client, world.therapist)
    page = client.get("/measures/library").text
    assert "Sources" in page and "Reversed items" in page and "Items 4 and 7 reversed" in page
    assert "13.5, from the primary source: Funk &amp; Rogge (2007)" in page


def test_ecr_rs_anxiety_is_explained_as_worry_about_availability_and_responsiveness():
    text = library.explain("ecr_rs", {"anxiety": 4.0, "avoidance": 2.5})
    assert "Worry about whether your partner will be there and respond to you: 4 of 7" in text
    assert "Worry about closeness" not in text


@pytest.mark.parametrize("total", [5, 13, 14, 21])
def test_csi4_explanation_says_what_a_score_is_typical_of_and_no_more(total):
    text = library.explain("csi4", {"total": total})
    assert "typical of" in text
    for overreach in ("indicates", "means the relationship", "often mean", "usually mean", "notable"):
        assert overreach not in text
