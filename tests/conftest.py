from __future__ import annotations

import pytest

# Helper modules that assert: rewrite them too, so that their failures explain.
pytest.register_assert_rewrite("tests.scenes.checks", "tests.scenes.goldens")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite the golden frames of the scenes instead of comparing (make goldens)",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))
