"""Report tests: fixtures live in report_fixtures.py (a unique module name, importable by tests)."""

from tests.report.report_fixtures import (  # noqa: F401
    artifacts,
    chromium,
    history,
    result_files,
    worst_case_dataset,
)
