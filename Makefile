# `make run`: the app with demo data, the worker and a simulated CRM on http://127.0.0.1:5000.
# `make test`: the checks CI runs (.ci/run), against PostgreSQL and Redis when they answer.
# `make test-fast`: the inner loop: the tests without a browser or processes, `slow` ones left out.
# `make bench`: every benchmark in bench/, one table printed, JSON in bench/results/.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask --app wsgi
VENDOR := fieldapp/static/vendor

.PHONY: run test test-fast bench install translations

run: install
	$(FLASK) db upgrade
	$(FLASK) org load fieldapp/demo/org.json
	$(PY) scripts/run.py

test: install
	scripts/test.sh

# Rules, services, API, pages and the sync model: no browser, no worker processes, no type check.
FAST_TESTS := tests/rules tests/services tests/api tests/web tests/sync
test-fast: install
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow" $(FAST_TESTS)

bench: install
	$(PY) -m bench

install: $(VENV)/.installed $(VENDOR)/htmx.min.js translations

# Reinstalled only when pyproject.toml changed since the last install.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

node_modules/.installed: package.json $(wildcard package-lock.json)
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; \
	else npm install --no-audit --no-fund; fi
	touch $@

$(VENDOR)/htmx.min.js: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $@

# The .mo files are built, not kept in git (the app also compiles them when missing).
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -d fieldapp/translations
