"""The course's topic list at /portal/topics/manage: add, rename, merge, retire, restore, what
each audience sees, and where retired topics stop being offered."""

import re
from html import unescape

import pytest

from lti_tool.extensions import db
from lti_tool.models import Course, Diagnosis, LmsUser, Subject, Topic, TutoringSession
from tests.platform_fixture import TOOL
from tests.tutoring_factories import ask, fresh, make_student, make_tutor, sign_in_tutor

PAGE = "/portal/topics/manage"


@pytest.fixture
def instructor(lms) -> str:
    return lms.land(lms.launch("instructor-1"))[1]


@pytest.fixture
def course(instructor) -> Course:
    return db.session.execute(db.select(Course)).scalar_one()


def manage(client, token, **form):
    return client.post(PAGE, data={"launch_token": token, **form}, base_url=TOOL)


def topic(course: Course, name: str, **values) -> Topic:
    row = Topic(course_id=course.id, name=name, **values)
    db.session.add(row)
    db.session.commit()
    return row


def row_of(html: str, name: str) -> list[str]:
    """Return the cells of the topic's row in the list, as the person reads them."""
    found = re.search(rf'<th scope="row">{re.escape(name)}</th>(.*?)</tr>', html, re.S)
    assert found, f"no row for {name}"
    cells = re.findall(r"<td>(.*?)</td>", found.group(1), re.S)
    return [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells if "<form" not in c]


def ended_session(course: Course, topic_row: Topic | None, student: LmsUser,
                  subject: Subject, *, diagnosed_by=None, test_user=False) -> TutoringSession:
    session = TutoringSession(platform_id=course.platform_id, course_id=course.id,
                              student_id=student.id, subject_id=subject.id,
                              topic_id=topic_row.id if topic_row else None, question="Help",
                              status="ended", is_test_user=test_user)
    db.session.add(session)
    db.session.flush()
    if diagnosed_by is not None:
        db.session.add(Diagnosis(session_id=session.id, tutor_id=diagnosed_by.id, barrier="none",
                                 learning_goal="Goal", prerequisite="adequate",
                                 mastery="demonstrated", topic_id=session.topic_id))
    db.session.commit()
    return session


def test_the_list_shows_each_topic_with_its_subject_source_column_and_status(
        client, instructor, course, algebra):
    kept = topic(course, "Quadratics", subject_id=algebra.id, source="placement",
                 lineitem_url="https://lms.test/li/7")
    topic(course, "Graphs", source="lineitem")
    topic(course, "Old notes", retired=True)
    topic(course, "Quadratic eqs", retired=True, merged_into_id=kept.id)
    student = make_student(course, "Priya")
    for _ in range(2):
        ended_session(course, kept, student, algebra)
    ended_session(course, kept, student, algebra, test_user=True)  # left out, as in reports
    page = manage(client, instructor)
    assert page.status_code == 200 and "<h1>Course topics</h1>" in page.text
    assert row_of(page.text, "Quadratics") == ["Algebra", "Placed as a link", "Yes", "Active",
                                               "2"]
    assert row_of(page.text, "Graphs") == ["None", "From the gradebook", "No", "Active", "0"]
    assert row_of(page.text, "Old notes")[3] == "Retired"
    assert row_of(page.text, "Quadratic eqs")[3] == "Merged into Quadratics"
    assert page.text.index("Graphs") < page.text.index("Old notes")  # active ones first


def test_a_course_designer_manages_topics_but_sees_no_session_counts(lms, client, course,
                                                                     algebra):
    quadratics = topic(course, "Quadratics")
    ended_session(course, quadratics, make_student(course, "Priya"), algebra)
    designer = lms.land(lms.launch("designer-1"))[1]
    page = manage(client, designer)
    assert page.status_code == 200 and "Sessions" not in page.text
    assert row_of(page.text, "Quadratics") == ["None", "Added here", "No", "Active"]
    assert manage(client, designer, action="add", name="Graphs").status_code == 200
    student = lms.land(lms.launch("student-01"))[1]
    assert manage(client, student).status_code == 403


