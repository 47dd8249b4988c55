"""The service admin's console: platforms and deployments, parked jobs."""

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..clock import utcnow
from ..services import jobs, platforms
from .access import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger(__name__)


@bp.get("/login")
def login():
    # Admins and tutors share one sign-in page; old bookmarks still find it.
    return redirect(url_for("account.login"), 301)


@bp.get("/")
@admin_required
def home():
    return render_template("admin/platforms.html", platforms=platforms.list_platforms())


@bp.post("/platforms/<int:platform_id>/enabled")
@admin_required
def set_platform_enabled(platform_id: int):
    try:
        platforms.set_platform_enabled(platform_id, request.form.get("enabled") == "1")
    except platforms.PlatformError:
        abort(404)
    return redirect(url_for("admin.home"))


@bp.post("/deployments/<int:deployment_pk>/status")
@admin_required
def set_deployment_status(deployment_pk: int):
    try:
        platforms.set_deployment_status(deployment_pk, request.form.get("status", ""))
    except platforms.PlatformError as exc:
        flash(str(exc))
        return redirect(url_for("admin.home")), 400
    return redirect(url_for("admin.home"))


@bp.get("/jobs")
@admin_required
def parked_jobs():
    return render_template("admin/jobs.html", jobs=jobs.parked_jobs())


@bp.post("/jobs/<int:job_id>/retry")
@admin_required
def retry_job(job_id: int):
    try:
        jobs.retry_parked(job_id, utcnow())
    except LookupError as exc:
        flash(str(exc))
    return redirect(url_for("admin.parked_jobs"))


# The tutoring pages register their routes on this blueprint.
from . import admin_tutoring  # noqa: E402, F401
