// common.js — helpers the hocvuso widgets' front ends share (inbox.js, phone.js, dossier.js).
// anywidget loads each widget as one ES module from a Blob URL, which cannot import a sibling file,
// so Python (widgets/_task.py, front_end) puts this file in front of each widget's own file.
// Only declarations: nothing runs at load, nothing is exported, no user-visible literal text.

/** Create an element with classes, attributes and text (always textContent, never HTML). */
function h(tag, opts = {}, children = []) {
  const node = document.createElement(tag);
  if (opts.cls) node.className = opts.cls;
  if (opts.text !== undefined && opts.text !== null) node.textContent = String(opts.text);
  for (const [k, v] of Object.entries(opts.attrs || {})) {
    if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

/** Put values into a localised template's {name} slots; an unknown name stays as it is. */
function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

/** Points as shown: whole numbers plain, others with one decimal. */
function fmtPoints(x) {
  const n = Number(x);
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** The localised UI label `key` (Python sends every label in `strings`). */
function uiText(model, key) {
  return (model.get("strings") || {})[key] || "";
}

/**
 * The top bar: the title and the VI | EN switch. A tap only asks Python to switch ({action: "locale"});
 * every text then comes back in that language.
 * `prefixes` names the parts: "hv-task hv-inbox" gives the bar the classes "hv-task-bar hv-inbox-bar"
 * (the shared look of common.css, and the widget's own names). `buttonCls` is added to each button.
 */
function appBar(model, prefixes, title, buttonCls = "") {
  const cls = (part) => prefixes.split(" ").map((p) => `${p}-${part}`).join(" ");
  const bar = h("div", { cls: cls("bar") });
  bar.appendChild(h("h2", { cls: cls("title"), text: title }));
  const group = h("div", { cls: cls("lang"), attrs: { role: "group", "aria-label": uiText(model, "language") } });
  for (const [code, text] of [["vi", "VI"], ["en", "EN"]]) {
    const pressed = model.get("locale") === code;
    const b = h("button", { cls: `${buttonCls} ${cls("lang-btn")} ${cls(`lang-${code}`)}`.trim(), text,
      attrs: { type: "button", "aria-pressed": pressed ? "true" : "false", lang: code, "data-key": `lang-${code}` } });
    b.addEventListener("click", () => { if (!pressed) model.send({ action: "locale", locale: code }); });
    group.appendChild(b);
  }
  bar.appendChild(group);
  return bar;
}

/** The last outcome Python reported (`status`), announced to screen readers (an alert for an error). */
function statusLine(model, prefix) {
  const st = model.get("status") || {};
  return h("p", { cls: `${prefix}-status${st.level ? ` ${prefix}-status-${st.level}` : ""}`, text: st.text || "",
    attrs: { role: st.level === "error" ? "alert" : "status", "aria-live": "polite" } });
}

/**
 * The feedback card of one answered item: headline and points; the caller adds its own lines to `box`.
 * Without feedback (not answered yet, or contest mode) `box` is null and the panel stays empty, in the
 * page, so that screen readers announce the feedback when it comes.
 */
function feedbackCard(model, prefix, fb) {
  const panel = h("section", { cls: `${prefix}-feedback-wrap`, attrs: { "aria-live": "polite", "aria-label": uiText(model, "feedback") } });
  if (!fb) return { panel, box: null };
  const box = h("div", { cls: `${prefix}-feedback ${prefix}-feedback-${fb.correct ? "correct" : "wrong"}` });
  box.appendChild(h("p", { cls: `${prefix}-headline`, text: `${fb.correct ? "✓" : "!"} ${fb.headline}`, attrs: { tabindex: "-1", "data-key": "feedback" } }));
  box.appendChild(h("p", { cls: `${prefix}-points`, text: fill(uiText(model, "points"), { points: fmtPoints(fb.points), max: fmtPoints(fb.max_points) }) }));
  panel.appendChild(box);
  return { panel, box };
}

