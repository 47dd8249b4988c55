"""Read the manual registration form: every field checked, every problem said in words."""

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from ..lms import presets
from ..lms.errors import FetchRefused
from ..lms.http import OutboundPolicy, check_url
from ..lms.limits import MAX_ID_LENGTH, MAX_URL_LENGTH
from ..lms.presets import Endpoints

PRESETS = {
    "canvas": "Canvas cloud (canvas.instructure.com)",
    "canvas_beta": "Canvas beta (canvas.beta.instructure.com)",
    "canvas_test": "Canvas test (canvas.test.instructure.com)",
    "moodle": "Moodle",
    "other": "Another LMS",
}
CANVAS_PRESETS = {"canvas": "production", "canvas_beta": "beta", "canvas_test": "test"}
OTHER_URLS = {
    "issuer": "issuer",
    "auth_login_url": "authorization URL",
    "auth_token_url": "token URL",
    "jwks_url": "JWKS URL",
}
FIELDS = ("preset", "moodle_url", *OTHER_URLS, "client_id", "deployment_ids")
MAX_DEPLOYMENTS = 100
_SEPARATORS = re.compile(r"[,\r\n]+")
_SPACE = re.compile(r"\s")


class FormInvalid(Exception):
    """The form has problems; `errors` maps each field name to what to fix."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ManualRegistration:
    """A registration an LMS admin made by hand, as the tool will store it."""

    endpoints: Endpoints
    client_id: str
    deployment_ids: list[str]


def form_values(form: dict) -> dict[str, str]:
    """Return the form's fields as stripped strings, so a re-shown form keeps what was typed."""
    return {name: str(form.get(name, "")).strip() for name in FIELDS}


def read_form(form: dict, policy: OutboundPolicy) -> ManualRegistration:
    """Check every field and return the registration; raise FormInvalid listing each problem."""
    values = form_values(form)
    errors: dict[str, str] = {}
    endpoints = _endpoints(values, policy, errors)
    client_id = _client_id(values["client_id"], errors)
    deployment_ids = _deployment_ids(values["deployment_ids"], errors)
    if errors or endpoints is None:
        raise FormInvalid(errors)
    return ManualRegistration(endpoints, client_id, deployment_ids)


def _endpoints(values: dict, policy: OutboundPolicy, errors: dict) -> Endpoints | None:
    preset = values["preset"]
    if preset in CANVAS_PRESETS:
        return presets.canvas(CANVAS_PRESETS[preset])
    if preset == "moodle":
        site = _url(
            values["moodle_url"], "Moodle site URL", policy, errors, "moodle_url", base=True
        )
        return presets.moodle(site) if site else None
    if preset == "other":
        issuer = _url(
            values["issuer"], "issuer", policy, errors, "issuer", base=True, fetched=False
        )
        urls = {
            name: _url(values[name], label, policy, errors, name)
            for name, label in OTHER_URLS.items()
            if name != "issuer"
        }
        if issuer and all(urls.values()):
            return Endpoints("other", issuer, **urls)
        return None
    errors["preset"] = "Choose where your LMS runs."
    return None


def _url(
    value: str,
    label: str,
    policy: OutboundPolicy,
    errors: dict,
    field: str,
    *,
    base: bool = False,
    fetched: bool = True,
) -> str | None:
    """Return a valid URL, or record why not; a base URL (issuer, site) has no query."""
    problem = _url_problem(value, label, policy, base, fetched)
    if problem:
        errors[field] = problem
        return None
    return value


def _url_problem(
    value: str, label: str, policy: OutboundPolicy, base: bool, fetched: bool
) -> str | None:
    if not value:
        return f"Enter the {label}."
    limit = MAX_ID_LENGTH if base else MAX_URL_LENGTH  # a base URL is stored as the issuer
    if len(value) > limit:
        return f"The {label} is longer than {limit} characters."
    parts = _split(value)
    schemes = ("https", "http") if policy.allow_http else ("https",)
    if (
        parts is None
        or parts.scheme not in schemes
        or not parts.hostname
        or parts.username
        or parts.fragment
    ):
        return f"Enter the {label} as a full https:// address, for example https://lms.example.edu."
    if base and parts.query:
        return f"The {label} cannot contain a query (the part after ?)."
    if not fetched:
        return None
    try:
        # The tool fetches keys and tokens from these URLs: refuse private addresses now.
        check_url(value, policy)
    except FetchRefused as refusal:
        return f"The tool cannot use this {label}: {refusal}."
    return None


def _split(value: str) -> SplitResult | None:
    try:
        parts = urlsplit(value)
        return parts if parts.port != 0 else None  # .port raises on a malformed port
    except ValueError:
        return None


def _client_id(value: str, errors: dict) -> str:
    if not value:
        errors["client_id"] = "Enter the client id your LMS gave the tool."
    elif len(value) > MAX_ID_LENGTH or _SPACE.search(value):
        errors["client_id"] = (
            f"A client id has no spaces and at most {MAX_ID_LENGTH} characters; "
            "copy it again from your LMS."
        )
    return value


def _deployment_ids(value: str, errors: dict) -> list[str]:
    ids = list(dict.fromkeys(part.strip() for part in _SEPARATORS.split(value) if part.strip()))
    bad = [i for i in ids if len(i) > MAX_ID_LENGTH or _SPACE.search(i)]
    if not ids:
        errors["deployment_ids"] = "Enter at least one deployment id."
    elif bad:
        shown = ", ".join(i[:40] for i in bad[:5])
        errors["deployment_ids"] = (
            f"These are not deployment ids: {shown}. Separate ids with commas or new lines; "
            f"an id has no spaces and at most {MAX_ID_LENGTH} characters."
        )
    elif len(ids) > MAX_DEPLOYMENTS:
        errors["deployment_ids"] = f"Enter at most {MAX_DEPLOYMENTS} deployment ids at once."
    return ids
