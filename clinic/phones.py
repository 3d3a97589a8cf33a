"""Phone numbers in plain text become tap-to-call links (`tel:`), for the portal on a phone.

`phone_links(text)` escapes the text and wraps each phone number in `<a href="tel:…">`; a vanity
number such as 1-800-799-SAFE keeps its words on screen and dials the digits (7233).
"""

import re

from markupsafe import Markup, escape

_LETTERS = ["", "", "ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ"]
KEYPAD = {c: str(d) for d, letters in enumerate(_LETTERS) for c in letters}

# A number: optional +, digits with spaces, dots, dashes or brackets, at least 7 digits; a trailing
# group of 4+ capitals counts (vanity numbers). A bracketed digit group right after it is its spelling.
_NUMBER = re.compile(r"(?<![\w/+])(\+?(?:\(\d+\)[\s.-]?)?\d[\d\s.-]*\d(?:[\s.-]?[A-Z]{4,7})?(?:\s\(\d{3,7}\))?)(?!\w)")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def dial_string(number: str) -> str:
    """What a phone dials for `number` as written: digits (letters on the keypad) and a leading +."""
    core = re.sub(r"\s\(\d{3,7}\)$", "", number) if re.search(r"[A-Z]", number) else number
    digits = "".join(KEYPAD.get(c, c) for c in core.upper() if c.isdigit() or c in KEYPAD)
    return ("+" if number.lstrip().startswith("+") else "") + digits


def phone_links(text: str | None) -> Markup:
    """`text`, escaped, with every phone number of 7 or more digits linked for tap-to-call."""
    if not text:
        return Markup("")
    out, last = [], 0
    source = str(text)
    for match in _NUMBER.finditer(source):
        number = match.group(1).strip()
        dial = dial_string(number)
        if len(dial.lstrip("+")) < 7 or _DATE.match(number):
            continue
        out.append(escape(source[last : match.start(1)]))
        out.append(Markup('<a href="tel:{}" class="tel">{}</a>').format(dial, number))
        last = match.start(1) + len(number)
    out.append(escape(source[last:]))
    return Markup("").join(out)
