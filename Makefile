# `make lab` and `make test` each build .venv from requirements.lock first (once).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup lab instructor test test-browser release demo benchmark lock clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed; found " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 ...") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

# A learner's lab (jupyter-config/learner): opens on assignments/, Validate but no Formgrader,
# Create Assignment or Jupyter news. An instructor's (jupyter-config/instructor): every
# nbgrader tool. Only this command's environment changes, not the user's Jupyter settings.
# PATH: nbgrader's gradebook (Formgrader) runs this environment's `alembic` by name.
LAB_ENV = env -u MPLBACKEND PATH='$(CURDIR)/$(BIN)':"$$PATH"
lab: $(STAMP)
	$(LAB_ENV) JUPYTER_CONFIG_PATH='$(CURDIR)/jupyter-config/learner$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))' \
		$(BIN)/jupyter lab $(ROOT_FLAG)

instructor: $(STAMP)
	$(LAB_ENV) JUPYTER_CONFIG_PATH='$(CURDIR)/jupyter-config/instructor$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))' \
		$(BIN)/jupyter lab $(ROOT_FLAG)

test: $(STAMP)
	env -u MPLBACKEND $(BIN)/python -m pytest

# JupyterLab in Debian's chromium (apt-get install chromium), driven by Playwright from PyPI;
# screenshots in reports/browser/. `make test` only skips these. Exit 5 (none collected) is fine.
test-browser: $(STAMP)
	env -u MPLBACKEND COURSE_BROWSER_TESTS=1 $(BIN)/python -m pytest tests/browser --durations=0 \
		|| [ $$? -eq 5 ]

release: $(STAMP)
	$(BIN)/safety-course release

demo: $(STAMP)
	$(BIN)/safety-course demo

benchmark: $(STAMP)
	$(BIN)/python benchmarks/notebooks.py

# Regenerate the pins from pyproject's ranges; then run `make test` and commit both files.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) *.egg-info
