"""Phone numbers in plain text become tap-to-call links (`tel:`), for the portal on a phone.

`phone_links(text)` escapes the text and wraps each phone number in `<a href="tel:…">`; a vanity
number such as 1-800-799-SAFE keeps its words on screen and dials the digits (7233).
`split_numbers` finds the numbers for other renderers (handout Markdown); `plain_for_print` undoes the
links for PDFs, where numbers print as plain text.
"""

import re

from markupsafe import Markup, escape

_LETTERS = ["", "", "ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ"]
KEYPAD = {c: str(d) for d, letters in enumerate(_LETTERS) for c in letters}

# A number: optional + and country code, digits with spaces, dots, dashes or brackets, at least 7 digits;
# a trailing group of 4+ capitals counts (vanity numbers). A bracketed digit group right after it is its spelling.
_NUMBER = re.compile(
    r"(?<![\w/+])(\+?(?:\d{1,3}[\s.-]?)?(?:\(\d+\)[\s.-]?)?\d[\d\s.-]*\d"
    r"(?:[\s.-]?[A-Z]{4,7})?(?:\s\(\d{3,7}\))?)(?!\w)"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Not phone numbers although they have 7+ digits: a range of years ("2019-2024"), a dotted date
# ("01.12.2026") and a range of times ("10.30-11.45").
_NOT_A_NUMBER = re.compile(r"^(\d{4}\s?-\s?\d{4}|\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}[.:]\d{2}\s?-\s?\d{1,2}[.:]\d{2})$")
_TEL_LINK = re.compile(r'<a\b[^>]*\bhref="tel:[^"]*"[^>]*>(.*?)</a>', re.DOTALL)


def dial_string(number: str) -> str:
    """What a phone dials for `number` as written: digits (letters on the keypad) and a leading +."""
    core = re.sub(r"\s\(\d{3,7}\)$", "", number) if re.search(r"[A-Z]", number) else number
    digits = "".join(KEYPAD.get(c, c) for c in core.upper() if c.isdigit() or c in KEYPAD)
    return ("+" if number.lstrip().startswith("+") else "") + digits


def split_numbers(text: str) -> list[tuple[str, str | None]]:
    """`text` cut into pieces: (words, None) and (number as written, what it dials), in order.

    A number has 7 or more digits; dates, ranges of years and ranges of times are left as words.
    """
    pieces: list[tuple[str, str | None]] = []
    last = 0
    for match in _NUMBER.finditer(text):
        number = match.group(1).strip()
        dial = dial_string(number)
        if len(dial.lstrip("+")) < 7 or _DATE.match(number) or _NOT_A_NUMBER.match(number):
            continue
        if match.start(1) > last:
            pieces.append((text[last : match.start(1)], None))
        pieces.append((number, dial))
        last = match.start(1) + len(number)
    if last < len(text):
        pieces.append((text[last:], None))
    return pieces


def phone_links(text: str | None) -> Markup:
    """`text`, escaped, with every phone number of 7 or more digits linked for tap-to-call."""
    if not text:
        return Markup("")
    return Markup("").join(
        Markup('<a href="tel:{}" class="tel">{}</a>').format(dial, words) if dial else escape(words)
        for words, dial in split_numbers(str(text))
    )


def plain_for_print(html: str) -> str:
    """`html` with every `tel:` link turned back into plain text (a `<span class="tel">`): on paper a
    number is read and dialled by hand, and a PDF should not carry links that only phones can follow."""
    return _TEL_LINK.sub(r'<span class="tel">\1</span>', html)