def test_adding_a_topic_trims_its_name_and_keeps_an_optional_subject(client, instructor,
                                                                      course, algebra):
    page = manage(client, instructor, action="add", name="  Systems  of equations ",
                  subject_id=str(algebra.id))
    assert page.status_code == 200 and "Added Systems of equations." in page.text
    added = db.session.execute(db.select(Topic)).scalar_one()
    assert (added.name, added.subject_id, added.source, added.course_id) == (
        "Systems of equations", algebra.id, "instructor", course.id)
    assert manage(client, instructor, action="add", name="Graphs").status_code == 200


@pytest.mark.parametrize(
    ("form", "status", "words"),
    [
        ({"action": "add", "name": " "}, 400, "Give the topic a name."),
        ({"action": "add", "name": "y" * 201}, 400, "limited to 200 characters"),
        ({"action": "add", "name": "quadratics"}, 409, "already has the topic Quadratics"),
        ({"action": "add", "name": "OLD NOTES"}, 409, "Old notes (retired: restore it instead)"),
        ({"action": "add", "name": "Graphs", "subject_id": "retired"}, 400,
         "Choose a subject from the catalog"),
        ({"action": "rename", "topic_id": "quadratics", "name": "old notes"}, 409,
         "already has the topic Old notes"),
        ({"action": "rename", "topic_id": "999999", "name": "Graphs"}, 404,
         "not one of this course"),
        ({"action": "rename", "topic_id": "theirs", "name": "Graphs"}, 404,
         "not one of this course"),
        ({"action": "merge", "topic_id": "quadratics", "into_id": "quadratics"}, 400,
         "Choose another topic to merge into."),
        ({"action": "merge", "topic_id": "quadratics", "into_id": "old"}, 409,
         "Old notes is retired"),
        ({"action": "merge", "topic_id": "quadratics", "into_id": "theirs"}, 404,
         "not one of this course"),
        ({"action": "retire", "topic_id": "theirs"}, 404, "not one of this course"),
        ({"action": "explode", "topic_id": "quadratics"}, 400, "Choose what to do"),
        ({"action": "retire", "topic_id": "²"}, 404, "not one of this course"),
        ({"action": "retire", "topic_id": "9" * 30}, 404, "not one of this course"),
    ],
    ids=["blank", "too-long", "taken-any-case", "taken-by-retired", "retired-subject",
         "rename-taken", "rename-unknown", "rename-other-course", "merge-itself",
         "merge-into-retired", "merge-across-courses", "retire-other-course",
         "unknown-action", "superscript-digit", "huge-id"],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(client, instructor, course, form,
                                                           status, words):
    retired_subject = Subject(name="Latin", retired=True)
    other = Course(platform_id=course.platform_id, deployment_id=course.deployment_id,
                   context_id="another-course")
    db.session.add_all([retired_subject, other])
    db.session.commit()
    ids = {"quadratics": topic(course, "Quadratics").id,
           "old": topic(course, "Old notes", retired=True).id,
           "theirs": topic(other, "Theirs").id, "retired": retired_subject.id}
    before = [(t.id, t.name, t.retired, t.merged_into_id) for t in
              db.session.execute(db.select(Topic).order_by(Topic.id)).scalars()]
    form = {k: str(ids[v]) if k.endswith("_id") and v in ids else v for k, v in form.items()}
    page = manage(client, instructor, **form)
    assert page.status_code == status and words in unescape(page.text)
    assert "The topics were not changed" in page.text
    db.session.expire_all()
    assert before == [(t.id, t.name, t.retired, t.merged_into_id) for t in
                      db.session.execute(db.select(Topic).order_by(Topic.id)).scalars()]


def test_renaming_keeps_the_sessions_and_may_change_only_the_case(client, instructor, course,
                                                                  algebra):
    quadratics = topic(course, "quadratics")
    session = ended_session(course, quadratics, make_student(course, "Priya"), algebra)
    page = manage(client, instructor, action="rename", topic_id=str(quadratics.id),
                  name="Quadratics")
    assert page.status_code == 200 and "Renamed to Quadratics." in page.text
    page = manage(client, instructor, action="rename", topic_id=str(quadratics.id),
                  name="Quadratic functions")
    assert row_of(page.text, "Quadratic functions")[-1] == "1"
    assert fresh(TutoringSession, session.id).topic_id == quadratics.id


def test_merging_moves_every_session_and_diagnosis_and_retires_the_merged_topic(
        client, instructor, course, algebra):
    tutor = make_tutor("sam@tutors.example", algebra)
    student = make_student(course, "Priya")
    spelled, kept, other = (topic(course, "Quadratic eqs", lineitem_url="https://lms.test/li/3"),
                            topic(course, "Quadratics"), topic(course, "Graphs"))
    earlier = topic(course, "Quads", retired=True, merged_into_id=spelled.id)
    moved = [ended_session(course, spelled, student, algebra, diagnosed_by=tutor)
             for _ in range(2)]
    untouched = ended_session(course, other, student, algebra, diagnosed_by=tutor)
    page = manage(client, instructor, action="merge", topic_id=str(spelled.id),
                  into_id=str(kept.id))
    assert page.status_code == 200
    assert "Merged Quadratic eqs into Quadratics" in unescape(page.text)
    assert row_of(page.text, "Quadratics")[-2:] == ["Active", "2"]
    assert row_of(page.text, "Quadratic eqs")[-2:] == ["Merged into Quadratics", "0"]
    db.session.expire_all()
    for session in moved:
        assert db.session.get(TutoringSession, session.id).topic_id == kept.id
    diagnoses = db.session.execute(db.select(Diagnosis.session_id, Diagnosis.topic_id)).all()
    assert sorted(diagnoses) == sorted([(s.id, kept.id) for s in moved]
                                       + [(untouched.id, other.id)])
    spelled, kept = db.session.get(Topic, spelled.id), db.session.get(Topic, kept.id)
    assert (spelled.retired, spelled.merged_into_id) == (True, kept.id)
    assert db.session.get(Topic, earlier.id).merged_into_id == kept.id
    # The merged topic's gradebook column carries on with the topic its sessions joined.
    assert (kept.lineitem_url, spelled.lineitem_url) == ("https://lms.test/li/3", None)


def test_a_placed_link_of_a_merged_topic_opens_the_topic_it_was_merged_into(
        lms, client, instructor, course, algebra):
    spelled, kept = topic(course, "Quadratic eqs"), topic(course, "Quadratics")
    manage(client, instructor, action="merge", topic_id=str(spelled.id), into_id=str(kept.id))
    landing, _ = lms.land(lms.launch("student-01", link_id="old-link",
                                     custom={"topic_id": str(spelled.id)}))
    assert re.search(rf'<option value="{kept.id}" selected>Quadratics</option>', landing.text)


def test_a_retired_topic_is_offered_neither_to_students_nor_to_tutors_until_restored(
        app, lms, client, instructor, course, algebra):
    topic(course, "Quadratics")
    retired = topic(course, "Old notes")
    page = manage(client, instructor, action="retire", topic_id=str(retired.id))
    assert "Retired Old notes." in page.text and row_of(page.text, "Old notes")[-2] == "Retired"

    student_home = lms.land(lms.launch("student-01"))[0].text
    assert ">Quadratics</option>" in student_home and ">Old notes</option>" not in student_home
    tutor = sign_in_tutor(app, "sam@tutors.example", algebra)
    session = ask(course, make_student(course, "Priya"), algebra)
    tutor.accept(session)
    tutor.post(f"/tutor/sessions/{session.id}/end")
    diagnosis_page = tutor.get(f"/tutor/sessions/{session.id}/diagnosis").text
    assert ">Quadratics</option>" in diagnosis_page
    assert ">Old notes</option>" not in diagnosis_page

    page = manage(client, instructor, action="restore", topic_id=str(retired.id))
    assert "Restored Old notes." in page.text and row_of(page.text, "Old notes")[-2] == "Active"
    assert ">Old notes</option>" in lms.land(lms.launch("student-02"))[0].text
    assert ">Old notes</option>" in tutor.get(f"/tutor/sessions/{session.id}/diagnosis").text


def test_restoring_a_merged_topic_leaves_its_old_sessions_where_they_were_merged(
        client, instructor, course, algebra):
    spelled, kept = topic(course, "Quadratic eqs"), topic(course, "Quadratics")
    session = ended_session(course, spelled, make_student(course, "Priya"), algebra)
    manage(client, instructor, action="merge", topic_id=str(spelled.id), into_id=str(kept.id))
    page = manage(client, instructor, action="restore", topic_id=str(spelled.id))
    assert row_of(page.text, "Quadratic eqs")[-2:] == ["Active", "0"]
    assert fresh(TutoringSession, session.id).topic_id == kept.id
