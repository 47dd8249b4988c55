"""The whole journey: a student launched from the LMS asks, a signed-in tutor accepts, they
chat, the session ends and is rated and diagnosed; the history and the next session's panel
show it, and the returning student's next diagnosis asks about the reassessment."""

import re

from lti_tool.extensions import db
from lti_tool.models import Course, Diagnosis, Topic, TutoringSession
from tests.platform_fixture import TOOL
from tests.tutoring_factories import Tutor, make_subject, make_tutor, opening_event


class Student:
    def __init__(self, client, token):
        self.client, self.token = client, token

    def post(self, path, **form):
        return self.client.post(path, data={"launch_token": self.token, **form}, base_url=TOOL)

    def script(self, method, path, **form):
        headers = {"X-Launch-Token": self.token, "Accept": "application/json"}
        if method == "GET":
            return self.client.get(path, query_string=form, headers=headers, base_url=TOOL)
        return self.client.post(path, data=form, headers=headers, base_url=TOOL)


def take_and_chat(student, tutor, subject, topic, question):
    asked = student.post("/tutoring/requests", subject_id=str(subject.id),
                         topic_id=str(topic.id), question=question,
                         learning_goal="Solve systems by elimination")
    assert asked.status_code == 200 and "Your place in the queue" in asked.text
    session = db.session.execute(
        db.select(TutoringSession).filter_by(status="waiting")).scalar_one()
    queue = tutor.get("/tutor/")
    assert "Ava" in queue.text and question in queue.text and "Adams" not in queue.text
    accepted = tutor.post(f"/tutor/requests/{session.id}/accept")
    assert accepted.status_code == 302
    return session.id


def test_a_student_and_a_tutor_go_through_a_session_and_the_next_one(app, client, lms):
    subject = make_subject("Algebra")
    tutor = Tutor(app, make_tutor("joanetta@tutors.test", subject))
    tutor.post("/tutor/availability", {"available": "1"})

    student = Student(client, lms.land(lms.launch("student-01"))[1])
    course = db.session.execute(db.select(Course)).scalar_one()
    topic = Topic(course_id=course.id, name="Systems of equations")
    db.session.add(topic)
    db.session.commit()
    assert "1 tutor online" in student.post("/tutoring/").text

    session_id = take_and_chat(student, tutor, subject, topic, "What method solves these?")
    chat = f"/tutoring/sessions/{session_id}"
    assert opening_event(student.script("GET", f"{chat}/updates", after="0"))[
        "status"] == "active"

    sent = student.script("POST", f"{chat}/messages", body="what method do you like?",
                          client_key="k1")
    assert sent.status_code == 201
    heard = opening_event(tutor.get(f"/tutor/sessions/{session_id}/updates", after="0"))
    assert [m["body"] for m in heard["messages"]] == ["what method do you like?"]
    assert re.fullmatch(r"\[00:00:\d\d\] Ava \(Student\)", heard["messages"][0]["heading"])
    reply = tutor.post(f"/tutor/sessions/{session_id}/messages",
                       {"body": "we can use elimination", "client_key": "t1"}, script=True)
    assert reply.status_code == 201
    heard = opening_event(student.script("GET", f"{chat}/updates", after="1"))
    assert [(m["role"], m["body"]) for m in heard["messages"]] == [
        ("tutor", "we can use elimination")]

    assert student.post(f"{chat}/end").status_code == 200
    assert student.post(f"{chat}/rating", rating="5", comment="Clear").status_code == 200
    form = tutor.get(f"/tutor/sessions/{session_id}/diagnosis")
    assert "Was the student able to practice all aspects" in form.text
    diagnosed = tutor.post(f"/tutor/sessions/{session_id}/diagnosis", {
        "observe_misconception_reasonable": "Added instead of subtracting equations",
        "barrier": "misconception",
        "steps_misconception": ["Error analysis on sign changes", "Reassess after practice"],
        "learning_goal": "Solve systems by elimination", "prerequisite": "adequate",
        "mastery": "partial", "exit_ticket_given": "yes", "exit_ticket": "70",
        "topic_id": str(topic.id)})
    assert diagnosed.status_code == 302

    history = student.post("/tutoring/history")
    assert "Algebra" in history.text and "Systems of equations" in history.text
    past = student.post(f"/tutoring/history/{session_id}")
    assert "Error analysis on sign changes" in past.text
    assert "we can use elimination" in past.text

    # The student comes back: the tutor sees the last plan and must answer the reassessment.
    again = take_and_chat(student, tutor, subject, topic, "Now with three unknowns?")
    panel = tutor.get(f"/tutor/sessions/{again}")
    assert "Reassess today" in panel.text and "Error analysis on sign changes" in panel.text
    assert "70" in panel.text  # the last exit ticket
    tutor.post(f"/tutor/sessions/{again}/end")
    assert "reassessment show improvement?" in tutor.get(
        f"/tutor/sessions/{again}/diagnosis").text
    assert db.session.execute(db.select(db.func.count(Diagnosis.id))).scalar_one() == 1
