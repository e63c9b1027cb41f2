"""`storylint serve` as a real subprocess (uvicorn on a free loopback port) for the webhook
tests and benchmarks/webhook_burst.py; every server started is stopped (or killed)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from fakejira import FakeJira

SECRET = "whsec-SECRET-789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Serve:
    """One `storylint serve` process; its stderr goes to a file (read it with `.log`)."""

    def __init__(self, fake: FakeJira, store: str, log_path: Path, *args: str, env: dict[str, str],
                 secret: str | None = SECRET, token: str | None = None) -> None:  # fmt: skip
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.hook = f"{self.url}/webhooks/jira"
        self.log_path = log_path
        full_env = dict(env)
        full_env.pop("STORYLINT_WEBHOOK_SECRET", None)
        if secret is not None:
            full_env["STORYLINT_WEBHOOK_SECRET"] = secret
        full_env.pop("STORYLINT_AUTOMATION_TOKEN", None)
        if token is not None:
            full_env["STORYLINT_AUTOMATION_TOKEN"] = token
        cmd = [sys.executable, "-m", "storylint", "serve", "--jira-server", fake.url, "--store", store,
               "--port", str(self.port), *args]  # fmt: skip
        self._log = open(log_path, "ab")  # noqa: SIM115 (closed in stop/kill)
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=full_env)

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited with {self.proc.returncode}:\n{self.log}")
            try:
                return self.health()
            except (OSError, urllib.error.URLError):
                time.sleep(0.05)
        raise AssertionError(f"serve did not start:\n{self.log}")

    def health(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as answer:
            data: dict[str, Any] = json.loads(answer.read())
            return data

    def stop(self) -> int:
        """SIGTERM (graceful), then SIGKILL if it does not end."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        return int(self.proc.returncode)

    def kill(self) -> None:
        """SIGKILL: a crash, nothing cleaned up."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._log.close()


def wait_for(predicate: Any, timeout: float = 20.0, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
