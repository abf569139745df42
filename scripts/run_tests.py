#!/usr/bin/env python3
"""The whole test suite, as `make test` runs it:

1. every test on SQLite, including the browser tests (Playwright driving Debian's chromium,
   installed here with apt-get when missing and possible);
2. every test again on PostgreSQL at 127.0.0.1:5432 (TEST_POSTGRES_URL to change it), at the
   same time as (1), in its own process (each test database is a throwaway one): its output goes
   to ``.test-postgresql.log`` while it runs and is printed when it is done.

When the PostgreSQL server or the browser is missing, the run says so loudly and goes on with
the rest; with CI=true both are mandatory and their absence fails the run.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PG_LOG = ROOT / ".test-postgresql.log"


def banner(text: str) -> None:
    print(f"\n{'=' * 78}\n{text}\n{'=' * 78}", flush=True)


def ensure_chromium() -> bool:
    if Path(CHROMIUM).exists():
        return True
    if shutil.which("apt-get") and os.geteuid() == 0:
        banner("Installing Debian's chromium for the browser tests (apt-get)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"],
                       env=env, check=False)
    return Path(CHROMIUM).exists()


def pytest(*args: str, env: dict | None = None) -> int:
    command = [sys.executable, "-m", "pytest", *args]
    print("$", " ".join(command), flush=True)
    return subprocess.call(command, cwd=ROOT, env={**os.environ, **(env or {})})


def main() -> int:
    from tests.databases import postgres_available

    failures = []
    banner("0/2  Static check (ruff: undefined names, unused imports)")
    if subprocess.call([sys.executable, "-m", "ruff", "check", "--select", "F", "alliance", "tests",
                        "scripts", "benchmarks", "config", "migrations", "app.py"], cwd=ROOT) != 0:
        failures.append("ruff")
    have_browser = ensure_chromium()
    if not have_browser:
        message = f"NO BROWSER: {CHROMIUM} is missing and could not be installed; browser tests skipped."
        if CI:
            banner(message + " CI=true makes them mandatory: FAILING.")
            failures.append("browser missing")
        else:
            banner(message)

    postgres = None
    if postgres_available():
        banner(f"2/2  Whole suite on PostgreSQL, started alongside the SQLite run (browser tests run "
               f"there); follow it with: tail -f {PG_LOG.relative_to(ROOT)}")
        log = PG_LOG.open("w", encoding="utf-8")
        command = [sys.executable, "-m", "pytest", "--db=postgresql", "-m", "not e2e"]
        print("$", " ".join(command), f"> {PG_LOG.name}", flush=True)
        postgres = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                    env={**os.environ, "PYTHONUNBUFFERED": "1"})

    banner("1/2  Whole suite on SQLite" + (" + browser tests" if have_browser else ""))
    sqlite_args = ["--db=sqlite"] + ([] if have_browser else ["-m", "not e2e"])
    if pytest(*sqlite_args, env={"ALLIANCE_E2E": "1" if have_browser else "0"}) != 0:
        failures.append("SQLite suite")

    if postgres is not None:
        returncode = postgres.wait()
        log.close()
        banner("2/2  Whole suite on PostgreSQL: its output")
        print(PG_LOG.read_text(encoding="utf-8"), flush=True)
        if returncode != 0:
            failures.append("PostgreSQL suite")
    else:
        message = ("NO POSTGRESQL: nothing answers at 127.0.0.1:5432 (TEST_POSTGRES_URL); "
                   "the PostgreSQL run was skipped.")
        if CI:
            banner(message + " CI=true makes it mandatory: FAILING.")
            failures.append("PostgreSQL unavailable")
        else:
            banner(message + " Start PostgreSQL to run it.")

    if failures:
        banner("FAILED: " + ", ".join(failures))
        return 1
    banner("ALL PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
