# `make lab` and `make test` each build .venv from requirements.lock first (once).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup lab test release demo benchmark lock clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed; found " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 ...") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

lab: $(STAMP)
	env -u MPLBACKEND $(BIN)/jupyter lab $(ROOT_FLAG)

test: $(STAMP)
	env -u MPLBACKEND $(BIN)/python -m pytest

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
