"""The test platform: the sandbox's platform side, reached by the tool through `responses`."""

import json
import re
import time
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import responses

from lti_tool.clock import utcnow
from lti_tool.lms.presets import Endpoints
from lti_tool.sandbox.demo import demo_course
from lti_tool.sandbox.platform import SandboxPlatform
from lti_tool.sandbox.registration import PlatformError, ToolSide
from lti_tool.services.platforms import add_platform
from lti_tool.services.tool_keys import generate_key, tool_jwks

TOOL = "https://tool.test"


def put(values: dict):
    """Return a claims change that sets `values`."""
    return lambda claims: claims.update(values)


def drop(*names: str):
    """Return a claims change that removes the named claims."""

    def change(claims: dict) -> None:
        for name in names:
            del claims[name]

    return change


def timed(iat: int, exp: int):
    """Return a claims change that sets iat and exp to these offsets from now, in seconds."""
    return lambda claims: claims.update(iat=int(time.time()) + iat, exp=int(time.time()) + exp)


class TestPlatform:
    """Drives launches the way a browser inside an LMS does, and counts JWKS fetches."""

    __test__ = False

    def __init__(self, app, client, network, platform: SandboxPlatform):
        self.app, self.client, self.network, self.platform = app, client, network, platform
        self.jwks_fetches = 0
        self.jwks_status = 200
        self.record = None
        # Answers to give instead of the real ones, first match first: (method, url part,
        # status, headers). Every service request is logged in `service_calls`.
        self.faults: list[tuple[str, str, int, dict]] = []
        self.service_calls: list[tuple[str, str]] = []
        self.token_requests: list[dict] = []

    @classmethod
    def register(cls, app, client, network, key_pair, *, issuer="https://lms.test",
                 client_id="client-1", deployment_id="deployment-1", kind="other"):
        generate_key(app.config)
        private_pem, public_pem = key_pair
        platform = SandboxPlatform(
            base_url=issuer,
            client_id=client_id,
            deployment_id=deployment_id,
            private_pem=private_pem,
            public_pem=public_pem,
            tool=ToolSide(TOOL + "/lti/login", TOOL + "/lti/launch",
                          lambda: tool_jwks(app.config, utcnow())),
            course=demo_course(),
            hint_secret="test-hint-secret",
        )
        test_platform = cls(app, client, network, platform)
        test_platform.record = add_platform(
            "Test LMS",
            Endpoints(kind, platform.issuer, platform.auth_url, platform.token_url,
                      platform.jwks_url),
            client_id,
            [deployment_id],
        )
        test_platform._serve()
        return test_platform

    def _serve(self) -> None:
        def jwks(_request):
            self.jwks_fetches += 1
            if self.jwks_status != 200:
                return self.jwks_status, {}, "unavailable"
            return 200, {"Content-Type": "application/json"}, json.dumps(self.platform.jwks())

        def token(request):
            form = dict(parse_qsl(request.body))
            self.token_requests.append(form)
            fault = self._fault("POST", request.url)
            if fault:
                return fault
            try:
                body = self.platform.issue_token(form)
            except PlatformError as exc:
                return exc.status, {}, json.dumps({"error": str(exc)})
            return 200, {"Content-Type": "application/json"}, json.dumps(body)

        self.network.add_callback(responses.GET, self.platform.jwks_url, callback=jwks)
        self.network.add_callback(responses.POST, self.platform.token_url, callback=token)
        self._serve_services()

    def fail(self, method: str, url_part: str, status: int, headers: dict | None = None,
             times: int = 1) -> None:
        """Answer the next `times` requests whose URL contains `url_part` with `status`."""
        self.faults += [(method, url_part, status, headers or {})] * times

    def _fault(self, method: str, url: str):
        for index, (m, part, status, headers) in enumerate(self.faults):
            if m == method and part in url:
                del self.faults[index]
                return status, headers, json.dumps({"error": f"injected {status}"})
        return None

    def _serve_services(self) -> None:
        """NRPS and AGS of the course, as the sandbox platform implements them."""
        platform = self.platform
        base = re.escape(platform.lineitems_url)

        def answer(handler):
            def callback(request):
                self.service_calls.append((request.method, request.url))
                fault = self._fault(request.method, request.url)
                if fault:
                    return fault
                try:
                    status, headers, body = handler(request)
                except PlatformError as exc:
                    return exc.status, {}, json.dumps({"error": str(exc)})
                text = "" if body is None else json.dumps(body)
                return status, {"Content-Type": "application/json", **headers}, text

            return callback

        def auth(request):
            return request.headers.get("Authorization")

        def query(request):
            return dict(parse_qsl(urlsplit(request.url).query))

        def memberships(request):
            args = query(request)
            body, next_url = platform.memberships(
                auth(request), int(args.get("page", 1)),
                int(args["limit"]) if "limit" in args else None)
            return 200, {"Link": f'<{next_url}>; rel="next"'} if next_url else {}, body

        def lineitems(request):
            if request.method == "POST":
                return 201, {}, platform.create_lineitem(auth(request), json.loads(request.body))
            args = query(request)
            return 200, {}, platform.lineitems(auth(request), args.get("tag"),
                                               args.get("resource_id"))

        def item_url(request, service: str) -> str:
            parts = urlsplit(request.url)
            path = parts.path.removesuffix("/" + service)
            return platform.lineitem_url(path.rsplit("/", 2)[-2])

        def scores(request):
            platform.post_score(auth(request), item_url(request, "scores"),
                                json.loads(request.body))
            return 204, {}, None

        def results(request):
            return 200, {}, platform.results(auth(request), item_url(request, "results"),
                                             query(request).get("user_id"))

        routes = [
            (responses.GET, re.escape(platform.memberships_url) + r"(\?.*)?$", memberships),
            (responses.GET, base + r"(\?.*)?$", lineitems),
            (responses.POST, base + r"(\?.*)?$", lineitems),
            (responses.POST, base + r"/[^/?]+/lineitem/scores(\?.*)?$", scores),
            (responses.GET, base + r"/[^/?]+/lineitem/results(\?.*)?$", results),
        ]
        for method, pattern, handler in routes:
            self.network.add_callback(method, re.compile(pattern), callback=answer(handler))

    # Browser steps -----------------------------------------------------------------------
    def login(self, user_id="student-01", *, params=None, **hint):
        """Start a launch: returns the tool's login response."""
        url = self.platform.login_initiation_url(user_id, **hint)
        query = dict(parse_qsl(urlsplit(url).query))
        query.update(params or {})
        return self.client.get("/lti/login", query_string=query, base_url=TOOL)

    @staticmethod
    def auth_params(login_response) -> dict:
        url = unescape(re.search(r'data-auth-url="([^"]+)"', login_response.text).group(1))
        return dict(parse_qsl(urlsplit(url).query))

    def authorize(self, login_response) -> dict:
        """The platform's auth endpoint answers with the id_token form."""
        return self.platform.authorize(self.auth_params(login_response))

    def post_launch(self, form: dict):
        return self.client.post(
            "/lti/launch", data={k: v for k, v in form.items() if k != "action"}, base_url=TOOL
        )

    def launch(self, user_id="student-01", **hint):
        """Run login, authorization and launch; return the launch response."""
        return self.post_launch(self.authorize(self.login(user_id, **hint)))

    def land(self, launch_response):
        """Follow the launch's auto-submitting form to the landing page."""
        html = launch_response.text
        action = unescape(re.search(r'<form id="continue" method="post" action="([^"]+)"',
                                    html).group(1))
        token = unescape(re.search(r'name="launch_token" value="([^"]+)"', html).group(1))
        return self.client.post(action, data={"launch_token": token}, base_url=TOOL), token

    def token(self, user_id="student-01", **hint) -> str:
        """Launch and return the page's launch token without opening the landing page (which
        may queue work of its own, such as a roster refresh)."""
        html = self.launch(user_id, **hint).text
        return unescape(re.search(r'name="launch_token" value="([^"]+)"', html).group(1))

    # Building bad launches -----------------------------------------------------------------
    def claims_for(self, login_response) -> tuple[dict, str]:
        """Return the claims a valid launch would carry, and its state."""
        import jwt

        form = self.authorize(login_response)
        return jwt.decode(form["id_token"], options={"verify_signature": False}), form["state"]

    def launch_forged(self, forge, user_id="student-01", *, params=None, **hint):
        """Log in, then post the id_token that `forge` makes of the valid claims."""
        claims, state = self.claims_for(self.login(user_id, params=params, **hint))
        return self.post_launch({"id_token": forge(claims), "state": state})

    def launch_with(self, change=None, headers=None, user_id="student-01", **login):
        """Log in, let `change` edit the valid claims, sign them with the platform key, post."""

        def forge(claims):
            if change is not None:
                change(claims)
            return self.platform.sign(claims, headers)

        return self.launch_forged(forge, user_id, **login)

    def rotate_key(self, key_pair) -> None:
        """Sign from now on with another key under a new kid, as LMSs rotate their keys."""
        private_pem, public_pem = key_pair
        registration = self.platform.registration
        registration.set_platform_private_key(private_pem).set_platform_public_key(public_pem)
        self.platform.private_pem, self.platform.kid = private_pem, registration.get_kid()
