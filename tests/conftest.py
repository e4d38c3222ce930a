"""Shared fixtures: paths of the bundled pages."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "taian-2023-03-31.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "corpus: runs the whole development corpus in ../shared/corpus (about 25 s)")
    config.addinivalue_line("markers", "slow: fault injection that takes seconds (runs by default, as in CI)")
