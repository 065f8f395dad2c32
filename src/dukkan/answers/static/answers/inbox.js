/* Suggested articles in the inbox: "Insert" puts the article's title, link and snippet into the
 * reply box and tells the server, which keeps the customer's question as one more phrasing of
 * the article. The card reloads when the conversation gets new messages. */
(function () {
  "use strict";
  var card = document.querySelector("[data-answers-card]");
  if (!card || card.getAttribute("data-ready")) return;
  card.setAttribute("data-ready", "1");
  function csrf() {
    var field = document.querySelector("form[data-role=reply] input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  card.addEventListener("click", function (event) {
    var button = event.target.closest("[data-answers-insert]");
    if (!button) return;
    var box = document.getElementById("reply-body");
    if (!box) return;
    var url = button.getAttribute("data-url");
    var parts = [button.getAttribute("data-title")];
    if (url) parts.push(new URL(url, location.href).href);
    if (button.getAttribute("data-snippet")) parts.push(button.getAttribute("data-snippet"));
    var text = parts.join("\n");
    box.value = box.value.replace(/\s+$/, "") ? box.value.replace(/\s+$/, "") + "\n\n" + text : text;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.focus();
    button.disabled = true;
    var body = new FormData();
    body.append("article_id", button.getAttribute("data-answers-insert"));
    fetch(card.getAttribute("data-inserted-url"), {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf() }
    }).catch(function () { /* the reply is what matters; learning can wait for the next one */ });
  });
  var thread = document.querySelector("[data-role=thread]"), timer = 0;
  if (thread && window.MutationObserver) {
    new MutationObserver(function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(card.getAttribute("data-url"), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) { if (html !== null) card.innerHTML = html; }, function () {});
      }, 800);
    }).observe(thread, { childList: true });
  }
})();
