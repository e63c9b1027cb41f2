"""Retries with tenacity: 429/5xx/timeouts/resets/HTML/truncated bodies; 401/403 not retried."""

from __future__ import annotations

import pytest
from fakejira import FakeJira, Fault, adf_doc, status
from jira_helpers import EMAIL, PAT, TOKEN, Sleeps, connector_for

from storylint.errors import PermanentConnectorError, TransientConnectorError
from storylint.model import Story


def _fill(fake: FakeJira, n: int) -> None:
    for i in range(1, n + 1):
        fake.add_issue(f"PAY-{i}", f"Story {i}", adf_doc(f"body {i}") if fake.cloud else f"body {i}", reporter="u1")


def _keys(conn) -> list[str]:
    out = []
    for item in conn.stories():
        assert isinstance(item, Story), item
        out.append(item.key)
    return out


def test_429_honours_retry_after(fake: FakeJira, sleeps: Sleeps) -> None:
    _fill(fake, 3)
    fake.fail("search", status(429, Retry_After="7"), status(429, Retry_After="2"))
    conn = connector_for(fake, sleeps)
    assert _keys(conn) == ["PAY-1", "PAY-2", "PAY-3"]
    assert len(sleeps) == 2
    assert 7.0 <= sleeps[0] <= 8.0 and 2.0 <= sleeps[1] <= 3.0  # as told, never sooner
    assert fake.calls["search"] == 3 and conn.caller.retries == 2


def test_5xx_backoff_is_capped_exponential_with_jitter(fake: FakeJira, sleeps: Sleeps) -> None:
    _fill(fake, 1)
    fake.fail("search", *[status(code) for code in (500, 502, 503, 504, 500, 502)])
    conn = connector_for(fake, sleeps, attempts=8)
    conn.caller.policy.max_wait = 10.0
    assert _keys(conn) == ["PAY-1"]
    assert len(sleeps) == 6
    for attempt, seconds in enumerate(sleeps, start=1):
        ceiling = min(10.0, 2 ** (attempt - 1))
        assert ceiling / 2 <= seconds <= ceiling
    assert max(sleeps) <= 10.0


def test_gives_up_after_attempts_with_a_clear_transient_error(fake: FakeJira, sleeps: Sleeps) -> None:
    _fill(fake, 1)
    fake.fail("search", *[status(503) for _ in range(5)])
    conn = connector_for(fake, sleeps, attempts=3)
    with pytest.raises(TransientConnectorError) as info:
        _keys(conn)
    assert fake.calls["search"] == 3
    assert "HTTP 503" in info.value.message and fake.url in info.value.message
    assert "gave up after 3 attempts" in info.value.message


@pytest.mark.parametrize("fault", ["html", "truncated", "notjson", "empty", "reset", "html502"])
def test_broken_answers_are_retried(fake: FakeJira, sleeps: Sleeps, fault: str) -> None:
    _fill(fake, 120)
    f = Fault("html", 502) if fault == "html502" else Fault(fault)
    fake.fail("search", f)
    conn = connector_for(fake, sleeps)
    keys = _keys(conn)
    assert keys == [f"PAY-{i}" for i in range(1, 121)]  # each exactly once
    assert len(sleeps) == 1


def test_slow_answer_past_timeout_is_retried(fake: FakeJira, sleeps: Sleeps) -> None:
    _fill(fake, 2)
    fake.fail("search", Fault("slow", delay=1.0))
    conn = connector_for(fake, sleeps, timeout=0.3)
    assert _keys(conn) == ["PAY-1", "PAY-2"]
    assert len(sleeps) == 1


def test_faults_while_connecting_are_retried(fake: FakeJira, sleeps: Sleeps) -> None:
    _fill(fake, 1)
    fake.fail("serverInfo", status(503), Fault("html"), Fault("empty"))
    conn = connector_for(fake, sleeps)
    assert _keys(conn) == ["PAY-1"]
    assert fake.calls["serverInfo"] >= 4  # the library itself re-asks once after an empty answer
    assert 2 <= len(sleeps) <= 3


