"""The LMS side of the roster benchmark: a token endpoint and paged Names and Roles.

Members are made up on the fly from their position, so the server holds no roster; one in 50
is an instructor (with an email the tool keeps), the rest are learners.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit

from servers import JsonHandler

TOKEN = "bench-access-token"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
CONTAINER = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MEMBERSHIPS_PATH = "/courses/bench/memberships"


def member(index: int) -> dict:
    """Return the member at a position of the course roster."""
    role = "Instructor" if index % 50 == 0 else "Learner"
    return {"user_id": f"bench-user-{index:06d}", "status": "Active",
            "name": f"Given{index} Family{index}", "given_name": f"Given{index}",
            "family_name": f"Family{index}", "email": f"user{index}@bench.example",
            "roles": [ROLE + role]}


def make_handler(base_url: str, members: int, page_size: int) -> type[JsonHandler]:
    """Return a request handler serving one course of `members` people."""

    class Handler(JsonHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the tool's HTTP session expects
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            if urlsplit(self.path).path != "/token" or not form.get("client_assertion"):
                self._reply(400, {"error": "invalid_request"})
                return
            self._reply(200, {"access_token": TOKEN, "token_type": "bearer",
                              "expires_in": 3600, "scope": form.get("scope", "")})

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != MEMBERSHIPS_PATH:
                self._reply(404, {"error": "not found"})
                return
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._reply(401, {"error": "invalid token"})
                return
            query = dict(parse_qsl(parts.query))
            page, size = int(query.get("page", 1)), min(int(query.get("limit", page_size)),
                                                        page_size)
            start = (page - 1) * size
            body = {"id": base_url + MEMBERSHIPS_PATH,
                    "context": {"id": "bench-course", "label": "BENCH 500"},
                    "members": [member(i) for i in range(start, min(start + size, members))]}
            headers = {"Content-Type": CONTAINER}
            if start + size < members:
                query = urlencode({"page": page + 1, "limit": size})
                next_url = f"{base_url}{MEMBERSHIPS_PATH}?{query}"
                headers["Link"] = f'<{next_url}>; rel="next"'
            self._reply(200, body, headers)

    return Handler
