"""A student and an instructor launch the tool through the full LTI 1.3 flow."""

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.launch_context import read
from lti_tool.models import Course, LmsUser, Membership, ResourceLink, Topic


def test_student_launch_lands_in_tutoring_with_course_and_name(lms):
    landing, _ = lms.land(lms.launch("student-01"))
    assert landing.status_code == 200
    assert "Tutoring" in landing.text
    assert "MATH 101: College Algebra" in landing.text
    assert "Ava Adams" in landing.text


def test_instructor_launch_lands_in_portal(lms):
    landing, _ = lms.land(lms.launch("instructor-1"))
    assert landing.status_code == 200
    assert "Client Portal" in landing.text
    assert "Rachel Moreno" in landing.text


def test_launch_records_user_course_membership_link_and_service_endpoints(lms):
    lms.launch("student-02")
    user = db.session.execute(db.select(LmsUser).filter_by(sub="student-02")).scalar_one()
    course = db.session.execute(db.select(Course)).scalar_one()
    membership = db.session.execute(db.select(Membership)).scalar_one()
    link = db.session.execute(db.select(ResourceLink)).scalar_one()
    # A student's address is not kept: only instructors and TAs receive mail (alerts).
    assert (user.name, user.email, user.timezone) == ("Ben Baker", None, "America/New_York")
    assert course.context_id == "demo-course-101"
    assert course.nrps_url == lms.platform.memberships_url
    assert course.ags_lineitems_url == lms.platform.lineitems_url
    assert membership.user_id == user.id and membership.course_id == course.id
    assert link.link_id == "course-nav" and link.return_url == "https://lms.test/"


def test_instructor_launch_keeps_the_address_alerts_go_to(lms):
    lms.launch("instructor-2")
    user = db.session.execute(db.select(LmsUser).filter_by(sub="instructor-2")).scalar_one()
    assert user.email == "tom.okoye@demo.example"


def test_a_topic_link_carries_its_topic_into_the_launch_context(lms, app):
    lms.launch("student-01")
    course = db.session.execute(db.select(Course)).scalar_one()
    topic = Topic(course_id=course.id, name="Linear equations")
    retired = Topic(course_id=course.id, name="Old topic", retired=True)
    db.session.add_all([topic, retired])
    db.session.commit()

    def topic_of(custom):
        _, token = lms.land(lms.launch("student-01", custom=custom))
        return read(token, app.config["SECRET_KEY"], utcnow()).topic_id

    assert topic_of({"topic_id": str(topic.id)}) == topic.id
    assert topic_of({"topic_id": str(retired.id)}) is None
    assert topic_of({"topic_id": "99999"}) is None
    assert topic_of({"topic_id": "<x>"}) is None
