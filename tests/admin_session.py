"""Sign in to the tool's own pages as a browser would: CSRF token, same-origin Referer."""

import re

from tests.platform_fixture import TOOL


def csrf_token(page_html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


def sign_in(client, email: str, password: str):
    page = client.get("/admin/login", base_url=TOOL)
    return client.post(
        "/admin/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
        base_url=TOOL,
        headers={"Referer": TOOL + "/admin/login"},
    )


def post_form(client, path: str, data: dict, from_page: str = "/admin/"):
    """Submit a form found on an admin page, with that page's CSRF token."""
    page = client.get(from_page, base_url=TOOL)
    return client.post(path, data={**data, "csrf_token": csrf_token(page.text)},
                       base_url=TOOL, headers={"Referer": TOOL + from_page})
