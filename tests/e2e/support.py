"""Helpers for the browser journeys: the browser set-up, signing in, axe scans and screenshots.

axe-core is injected with `page.evaluate(source)`, not `add_script_tag`: the app's Content Security
Policy (script-src 'self') rightly blocks an inline <script>, and we keep that policy on during the
journeys so that a template breaking it shows up as a console error (which fails the journey).
"""

import os
import re
import time as _time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "calm-harbour-lantern-42"
THERAPIST = "therapist@demo.clinic.test"
ADMIN = "admin@demo.clinic.test"
EXPECT_TIMEOUT_MS = 10_000


class Clock:
    """Stands in for the `time` module inside clinic.auth.sessions: real time plus an offset."""

    def __init__(self):
        self.offset = 0.0

    def time(self) -> float:
        return _time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def open_page(browser, base_url: str, phone: bool = False):
    """A new context (its own cookies) and page; console errors and page errors are collected."""
    options = {
        "base_url": base_url,
        "viewport": PHONE if phone else DESKTOP,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
    }
    if phone:
        options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
    context = browser.new_context(**options)
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    if os.environ.get("CLINIC_E2E_CSS_PATCH"):
        _patch_css(context, os.environ["CLINIC_E2E_CSS_PATCH"])
    page = context.new_page()
    page.clinic_errors = []
    page.on("console", lambda message: _console(page, message))
    page.on("pageerror", lambda error: page.clinic_errors.append(f"page error: {error}"))
    page.on("response", lambda response: _subresource(page, response))
    return context, page


def _patch_css(context, extra_css: str) -> None:
    """Try a proposed CSS fix without editing the app: app.css is served with `extra_css` appended."""

    def handle(route):
        try:
            response = route.fetch()
            route.fulfill(response=response, body=response.text() + "\n" + extra_css)
        except Exception:  # noqa: BLE001 - the context closed meanwhile
            pass

    context.route("**/static/css/app.css", handle)


def _console(page, message) -> None:
    """Script errors and CSP violations count; HTTP statuses are judged in `_subresource`."""
    if message.type != "error" or message.text.startswith("Failed to load resource"):
        return
    where = (message.location or {}).get("url", "")
    page.clinic_errors.append(f"console error at {where or page.url}: {message.text}")


def _subresource(page, response) -> None:
    """A stylesheet, script, image or font that fails to load breaks the page (documents may 4xx on purpose)."""
    request = response.request
    if request.resource_type == "document" and request.frame == page.main_frame:
        page.clinic_document = response
    if response.status < 400 or request.resource_type in ("document", "fetch", "xhr"):
        return
    if request.url.endswith("/favicon.ico"):
        return
    page.clinic_errors.append(f"{request.resource_type} {request.url} answered {response.status}")


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, finding the fields by their labels as a person would."""
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in")).to_have_count(0)


def sign_out(page, checker=None) -> None:
    from playwright.sync_api import expect

    button = page.get_by_role("button", name="Sign out", exact=True)
    if checker is not None:
        with page.expect_navigation():
            checker.click(button, "Sign out button")
    else:
        button.click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


# ---------------------------------------------------------------- accessibility log


@dataclass
class PageResult:
    journey: str
    name: str
    role: str
    url: str
    width: int
    counts: dict
    blocking: list
    other: list


@dataclass
class A11yLog:
    pages: list = field(default_factory=list)

    def add(self, result: PageResult) -> None:
        self.pages.append(result)

    def as_json(self) -> dict:
        return {"axe_version": axe_version(), "tags": WCAG_TAGS, "pages": [vars(p) for p in self.pages]}

    @staticmethod
    def summary_lines(data: dict) -> list[str]:
        pages = data["pages"]
        roles = Counter(p["role"] for p in pages)
        blocking = [p for p in pages if p["blocking"]]
        minor = Counter(v for p in pages for v in p["other"])
        lines = [
            f"{data['axe_version'].split(' (')[0]} ({', '.join(data['tags'])}): {len(pages)} page scans "
            f"({', '.join(f'{r} {n}' for r, n in sorted(roles.items()))}); "
            f"{len({p['url'].split('?')[0] for p in pages})} distinct URLs",
            f"pages with serious/critical violations: {len(blocking)}",
        ]
        for p in blocking:
            lines.append(f"  {p['journey']} / {p['name']} ({p['role']}, {p['width']}px): {', '.join(p['blocking'])}")
        if minor:
            lines.append(
                "moderate/minor findings (not blocking): "
                + ", ".join(f"{rule} ×{n}" for rule, n in minor.most_common())
            )
        return lines


_axe_source = None


def axe_version() -> str:
    version = AXE_JS.parent / "VERSION"
    return version.read_text().strip() if version.exists() else "?"


def run_axe(page) -> list[dict]:
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_JS.read_text()
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source)
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
             .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary}))})))""",
        WCAG_TAGS,
    )


