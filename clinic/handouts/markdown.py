"""Markdown → safe HTML for handouts: markdown-it-py ("js-default": raw HTML is shown as text), then nh3.

The allow-list is deliberately small: text structure, emphasis, lists, tables and https/mailto/tel links.
No images, styles, frames, scripts or relative links survive, so nothing in a handout can load anything.
Phone numbers in the text (a hotline, a local service) become tap-to-call `tel:` links with the digits
to dial (`clinic.phones`); PDFs print them as plain text (`clinic.pdf`).
"""

import re
from functools import lru_cache

import nh3
from markupsafe import Markup

from clinic.phones import split_numbers

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
ALLOWED_ATTRIBUTES = {"a": {"href", "class"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"https", "mailto", "tel"})
_DIALLABLE = re.compile(r"tel:\+?\d{3,20}")
MAX_MARKDOWN_CHARS = 40_000


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("js-default")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        if value.lower().startswith("tel:"):
            return value if _DIALLABLE.fullmatch(value) else None  # digits (and a leading +) only
        if not value.lower().startswith(("https://", "mailto:")):
            return None  # relative, protocol-relative and every other scheme are dropped
    if attribute == "class" and value != "tel":
        return None
    return value


def _link_phone_numbers(tokens) -> None:
    """Wrap each phone number in a text run (outside links and code) in a `tel:` link, in place."""
    from markdown_it.token import Token

    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children, depth = [], 0
        for child in token.children:
            depth += 1 if child.type == "link_open" else -1 if child.type == "link_close" else 0
            if child.type != "text" or depth > 0:
                children.append(child)
                continue
            for words, dial in split_numbers(child.content):
                if dial is None:
                    children.append(Token("text", "", 0, content=words))
                    continue
                children.append(Token("link_open", "a", 1, attrs={"href": f"tel:{dial}", "class": "tel"}))
                children.append(Token("text", "", 0, content=words))
                children.append(Token("link_close", "a", -1))
        token.children = children


@lru_cache(maxsize=256)
def to_html(text: str) -> Markup:
    """Safe HTML for a handout body. A top-level heading becomes h2: the page's h1 is the title."""
    parser = _parser()
    tokens = parser.parse(text or "")  # cached: handouts are read and re-downloaded far more than edited
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
    _link_phone_numbers(tokens)
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
