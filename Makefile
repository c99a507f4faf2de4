# The two commands of the README:  `make demo`  and  `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha256(open('pyproject.toml','rb').read()).hexdigest()[:12])")

.PHONY: install demo test lint serve bench translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## Load the demo country into the embedded SQLite database, run detection and serve the UI.
demo: install
	$(BIN)/vigia demo

## Run the whole test suite on SQLite and PostgreSQL.
test: install
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

serve: install
	$(BIN)/vigia serve

## Refresh the Spanish catalogue after changing texts: extract, merge into the .po, compile.
## Translate the new msgids in app/translations/es/LC_MESSAGES/messages.po, then run it again.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k gettext --no-location -o .messages.pot .
	$(BIN)/pybabel update -i .messages.pot -d app/translations -D messages --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d app/translations -D messages
	rm -f .messages.pot
