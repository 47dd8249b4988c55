"""Error pages that say what to do; a 500 is always a bug."""

import logging

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException

from ..error_text import describe_with_traceback
from ..lms.errors import LaunchRefused
from .access import CourseMissing, LaunchMissing
from .headers import OWN_SIGN_IN_AREAS

log = logging.getLogger(__name__)


def _launch_refused(error: LaunchRefused):
    g.frame_anywhere = True
    return render_template("errors/launch.html", error=error), error.status


def _launch_missing(_error: LaunchMissing):
    g.frame_anywhere = True
    return render_template("errors/launch_missing.html"), 401


def _course_missing(_error: CourseMissing):
    return render_template("lti/no_course.html"), 200


def _http_error(error: HTTPException):
    g.frame_anywhere = not request.path.startswith(OWN_SIGN_IN_AREAS)
    if error.code == 413:
        log.info("request refused: too_large path=%s", request.path)
    return render_template("errors/http.html", error=error), error.code


def _unexpected(error: Exception):
    log.error("unhandled error on %s: %s", request.path, describe_with_traceback(error))
    g.frame_anywhere = not request.path.startswith(OWN_SIGN_IN_AREAS)
    return render_template("errors/http.html", error=None), 500


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(LaunchRefused, _launch_refused)
    app.register_error_handler(LaunchMissing, _launch_missing)
    app.register_error_handler(CourseMissing, _course_missing)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
