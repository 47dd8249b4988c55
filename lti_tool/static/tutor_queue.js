// Keep the tutor console current: follow the queue's stream (live_stream.js) and redraw the
// queue when it changes.
(function () {
  "use strict";
  const root = document.getElementById("queue");
  if (!root) return;
  const status = document.getElementById("queue-status");
  let version = root.dataset.version;
  let offline = false;

  function say(text) {
    if (status.textContent !== text) status.textContent = text;
  }

  function summary(entries) {
    if (entries.length === 0) return "The queue changed: nobody is waiting.";
    const who = entries.length === 1 ? "1 student is" : entries.length + " students are";
    return "The queue changed: " + who + " waiting.";
  }

  function redraw(html) {
    // Keep keyboard focus on the same control when it is still there after the redraw.
    const focusedId = root.contains(document.activeElement) ? document.activeElement.id : "";
    const fresh = document.createElement("template");
    fresh.innerHTML = html; // rendered and escaped by the server
    root.replaceChildren(fresh.content);
    const again = focusedId && document.getElementById(focusedId);
    if (again) again.focus();
  }

  function tick(entries) {
    entries.forEach(function (entry) {
      const cell = root.querySelector('[data-wait-for="' + entry.id + '"]');
      if (cell) cell.textContent = entry.wait_minutes + " min";
    });
  }

  window.liveStream.follow({
    url: function () { return root.dataset.updatesUrl; },
    headers: function () { return {}; },
    onEvent: function (data) {
      if (data.version !== version) {
        version = data.version;
        redraw(data.html);
        say(summary(data.entries));
      } else {
        tick(data.entries);
        if (offline) say("Connected again.");
      }
      offline = false;
      return false;
    },
    // Signed out: the page asks to sign in again.
    onRefused: function () { window.location.reload(); },
    onTrouble: function () {
      if (!offline) say("Lost contact with the server; retrying…");
      offline = true;
    },
  });
})();
