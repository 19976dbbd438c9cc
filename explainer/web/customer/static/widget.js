/*
 * Explainer help widget: a "Why?" button and an accessible panel with the customer
 * explanation of one decision.
 *
 *   <script src="https://HOST/widget.js" data-why-url="https://HOST/why/TOKEN"></script>
 *
 * No dependencies. Data is fetched as JSON without cookies (credentials: "omit") and
 * put on the page with textContent only: nothing from the server becomes markup.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) return;
  var here = new URL(script.src, document.baseURI);
  var whyUrl;
  try {
    whyUrl = new URL(script.getAttribute("data-why-url") || "", document.baseURI);
  } catch (e) {
    return;
  }
  // Only ever talk to the host that served this script, over http(s).
  if (whyUrl.origin !== here.origin || !/^https?:$/.test(whyUrl.protocol)) return;

  var PREFIX = "explainer-widget-" + Math.random().toString(36).slice(2, 8);
  var view = null;

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "text") node.textContent = props[key];
      else node.setAttribute(key, props[key]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function addStylesheet() {
    var href = new URL("customer-static/widget.css", here).href;
    if (document.querySelector('link[data-explainer-widget]')) return;
    var link = el("link", { rel: "stylesheet", href: href, "data-explainer-widget": "" });
    document.head.appendChild(link);
  }

  var button = el("button", {
    type: "button",
    class: "xw-why",
    "aria-haspopup": "dialog",
    text: script.getAttribute("data-label") || "Why?",  // the host page's own language
  });
  var title = el("h2", { id: PREFIX + "-title", tabindex: "-1", text: "Why your ticket was handled this way" });
  var close = el("button", { type: "button", class: "xw-close", text: "Close" });
  var content = el("div", { class: "xw-content" });
  var alertBox = el("p", { class: "xw-alert", role: "alert" });
  var dialog = el("dialog", { class: "xw-panel", "aria-labelledby": PREFIX + "-title" }, [
    el("div", { class: "xw-head" }, [title, close]),
    alertBox,
    content,
  ]);

  function request(url, body) {
    var init = {
      method: body ? "POST" : "GET",
      credentials: "omit",
      cache: "no-store",
      headers: { Accept: "application/json" },
    };
    if (body) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data && data.error ? String(data.error) : "The request failed.");
        return data;
      });
    });
  }

  // The panel's own strings come translated with the explanation (view.ui); the
  // English ones here are used until it has loaded.
  function t(key, fallback) {
    return (view && view.ui && view.ui[key]) || fallback;
  }

  function section(heading, children) {
    return el("section", { class: "xw-section" }, [el("h3", { text: heading })].concat(children));
  }

  function message(pieces, cls) {
    var p = el("p", { class: cls, dir: "auto" });
    (pieces || []).forEach(function (piece) {
      p.appendChild(piece.mark ? el("mark", { text: piece.text }) : document.createTextNode(piece.text));
    });
    return pieces && pieces.length ? p : null;
  }

  function outcome(rows) {
    return el("dl", { class: "xw-outcome" }, rows.map(function (row) {
      var dd = el("dd", { text: row.value });
      if (row.note) dd.appendChild(el("span", { class: "xw-note", text: " (" + row.note + ")" }));
      return el("div", {}, [el("dt", { text: row.term }), dd]);
    }));
  }

  function commentBox(name, label) {
    var id = PREFIX + "-" + name;
    var box = el("textarea", { id: id, rows: "3", maxlength: String(view.max_comment) });
    return { box: box, nodes: [el("label", { for: id, text: label + " " + t("optional", "(optional)") }), box] };
  }

  function act(action, body) {
    alertBox.textContent = "";
    request(new URL(view.actions[action], whyUrl).href, body)
      .then(function (data) {
        view = data;
        render();
        var state = content.querySelector("[data-state=" + action + "]");
        if (state) state.focus();
      })
      .catch(function (err) {
        alertBox.textContent = err.message;
      });
  }

  function reviewPart() {
    if (view.review) {
      var text = view.review.status === "resolved"
        ? t("reviewed", "A person has reviewed this.") + " " + (view.review.detail || "")
        : t("requested", "Review requested. Status:") + " " + (view.review.status === "pending" ? t("pending", "pending") : view.review.status) + (view.review.detail ? ": " + view.review.detail : "");
      return [el("p", { class: "xw-state", role: "status", tabindex: "-1", "data-state": "review", text: text })];
    }
    var c = commentBox("review", t("review_comment", "Anything the reviewer should know?"));
    var send = el("button", { type: "button", text: t("review", "Ask a person to review this") });
    send.addEventListener("click", function () {
      act("review", { comment: c.box.value });
    });
    return c.nodes.concat([send]);
  }

  function feedbackPart() {
    if (view.feedback.given) {
      return [el("p", { class: "xw-state", role: "status", tabindex: "-1", "data-state": "feedback", text: t("thanks", "Thank you for your feedback.") })];
    }
    var c = commentBox("feedback", t("tell_more", "Tell us more"));
    var yes = el("button", { type: "button", text: t("yes", "Yes, it helped") });
    var no = el("button", { type: "button", class: "xw-secondary", text: t("no", "No, it didn't") });
    yes.addEventListener("click", function () { act("feedback", { helpful: true, comment: c.box.value }); });
    no.addEventListener("click", function () { act("feedback", { helpful: false, comment: c.box.value }); });
    return c.nodes.concat([el("div", { class: "xw-buttons" }, [yes, no])]);
  }

  function render() {
    var reasons = el("ol", { class: "xw-reasons" }, view.reasons.map(function (r) {
      return el("li", { dir: "auto", text: r });
    }));
    var figure = el("figure", { class: "xw-message" }, [
      el("figcaption", { text: t("message", "Your message, with the words that mattered highlighted") }),
      message(view.message.subject, "xw-subject"),
      message(view.message.body, "xw-body"),
    ]);
    var cf = view.counterfactual ? el("p", { class: "xw-cf", dir: "auto", text: view.counterfactual }) : null;
    var original = view.ai ? el("div", { class: "xw-ai-original" }, [
      el("h4", { text: t("original", "The AI's original decision, before the person's review") }),
      el("p", { class: "xw-summary", text: view.ai.summary }),
      outcome(view.ai.outcome),
    ]) : null;
    content.replaceChildren(
      el("p", { class: "xw-summary", text: view.summary }),
      outcome(view.outcome),
      original || document.createTextNode(""),
      section(view.ai ? t("why_ai", "Why the AI decided as it did") : view.handoff ? t("why_priority", "Why the system set this priority") : t("reasons", "The main reasons"), [reasons, figure, cf]),
      section(t("about", "About this decision"), [el("p", { text: view.notice })]),
      section(t("review", "Ask a person to review this"), reviewPart()),
      section(t("feedback", "Did this explanation help?"), feedbackPart())
    );
  }

  function open() {
    alertBox.textContent = "";
    var ready = view ? Promise.resolve(view) : request(whyUrl.href);
    ready
      .then(function (data) {
        view = data;
        title.textContent = t("title", title.textContent);
        close.textContent = t("close", close.textContent);
        if (view.language) dialog.lang = view.language;
        render();
      })
      .catch(function () {
        content.replaceChildren();
        alertBox.textContent = "The explanation could not be loaded. Please try again later.";
      })
      .then(function () {
        if (!dialog.open) dialog.showModal();
        title.focus();
      });
  }

  close.addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () { button.focus(); });
  button.addEventListener("click", open);

  function mount() {
    addStylesheet();
    if (script.parentNode && script.parentNode !== document.head) {
      script.parentNode.insertBefore(button, script.nextSibling);
    } else {
      document.body.appendChild(button);
    }
    document.body.appendChild(dialog);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
