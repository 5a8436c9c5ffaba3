"""The tiers of the suite (the markers registered in pytest.ini) and the check that keeps them honest.

`make test-fast` runs the tests that carry none of `browser`, `nginx` and `slow`; `make test` runs
everything. A test that starts Chromium (browser.py), nginx (nginx.py) or the CLI or MkDocs as a
subprocess (conftest.run) without the marker fails at once with a message naming it, so the fast tier
cannot quietly grow slow. conftest.py tells this module the markers of the test being set up; outside
pytest (the benchmarks import browser.py and nginx.py) nothing is checked.
"""

from __future__ import annotations

from collections.abc import Iterable

TIERS = ("browser", "nginx", "slow")  # a test marked none of them is in `make test-fast`

_markers: frozenset[str] | None = None


def set_running(markers: Iterable[str]) -> None:
    """The markers of the test about to run (its fixtures included), from conftest's setup hook."""
    global _markers
    _markers = frozenset(markers)


def running_under_pytest() -> bool:
    return _markers is not None


def require(marker: str, what: str) -> None:
    if _markers is not None and marker not in _markers:
        raise RuntimeError(
            f"{what} in a test not marked `{marker}`: add @pytest.mark.{marker} to the test (or to its module's "
            f"pytestmark) so that `make test-fast` leaves it out"
        )
