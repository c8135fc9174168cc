"""Shared fixtures. Settings for tests come from config/settings_test.py (see pyproject.toml)."""

from collections.abc import Iterator

import pytest

from tests.oracle import Oracle, missing_venvs


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    """The official Polyaxon validators; fails (never skips) if `make test` did not set them up."""
    missing = missing_venvs()
    if missing:
        pytest.fail(
            "oracle virtualenvs missing: "
            + ", ".join(str(p) for p in missing)
            + " (run `make test`, which creates them)",
            pytrace=False,
        )
    with Oracle() as instance:
        yield instance
