# Finder: common tasks. `make run` starts the app on http://127.0.0.1:8000/ (another port: PORT=8001) with demo data;
# `make test` runs the test suite on SQLite, then on PostgreSQL when its server binaries are installed.

PYTHON := .venv/bin/python
MANAGE := $(PYTHON) manage.py
RUFF := .venv/bin/ruff
# Extra pytest arguments, e.g. make test PYTEST_ARGS="-k browser -x"
PYTEST_ARGS ?=
# `make run` is a local demo with DEBUG off, like production. Production settings refuse to start without a
# SECRET_KEY and an EMAIL_BACKEND, so the demo uses a random key kept in var/secret_key (made once, never
# committed) and the console email backend, chosen explicitly (pages then say that nothing was emailed).
LOCAL_ENV = SECRET_KEY="$$(cat var/secret_key)" EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend

.PHONY: venv node_modules messages messages-compiled run test lint format migrations-check bench fuzz fuzz-postgres clean

venv: .venv/.installed

.venv/bin/python:
	python3 -m venv .venv

# pip runs again only when requirements.txt is newer than the stamp.
.venv/.installed: requirements.txt | .venv/bin/python
	$(PYTHON) -m pip install -r requirements.txt
	touch $@

node_modules: node_modules/.installed

# axe-core, for the accessibility audit in tests/test_browser.py. npm ci empties node_modules, so stamp after.
node_modules/.installed: package.json $(wildcard package-lock.json)
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $@

# The Spanish catalogue is compiled here, never committed (GNU gettext's msgfmt: Debian's gettext package).
messages-compiled: venv
	DEBUG=True $(MANAGE) compilemessages -v0 --ignore='.venv/*' --ignore='node_modules/*' --ignore='staticfiles/*'

# After marking new text: update the catalogue, then translate every new or changed msgstr (docs/translation.md).
messages: venv
	DEBUG=True $(MANAGE) makemessages -l es --no-location --no-wrap --no-obsolete \
		-i '.venv/*' -i 'node_modules/*' -i 'staticfiles/*' -i 'benchmarks/*' -i 'tests/*' -i 'var/*'

var/secret_key:
	mkdir -p var
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# The port `make run` serves on: `make run PORT=8001` or `PORT=8001 make run`.
PORT ?= 8000

run: venv var/secret_key messages-compiled
	env $(LOCAL_ENV) $(MANAGE) migrate
	env $(LOCAL_ENV) $(MANAGE) collectstatic --noinput -v0
	env $(LOCAL_ENV) $(MANAGE) load_demo --if-empty
	-env $(LOCAL_ENV) $(MANAGE) create_demo_accounts
	env $(LOCAL_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

# FINDER_REQUIRE_POSTGRES=1 (CI) turns "PostgreSQL is not installed" into a failure.
# FINDER_REQUIRE_BROWSER=1 (CI) does the same for Chromium and axe-core, inside tests/test_browser.py.
test: venv node_modules messages-compiled
	@echo "== Tests on SQLite"
	env -u DATABASE_URL $(PYTHON) -m pytest $(PYTEST_ARGS)
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -x "$${PG_BINDIR:-/nonexistent}/initdb" ]; then \
		echo "== Tests on PostgreSQL"; \
		scripts/with-postgres $(PYTHON) -m pytest $(PYTEST_ARGS); \
	elif [ "$${FINDER_REQUIRE_POSTGRES:-}" = 1 ]; then \
		echo "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb), and FINDER_REQUIRE_POSTGRES=1." >&2; \
		exit 1; \
	else \
		echo "*** PostgreSQL tests were NOT run: no server binaries in /usr/lib/postgresql/*/bin."; \
		echo "*** Install them with: apt-get install postgresql"; \
	fi

lint: venv
	$(RUFF) check .
	$(RUFF) format --check .

format: venv
	$(RUFF) check --select I --fix .
	$(RUFF) format .

migrations-check: venv var/secret_key
	env $(LOCAL_ENV) $(MANAGE) makemigrations --check --dry-run

# The national file (../shared/data, when present) beside generated 20,000 and 100,000 facilities, on SQLite and
# PostgreSQL: search mix, floors, first search, import, HTTP throughput under gunicorn. About 20 minutes;
# BENCH_ARGS="--quick" for a smoke run, BENCH_ARGS="--json bench.json" to keep every figure.
BENCH_ARGS ?=
bench: venv
	$(PYTHON) benchmarks/run.py $(BENCH_ARGS)

# locust, headless, against gunicorn on a throwaway PostgreSQL with the national file (else demo data): families,
# helpline workers and admissions staff. Fails on any error. LOADTEST_USERS (50) and LOADTEST_SECONDS (60).
.PHONY: loadtest
loadtest: venv
	FINDER_PG_REPLICA=0 scripts/with-postgres $(PYTHON) -m benchmarks.loadtest

# Keeps .venv, node_modules and var/ (your local database); delete those by hand for a fresh start.
clean:
	rm -rf staticfiles .pytest_cache .ruff_cache
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -exec rm -rf {} +

# Issue 7: a search from a lat,lng (even outside the US) costs no more than 2x a ZIP search.
.PHONY: bench-places
bench-places: venv
	$(PYTHON) benchmarks/place_lookup.py

# Hostile input from every role: at least 10,000 requests (24 role-and-surface pairs x FUZZ_EXAMPLES), no 5xx.
# Prints the responses counted by status code. CI runs the same test with a few examples (tests/test_fuzz.py).
FUZZ_EXAMPLES ?= 420
FUZZ_ENV = FINDER_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FINDER_FUZZ_MIN_REQUESTS=10000
FUZZ_PYTEST = $(PYTHON) -m pytest -q -p no:cacheprovider tests/test_fuzz.py $(PYTEST_ARGS)

fuzz: venv
	env -u DATABASE_URL $(FUZZ_ENV) $(FUZZ_PYTEST)

fuzz-postgres: venv
	$(FUZZ_ENV) FINDER_PG_REPLICA=0 scripts/with-postgres $(FUZZ_PYTEST)

# Issue 8: the maps' files, copied from node_modules into static/vendor/ and committed, so `make run` needs no npm.
# Leaflet's source-map comment is dropped (the map is not shipped). Counties are split by state, so a map loads
# only the counties in view (scripts/split_counties.js).
VENDOR := static/vendor
.PHONY: vendor
vendor: node_modules
	rm -rf $(VENDOR)/leaflet $(VENDOR)/topojson-client $(VENDOR)/us-atlas
	mkdir -p $(VENDOR)/leaflet/images $(VENDOR)/topojson-client $(VENDOR)/us-atlas
	sed '/^\/\/# sourceMappingURL=/d' node_modules/leaflet/dist/leaflet.js > $(VENDOR)/leaflet/leaflet.js
	cp node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE $(VENDOR)/leaflet/
	cp node_modules/leaflet/dist/images/*.png $(VENDOR)/leaflet/images/
	cp node_modules/topojson-client/dist/topojson-client.min.js node_modules/topojson-client/LICENSE $(VENDOR)/topojson-client/
	cp node_modules/us-atlas/states-10m.json node_modules/us-atlas/LICENSE $(VENDOR)/us-atlas/
	node scripts/split_counties.js node_modules/us-atlas/counties-10m.json $(VENDOR)/us-atlas/counties
