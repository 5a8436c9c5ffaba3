# 两条命令：make site（建环境、装依赖、构建网站）和 make test。
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEV_INSTALLED := $(VENV)/.dev-installed
# Material prints a long end-of-life banner on every build; it is recorded in the README instead.
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: site test test-fast serve check lint lock clean bench-media bench audit offline

site: $(INSTALLED)
	$(BIN)/township-archive build

# Tests run on both cores (pytest-xdist): the session's builds are made once and shared (tests/conftest.py).
# WORKERS=0 runs them in this one process.
WORKERS ?= 2
test: $(DEV_INSTALLED) node_modules/.installed
	$(BIN)/python -m pytest -n $(WORKERS)

# The in-process tests only: no Chromium, nginx or subprocess builds (the tiers in pytest.ini), under a minute.
test-fast: $(DEV_INSTALLED)
	$(BIN)/python -m pytest -n $(WORKERS) -m "not browser and not nginx and not slow"

# Offline bundle for the education base: dist/<name>-offline-<date>.zip and the folder. KIOSK=1 for kiosk mode.
offline: $(INSTALLED)
	$(BIN)/township-archive offline $(if $(KIOSK),--kiosk)

# Preview with drafts at http://127.0.0.1:8000/ (草稿箱: /drafts/); rebuilds when docs/, mkdocs.yml,
# villages.yml or overrides/ change (the plugin and mkdocs.yml's `watch` name them).
PORT ?= 8000
serve: $(INSTALLED)
	$(BIN)/township-archive serve --port $(PORT)

check: $(INSTALLED)
	$(BIN)/township-archive check

lint: $(DEV_INSTALLED)
	$(BIN)/ruff check scripts tests bench

# Every package from the lock, hash-checked; then our own package (source in scripts/) as an editable
# install built by the locked setuptools, without fetching a build backend.
$(INSTALLED): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(DEV_INSTALLED): $(INSTALLED) requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@

# Re-pin with hashes (pip installs the locks with --require-hashes). Sources: pyproject.toml
# + requirements.in (the build backend) -> requirements.lock; requirements-dev.in (the whole runtime lock + test and lint
# tools) -> requirements-dev.lock, a complete set. pip-tools' pip-compile runs from a scratch venv and
# records the hashes of every file PyPI has for each version. It keeps the versions already locked and
# only pins what is new or no longer fits; `make lock UPGRADE=1` moves everything to the newest versions.
PIP_TOOLS := pip-tools==7.6.2
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" .lock-venv/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
	$(if $(UPGRADE),--upgrade)
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check $(PIP_TOOLS)
	$(PIP_COMPILE) --output-file requirements.lock pyproject.toml requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.in
	rm -rf .lock-venv

clean:
	rm -rf site site.previous .site-build-* dist $(VENV)

# Media benchmark: our pipeline beside libvips' vipsthumbnail (figures go in the README).
bench-media: $(INSTALLED)
	@command -v vipsthumbnail >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvips-tools; }
	$(BIN)/python bench/media.py

# Archive and search benchmarks: 2,000 generated articles beside stock Material, the search
# query set beside Material's default search, the search index's build and rebuild in-process,
# nginx + wrk load test, Lighthouse, the growth of the full build at 500 / 2,000 / 8,000
# articles, and reading docs/ in-process, cold and as the preview does (figures go in the README).
bench: $(DEV_INSTALLED) node_modules/.audit-installed
	@command -v nginx >/dev/null && command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-http-brotli-filter wrk; }
	$(BIN)/python bench/search.py
	$(BIN)/python bench/search_index.py
	$(BIN)/python bench/archive.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/load.py

# Lighthouse (mobile) on three kinds of page and axe-core on every page of the built site, behind nginx.
audit: $(DEV_INSTALLED) node_modules/.audit-installed site
	@command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-http-brotli-filter; }
	$(BIN)/python bench/audit.py

# Node packages at the versions package-lock.json pins. Tests need only axe-core (package.json
# "dependencies"): `npm ci --omit=dev` leaves out Lighthouse and its ~150 packages ("devDependencies"),
# which only `make audit` and `make bench` install. npm ci empties node_modules first, stamps included.
node_modules/.installed: package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund
	touch $@
node_modules/.audit-installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@ node_modules/.installed
