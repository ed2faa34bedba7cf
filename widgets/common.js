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
 * The top bar: the title, the VI | EN switch and the read-aloud controls (readAloud, below).
 * A tap on VI | EN asks for that language on the whole page (the "hv-lang" event): the lesson page shows
 * its text in that language, and every widget asks Python to switch ({action: "locale"}); every text then
 * comes back in that language.
 * `prefixes` names the parts: "hv-task hv-inbox" gives the bar the classes "hv-task-bar hv-inbox-bar"
 * (the shared look of common.css, and the widget's own names). `buttonCls` is added to each button.
 */
function appBar(model, prefixes, title, buttonCls = "") {
  const cls = (part) => prefixes.split(" ").map((p) => `${p}-${part}`).join(" ");
  followPageLanguage(model);
  const bar = h("div", { cls: cls("bar") });
  bar.appendChild(h("h2", { cls: cls("title"), text: title }));
  const group = h("div", { cls: cls("lang"), attrs: { role: "group", "aria-label": uiText(model, "language"), "data-hv-noread": true } });
  for (const [code, text] of [["vi", "VI"], ["en", "EN"]]) {
    const pressed = model.get("locale") === code;
    const b = h("button", { cls: `${buttonCls} ${cls("lang-btn")} ${cls(`lang-${code}`)}`.trim(), text,
      attrs: { type: "button", "aria-pressed": pressed ? "true" : "false", lang: code, "data-key": `lang-${code}` } });
    b.addEventListener("click", () => { if (!pressed) window.dispatchEvent(new CustomEvent("hv-lang", { detail: code })); });
    group.appendChild(b);
  }
  bar.appendChild(group);
  bar.appendChild(readAloud(model, buttonCls));
  return bar;
}

/** Switch this widget when the page's language changes (its own VI | EN, the lesson page's, another widget's). */
function followPageLanguage(model) {
  if (model.hvFollowsPage) return;
  model.hvFollowsPage = true;
  window.addEventListener("hv-lang", (ev) => {
    if ((ev.detail === "vi" || ev.detail === "en") && model.get("locale") !== ev.detail) {
      model.send({ action: "locale", locale: ev.detail });
    }
  });
}

// Parts of a screen that read-aloud skips: controls (their labels are not the content), the read-aloud
// row itself, and anything marked data-hv-noread. A button that *is* content (a message in a list) says
// so with data-hv-read.
const NOT_READ = 'button:not([data-hv-read]), input, select, textarea, option, svg, [aria-hidden="true"], [hidden], [data-hv-noread]';
const READ_BLOCK = "p, li, h1, h2, h3, h4, dt, dd, label, legend, summary, td, th, button, blockquote";

/** What is on the widget's screen now, as sentences, in the order shown; never a control's label. */
function screenText(frame) {
  const parts = [];
  let block = null;
  let words = "";
  const walker = document.createTreeWalker(frame, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(NOT_READ) || !parent.getClientRects().length) continue;
    const text = node.nodeValue.replace(/\s+/g, " ").trim();
    if (!text) continue;
    const here = parent.closest(READ_BLOCK) || parent;
    if (here !== block && words) { parts.push(words); words = ""; }
    block = here;
    words = words ? `${words} ${text}` : text;
  }
  if (words) parts.push(words);
  return parts.map((p) => (/[.!?:;…]$/.test(p) ? p : `${p}.`)).join(" ");
}

/** The device's voice for `lang` ("vi" or "en"), waiting briefly for the list the browser loads late. */
function findVoice(lang) {
  const pick = () => window.speechSynthesis.getVoices()
    .find((v) => (v.lang || "").toLowerCase().replace("_", "-").startsWith(lang)) || null;
  const now = pick();
  if (now || window.speechSynthesis.getVoices().length) return Promise.resolve(now);
  return new Promise((resolve) => {
    const done = () => { window.speechSynthesis.removeEventListener("voiceschanged", done); resolve(pick()); };
    window.speechSynthesis.addEventListener("voiceschanged", done);
    setTimeout(done, 1500);
  });
}

/**
 * Read aloud, the same in every widget: "🔊 Read aloud" reads the screen as it is now (the message, the
 * step's instructions, the feedback after an answer) in the widget's language, with the device's own
 * voice for that language (vi-VN for Vietnamese); "Slower" reads at 0.7x and is remembered. Without such a
 * voice it says so instead of reading Vietnamese with a foreign voice.
 */
