"""`storylint serve`: receive Jira webhooks and coach authors while they are still writing.

Starlette and uvicorn (``pip install 'storylint[serve]'``) are imported here, inside the
command, so that no other command pays for them. The webhook secret comes from
``STORYLINT_WEBHOOK_SECRET`` and the Jira credentials from the same variables as
``storylint jira``; neither is ever an option (options show up in process lists).
"""

from __future__ import annotations

import logging
import os

import click

from storylint.commands.clitypes import RealRange
from storylint.commands.common import build_linter, config_option, jira_label
from storylint.errors import ConfigError, StorylintError

SECRET_ENV = "STORYLINT_WEBHOOK_SECRET"
TOKEN_ENV = "STORYLINT_AUTOMATION_TOKEN"
#: connections (and their requests) above which uvicorn answers 503 at once: a flood of
#: connections that never finish their request must not use up the file descriptors
MAX_CONNECTIONS = 200
#: seconds a stop waits for open requests before it cuts them (then the worker's grace)
SHUTDOWN_WAIT = 3


@click.command()
@click.option("--jira-server", required=True, envvar="JIRA_SERVER", metavar="URL",
              help="Jira base URL, e.g. https://example.atlassian.net [env: JIRA_SERVER].")  # fmt: skip
@click.option("--store", "store_url", required=True, metavar="URL",
              help="History store that also holds the webhook queue: a SQLite file path or postgresql://...")  # fmt: skip
@click.option("--jql", help="Record results under this nightly query's history (it is not searched).")
@click.option("--comment", is_flag=True, help="Keep one storylint comment per issue, updated in place.")
@click.option("--label", callback=jira_label, metavar="NAME", help="Add this label to issues with findings; remove it when clean.")
@config_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port to listen on.")
@click.option("--max-queue", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Queued events above which deliveries are refused with 503 and Retry-After.")  # fmt: skip
@click.option("--timeout", type=RealRange(min=1.0), default=30.0, show_default=True,
              help="Seconds to wait for each Jira answer.")  # fmt: skip
@click.option("--retries", type=click.IntRange(min=0, max=20), default=7, show_default=True,
              help="Retries per Jira call on 429, 5xx, timeouts and broken answers.")  # fmt: skip
@click.option("--body-timeout", type=RealRange(min=0.1, max=300.0), default=10.0, show_default=True,
              help="Seconds a webhook's body may take to arrive; slower ones get 408.")  # fmt: skip
def serve(
    jira_server: str,
    store_url: str,
    jql: str | None,
    comment: bool,
    label: str | None,
    config_path: str | None,
    host: str,
    port: int,
    max_queue: int,
    timeout: float,
    retries: int,
    body_timeout: float,
) -> None:
    """Receive Jira webhooks at POST /webhooks/jira and lint each created or edited story.

    \b
      STORYLINT_WEBHOOK_SECRET     the secret the webhook was registered with (required)
      STORYLINT_AUTOMATION_TOKEN   optional: also accept "Authorization: Bearer <it>" unsigned
                                   (Jira Automation's Send web request cannot sign)
      JIRA_EMAIL + JIRA_API_TOKEN  Jira Cloud credentials, or
      JIRA_PAT                     Server/Data Center personal access token

    Health: GET /healthz answers 200 with the queue depth.
    """
    # white space around it (the newline a secrets file or `echo` leaves) is no part of what
    # Jira signs with: kept, every real delivery would fail its check
    secret = os.environ.get(SECRET_ENV, "").strip()
    if not secret:
        raise ConfigError(f"{SECRET_ENV} is not set: refusing to accept unsigned webhooks", file="environment")
    token = os.environ.get(TOKEN_ENV, "").strip() or None
    if token is not None and (len(token) < 24 or token == secret):
        raise ConfigError(f"{TOKEN_ENV} must be at least 24 characters and differ from {SECRET_ENV}",
                          file="environment")  # fmt: skip
    try:
        import uvicorn

        from storylint.serve.app import AppSettings, create_app
    except ImportError:
        raise ConfigError("storylint serve needs Starlette and uvicorn: pip install 'storylint[serve]'",
                          file="environment") from None  # fmt: skip
    from storylint.connectors.jira import JiraAuth, JiraConnector, clear_text_warning
    from storylint.connectors.jira_http import RetryPolicy
    from storylint.serve import jsonlog
    from storylint.serve.worker import Worker, WorkerSettings
    from storylint.store import open_store

    root = logging.getLogger("storylint")
    jsonlog.configure(min(root.level or logging.INFO, logging.INFO))
    linter, config = build_linter(config_path, None, None, None)
    auth = JiraAuth.from_env()
    connector = JiraConnector(
        jira_server, jql or "", auth, timeout=timeout, policy=RetryPolicy(attempts=retries + 1),
        fetch_groups=bool(config.roles.groups),
    )  # fmt: skip
    warning = clear_text_warning(connector.server)
    if warning:
        logging.getLogger("storylint.serve").warning("%s", warning.removeprefix("Warning: "))
    open_store(store_url).close()  # fail now, with one Error line, on a store that cannot be opened
    worker = Worker(WorkerSettings(store_url, connector.name, comment=comment, label=label), connector, linter,
                    open_store)  # fmt: skip
    settings = AppSettings(secret, store_url, connector.name, label=label, automation_token=token,
                           max_queue=max_queue)  # fmt: skip
    settings.body_timeout = body_timeout
    app = create_app(settings, worker, open_store)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False,
                                           server_header=False, lifespan="on", limit_concurrency=MAX_CONNECTIONS,
                                           timeout_graceful_shutdown=SHUTDOWN_WAIT))  # fmt: skip

    def give_up() -> None:
        server.should_exit = True  # uvicorn's graceful stop, as on SIGTERM

    worker.on_failure = give_up
    server.run()
    if worker.failed:  # exit 2, so that a supervisor (systemd Restart=on-failure) starts it again
        raise StorylintError("serve stopped: its worker could not go on (see the log above)")
