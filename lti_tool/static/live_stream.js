// Follow a live stream: server-sent events read with fetch, so that a launch token can travel
// in a header. Each event's data goes to onEvent; the stream is opened again when the server
// ends it, and after a failure with a growing pause. Used by live_chat.js and tutor_queue.js.
(function () {
  "use strict";

  const FIRST_DELAY = 1000;
  const MAX_DELAY = 30000;

  function pause(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // The parsed data of each event in a response body; comments (keep-alives) are skipped.
  async function* events(response) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const data = buffer.slice(0, end).split("\n")
            .filter(function (line) { return line.startsWith("data:"); })
            .map(function (line) { return line.slice(5).trimStart(); })
            .join("\n");
          buffer = buffer.slice(end + 2);
          if (data) yield JSON.parse(data);
        }
      }
    } finally {
      reader.cancel().catch(function () {});
    }
  }

  // options.url(): where to open the stream (asked each time: a cursor may have moved);
  // options.headers(): request headers; options.onEvent(data): true stops following;
  // options.onRefused(status): the server refused the page (401, 403, 404), following stops;
  // options.onTrouble(): the connection failed, a retry follows.
  async function follow(options) {
    let delay = FIRST_DELAY;
    while (true) {
      try {
        const headers = Object.assign({}, options.headers(), { Accept: "text/event-stream" });
        const response = await fetch(options.url(), {
          headers: headers, credentials: "same-origin", cache: "no-store",
        });
        if ([401, 403, 404].includes(response.status)) {
          options.onRefused(response.status);
          return;
        }
        if (!response.ok) throw new Error("status " + response.status);
        for await (const data of events(response)) {
          delay = FIRST_DELAY;
          if (options.onEvent(data)) return;
        }
      } catch (error) {
        options.onTrouble();
        // Spread: after a restart, every open page must not come back at the same moment.
        await pause(delay * (0.5 + Math.random() / 2));
        delay = Math.min(delay * 2, MAX_DELAY);
      }
    }
  }

  window.liveStream = { follow: follow };
})();
