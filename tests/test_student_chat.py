"""A student chats with their tutor: sending, following, refusals, ending, a long chat."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from lti_tool.clock import utcnow
from lti_tool.launch_context import issue, read
from tests.student_fixtures import (
    HEADING,
    message_count,
    post,
    post_json,
    sessions,
    tutor_says,
    updates,
)
from tests.student_fixtures import fixture_catalog as fixture_catalog
from tests.student_fixtures import fixture_chat as fixture_chat
from tests.student_fixtures import fixture_student as fixture_student
from tests.tutoring_factories import opening_event


def test_student_sends_a_message_with_the_script(client, student, chat):
    sent = post_json(client, f"{chat.path}/messages", student.token, body="Hi Sam",
                     client_key="key-1")
    assert sent.status_code == 201
    assert sent.json["seq"] == 1 and sent.json["body"] == "Hi Sam"
    assert sent.json["role"] == "student" and HEADING.fullmatch(sent.json["heading"])


def test_student_sends_a_message_without_the_script(client, student, chat):
    page = post(client, f"{chat.path}/messages", student.token, body="Hello from a form")
    assert page.status_code == 200
    assert "Hello from a form" in page.text
    assert HEADING.search(page.text)
    assert message_count() == 1


def test_updates_return_only_newer_messages(client, student, chat):
    post_json(client, f"{chat.path}/messages", student.token, body="First", client_key="a")
    tutor_says(chat, "Second")
    tutor_says(chat, "Third")
    news = opening_event(updates(client, chat.id, student.token, after=1))
    assert [m["body"] for m in news["messages"]] == ["Second", "Third"]
    assert [m["seq"] for m in news["messages"]] == [2, 3]
    assert news["messages"][0]["heading"].endswith("Sam (Tutor)")
    quiet = opening_event(updates(client, chat.id, student.token, after=3))
    assert quiet == {"status": "active", "messages": []}


def test_resend_with_the_same_key_is_stored_once(client, student, chat):
    first = post_json(client, f"{chat.path}/messages", student.token, body="Once",
                      client_key="same-key")
    second = post_json(client, f"{chat.path}/messages", student.token, body="Once",
                       client_key="same-key")
    assert second.status_code == 201 and second.json == first.json
    assert message_count() == 1


@pytest.mark.parametrize("body, status", [("   ", 400), ("x" * 2001, 400)])
def test_empty_or_oversized_message_is_refused(client, student, chat, body, status):
    refused = post_json(client, f"{chat.path}/messages", student.token, body=body,
                        client_key="k")
    assert refused.status_code == status and refused.json["error"]
    assert message_count() == 0


def test_too_many_messages_at_once_are_refused(app, client, student, chat):
    allowed = app.config["MESSAGE_RATE_COUNT"]
    for n in range(allowed):
        assert post_json(client, f"{chat.path}/messages", student.token, body=f"m{n}",
                         client_key=f"k{n}").status_code == 201
    refused = post_json(client, f"{chat.path}/messages", student.token, body="one more",
                        client_key="k-more")
    assert refused.status_code == 429 and "wait a moment" in refused.json["error"]
    assert message_count() == allowed


def test_refused_message_without_the_script_keeps_the_text_on_the_page(client, student, chat):
    page = post(client, f"{chat.path}/messages", student.token, body="x" * 2001)
    assert page.status_code == 400
    assert "Messages are limited to 2000 characters." in page.text
    assert "x" * 2001 in page.text
    assert message_count() == 0


def test_markup_in_a_message_is_shown_as_text(client, student, chat):
    evil = "<script>alert('hi')</script>"
    sent = post_json(client, f"{chat.path}/messages", student.token, body=evil, client_key="x")
    assert sent.json["body"] == evil
    page = post(client, chat.path, student.token)
    assert evil not in page.text
    assert "&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt;" in page.text


def test_page_renders_the_transcript_for_the_script_to_continue(client, student, chat):
    post_json(client, f"{chat.path}/messages", student.token, body="One", client_key="1")
    tutor_says(chat, "Two")
    page = post(client, chat.path, student.token)
    assert re.search(r'<li data-seq="1"[^>]*>.*One', page.text)
    assert re.search(r'<li data-seq="2"[^>]*>.*Two', page.text)
    assert 'data-after="2"' in page.text and 'data-status="active"' in page.text


def test_student_ends_the_session_and_can_no_longer_send(client, student, chat):
    page = post(client, f"{chat.path}/end", student.token)
    assert page.status_code == 200 and "Session ended" in page.text
    assert "Rate this session" in page.text
    session = sessions()[0]
    assert (session.status, session.ended_by) == ("ended", "student")
    late = post_json(client, f"{chat.path}/messages", student.token, body="Too late",
                     client_key="late")
    assert late.status_code == 409 and message_count() == 0
    news = opening_event(updates(client, chat.id, student.token, after=0))
    assert news["status"] == "ended"


def test_updates_renew_a_launch_token_near_its_expiry(app, client, student, chat):
    secret = app.config["SECRET_KEY"]
    context = read(student.token, secret, utcnow())
    short = issue(context, secret, utcnow(), 60)
    news = opening_event(updates(client, chat.id, short, after=0))
    renewed = news["launch_token"]
    assert read(renewed, secret, utcnow() + timedelta(minutes=30)) == context
    assert post_json(client, f"{chat.path}/messages", renewed, body="Still here",
                     client_key="r").status_code == 201
    fresh = opening_event(updates(client, chat.id, renewed, after=1))
    assert "launch_token" not in fresh


def test_no_renewal_long_after_the_launch_or_once_the_session_is_over(app, client, student,
                                                                      chat):
    secret = app.config["SECRET_KEY"]
    context = read(student.token, secret, utcnow())
    launched_long_ago = replace(context, launched_at=context.launched_at - 9 * 3600)
    old = issue(launched_long_ago, secret, utcnow(), 60)
    assert "launch_token" not in opening_event(updates(client, chat.id, old, after=0))
    short = issue(context, secret, utcnow(), 60)
    post_json(client, f"{chat.path}/end", short)
    assert "launch_token" not in opening_event(updates(client, chat.id, short, after=0))
