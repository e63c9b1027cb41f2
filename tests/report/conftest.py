"""Report tests: fixtures live in report_fixtures.py (a unique module name, importable by tests)."""

from tests.report.report_fixtures import artifacts, chromium, history, result_files  # noqa: F401
