// Keep the tutor console current: long-poll the queue and redraw it when it changes.
(function () {
  const root = document.getElementById("queue");
  if (!root) return;
  const status = document.getElementById("queue-status");
  const MAX_DELAY = 30000;
  let version = root.dataset.version;
  let delay = 1000;
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

  async function poll() {
    let data;
    try {
      const url = root.dataset.updatesUrl + "?version=" + encodeURIComponent(version);
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.status === 401) {
        window.location.reload(); // signed out: the page asks to sign in again
        return;
      }
      if (!response.ok) throw new Error("status " + response.status);
      data = await response.json();
    } catch (error) {
      if (!offline) say("Lost contact with the server; retrying…");
      offline = true;
      window.setTimeout(poll, delay);
      delay = Math.min(delay * 2, MAX_DELAY);
      return;
    }
    delay = 1000;
    if (data.version !== version) {
      version = data.version;
      redraw(data.html);
      say(summary(data.entries));
    } else {
      tick(data.entries);
      if (offline) say("Connected again.");
    }
    offline = false;
    poll();
  }

  poll();
})();
