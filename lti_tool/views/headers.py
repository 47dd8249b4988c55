"""Security headers on every response; LTI pages may be framed by their platform only."""

from flask import Flask, g, request

# Pages behind the tool's own sign-in: never framed, never cached, even on an error.
OWN_SIGN_IN_AREAS = ("/admin", "/account", "/tutor/")


def _frame_ancestors() -> str:
    origins = getattr(g, "frame_origins", None)
    if origins:
        return " ".join(origins)
    # Error pages before we know the platform carry no data and no actions, so any LMS may
    # frame them: otherwise the person would see a blank frame instead of the advice.
    if getattr(g, "frame_anywhere", False):
        return "*"
    return "'none'"


def add_security_headers(response):
    """Set CSP, framing, referrer and transport headers."""
    frame_src = getattr(g, "frame_src", None)  # the sandbox LMS frames the tool
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"object-src 'none'; base-uri 'none'; frame-ancestors {_frame_ancestors()}"
        + (f"; frame-src 'self' {frame_src}" if frame_src else "")
    )
    if _frame_ancestors() == "'none'":
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    private = request.path.startswith(("/lti/", *OWN_SIGN_IN_AREAS))
    if getattr(g, "launch", None) is not None or private:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(add_security_headers)
