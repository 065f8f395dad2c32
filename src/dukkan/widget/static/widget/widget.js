/*! Dukkan chat widget. One file, no dependencies. Embed with:
 *  <script src="https://HOST/widget.js" data-store="SLUG" async></script>
 * Optional: data-lang="ar|fa|en"; a signed-in customer of the host site:
 *  data-user-id, data-user-name, data-user-email, data-user-signature (hex HMAC-SHA256 of the
 *  user id with the store's secret, computed on the host's server).
 * The delivery protocol it speaks is described in docs/protocol.md.
 */
(function () {
  "use strict";
  var W = window, D = document;
  var me = D.currentScript || D.querySelector("script[data-store][src*='widget.js']");
  if (!me || !me.getAttribute("data-store")) return;
  var SLUG = me.getAttribute("data-store");
  if ((W.__dukkanChat = W.__dukkanChat || {})[SLUG]) return;
  W.__dukkanChat[SLUG] = 1;
  var BASE = new URL(me.src, location.href).origin;
  var API = BASE + "/widget/" + encodeURIComponent(SLUG) + "/";
  var LANGS = ["ar", "fa", "en"];

  function pickLang() {
    var tries = [me.getAttribute("data-lang"), D.documentElement.lang].concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < tries.length; i++) {
      var code = String(tries[i] || "").toLowerCase().slice(0, 2);
      if (LANGS.indexOf(code) >= 0) return code;
    }
    return "en";
  }
  var LANG = pickLang();

  /* ---- storage (per store); a blocked localStorage degrades to memory ---- */
  var memory = {};
  function sget(k, d) {
    try { var v = localStorage.getItem("dukkan:" + SLUG + ":" + k); return v == null ? d : JSON.parse(v); }
    catch (e) { return k in memory ? memory[k] : d; }
  }
  function sset(k, v) {
    memory[k] = v;
    try { localStorage.setItem("dukkan:" + SLUG + ":" + k, JSON.stringify(v)); } catch (e) { /* memory only */ }
  }

  function json(method, url, body) {
    return fetch(url, {
      method: method, mode: "cors", credentials: "omit",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { var e = new Error((data.error && data.error.message) || r.status); e.data = data; e.status = r.status; throw e; }
        return data;
      });
    });
  }
  function uid() {
    if (W.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  function el(tag, cls, text) {
    var n = D.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text; // text only, never HTML
    return n;
  }
  function attrs(n, a) { for (var k in a) n.setAttribute(k, a[k]); return n; }
  function fmt(s, vars) { return String(s).replace(/%\((\w+)\)s/g, function (m, k) { return k in vars ? vars[k] : m; }); }

  var cfg, T = {}, ui = {}, token = sget("token", ""), open = false;
  function t(k, vars) { return fmt(T[k] || k, vars || {}); }

  /* ---- state ---- */
  var msgs = {};           // key (client id, or conversation:seq) -> {node, conv, seq, mine, state}
  var seqs = {};           // conversation id -> highest seq held (events and synced): the resume point
  var readBy = {};         // conversation id -> agents have read everything up to this seq
  var myRead = {};         // conversation id -> we told the server we read up to this seq
  var conv = sget("conv", 0); // the conversation this visitor writes to (0: none yet)
  var unread = 0;
  var outbox = sget("outbox", []); // [{client_id, body, attachment}] sent but not acknowledged
  var sound = sget("sound", null);

  /* ---------------------------------------------------------------- UI --- */
  var CSS = [
    ":host{all:initial}",
    ".r{--a:#0f766e;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Tahoma,'Noto Sans Arabic','Vazirmatn',sans-serif;color:#1f2937;position:fixed;inset-block-end:20px;inset-inline-end:20px;z-index:2147483000}",
    ".r *{box-sizing:border-box}",
    "button{font:inherit;cursor:pointer}",
    ":focus-visible{outline:3px solid #f59e0b;outline-offset:2px}",
    ".l{inline-size:58px;block-size:58px;border-radius:50%;border:0;background:var(--a);color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25);display:grid;place-items:center;position:relative}",
    ".l svg{inline-size:28px;block-size:28px;fill:currentColor}.ib svg{inline-size:20px;block-size:20px;fill:currentColor}",
    ".b{position:absolute;inset-block-start:-4px;inset-inline-end:-4px;min-inline-size:22px;block-size:22px;padding-inline:6px;border-radius:11px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;display:grid;place-items:center}",
    ".p{position:absolute;inset-block-end:72px;inset-inline-end:0;inline-size:370px;max-inline-size:calc(100vw - 40px);block-size:560px;max-block-size:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.28);display:flex;flex-direction:column;overflow:hidden}",
    "[hidden]{display:none!important}",
    ".h{background:var(--a);color:#fff;padding:12px 14px;display:flex;gap:8px;align-items:center}",
    ".h .n{flex:1;min-inline-size:0}.h strong{display:block;font-size:16px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}",
    ".st{font-size:12.5px;opacity:.95;display:flex;flex-direction:column}.sl{display:flex;gap:6px;align-items:center}",
    ".dot{inline-size:9px;block-size:9px;border-radius:50%;background:#9ca3af;display:inline-block}.on .dot{background:#4ade80}",
    ".ib{background:transparent;border:0;color:inherit;inline-size:34px;block-size:34px;border-radius:8px;display:grid;place-items:center;font-size:18px}",
    ".ib:hover{background:rgba(255,255,255,.18)}",
    ".cn{background:#fef3c7;color:#78350f;font-size:13px;padding:6px 12px}",
    ".lg{flex:1;overflow-y:auto;overflow-x:hidden;margin:0;padding:12px;list-style:none;display:flex;flex-direction:column;gap:6px;background:#f8fafc}",
    ".m{max-inline-size:82%;display:flex;flex-direction:column;align-items:flex-start}",
    ".m.me{align-self:flex-end;align-items:flex-end}",
    ".m .x{background:#fff;border:1px solid #e5e7eb;border-radius:14px;padding:7px 11px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;max-inline-size:100%}",
    ".m.me .x{background:var(--a);color:#fff;border-color:transparent}",
    ".m.sys .x{background:transparent;border:0;color:#6b7280;font-size:13px;text-align:center}.m.sys{align-self:center;max-inline-size:95%}",
    ".m .x a{color:inherit;display:inline-flex;gap:4px;align-items:center}.m .x a svg{inline-size:16px;block-size:16px}.m img{max-inline-size:100%;max-block-size:220px;border-radius:8px;display:block}",
    ".s{font-size:11.5px;color:#6b7280;margin-block-start:2px}",
    ".ty{font-size:12.5px;color:#6b7280;padding:2px 14px;min-block-size:20px}",
    ".er{color:#b91c1c;font-size:13px;padding:4px 12px}",
    ".c{display:flex;gap:6px;align-items:flex-end;border-block-start:1px solid #e5e7eb;padding:8px}",
    ".c textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:10px;padding:8px 10px;font:inherit;min-block-size:40px;max-block-size:120px;color:inherit;background:#fff}",
    ".c .ib{color:#4b5563;flex:none}.c .ib:hover{background:#f3f4f6}",
    ".sd{background:var(--a);color:#fff;border:0;border-radius:10px;padding:9px 14px;flex:none}",
    ".lm{font-size:11.5px;color:#6b7280;padding:0 12px 8px}",
    ".pf{padding:14px;display:flex;flex-direction:column;gap:10px;overflow-y:auto}",
    ".pf label{display:flex;flex-direction:column;gap:4px;font-size:14px}",
    ".pf input{font:inherit;padding:8px 10px;border:1px solid #d1d5db;border-radius:8px}",
    ".pf input[dir=ltr]{text-align:end}",
    "@media (max-width:480px){.r{inset-block-end:12px;inset-inline-end:12px}.p{position:fixed;inset:0;inline-size:100vw;max-inline-size:100vw;block-size:100%;max-block-size:none;border-radius:0}.r.o .l{display:none}}"
  ].join("");
  var NS = "http://www.w3.org/2000/svg";
  var ICONS = {
    chat: "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z",
    bell: "M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22zm7-5.5V11a7 7 0 0 0-5.5-6.8V3.5a1.5 1.5 0 0 0-3 0v.7A7 7 0 0 0 5 11v5.5L3 18.5V19h18v-.5z",
    clip: "M16.5 6.5 8 15a1.8 1.8 0 0 0 2.5 2.5l9-9a3.5 3.5 0 0 0-5-5l-9 9a5.3 5.3 0 0 0 7.5 7.5L21 12"
  };
  function icon(name, slash) {
    var svg = document.createElementNS(NS, "svg"), path = document.createElementNS(NS, "path");
    svg.setAttribute("viewBox", "0 0 24 24"); svg.setAttribute("aria-hidden", "true");
    path.setAttribute("d", ICONS[name]);
    if (name === "clip") attrs(path, { fill: "none", stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round" });
    svg.appendChild(path);
    if (slash) { var line = document.createElementNS(NS, "path"); attrs(line, { d: "M3 3l18 18", stroke: "currentColor", "stroke-width": "2.2" }); svg.appendChild(line); }
    return svg;
  }

  function build() {
    var host = el("div");
    host.setAttribute("data-dukkan-chat", SLUG);
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = el("style"); style.textContent = CSS; root.appendChild(style);
    var r = ui.root = attrs(el("div", "r"), { lang: LANG, dir: cfg.dir });
    r.style.setProperty("--a", cfg.accent_colour);
    var l = ui.launcher = attrs(el("button", "l"), { type: "button", "aria-label": t("open"), "aria-expanded": "false", "aria-haspopup": "dialog" });
    l.appendChild(icon("chat"));
    ui.badge = attrs(el("span", "b"), { hidden: "", "aria-hidden": "true" });
    l.appendChild(ui.badge);
    var p = ui.panel = attrs(el("section", "p"), { role: "dialog", "aria-label": t("title", { store: cfg.store_name }), hidden: "" });
    var h = el("div", "h"), n = el("div", "n");
    n.appendChild(el("strong", "", cfg.store_name));
    ui.status = el("span", "st");
    n.appendChild(ui.status);
    h.appendChild(n);
    ui.sound = attrs(el("button", "ib"), { type: "button" });
    ui.close = attrs(el("button", "ib", "\u2715"), { type: "button", "aria-label": t("close") });
    h.appendChild(ui.sound); h.appendChild(ui.close);
    p.appendChild(h);
    ui.conn = attrs(el("div", "cn"), { role: "status", hidden: "" });
    p.appendChild(ui.conn);
    supportBar(p);
    ui.form = attrs(el("form", "pf"), { hidden: "", novalidate: "" });
    p.appendChild(ui.form);
    ui.log = attrs(el("ol", "lg"), { role: "log", "aria-live": "polite", "aria-label": t("messages") });
    p.appendChild(ui.log);
    ui.typing = attrs(el("div", "ty"), { "aria-live": "polite" });
    p.appendChild(ui.typing);
    ui.err = attrs(el("div", "er"), { role: "alert" });
    p.appendChild(ui.err);
    answersBar(p);
    var c = ui.composer = el("form", "c");
    ui.attach = attrs(el("button", "ib"), { type: "button", "aria-label": t("attach") });
    ui.attach.appendChild(icon("clip"));
    ui.file = attrs(el("input"), { type: "file", hidden: "", accept: cfg.limits.attachment_types.join(","), tabindex: "-1" });
    ui.text = attrs(el("textarea"), { rows: "1", "aria-label": t("placeholder"), placeholder: t("placeholder"), maxlength: String(cfg.limits.message_chars), dir: "auto" });
    ui.send = attrs(el("button", "sd", t("send")), { type: "submit" });
    c.appendChild(ui.attach); c.appendChild(ui.file); c.appendChild(ui.text); c.appendChild(ui.send);
    p.appendChild(c);
    p.appendChild(ui.limits = el("div", "lm", t("limits")));
    r.appendChild(p); r.appendChild(l);
    root.appendChild(r);
    (D.body || D.documentElement).appendChild(host);

    if (cfg.welcome) addSystem(cfg.welcome);
    showStatus(cfg.online);
    if (sound == null) sound = !!cfg.sound;
    showSound();

    l.addEventListener("click", function () { setOpen(!open); });
    ui.close.addEventListener("click", function () { setOpen(false); });
    ui.sound.addEventListener("click", function () { sound = !sound; sset("sound", sound); showSound(); });
    r.addEventListener("keydown", function (e) { if (e.key === "Escape" && open) { e.preventDefault(); setOpen(false); } });
    c.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
    ui.text.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
    });
    ui.text.addEventListener("input", function () { grow(); typing(); answersSuggest(); });
    ui.attach.addEventListener("click", function () { ui.file.click(); });
    ui.file.addEventListener("change", function () { var f = ui.file.files && ui.file.files[0]; ui.file.value = ""; if (f) upload(f); });
    D.addEventListener("visibilitychange", function () { if (!D.hidden) { markRead(); title(); } });
  }

  function grow() { ui.text.style.blockSize = "auto"; ui.text.style.blockSize = Math.min(ui.text.scrollHeight + 2, 120) + "px"; }
  function showSound() {
    ui.sound.textContent = "";
    ui.sound.appendChild(icon("bell", !sound));
    attrs(ui.sound, { "aria-pressed": String(!!sound), "aria-label": t(sound ? "sound_on" : "sound_off") });
  }
  function showStatus(online) {
    ui.status.textContent = "";
    ui.status.className = "st" + (online ? " on" : "");
    var line = el("span", "sl");
    line.appendChild(el("i", "dot"));
    line.appendChild(el("span", "", t(online ? "online" : "offline")));
    ui.status.appendChild(line);
    ui.status.appendChild(el("span", "", cfg.reply_time));
  }
  var statusAt = Date.now();
  function refreshStatus() {
    // Whether someone is online changes; ask again when the panel opens, at most once a minute.
    if (Date.now() - statusAt < 60000) return;
    statusAt = Date.now();
    json("GET", API + "config?lang=" + LANG).then(function (c) { if (c.enabled) showStatus(c.online); }, function () {});
  }
  function conn(text) { ui.conn.textContent = text || ""; ui.conn.hidden = !text; }
  function error(text) { ui.err.textContent = text || ""; }

  function setOpen(v) {
    open = v;
    ui.panel.hidden = !v;
    ui.root.classList.toggle("o", v);
    ui.launcher.setAttribute("aria-expanded", String(v));
    if (v) {
      refreshStatus();
      if (!needForm()) { start(); ui.text.focus(); }
      else ensureSession().then(function () { if (needForm()) showForm(); else { start(); ui.text.focus(); } }, showForm);
      scroll(); markRead();
    } else {
      ui.launcher.focus();
    }
  }
  function scroll() { ui.log.scrollTop = ui.log.scrollHeight; }

  /* ---- pre-chat form ---- */
  function needForm() {
    // Not for a customer the host site vouched for, nor once the visitor has written.
    return Object.keys(cfg.prechat || {}).length && !me.getAttribute("data-user-id") && !sget("prechat", false) && !conv;
  }
  function showForm() {
    var f = ui.form, fields = cfg.prechat;
    f.textContent = "";
    f.appendChild(el("p", "", t("prechat_intro")));
    Object.keys(fields).forEach(function (name) {
      var lab = el("label"), req = fields[name] === "required";
      lab.appendChild(el("span", "", t(name) + (req ? " *" : " " + t("optional"))));
      var inp = attrs(el("input"), { name: name, type: name === "email" ? "email" : name === "phone" ? "tel" : "text", autocomplete: name === "phone" ? "tel" : name });
      if (name !== "name") inp.setAttribute("dir", "ltr");
      if (req) inp.setAttribute("aria-required", "true");
      lab.appendChild(inp);
      f.appendChild(lab);
    });
    var b = attrs(el("button", "sd", t("start")), { type: "submit" });
    f.appendChild(b);
    f.hidden = false; ui.log.hidden = ui.composer.hidden = ui.limits.hidden = true;
    f.onsubmit = function (e) {
      e.preventDefault();
      var data = { token: token };
      Object.keys(fields).forEach(function (k) { data[k] = f.elements[k].value.trim(); });
      b.disabled = true;
      ensureSession().then(function () {
        data.token = token;
        return json("POST", API + "prechat", data);
      }).then(function () {
        sset("prechat", true); hideForm(); ui.text.focus();
        // A connection opened before the form knows the visitor as they were: open a new one.
        if (link) { var l = link; l.close(); down(l); }
        start();
      }, function (e) {
        var errs = (e.data && e.data.error && e.data.error.fields) || {};
        var first = Object.keys(errs)[0];
        error(first ? errs[first] : e.message);
        if (first && f.elements[first]) f.elements[first].focus();
      }).then(function () { b.disabled = false; });
    };
    var firstInput = f.querySelector("input");
    if (firstInput) firstInput.focus();
  }
  function hideForm() { ui.form.hidden = true; ui.log.hidden = ui.composer.hidden = ui.limits.hidden = false; error(""); scroll(); }

  /* ---- the message list ---- */
  function addSystem(text) { var li = el("li", "m sys"); li.appendChild(el("div", "x", text)); ui.log.appendChild(li); scroll(); }
  function render(key, o) {
    var m = msgs[key];
    if (!m) {
      var li = el("li", "m " + (o.mine ? "me" : "them"));
      m = msgs[key] = { node: li, mine: o.mine, conv: 0, seq: 0, state: "" };
      if (!o.mine && o.author) li.appendChild(el("div", "s", o.author));
      var x = attrs(el("div", "x"), { dir: "auto" });
      if (o.attachment) x.appendChild(attachmentNode(o.attachment));
      if (o.body) x.appendChild(D.createTextNode(o.body)); // text only, never HTML
      li.appendChild(x);
      m.meta = el("div", "s");
      li.appendChild(m.meta);
      // Stored messages go above the ones still waiting to be sent.
      var pending = o.seq && ui.log.querySelector("[data-state=sending]");
      ui.log.insertBefore(li, pending || null);
      scroll();
    }
    if (o.seq) { m.seq = o.seq; m.conv = o.conv; }
    state(m);
    return m;
  }
  function attachmentNode(a) {
    var link = attrs(el("a"), { href: BASE + a.url, target: "_blank", rel: "noopener noreferrer" });
    if (/^image\//.test(a.content_type)) link.appendChild(attrs(el("img"), { src: BASE + a.url, alt: a.name, loading: "lazy" }));
    else { link.appendChild(icon("clip")); link.appendChild(D.createTextNode(" " + a.name)); }
    var wrap = el("div"); wrap.appendChild(link); return wrap;
  }
  function state(m) {
    if (!m.mine || m.state === "failed") return;
    var s = !m.seq ? "sending" : (readBy[m.conv] || 0) >= m.seq ? "seen" : "sent";
    if (s !== m.state) { m.state = s; m.node.setAttribute("data-state", s); m.meta.textContent = t(s); }
  }
  function restate() { for (var k in msgs) state(msgs[k]); }
  function fail(id, text) {
    dropOutbox(id);
    var m = msgs[id];
    if (m) { m.state = "failed"; m.node.setAttribute("data-state", "failed"); m.meta.textContent = t("not_sent") + (text ? " — " + text : ""); }
  }

  /* ---- events from the server (replayed or live), applied once each, in order ---- */
  function apply(f) {
    var c = f.conversation, ev = f.event;
    if (f.seq <= (seqs[c] || 0)) return;   // already held: a replay or a repeat
    seqs[c] = f.seq;
    if (!conv) { conv = c; sset("conv", c); }
    if (ev.kind === "message") {
      var mine = ev.author.kind === "visitor";
      if (mine) dropOutbox(ev.client_id);
      var rm = render(mine && ev.client_id ? ev.client_id : c + ":" + f.seq, { mine: mine, body: ev.body, conv: c, seq: f.seq, attachment: ev.attachment, author: ev.author.name });
      if (!mine) supportMessage(rm, ev, c, f.seq);
      if (!mine) { notify(); showTyping(null); delivered(c); }
      if (mine) sset("prechat", true);
    } else if (ev.kind === "receipt" && ev.data.side === "agent") {
      readBy[c] = Math.max(readBy[c] || 0, ev.data.read_seq || 0); restate();
    } else if (ev.kind === "status" && ev.data.to === "resolved") {
      addSystem(t("resolved"));
      supportResolved(c);
    }
  }
  var deliveredTimer;
  function delivered(c) {
    // Tell the agent their reply reached the visitor (once for a burst of events).
    clearTimeout(deliveredTimer);
    deliveredTimer = setTimeout(function () { if (link && link.ready) link.out({ type: "delivered", conversation: +c, seq: seqs[c] }); }, 300);
  }
  function notify() {
    if (open && !D.hidden) { markRead(); return; }
    unread++;
    ui.badge.textContent = unread > 9 ? "9+" : String(unread);
    ui.badge.hidden = false;
    ui.launcher.setAttribute("aria-label", t("open") + " (" + t("unread", { count: unread }) + ")");
    title();
    if (sound) beep();
  }
  function title() {
    var bare = D.title.replace(/^\(\d+\) /, ""); // the host may change its title meanwhile
    D.title = D.hidden && unread ? "(" + unread + ") " + bare : bare;
  }
  function markRead() {
    if (!open || D.hidden) return;
    unread = 0; ui.badge.hidden = true;
    ui.launcher.setAttribute("aria-label", t("open"));
    title();
    if (!link || !link.ready) return;
    for (var c in seqs) if (seqs[c] > (myRead[c] || 0)) { myRead[c] = seqs[c]; link.out({ type: "read", conversation: +c, seq: seqs[c] }); }
  }
  var audio;
  function beep() {
    try {
      audio = audio || new (W.AudioContext || W.webkitAudioContext)();
      var o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 880; g.gain.value = 0.05;
      o.connect(g); g.connect(audio.destination);
      o.start(); o.stop(audio.currentTime + 0.15);
    } catch (e) { /* no sound here */ }
  }

  /* ---- FAQ answers (dukkan.answers): suggestions above the send button as the customer
   * types; opening one counts as a deflection; "FAQ first" stores ask to open one before a
   * repeated question is sent (a second press of send always goes through). ---- */
  var ans = { timer: 0, asked: "", data: null, opened: false, held: "" };
  var ANS_CSS = ".an{border-block-start:1px solid #e5e7eb;background:#f0fdfa;padding:6px 10px;max-block-size:210px;overflow-y:auto}" +
    ".an h3{margin:0 0 4px;font-size:12.5px;font-weight:600;color:#115e59}.an ul{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:4px}" +
    ".an button.at{all:unset;cursor:pointer;display:block;inline-size:100%;box-sizing:border-box;padding:5px 8px;border-radius:8px;background:#fff;border:1px solid #ccfbf1;color:#134e4a;font-size:14px}" +
    ".an button.at:hover,.an button.at:focus-visible{border-color:var(--a)}.an .sn{font-size:13px;color:#374151;padding:6px 8px;white-space:pre-wrap}.an .sn a{color:var(--a)}" +
    ".an .gt{font-size:12.5px;color:#92400e;padding:4px 2px}";
  function ansApi(path) { return BASE + "/answers/" + encodeURIComponent(SLUG) + "/" + path; }
  function answersBar(p) {
    var st = el("style"); st.textContent = ANS_CSS; p.appendChild(st);
    ui.answers = attrs(el("section", "an"), { hidden: "", "aria-live": "polite" });
    p.appendChild(ui.answers);
  }
  function answersSuggest() {
    clearTimeout(ans.timer);
    ans.timer = setTimeout(answersFetch, 350);
  }
  function answersFetch() {
    var q = ui.text.value.replace(/^\s+|\s+$/g, "");
    if (q === ans.asked) return;
    ans.asked = q;
    if (q.length < 4) { answersShow(null); return; }
    json("POST", ansApi("suggest"), { q: q, token: token, language: LANG }).then(function (d) {
      if (ans.asked === q) answersShow(d);
    }, function () { /* suggestions are a help, never in the way */ });
  }
  function answersShow(d) {
    var box = ui.answers;
    ans.data = d; ans.opened = false; ans.held = "";
    while (box.firstChild) box.removeChild(box.firstChild);
    if (!d || !d.matches || !d.matches.length) { box.hidden = true; return; }
    box.appendChild(el("h3", "", d.texts.heading));
    var list = el("ul");
    d.matches.forEach(function (m) {
      var li = el("li"), b = attrs(el("button", "at", m.title), { type: "button", "aria-expanded": "false", "data-article": String(m.id) });
      b.addEventListener("click", function () { answersOpen(li, b, m); });
      li.appendChild(b); list.appendChild(li);
    });
    box.appendChild(list);
    box.hidden = false;
  }
  function answersOpen(li, b, m) {
    if (b.getAttribute("aria-expanded") === "true") return;
    b.setAttribute("aria-expanded", "true");
    var sn = el("div", "sn", m.snippet || "");
    if (m.url) {
      sn.appendChild(D.createTextNode(" "));
      sn.appendChild(attrs(el("a", "", ans.data.texts.read), { href: m.url, target: "_blank", rel: "noopener" }));
    }
    li.appendChild(sn);
    ans.opened = true;
    json("POST", ansApi("open"), { article_id: m.id, q: ans.asked, token: token }).then(null, function () {});
  }
  function answersHold(body) {
    // FAQ first: the first press shows the answer to open; after opening (or a second press of
    // the same text) the message goes to the team as usual.
    var d = ans.data;
    if (!d || !d.gate || ans.opened || ans.held === body || ans.asked !== body) return false;
    ans.held = body;
    var box = ui.answers, note = box.querySelector(".gt") || el("div", "gt");
    note.textContent = d.texts.gate; box.appendChild(note);
    return true;
  }
  function answersClear() { clearTimeout(ans.timer); ans.asked = ""; if (ui.answers) answersShow(null); }

  /* ---- sending: the outbox survives reloads and offline spells; only an ack empties it ---- */
  function submit() {
    var body = ui.text.value.replace(/^\s+|\s+$/g, "");
    if (!body) return;
    if (body.length > cfg.limits.message_chars) { error(t("too_long", { limit: cfg.limits.message_chars })); return; }
    error("");
    if (answersHold(body)) return;
    answersClear();
    ui.text.value = ""; grow(); stopTyping();
    queue({ client_id: uid(), body: body });
  }
  function queue(item) {
    outbox.push(item); sset("outbox", outbox);
    render(item.client_id, { mine: true, body: item.body, attachment: item.attachment });
    start();
    if (link && link.ready) link.send(item);
  }
  function dropOutbox(id) {
    var before = outbox.length;
    outbox = outbox.filter(function (o) { return o.client_id !== id; });
    if (outbox.length !== before) sset("outbox", outbox);
  }
  function flush() { outbox.forEach(function (o) { link.send(o); }); }
  function sendFrame(o) {
    var f = { type: "send", client_id: o.client_id, body: o.body || "" };
    if (conv) f.conversation = conv;
    if (o.attachment) f.attachment = o.attachment.id;
    return f;
  }

  function upload(file) {
    var L = cfg.limits;
    if (L.attachment_types.indexOf(file.type) < 0) { error(t("bad_type")); return; }
    if (file.size > L.attachment_bytes) { error(t("too_big", { size: L.attachment_size })); return; }
    error(t("uploading"));
    ensureSession().then(function () {
      var fd = new FormData(); fd.append("token", token); fd.append("file", file);
      return fetch(API + "attachments", { method: "POST", mode: "cors", credentials: "omit", body: fd });
    }).then(function (r) {
      return r.json().then(function (d) { if (!r.ok) throw new Error((d.error && d.error.message) || r.status); return d; });
    }).then(function (d) {
      error("");
      queue({ client_id: uid(), body: "", attachment: d });
    }, function (e) { error(e.message); });
  }

  var typingAt = 0, typingTimer;
  function typing() {
    var now = Date.now();
    if (conv && link && link.ready && now - typingAt > 4000) { typingAt = now; link.out({ type: "typing", conversation: conv, on: true }); }
  }
  function stopTyping() {
    if (typingAt && conv && link && link.ready) link.out({ type: "typing", conversation: conv, on: false });
    typingAt = 0;
  }
  function showTyping(f) {
    clearTimeout(typingTimer);
    ui.typing.textContent = !f || !f.on ? "" : f.author && f.author.name ? t("typing_named", { name: f.author.name }) : t("typing");
    if (f && f.on) typingTimer = setTimeout(function () { ui.typing.textContent = ""; }, 8000);
  }

  /* ---- support tools (dukkan.answerbot): the one-tap "talk to a person", the bot's answers
     with "did this solve it?", the queue and the honest wait, callbacks, ratings. Endpoints
     under /callbacks/<store>/; hooked in from build() and apply() only. ---- */
  var SUP_CSS = [
    ".sb{display:flex;gap:6px;align-items:center;justify-content:space-between;padding:6px 10px;border-block-end:1px solid #e5e7eb;background:#f9fafb}",
    ".sb button,.ask button,.cb button,.rt button{font:inherit;font-size:13px;border-radius:8px;border:1px solid #d1d5db;background:#fff;color:inherit;padding:5px 10px;cursor:pointer}",
    ".sb .hb{background:var(--a);color:#fff;border-color:transparent;font-weight:600}",
    ".qs{font-size:12.5px;color:#374151;padding:6px 12px;background:#fffbeb;border-block-end:1px solid #fde68a}",
    ".m.bot .x{border-color:#c7d2fe;background:#eef2ff}.m.bot .x strong{display:block}.m.bot .x a{display:inline-block;margin-block-start:4px;text-decoration:underline}",
    ".ask{display:flex;gap:6px;align-items:center;font-size:13px;margin-block-start:4px;flex-wrap:wrap}",
    ".cb,.rt{display:flex;flex-direction:column;gap:6px;padding:10px 12px;border-block-start:1px solid #e5e7eb;font-size:13px}",
    ".cb input,.cb textarea,.rt textarea{font:inherit;padding:6px 8px;border:1px solid #d1d5db;border-radius:8px}",
    ".cb .fe{color:#b91c1c}.rt .sc{display:flex;gap:4px}.rt .sc button[aria-pressed=true]{background:var(--a);color:#fff}"
  ].join("");
  function supApi(path) { return BASE + "/callbacks/" + encodeURIComponent(SLUG) + "/" + path; }
  var supPoll = 0, supAsk = null, supRated = {};
  function supportBar(p) {
    var st = el("style"); st.textContent = SUP_CSS; p.appendChild(st);
    var bar = el("div", "sb");
    ui.human = attrs(el("button", "hb", t("talk_to_person")), { type: "button", "data-action": "talk-to-person" });
    ui.human.addEventListener("click", talkToPerson);
    ui.cbOpen = attrs(el("button", "", t("callback")), { type: "button", "data-action": "callback", hidden: "" });
    ui.cbOpen.addEventListener("click", callbackForm);
    bar.appendChild(ui.human); bar.appendChild(ui.cbOpen);
    p.appendChild(bar);
    ui.queue = attrs(el("div", "qs"), { role: "status", "aria-live": "polite", hidden: "" });
    p.appendChild(ui.queue);
    var s = cfg.support || {};
    if (s.open === false) { showQueueText(s.back_text); ui.cbOpen.hidden = false; }
  }
  function showQueueText(text) { ui.queue.textContent = text || ""; ui.queue.hidden = !text; }
  function supFollow(c) {
    // A conversation made over HTTP (the button, a callback): follow it on the live link.
    if (!c || conv === c) return;
    conv = c; sset("conv", c);
    if (link && link.ready && link.out) link.out({ type: "subscribe", conversation: c, after: seqs[c] || 0 });
  }
  function talkToPerson() {
    ui.human.disabled = true;
    ensureSession().then(function () {
      return json("POST", supApi("person") + "?lang=" + LANG, { token: token, conversation: conv || null });
    }).then(function (d) {
      start(); supFollow(d.conversation); showStatusOf(d);
    }, function (e) { error((e.data && e.data.error && e.data.error.message) || t("unavailable")); })
      .then(function () { ui.human.disabled = false; });
  }
  function showStatusOf(d) {
    clearTimeout(supPoll); supPoll = 0;
    if (d.state === "waiting") {
      showQueueText(d.open === false ? [d.text, d.back_text].join(" ") : d.text);
      supPoll = setTimeout(pollQueue, 10000);
    } else showQueueText(d.open === false ? d.back_text : "");
    ui.cbOpen.hidden = d.open !== false && d.state !== "waiting";
    if (d.rate && d.conversation && !supRated[d.conversation]) askRating(d.conversation);
  }
  function pollQueue() {
    if (!token) return;
    json("GET", supApi("status") + "?lang=" + LANG + "&token=" + encodeURIComponent(token) + "&conversation=" + (conv || "")).then(showStatusOf, function () {
      supPoll = setTimeout(pollQueue, 20000);
    });
  }
  function supportMessage(m, ev, c, seq) {
    if (supAsk && (!ev.data || !ev.data.bot || ev.data.bot.kind !== "answer")) { supAsk.remove(); supAsk = null; }
    if (ev.author.kind === "agent") { clearTimeout(supPoll); showQueueText(""); return; }
    var b = ev.data && ev.data.bot;
    if (!b || !m) return;
    m.node.classList.add("bot");
    if (b.kind === "answer") {
      var x = m.node.querySelector(".x"); x.textContent = "";
      x.appendChild(el("strong", "", b.title)); x.appendChild(el("div", "", b.snippet));
      var url = /^\//.test(b.url || "") ? BASE + b.url : b.url;
      if (/^https?:\/\//.test(url || "")) x.appendChild(attrs(el("a", "", t("read_more")), { href: url, target: "_blank", rel: "noopener noreferrer" }));
      m.node.insertBefore(el("div", "s", b.label || t("automatic")), m.node.firstChild);
      if (b.ask) askSolved(m, c);
    } else {
      m.node.insertBefore(el("div", "s", t("automatic")), m.node.firstChild);
      if (b.kind === "handover") pollQueue();
    }
  }
  function askSolved(m, c) {
    if (supAsk) supAsk.remove();
    var row = supAsk = el("div", "ask");
    row.appendChild(el("span", "", t("solved_q")));
    [["yes", true], ["no", false]].forEach(function (o) {
      var b = attrs(el("button", "", t(o[0])), { type: "button", "data-solved": String(o[1]) });
      b.addEventListener("click", function () {
        row.remove(); supAsk = null;
        json("POST", supApi("feedback") + "?lang=" + LANG, { token: token, conversation: c, solved: o[1] }).then(showStatusOf, function (e) {
          error((e.data && e.data.error && e.data.error.message) || t("unavailable"));
        });
      });
      row.appendChild(b);
    });
    m.node.appendChild(row); scroll();
  }
  function supportResolved(c) {
    json("GET", supApi("status") + "?lang=" + LANG + "&token=" + encodeURIComponent(token) + "&conversation=" + c).then(showStatusOf, function () {});
  }
  function callbackForm() {
    if (ui.cb) { ui.cb.hidden = false; return; }
    var f = ui.cb = attrs(el("form", "cb"), { novalidate: "" }), id = uid();
    f.appendChild(el("div", "", t("callback_intro")));
    var fields = { phone: ["tel", t("phone")], topic: ["text", t("topic")], email: ["email", t("email") + " " + t("optional")], window_start: ["datetime-local", t("window_from")], window_end: ["datetime-local", t("window_to")] };
    Object.keys(fields).forEach(function (k) {
      var l = el("label", "", fields[k][1]);
      var i = attrs(el("input"), { name: k, type: fields[k][0] });
      if (k === "phone" || k === "email") i.setAttribute("dir", "ltr");
      l.appendChild(i); l.appendChild(attrs(el("span", "fe"), { "data-error": k })); f.appendChild(l);
    });
    var row = el("div", "ask"), send = attrs(el("button", "", t("book")), { type: "submit" }), cancel = attrs(el("button", "", t("cancel")), { type: "button" });
    row.appendChild(send); row.appendChild(cancel); f.appendChild(row);
    var general = attrs(el("div", "fe"), { role: "alert" }); f.appendChild(general);
    cancel.addEventListener("click", function () { f.hidden = true; });
    f.onsubmit = function (e) {
      e.preventDefault(); send.disabled = true;
      var data = { token: "", conversation: conv || null, client_id: id };
      ["phone", "topic", "email"].forEach(function (k) { data[k] = f.elements[k].value.trim(); });
      ["window_start", "window_end"].forEach(function (k) { var v = f.elements[k].value; data[k] = v ? new Date(v).toISOString() : ""; });
      Array.prototype.forEach.call(f.querySelectorAll("[data-error]"), function (n) { n.textContent = ""; });
      general.textContent = "";
      ensureSession().then(function () {
        data.token = token;
        return json("POST", supApi("request") + "?lang=" + LANG, data);
      }).then(function (d) {
        f.remove(); ui.cb = null;
        addSystem(t("booked", { phone: d.phone, when: d.deadline_text }));
      }, function (e) {
        var err = (e.data && e.data.error) || {}, fe = err.fields || {}, shown = false;
        Object.keys(fe).forEach(function (k) { var n = f.querySelector("[data-error=" + (k === "window" ? "window_start" : k) + "]"); if (n) { n.textContent = fe[k]; shown = true; } });
        if (!shown) general.textContent = err.message || t("unavailable");
      }).then(function () { send.disabled = false; });
    };
    ui.panel.insertBefore(f, ui.composer);
    f.elements.phone.focus();
  }
  function askRating(c) {
    if (ui.rt) return;
    var f = ui.rt = el("form", "rt"), score = 0, sc = el("div", "sc");
    f.appendChild(el("strong", "", t("rate_q")));
    for (var i = 1; i <= 5; i++) (function (n) {
      var b = attrs(el("button", "", String(n)), { type: "button", "aria-pressed": "false", "aria-label": t("rate_star", { score: n }) });
      b.addEventListener("click", function () { score = n; Array.prototype.forEach.call(sc.children, function (x, j) { x.setAttribute("aria-pressed", String(j + 1 === n)); }); });
      sc.appendChild(b);
    })(i);
    f.appendChild(sc);
    var note = attrs(el("textarea"), { rows: "2", maxlength: "2000", placeholder: t("rate_comment"), "aria-label": t("rate_comment"), dir: "auto" });
    f.appendChild(note);
    var send = attrs(el("button", "", t("rate_send")), { type: "submit" }), msg = attrs(el("div", "fe"), { role: "alert" });
    f.appendChild(send); f.appendChild(msg);
    f.onsubmit = function (e) {
      e.preventDefault();
      json("POST", supApi("rate") + "?lang=" + LANG, { token: token, conversation: c, score: score, comment: note.value }).then(function () {
        supRated[c] = true; f.remove(); ui.rt = null; addSystem(t("rated"));
      }, function (e2) { msg.textContent = (e2.data && e2.data.error && e2.data.error.message) || t("unavailable"); });
    };
    ui.panel.insertBefore(f, ui.composer);
  }

  /* ---- session: a signed visitor token, kept in localStorage per store ---- */
  var sessionP;
  function ensureSession() {
    if (sessionP) return sessionP;
    var body = { token: token, language: LANG, page_url: location.href };
    var id = me.getAttribute("data-user-id");
    if (id) body.identity = { user_id: id, name: me.getAttribute("data-user-name") || "", email: me.getAttribute("data-user-email") || "", signature: me.getAttribute("data-user-signature") || "" };
    sessionP = json("POST", API + "session", body).then(function (d) {
      if (d.created) { seqs = {}; conv = 0; sset("conv", 0); sset("prechat", false); } // a new visitor
      token = d.token; sset("token", token);
      if (d.prechat_done) sset("prechat", true);
      return d;
    }, function (e) { sessionP = null; throw e; });
    return sessionP;
  }
  function newSession() { token = ""; sset("token", ""); sessionP = null; }

  /* ---- transport: WebSocket first, plain HTTP (long-poll) when WebSockets are blocked ---- */
  var link = null, started = false, attempt = 0, wsFailures = 0, httpSince = 0, timer = 0, upSince = 0;
  function start() {
    if (started) return;
    started = true;
    connect();
  }
  function connect() {
    clearTimeout(timer); timer = 0;
    if (link) return;
    if (navigator.onLine === false) { conn(t("offline_queue")); return; } // the "online" event brings us back
    ensureSession().then(function () {
      if (link) return;
      if (httpSince && Date.now() - httpSince > 300000) { httpSince = 0; wsFailures = 0; } // try the socket again
      link = W.WebSocket && !httpSince ? wsLink() : httpLink();
    }, function (e) {
      var err = (e.data && e.data.error) || {};
      error(e.status === 429 ? t("rate_limited", { seconds: err.retry_after || 60 }) : err.message || t("unavailable"));
      retry();
    });
  }
  function retry() {
    if (timer) return;
    if (upSince && Date.now() - upSince > 60000) attempt = 0;
    upSince = 0;
    // min(30 s, 0.5 s x 2^attempt), times a random factor in [0.5, 1]: clients never stampede.
    var delay = Math.min(30000, 500 * Math.pow(2, attempt++)) * (0.5 + Math.random() / 2);
    timer = setTimeout(function () { timer = 0; connect(); }, delay);
  }
  function down(l) {
    if (link !== l) return;
    link = null;
    conn(t(navigator.onLine === false ? "offline_queue" : "reconnecting"));
    restate();
    retry();
  }
  function up() { upSince = Date.now(); conn(""); error(""); }
  function synced(l) { l.ready = true; flush(); markRead(); }

  function welcome(f, l) {
    up();
    heartbeat = (f.heartbeat || 25) * 1000;
    var after = {}, any = false;
    for (var c in seqs) { after[c] = seqs[c]; any = true; }
    if (!any && (f.conversations || []).length) {
      var latest = f.conversations.reduce(function (a, b) { return b.id > a.id ? b : a; });
      if (!conv || !f.conversations.some(function (x) { return x.id === conv; })) { conv = latest.id; sset("conv", conv); }
      after[conv] = 0; any = true;
    }
    if (!any) { conv = 0; sset("conv", 0); }
    return any ? after : null;
  }
  function handle(f, l) {
    switch (f.type) {
      case "event": apply(f); break;
      case "synced": if (f.seq > (seqs[f.conversation] || 0)) seqs[f.conversation] = f.seq; synced(l); break;
      case "ack":
        if (!conv) { conv = f.conversation; sset("conv", conv); }
        dropOutbox(f.client_id);
        var m = msgs[f.client_id];
        if (m && !m.seq) { m.seq = f.seq; m.conv = f.conversation; state(m); }
        break;
      case "typing": if (f.author && f.author.kind === "agent") showTyping(f); break;
      case "error": frameError(f, l); break;
    }
  }
  function frameError(f, l) {
    var c = f.code;
    if (c === "unauthorized") { newSession(); return; }
    if (c === "rate_limited") {
      error(t("rate_limited", { seconds: f.retry_after || 1 }));
      setTimeout(function () { if (link === l && l.ready) { error(""); flush(); } }, (f.retry_after || 1) * 1000);
    } else if (c === "unavailable") {
      setTimeout(function () { if (link === l && l.ready) flush(); }, (f.retry_after || 1) * 1000);
    } else if (c === "not_found" && conv && f.ref && msgs[f.ref]) {
      conv = 0; sset("conv", 0); // that conversation is gone: the next send starts a new one
      outbox.forEach(function (o) { if (o.client_id === f.ref) l.send(o); });
    } else {
      if (f.ref && msgs[f.ref]) fail(f.ref, f.message); else error(f.message || c);
    }
  }

  var heartbeat = 25000;
  function wsLink() {
    var opened = false, welcomed = false, alive, beat;
    var ws = new WebSocket(BASE.replace(/^http/, "ws") + "/ws/chat/visitor/?store=" + encodeURIComponent(SLUG) + "&token=" + encodeURIComponent(token));
    var l = {
      ready: false,
      out: function (f) { if (ws.readyState === 1) ws.send(JSON.stringify(f)); },
      send: function (o) { l.out(sendFrame(o)); },
      close: function () { ws.close(); }
    };
    function watchdog() { clearTimeout(alive); alive = setTimeout(function () { ws.close(); }, heartbeat * 2); }
    ws.onopen = function () { opened = true; watchdog(); };
    ws.onmessage = function (e) {
      watchdog();
      var f; try { f = JSON.parse(e.data); } catch (x) { return; }
      if (f.type === "welcome") {
        welcomed = true; wsFailures = 0;
        clearInterval(beat);
        beat = setInterval(function () { l.out({ type: "ping" }); }, heartbeat);
        var after = welcome(f, l);
        l.out({ type: "hello", after: after || {} });
        if (!after) synced(l);
        return;
      }
      handle(f, l);
    };
    ws.onclose = function (e) {
      clearInterval(beat); clearTimeout(alive);
      if (e.code === 4401) newSession();
      if (!welcomed && ++wsFailures >= 2) httpSince = Date.now(); // blocked: fall back to HTTP
      down(l);
    };
    return l;
  }

  function httpLink() {
    // realtime's HTTP fallback, through the widget's cross-origin door (widget/relay.py)
    var stopped = false, chain = Promise.resolve(), root = API + "chat/";
    var l = {
      ready: false,
      out: function (f) { if (/^(read|typing|delivered)$/.test(f.type)) call("POST", f.type, f).catch(function () {}); },
      send: function (o) {
        chain = chain.then(function () {
          if (stopped) return;
          return call("POST", "send", sendFrame(o)).then(function (ack) {
            handle(ack, l);
            if (!polling) poll();
          }, function (e) { if (e.data && e.data.type === "error") handle(e.data, l); else stop(); });
        });
      },
      close: stop
    };
    var polling = false;
    function call(method, path, body) {
      return fetch(root + path + (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + LANG, {
        method: method, mode: "cors", credentials: "omit",
        headers: body ? { "Content-Type": "application/json", "X-Dukkan-Visitor": token } : { "X-Dukkan-Visitor": token },
        body: body ? JSON.stringify(body) : undefined
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (d) {
          if (!r.ok) { var e = new Error(d.message || r.status); e.data = d; e.status = r.status; throw e; }
          return d;
        });
      });
    }
    function stop(e) {
      if (stopped) return;
      stopped = true;
      if (e && e.status === 401) newSession();
      down(l);
    }
    function poll() {
      if (stopped || !conv) { polling = false; return; }
      polling = true;
      var c = conv;
      call("GET", "poll?conversation=" + c + "&after=" + (seqs[c] || 0) + "&wait=" + (l.ready ? 25 : 0)).then(function (b) {
        (b.frames || []).forEach(function (f) { handle(f, l); });
        if (b.seq > (seqs[c] || 0)) seqs[c] = b.seq;
        if (!l.ready) synced(l); else markRead();
        if (Date.now() - httpSince > 300000) { stopped = true; link = null; connect(); return; } // the socket may work again
        poll();
      }, stop);
    }
    call("GET", "session").then(function (f) {
      if (stopped) return;
      var after = welcome(f, l);
      if (after) poll(); else synced(l);
    }, stop);
    return l;
  }

  /* ---- start-up: config (the words in the page's language, limits, status) ---- */
  function boot() {
    json("GET", API + "config?lang=" + LANG).then(function (c) {
      if (!c.enabled) return;
      cfg = c; T = c.texts; LANG = c.language;
      build();
      outbox.forEach(function (o) { render(o.client_id, { mine: true, body: o.body, attachment: o.attachment }); });
      // A returning visitor (or one with unsent messages) connects at once, to get replies.
      if (token || outbox.length) start();
    }, function () { /* no chat here: this site is not allowed, or the server is away */ });
  }
  W.addEventListener("online", function () { if (started) { attempt = 0; connect(); } });
  W.addEventListener("offline", function () { if (link) { var l = link; l.close(); down(l); } });
  if (D.readyState === "loading") D.addEventListener("DOMContentLoaded", boot); else boot();
})();
