"""A small load generator: several client processes, each sending its requests one after another
over loopback, recording every latency. Used when wrk is absent, and for POSTs that must each be
sent once (a submission is only a submission the first time)."""

from __future__ import annotations

import http.client
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

# Sent with every request. Flask-Login ties a session to the client's address and user agent,
# so the bench's session cookies are made for this agent (bench.run.signed_in); a cookie made
# for another agent would be rewritten on every response, which no browser session pays.
USER_AGENT = "peerpath-bench"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def sent_headers(self) -> dict[str, str]:
        """The headers as sent: the bench's user agent, then the request's own."""
        return {"User-Agent": USER_AGENT, **dict(self.headers)}


@dataclass(frozen=True)
class Result:
    requests: int
    errors: int  # transport failures and 5xx
    seconds: float
    latencies_ms: tuple[float, ...]
    server_cpu_seconds: float | None = None  # gunicorn's workers, when their parent is known
    client_cpu_seconds: float = 0.0  # the load generator's processes

    def cpu_ms_per_request(self, seconds: float | None) -> float:
        return 1000 * seconds / self.requests if seconds is not None and self.requests else float("nan")

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def send(port: int, request: Request, timeout: float = 60) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(
            request.method,
            request.path,
            body=request.body,
            headers=request.sent_headers,
        )
        reply = connection.getresponse()
        return reply.status, reply.read()
    finally:
        connection.close()


def _client(
    port: int, requests: list[Request], cycle: bool, seconds: float
) -> tuple[list[float], int, float]:
    latencies, errors = [], 0
    started = time.perf_counter()
    deadline = started + seconds
    index = 0
    while True:
        if cycle and time.perf_counter() >= deadline:
            break
        if not cycle and index >= len(requests):
            break
        request = requests[index % len(requests)]
        index += 1
        sent = time.perf_counter()
        try:
            status, _ = send(port, request)
            errors += status >= 500
        except OSError:
            errors += 1
        latencies.append((time.perf_counter() - sent) * 1000)
    return latencies, errors, time.perf_counter() - started


def run_load(
    port: int, requests: list[Request], clients: int, seconds: float | None = None, server: int | None = None
) -> Result:
    """With ``seconds``: every client cycles through ``requests`` until time is up. Without: the
    requests are dealt out among the clients and each is sent exactly once. With ``server`` (the
    pid of gunicorn's master), the CPU time its workers spent is recorded too."""
    cycle = seconds is not None
    shares = [requests] * clients if cycle else [requests[i::clients] for i in range(clients)]
    server_before = children_cpu_seconds(server) if server else None
    clients_before = _own_children_cpu_seconds()
    with ProcessPoolExecutor(max_workers=clients) as pool:
        outcomes = list(
            pool.map(_client, [port] * clients, shares, [cycle] * clients, [seconds or 0] * clients)
        )
    latencies = [ms for outcome in outcomes for ms in outcome[0]]
    return Result(
        requests=len(latencies),
        errors=sum(outcome[1] for outcome in outcomes),
        seconds=max((outcome[2] for outcome in outcomes), default=0.0),  # the wall time of the run
        latencies_ms=tuple(latencies),
        server_cpu_seconds=children_cpu_seconds(server) - server_before if server else None,
        client_cpu_seconds=_own_children_cpu_seconds() - clients_before,  # the pool has exited
    )


def children_cpu_seconds(parent: int) -> float:
    """User and system CPU time of the running children of ``parent`` (Linux ``/proc``)."""
    ticks = 0
    for stat in os.scandir("/proc"):
        if not stat.name.isdigit():
            continue
        try:
            with open(f"/proc/{stat.name}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == parent:  # fields after the name: state, ppid, … utime (11), stime (12)
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _own_children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
