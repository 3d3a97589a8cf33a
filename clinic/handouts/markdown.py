"""Markdown → safe HTML for handouts: markdown-it-py ("js-default": raw HTML is shown as text), then nh3.

The allow-list is deliberately small: text structure, emphasis, lists, tables and https/mailto links.
No images, styles, frames, scripts or relative links survive, so nothing in a handout can load anything.
"""

from functools import lru_cache

import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "a",
        "blockquote",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "code",
        "pre",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"https", "mailto"})
MAX_MARKDOWN_CHARS = 40_000


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("js-default")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href" and not value.lower().startswith(("https://", "mailto:")):
        return None  # relative, protocol-relative and every other scheme are dropped
    return value


@lru_cache(maxsize=256)
def to_html(text: str) -> Markup:
    """Safe HTML for a handout body. A top-level heading becomes h2: the page's h1 is the title."""
    parser = _parser()
    tokens = parser.parse(text or "")  # cached: handouts are read and re-downloaded far more than edited
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
    html = parser.renderer.render(tokens, parser.options, {})
    return Markup(clean(html))  # noqa: S704  # nosec B704 - nh3 output with a strict allow-list


def clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
        # wide tables scroll sideways on a phone; a scrollable region must be focusable
        set_tag_attribute_values={"table": {"tabindex": "0"}},
        clean_content_tags={"script", "style"},
    )
