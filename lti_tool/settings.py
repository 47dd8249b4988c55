"""Settings classes read from the environment; config/example.env documents every variable."""

import os
from datetime import timedelta

from .resources import resource_dir


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _flag(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _list(name: str) -> list[str]:
    return [item.strip() for item in (_env(name, "") or "").split(",") if item.strip()]


def _pool_options() -> dict:
    """Return the connection pool's size and overflow when the environment sets them."""
    names = {"pool_size": "DATABASE_POOL_SIZE", "max_overflow": "DATABASE_MAX_OVERFLOW"}
    return {option: int(_env(name)) for option, name in names.items() if _env(name) is not None}


class BaseSettings:
    """Defaults shared by every environment."""

    SECRET_KEY = _env("SECRET_KEY")
    # Private keys, TOTP secrets and transcripts in the database are sealed with this; falls
    # back to SECRET_KEY. Secrets it replaced still open what they sealed while listed here.
    KEY_ENCRYPTION_SECRET = _env("KEY_ENCRYPTION_SECRET")
    KEY_ENCRYPTION_RETIRED_SECRETS = tuple(_list("KEY_ENCRYPTION_RETIRED_SECRETS"))
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    # hide_parameters: a database error must never put a name or an email in a log line.
    # Unset pool settings keep SQLAlchemy's defaults (5 + 10 per process): a process with many
    # threads (live pages) needs more, or connections past the pool are opened and closed on
    # every request.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True,
                                 **_pool_options()}
    TEMPLATES_DIR = str(resource_dir("templates"))

    # Public base URL of the tool, used for every URL we hand to an LMS.
    TOOL_URL = _env("TOOL_URL", "http://localhost:5000")
    TOOL_TITLE = _env("TOOL_TITLE", "Tutoring Portal")

    # The session cookie serves the tool's own sign-in (first party); the launch-state cookie
    # that crosses sites inside the LMS frame is set in lms/state_binding.py.
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    REMEMBER_COOKIE_SECURE = True
    LAUNCH_COOKIE_PARTITIONED = True

    MAX_CONTENT_LENGTH = 256 * 1024
    MAX_FORM_MEMORY_SIZE = 128 * 1024
    WTF_CSRF_TIME_LIMIT = None
    PREFERRED_URL_SCHEME = "https"
    PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 1)

    # Launch checks.
    LAUNCH_STATE_TTL_SECONDS = _int("LAUNCH_STATE_TTL_SECONDS", 600)
    # Logins in progress per platform; past this, new logins wait (a flood cannot fill the table).
    LAUNCH_STATE_MAX_PENDING = _int("LAUNCH_STATE_MAX_PENDING", 20000)
    JWT_LEEWAY_SECONDS = _int("JWT_LEEWAY_SECONDS", 60)
    JWT_MAX_AGE_SECONDS = _int("JWT_MAX_AGE_SECONDS", 600)
    JWKS_MIN_REFETCH_SECONDS = _int("JWKS_MIN_REFETCH_SECONDS", 60)
    JWKS_DEFAULT_TTL_SECONDS = _int("JWKS_DEFAULT_TTL_SECONDS", 900)
    LAUNCH_CONTEXT_TTL_SECONDS = _int("LAUNCH_CONTEXT_TTL_SECONDS", 3600)
    # Live pages renew their launch context while open, up to this long after the launch.
    LAUNCH_CONTEXT_MAX_AGE_HOURS = _int("LAUNCH_CONTEXT_MAX_AGE_HOURS", 8)

    # Outbound fetches of URLs that came from a registration.
    FETCH_ALLOW_PRIVATE = False
    FETCH_ALLOW_HTTP = False
    FETCH_ALLOWLIST = _list("FETCH_ALLOWLIST")
    FETCH_TIMEOUT_SECONDS = float(_env("FETCH_TIMEOUT_SECONDS", "5"))
    FETCH_MAX_BYTES = _int("FETCH_MAX_BYTES", 1024 * 1024)
    FETCH_MAX_REDIRECTS = _int("FETCH_MAX_REDIRECTS", 3)

    # Registration.
    OPEN_REGISTRATION = _flag("OPEN_REGISTRATION", False)
    INVITATION_TTL_HOURS = _int("INVITATION_TTL_HOURS", 72)
    KEY_ROTATION_OVERLAP_HOURS = _int("KEY_ROTATION_OVERLAP_HOURS", 72)

    # Durable jobs.
    JOB_MAX_ATTEMPTS = _int("JOB_MAX_ATTEMPTS", 8)
    JOB_LEASE_SECONDS = _int("JOB_LEASE_SECONDS", 300)
    WORKER_POLL_SECONDS = float(_env("WORKER_POLL_SECONDS", "2"))

    # LMS services (Names and Roles, Assignment and Grade Services).
    # Tries per call for 429, 5xx and network failures, and the backoff between them.
    LMS_RETRY_MAX_TRIES = _int("LMS_RETRY_MAX_TRIES", 5)
    LMS_RETRY_BASE_SECONDS = float(_env("LMS_RETRY_BASE_SECONDS", "1"))
    LMS_RETRY_MAX_WAIT_SECONDS = float(_env("LMS_RETRY_MAX_WAIT_SECONDS", "60"))
    # A cached service token is replaced this long before it expires.
    SERVICE_TOKEN_MARGIN_SECONDS = _int("SERVICE_TOKEN_MARGIN_SECONDS", 60)
    # Opening the portal queues a roster sync when the roster is older than this.
    ROSTER_MAX_AGE_MINUTES = _int("ROSTER_MAX_AGE_MINUTES", 15)
    # Members per page asked of the LMS (Canvas gives at most 50).
    ROSTER_PAGE_SIZE = _int("ROSTER_PAGE_SIZE", 50)
    # The worker refreshes the rosters of courses launched within ROSTER_ACTIVE_DAYS, every
    # ROSTER_REFRESH_MINUTES.
    ROSTER_REFRESH_MINUTES = _int("ROSTER_REFRESH_MINUTES", 360)
    ROSTER_ACTIVE_DAYS = _int("ROSTER_ACTIVE_DAYS", 30)
    # Opening the topic pages queues a read of the tool's line items when older than this.
    TOPICS_MAX_AGE_MINUTES = _int("TOPICS_MAX_AGE_MINUTES", 15)

    # The tool's own sign-in (tutors, service admins).
    ACCOUNT_IDLE_MINUTES = _int("ACCOUNT_IDLE_MINUTES", 30)
    SIGN_IN_WINDOW_MINUTES = _int("SIGN_IN_WINDOW_MINUTES", 15)
    SIGN_IN_MAX_FAILURES = _int("SIGN_IN_MAX_FAILURES", 5)
    SIGN_IN_MAX_FAILURES_PER_ADDRESS = _int("SIGN_IN_MAX_FAILURES_PER_ADDRESS", 30)

    # Live tutoring.
    TUTORING_ABANDON_AFTER_MINUTES = _int("TUTORING_ABANDON_AFTER_MINUTES", 20)
    TUTOR_ONLINE_SECONDS = _int("TUTOR_ONLINE_SECONDS", 90)
    TUTORING_IDLE_END_MINUTES = _int("TUTORING_IDLE_END_MINUTES", 30)
    MESSAGE_MAX_CHARS = _int("MESSAGE_MAX_CHARS", 2000)
    # At most this many messages per person per window; a human typing stays far below it.
    MESSAGE_RATE_COUNT = _int("MESSAGE_RATE_COUNT", 5)
    MESSAGE_RATE_SECONDS = _int("MESSAGE_RATE_SECONDS", 5)
    # At most how long one stream of a live page (chat, waiting room, tutor queue) stays open
    # (each lasts between half of it and all of it); the page then opens the next, and access
    # is checked again.
    LIVE_STREAM_SECONDS = float(_env("LIVE_STREAM_SECONDS", "55"))
    # How often a quiet stream sends a keep-alive and reads the database anyway, in case a
    # notification was missed. It also keeps an open console's tutor counted online, so it
    # must stay well below TUTOR_ONLINE_SECONDS.
    LIVE_HEARTBEAT_SECONDS = float(_env("LIVE_HEARTBEAT_SECONDS", "15"))
    # How often a stream reads the database where no notification can wake it (SQLite).
    LIVE_POLL_SECONDS = float(_env("LIVE_POLL_SECONDS", "0.3"))

    SANDBOX_ENABLED = False
    SANDBOX_URL = _env("SANDBOX_URL", "http://127.0.0.1:5000")
    SANDBOX_KEY_FILE = _env("SANDBOX_KEY_FILE")


