"""The service admin manages tutors and their subjects, the subject catalog, and reports."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.models import Account, SessionReport, Subject, TranscriptRead
from lti_tool.queries.tutoring import active_subjects, tutor_queue
from lti_tool.services.accounts import create_account
from lti_tool.services.chat import ChatLimits, post_message
from lti_tool.services.help_requests import HelpRequest, request_help
from lti_tool.services.tutor_sessions import accept_session, end_session, report_session
from tests.admin_session import post_form, sign_in
from tests.platform_fixture import TOOL
from tests.tutoring_factories import PASSWORD, make_school, make_subject, make_tutor, sender

ADMIN = ("admin@example.edu", "admin-password-1")
LIMITS = ChatLimits(max_chars=2000, rate_count=1000, rate_seconds=5)


@pytest.fixture
def admin_client(app):
    create_account(ADMIN[0], "Admin", ADMIN[1], is_admin=True)
    client = app.test_client()
    assert sign_in(client, *ADMIN).status_code == 302
    return client


@pytest.fixture
def catalog(app):
    return {name: make_subject(name) for name in ("Algebra", "Calculus", "Statistics")}


def _tutor(email: str) -> Account | None:
    return db.session.execute(db.select(Account).filter_by(email=email)).scalar_one_or_none()


def add_tutor(client, **fields):
    data = {"name": "Ritika Chandra", "email": "ritika@tutors.example",
            "password": "a-long-password", **fields}
    return post_form(client, "/admin/tutors", data, from_page="/admin/tutors")


def test_admin_adds_a_tutor_who_signs_in_and_sees_their_subjects_queue(app, admin_client,
                                                                       catalog):
    response = add_tutor(admin_client, subject=[catalog["Algebra"].id, catalog["Statistics"].id])
    assert response.status_code == 302
    page = admin_client.get("/admin/tutors", base_url=TOOL)
    assert "Ritika Chandra" in page.text and "ritika@tutors.example" in page.text
    assert "Algebra, Statistics" in page.text
    tutor_client = app.test_client()
    signed_in = sign_in(tutor_client, "ritika@tutors.example", "a-long-password")
    assert signed_in.headers["Location"].endswith("/tutor/")
    school = make_school(students=1)
    request_help(school.course, school.students[0],
                 HelpRequest(catalog["Statistics"].id, None, "", "What is a z-score?", ""),
                 test_user=False, now=utcnow())
    assert [e.question for e in tutor_queue(_tutor("ritika@tutors.example").id)] == [
        "What is a z-score?"]


@pytest.mark.parametrize("fields, message", [
    ({"password": "short"}, "at least 10 characters"),
    ({"email": "not-an-email"}, "email address"),
    ({"name": "  "}, "tutor&#39;s name"),
    ({"subject": ["99999"]}, "Choose subjects from the catalog"),
])
def test_bad_tutor_form_is_shown_again_with_the_problem(admin_client, catalog, fields, message):
    response = add_tutor(admin_client, **fields)
    assert response.status_code == 400 and message in response.text
    assert 'role="alert"' in response.text
    assert _tutor("ritika@tutors.example") is None


def test_second_tutor_with_the_same_email_is_refused(admin_client, catalog):
    add_tutor(admin_client)
    response = add_tutor(admin_client, email="RITIKA@tutors.example", name="Someone Else")
    assert response.status_code == 400 and "already exists" in response.text
    assert 'value="Someone Else"' in response.text  # what was typed is kept, but no password
    assert "a-long-password" not in response.text


def test_admin_changes_a_tutors_subjects(admin_client, catalog):
    tutor = make_tutor("joanetta@tutors.example", catalog["Algebra"])
    post_form(admin_client, f"/admin/tutors/{tutor.id}/subjects",
              {"subject": [catalog["Calculus"].id, catalog["Statistics"].id]},
              from_page="/admin/tutors")
    page = admin_client.get("/admin/tutors", base_url=TOOL)
    assert "Calculus, Statistics" in page.text and "Algebra, " not in page.text


def test_disabled_tutor_is_unavailable_and_cannot_sign_in_until_enabled(app, admin_client):
    tutor = make_tutor("joanetta@tutors.example")
    tutor.available = True
    db.session.commit()
    tutor_client = app.test_client()
    sign_in(tutor_client, tutor.email, PASSWORD)
    post_form(admin_client, f"/admin/tutors/{tutor.id}/active", {"active": "0"},
              from_page="/admin/tutors")
    db.session.refresh(tutor)
    assert (tutor.active, tutor.available) == (False, False)
    assert tutor_client.get("/tutor/", base_url=TOOL).status_code == 302  # signed out
    assert sign_in(app.test_client(), tutor.email, PASSWORD).status_code == 401
    assert "Disabled" in admin_client.get("/admin/tutors", base_url=TOOL).text
    post_form(admin_client, f"/admin/tutors/{tutor.id}/active", {"active": "1"},
              from_page="/admin/tutors")
    assert sign_in(app.test_client(), tutor.email, PASSWORD).status_code == 302


def test_admin_adds_renames_retires_and_restores_a_subject(admin_client):
    post_form(admin_client, "/admin/subjects", {"name": "  Organic   chemistry "},
              from_page="/admin/subjects")
    subject = db.session.execute(db.select(Subject)).scalar_one()
    assert subject.name == "Organic chemistry"
    post_form(admin_client, f"/admin/subjects/{subject.id}/name", {"name": "Chemistry"},
              from_page="/admin/subjects")
    post_form(admin_client, f"/admin/subjects/{subject.id}/retired", {"retired": "1"},
              from_page="/admin/subjects")
    assert active_subjects() == []
    page = admin_client.get("/admin/subjects", base_url=TOOL)
    assert "Chemistry" in page.text and "Retired" in page.text and "Restore" in page.text
    post_form(admin_client, f"/admin/subjects/{subject.id}/retired", {"retired": "0"},
              from_page="/admin/subjects")
    db.session.expire_all()  # the pages changed the row in their own sessions
    assert [s.name for s in active_subjects()] == ["Chemistry"]


@pytest.mark.parametrize("name, message", [
    ("", "Give the subject a name"),
    ("x" * 101, "limited to 100 characters"),
    ("algebra", "already has Algebra"),
])
def test_bad_subject_name_is_shown_again_with_the_problem(admin_client, catalog, name, message):
    response = post_form(admin_client, "/admin/subjects", {"name": name},
                         from_page="/admin/subjects")
    assert response.status_code == 400 and message in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Subject)) == 3


def test_renaming_onto_another_subject_is_refused(admin_client, catalog):
    response = post_form(admin_client, f"/admin/subjects/{catalog['Calculus'].id}/name",
                         {"name": "STATISTICS"}, from_page="/admin/subjects")
    assert response.status_code == 400 and "already has Statistics" in response.text
    db.session.refresh(catalog["Calculus"])
    assert catalog["Calculus"].name == "Calculus"


@pytest.mark.parametrize("path", [
    "/admin/tutors/999/subjects", "/admin/tutors/999/active", "/admin/subjects/999/name",
    "/admin/subjects/999/retired", "/admin/reports/999/resolve",
])
def test_unknown_ids_are_not_found(admin_client, path):
    assert post_form(admin_client, path, {"name": "X"}).status_code == 404


def test_unknown_report_page_is_not_found(admin_client):
    assert admin_client.get("/admin/reports/999", base_url=TOOL).status_code == 404


def reported(school, tutor, subject, student: int, reason: str, body: str, now):
    """Run a session through the real use cases and report it."""
    session = request_help(school.course, school.students[student],
                           HelpRequest(subject.id, None, "", "Help with elimination", ""),
                           test_user=False, now=now)
    accept_session(session.id, tutor, now)
    post_message(session.id, sender(session, "student", "Student0"), body, "k1", LIMITS,
                 now + timedelta(minutes=4, seconds=43))
    post_message(session.id, sender(session, "tutor", "Joanetta L."), "Let's use elimination.",
                 "k2", LIMITS,
                 now + timedelta(minutes=5))
    end_session(session, "tutor", now + timedelta(minutes=20))
    report_session(session, "student", reason, now + timedelta(minutes=21))
    return session


def test_reports_are_listed_open_first_with_their_transcript_and_can_be_resolved(
        admin_client, catalog):
    school = make_school(students=2)
    tutor = make_tutor("joanetta@tutors.example", catalog["Algebra"])
    other = make_tutor("ralph@tutors.example", catalog["Algebra"], name="Ralph Nguyen")
    now = utcnow() - timedelta(hours=3)
    reported(school, other, catalog["Algebra"], 0, "Older report", "what method??", now)
    reported(school, tutor, catalog["Algebra"], 1, "Newer report",
             "<script>alert(1)</script>\nsecond line", now + timedelta(hours=1))
    older, newer = db.session.execute(
        db.select(SessionReport).order_by(SessionReport.id)).scalars().all()

    listing = admin_client.get("/admin/reports", base_url=TOOL).text
    assert listing.index("Newer report") < listing.index("Older report")
    assert "MATH 101" in listing and "Joanetta Lewis" in listing and "Algebra" in listing

    page = admin_client.get(f"/admin/reports/{newer.id}", base_url=TOOL)
    assert "[00:04:43] Student0 (Student)" in page.text
    assert "[00:05:00] Joanetta L. (Tutor)" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\nsecond line" in page.text
    assert "<script>alert" not in page.text

    post_form(admin_client, f"/admin/reports/{newer.id}/resolve", {},
              from_page=f"/admin/reports/{newer.id}")
    db.session.refresh(newer)
    assert newer.resolved_at is not None and newer.resolved_by is not None
    listing = admin_client.get("/admin/reports", base_url=TOOL).text
    assert listing.index("Older report") < listing.index("Newer report")
    assert "Resolved (1)" in listing and "Open (1)" in listing


@pytest.mark.parametrize("path", ["/admin/tutors", "/admin/subjects", "/admin/reports",
                                  "/admin/transcript-reads"])
def test_tutors_and_strangers_cannot_open_the_admin_pages(app, client, path):
    assert client.get(path, base_url=TOOL).status_code == 302
    tutor = make_tutor("joanetta@tutors.example")
    tutor_client = app.test_client()
    sign_in(tutor_client, tutor.email, PASSWORD)
    assert tutor_client.get(path, base_url=TOOL).status_code == 403


def test_admin_nav_links_to_the_tutoring_pages(admin_client):
    page = admin_client.get("/admin/", base_url=TOOL).text
    for path in ("/admin/tutors", "/admin/subjects", "/admin/reports"):
        assert f'href="{path}"' in page


def test_reads_of_a_students_transcript_by_tutors_and_admins_are_recorded(app, admin_client,
                                                                          catalog):
    school = make_school(students=1)
    tutor = make_tutor("joanetta@tutors.example", catalog["Algebra"])
    reported(school, tutor, catalog["Algebra"], 0, "Rude", "hello", utcnow())
    report = db.session.execute(db.select(SessionReport)).scalar_one()
    assert "Nobody has read" in admin_client.get("/admin/transcript-reads", base_url=TOOL).text

    tutor_client = app.test_client()
    sign_in(tutor_client, tutor.email, PASSWORD)
    assert tutor_client.get(f"/tutor/sessions/{report.session_id}",
                            base_url=TOOL).status_code == 200
    admin_client.get(f"/admin/reports/{report.id}", base_url=TOOL)

    reads = db.session.execute(
        db.select(TranscriptRead).order_by(TranscriptRead.id)).scalars().all()
    assert [(r.reader_role, r.account_id, r.session_id, r.student_id, r.course_id)
            for r in reads] == [
        ("tutor", tutor.id, report.session_id, school.students[0].id, school.course.id),
        ("admin", _tutor(ADMIN[0]).id, report.session_id, school.students[0].id,
         school.course.id)]
    log = admin_client.get("/admin/transcript-reads", base_url=TOOL).text
    assert log.index("<td>Admin</td>") < log.index("<td>Tutor</td>")  # newest first
    assert "Joanetta Lewis" in log and "MATH 101" in log


@pytest.mark.parametrize("change", ["UPDATE transcript_reads SET reader_role = 'student'",
                                    "DELETE FROM transcript_reads"])
def test_postgresql_refuses_to_change_or_remove_a_recorded_read(app, admin_client, catalog,
                                                                 change):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the production database keeps the record append-only; SQLite is for "
                    "development")
    school = make_school(students=1)
    tutor = make_tutor("joanetta@tutors.example", catalog["Algebra"])
    reported(school, tutor, catalog["Algebra"], 0, "Rude", "hello", utcnow())
    report = db.session.execute(db.select(SessionReport)).scalar_one()
    admin_client.get(f"/admin/reports/{report.id}", base_url=TOOL)

    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text(change))
    assert db.session.execute(db.select(TranscriptRead.reader_role)).scalars().all() == ["admin"]
