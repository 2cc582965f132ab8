"""The report in a real browser: headless Chromium opens it, finds no console error and no network request, and
prints it to PDF.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: commands in on file
descriptor 3, replies and events out on 4, each a JSON message ended by a NUL byte), so no port is opened
and no package beyond the standard library is needed. Without Debian's ``chromium`` the tests are skipped
with how to enable them; under ``CI=true`` a missing Chromium fails instead, so CI always runs them.
"""

from __future__ import annotations

import base64
import dataclasses
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from spasmlog.report import write_report

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",  # tests run as root in CI containers, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    # no background traffic: this machine's network is closed, and the test must see only the report's requests
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-pipe",
]
TIMEOUT = 60.0
BASH = shutil.which("bash") or "/bin/bash"  # dash cannot redirect descriptors above 9
A4_WIDTH_PX = 794  # 210 mm at 96 px per inch


def _chromium() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    message = (
        "headless Chromium is not installed: the report's browser test needs it. "
        "Install it with `apt-get install chromium` (Debian), as .ci/run does."
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " Under CI=true this test must run, not be skipped.")
    pytest.skip(message)


class Browser:
    """A headless Chromium driven over the DevTools protocol on a pipe; one page target, events recorded."""

    def __init__(self, executable: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="spasmlog-chromium-")
        commands, self._to_browser = os.pipe()
        self._from_browser, replies = os.pipe()
        # Chromium reads commands on descriptor 3 and writes replies on 4. Copies numbered 10 and up cannot be
        # one of those two, so bash can move them there without closing one it still needs.
        commands, replies = _above_9(commands), _above_9(replies)
        place = f'exec "$@" 3<&{commands} 4>&{replies} {commands}<&- {replies}>&-'
        self.process = subprocess.Popen(
            [BASH, "-c", place, "bash", executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(commands, replies),
        )
        os.close(commands)
        os.close(replies)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session = ""

    # -- protocol ------------------------------------------------------------------------------------------------
    def _send(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe (it exited)")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, params: dict[str, Any] | None = None, *, page: bool = True) -> dict[str, Any]:
        """Send a command (to the page unless ``page=False``) and return its result; events are recorded."""
        sent = self._send(method, params, session=self.session if page else None)
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._receive(deadline)
            if message.get("id") == sent:
                if "error" in message:
                    raise RuntimeError(f"{method} failed: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        for event in self.events:
            if event["method"] == method:
                return event
        while True:
            message = self._receive(deadline)
            if "method" in message:
                self.events.append(message)
                if message["method"] == method:
                    return message

    def open_page(self) -> None:
        target = self.call("Target.createTarget", {"url": "about:blank"}, page=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, page=False)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": A4_WIDTH_PX, "height": 1123, "deviceScaleFactor": 1, "mobile": False},
        )

    def load(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression} raised {result['exceptionDetails']}")
        return result["result"].get("value")

    # -- what the page did -----------------------------------------------------------------------------------------
    def errors(self) -> list[str]:
        found = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif event["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
                found.append(f"console.{params['type']}: {[a.get('value') for a in params.get('args', [])]}")
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                found.append(f"log {params['entry']['level']}: {params['entry']['text']}")
        return found

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def close(self) -> None:
        try:
            self._send("Browser.close")
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            os.close(self._to_browser)
            os.close(self._from_browser)
            shutil.rmtree(self.profile, ignore_errors=True)


def _above_9(fd: int) -> int:
    """``fd`` moved to a descriptor numbered 10 or more (the original is closed)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = _chromium()
    instance = Browser(chromium)
    try:
        instance.open_page()
        yield instance
    finally:
        instance.close()


@pytest.fixture(scope="module")
def reports(sample_report: Callable[[str], Path]) -> dict[str, Path]:
    return {name: sample_report(name) for name in ("alex", "messy", "clinic")}


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("name", ["alex", "messy", "clinic"])
def test_report_renders_without_errors_or_requests_and_prints_to_pdf(
    browser: Browser, reports: dict[str, Path], name: str, tmp_path: Path
) -> None:
    page = reports[name]
    url = page.resolve().as_uri()
    browser.load(url)

    assert browser.errors() == []
    requests = browser.requests()
    assert url in requests  # the test saw the page's own request, so it would have seen others
    assert [r for r in requests if not r.startswith(("file:", "data:"))] == []

    sections = browser.evaluate("Array.from(document.querySelectorAll('section')).map(s => s.id)")
    assert ("headline" in sections) if name != "clinic" else ("caseload" in sections)
    sizes = browser.evaluate(
        "Array.from(document.querySelectorAll('figure svg')).map(s => s.getBoundingClientRect().width)"
    )
    assert sizes and min(sizes) > 300  # every chart is drawn, scaled to the column
    overflow = browser.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "something is wider than an A4-wide window"

    printed = browser.call("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    pdf = base64.b64decode(printed["data"])
    out = tmp_path / f"{name}.pdf"
    out.write_bytes(pdf)
    assert out.stat().st_size > 1000
    assert pdf.startswith(b"%PDF")
    assert _pages(pdf) >= 1
    assert browser.errors() == []


def test_caseload_links_open_person_pages_in_the_browser(browser: Browser, reports: dict[str, Path]) -> None:
    index = reports["clinic"]
    browser.load(index.resolve().as_uri())
    links = browser.evaluate("Array.from(document.querySelectorAll('#caseload a')).map(a => a.href)")
    assert len(links) == 12
    browser.load(links[0])
    assert browser.errors() == []
    assert browser.evaluate("document.querySelector('h1').textContent").startswith("Spasm report: ")
    assert browser.evaluate("document.querySelector('nav.back a').getAttribute('href')") == "index.html"


LONG_NAMES = [
    "Physio – Dr. Müller-Lüdenscheidt",
    "Anna-Katharina Schmidt-Weißenfels",
    "Jean-Baptiste Lefèvre-Dubois de la Tour (Praxis am Marktplatz, Bad Homburg vor der Höhe)",
    "María José Fernández-Castellanos",
    "Ørjan Kristoffersen-Haugland",
    "c06",
    "Zoë O'Sullivan-MacGillivray",
    "Giuseppe Buonarroti-Castelfranco",
    "Ngozi Adaeze Okonkwo-Chukwuemeka",
    "Li",
    "Wolfgang Amadeus Brückner-Hohenstein",
    "short",
]
A4_CONTENT_HEIGHT_PX = (297 - 14 - 16) / 25.4 * 96  # the page's height inside the @page margins


@pytest.mark.slow
def test_caseload_with_long_names_prints_on_a4(browser: Browser, tmp_path: Path) -> None:
    """Twelve clients with real names: the chart fits one A4 page, dates are never broken over lines, and the
    client with three weeks of diary says "not enough days to test"."""
    import pandas as pd

    import spasmlog

    sim = spasmlog.simulate(12, 150, seed=4, person_ids=LONG_NAMES)
    log = sim.log
    first = log.daily["date"].min()
    short_day = (log.daily["person_id"] == "short") & (log.daily["date"] >= first + pd.Timedelta(days=21))
    short_event = (log.spasms["person_id"] == "short") & (log.spasms["start"] >= first + pd.Timedelta(days=21))
    log = dataclasses.replace(log, daily=log.daily[~short_day], spasms=log.spasms[~short_event])
    index = write_report(log, tmp_path / "caseload")
    browser.load(index.resolve().as_uri())
    assert browser.errors() == []
    overflow = browser.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "something is wider than an A4-wide window"
    lines = browser.evaluate(  # lines of text in each "Logged" cell: the distinct tops of its text boxes
        "Array.from(document.querySelectorAll('#caseload td.dates')).map(td => { const r = document.createRange();"
        " r.selectNodeContents(td); return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; })"
    )
    assert len(lines) == 12 and max(lines) == 3, lines  # first date, last date, days logged
    chart = browser.evaluate(
        "(() => { const r = document.querySelector('#caseload-chart svg').getBoundingClientRect();"
        " return [r.width, r.height]; })()"
    )
    assert chart[1] <= A4_CONTENT_HEIGHT_PX and chart[0] <= A4_WIDTH_PX
    row = browser.evaluate(
        "Array.from(document.querySelectorAll('#caseload tbody tr')).map(r => r.innerText)"
        ".filter(t => t.startsWith('short'))[0]"
    )
    assert "not enough days to test" in row and "→" not in row
    printed = browser.call("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    assert base64.b64decode(printed["data"]).startswith(b"%PDF")
    assert browser.errors() == []


def test_the_longest_experiment_calendar_prints_on_one_a4_page(browser: Browser, tmp_path: Path) -> None:
    """The calendar of the longest plan ``spasmlog plan`` allows (20 pairs of 28-day blocks with 14-day washouts:
    56 months) with a long power statement prints on one A4 page, backgrounds and all."""
    from spasmlog.analysis.experiments import plan_experiment
    from spasmlog.report.experiment_calendar import write_calendar

    plan = plan_experiment(None, change="magnesium glycinate 300 mg with dinner", pairs=20, block_days=28,
                           washout_days=14, start="2030-01-31", seed=1, n_sim=1)  # fmt: skip
    page = write_calendar(plan.periods, tmp_path / "calendar.html", statement=plan.statement + " " + plan.statement)
    browser.load(page.resolve().as_uri())
    assert browser.errors() == []
    printed = browser.call("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    assert _pages(base64.b64decode(printed["data"])) == 1
