"""The LMS side of the launch benchmark: SandboxPlatform behind a threaded stdlib HTTP server.

Run by bench/launch.py as its own process, so the platform's signing work is not charged to
the load generator:

    python bench/platform_server.py --port 8101 --login-url http://127.0.0.1:8100/lti/login \
        --launch-url http://127.0.0.1:8100/lti/launch

Endpoints (all GET, all JSON):
  /jwks                 the platform's public key set, which the tool fetches
  /initiate?user=ID     the login initiation URL a course page would link to, for one member
  /auth?...             the OIDC authorization endpoint; a real LMS answers with an
                        auto-submitting form, here the load generator (standing in for the
                        browser) gets {action, id_token, state} and posts it itself
"""

import argparse
import secrets
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from servers import JsonHandler

from lti_tool.sandbox.demo import demo_course
from lti_tool.sandbox.platform import SandboxPlatform
from lti_tool.sandbox.registration import PlatformError, ToolSide, new_key_pair


def build_platform(args: argparse.Namespace) -> SandboxPlatform:
    """Return the platform for one registration of the tool under test."""
    private_pem, public_pem = new_key_pair()
    platform = SandboxPlatform(
        base_url=f"http://127.0.0.1:{args.port}",
        client_id=args.client_id,
        deployment_id=args.deployment_id,
        private_pem=private_pem,
        public_pem=public_pem,
        # The tool's JWKS only serves the token endpoint, which a launch never calls.
        tool=ToolSide(args.login_url, args.launch_url, dict),
        course=demo_course(),
        hint_secret=secrets.token_hex(16),
    )
    return platform


def make_handler(platform: SandboxPlatform) -> type[JsonHandler]:
    """Return a request handler class bound to one platform."""

    class Handler(JsonHandler):
        protocol_version = "HTTP/1.1"  # keep-alive for the load generator's sessions
        disable_nagle_algorithm = True  # headers and body are separate writes

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = dict(parse_qsl(parts.query))
            try:
                if parts.path == "/jwks":
                    self._reply(200, platform.jwks())
                elif parts.path == "/initiate":
                    self._reply(200, {"url": platform.login_initiation_url(params["user"])})
                elif parts.path == "/auth":
                    self._reply(200, platform.authorize(params))
                else:
                    self._reply(404, {"error": "not found"})
            except PlatformError as exc:
                self._reply(exc.status, {"error": str(exc)})

    return Handler


def main() -> None:
    """Serve the platform on 127.0.0.1 until terminated."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--login-url", required=True, help="the tool's OIDC login URL")
    parser.add_argument("--launch-url", required=True, help="the tool's redirect URI")
    parser.add_argument("--client-id", default="bench-client")
    parser.add_argument("--deployment-id", default="bench-deployment")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(build_platform(args)))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