class DevelopmentSettings(BaseSettings):
    """One machine, sandbox LMS, SQLite, plain HTTP on localhost."""

    SECRET_KEY = _env("SECRET_KEY", "development-only-secret-key")
    FETCH_ALLOW_PRIVATE = True
    FETCH_ALLOW_HTTP = True
    OPEN_REGISTRATION = _flag("OPEN_REGISTRATION", True)
    SANDBOX_ENABLED = _flag("SANDBOX_ENABLED", True)
    # Chromium accepts Secure cookies on http://localhost, so development keeps them.
    PREFERRED_URL_SCHEME = "http"


class TestingSettings(BaseSettings):
    """Production rules with an in-test database; the test platform lives behind `responses`."""

    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SANDBOX_ENABLED = True
    SANDBOX_URL = "https://sandbox.lms.test"
    TOOL_URL = "https://tool.test"
    # A live stream sends the state it opened with and ends: no test waits for news unless
    # it asks to.
    LIVE_STREAM_SECONDS = 0.0


class ProductionSettings(BaseSettings):
    """Real deployments: PostgreSQL, HTTPS behind a proxy, no sandbox."""

    SANDBOX_ENABLED = _flag("SANDBOX_ENABLED", False)
    FETCH_ALLOW_PRIVATE = _flag("FETCH_ALLOW_PRIVATE", False)


SETTINGS_BY_NAME = {
    "development": DevelopmentSettings,
    "testing": TestingSettings,
    "production": ProductionSettings,
}


class ProductionSettingsError(RuntimeError):
    """Raised when production settings are unsafe to serve with."""


def check_production(config: dict) -> None:
    """Refuse to start production without a secret key, with the sandbox, or with weak cookies."""
    problems = []
    if not config.get("SECRET_KEY") or len(config["SECRET_KEY"]) < 32:
        problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
    if config.get("SANDBOX_ENABLED"):
        problems.append("SANDBOX_ENABLED must be off")
    if config.get("OPEN_REGISTRATION"):
        problems.append("OPEN_REGISTRATION must be off; use invitations")
    if not config.get("SESSION_COOKIE_SECURE") or not config.get("REMEMBER_COOKIE_SECURE"):
        problems.append("cookies must be Secure")
    if config.get("FETCH_ALLOW_HTTP"):
        problems.append("FETCH_ALLOW_HTTP must be off")
    if not str(config.get("TOOL_URL", "")).startswith("https://"):
        problems.append("TOOL_URL must be an https:// URL")
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        problems.append("DATABASE_URL must be set")
    if problems:
        raise ProductionSettingsError("Refusing to start: " + "; ".join(problems))
