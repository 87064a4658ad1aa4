# The two commands a newcomer needs: `make run` and `make test` (README.md, "Quick start").
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
MESSAGE_IGNORES := --ignore='$(VENV)/*' --ignore='.pgdata/*' --ignore='bench/*' --ignore='staticfiles/*' --ignore='static/vendor/*'

.PHONY: run test lint format lock bench messages translations train-names names-kinds

run: $(VENV)/.installed-run messages
	@# DEBUG=1 unless the caller says otherwise; DATABASE_URL unset means the embedded PostgreSQL.
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py import_seeds seeds/
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py ensure_local_admin --url http://$(HOST):$(PORT)/accounts/login/
	@# A background worker for large imports beside the server; Ctrl-C stops both.
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' INT TERM EXIT; \
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev messages
	$(BIN)/pytest

# Compile the translations (locale/*/LC_MESSAGES/*.po into .mo, which git ignores); needs gettext's msgfmt.
messages:
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: apt-get install gettext (README, \"Languages\")"; exit 1; }
	@# msgfmt itself rather than compilemessages, which would load the settings and start the embedded PostgreSQL.
	for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check -o "$${po%.po}.mo" "$$po" || exit 1; done

# Collect new and changed strings into the Hungarian catalogues, to translate (README, "Languages").
translations: $(VENV)/.installed-run
	$(BIN)/python manage.py makemessages -l hu $(MESSAGE_IGNORES) --ignore='tests/*'
	$(BIN)/python manage.py makemessages -l hu -d djangojs $(MESSAGE_IGNORES)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Renew the pinned versions from the ranges in pyproject.toml.
lock: $(VENV)/.installed-dev
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.12 -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.12 -o requirements-dev.lock

# Train the new-name recogniser on NerKor's train split into suggestions/models/ (README, "Suggestions"):
# CPU only: about 6 minutes of CPU, 25 of wall time on the busy shared 2-core machine. The result is committed.
NERKOR ?= ../shared/corpora/nerkor
train-names: $(VENV)/.installed-dev
	$(BIN)/python -m suggestions.train_names --nerkor $(NERKOR)
	$(MAKE) names-kinds

# The new-name recogniser's kind table and kind classifier alone (suggestions/models/names-kinds.json and
# names-kinds.crfsuite), from NerKor train's gold names and the committed lemmatiser: 15 seconds, the CRF untouched.
names-kinds: $(VENV)/.installed-dev
	$(BIN)/python -m suggestions.train_kinds --nerkor $(NERKOR)

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/import_seeds.py
	$(BIN)/python bench/annotate_http.py
	$(BIN)/python bench/annotate_browser.py
	$(BIN)/python bench/import_page.py
	$(BIN)/python bench/import_entities.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/concurrent_editors.py
	$(BIN)/python bench/suggest_quality.py
	$(BIN)/python bench/suggest_quotes.py
	$(BIN)/python bench/suggest_names.py
	$(BIN)/python bench/suggest_speed.py
	$(BIN)/python bench/suggest_store.py
	@# Keeps its database (100,000 articles take long to load): SCALE_BENCH_URL names it.
	DATABASE_URL=$${SCALE_BENCH_URL-postgres://postgres@127.0.0.1:5432/scale_bench} $(BIN)/python bench/search_scale.py --reuse
	$(BIN)/python bench/list_page.py

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(f"Newsroom needs Python 3.12 or newer; {sys.executable} is {sys.version.split()[0]}. Set PYTHON=python3.12.") if sys.version_info < (3, 12) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@ $(VENV)/.installed-run
