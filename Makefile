# 联盟通 Alliance — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app.py
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 3

.PHONY: run test install install-dev db demo browser lock clean bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

db: install
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo load

## run: install, upgrade the database, load the demo alliance, serve on http://$(HOST):$(PORT)
run: demo
	@echo "联盟通 running on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	SCHEDULER_ENABLED=1 $(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - app:app

## test: install, then the whole suite on SQLite, on PostgreSQL, and in a real browser
test: install-dev
	$(BIN)/python scripts/run_tests.py

## browser: install Debian's chromium for the browser tests (apt-get, as root); `make test`
## does this by itself only under CI=true
browser:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk

## lock: regenerate requirements*.txt (pinned, with hashes) from requirements*.in (README "Development")
lock:
	$(PYTHON) -m venv $(VENV)-tools && $(VENV)-tools/bin/pip install --quiet pip-tools==7.7.0
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(VENV)-tools/bin/pip-compile --quiet --generate-hashes \
	  --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(VENV)-tools/bin/pip-compile --quiet --generate-hashes \
	  --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

## bench: query counts flat in data size (fails if not), then app vs framework floor under gunicorn
## (BENCH_SECONDS, BENCH_DATABASES, BENCH_POSTGRES_URL, BENCH_PORT: see benchmarks/README.md)
bench: install-dev
	$(BIN)/python benchmarks/register_pages.py
	$(BIN)/python benchmarks/civic.py
	$(BIN)/python benchmarks/meetings.py
	$(BIN)/python benchmarks/ratings.py
	$(BIN)/python benchmarks/lists.py
	$(BIN)/python benchmarks/imports.py
	$(BIN)/python benchmarks/annual.py
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) $(VENV)-tools .pytest_cache .hypothesis
