"""Shared fixtures: the corpus of real pages, databases on SQLite and PostgreSQL.

``corpus`` is the small fixture set in ``tests/data/corpus`` (a cut of the full corpus,
attributed in its README); ``full_corpus`` is ``$POLICYWATCH_CORPUS`` or ``../shared/corpus``
and serves only tests marked ``extended``, which run with ``--extended`` (or ``-m extended``).
With ``CI`` set, a skipped test fails: missing data, browser or PostgreSQL cannot hide.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.databases import database_params, fresh_database_url

REPO = Path(__file__).resolve().parent.parent
FIXTURE_CORPUS = REPO / "tests" / "data" / "corpus"
FULL_CORPUS = Path(os.environ.get("POLICYWATCH_CORPUS") or REPO.parent / "shared" / "corpus")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--extended", action="store_true",
                     help="also run the extended tests over the full corpus "
                          "($POLICYWATCH_CORPUS, default ../shared/corpus)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "extended: needs the full corpus; runs only with "
                                       "--extended or -m extended")


APP_TESTS = REPO / "tests" / "policywatch"


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects on the marks added here
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave extended tests out (deselected, not skipped) unless asked for; mark the
    PostgreSQL runs of app tests ``slow``: ``make check`` runs app tests on SQLite and the
    storage tests on both, ``make test`` runs everything on both."""
    for item in items:
        if "full_corpus" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.extended)
        callspec = getattr(item, "callspec", None)
        if (callspec is not None and callspec.params.get("db_url") == "postgresql"
                and APP_TESTS in Path(str(item.path)).parents):
            item.add_marker(pytest.mark.slow)
    if config.getoption("--extended") or "extended" in (config.getoption("markexpr") or ""):
        return
    dropped = [i for i in items if i.get_closest_marker("extended")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [i for i in items if not i.get_closest_marker("extended")]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """In CI a skip is a failure: the run must not pass with part of the suite missing."""
    outcome = yield
    report = outcome.get_result()
    if _in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (CI={os.environ['CI']}), which counts as a failure: " \
                          f"{_skip_reason(report)}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    outcome = yield
    report = outcome.get_result()
    if _in_ci() and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"module skipped in CI (CI={os.environ['CI']}), which counts as a " \
                          f"failure: {_skip_reason(report)}"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The fixture corpus in tests/data/corpus (Open Terms Archive data, ODC-By 1.0;
    Princeton-Leuven pairs): the streams, pairs and histories the default tests read."""
    return FIXTURE_CORPUS


@pytest.fixture(scope="session")
def full_corpus() -> Path:
    """The full corpus, for extended tests; a missing one skips (fails in CI)."""
    if not (FULL_CORPUS / "ota").is_dir():
        pytest.skip(f"full corpus not found at {FULL_CORPUS} (set POLICYWATCH_CORPUS)")
    return FULL_CORPUS


@pytest.fixture(scope="session", autouse=True)
def _drop_test_databases():
    """Drop PostgreSQL databases created by the tests when the run ends."""
    yield
    from tests.databases import drop_created_databases

    drop_created_databases()


@pytest.fixture(params=database_params())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database at the newest schema: every test using it runs on SQLite and on
    PostgreSQL."""
    return fresh_database_url(request.param, tmp_path)


@pytest.fixture(params=database_params())
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database without any schema (for the migrations themselves), on both backends."""
    return fresh_database_url(request.param, tmp_path, migrated=False)


@pytest.fixture
def archive(db_url: str):
    """The archive repository over ``db_url`` (schema upgraded)."""
    from storage import Archive

    opened = Archive.open(db_url)
    yield opened
    opened.close()
