"""The cohort-on-JupyterHub end-to-end test (a package, so its conftest is hub.conftest and
does not shadow tests/conftest.py, which other tests import as `conftest`)."""
