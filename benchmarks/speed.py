#!/usr/bin/env python3
"""The app against the framework floor, served side by side by gunicorn on the same database.

Loads a large alliance (2,000 units, 20,000 people, 6,000 roles, 100,000 activities) into a
throwaway database built with Alembic, serves the real app (``app:app``, production config) and
the floor (``benchmarks/floor_app.py``: one SELECT of the same page, a plain template or JSON)
with the same gunicorn settings, drives both with ``wrk`` (or a Python keep-alive client) and
prints requests per second, p50, p99 and the ratio app/floor for every main page. App and floor
are measured one after the other for each page, alternating which goes first, in the same run:
the machine may be busy, but both sides of a ratio see the same load. Then the resident memory
of the app's workers, before and after ``--memory-requests`` more requests.

Runs on SQLite and on PostgreSQL (``BENCH_POSTGRES_URL``; skipped with a message when it cannot
be reached or is not empty). See benchmarks/README.md.

    .venv/bin/python benchmarks/speed.py [--seconds 3] [--databases sqlite,postgresql]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import register_pages as data  # noqa: E402
import requests  # noqa: E402
import speed_areas  # noqa: E402
from sqlalchemy import create_engine, inspect, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from alliance.extensions import db  # noqa: E402

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/h_speed"
# (label, path, query); "{unit_id}" is a unit in the middle of the list. /api/ paths use the
# staff account's bearer token, the others its browser session (signed in through /login).
PAGES = (
    ("GET /units", "/units", {}),
    ("GET /units?sort=name&page=3", "/units", {"sort": "name", "page": "3"}),
    ("GET /units/<id>", "/units/{unit_id}", {}),
    ("GET /people", "/people", {}),
    ("GET /people?q=张", "/people", {"q": "张"}),
    ("GET /people?sort=pinyin", "/people", {"sort": "pinyin"}),
    ("GET /people?sort=pinyin&q=张", "/people", {"sort": "pinyin", "q": "张"}),
    ("GET /people?q=zx", "/people", {"q": "zx"}),  # pinyin initials (issue 13 item 4)
    ("GET /activities", "/activities", {}),
    ("GET /api/v1/units", "/api/v1/units", {}),
    ("GET /api/v1/people", "/api/v1/people", {}),
    ("GET /api/v1/people?sort=pinyin&q=张", "/api/v1/people", {"sort": "pinyin", "q": "张"}),
    ("GET /api/v1/activities", "/api/v1/activities", {}),
    ("GET /api/v1/health", "/api/v1/health", {}),
)
TARGET_RATIO = 0.5
TARGET_P99_MS = 50.0


def parse_args(argv):
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(env("BENCH_SECONDS", "3")),
                        help="load per page and side (env BENCH_SECONDS, default 3)")
    parser.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS", "2")))
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS", "2")),
                        help="gunicorn workers of each server (default 2)")
    parser.add_argument("--units", type=int, default=int(env("BENCH_UNITS", "2000")))
    parser.add_argument("--people", type=int, default=int(env("BENCH_PEOPLE", "20000")))
    parser.add_argument("--activities", type=int, default=int(env("BENCH_ACTIVITIES", "100000")))
    parser.add_argument("--databases", default=env("BENCH_DATABASES", "sqlite,postgresql"),
                        help="comma-separated: sqlite, postgresql")
    parser.add_argument("--postgres-url", default=env("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
                        help="an EMPTY PostgreSQL database (env BENCH_POSTGRES_URL)")
    parser.add_argument("--port", type=int, default=int(env("BENCH_PORT", "8500")),
                        help="the app listens here, the floor on the next port")
    parser.add_argument("--memory-requests", type=int,
                        default=int(env("BENCH_MEMORY_REQUESTS", "10000")),
                        help="requests between the two memory readings (0: skip)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default=env("BENCH_CLIENT", "auto"))
    parser.add_argument("--areas", default=env("BENCH_AREAS", "all"),
                        help="comma-separated areas whose pages to add (benchmarks/speed_areas; "
                             "env BENCH_AREAS, default all; none: the register's pages only)")
    parser.add_argument("--only", help="measure only pages whose label contains this text")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    names = [a.strip() for a in args.areas.split(",") if a.strip() and a.strip() != "none"]
    args.areas = speed_areas.modules(None if args.areas == "all" else names)
    args.pages = [*PAGES, *(page for area in args.areas for page in area.PAGES)]
    if args.only:
        args.pages = [p for p in args.pages if args.only in p[0]]
    return args


# --- load generators -----------------------------------------------------------------------

@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _wrk_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * WRK_UNITS[unit]


def run_wrk(url: str, headers: dict, seconds: float, connections: int) -> Load:
    cmd = ["wrk", f"-t{connections}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
           "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    percentile = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+(?:us|ms|s|m))\s*$", out, re.M))
    if "50" not in percentile or "99" not in percentile:
        raise RuntimeError(f"wrk gave no latency distribution for {url} (no request finished?):\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read \d+, write (\d+), timeout (\d+)", out)
    return Load(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                p50_ms=_wrk_ms(percentile["50"]), p99_ms=_wrk_ms(percentile["99"]),
                requests=int(re.search(r"(\d+) requests in", out).group(1)),
                errors=(int(errors.group(1)) if errors else 0)
                + (sum(map(int, socket_errors.groups())) if socket_errors else 0))


def run_python(urls: list[str], headers: dict, connections: int, *, seconds: float | None = None,
               total: int | None = None) -> Load:
    """A keep-alive HTTP/1.1 client: ``connections`` threads, each with its own connection
    (reopened when the server closes it), for ``seconds`` or until ``total`` requests."""
    lock, latencies, errors = threading.Lock(), [], [0]
    counter = iter(range(total)) if total is not None else None
    deadline = time.perf_counter() + seconds if seconds is not None else None

    def worker():
        conn = None
        i = 0
        while True:
            if counter is not None:
                with lock:
                    if next(counter, None) is None:
                        return
            elif time.perf_counter() >= deadline:
                return
            url = urls[i % len(urls)]
            i += 1
            host, _, path = url.removeprefix("http://").partition("/")
            start = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(host, timeout=10)
                conn.request("GET", "/" + path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                ok, conn = False, None
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else 0.0
    return Load(rps=len(latencies) / wall, p50_ms=statistics.median(latencies) if latencies else 0.0,
                p99_ms=p99, requests=len(latencies), errors=errors[0])


# --- servers -------------------------------------------------------------------------------

class Server:
    """gunicorn serving ``target`` on 127.0.0.1:``port``; stopped (by its own pid) on exit."""

    def __init__(self, name: str, target: list[str], port: int, env: dict, workers: int, log: Path):
        self.name, self.port = name, port
        self.base = f"http://127.0.0.1:{port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
             f"127.0.0.1:{port}", "--log-level", "warning", *target],
            cwd=ROOT, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} server exited: see {self.log.name}")
            try:
                if requests.get(self.base + "/api/v1/health", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} server did not start on port {self.port}")

    def workers(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sign_in(base: str) -> str:
    """Sign in through the real /login form (CSRF token and all); returns the session cookie."""
    with requests.Session() as client:
        form = client.get(base + "/login", timeout=10)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
        response = client.post(base + "/login", data={"csrf_token": token, "username": "bench",
                                                      "password": data.PASSWORD},
                               allow_redirects=False, timeout=10)
        if response.status_code != 302:
            raise RuntimeError(f"login failed: {response.status_code}")
        return client.cookies["alliance_session"]


# --- one database --------------------------------------------------------------------------

@dataclass
class Row:
    label: str
    app: Load
    floor: Load
    first: str

    @property
    def ratio(self) -> float:
        return self.app.rps / self.floor.rps if self.floor.rps else 0.0


def create_missing_database(url: str) -> bool:
    """Create the scratch database of ``url`` when the server answers but it does not exist
    (a fresh machine has only ``test``); True when it was created (and is dropped at the end)."""
    target = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                            {"n": target.database}).first():
                return False
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
            return True
    except Exception:  # unreachable: postgres_problem says so
        return False
    finally:
        admin.dispose()


def drop_database(url: str) -> None:
    target = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def postgres_problem(url: str) -> str | None:
    """Why the PostgreSQL run cannot go ahead, or None."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                           connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        if tables:
            return f"{engine.url.render_as_string()} is not empty ({len(tables)} tables)"
    except Exception as exc:  # any driver error: unreachable, no such database, refused
        return f"{engine.url.render_as_string()} unreachable ({type(exc).__name__}: " \
               f"{str(exc).splitlines()[0][:120]})"
    finally:
        engine.dispose()
    return None


