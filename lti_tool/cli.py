"""Flask commands: keys, platforms, admins, worker, sandbox; tutors and subjects come from
cli_tutoring."""

import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from werkzeug.serving import WSGIRequestHandler, run_simple

from .cli_roster import roster_cli
from .cli_tutoring import subjects_cli, tutors_cli
from .clock import utcnow
from .lms import presets
from .lms.errors import FetchRefused
from .lms.http import OutboundPolicy, check_url
from .lms.tool_config import ToolConfig
from .services import (
    accounts,
    jobs,
    maintenance,
    platforms,
    reseal,
    roster_refresh,
    sandbox,
    tool_keys,
)

keys_cli = click.Group("keys", help="The tool's signing keys.")
secrets_cli = click.Group("secrets", help="The secret that seals data at rest.")
platforms_cli = click.Group("platforms", help="LMS registrations and deployments.")
admins_cli = click.Group("admins", help="Service admin accounts.")
sandbox_cli = click.Group("sandbox", help="The development-only sandbox LMS.")


@keys_cli.command("generate")
def keys_generate():
    """Create the first signing key (does nothing if one exists)."""
    key, created = tool_keys.generate_key(current_app.config)
    click.echo(f"{'Generated' if created else 'Already have'} key {key.kid}")


@keys_cli.command("rotate")
def keys_rotate():
    """Make a new key current; the old one stays published for the overlap."""
    key = tool_keys.rotate_key(current_app.config, utcnow())
    hours = current_app.config["KEY_ROTATION_OVERLAP_HOURS"]
    click.echo(f"New current key {key.kid}; the previous key stays published for {hours} h.")


@keys_cli.command("list")
def keys_list():
    """Show the published keys."""
    for key in tool_keys.tool_jwks(current_app.config, utcnow())["keys"]:
        click.echo(key["kid"])


@secrets_cli.command("reseal")
def secrets_reseal():
    """Seal everything again under KEY_ENCRYPTION_SECRET, after the secret changed."""
    results = reseal.reseal_all(
        current_app.config, lambda label, done: click.echo(f"  {label}: {done} so far…"))
    for result in results:
        click.echo(f"{result.label}: {result.resealed} sealed again")
    unopened = sum(result.unopened for result in results)
    if unopened:
        raise click.ClickException(
            f"{unopened} values open under none of the configured secrets; add the secret "
            "that sealed them to KEY_ENCRYPTION_RETIRED_SECRETS and run this again.")
    click.echo("Done: the retired secrets can now be removed from "
               "KEY_ENCRYPTION_RETIRED_SECRETS.")


@platforms_cli.command("add")
@click.option("--canvas", "canvas_variant", flag_value="production", help="Cloud Canvas.")
@click.option("--canvas-beta", "canvas_variant", flag_value="beta", help="Canvas beta.")
@click.option("--canvas-test", "canvas_variant", flag_value="test", help="Canvas test.")
@click.option("--moodle", "moodle_url", metavar="URL", help="Moodle site URL.")
@click.option("--issuer", help="Issuer (any other LMS).")
@click.option("--auth-url", help="OIDC authorization URL (any other LMS).")
@click.option("--token-url", help="OAuth2 token URL (any other LMS).")
@click.option("--jwks-url", help="Platform JWKS URL (any other LMS).")
@click.option("--client-id", required=True)
@click.option("--deployment", "deployment_ids", multiple=True, help="Deployment id (repeatable).")
@click.option("--name", default="", help="A name for people.")
def platforms_add(
    canvas_variant,
    moodle_url,
    issuer,
    auth_url,
    token_url,
    jwks_url,
    client_id,
    deployment_ids,
    name,
):
    """Register an LMS by preset or by its four URLs."""
    if canvas_variant:
        endpoints = presets.canvas(canvas_variant)
    elif moodle_url:
        endpoints = presets.moodle(moodle_url)
    elif issuer and auth_url and token_url and jwks_url:
        endpoints = presets.Endpoints("other", issuer, auth_url, token_url, jwks_url)
    else:
        raise click.UsageError("Give --canvas, --moodle URL, or --issuer with all three URLs.")
    policy = OutboundPolicy.from_config(current_app.config)
    for url in (endpoints.auth_login_url, endpoints.auth_token_url, endpoints.jwks_url):
        try:
            check_url(url, policy)  # the same rules every later fetch of these URLs obeys
        except FetchRefused as refused:
            raise click.BadParameter(f"{url}: {refused}") from refused
    platform = platforms.add_platform(
        name or endpoints.issuer, endpoints, client_id, list(deployment_ids)
    )
    click.echo(f"Platform {platform.id}: {platform.issuer} client {platform.client_id}")


@platforms_cli.command("list")
def platforms_list():
    """List registrations and their deployments."""
    for p in platforms.list_platforms():
        state = "enabled" if p.enabled else "DISABLED"
        click.echo(f"{p.id}\t{p.kind}\t{state}\t{p.issuer}\tclient={p.client_id}\t{p.name}")
        for d in p.deployments:
            click.echo(f"\tdeployment {d.id}\t{d.status}\t{d.deployment_id}")


