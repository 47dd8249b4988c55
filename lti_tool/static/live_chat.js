// Live tutoring pages, for students and tutors alike: the waiting room and the chat follow the
// server's stream (live_stream.js), messages are sent without a reload, counters count
// characters.
// Everything the script needs comes from data- attributes (the CSP forbids inline scripts).
(function () {
  "use strict";

  // <textarea maxlength="n" data-counter="id"> shows "x of n characters" in that element.
  document.querySelectorAll("textarea[data-counter]").forEach(function (field) {
    const counter = document.getElementById(field.dataset.counter);
    if (!counter) return;
    const update = function () {
      counter.textContent = field.value.length + " of " + field.maxLength + " characters";
    };
    field.addEventListener("input", update);
    update();
    counter.hidden = false;
  });

  // The chat (student or tutor) or the student's waiting room; other live parts have scripts
  // of their own.
  const live = document.querySelector("#chat[data-updates-url], #waiting-room[data-updates-url]");
  if (!live) return;
  const data = live.dataset;
  const shownStatus = data.status;
  const transcript = document.getElementById("transcript");
  const sendForm = document.getElementById("send-form");
  const statusLine = document.getElementById("live-status");
  const queueSummary = document.getElementById("queue-summary");
  const baseTitle = document.title;
  const shown = new Set();
  // Every message up to `after` is on the page; the server is always asked for what follows.
  let after = Number(data.after) || 0;
  let launchToken = data.launchToken || null;
  let troubleShown = false;
  let expired = false;
  let unseen = 0;

  if (transcript) {
    transcript.querySelectorAll("li[data-seq]").forEach(function (item) {
      shown.add(Number(item.dataset.seq));
    });
  }

  function newKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function headers() {
    const result = { Accept: "application/json" };
    if (launchToken) result["X-Launch-Token"] = launchToken;
    if (data.csrfToken) result["X-CSRFToken"] = data.csrfToken;
    return result;
  }

  // A renewed launch token replaces the old one everywhere: later requests and every form.
  function useToken(token) {
    launchToken = token;
    live.dataset.launchToken = token;
    document.querySelectorAll('input[name="launch_token"]').forEach(function (input) {
      input.value = token;
    });
  }

  function say(text, trouble) {
    if (statusLine) statusLine.textContent = text;
    troubleShown = Boolean(trouble);
  }

  // The page no longer speaks for anyone (the launch token expired, the tutor was signed
  // out): say so once, stop following and sending; only a reload or a new launch helps. What
  // was typed stays in the box, to copy.
  function expire() {
    if (expired) return;
    expired = true;
    say(data.expiredMessage || "This page is out of date. Reload it to continue.", true);
    if (sendForm) {
      const field = sendForm.elements.namedItem("body");
      if (field) field.readOnly = true;
      sendForm.querySelectorAll('button[type="submit"]').forEach(function (button) {
        button.disabled = true;
      });
    }
  }

  function show(message, fromOthers) {
    if (!transcript || shown.has(message.seq)) return;
    const item = document.createElement("li");
    item.dataset.seq = String(message.seq);
    item.className = "from-" + message.role;
    const heading = document.createElement("p");
    heading.className = "line-heading";
    heading.textContent = message.heading;
    const body = document.createElement("p");
    body.className = "line-body";
    body.textContent = message.body;
    item.append(heading, body);
    // Seq order, even when one's own message comes back before a message sent just before it.
    const later = Array.from(transcript.children).find(function (other) {
      return Number(other.dataset.seq) > message.seq;
    });
    transcript.insertBefore(item, later || null);
    shown.add(message.seq);
    const empty = document.getElementById("transcript-empty");
    if (empty) empty.hidden = true;
    if (!later) {
      const box = transcript.parentElement;
      box.scrollTop = box.scrollHeight;
    }
    if (fromOthers && message.role !== data.role && document.hidden) {
      unseen += 1;
      document.title = "(" + unseen + ") " + baseTitle;
    }
  }

  function advance() {
    while (shown.has(after + 1)) after += 1;
  }

  function reloadPage() {
    const form = data.reloadForm && document.getElementById(data.reloadForm);
    if (form) form.submit();
    else window.location.reload();
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      unseen = 0;
      document.title = baseTitle;
    }
  });

  function streamUrl() {
    const url = new URL(data.updatesUrl, window.location.href);
    url.searchParams.set("after", String(after));
    return url;
  }

  // Show what one event brought; true when the page must be rendered again by the server.
  function apply(news) {
    if (expired) return true;  // a send found the page expired meanwhile
    if (troubleShown) say("");
    if (news.launch_token) useToken(news.launch_token);
    (news.messages || []).forEach(function (message) {
      show(message, true);
      after = Math.max(after, message.seq);
    });
    if (news.queue && queueSummary && queueSummary.textContent !== news.queue.summary) {
      queueSummary.textContent = news.queue.summary;
    }
    if (news.status !== shownStatus) {
      reloadPage();  // the server renders the new state (waiting → active → ended)
      return true;
    }
    return false;
  }

  function wireSending() {
    const field = sendForm.elements.namedItem("body");
    const button = sendForm.querySelector('button[type="submit"]');
    const hint = document.getElementById("send-hint");
    // The text being sent and its key: a retry of the same text reuses the key, so a message
    // whose answer was lost is not stored twice.
    let pending = null;
    let sending = false;
    if (hint) hint.hidden = false;
    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendForm.requestSubmit();
      }
    });
    sendForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const text = field.value;
      if (sending || expired) return;
      if (!text.trim()) {
        say("Write a message before sending.");
        return;
      }
      if (!pending || pending.text !== text) pending = { text: text, key: newKey() };
      sending = true;
      button.disabled = true;
      try {
        const response = await fetch(data.sendUrl, {
          method: "POST", headers: headers(), credentials: "same-origin",
          body: new URLSearchParams({ body: text, client_key: pending.key }),
        });
        if (response.status === 401 || response.status === 403) {
          expire();
          return;
        }
        const answer = await response.json().catch(function () { return {}; });
        if (response.ok) {
          show(answer, false);
          advance();
          pending = null;
          if (field.value === text) field.value = "";  // keep what was typed meanwhile
          field.dispatchEvent(new Event("input"));
          say("");
        } else {
          say(answer.error || "Your message was not sent. Try again.");
        }
      } catch (error) {
        say("Your message was not sent: the connection dropped. Send it again; it will not be " +
            "stored twice.", false);
      } finally {
        sending = false;
        if (!expired) {
          button.disabled = false;
          field.focus();
        }
      }
    });
  }

  if (sendForm && data.sendUrl) wireSending();
  window.liveStream.follow({
    url: streamUrl,
    headers: headers,
    onEvent: apply,
    onRefused: expire,
    onTrouble: function () { say("The connection dropped; trying again…", true); },
  });
})();
