"""A live tool with its sandbox LMS on two host names, and headless Chromium to drive it."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from lti_tool import create_app
from lti_tool.extensions import db
from lti_tool.services.sandbox import set_up_sandbox
from tests.conftest import app_settings

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
).split()


@pytest.fixture
def live_sandbox(app, tmp_path):
    """Serve the tool on localhost and its sandbox on 127.0.0.1: the iframe is cross-site."""
    holder = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                         threaded=True)
    port = server.server_port
    live = create_app("development", {
        **app_settings(app.config["SQLALCHEMY_DATABASE_URI"]),
        "TOOL_URL": f"http://localhost:{port}",
        "SANDBOX_URL": f"http://127.0.0.1:{port}",
        "SANDBOX_KEY_FILE": str(tmp_path / "sandbox.pem"),
    })
    holder["app"] = live
    with live.app_context():
        demo = set_up_sandbox(live)
        db.session.remove()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {**demo, "tool_url": f"http://localhost:{port}"}
    server.shutdown()
    thread.join()


def _chromium():
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip("Chromium and chromedriver (Debian packages) are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture
def browser():
    driver = _chromium()
    yield driver
    driver.quit()


@pytest.fixture
def second_browser():
    """Another person's browser, with cookies of its own."""
    driver = _chromium()
    yield driver
    driver.quit()
