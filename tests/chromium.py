"""Headless Chromium for the tests, driven over the DevTools protocol on a pipe (standard library only)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

# Where the test run saves its screenshots for a person to look at (git-ignored; README names it).
SCREENSHOTS = Path(__file__).parents[1] / "screenshots"
TIMEOUT = 60.0  # seconds for one protocol answer: generous, the machine is shared


class BrowserError(RuntimeError):
    """Chromium did not start, died, or answered a command with an error."""


def executable() -> str | None:
    """Debian's `chromium` (or the one $CHROMIUM names), if installed."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium process and one page (tab) in it.

    Chromium reads protocol messages on its fd 3 and writes answers and events on its fd 4, each message
    a JSON object ended by a NUL byte (`--remote-debugging-pipe`)."""

    def __init__(self, program: str, width: int = 1280, height: int = 900) -> None:
        self.profile = tempfile.TemporaryDirectory(prefix="chromium-")
        to_chromium, self.commands = os.pipe()
        self.answers, from_chromium = os.pipe()

        def give_pipes() -> None:  # runs in the child, before exec: the pipes become its fds 3 and 4
            read, write = os.dup(to_chromium), os.dup(from_chromium)
            os.dup2(read, 3)
            os.dup2(write, 4)

        try:
            self.process = subprocess.Popen(
                [program, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                 "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--mute-audio",
                 "--hide-scrollbars", f"--user-data-dir={self.profile.name}", f"--window-size={width},{height}",
                 "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=give_pipes, pass_fds=(3, 4))  # the rest of this process's fds are closed
        except OSError:
            for fd in (self.commands, self.answers):
                os.close(fd)
            self.profile.cleanup()
            raise
        finally:
            os.close(to_chromium)
            os.close(from_chromium)
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)

    def call(self, method: str, session: str | None = None, **params: Any) -> Any:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def send(self, method: str, **params: Any) -> Any:
        """A command to the page."""
        return self.call(method, self.session, **params)

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                raise BrowserError(f"no answer from Chromium in {TIMEOUT} s")
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                raise BrowserError(f"Chromium closed the pipe (exit code {self.process.poll()})")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return dict(json.loads(message))

    def wait_for(self, event: str) -> dict[str, Any]:
        while True:
            for n, message in enumerate(self.events):
                if message.get("method") == event:
                    del self.events[: n + 1]
                    return message
            self.events.append(self._read())

    def open(self, path: Path) -> float:
        """Load a file and wait until its load event (scripts have run); the seconds from navigation
        start to the end of the load event, as the page's own clock measured them."""
        self.events.clear()
        self.send("Page.navigate", url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")
        return float(self.evaluate(
            "(() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd / 1000; })()"))

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serializable values)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:80]}…: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click (pressed and released) in the middle of the first element matching `selector`."""
        x, y = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def screenshot(self, path: Path, height: int | None = None) -> Path:
        """The top of the page as a PNG file: the window, or `height` pixels of the page (all of it
        where shorter)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        params: dict[str, Any] = {"format": "png"}
        if height is not None:
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size[0], "height": min(size[1], height), "scale": 1})
        data = self.send("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        with contextlib.suppress(BrowserError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.commands)
        os.close(self.answers)
        self.profile.cleanup()


def start_browser() -> Browser:
    """A browser for a test module, or a skip that says why there is none."""
    program = executable()
    if program is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium; or set CHROMIUM)")
    try:
        return Browser(program)
    except (OSError, BrowserError) as error:
        pytest.skip(f"chromium ({program}) does not start headless here: {error}")
