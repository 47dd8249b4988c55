"""Every tutoring, tutor, admin, account and portal route × every kind of visitor.

Each visitor has their own browser: LTI visitors carry their launch context, tutors and
admins their sign-in. A request is "allowed" when it is not refused by access control; what
an allowed request then does is tested elsewhere.
"""

import re
from dataclasses import replace

import pytest
from flask import current_app

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.launch_context import issue, read
from lti_tool.models import Course, Job, LmsUser, SessionReport
from lti_tool.services.accounts import create_account
from lti_tool.services.help_requests import HelpRequest, request_help
from lti_tool.services.tutor_sessions import accept_session
from tests.admin_session import sign_in
from tests.platform_fixture import TOOL
from tests.tutoring_factories import PASSWORD, make_subject, make_tutor

VISITORS = ["anonymous", "student", "student_other_course", "instructor", "tutor",
            "other_tutor", "admin"]
LTI_VISITORS = {"student", "student_other_course", "instructor"}
OK, LOGIN = "allowed", "sign-in"

# Sign-in steps are open to everyone by design; they are tested in test_sign_in.py.
PUBLIC_SIGN_IN = {"account.login", "account.login_code", "account.logout"}
SESSION_ROUTES = {"cancel", "end", "past_session", "rate", "report", "send_message",
                  "session_page", "updates", "diagnosis", "session_updates"}


def expected(endpoint: str, visitor: str, method: str) -> str | int:
    area, name = endpoint.split(".")
    if endpoint in ("tutoring.privacy", "admin.login"):
        return OK
    if area == "tutoring":
        if visitor == "student" or (visitor == "student_other_course"
                                    and name not in SESSION_ROUTES):
            return OK
        return {"student_other_course": 404, "instructor": 403}.get(visitor, 401)
    if area == "portal":
        return {"instructor": OK, "student": 403, "student_other_course": 403}.get(visitor, 401)
    if area == "tutor":
        if visitor == "other_tutor":
            return 404 if name in SESSION_ROUTES else OK
        return {"tutor": OK, "admin": 403}.get(visitor, LOGIN)
    if area == "admin":
        return {"admin": OK, "tutor": 403, "other_tutor": 403}.get(visitor, LOGIN)
    if endpoint == "account.two_factor":
        if visitor == "admin" and method == "POST":
            return 403  # admins cannot turn their second factor off
        return OK if visitor in ("tutor", "other_tutor", "admin") else LOGIN
    raise AssertionError(f"no expectation for {endpoint}")


def outcome(response) -> str | int:
    assert response.status_code < 500, f"{response.request.path} answered {response.status_code}"
    location = response.headers.get("Location", "")
    if response.status_code == 302 and "/account/login" in location:
        return LOGIN
    if response.status_code == 401 and "/account/login" in response.text:
        return LOGIN  # a script's request gets 401, with a sign-in link for a person
    if response.status_code in (401, 403, 404):
        return response.status_code
    return OK


@pytest.fixture
def world(app, lms):
    """A course with an active session (student-01 and a tutor), a waiting request, a report,
    a parked job, and a second course of the same LMS."""
    secret = app.config["SECRET_KEY"]
    tokens = {who: lms.land(lms.launch(user))[1] for who, user in
              [("student", "student-01"), ("instructor", "instructor-1"),
               ("waiting", "student-03"), ("other", "student-02")]}
    course = db.session.execute(db.select(Course)).scalar_one()
    other_course = Course(platform_id=course.platform_id, deployment_id=course.deployment_id,
                          context_id="another-course", title="BIO 200")
    db.session.add(other_course)
    db.session.commit()
    other = read(tokens["other"], secret, utcnow())
    tokens["student_other_course"] = issue(replace(other, course_id=other_course.id), secret,
                                           utcnow(), 600)
    subject = make_subject("Algebra")
    tutor = make_tutor("tutor@x.test", subject)
    make_tutor("other@x.test", subject, name="Ralph Nguyen")
    create_account("admin@x.test", "Admin", "admin-password-1", is_admin=True)

    def ask(token):
        context = read(token, secret, utcnow())
        return request_help(course, db.session.get(LmsUser, context.user_id),
                            HelpRequest(subject.id, None, "", "How do I factor?", ""),
                            test_user=False, now=utcnow())

    active = accept_session(ask(tokens["student"]).id, tutor, utcnow())
    waiting = ask(tokens["waiting"])
    report = SessionReport(session_id=active.id, reporter_role="student", reason="rude")
    job = Job(kind="x", status="parked")
    db.session.add_all([report, job])
    db.session.commit()
    ids = {"session_id": active.id, "report_id": report.id, "job_id": job.id,
           "platform_id": course.platform_id, "deployment_pk": course.deployment_id,
           "subject_id": subject.id, "account_id": tutor.id}
    return {"tokens": tokens, "ids": ids, "waiting_id": waiting.id}


def browser_for(app, world, visitor):
    client = app.test_client()
    if visitor == "tutor":
        assert sign_in(client, "tutor@x.test", PASSWORD).status_code == 302
    elif visitor == "other_tutor":
        assert sign_in(client, "other@x.test", PASSWORD).status_code == 302
    elif visitor == "admin":
        assert sign_in(client, "admin@x.test", "admin-password-1").status_code == 302
    page = client.get("/account/login", base_url=TOOL)
    if page.status_code == 302:  # signed in: take the token from the account's home page
        page = client.get(page.headers["Location"], base_url=TOOL)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    headers = {"Referer": TOOL + "/", "X-CSRFToken": found.group(1) if found else ""}
    if visitor in LTI_VISITORS:
        headers["X-Launch-Token"] = world["tokens"][visitor]
    return client, headers


def routes():
    """Every route of the areas behind access control, with the methods it answers."""
    for rule in current_app.url_map.iter_rules():
        area = rule.endpoint.split(".")[0]
        if area in ("tutoring", "tutor", "admin", "account", "portal") \
                and rule.endpoint not in PUBLIC_SIGN_IN:
            yield rule, sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_route_admits_exactly_its_audience(app, world, visitor):
    client, headers = browser_for(app, world, visitor)
    wrong = []
    for rule, methods in routes():
        values = {**world["ids"]}
        if rule.endpoint == "tutor.accept":
            values["session_id"] = world["waiting_id"]
        path = _path(rule, values)
        for method in methods:
            response = client.open(path, method=method, headers=headers, base_url=TOOL)
            got, want = outcome(response), expected(rule.endpoint, visitor, method)
            if got != want:
                wrong.append(f"{method} {path} ({rule.endpoint}): {got}, expected {want}")
    assert not wrong, "\n".join(wrong)


def _path(rule, values: dict) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(\w+:)?{name}>", str(values[name]), path)
    return path


def test_the_matrix_covers_every_route(app):
    for rule, methods in routes():
        for visitor in VISITORS:
            for method in methods:
                expected(rule.endpoint, visitor, method)  # raises for a route nobody planned
