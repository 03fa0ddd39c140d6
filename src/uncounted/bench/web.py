"""`uncounted bench web`: concurrent users viewing pages of the web app, against 127.0.0.1 only.

The server runs in its own process (as `uncounted serve` would), so client time is not server time. Each
simulated user signs in once, then views the pages in turn for the given time, waiting for each answer before
asking the next (a closed loop, like a person). Latencies are wall-clock per request; p95 is over all views of
a page. The target of issue 9 is p95 <= 300 ms for page views on 100,000 records with 20 users, and no 5xx.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

HOST = "127.0.0.1"  # never anything else: a load test must not leave this machine
PAGES = (
    "/",
    "/lists",
    "/records",
    "/records?q=محمد",
    "/records?q=Ahmad",
    "/records?page=50",
    "/estimates",
    "/linkage",
)
TARGET_P95_MS = 300.0
Step = Callable[[str], None]


@dataclass
class WebBench:
    users: int
    seconds: float
    records: int
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    failures: int = 0  # connection errors and timeouts

    @property
    def errors_5xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def p95_ms(self, page: str | None = None) -> float:
        values = self.latencies[page] if page else [v for vs in self.latencies.values() for v in vs]
        return float(np.percentile(values, 95) * 1000) if values else float("nan")

    def to_json(self) -> dict[str, Any]:
        every = [v for vs in self.latencies.values() for v in vs]
        return {
            "users": self.users,
            "seconds": self.seconds,
            "records": self.records,
            "requests": len(every),
            "requests_per_second": len(every) / self.seconds,
            "p50_ms": float(np.percentile(every, 50) * 1000) if every else None,
            "p95_ms": self.p95_ms(),
            "p99_ms": float(np.percentile(every, 99) * 1000) if every else None,
            "statuses": dict(self.statuses),
            "errors_5xx": self.errors_5xx,
            "failures": self.failures,
            "target_p95_ms": TARGET_P95_MS,
            "pages": {page: {"n": len(v), "p95_ms": self.p95_ms(page)} for page, v in self.latencies.items()},
        }

    def table(self) -> Any:
        from rich.table import Table

        out = Table(
            title=f"web: {self.users} users, {self.seconds:.0f} s, {self.records:,} records "
            f"(target p95 <= {TARGET_P95_MS:.0f} ms, no 5xx)"
        )
        for column in ("page", "views", "p50 ms", "p95 ms"):
            out.add_column(column)
        for page, values in sorted(self.latencies.items()):
            out.add_row(
                page, str(len(values)), f"{np.percentile(values, 50) * 1000:.0f}", f"{self.p95_ms(page):.0f}"
            )
        summary = self.to_json()
        out.add_row(
            "all", str(summary["requests"]), f"{summary['p50_ms'] or 0:.0f}", f"{summary['p95_ms']:.0f}"
        )
        out.caption = (
            f"{summary['requests_per_second']:.1f} req/s; statuses {dict(self.statuses)}; "
            f"5xx {self.errors_5xx}; connection failures {self.failures}"
        )
        return out


def simulated_workspace(folder: Path, population: int, password: str, step: Step) -> Path:
    """A workspace of simulated lists (4 lists of `population` people) with a `bench` admin."""
    from uncounted.ingest import ingest_file
    from uncounted.simulate import simulate
    from uncounted.store import users
    from uncounted.store.access import actor
    from uncounted.workspace import Workspace

    ws = Workspace.create(folder / "ws")
    users.add_user(ws, actor("local", "admin", ws), "bench", "admin", password)
    step(f"simulating a population of {population:,}")
    sim = simulate(seed=1, population=population, lists=4)
    for name, frame in sim.lists.items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False)
        step(f"importing {name} ({len(frame):,} records)")
        ingest_file(ws, path, quarantine=True)
    ws.engine.dispose()
    return ws.path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _start_server(workspace: Path, port: int) -> subprocess.Popen[bytes]:
    code = (
        "import sys, uvicorn; from uncounted.web import create_app; "
        "uvicorn.run(create_app(sys.argv[1]), host=sys.argv[2], port=int(sys.argv[3]), log_level='warning')"
    )
    return subprocess.Popen([sys.executable, "-c", code, str(workspace), HOST, str(port)])


async def _user(
    base: str, name: str, password: str, deadline: float, result: WebBench, offset: int, warm: bool = False
) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=120.0, follow_redirects=False) as client:
        page = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        signed = await client.post("/login", data={"name": name, "password": password, "csrf_token": token})
        if signed.status_code != 303:
            raise RuntimeError(f"bench user could not sign in (status {signed.status_code})")
        if warm:
            for url in PAGES:
                await client.get(url)
            return
        i = offset
        while time.monotonic() < deadline:
            url = PAGES[i % len(PAGES)]
            i += 1
            started = time.perf_counter()
            try:
                response = await client.get(url)
            except httpx.HTTPError:
                result.failures += 1
                continue
            result.latencies[url].append(time.perf_counter() - started)
            result.statuses[response.status_code] += 1


async def _load(base: str, name: str, password: str, users: int, seconds: float, result: WebBench) -> None:
    # One untimed pass first: it waits for the name index the app builds in the background when it starts
    # (seconds on 100,000 records, once per process) and compiles each page's template.
    await _user(base, name, password, 0.0, WebBench(1, 0.0, 0), 0, warm=True)
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(_user(base, name, password, deadline, result, k) for k in range(users)))


def _wait_until_up(port: int, server: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the web server exited before it was ready")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("the web server did not start in time")


def bench(
    workspace: Path | None = None,
    *,
    population: int = 140_000,
    users: int = 20,
    seconds: float = 60.0,
    user: str | None = None,
    step: Step = print,
) -> WebBench:
    """Load the app with `users` concurrent users for `seconds`; a simulated workspace when none is given."""
    from uncounted.store.records import list_sources
    from uncounted.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix="uncounted-bench-web-") as scratch:
        if workspace is None:
            password = secrets.token_urlsafe(16)
            workspace, user = simulated_workspace(Path(scratch), population, password, step), "bench"
        else:
            password = os.environ.get("UNCOUNTED_USER_PASSWORD", "")
        records = int(list_sources(Workspace.open(workspace))["records"].sum())
        port = _free_port()
        server = _start_server(workspace, port)
        try:
            _wait_until_up(port, server)
            step(f"{users} users for {seconds:.0f} s against http://{HOST}:{port}/")
            result = WebBench(users, seconds, records)
            asyncio.run(_load(f"http://{HOST}:{port}", user or "", password, users, seconds, result))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return result
