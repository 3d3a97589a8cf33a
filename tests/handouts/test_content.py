"""The built-in handouts: complete front matter, safe rendering, and wording that is our own."""

import hashlib
import re
from pathlib import Path

import pytest

from clinic.handouts.library import CONTENT_DIR, builtin_handouts
from clinic.handouts.markdown import to_html

ARTICLE = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "abandonment-article.txt"
# The article's 8-word runs as hashes, committed so the check runs on any clone (the text is not ours).
ARTICLE_RUNS = Path(__file__).resolve().parent / "data" / "article-runs.sha1"
RUN = 8


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


ROOT = Path(__file__).resolve().parents[2]
OUR_WORDS = [
    *sorted(CONTENT_DIR.glob("*.md")),
    *sorted((ROOT / "templates" / "handouts").glob("*.html")),
    *sorted((ROOT / "templates" / "pdf").glob("*.html")),
    ROOT / "clinic" / "handouts" / "services.py",
    *sorted((ROOT / "clinic" / "homework" / "content").rglob("*.*")),
]


def _run_hash(words: list[str]) -> str:
    return hashlib.sha1(" ".join(words).encode()).hexdigest()[:16]  # noqa: S324 - a fingerprint, not security


def _runs_of(words: list[str]) -> list[list[str]]:
    return [words[i : i + RUN] for i in range(len(words) - RUN + 1)]


def _article_runs() -> set[str]:
    lines = ARTICLE_RUNS.read_text().splitlines()
    return {line for line in lines if line and not line.startswith("#")}


@pytest.mark.parametrize("path", OUR_WORDS, ids=lambda p: p.name)
def test_no_eight_word_run_is_copied_from_the_article(path):
    article = _article_runs()
    copied = [" ".join(run) for run in _runs_of(_words(path.read_text())) if _run_hash(run) in article]
    assert copied == []


def test_the_committed_fingerprint_is_the_article_s():
    if not ARTICLE.exists():
        pytest.skip("the seed article is not next to this checkout; the fingerprint stands in for it")
    assert {_run_hash(run) for run in _runs_of(_words(ARTICLE.read_text()))} == _article_runs()


@pytest.mark.parametrize("handout", builtin_handouts(), ids=lambda h: h.slug)
def test_builtin_handouts_are_complete_and_render_cleanly(handout):
    assert handout.title and handout.summary and handout.key_phrases
    html = str(to_html(handout.body))
    assert "<h2>" in html and "<h1>" not in html and "<img" not in html
    for phrase in handout.key_phrases:
        assert phrase.replace("'", "&#39;") in html or phrase in html, phrase


@pytest.mark.parametrize("handout", builtin_handouts(), ids=lambda h: h.slug)
def test_sentences_are_short_enough_for_easy_reading(handout):
    """A rough reading-age guard: average sentence length stays under 17 words."""
    text = re.sub(r"[#*|>_-]", " ", handout.body)
    sentences = [s for s in re.split(r"[.!?:]\s", text) if len(s.split()) > 2]
    average = sum(len(s.split()) for s in sentences) / len(sentences)
    assert average < 17, average


def test_the_safety_handout_names_the_hotline():
    safety = next(h for h in builtin_handouts() if h.is_crisis)
    assert "1-800-799-SAFE (7233)" in safety.body and "24/7" in safety.body


@pytest.mark.parametrize("slug", ["unhealthy-coping-patterns", "supporting-a-partner", "reassurance-without-enabling"])
def test_control_is_named_a_safety_matter_not_a_fear_to_soothe(slug):
    handout = next(h for h in builtin_handouts() if h.slug == slug)
    text = " ".join(handout.body.split())
    assert "safety matter" in text and '"Safety and support" handout' in text and "therapist" in text
    for sign in ("messages", "money", "afraid"):
        assert sign in text, sign


def test_checking_on_a_partner_is_not_presented_as_simple_anxious_coping():
    coping = next(h for h in builtin_handouts() if h.slug == "unhealthy-coping-patterns").body
    assert "checking where a partner is, or feeling lost" not in coping
    supporting = next(h for h in builtin_handouts() if h.slug == "supporting-a-partner").body
    assert "Your partner's reactions come from fear, not from" not in supporting
