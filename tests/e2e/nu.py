"""The Nu HTML Checker (vnu.jar, the W3C validator) run as a local service for the browser journeys.

Every document a journey reaches is posted, as the server sent it, to one checker started for the whole
run (a Java start per page would cost seconds each). `make install-test` puts vnu.jar under
.venv/npm (from the npm registry, no install scripts); Java comes from Debian (`default-jre-headless`,
installed by `.ci/run`). Without either the check does not run and the summary says so; with
CLINIC_REQUIRE_NU=1 (set by `.ci/run`) a missing checker fails the run instead.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from clinic import PROJECT_ROOT

JAR = Path(os.environ.get("CLINIC_VNU_JAR", PROJECT_ROOT / ".venv/npm/node_modules/vnu-jar/build/dist/vnu.jar"))
START_TIMEOUT_S = 90


class NuChecker:
    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.checked = 0
        self.errors = 0
        self.missing = ""
        java = shutil.which("java")
        if not JAR.exists():
            self.missing = f"no vnu.jar at {JAR} (run `make install-test`, which needs npm)"
        elif java is None:
            self.missing = "no java on PATH (apt-get install default-jre-headless)"
        else:
            self._start(java)

    @property
    def available(self) -> bool:
        return self.process is not None

    def _start(self, java: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                java,
                "-Xss8m",
                "-cp",
                str(JAR),
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "nu.validator.servlet.Main",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{port}/?out=json"
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                self._post("<!doctype html><html lang=en><title>up</title></html>")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                if self.process.poll() is not None:
                    break
                time.sleep(0.5)
        self.close()
        self.missing = "the Nu HTML checker did not start"

    def _post(self, source: str) -> list[dict]:
        request = urllib.request.Request(
            self.url, data=source.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our own loopback service
            return json.load(response).get("messages", [])

    def check(self, source: str) -> list[str]:
        """Error messages for one document (warnings and info are not errors)."""
        if not self.available:
            return []
        messages = [m for m in self._post(source) if m.get("type") == "error" or m.get("subType") == "fatal"]
        self.checked += 1
        self.errors += len(messages)
        return [f"line {m.get('lastLine', '?')}: {m.get('message', '')}" for m in messages]

    def summary(self) -> str:
        if not self.available and self.missing:
            return f"Nu HTML checker: NOT RUN ({self.missing})"
        return f"Nu HTML checker (vnu.jar): {self.checked} documents, {self.errors} errors"

    def close(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


_checker: NuChecker | None = None


def nu_checker() -> NuChecker:
    """The run's one checker, started on first use (runs without browser journeys never start Java)."""
    global _checker
    if _checker is None:
        import atexit

        _checker = NuChecker()
        atexit.register(_checker.close)
    return _checker


def used_checker() -> NuChecker | None:
    return _checker
