"""Live pages follow a session through one streamed request at a time (server-sent events).

A page opens the stream with the seq of the last message it shows. The first event is the
session's state at once; later events carry each change; a comment every
LIVE_HEARTBEAT_SECONDS lets both ends notice a dead connection. The stream ends within
LIVE_STREAM_SECONDS, or once the session's state changes (the page then reloads), and the
page opens the next one: access is checked afresh each time.
"""

import json
import random
from collections.abc import Callable, Iterable, Iterator

from flask import Response, abort, current_app, request, stream_with_context

from .. import live
from ..domain.ids import parse_id
from ..domain.session_states import OPEN

KEEP_ALIVE = ": still here\n\n"
LIFETIME_SPREAD = 0.5  # streams last between half of LIVE_STREAM_SECONDS and all of it


class SessionFeed:
    """What one stream has sent about a session, so that it answers only with what is new.

    `read(after, notes)` returns the session's state as the page shows it: `status`, the
    `messages` after seq `after`, and whatever else the page follows (the student's queue
    place); `notes` are what announcements carried (live.follow). The opening answer always
    goes out, with `opening`'s entries added.
    """

    def __init__(self, read: Callable[[int, list[str] | None], dict], after: int,
                 opening: dict | None = None) -> None:
        self.read, self.after, self.opening = read, after, opening or {}
        self.shown: dict | None = None
        self.opened_as: str | None = None

    def news(self, notes: list[str] | None) -> dict | None:
        """Return the session's state when it changed since the last answer, else None."""
        answer = self.read(self.after, notes)
        state = {key: value for key, value in answer.items() if key != "messages"}
        if not answer["messages"] and state == self.shown:
            return None
        if answer["messages"]:
            self.after = answer["messages"][-1]["seq"]
        self.shown = state
        if self.opened_as is None:
            self.opened_as = answer["status"]
            answer.update(self.opening)
        return answer

    def is_last(self, answer: dict) -> bool:
        """Whether the page reloads after this answer: the session left the state it had."""
        # Pages follow open sessions live; any other state is the last event of its stream.
        return answer["status"] != self.opened_as or answer["status"] not in OPEN


def transcript_cursor() -> int:
    """Return the seq of the last message the page shows (`after`), or answer 400."""
    after = parse_id(request.args.get("after", "0"))
    if after is None:
        abort(400, description="The transcript position is malformed; reload the page.")
    return after


def event(answer: dict) -> str:
    """Return one server-sent event carrying `answer` (compact JSON holds no newline)."""
    return f"data: {json.dumps(answer, separators=(',', ':'))}\n\n"


def event_stream(channels: Iterable[str], news: Callable[[list[str] | None], dict | None],
                 is_last: Callable[[dict], bool] = lambda answer: False) -> Response:
    """Answer a live page with news() as events whenever an announcement on `channels` brings
    some, until LIVE_STREAM_SECONDS pass or an answer is the last."""
    config = current_app.config
    watched = list(channels)
    # Pages opened together (a class, everyone after a restart) would otherwise all reopen
    # their streams at the same moment, again and again: each stream lasts a little less.
    lifetime = config["LIVE_STREAM_SECONDS"] * random.uniform(1 - LIFETIME_SPREAD, 1)

    def events() -> Iterator[str]:
        for answer in live.follow(watched, news, lifetime, config["LIVE_HEARTBEAT_SECONDS"]):
            if answer is None:
                yield KEEP_ALIVE
                continue
            yield event(answer)
            if is_last(answer):
                return

    return Response(stream_with_context(events()), mimetype="text/event-stream",
                    # A buffering proxy would hold every event back until the stream ends.
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
