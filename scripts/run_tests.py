#!/usr/bin/env python3
"""The whole test suite, as `make test` runs it:

0. static checks: ruff (the rule set in pyproject.toml) over the tree, mypy over alliance/;
1. every test on SQLite, including the browser tests (Playwright driving Debian's chromium),
   with line and branch coverage of alliance/ printed and a floor (COVERAGE_FLOOR below);
2. every test again on PostgreSQL at 127.0.0.1:5432 (TEST_POSTGRES_URL to change it), at the
   same time as (1), in its own process (each test database is a throwaway one): its output goes
   to ``.test-postgresql.log`` while it runs and is printed when it is done. With CI=true (or
   ALLIANCE_E2E_POSTGRES=1) the browser tests run on PostgreSQL too.

When the PostgreSQL server or the browser is missing, the run says so loudly and goes on with
the rest; with CI=true both are mandatory and their absence fails the run. The browser is
installed with apt-get only under CI=true; elsewhere the run asks first (on a terminal) or says
which command would install it, and never runs apt-get on its own.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PG_LOG = ROOT / ".test-postgresql.log"
APT_PACKAGES = ["chromium", "fonts-noto-cjk"]
# Line + branch coverage of alliance/ by the SQLite run (browser tests included) must not drop
# below this. Raise it when coverage rises; never lower it to let a change in.
COVERAGE_FLOOR = 85
E2E_ON_POSTGRES = CI or os.environ.get("ALLIANCE_E2E_POSTGRES") == "1"


def banner(text: str) -> None:
    print(f"\n{'=' * 78}\n{text}\n{'=' * 78}", flush=True)


def _apt_install() -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", *APT_PACKAGES], env=env, check=False)


def ensure_chromium() -> bool:
    if Path(CHROMIUM).exists():
        return True
    command = "apt-get install -y " + " ".join(APT_PACKAGES)
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return False
    if CI:
        banner(f"CI=true: installing Debian's chromium for the browser tests ({command})")
        _apt_install()
    elif sys.stdin.isatty():
        answer = input(f"\n{CHROMIUM} is missing. Install it now with `{command}`? [y/N] ")
        if answer.strip().lower() in ("y", "yes"):
            _apt_install()
    else:
        banner(f"NOT INSTALLING THE BROWSER: {CHROMIUM} IS MISSING. `make browser` (or `{command}` "
               "as root) installs it; this run does not run apt-get outside CI.")
    return Path(CHROMIUM).exists()


def run(title: str, command: list[str], env: dict | None = None) -> bool:
    print("$", " ".join(command), flush=True)
    started = time.monotonic()
    code = subprocess.call(command, cwd=ROOT, env={**os.environ, **(env or {})})
    print(f"-- {title}: {'ok' if code == 0 else f'FAILED (exit {code})'} "
          f"in {time.monotonic() - started:.0f} s", flush=True)
    return code == 0


def main() -> int:
    from tests.databases import postgres_available

    failures = []
    started = time.monotonic()
    banner("0/2  Static checks: ruff (pyproject.toml rule set) and mypy (alliance/)")
    if not run("ruff", [sys.executable, "-m", "ruff", "check", "."]):
        failures.append("ruff")
    if not run("mypy", [sys.executable, "-m", "mypy"]):
        failures.append("mypy")
    have_browser = ensure_chromium()
    if not have_browser:
        message = f"NO BROWSER: {CHROMIUM} IS MISSING; THE BROWSER TESTS ARE SKIPPED."
        if CI:
            banner(message + " CI=true makes them mandatory: FAILING.")
            failures.append("browser missing")
        else:
            banner(message)

    postgres = None
    if postgres_available():
        with_browser = have_browser and E2E_ON_POSTGRES
        banner("2/2  Whole suite on PostgreSQL" + (" + browser tests" if with_browser else "")
               + f", started alongside the SQLite run; follow it with: tail -f {PG_LOG.relative_to(ROOT)}")
        log = PG_LOG.open("w", encoding="utf-8")
        command = [sys.executable, "-m", "pytest", "--db=postgresql"] + ([] if with_browser else ["-m", "not e2e"])
        print("$", " ".join(command), f"> {PG_LOG.name}", flush=True)
        postgres = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                    env={**os.environ, "PYTHONUNBUFFERED": "1",
                                         "ALLIANCE_E2E": "1" if with_browser else "0"})
        postgres_started = time.monotonic()

    banner("1/2  Whole suite on SQLite" + (" + browser tests" if have_browser else "")
           + f", with coverage of alliance/ (floor {COVERAGE_FLOOR}%)")
    sqlite_args = ["--db=sqlite", "--cov", "--cov-report=term", f"--cov-fail-under={COVERAGE_FLOOR}"]
    sqlite_args += [] if have_browser else ["-m", "not e2e"]
    if not run("SQLite suite", [sys.executable, "-m", "pytest", *sqlite_args],
               env={"ALLIANCE_E2E": "1" if have_browser else "0"}):
        failures.append("SQLite suite (or coverage below the floor)")

    if postgres is not None:
        returncode = postgres.wait()
        log.close()
        banner(f"2/2  Whole suite on PostgreSQL: its output ({'ok' if returncode == 0 else 'FAILED'} "
               f"in {time.monotonic() - postgres_started:.0f} s)")
        print(PG_LOG.read_text(encoding="utf-8"), flush=True)
        if returncode != 0:
            failures.append("PostgreSQL suite")
    else:
        message = ("NO POSTGRESQL: NOTHING ANSWERS AT 127.0.0.1:5432 (TEST_POSTGRES_URL); "
                   "THE POSTGRESQL RUN WAS SKIPPED.")
        if CI:
            banner(message + " CI=true makes it mandatory: FAILING.")
            failures.append("PostgreSQL unavailable")
        else:
            banner(message + " Start PostgreSQL to run it.")

    minutes = (time.monotonic() - started) / 60
    if failures:
        banner(f"FAILED after {minutes:.1f} min: " + ", ".join(failures))
        return 1
    banner(f"ALL PASSED in {minutes:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
