"""The service admin's tutoring pages: tutors and their subjects, the catalog, reports, and
the record of who read students' transcripts."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..clock import utcnow
from ..domain.ids import parse_id
from ..queries.transcript_reads import SHOWN, recent_transcript_reads
from ..services import session_reports, subjects, tutors
from ..services.record_reads import record_transcript_read
from .access import admin_required
from .admin import bp


def _ids(name: str) -> list[int]:
    return [i for i in map(parse_id, request.form.getlist(name)) if i is not None]


def _tutors_page(values=None, errors=None, status=200):
    return render_template("admin/tutors.html", tutors=tutors.list_tutors(),
                           subjects=subjects.list_subjects(), values=values or {},
                           errors=errors or {}), status


@bp.get("/tutors")
@admin_required
def tutor_list():
    return _tutors_page()


@bp.post("/tutors")
@admin_required
def add_tutor():
    form = request.form
    try:
        tutors.create_tutor(form.get("email", ""), form.get("name", ""),
                            form.get("password", ""), _ids("subject"))
    except tutors.TutorError as exc:
        values = {"email": form.get("email", ""), "name": form.get("name", ""),
                  "subject": _ids("subject")}
        return _tutors_page(values, {exc.field: str(exc)}, 400)
    return redirect(url_for("admin.tutor_list"))


@bp.post("/tutors/<int:account_id>/subjects")
@admin_required
def set_tutor_subjects(account_id: int):
    try:
        tutors.set_tutor_subjects(account_id, _ids("subject"))
    except tutors.TutorNotFound:
        abort(404)
    except tutors.TutorError as exc:
        return _tutors_page(errors={f"subjects-{account_id}": str(exc)}, status=400)
    return redirect(url_for("admin.tutor_list"))


@bp.post("/tutors/<int:account_id>/active")
@admin_required
def set_tutor_active(account_id: int):
    try:
        tutors.set_tutor_active(account_id, request.form.get("active") == "1")
    except tutors.TutorNotFound:
        abort(404)
    return redirect(url_for("admin.tutor_list"))


def _subjects_page(values=None, errors=None, status=200):
    return render_template("admin/subjects.html", subjects=subjects.list_subjects(),
                           values=values or {}, errors=errors or {}), status


@bp.get("/subjects")
@admin_required
def subject_list():
    return _subjects_page()


@bp.post("/subjects")
@admin_required
def add_subject():
    name = request.form.get("name", "")
    try:
        subjects.add_subject(name)
    except subjects.SubjectError as exc:
        return _subjects_page({"name": name}, {"name": str(exc)}, 400)
    return redirect(url_for("admin.subject_list"))


@bp.post("/subjects/<int:subject_id>/name")
@admin_required
def rename_subject(subject_id: int):
    name = request.form.get("name", "")
    try:
        subjects.rename_subject(subject_id, name)
    except subjects.SubjectNotFound:
        abort(404)
    except subjects.SubjectError as exc:
        key = f"name-{subject_id}"
        return _subjects_page({key: name}, {key: str(exc)}, 400)
    return redirect(url_for("admin.subject_list"))


@bp.post("/subjects/<int:subject_id>/retired")
@admin_required
def set_subject_retired(subject_id: int):
    try:
        subjects.set_subject_retired(subject_id, request.form.get("retired") == "1")
    except subjects.SubjectNotFound:
        abort(404)
    return redirect(url_for("admin.subject_list"))


@bp.get("/reports")
@admin_required
def report_list():
    return render_template("admin/reports.html", reports=session_reports.list_reports())


@bp.get("/reports/<int:report_id>")
@admin_required
def report(report_id: int):
    try:
        detail = session_reports.report_detail(report_id)
    except session_reports.ReportNotFound:
        abort(404)
    record_transcript_read(detail.report.session, current_user, "admin", utcnow())
    return render_template("admin/report.html", detail=detail)


@bp.get("/transcript-reads")
@admin_required
def transcript_reads():
    return render_template("admin/transcript_reads.html", reads=recent_transcript_reads(),
                           shown=SHOWN)


@bp.post("/reports/<int:report_id>/resolve")
@admin_required
def resolve_report(report_id: int):
    try:
        session_reports.resolve_report(report_id, current_user, utcnow())
    except session_reports.ReportNotFound:
        abort(404)
    return redirect(url_for("admin.report", report_id=report_id))
