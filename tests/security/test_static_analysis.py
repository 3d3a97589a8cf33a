"""bandit over the code (no medium or high finding left unexplained) and version floors for the
security-relevant dependencies."""

import json
import pathlib
import re
import subprocess
import sys
from importlib.metadata import version

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BANDIT = pathlib.Path(sys.executable).with_name("bandit")
# An explained suppression: `# nosec` (bandit skips those itself) or ruff's equivalent with a reason,
# e.g. `# noqa: S704 - every piece of user text went through _attr()`.
EXPLAINED = re.compile(r"#\s*(nosec\b|noqa:\s*S\d+\s*-\s*\S)")


@pytest.mark.skipif(not BANDIT.exists(), reason="bandit is not installed in this environment")
def test_bandit_finds_nothing_unexplained():
    result = subprocess.run(
        [str(BANDIT), "-r", "clinic", "-ll", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    findings = report["results"]
    unexplained = []
    for finding in findings:
        line = (ROOT / finding["filename"]).read_text().splitlines()[finding["line_number"] - 1]
        if not EXPLAINED.search(line):
            unexplained.append(
                f"{finding['filename']}:{finding['line_number']} {finding['test_id']} "
                f"{finding['issue_severity']}: {finding['issue_text']}"
            )
    skipped = report["metrics"]["_totals"].get("skipped_tests", 0)
    print(
        f"\nbandit: {report['metrics']['_totals']['loc']} lines scanned; {len(findings)} medium/high findings, "
        f"{len(findings) - len(unexplained)} explained in place, {skipped} marked # nosec; "
        f"unexplained {len(unexplained)}"
    )
    assert not unexplained, "\n".join(unexplained)


FLOORS = {
    "weasyprint": "70",
    "flask": "3.1",
    "werkzeug": "3.1",
    "jinja2": "3.1.6",
    "sqlalchemy": "2.0.30",
    "argon2-cffi": "23.1",
    "nh3": "0.2.17",
    "flask-wtf": "1.2",
    "flask-login": "0.6.3",
    "flask-limiter": "3.5",
    "markdown-it-py": "3.0",
    "pyotp": "2.9",
    "segno": "1.6",
    "psycopg": "3.1",
    "gunicorn": "22",
    "itsdangerous": "2.2",
    "markupsafe": "2.1",
    "pyyaml": "6.0",
}


def _parts(text):
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def test_security_relevant_dependencies_meet_their_floors():
    rows, low = [], []
    for name, floor in FLOORS.items():
        installed = version(name)
        rows.append(f"{name} {installed} (≥ {floor})")
        if _parts(installed) < _parts(floor):
            low.append(f"{name} {installed} is below {floor}")
    print("\nversions: " + ", ".join(rows))
    assert not low, low
