"""The demo course the sandbox LMS holds: a roster, topics and line items."""

from dataclasses import dataclass, field

ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INSTRUCTOR = ROLE + "Instructor"
LEARNER = ROLE + "Learner"
TA = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
DESIGNER = ROLE + "ContentDeveloper"
MENTOR = ROLE + "Mentor"
TEST_USER = "http://purl.imsglobal.org/vocab/lti/system/person#TestUser"
INSTITUTION_FACULTY = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty"


@dataclass(frozen=True)
class DemoUser:
    """A person in the sandbox LMS."""

    user_id: str
    given_name: str
    family_name: str
    roles: tuple[str, ...]
    status: str = "Active"
    label: str = ""

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def email(self) -> str:
        return f"{self.given_name}.{self.family_name}@demo.example".lower().replace(" ", "")


@dataclass
class DemoCourse:
    """A course of the sandbox LMS with its members and gradebook columns."""

    context_id: str
    title: str
    label: str
    members: list[DemoUser]
    topics: list[str] = field(default_factory=list)


_GIVEN = (
    "Ava Ben Chloe Dev Elena Farid Grace Hiro Imani Jonas Kira Luis Maya Noah Olu Priya Quinn "
    "Rosa Sami Tara Uma Victor Wen Xavier Yara Zane Amara Bruno Celia Dario"
).split()
_FAMILY = (
    "Adams Baker Chen Diaz Evans Fischer Garcia Hughes Ito Jensen Kaur Lopez Mensah Novak "
    "Okafor Patel Quist Rossi Santos Tanaka Ueda Varga Wong Xu Yilmaz Zhou Abara Bianchi "
    "Costa Duarte"
).split()


def demo_course() -> DemoCourse:
    """Return the demo course: 30 students, two instructors, a TA, a designer, a test student."""
    students = [
        DemoUser(f"student-{i + 1:02d}", g, f, (LEARNER,), label="Student")
        for i, (g, f) in enumerate(zip(_GIVEN, _FAMILY, strict=True))
    ]
    staff = [
        DemoUser(
            "instructor-1",
            "Rachel",
            "Moreno",
            (INSTRUCTOR, INSTITUTION_FACULTY),
            label="Instructor",
        ),
        DemoUser("instructor-2", "Tom", "Okoye", (INSTRUCTOR,), label="Instructor"),
        DemoUser("ta-1", "Lena", "Vogel", (INSTRUCTOR, TA), label="Teaching assistant"),
        DemoUser("designer-1", "Iris", "Lund", (DESIGNER,), label="Course designer"),
        DemoUser("observer-1", "Paul", "Baker", (MENTOR,), label="Observer"),
        DemoUser("test-student", "Test", "Student", (LEARNER, TEST_USER), label="Test student"),
    ]
    return DemoCourse(
        context_id="demo-course-101",
        title="MATH 101: College Algebra",
        label="MATH 101",
        members=staff + students,
        topics=["Linear equations", "Systems of equations", "Quadratic functions"],
    )