class PageChecker:
    """Scans each visited page with axe (at 1280 and 390 wide) and saves a screenshot at each width."""

    def __init__(self, journey: str, log: A11yLog, directory: Path):
        self.journey = re.sub(r"[^a-z0-9_]+", "-", journey.lower()).strip("-")
        self.log = log
        self.directory = directory
        self.problems: list[str] = []
        self.reflow_seen: set[str] = set()
        self.html_checked: set[str] = set()
        self.count = 0

    def __call__(self, page, name: str, role: str, screenshot: bool = True) -> None:
        page.wait_for_load_state("load")
        original = page.viewport_size
        widths = [original] + [size for size in (DESKTOP, PHONE) if size["width"] != original["width"]]
        self.count += 1
        for size in widths:
            if size != page.viewport_size:
                page.set_viewport_size(size)
            self._scan(page, name, role, size["width"])
            self._check_reflow(page, name, role, size["width"])
            if screenshot:
                label = "desktop" if size["width"] >= 1000 else "phone"
                path = self.directory / f"{self.journey}--{self.count:02d}-{_slug(name)}--{label}.png"
                page.screenshot(path=str(path), full_page=True)
        if page.viewport_size != original:
            page.set_viewport_size(original)
        self.problems.extend(f"{name}: {error}" for error in page.clinic_errors)
        page.clinic_errors.clear()
        self._check_html(page, name)

    def _check_html(self, page, name: str) -> None:
        """Valid HTML: the document as the server sent it, through an HTML5 parser that reports parse errors
        and through the Nu HTML Checker (tests/e2e/nu.py)."""
        response = getattr(page, "clinic_document", None)
        if response is None or response.url in self.html_checked:
            return
        self.html_checked.add(response.url)
        try:
            source = response.text()
        except Exception:  # noqa: BLE001 - the body is gone (a later navigation); nothing to check
            return
        from tinyhtml5.parser import HTMLParser

        parser = HTMLParser()
        parser.parse(source)
        for (line, column), code, details in parser.errors[:5]:
            self.problems.append(f"{name}: invalid HTML at line {line}, column {column}: {code} {details or ''}")
        from tests.e2e.nu import nu_checker

        for error in nu_checker().check(source)[:5]:
            self.problems.append(f"{name}: Nu HTML checker: {error}")

    def _scan(self, page, name: str, role: str, width: int) -> None:
        violations = run_axe(page)
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        self.log.add(
            PageResult(
                self.journey,
                name,
                role,
                page.url,
                width,
                dict(Counter(v["impact"] for v in violations)),
                [v["id"] for v in blocking],
                [v["id"] for v in violations if v not in blocking],
            )
        )
        for v in blocking:
            nodes = "; ".join(f"{n['target']}" for n in v["nodes"])
            self.problems.append(f"{name} ({role}, {width}px): axe {v['impact']} {v['id']} – {v['help']} – {nodes}")

    def _check_reflow(self, page, name: str, role: str, width: int) -> None:
        """WCAG 1.4.10: no sideways scrolling of the page at phone width (tables may scroll inside a wrapper)."""
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width + 1:
            culprit = page.evaluate(
                """w => {
                const over = el => el.getBoundingClientRect().right > w + 1;
                const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                    + (typeof el.className === 'string' && el.className
                       ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
                const path = el => { const parts = []; for (let e = el; e && e !== document.body && parts.length < 4;
                    e = e.parentElement) { parts.unshift(name(e)); } return parts.join(' > '); };
                const out = [];
                for (const el of document.querySelectorAll('body *')) {
                  if (over(el) && el.getClientRects().length && !el.closest('.table-wrap') && !over(el.parentElement)) {
                    out.push(path(el));
                  }
                }
                return out.slice(0, 3).join('; ') || 'unknown element'; }""",
                width,
            )
            if culprit not in self.reflow_seen:
                self.reflow_seen.add(culprit)
                self.problems.append(
                    f"{name} ({role}, {width}px): page is {wide}px wide, scrolls sideways "
                    f"(overflowing: {culprit}; later pages with the same cause not repeated)"
                )

    def click(self, locator, what: str) -> None:
        """Click as a person would; if something covers the target, record it and activate it anyway."""
        try:
            locator.click(timeout=3000)
        except Exception as error:  # noqa: BLE001 - recorded as a problem; the journey goes on
            reason = str(error).splitlines()[0][:160]
            self.problems.append(f"{what}: could not be clicked ({reason})")
            if locator.evaluate("element => element.tagName === 'A' && !!element.getAttribute('href')"):
                with locator.page.expect_navigation():
                    locator.dispatch_event("click")
            else:
                locator.dispatch_event("click")

    def assert_clean(self) -> None:
        """Fail with every serious/critical axe violation and console error seen on the journey."""
        assert not self.problems, "problems found on this journey:\n" + "\n".join(self.problems)

    def close(self) -> None:
        pass


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