@pytest.mark.parametrize("code", [401, 403])
def test_auth_failure_is_one_line_not_retried(fake: FakeJira, sleeps: Sleeps, code: int) -> None:
    fake.fail("serverInfo", status(code, {"errorMessages": ["Client must be authenticated to access this resource."], "errors": {}}))
    conn = connector_for(fake, sleeps)
    with pytest.raises(PermanentConnectorError) as info:
        conn.connect()
    message = info.value.message
    assert fake.calls["serverInfo"] == 1 and sleeps == []
    assert f"HTTP {code}" in message and fake.url in message
    assert ("JIRA_PAT" in message) if not fake.cloud else ("JIRA_API_TOKEN" in message)
    assert "\n" not in message
    for secret in (TOKEN, PAT):
        assert secret not in message and secret not in repr(info.value) and secret not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_wrong_token_is_401_and_never_echoed(fake: FakeJira, sleeps: Sleeps) -> None:
    from storylint.connectors.jira import JiraAuth, JiraConnector
    from storylint.connectors.jira_http import RetryPolicy

    wrong = JiraAuth(email=EMAIL, api_token="wrong-SECRET-999") if fake.cloud else JiraAuth(pat="wrong-SECRET-999")
    conn = JiraConnector(fake.url, "x", wrong, policy=RetryPolicy(sleep=sleeps))
    with pytest.raises(PermanentConnectorError) as info:
        conn.connect()
    assert "HTTP 401" in info.value.message
    assert "wrong-SECRET-999" not in repr(info.value) + str(info.value) + repr(conn.auth)


def test_jira_error_body_is_reported(fake: FakeJira, sleeps: Sleeps) -> None:
    fake.fail("search", status(400, {"errorMessages": ["Field 'sprint' does not exist or you do not have permission to view it."], "errors": {}}))
    with pytest.raises(PermanentConnectorError) as info:
        _keys(connector_for(fake, sleeps))
    assert "Field 'sprint' does not exist" in info.value.message
    assert sleeps == []


def test_jira_errors_map_is_reported(fake: FakeJira, sleeps: Sleeps) -> None:
    fake.fail("search", status(400, {"errorMessages": [], "errors": {"jql": "The value 'XYZ' does not exist for the field 'project'."}}))
    with pytest.raises(PermanentConnectorError) as info:
        _keys(connector_for(fake, sleeps))
    assert "jql: The value 'XYZ' does not exist" in info.value.message


def test_retry_after_beyond_the_cap_stops_with_advice(fake: FakeJira, sleeps: Sleeps) -> None:
    fake.fail("search", status(429, Retry_After="3600"))
    with pytest.raises(TransientConnectorError) as info:
        _keys(connector_for(fake, sleeps))
    assert "3600" in info.value.message and "try again later" in info.value.message
    assert sleeps == []


def test_unreachable_server_is_a_connection_error(sleeps: Sleeps) -> None:
    import socket

    from storylint.connectors.jira import JiraAuth, JiraConnector
    from storylint.connectors.jira_http import RetryPolicy

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    conn = JiraConnector(f"http://127.0.0.1:{port}", "x", JiraAuth(pat=PAT), policy=RetryPolicy(attempts=2, sleep=sleeps))
    with pytest.raises(TransientConnectorError) as info:
        conn.connect()
    assert "connection to Jira" in info.value.message and len(sleeps) == 1


def test_storm_of_faults_every_story_exactly_once(fake: FakeJira, sleeps: Sleeps) -> None:
    _fill(fake, 450)
    storm = [status(429, Retry_After="1"), status(500), Fault("html"), Fault("truncated"), Fault("reset"),
             status(429, Retry_After="0"), Fault("notjson"), status(502), status(503), Fault("empty")]  # fmt: skip
    fake.fail("search", *storm)
    conn = connector_for(fake, sleeps, attempts=12)
    keys = _keys(conn)
    assert keys == [f"PAY-{i}" for i in range(1, 451)]
    assert len(sleeps) == len(storm)
    assert fake.calls["search"] == 5 + len(storm)


def test_server_login_rejected_in_a_header_is_an_auth_error(server: FakeJira, sleeps: Sleeps) -> None:
    _fill(server, 2)
    server.fail("search", status(200, {}, X_Seraph_LoginReason="AUTHENTICATED_FAILED"))
    with pytest.raises(PermanentConnectorError) as info:
        _keys(connector_for(server, sleeps))
    assert "rejected the credentials" in info.value.message and "JIRA_PAT" in info.value.message
    assert sleeps == [] and server.calls["search"] == 1


def test_captcha_after_failed_logins_is_explained(server: FakeJira, sleeps: Sleeps) -> None:
    server.fail("search", status(403, {"errorMessages": []}, X_Seraph_LoginReason="AUTHENTICATION_DENIED"))
    with pytest.raises(PermanentConnectorError) as info:
        _keys(connector_for(server, sleeps))
    assert "CAPTCHA" in info.value.message


def test_retry_after_as_an_http_date(fake: FakeJira, sleeps: Sleeps) -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    _fill(fake, 1)
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    fake.fail("search", status(503, Retry_After=when))
    assert _keys(connector_for(fake, sleeps)) == ["PAY-1"]
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 32
