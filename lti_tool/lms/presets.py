"""Endpoints of the LMSs we know, so an admin types a client id, not four URLs."""

from dataclasses import dataclass

CANVAS_VARIANTS = {
    "production": ("https://canvas.instructure.com", "https://sso.canvaslms.com"),
    "beta": ("https://canvas.beta.instructure.com", "https://sso.beta.canvaslms.com"),
    "test": ("https://canvas.test.instructure.com", "https://sso.test.canvaslms.com"),
}


@dataclass(frozen=True)
class Endpoints:
    """Issuer and the three URLs a registration needs."""

    kind: str
    issuer: str
    auth_login_url: str
    auth_token_url: str
    jwks_url: str


def canvas(variant: str = "production") -> Endpoints:
    """Cloud Canvas: one issuer for every school, endpoints on sso.canvaslms.com."""
    issuer, sso = CANVAS_VARIANTS[variant]
    return Endpoints(
        "canvas",
        issuer,
        sso + "/api/lti/authorize_redirect",
        sso + "/login/oauth2/token",
        sso + "/api/lti/security/jwks",
    )


def moodle(site_url: str) -> Endpoints:
    """Moodle 4.x/5.x: the issuer is the site URL, endpoints under /mod/lti/."""
    site = site_url.rstrip("/")
    return Endpoints(
        "moodle", site, site + "/mod/lti/auth.php", site + "/mod/lti/token.php",
        site + "/mod/lti/certs.php",
    )