def bench_database(args, kind: str) -> dict | None:
    url = args.postgres_url if kind == "postgresql" else None
    if url:
        created = create_missing_database(url)
        try:
            problem = postgres_problem(url)
            if problem:
                print(f"\n== PostgreSQL: SKIPPED: {problem}. Set BENCH_POSTGRES_URL to an empty "
                      "database (or BENCH_DATABASES=sqlite).", flush=True)
                return None
            return _bench_database(args, kind, url)
        finally:
            if created:
                drop_database(url)
    return _bench_database(args, kind, url)


def _bench_database(args, kind: str, url: str | None) -> dict | None:
    print(f"\n== {kind}: loading {args.units} units, {args.people} people, {3 * args.units} "
          f"roles, {args.activities} activities", flush=True)
    with data.migrated_app(url) as app, tempfile.TemporaryDirectory(prefix="alliance-speed-") as tmp:
        start = time.perf_counter()
        with app.app_context():
            alliance_id, token = data.create_alliance_and_staff()
            unit_ids = data.load_data(alliance_id, args.units, args.people, args.activities)
            fields = {"unit_id": unit_ids[len(unit_ids) // 2]}
            for area in args.areas:
                print(f"   loading the {area.NAME} area's data", flush=True)
                fields |= area.load(alliance_id, unit_ids)
            dialect = db.engine.dialect
            if dialect.name == "postgresql":  # what autovacuum does soon after a bulk load
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            server_version = ".".join(map(str, dialect.server_version_info or ()))
            db.engine.dispose()
        print(f"   loaded in {time.perf_counter() - start:.0f} s; {dialect.name} {server_version} "
              f"({dialect.driver})", flush=True)
        database_url = app.config["SQLALCHEMY_DATABASE_URI"]
        env = {"ALLIANCE_CONFIG": "production", "SECRET_KEY": "benchmark-only-secret",
               "SESSION_COOKIE_SECURE": "0", "DATABASE_URL": database_url,
               "ALLIANCE_INSTANCE_DIR": tmp, "UPLOAD_FOLDER": f"{tmp}/uploads",
               "SCHEDULER_ENABLED": "0", "FLOOR_DATABASE_URL": database_url,
               "FLOOR_ALLIANCE_ID": str(alliance_id),
               "FLOOR_AREAS": ",".join(area.NAME for area in args.areas) or "none"}
        servers = []
        try:
            app_server = Server("app", ["app:app"], args.port, env, args.workers, Path(tmp, "app.log"))
            servers.append(app_server)
            floor = Server("floor", ["--pythonpath", "benchmarks", "floor_app:app"], args.port + 1,
                           env, args.workers, Path(tmp, "floor.log"))
            servers.append(floor)
            app_server.wait_ready()
            floor.wait_ready()
            cookie = sign_in(app_server.base)
            result = measure_pages(args, app_server, floor, cookie, token, fields)
            result |= {"database": f"{dialect.name} {server_version}"}
            print_table(kind, result["rows"], kind == "sqlite")
            if args.memory_requests:
                result["memory"] = measure_memory(args, app_server, cookie, token, fields)
            return result
        finally:
            for server in servers:
                server.stop()


def _url(server, path: str, params: dict, fields: dict) -> str:
    query = f"?{urlencode(params)}" if params else ""
    return server.base + path.format(**fields) + query


def _auth(path: str, cookie: str, token: str) -> dict:
    if path.startswith("/api/v1/health"):
        return {}
    if path.startswith("/api/"):
        return {"Authorization": f"Bearer {token}"}
    return {"Cookie": f"alliance_session={cookie}"}


def check_page(url: str, headers: dict) -> None:
    """A page must answer 200 itself: a redirect to /login would be fast and meaningless."""
    response = requests.get(url, headers=headers, allow_redirects=False, timeout=30)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")


def drive(args, url: str, headers: dict) -> Load:
    check_page(url, headers)
    for _ in range(3):  # warm up both workers (templates compiled, connections open)
        requests.get(url, headers=headers, timeout=30)
    if args.client == "wrk":
        load = run_wrk(url, headers, args.seconds, args.connections)
    else:
        load = run_python([url], headers, args.connections, seconds=args.seconds)
    check_page(url, headers)
    if load.errors:
        raise RuntimeError(f"{url}: {load.errors} failed requests under load")
    return load


def measure_pages(args, app_server, floor, cookie: str, token: str, fields: dict) -> dict:
    rows = []
    load_before = os.getloadavg()[0]
    for i, (label, path, params) in enumerate(args.pages):
        sides = {"app": (app_server, _auth(path, cookie, token)), "floor": (floor, {})}
        order = ("app", "floor") if i % 2 == 0 else ("floor", "app")  # alternate who goes first
        loads = {}
        for side in order:
            server, headers = sides[side]
            loads[side] = drive(args, _url(server, path, params, fields), headers)
        rows.append(Row(label, loads["app"], loads["floor"], order[0]))
        print(f"   {data.pad(label, 38)} app {loads['app'].rps:7.1f} req/s   floor "
              f"{loads['floor'].rps:7.1f} req/s", flush=True)
    return {"rows": rows, "load_average": [load_before, os.getloadavg()[0]]}


def measure_memory(args, app_server, cookie: str, token: str, fields: dict) -> dict:
    """RSS of each worker after the benchmark, then after ``--memory-requests`` more requests
    spread over every page: a leak (a cache without bound, sessions kept) shows as growth."""
    before = {pid: rss_mb(pid) for pid in app_server.workers()}
    start = time.perf_counter()
    by_auth: dict[tuple, list[str]] = {}
    for _, path, params in args.pages:
        by_auth.setdefault(tuple(_auth(path, cookie, token).items()),
                           []).append(_url(app_server, path, params, fields))
    share = -(-args.memory_requests // len(by_auth))
    served = 0
    for headers, urls in by_auth.items():
        load = run_python(urls, dict(headers), args.connections, total=share)
        served += load.requests
        if load.errors:
            raise RuntimeError(f"{load.errors} failed requests during the memory run")
    after = {pid: rss_mb(pid) for pid in app_server.workers()}
    result = {"before_mb": before, "after_mb": after, "requests": served,
              "seconds": time.perf_counter() - start}
    print(f"   memory: workers' RSS after the benchmark "
          f"{', '.join(f'{v:.1f}' for v in before.values())} MB; after {served} more requests "
          f"{', '.join(f'{after.get(p, 0):.1f}' for p in before)} MB "
          f"(growth {max(after.get(p, 0) - v for p, v in before.items()):+.1f} MB)", flush=True)
    return result


def print_table(kind: str, rows: list[Row], check_p99: bool) -> None:
    print(f"\n{data.pad('page (' + kind + ')', 38)}{'app r/s':>9}{'p50':>7}{'p99':>7}"
          f"{'floor r/s':>11}{'p50':>7}{'p99':>7}{'ratio':>7}  target")
    for row in rows:
        misses = []
        if row.ratio < TARGET_RATIO:
            misses.append(f"ratio<{TARGET_RATIO:.0%}")
        if check_p99 and row.app.p99_ms > TARGET_P99_MS:
            misses.append(f"p99>{TARGET_P99_MS:.0f}ms")
        print(f"{data.pad(row.label, 38)}{row.app.rps:>9.1f}{row.app.p50_ms:>7.1f}"
              f"{row.app.p99_ms:>7.1f}{row.floor.rps:>11.1f}{row.floor.p50_ms:>7.1f}"
              f"{row.floor.p99_ms:>7.1f}{row.ratio:>7.0%}  {', '.join(misses) or 'met'}")
    print("(ms; p50/p99 are latencies at the given connections; ratio = app req/s / floor req/s)")


def main(argv=None) -> int:
    args = parse_args(argv)
    print(f"python {platform.python_version()}, Flask {version('flask')}, SQLAlchemy "
          f"{version('sqlalchemy')}, gunicorn {version('gunicorn')}; {platform.machine()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"load: {args.client}, {args.connections} connections, {args.seconds:g} s per page and "
          f"side; gunicorn {args.workers} sync workers each; app and floor measured back to back "
          "per page, alternating which goes first, so a ratio compares like with like on a "
          "shared machine", flush=True)
    results = {}
    for kind in args.databases:
        if kind not in ("sqlite", "postgresql"):
            sys.exit(f"unknown database {kind!r}")
        result = bench_database(args, kind)
        if result:
            results[kind] = result
    if args.json:
        Path(args.json).write_text(json.dumps(
            {kind: {**r, "rows": [asdict(row) | {"ratio": row.ratio} for row in r["rows"]]}
             for kind, r in results.items()}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
