"""Four weeks of tutoring in the sandbox's demo course, so every page and report has content.

Development data only: written straight to the models, deterministic for a given `now`.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain.barriers import BY_KEY, NONE, reassessment_due, steps_for
from ..extensions import db
from ..models import (
    Account,
    Course,
    Diagnosis,
    LmsUser,
    Membership,
    Message,
    SessionReport,
    Subject,
    Topic,
    TutoringSession,
)
from .demo import DemoUser

SEED = 101
RETURNING = "student-01"  # Ava Adams: back almost every day, so FREQUENT and reassessment show
RETURNING_DAYS_AGO = (24.2, 17.1, 6.6, 5.7, 4.8, 3.5, 2.6, 1.7, 0.8)
OTHER_SESSIONS = 31
SLOT_HOURS = (14, 16, 18, 20, 22)  # afternoons and evenings, UTC
# Every barrier, and none, comes up in turn; Ava's latest session ends on a barrier.
BARRIER_CYCLE = (*BY_KEY, NONE)
RETURNING_LAST_BARRIER = "misconception"


@dataclass(frozen=True)
class Exchange:
    subject: str
    topic: str  # a course topic's name, or what the student typed
    question: str
    goal: str
    lines: tuple[tuple[str, str], ...]  # (student | tutor, text)


EXCHANGES = (
    Exchange("Algebra", "Systems of equations", "How do I solve 2x + 3y = 12 and x - y = 1?",
             "Solve a system of two linear equations by elimination", (
                 ("tutor", "Hi! What have you tried so far on this system?"),
                 ("student", "I tried guessing numbers but it isn't working"),
                 ("tutor", "what method do you like to use to solve these??"),
                 ("student", "Im not sure I have no clue what methods there are for this"),
                 ("tutor", "we can use elimination where we get rid of one of the variables."),
                 ("student", "oh"),
                 ("tutor", "and then solve for the one that is left..."),
                 ("tutor", "does that sound familiar??"),
                 ("student", "yes 😊"),
                 ("tutor", "Multiply the second equation by 3. What do you get?"),
                 ("student", "3x - 3y = 3"),
                 ("tutor", "Now add it to the first one. Which variable disappears?"),
                 ("student", "y! so 5x = 15, x = 3\nthen 3 - y = 1 so y = 2"),
                 ("tutor", "Exactly. Check (3, 2) in both equations before you move on."))),
    Exchange("Algebra", "Linear equations", "I keep getting the wrong answer for 3(x - 4) = 2x + 5",
             "Solve linear equations with parentheses", (
                 ("tutor", "Let's see your steps. What did you do first?"),
                 ("student", "3x - 4 = 2x + 5 so x = 9"),
                 ("tutor", "Look at the left side again: the 3 multiplies both terms inside."),
                 ("student", "oh so it's 3x - 12"),
                 ("tutor", "Right. Now collect the x terms on one side."),
                 ("student", "x - 12 = 5 so x = 17"),
                 ("tutor", "Check it: 3(17 - 4) = 39 and 2(17) + 5 = 39. Well done!"))),
    Exchange("Algebra", "Quadratic functions", "How do I find the vertex of y = x^2 - 6x + 5?",
             "Find the vertex of a parabola by completing the square", (
                 ("tutor", "Do you know the vertex form y = (x - h)^2 + k?"),
                 ("student", "kind of, we saw it last week"),
                 ("tutor", "Half of -6 is -3, and (-3)^2 = 9. Add and subtract 9."),
                 ("student", "y = (x^2 - 6x + 9) - 9 + 5 = (x - 3)^2 - 4"),
                 ("tutor", "So where is the vertex?"),
                 ("student", "(3, -4)?"),
                 ("tutor", "Yes! Try y = x^2 + 4x + 1 on your own now."))),
    Exchange("Statistics", "Standard deviation", "Why do we divide by n - 1 for a sample?",
             "Compute and interpret a sample standard deviation", (
                 ("tutor", "Good question. What is the data set in your homework?"),
                 ("student", "4, 8, 6, 5, 7"),
                 ("tutor", "Start with the mean. What do you get?"),
                 ("student", "6"),
                 ("tutor", "Now the squared distances from 6, added up."),
                 ("student", "4 + 4 + 0 + 1 + 1 = 10"),
                 ("tutor", "Divide by n - 1 = 4 because the sample mean sits closer to the data "
                           "than the true mean does."),
                 ("student", "so the variance is 2.5 and s is about 1.58"))),
    Exchange("Finance", "Compound interest", "How much is $1,000 worth after 3 years at 5%?",
             "Use the compound interest formula", (
                 ("tutor", "Is the interest compounded yearly or monthly?"),
                 ("student", "yearly"),
                 ("tutor", "Then A = P(1 + r)^t. What are P, r and t?"),
                 ("student", "1000, 0.05 and 3"),
                 ("student", "1157.63!"),
                 ("tutor", "Correct. What would monthly compounding change?"))),
    Exchange("Calculus", "Chain rule", "What is the derivative of (3x^2 + 1)^4?",
             "Differentiate a composite function with the chain rule", (
                 ("tutor", "What is the outside function and what is the inside one?"),
                 ("student", "outside is u^4 and inside is 3x^2 + 1"),
                 ("tutor", "Differentiate the outside, keep the inside, then multiply."),
                 ("student", "4(3x^2 + 1)^3 times 6x"),
                 ("tutor", "That's it: 24x(3x^2 + 1)^3."))),
    Exchange("English", "Thesis statements", "Is my thesis too broad?",
             "Write a focused, arguable thesis statement", (
                 ("tutor", "Paste your thesis and let's read it together."),
                 ("student", "Social media has good and bad effects on society."),
                 ("tutor", "Which effect on which people do you want to argue for?"),
                 ("student", "maybe how group chats help first-year students make friends"),
                 ("tutor", "Much sharper. Now say why that matters."))),
)

OBSERVED = {
    "practice": ("practice_at_bats", "Only two practice problems; ran out of time."),
    "prior_knowledge": ("prior_shown", "Not yet: distributing a negative sign was shaky."),
    "misconception": ("misconception_reasonable",
                      "Added the equations without lining up like terms; the logic was sound."),
    "precision": ("precision_computation", "Yes: the method was right, one sign slipped."),
    "uncommon": ("uncommon_unexpected", "Treated the exponent as a multiplier every time."),
}
COMMENTS = ("Really patient, thank you!", "Finally understand elimination.", "Helpful.", "")


def seed_people(platform_id: int, course: Course, members: list[DemoUser]) -> dict[str, LmsUser]:
    """Create the demo students and their memberships if missing; return them by user id."""
    wanted = [m for m in members if m.user_id.startswith("student-")]
    known = {u.sub: u for u in db.session.execute(
        db.select(LmsUser).where(LmsUser.platform_id == platform_id,
                                 LmsUser.sub.in_([m.user_id for m in wanted]))).scalars()}
    for m in wanted:
        if m.user_id not in known:
            # No email: the tool keeps only instructors' and TAs' addresses.
            known[m.user_id] = LmsUser(platform_id=platform_id, sub=m.user_id, name=m.name,
                                       given_name=m.given_name, family_name=m.family_name)
            db.session.add(known[m.user_id])
    db.session.flush()
    enrolled = set(db.session.execute(
        db.select(Membership.user_id).filter_by(course_id=course.id)).scalars())
    db.session.add_all(
        Membership(course_id=course.id, user_id=known[m.user_id].id, roles=list(m.roles),
                   status=m.status)
        for m in wanted if known[m.user_id].id not in enrolled)
    db.session.flush()
    return {m.user_id: known[m.user_id] for m in wanted}


def seed_history(course: Course, students: dict[str, LmsUser], tutors: dict[str, Account],
                 now: datetime) -> int:
    """Add ended sessions to the course unless it has some already; return how many."""
    if db.session.execute(db.select(TutoringSession.id).filter_by(course_id=course.id)).first():
        return 0
    rng = random.Random(SEED)
    subjects = {s.name: s for s in db.session.execute(db.select(Subject)).scalars()}
    topics = {t.name: t for t in db.session.execute(
        db.select(Topic).filter_by(course_id=course.id)).scalars()}
    others = [user for key, user in sorted(students.items()) if key != RETURNING]
    taken: set[datetime] = set()
    plan = [(_start(now, days, rng, taken), students[RETURNING], EXCHANGES[i % 3])
            for i, days in enumerate(RETURNING_DAYS_AGO)]
    plan += [(_start(now, rng.uniform(0.5, 27.5), rng, taken), rng.choice(others),
              rng.choice(EXCHANGES)) for _ in range(OTHER_SESSIONS)]
    plan.sort(key=lambda item: item[0])  # oldest first, so each diagnosis sees the last one
    returning_last = max(i for i, item in enumerate(plan) if item[1].sub == RETURNING)
    reported = max(i for i, item in enumerate(plan) if item[1].sub != RETURNING)
    # A session follows up the student's last plan in the same subject.
    last_diagnosis: dict[tuple[int, str], Diagnosis] = {}
    for index, (started, student, exchange) in enumerate(plan):
        tutor = tutors[exchange.subject]
        session = _session(course, student, tutor, subjects[exchange.subject],
                           topics.get(exchange.topic), exchange, started, rng)
        _messages(session, student, tutor, exchange, rng)
        barrier = (RETURNING_LAST_BARRIER if index == returning_last
                   else BARRIER_CYCLE[index % len(BARRIER_CYCLE)])
        followed = (student.id, exchange.subject)
        last_diagnosis[followed] = _diagnosis(session, barrier, last_diagnosis.get(followed), rng)
        if index == reported:
            db.session.add(SessionReport(
                session_id=session.id, reporter_role="student",
                reason="The tutor's connection kept dropping.\nWe never finished the last problem.",
                created_at=session.ended_at + timedelta(minutes=2)))
    db.session.flush()
    return len(plan)


def _start(now: datetime, days_ago: float, rng: random.Random, taken: set[datetime]) -> datetime:
    # One session per two-hour slot, so no tutor or student is in two sessions at once, and
    # every session (at most 95 minutes) and its diagnosis are over by `now`.
    day = (now - timedelta(days=days_ago)).replace(hour=0, minute=0, second=0, microsecond=0)
    slot = day + timedelta(hours=rng.choice(SLOT_HOURS))
    while slot in taken or slot > now - timedelta(hours=2):
        slot -= timedelta(hours=2)
    taken.add(slot)
    return slot + timedelta(minutes=rng.randint(0, 20))


def _session(course: Course, student: LmsUser, tutor: Account, subject: Subject,
             topic: Topic | None, exchange: Exchange, started: datetime,
             rng: random.Random) -> TutoringSession:
    # Most sessions take 15-50 minutes; a few run long, as real ones do.
    minutes = rng.uniform(70, 95) if rng.random() < 0.08 else rng.uniform(15, 50)
    rated = rng.random() < 0.85
    ended = started + timedelta(minutes=minutes)
    session = TutoringSession(
        platform_id=course.platform_id, course_id=course.id, student_id=student.id,
        subject_id=subject.id, topic_id=topic.id if topic else None,
        topic_text=None if topic else exchange.topic, question=exchange.question,
        learning_goal=exchange.goal, status="ended", tutor_id=tutor.id,
        requested_at=started - timedelta(seconds=rng.randint(30, 900)), started_at=started,
        ended_at=ended, ended_by=rng.choice(("student", "tutor")),
        rating=rng.choice((3, 4, 4, 5, 5, 5)) if rated else None,
        rating_comment=(rng.choice(COMMENTS) or None) if rated else None,
        rated_at=ended + timedelta(minutes=1) if rated else None,
    )
    db.session.add(session)
    db.session.flush()
    return session


def _messages(session: TutoringSession, student: LmsUser, tutor: Account, exchange: Exchange,
              rng: random.Random) -> None:
    names = {"student": student.given_name or "Student",
             "tutor": tutor.chat_name}
    sent = session.started_at + timedelta(seconds=rng.randint(10, 40))
    for seq, (role, body) in enumerate(exchange.lines, start=1):
        db.session.add(Message(session_id=session.id, seq=seq, author_role=role,
                               author_name=names[role], body=body, sent_at=sent))
        sent += timedelta(seconds=rng.randint(6, 70))
    session.last_seq = len(exchange.lines)


def _diagnosis(session: TutoringSession, barrier: str, previous: Diagnosis | None,
               rng: random.Random) -> Diagnosis:
    if barrier == NONE:
        mastery, observations = "demonstrated", {}
        notes = "Worked every practice problem correctly and explained each step."
    else:
        mastery = rng.choice(("partial", "partial", "not_demonstrated"))
        key, answer = OBSERVED[barrier]
        observations, notes = {key: answer}, None
    low = barrier == "prior_knowledge" or rng.random() < 0.15
    scores = {"demonstrated": (80, 100), "partial": (55, 80), "not_demonstrated": (20, 55)}
    exit_ticket = rng.randint(*scores[mastery]) if rng.random() < 0.6 else None
    reassess = previous is not None and reassessment_due(previous.barrier)
    outcome = rng.choice(("improved", "improved", "not_improved", "not_assessed"))
    diagnosis = Diagnosis(
        session_id=session.id, tutor_id=session.tutor_id, observations=observations,
        observation_notes=notes, barrier=barrier, next_steps=list(steps_for(barrier)),
        learning_goal=session.learning_goal, prerequisite="low" if low else "adequate",
        mastery=mastery, exit_ticket=exit_ticket, topic_id=session.topic_id,
        reassessed_diagnosis_id=previous.id if reassess else None,
        reassessment=outcome if reassess else None,
        reassessment_why=_why(outcome) if reassess else None,
        recorded_at=session.ended_at + timedelta(minutes=3),
    )
    db.session.add(diagnosis)
    db.session.flush()
    return diagnosis


def _why(outcome: str) -> str | None:
    return {"improved": "Solved the warm-up problem alone after last time's practice.",
            "not_improved": "Made the same mistake on the warm-up; needs another approach.",
            }.get(outcome)
