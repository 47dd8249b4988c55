"""An independent platform serves its roster: lti1p3platform's NRPS service, used directly.

lti1p3platform issues the service token from our signed client assertion, checks the bearer
token on every roster request and builds each page; the platform puts the next page in a
`Link` header (lti1p3platform's generate_next_link). The tool syncs through `responses`.
"""

import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
from lti1p3platform.membership import Context
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request
from lti1p3platform.response import generate_next_link
from lti1p3platform.service_connector import NamesRoleProvisioningService

from lti_tool.clock import utcnow
from lti_tool.extensions import db
from lti_tool.lms.errors import LmsRefused
from lti_tool.lms.presets import Endpoints
from lti_tool.models import Course, LmsUser, Membership
from lti_tool.services.platforms import add_platform
from lti_tool.services.roster import sync_roster
from lti_tool.services.tool_keys import generate_key, tool_jwks
from tests.test_interop import PlatformConf

ISSUER = "https://interop-lms.test"
MEMBERSHIPS = ISSUER + "/api/lti/courses/bio-200/names_and_roles"
MEMBER = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
MEMBERS = [
    {"user_id": "u-teacher", "roles": [MEMBER + "Instructor"], "name": "Noor Haddad",
     "email": "noor.haddad@interop.example", "status": "Active"},
    {"user_id": "u-1", "roles": [MEMBER + "Learner"], "name": "Ines Alvarez",
     "email": "ines@interop.example"},
    {"user_id": "u-2", "roles": [MEMBER + "Learner"], "name": "Kofi Mensah",
     "status": "Inactive"},
    {"user_id": "u-3", "roles": [MEMBER + "Learner"], "given_name": "Lea",
     "family_name": "Brun"},
    {"user_id": "u-4", "roles": [MEMBER + "Mentor"], "name": "Oskar Lind"},
    {"user_id": "u-5", "roles": [MEMBER + "Learner"], "name": "Mira Sato", "status": "Deleted"},
    {"user_id": "u-6", "roles": [MEMBER + "Learner"], "name": "Yusuf Kaya"},
]


class ServiceRequest(Request):
    """A service request as the platform's framework adapter would describe it."""

    def build_metadata(self, request: dict) -> dict:
        return {"method": request["method"], "get_data": request["get_data"], "form_data": {},
                "headers": request["headers"], "content_type": None, "path": request["path"],
                "json": None}


class CourseRoster(NamesRoleProvisioningService):
    def get_member_data_page(self, page=1, limit=None, role=None, since=None, **_):
        size = limit or len(MEMBERS)
        start = (page - 1) * size
        return {"content": [dict(m) for m in MEMBERS[start:start + size]],
                "has_next": start + size < len(MEMBERS)}

    def get_context_by_id(self) -> Context:
        return Context(id="bio-200", label="BIO 200", title="BIO 200: Genetics")


@pytest.fixture
def platform(app, mocked_network, platform_key_pair):
    """The platform's registration of the tool, serving its token and roster endpoints."""
    generate_key(app.config)
    private_pem, public_pem = platform_key_pair
    registration = (
        Registration().set_iss(ISSUER).set_client_id("interop-client")
        .set_deployment_id("interop-deployment")
        .set_platform_public_key(public_pem).set_platform_private_key(private_pem)
    )
    conf = PlatformConf(registration=registration)
    calls = []

    def token(request):
        registration.set_tool_key_set(tool_jwks(app.config, utcnow()))
        return 200, {"Content-Type": "application/json"}, json.dumps(
            conf.get_access_token(dict(parse_qsl(request.body))))

    def memberships(request):
        calls.append(request.url)
        args = {k: int(v) if k in ("page", "limit") else v
                for k, v in parse_qsl(urlsplit(request.url).query)}
        service = CourseRoster(ServiceRequest({
            "method": request.method, "get_data": args, "headers": request.headers,
            "path": urlsplit(request.url).path}), conf, MEMBERSHIPS)
        answer = service.handle_resp(service.handle_get_members)
        body = answer.result or {"error": answer.message}
        headers = {"Content-Type": answer.media_type}
        if body.get("next"):
            headers["Link"] = generate_next_link(body.pop("next"))
        return answer.code, headers, json.dumps(body)

    mocked_network.add_callback(responses.POST, ISSUER + "/token", callback=token)
    mocked_network.add_callback(responses.GET, re.compile(re.escape(MEMBERSHIPS) + r"(\?.*)?$"),
                                callback=memberships)
    record = add_platform("Interop LMS", Endpoints("other", ISSUER, ISSUER + "/auth",
                                                   ISSUER + "/token", ISSUER + "/jwks"),
                          "interop-client", ["interop-deployment"])
    course = Course(platform_id=record.id, deployment_id=record.deployments[0].id,
                    context_id="bio-200", title="BIO 200: Genetics", label="BIO 200",
                    nrps_url=MEMBERSHIPS)
    db.session.add(course)
    db.session.commit()
    return course, calls


def test_roster_sync_with_an_lti1p3platform_nrps_service(app, platform):
    course, calls = platform
    app.config["ROSTER_PAGE_SIZE"] = 3
    result = sync_roster(course.id, utcnow(), app.config)

    pages = [dict(parse_qsl(urlsplit(url).query)) for url in calls]
    assert pages == [{"limit": "3"}, {"limit": "3", "page": "2"}, {"limit": "3", "page": "3"}]
    assert (result.pages, result.members) == (3, 7)
    stored = {
        user.sub: (user.display_name, user.email, m.status, m.roles)
        for m, user in db.session.execute(
            db.select(Membership, LmsUser).join(LmsUser, LmsUser.id == Membership.user_id)
            .where(Membership.course_id == course.id))
    }
    assert stored["u-teacher"] == ("Noor Haddad", "noor.haddad@interop.example", "Active",
                                   [MEMBER + "Instructor"])
    assert stored["u-1"] == ("Ines Alvarez", None, "Active", [MEMBER + "Learner"])
    assert stored["u-2"][2] == "Inactive" and stored["u-5"][2] == "Deleted"
    assert stored["u-3"][0] == "Lea Brun"
    assert len(stored) == 7


def test_a_page_the_platform_refuses_keeps_its_message_and_the_checkpoint(
        app, platform, monkeypatch):
    course, calls = platform
    app.config["ROSTER_PAGE_SIZE"] = 3
    broken = [*MEMBERS[:3], {"user_id": "u-3", "name": "Lea Brun"}, *MEMBERS[4:]]
    monkeypatch.setattr(f"{__name__}.MEMBERS", broken)  # lti1p3platform refuses a roleless member
    with pytest.raises(LmsRefused):
        sync_roster(course.id, utcnow(), app.config)
    db.session.refresh(course)
    assert "(400)" in course.roster_error and "No roles" in course.roster_error
    assert "page=2" in course.roster_next_url and course.roster_synced_at is None
    assert len(calls) == 2