@platforms_cli.command("disable")
@click.argument("platform_id", type=int)
def platforms_disable(platform_id):
    """Refuse every launch of a registration."""
    _run(lambda: platforms.set_platform_enabled(platform_id, False))
    click.echo(f"Platform {platform_id} disabled.")


@platforms_cli.command("enable")
@click.argument("platform_id", type=int)
def platforms_enable(platform_id):
    """Accept launches of a registration again."""
    _run(lambda: platforms.set_platform_enabled(platform_id, True))
    click.echo(f"Platform {platform_id} enabled.")


@platforms_cli.command("approve")
@click.argument("deployment_pk", type=int)
def platforms_approve(deployment_pk):
    """Approve a pending deployment (the number `platforms list` shows)."""
    _run(lambda: platforms.set_deployment_status(deployment_pk, "approved"))
    click.echo(f"Deployment {deployment_pk} approved.")


@platforms_cli.command("invite")
@click.option("--note", default="", help="Whom the invitation is for.")
def platforms_invite(note):
    """Print a single-use registration URL to paste into the LMS."""
    config = current_app.config
    token = platforms.create_invitation(note, utcnow(), config["INVITATION_TTL_HOURS"])
    url = ToolConfig.from_config(config).registration_url(token)
    click.echo(f"Registration URL (single use, {config['INVITATION_TTL_HOURS']} h):\n{url}")


def _run(operation):
    try:
        operation()
    except platforms.PlatformError as exc:
        raise click.ClickException(str(exc)) from exc


@admins_cli.command("add")
@click.argument("email")
@click.option("--name", default="Service admin")
@click.password_option()
def admins_add(email, name, password):
    """Create a service admin account."""
    try:
        accounts.create_account(email, name, password, is_admin=True)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    login = current_app.config["TOOL_URL"] + "/account/login"
    click.echo(f"Admin {email} created. At their first sign-in ({login}) they set up "
               "an authenticator app for one-time codes.")



@click.command("worker")
@click.option("--once", is_flag=True, help="Run the due jobs once and exit.")
def worker(once):
    """Drain the durable job outbox, abandon stale requests, dispatch domain events."""
    name = jobs.worker_name()
    poll = current_app.config["WORKER_POLL_SECONDS"]
    click.echo(f"Worker {name} started.")
    while True:
        maintenance.schedule_housekeeping(utcnow())
        roster_refresh.schedule_roster_refreshes(utcnow(), current_app.config)
        ran = maintenance.tidy_tutoring(utcnow(), current_app.config)
        ran += jobs.run_due_jobs(utcnow(), current_app.config, name)
        if once:
            click.echo(f"Ran {ran} job(s).")
            return
        if not ran:
            time.sleep(poll)


def _require_sandbox() -> None:
    if not current_app.config["SANDBOX_ENABLED"]:
        raise click.ClickException("The sandbox runs in development only (TOOL_ENV=development).")


@sandbox_cli.command("setup")
def sandbox_setup():
    """Create the schema, a key, the sandbox registration and the demo accounts."""
    _require_sandbox()
    upgrade()
    _print_demo(sandbox.set_up_sandbox(current_app._get_current_object(), utcnow()))


@sandbox_cli.command("serve")
def sandbox_serve():
    """Set up the sandbox, then serve the tool and run a worker beside it."""
    _require_sandbox()
    upgrade()
    app = current_app._get_current_object()
    demo = sandbox.set_up_sandbox(app, utcnow())
    tool = urlsplit(app.config["TOOL_URL"])
    worker_process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "lti_tool", "worker"], env=os.environ.copy()
    )
    _print_demo(demo)
    try:
        run_simple(
            tool.hostname or "localhost", tool.port or 5000, app, threaded=True,
            request_handler=_PathOnlyLogHandler,
        )
    finally:
        worker_process.terminate()
        worker_process.wait(timeout=10)


class _PathOnlyLogHandler(WSGIRequestHandler):
    """Log request paths without query strings: launch parameters carry user hints."""

    def log_request(self, code="-", size="-") -> None:
        self.log("info", '"%s %s" %s', self.command, self.path.split("?", 1)[0], code)


def _print_demo(demo: dict) -> None:
    email, password = demo["admin"]
    tool = current_app.config["TOOL_URL"]
    tutor_lines = "".join(
        f"    email {t_email}  password {t_password}  ({name}: {', '.join(covered)})\n"
        for t_email, t_password, name, covered in demo["tutors"]
    )
    click.echo(
        "\nTutoring Portal with its sandbox LMS is ready.\n"
        f"  Sandbox course page:  {demo['sandbox_url']}\n"
        f"    (launch the tool as any demo student, instructor, TA or designer)\n"
        f"  Sign-in for the service admin and tutors:  {tool}/account/login\n"
        f"  Service admin ({tool}/admin/):\n"
        f"    email {email}  password {password}\n"
        "    (the first sign-in sets up an authenticator app for one-time codes)\n"
        f"  Tutors ({tool}/tutor/):\n{tutor_lines}"
    )


def init_app(app: Flask) -> None:
    """Register the command groups."""
    for command in (keys_cli, secrets_cli, platforms_cli, admins_cli, tutors_cli, subjects_cli,
                    roster_cli, sandbox_cli, worker):
        app.cli.add_command(command)
