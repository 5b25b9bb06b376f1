# Two commands do all the set-up: `make run` opens the console, `make test` runs every check.
# Windows has no make: see "Windows" in README.md for the same steps in PowerShell.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export QT_QPA_PLATFORM ?= $(if $(DISPLAY)$(WAYLAND_DISPLAY),,offscreen)

.PHONY: run test lint typecheck contracts pytest demo bench dist dist-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Qt's libraries and dbus-daemon: installed when missing (Debian/Ubuntu).
$(VENV)/.system-packages: tools/system-packages | $(BIN)/python
	tools/system-packages
	touch $@

# Reinstall only when the project's dependencies change.
$(VENV)/.installed-run: pyproject.toml $(VENV)/.system-packages | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.system-packages | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/calmdesk

demo: $(VENV)/.installed-run
	$(BIN)/calmdesk demo

# The four checks run side by side: the type check (~16 CPU-s cold) and the rest (~1 s) fit in
# the moments the tests wait for the database, so they add little to the tests' time. Their few
# lines come while pytest starts (mypy's may land among pytest's dots); `make test` fails if
# any of them fails.
test:
	@$(MAKE) --no-print-directory -j4 lint typecheck contracts pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

contracts: $(VENV)/.installed-test
	$(BIN)/lint-imports

# One pytest worker per core (pytest-xdist): every test makes its own SQLite file or PostgreSQL
# database, and the run-wide fixtures (private D-Bus, PgBouncer) start once per worker. Work
# stealing: a worker that runs out of tests takes some of the other's, so no core idles at the
# end behind a few slow ones. The slowest 15 are listed, to keep an eye on them.
pytest: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n auto --dist worksteal --durations=15

# `make bench ARGS="--only team"`: options for python -m bench (see bench/README.md).
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench $(ARGS)

$(VENV)/.installed-dist: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dist]'
	touch $@ $(VENV)/.installed-run

# The Linux bundle, dist/calmdesk/: runs without Python (see "Install" in README.md). About a
# minute on two cores. Windows and macOS run the same pyinstaller command on their own machines.
dist: $(VENV)/.installed-dist
	rm -rf dist/calmdesk
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller installer/calmdesk.spec
	cp installer/linux/calmdesk.desktop installer/linux/install.sh dist/calmdesk/
	@du -sh dist/calmdesk

# Runs the bundle with no Python on PATH against a fresh database: offscreen, CLI, and under Xvfb.
dist-check: dist
	installer/linux/dist-check.sh dist/calmdesk

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