function readAloud(model, buttonCls = "") {
  const row = h("div", { cls: "hv-read", attrs: { "data-hv-noread": true } });
  const canSpeak = typeof window !== "undefined" && "speechSynthesis" in window;
  const note = h("p", { cls: "hv-read-note", attrs: { role: "status", "aria-live": "polite" } });
  let slow = false;
  try { slow = localStorage.getItem("hv-read-slow") === "1"; } catch (e) { /* private mode */ }
  const speaking = () => canSpeak && window.speechSynthesis.speaking;
  const read = h("button", { cls: `${buttonCls} hv-read-btn`.trim(), text: `🔊 ${uiText(model, speaking() ? "read_stop" : "read_aloud")}`,
    attrs: { type: "button", "data-key": "read" } });
  const slower = h("button", { cls: `${buttonCls} hv-read-slow`.trim(), text: uiText(model, "read_slow"),
    attrs: { type: "button", "aria-pressed": slow ? "true" : "false", "data-key": "read-slow" } });
  const label = (key) => { read.textContent = `🔊 ${uiText(model, key)}`; };
  read.addEventListener("click", async () => {
    note.textContent = "";
    if (speaking()) { window.speechSynthesis.cancel(); label("read_aloud"); return; }
    const lang = model.get("locale") === "en" ? "en" : "vi";
    const voice = canSpeak ? await findVoice(lang) : null;
    if (!voice) { note.textContent = uiText(model, "no_voice"); return; }
    const frame = row.closest(".hv-task-frame, .hv-dos-phone") || row.parentElement.parentElement;
    const u = new SpeechSynthesisUtterance(screenText(frame));
    u.lang = lang === "vi" ? "vi-VN" : "en-US";
    u.voice = voice;
    u.rate = slow ? 0.7 : 1;
    u.onend = () => label("read_aloud");
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(u);
    label("read_stop");
  });
  slower.addEventListener("click", () => {
    slow = !slow;
    slower.setAttribute("aria-pressed", slow ? "true" : "false");
    try { localStorage.setItem("hv-read-slow", slow ? "1" : "0"); } catch (e) { /* private mode */ }
  });
  row.append(read, slower, note);
  return row;
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
/** The feedback's lines, one per item: its mark and word (`say("st_" + status)`), its label, and why. */
function feedbackLines(prefix, lines, marks, say) {
  const ul = h("ul", { cls: `${prefix}-fb-lines` });
  for (const line of lines) {
    const li = h("li", { cls: `${prefix}-fb-line ${prefix}-fb-${line.status}` });
    const top = h("p", { cls: `${prefix}-fb-top` });
    top.append(h("span", { cls: `${prefix}-fb-status`, text: `${marks[line.status] || "•"} ${say(`st_${line.status}`)}` }),
      h("strong", { cls: `${prefix}-fb-label`, text: line.label }));
    li.appendChild(top);
    if (line.explain) li.appendChild(h("p", { cls: `${prefix}-fb-explain`, text: line.explain }));
    ul.appendChild(li);
  }
  return ul;
}

function feedbackCard(model, prefix, fb) {
  const panel = h("section", { cls: `${prefix}-feedback-wrap`, attrs: { "aria-live": "polite", "aria-label": uiText(model, "feedback") } });
  if (!fb) return { panel, box: null };
  const box = h("div", { cls: `${prefix}-feedback ${prefix}-feedback-${fb.correct ? "correct" : "wrong"}` });
  box.appendChild(h("p", { cls: `${prefix}-headline`, text: `${fb.correct ? "✓" : "!"} ${fb.headline}`, attrs: { tabindex: "-1", "data-key": "feedback" } }));
  box.appendChild(h("p", { cls: `${prefix}-points`, text: fill(uiText(model, "points"), { points: fmtPoints(fb.points), max: fmtPoints(fb.max_points) }) }));
  panel.appendChild(box);
  return { panel, box };
}


/**
 * The result screen at the end of a lesson (dossier, phone): the total, what went well, what to look at
 * again — each with a button that reopens its step (`reopen(item)`; none when `item.step` is absent) —
 * and a link to the next lesson. `res` is {points, max_points, good: [{id, label}], review: [{id, label,
 * why, step}], next: {title, href} | null}; the labels come from `strings` (res_*). `data-key="result"`
 * is where focus goes when it appears.
 */
function lessonResult(model, prefix, res, reopen) {
  const S = (k) => uiText(model, k);
  const box = h("section", { cls: `hv-result ${prefix}-result`, attrs: { "aria-labelledby": `${prefix}-result-title` } });
  box.appendChild(h("h3", { cls: "hv-result-title", text: S("res_title"), attrs: { id: `${prefix}-result-title`, tabindex: "-1", "data-key": "result" } }));
  box.appendChild(h("p", { cls: "hv-result-total", text: fill(S("res_total"), { points: fmtPoints(res.points), max: fmtPoints(res.max_points) }) }));
  // What to review first (it is what to do next), then what went well, short.
  for (const [key, list, cls, mark] of [["res_review", res.review || [], "review", "✗"], ["res_good", res.good || [], "good", "✓"]]) {
    if (!list.length) continue;
    box.appendChild(h("h4", { cls: "hv-result-sub", text: S(key) }));
    const ul = h("ul", { cls: `hv-result-list hv-result-${cls}` });
    for (const item of list) {
      const li = h("li", { cls: "hv-result-item", attrs: { "data-item": item.id } });
      li.appendChild(h("p", { cls: "hv-result-label", text: `${mark} ${item.label}` }));
      if (item.why) li.appendChild(h("p", { cls: "hv-result-why", text: item.why }));
      if (cls === "review" && item.step && reopen) {
        const b = h("button", { cls: "hv-result-reopen", text: fill(S("res_reopen"), { n: item.step }),
          attrs: { type: "button", "data-key": `reopen-${item.id}` } });
        b.addEventListener("click", () => reopen(item));
        li.appendChild(b);
      }
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }
  if (res.next && res.next.href) {
    box.appendChild(h("a", { cls: "hv-result-next", text: `${fill(S("res_next"), { title: res.next.title })} ›`,
      attrs: { href: res.next.href, target: "_top", "data-key": "next-lesson" } }));
  }
  return box;
}

/** The contest's last word: the work is saved and the teacher will see the result (no score, no verdict). */
function teacherNote(model, prefix) {
  return h("p", { cls: `hv-result-teacher ${prefix}-teacher`, text: uiText(model, "res_teacher"), attrs: { role: "status", "data-key": "teacher-note" } });
}

/**
 * Once a lesson is finished and saved, the grade cell's "not submitted yet" note (`.hv-grade-note`, written
 * when the page loaded, before any answer) is no longer true: it says the work is saved instead (res_saved).
 * Called by the inbox and the feed when their result screen appears (lesson mode only).
 */
function settleGradeNotes(model) {
  for (const note of document.querySelectorAll(".hv-grade-note")) {
    note.textContent = uiText(model, "res_saved");
    note.classList.add("hv-grade-note-saved");
  }
}
