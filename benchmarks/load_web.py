"""Load on the web pages: N concurrent clients, each answering a question and opening the results, M times.

    python benchmarks/load_web.py                              # 8 clients × 50 answer→results, the serve default
    python benchmarks/load_web.py --clients 1 --requests 20    # one client: the latency without queueing
    python benchmarks/load_web.py --workers 1                  # a given number of server processes

It starts `python -m advisor serve` itself, on 127.0.0.1 (loopback only) and a free port, with a SQLite
database in a temporary folder, and stops it at the end. Each client uploads the demo park once (its own
park), then repeats: POST one answer (`/p/<token>/answer`, the pages' autosave, which writes it to the
database; a new value each time, so that no results are found already computed) and GET the results page,
and times the pair; then it opens the results once more without a change (served from the per-process
store of recent results). Printed: the median, 95th percentile and largest time of a pair, pairs per
second, each part's median and 95th percentile (the upload up to the first results included), and the
server's CPU time per pair (the figure that other load on a shared machine disturbs least). Bounded: a
fixed number of requests and a time limit (--limit, seconds) after which the clients stop and the figures
cover the pairs done. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEMO = ROOT / "examples" / "demo-chemical.yaml"
HOST = "127.0.0.1"
QUESTION = "park-enterprise-count"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def upload(conn: http.client.HTTPConnection, profile: Path) -> str:
    """A new park from the profile; its token."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"profile\"; filename=\"{profile.name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + profile.read_bytes() + \
        f"\r\n--{boundary}--\r\n".encode()
    status, headers, _ = request(conn, "POST", "/upload", body,
                                 {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    location = headers.get("location", "")
    if status != 303 or not location.startswith("/p/"):
        raise RuntimeError(f"upload answered {status} {location!r}")
    return location.split("/")[2]


def client(profile: Path, port: int, pairs: int, deadline: float, times: list[float], errors: list[str],
           parts: dict[str, list[float]] | None = None) -> None:
    parts = parts if parts is not None else {"upload": [], "answer": [], "results": [], "again": []}
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        start = time.perf_counter()
        token = upload(conn, profile)
        request(conn, "GET", f"/p/{token}/results")           # the park's first results: timed on their own
        parts["upload"].append(time.perf_counter() - start)
        for i in range(pairs):
            if time.monotonic() > deadline:
                errors.append("time limit reached")
                return
            # a new value each time: no pair finds its results already computed
            body = f"question={QUESTION}&{QUESTION}={80 + i}".encode()
            start = time.perf_counter()
            status, _, answer = request(conn, "POST", f"/p/{token}/answer", body,
                                        {"Content-Type": "application/x-www-form-urlencoded"})
            parts["answer"].append(time.perf_counter() - start)
            if status != 200 or b'"ok":true' not in answer.replace(b" ", b""):
                errors.append(f"answer: {status} {answer[:200]!r}")
                return
            shown = time.perf_counter()
            status, _, page = request(conn, "GET", f"/p/{token}/results")
            times.append(time.perf_counter() - start)
            parts["results"].append(time.perf_counter() - shown)
            if status != 200:
                errors.append(f"results: {status}")
                return
            again = time.perf_counter()                        # the same page once more, nothing changed
            request(conn, "GET", f"/p/{token}/results")
            parts["again"].append(time.perf_counter() - again)
    except Exception as exc:  # a benchmark reports what went wrong and goes on with the other clients
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def wait_ready(port: int, server: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log = server.stderr.read().decode("utf-8", "replace") if server.stderr else ""
            raise RuntimeError(f"the server stopped (exit {server.returncode}): {log.strip()[-500:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            status, _, _ = request(conn, "GET", "/")
            conn.close()
            if status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer in time")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children, from /proc (0 where it cannot be read)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, pids = 0.0, [pid]
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return 0.0
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            pids.append(int(entry))
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=50, help="answer→results pairs per client (default 50)")
    ap.add_argument("--workers", type=int, help="server processes (default: what `serve` chooses)")
    ap.add_argument("--limit", type=float, default=300, help="seconds before the clients stop (default 300)")
    ap.add_argument("--profile", type=Path, default=DEMO, help="the park each client uploads")
    args = ap.parse_args(argv)
    if args.clients < 1 or args.requests < 1 or args.limit <= 0:
        ap.error("--clients, --requests and --limit must be positive")
    with tempfile.TemporaryDirectory(prefix="park-advisor-load-") as tmp:
        port = free_port()
        cmd = [sys.executable, "-m", "advisor", "serve", "--host", HOST, "--port", str(port),
               "--db", str(Path(tmp) / "web.db")]
        if args.workers is not None:
            cmd += ["--workers", str(args.workers)]
        server = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  env=dict(os.environ, PYTHONUNBUFFERED="1"))
        try:
            wait_ready(port, server, 90)
            times: list[float] = []
            errors: list[str] = []
            parts: dict[str, list[float]] = {"upload": [], "answer": [], "results": [], "again": []}
            deadline = time.monotonic() + args.limit
            threads = [threading.Thread(target=client, args=(args.profile, port, args.requests, deadline, times,
                                                              errors, parts)) for _ in range(args.clients)]
            start = time.perf_counter()
            cpu = time.process_time()
            server_cpu = tree_cpu(server.pid)
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - start
            cpu = time.process_time() - cpu
            server_cpu = tree_cpu(server.pid) - server_cpu
        finally:
            stop(server)
        log = server.stderr.read().decode("utf-8", "replace") if server.stderr else ""
    workers = "serve default" if args.workers is None else args.workers
    print(f"{args.clients} clients × {args.requests} answer→results ({workers} server processes, "
          f"{os.cpu_count()} cores)")
    if times:
        print(f"  pairs done {len(times)} of {args.clients * args.requests} in {wall:.1f} s "
              f"({len(times) / wall:.1f} pairs/s); the clients' own CPU {cpu:.1f} s")
        print(f"  median {statistics.median(times) * 1000:.0f} ms, p95 {percentile(times, 0.95) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms")
        for name, label in (("answer", "saving an answer"), ("results", "results after an answer"),
                            ("again", "results again, unchanged"), ("upload", "upload → first results")):
            if parts[name]:
                print(f"  {label}: median {statistics.median(parts[name]) * 1000:.0f} ms, "
                      f"p95 {percentile(parts[name], 0.95) * 1000:.0f} ms")
        print(f"  server CPU {server_cpu:.1f} s = {server_cpu / len(times) * 1000:.0f} ms per pair, "
              f"{server_cpu / wall:.2f} cores on average (other programs on the machine take the rest)")
    for e in sorted(set(errors)):
        print(f"  ✗ {errors.count(e)}× {e}")
    if errors and log.strip():
        print("  server log (end):\n" + "\n".join("    " + line for line in log.strip().splitlines()[-10:]))
    return 1 if errors or not times else 0


if __name__ == "__main__":
    sys.exit(main())
