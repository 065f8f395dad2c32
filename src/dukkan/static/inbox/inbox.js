/* The live parts of the agents' inbox. No dependencies.
 *
 * The page is rendered by the server; this script keeps it current. It speaks the agent
 * protocol of docs/protocol.md over /ws/chat/agent/: `hello` with the conversation's last seq
 * and `inbox: true`, then event, typing, viewing and inbox frames. An event frame only tells
 * the page that something is new: the page then asks the server for the rendered events after
 * its last seq, so the database stays the truth and every event shows once, in order
 * (elements are keyed by data-seq). Without a socket it polls the same endpoints.
 * Message text is never inserted as HTML here: it comes escaped from the server's templates,
 * and notifications use textContent-like plain strings.
 */
(function () {
  "use strict";
  var root = document.getElementById("inbox");
  if (!root) return;

  var page = root.dataset.page || "";
  var conversationId = parseInt(root.dataset.conversation || "0", 10);
  var lastSeq = parseInt(root.dataset.lastSeq || "0", 10);
  var me = parseInt(root.dataset.user || "0", 10);
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var socket = null;
  var attempt = 0;
  var heartbeat = 25;
  var pingTimer = null;
  var watchdog = null;
  var pollTimer = null;
  var lastFrameAt = 0;
  var baseTitle = document.title;

  function t(key, name) {
    var text = root.dataset["t" + key.charAt(0).toUpperCase() + key.slice(1)] || key;
    return name === undefined ? text : text.replace("{name}", name);
  }

  function $(selector, scope) { return (scope || root).querySelector(selector); }
  function $all(selector, scope) { return Array.prototype.slice.call((scope || root).querySelectorAll(selector)); }

  /* ---------------------------------------------------------------- connection state */
  var liveStatus = $("[data-role=live-status]");
  function showState(state) {
    if (!liveStatus) return;
    liveStatus.dataset.state = state;
    var text = $("[data-role=live-text]", liveStatus);
    if (text) text.textContent = state === "live" ? t("live") : state === "polling" ? t("polling") : t("offline");
  }

  function send(frame) {
    if (socket && socket.readyState === 1) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function connect() {
    if (!("WebSocket" in window) || !root.dataset.ws) { startPolling(); return; }
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var opened = false;
    try {
      socket = new WebSocket(scheme + location.host + root.dataset.ws);
    } catch (error) {
      reconnectLater();
      return;
    }
    socket.onopen = function () { opened = true; };
    socket.onmessage = function (message) {
      lastFrameAt = Date.now();
      var frame;
      try { frame = JSON.parse(message.data); } catch (error) { return; }
      if (frame && typeof frame === "object") handle(frame);
    };
    socket.onclose = function (event) {
      socket = null;
      clearInterval(pingTimer);
      clearInterval(watchdog);
      if (event.code === 4401) { showState("offline"); return; }  // not a member: no retry
      if (!opened) attempt += 1;
      reconnectLater();
    };
  }

  function reconnectLater() {
    startPolling();
    showState("polling");
    var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
    attempt += 1;
    setTimeout(connect, delay);
  }

  function onWelcome(frame) {
    attempt = 0;
    heartbeat = frame.heartbeat || 25;
    stopPolling();
    showState("live");
    var after = {};
    if (conversationId) after[String(conversationId)] = lastSeq;
    send({ type: "hello", after: after, inbox: true });
    if (frame.presence) showPresence(frame.presence);
    clearInterval(pingTimer);
    pingTimer = setInterval(function () { send({ type: "ping" }); }, heartbeat * 1000);
    clearInterval(watchdog);
    watchdog = setInterval(function () {
      if (Date.now() - lastFrameAt > heartbeat * 2000 && socket) socket.close();
    }, heartbeat * 1000);
    // Whatever happened while we were away: the server's view is the truth.
    if (page === "list") refreshList();
    if (conversationId) fetchEvents();
    refreshCounts();
  }

  function handle(frame) {
    switch (frame.type) {
      case "welcome": onWelcome(frame); break;
      case "event":
        if (frame.conversation === conversationId && frame.seq > lastSeq) fetchEvents();
        break;
      case "synced":
        if (frame.conversation === conversationId && frame.seq > lastSeq) fetchEvents();
        break;
      case "typing": onTyping(frame); break;
      case "viewing": onViewing(frame); break;
      case "receipt": onReceipt(frame); break;
      case "inbox": onInbox(frame); break;
      default: break;
    }
  }

  /* ---------------------------------------------------------------- polling fallback */
  function startPolling() {
    if (pollTimer) return;
    pollTimer = setInterval(function () {
      if (conversationId) fetchEvents();
      if (page === "list") refreshList();
      refreshCounts();
    }, 3000);
  }
  function stopPolling() { clearInterval(pollTimer); pollTimer = null; }

  /* ---------------------------------------------------------------- the thread */
  var thread = $("[data-role=thread]");
  var fetching = false;
  var fetchAgain = false;

  function fetchEvents() {
    if (!conversationId || !root.dataset.eventsUrl) return;
    if (fetching) { fetchAgain = true; return; }
    fetching = true;
    fetch(root.dataset.eventsUrl + "?after=" + lastSeq, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        var read = parseInt(response.headers.get("X-Visitor-Read") || "0", 10);
        var delivered = parseInt(response.headers.get("X-Visitor-Delivered") || "0", 10);
        return response.text().then(function (html) { appendEvents(html); markStates(delivered, read); });
      })
      .catch(function () { /* the next frame or poll tries again */ })
      .then(function () {
        fetching = false;
        if (fetchAgain) { fetchAgain = false; fetchEvents(); }
      });
  }

  function appendEvents(html) {
    if (!thread) return;
    var holder = document.createElement("ol");
    holder.innerHTML = html;  // server-rendered and escaped by Django's templates
    var added = false;
    $all("[data-seq]", holder).forEach(function (item) {
      var seq = parseInt(item.dataset.seq, 10);
      if (seq <= lastSeq || thread.querySelector('[data-seq="' + seq + '"]')) return;
      var empty = $("[data-role=no-events]", thread);
      if (empty) empty.remove();
      item.classList.add("fresh");
      thread.appendChild(item);
      lastSeq = seq;
      added = true;
      if (item.dataset.kind === "receipt" && item.dataset.read) markStates(0, parseInt(item.dataset.read, 10));
      if (item.dataset.kind === "status" && item.dataset.to) showStatus(item.dataset.to);
      if (item.dataset.kind === "assignment") {
        var assignee = document.getElementById("assignee");
        if (assignee && document.activeElement !== assignee) assignee.value = item.dataset.to || "";
      }
      if (item.dataset.kind === "message" && item.dataset.author === "visitor" && document.hidden) {
        var name = ($("#conversation-title") || {}).textContent || "";
        var bubble = $(".bubble", item);
        notify(t("newMessage", name.trim()), bubble ? bubble.textContent : "", "c" + conversationId + ":" + seq);
      }
    });
    root.dataset.lastSeq = String(lastSeq);
    if (added) {
      thread.scrollTop = thread.scrollHeight;
      markRead();
    }
  }

  var statusLabels = {};
  var statusScript = document.getElementById("status-labels");
  if (statusScript) { try { statusLabels = JSON.parse(statusScript.textContent) || {}; } catch (error) { statusLabels = {}; } }
  function showStatus(status) {
    var chip = $("[data-role=status-chip]");
    if (!chip || !statusLabels[status]) return;
    chip.className = "chip status-" + status;
    chip.textContent = "";
    var label = document.createElement("span");
    label.className = "cap";
    label.textContent = statusLabels[status];
    chip.appendChild(label);
  }

  function markStates(delivered, read) {
    $all('[data-author="agent"][data-kind="message"]', thread || root).forEach(function (item) {
      var seq = parseInt(item.dataset.seq, 10);
      var state = $("[data-role=state]", item);
      if (!state) return;
      if (read && seq <= read) { state.textContent = "✓✓ " + t("seen"); state.classList.add("seen"); }
      else if (delivered && seq <= delivered && !state.classList.contains("seen")) state.textContent = "✓✓ " + t("delivered");
    });
  }

  function onReceipt(frame) {
    if (frame.conversation !== conversationId || frame.side !== "visitor") return;
    markStates(frame.delivered || 0, 0);
  }

  var readSent = 0;
  function markRead() {
    if (!conversationId || document.hidden || lastSeq <= readSent) return;
    readSent = lastSeq;
    if (send({ type: "read", conversation: conversationId, seq: lastSeq })) return;
    var body = new FormData();
    body.append("seq", String(lastSeq));
    fetch(root.dataset.readUrl, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf } }).catch(function () { readSent = 0; });
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { markRead(); updateTitle(); }
  });

  /* ---------------------------------------------------------------- typing and viewing */
  var indicators = $("[data-role=indicators]");
  var others = {};  // key -> {text, until}
  function renderIndicators() {
    if (!indicators) return;
    var now = Date.now();
    var lines = [];
    Object.keys(others).forEach(function (key) {
      if (others[key].until < now) delete others[key];
      else lines.push(others[key].text);
    });
    indicators.textContent = lines.join(" · ");
  }
  setInterval(renderIndicators, 1000);

  function onTyping(frame) {
    if (frame.conversation !== conversationId || !frame.author) return;
    if (frame.author.kind === "agent" && frame.author.id === me) return;
    var key = "typing:" + frame.author.kind + ":" + (frame.author.id || "visitor");
    if (frame.on) {
      var name = frame.author.name || ($("#conversation-title") || {}).textContent || "";
      others[key] = { text: t(frame.note ? "noting" : "typing", name.trim()), until: Date.now() + 8000 };
    } else {
      delete others[key];
    }
    renderIndicators();
  }

  function onViewing(frame) {
    if (frame.conversation !== conversationId || !frame.agent || frame.agent.id === me) return;
    var key = "viewing:" + frame.agent.id;
    if (frame.on) others[key] = { text: t("viewing", frame.agent.name || ""), until: Date.now() + heartbeat * 2000 + 1000 };
    else delete others[key];
    renderIndicators();
  }

  /* ---------------------------------------------------------------- the inbox stream */
  var listTimer = null;
  var unread = 0;
  var notified = {};

  function onInbox(frame) {
    if (frame.change === "counts" && frame.counts) {
      unread = frame.counts.unread || 0;
      updateTitle();
      return;
    }
    if (frame.change === "presence") return;
    if (frame.change === "conversation" && frame.conversation) {
      var c = frame.conversation;
      if (c.unread && c.last_message_author === "visitor" && c.id !== conversationId) {
        var key = c.id + ":" + c.last_seq;
        if (!notified[key]) {
          notified[key] = true;
          var isNew = c.last_seq <= 2;
          notify(isNew ? t("newConversation") : t("newMessage", c.name || ""), c.last_message_preview || "", "c" + c.id);
        }
      }
      if (page === "list") {
        clearTimeout(listTimer);
        listTimer = setTimeout(refreshList, 250);
      }
      refreshCounts();
    }
  }

  function refreshList() {
    var region = $("[data-role=list-region]");
    if (!region || !root.dataset.refreshUrl) return;
    fetch(root.dataset.refreshUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { if (!response.ok) throw new Error(); return response.text(); })
      .then(function (html) {
        var focused = document.activeElement && document.activeElement.closest("[data-conversation]");
        var keep = focused ? focused.dataset.conversation : null;
        region.innerHTML = html;  // server-rendered, escaped
        if (keep) {
          var again = region.querySelector('[data-conversation="' + keep + '"] a');
          if (again) again.focus();
        }
      })
      .catch(function () {});
  }

  var countsBusy = false;
  function refreshCounts() {
    if (countsBusy || !root.dataset.countsUrl) return;
    countsBusy = true;
    fetch(root.dataset.countsUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        unread = data.waiting || 0;
        updateTitle();
        var badge = document.querySelector("[data-role=nav-waiting]");
        if (badge) {
          badge.hidden = unread === 0;
          badge.textContent = number(unread);
        }
      })
      .catch(function () {})
      .then(function () { countsBusy = false; });
  }

  function number(value) {
    // Persian readers get Persian digits; Arabic pages keep Latin ones, like the server's.
    var text = String(value);
    if (document.documentElement.lang !== "fa") return text;
    return text.replace(/[0-9]/g, function (d) { return String.fromCharCode(0x06F0 + Number(d)); });
  }

  function updateTitle() {
    document.title = unread > 0 ? "(" + unread + ") " + baseTitle : baseTitle;
  }

  /* ---------------------------------------------------------------- browser notifications */
  var ask = $("[data-role=ask-notifications]");
  if (ask && "Notification" in window && Notification.permission === "default") {
    ask.hidden = false;
    ask.addEventListener("click", function () {
      Notification.requestPermission().then(function () { ask.hidden = true; });
    });
  }
  function notify(title, body, tag) {
    if (!document.hidden || !("Notification" in window) || Notification.permission !== "granted") return;
    try {
      var shown = new Notification(title, { body: String(body).slice(0, 160), tag: tag });
      shown.onclick = function () { window.focus(); shown.close(); };
    } catch (error) { /* some browsers only allow notifications from a service worker */ }
  }

  /* ---------------------------------------------------------------- presence */
  var presenceSelect = $("[data-role=presence-select]");
  function showPresence(status) {
    var dot = $("[data-role=presence-dot]");
    if (dot) dot.className = "dot " + status;
    if (presenceSelect && (status === "online" || status === "away")) presenceSelect.value = status;
  }
  if (presenceSelect) {
    presenceSelect.addEventListener("change", function () {
      if (send({ type: "presence", status: presenceSelect.value })) showPresence(presenceSelect.value);
    });
  }

  /* ---------------------------------------------------------------- the reply box */
  var form = $("form[data-role=reply]");
  var textarea = form ? $("textarea[name=body]", form) : null;
  var suggestions = $("[data-role=suggestions]");
  var canned = [];
  var cannedScript = document.getElementById("canned-replies");
  if (cannedScript) { try { canned = JSON.parse(cannedScript.textContent) || []; } catch (error) { canned = []; } }

  function isNote() {
    var checked = form ? $("input[name=kind]:checked", form) : null;
    return !!checked && checked.value === "note";
  }
  function setMode(kind) {
    if (!form) return;
    var radio = $('input[name=kind][value="' + kind + '"]', form);
    if (radio) radio.checked = true;
    form.classList.toggle("note-mode", kind === "note");
  }
  if (form) {
    $all("input[name=kind]", form).forEach(function (radio) {
      radio.addEventListener("change", function () { setMode(isNote() ? "note" : "message"); });
    });
    setMode(isNote() ? "note" : "message");
  }

  var typingOn = false;
  var typingSentAt = 0;
  var typingStop = null;
  function typing(on) {
    if (!conversationId) return;
    var now = Date.now();
    if (on && typingOn && now - typingSentAt < 4000) { /* still fresh */ }
    else if (on || typingOn) {
      send({ type: "typing", conversation: conversationId, on: on, note: isNote() });
      typingSentAt = now;
    }
    typingOn = on;
    clearTimeout(typingStop);
    if (on) typingStop = setTimeout(function () { typing(false); }, 5000);
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "x" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  var sending = false;
  function submitReply() {
    if (!form || sending) return;
    var text = textarea.value;
    var file = $("input[type=file]", form);
    if (!text.trim() && !(file && file.files && file.files.length)) return;
    var idField = $("input[name=client_id]", form);
    if (!idField.value) idField.value = uuid();  // kept until it succeeds: a retry never duplicates
    var body = new FormData(form);
    var button = $("[data-role=send]", form);
    sending = true;
    if (button) button.disabled = true;
    typing(false);
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin", headers: { "X-Requested-With": "fetch", "X-CSRFToken": csrf } })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (!result.ok) { showError(result.data.error || t("sendFailed")); return; }
        clearError();
        textarea.value = "";
        idField.value = "";
        if (file) file.value = "";
        setMode("message");
        fetchEvents();
      })
      .catch(function () { showError(t("sendFailed")); })
      .then(function () { sending = false; if (button) button.disabled = false; });
  }

  function showError(text) {
    var box = $("[data-role=reply-error]", form);
    if (!box) {
      box = document.createElement("div");
      box.className = "errorlist nonfield";
      box.setAttribute("role", "alert");
      box.dataset.role = "reply-error";
      form.insertBefore(box, form.firstChild);
    }
    box.textContent = text;
  }
  function clearError() {
    var box = $("[data-role=reply-error]", form);
    if (box) box.remove();
  }

  if (form && textarea) {
    form.addEventListener("submit", function (event) { event.preventDefault(); submitReply(); });
    textarea.addEventListener("input", function () {
      typing(textarea.value.length > 0);
      updateSuggestions();
    });
    textarea.addEventListener("blur", function () { setTimeout(hideSuggestions, 150); });
    textarea.addEventListener("keydown", function (event) {
      if (suggestions && !suggestions.hidden) {
        if (event.key === "ArrowDown" || event.key === "ArrowUp") { event.preventDefault(); moveSuggestion(event.key === "ArrowDown" ? 1 : -1); return; }
        if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); chooseSuggestion(); return; }
        if (event.key === "Escape") { event.preventDefault(); hideSuggestions(); return; }
      }
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); submitReply(); return; }
      if (event.key === "Escape") textarea.blur();
    });
  }

  /* ---------------------------------------------------------------- canned replies: /shortcut */
  var matches = [];
  var chosen = 0;
  function currentShortcut() {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var found = /(^|\s)\/([^\s\/]*)$/.exec(before);
    return found ? { word: found[2], start: before.length - found[2].length - 1 } : null;
  }
  function updateSuggestions() {
    if (!suggestions || !canned.length) return;
    var at = currentShortcut();
    if (!at) { hideSuggestions(); return; }
    var word = at.word.toLowerCase();
    matches = canned.filter(function (reply) {
      return reply.shortcut.toLowerCase().indexOf(word) === 0 || reply.title.toLowerCase().indexOf(word) !== -1;
    }).slice(0, 8);
    if (!matches.length) { hideSuggestions(); return; }
    chosen = 0;
    suggestions.textContent = "";
    matches.forEach(function (reply, index) {
      var item = document.createElement("li");
      item.setAttribute("role", "option");
      item.dataset.shortcut = reply.shortcut;
      var shortcut = document.createElement("span");
      shortcut.className = "sc";
      shortcut.textContent = "/" + reply.shortcut;
      var title = document.createElement("span");
      title.className = "tt";
      title.textContent = reply.title;
      item.appendChild(shortcut);
      item.appendChild(title);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); chosen = index; chooseSuggestion(); });
      suggestions.appendChild(item);
    });
    suggestions.hidden = false;
    markChosen();
  }
  function markChosen() {
    $all("li", suggestions).forEach(function (item, index) { item.setAttribute("aria-selected", index === chosen ? "true" : "false"); });
  }
  function moveSuggestion(step) { chosen = (chosen + step + matches.length) % matches.length; markChosen(); }
  function hideSuggestions() { if (suggestions) suggestions.hidden = true; }
  function chooseSuggestion() {
    var reply = matches[chosen];
    var at = currentShortcut();
    if (!reply || !at) { hideSuggestions(); return; }
    var value = textarea.value;
    var end = textarea.selectionStart;
    textarea.value = value.slice(0, at.start) + reply.body + value.slice(end);
    var caret = at.start + reply.body.length;
    textarea.setSelectionRange(caret, caret);
    hideSuggestions();
    textarea.focus();
  }

  /* ---------------------------------------------------------------- keyboard shortcuts */
  var help = $("[data-role=help]");
  var showHelp = $("[data-role=show-help]");
  if (showHelp && help && help.showModal) showHelp.addEventListener("click", function () { help.showModal(); });

  function typingInField(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function moveInList(step) {
    var rows = $all(".conv-row");
    if (!rows.length) return;
    var at = rows.indexOf(document.activeElement);
    var next = at === -1 ? 0 : Math.max(0, Math.min(rows.length - 1, at + step));
    rows[next].focus();
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typingInField(event.target)) return;
    if (help && help.open) return;
    switch (event.key) {
      case "j":
        if (page === "list") moveInList(1);
        else if (root.dataset.nextUrl) location.href = root.dataset.nextUrl;
        break;
      case "k":
        if (page === "list") moveInList(-1);
        else if (root.dataset.prevUrl) location.href = root.dataset.prevUrl;
        break;
      case "r":
        if (textarea) { event.preventDefault(); setMode("message"); textarea.focus(); }
        break;
      case "n":
        if (textarea) { event.preventDefault(); setMode("note"); textarea.focus(); }
        break;
      case "e":
        var resolve = $("form[data-role=resolve]");
        if (resolve) { event.preventDefault(); resolve.submit(); }
        break;
      case "/":
        var search = $("[data-role=search]");
        if (search) { event.preventDefault(); search.focus(); }
        else if (textarea) { event.preventDefault(); textarea.focus(); textarea.value += (textarea.value && !/\s$/.test(textarea.value) ? " /" : "/"); updateSuggestions(); }
        break;
      case "?":
        if (help && help.showModal) { event.preventDefault(); help.showModal(); }
        break;
      default: break;
    }
  });

  /* ---------------------------------------------------------------- start */
  if (thread) thread.scrollTop = thread.scrollHeight;
  markRead();
  connect();
})();
