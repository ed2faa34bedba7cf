// inbox.js — the phone inbox of hocvuso's ScamInbox widget.
// One ES module (anywidget loads it from a Blob URL), with common.js put in front of it by Python:
// no imports, no CDN, no network.
// It only draws the synced state and reports raw learner actions to Python with model.send():
//   {action: "answer", message_id, verdict, flags}   {action: "inspect", message_id, index}
//   {action: "locale", locale}
// Python decides everything else. All text goes in through textContent; links are never <a href>,
// so nothing in a scam message can be visited.

const SVG_NS = "http://www.w3.org/2000/svg";

// Channel icons as path data (24×24), drawn inline so no font or image is fetched.
const ICONS = {
  sms: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z",
  zalo: "M12 3C6.5 3 2 6.9 2 11.7c0 2.6 1.3 4.9 3.4 6.5L4.6 21l3.3-1.7c1.3.4 2.6.6 4.1.6 5.5 0 10-3.9 10-8.7S17.5 3 12 3z",
  email: "M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm0 2v.4l9 5.6 9-5.6V7l-9 5.6L3 7z",
  call: "M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25c1.1.37 2.3.57 3.6.57a1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z",
};

function icon(channel) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "hv-inbox-icon-svg");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", ICONS[channel] || ICONS.sms);
  path.setAttribute("fill-rule", "evenodd");
  svg.appendChild(path);
  return h("span", { cls: `hv-inbox-icon hv-inbox-icon-${channel in ICONS ? channel : "sms"}` }, [svg]);
}

/** @param {{ model: any, el: HTMLElement }} ctx */
function render({ model, el }) {
  el.classList.add("hv-task", "hv-inbox");
  const root = h("div", { cls: "hv-task-frame hv-inbox-phone" });
  el.appendChild(root);

  // View-local state: which message is open and the learner's unsent choices.
  let openId = null;
  const drafts = {}; // message id -> {verdict: string|null, flags: Set<string>}
  const showing = new Set(); // answered messages whose clues are marked ("show me")
  const uid = `hv-inbox-${Math.random().toString(36).slice(2, 8)}`;

  const S = (k) => (model.get("strings") || {})[k] || "";
  const view = () => model.get("view") || { messages: [], flags: [] };
  const answers = () => model.get("answers") || { messages: {}, inspected: {} };
  const isContest = () => model.get("mode") === "contest";

  function draftFor(id) {
    if (!drafts[id]) {
      const saved = (answers().messages || {})[id];
      drafts[id] = { verdict: saved ? saved.verdict : null, flags: new Set(saved ? saved.flags : []) };
    }
    return drafts[id];
  }

  // The short list this message offers (Python picks it: its key's flags and distractors); all flags if none.
  function offeredFlags(m) {
    const all = view().flags || [];
    if (!m.flags || !m.flags.length) return all;
    const offered = new Set(m.flags);
    return all.filter((f) => offered.has(f.id));
  }

  function send(payload) {
    model.send(payload);
  }

  // ------------------------------------------------------------------ list
  function listView() {
    const v = view();
    const ans = answers().messages || {};
    const wrap = h("section", { cls: "hv-inbox-list-view", attrs: { "aria-label": S("inbox") } });
    const s = model.get("summary") || {};
    if (s.max_points) {
      wrap.appendChild(lessonResult(model, "hv-inbox", s, (item) => { openId = item.id; redraw({ focus: "heading" }); }));
    }
    if (v.intro) {
      wrap.appendChild(h("p", { cls: "hv-inbox-intro", text: v.intro }));
    }
    const done = v.messages.filter((m) => m.id in ans).length;
    wrap.appendChild(h("p", { cls: "hv-inbox-progress", text: fill(S("progress"), { done, total: v.messages.length }) }));
    if (isContest()) wrap.appendChild(h("p", { cls: "hv-inbox-note", text: S("contest_note") }));
    const list = h("ul", { cls: "hv-inbox-list" });
    if (!v.messages.length) wrap.appendChild(h("p", { text: S("no_messages") }));
    for (const m of v.messages) {
      const answered = m.id in ans;
      const btn = h("button", {
        cls: `hv-inbox-item hv-inbox-open${answered ? " hv-inbox-item-answered" : ""}`,
        attrs: { type: "button", "data-id": m.id, "data-key": `open-${m.id}`, "data-hv-read": true },
      });
      btn.appendChild(icon(m.channel));
      const main = h("span", { cls: "hv-inbox-item-main" });
      const top = h("span", { cls: "hv-inbox-item-top" });
      top.appendChild(h("span", { cls: "hv-inbox-sender", text: m.sender }));
      top.appendChild(h("span", { cls: "hv-inbox-time", text: m.time }));
      main.appendChild(top);
      const meta = h("span", { cls: "hv-inbox-item-meta" });
      meta.appendChild(h("span", { cls: "hv-inbox-channel", text: S(`channel_${m.channel}`) }));
      meta.appendChild(h("span", {
        cls: answered ? "hv-inbox-badge hv-inbox-badge-answered" : "hv-inbox-badge hv-inbox-badge-new",
        text: answered ? `✓ ${S("answered")}` : S("new"),
      }));
      main.appendChild(meta);
      if (m.subject) main.appendChild(h("span", { cls: "hv-inbox-subject-preview", text: m.subject }));
      main.appendChild(h("span", { cls: "hv-inbox-preview", text: m.preview }));
      btn.appendChild(main);
      btn.addEventListener("click", () => { openId = m.id; redraw({ focus: "heading" }); });
      list.appendChild(h("li", { cls: "hv-inbox-li" }, [btn]));
    }
    wrap.appendChild(list);
    return wrap;
  }

  // ------------------------------------------------------------------ message
  function inspection(msgId, index) {
    const info = ((model.get("inspections") || {})[msgId] || {})[String(index)];
    if (!info) return null;
    const box = h("div", { cls: "hv-inbox-inspection", attrs: { "data-index": index } });
    box.appendChild(h("p", { cls: "hv-inbox-inspection-label", text: S("real_address") }));
    const url = h("p", { cls: "hv-inbox-url", attrs: { dir: "ltr" } });
    url.appendChild(h("span", { cls: "hv-inbox-url-rest", text: `${info.scheme}://${info.before}` }));
    url.appendChild(h("strong", { cls: "hv-inbox-domain", text: info.domain }));
    url.appendChild(h("span", { cls: "hv-inbox-url-rest", text: info.path }));
    box.appendChild(url);
    const dom = h("p", { cls: "hv-inbox-inspection-domain" });
    dom.appendChild(h("span", { text: `${S("real_domain")} ` }));
    dom.appendChild(h("strong", { cls: "hv-inbox-domain-name", text: info.domain }));
    box.appendChild(dom);
    box.appendChild(h("p", {
      cls: info.gov_vn ? "hv-inbox-gov hv-inbox-gov-yes" : "hv-inbox-gov hv-inbox-gov-no",
      text: info.gov_vn ? S("gov_yes") : S("gov_no"),
    }));
    if (info.apk) box.appendChild(h("p", { cls: "hv-inbox-apk", text: `⚠ ${S("apk")}` }));
    return box;
  }

  function body(m) {
    const wrap = h("div", { cls: `hv-inbox-body hv-inbox-body-${m.channel}` });
    if (m.channel === "call") {
      const chat = h("ol", { cls: "hv-inbox-transcript" });
      for (const line of m.transcript || []) {
        const who = line.who === "you" ? "you" : "caller";
        const li = h("li", { cls: `hv-inbox-bubble hv-inbox-bubble-${who}` });
        li.appendChild(h("span", { cls: "hv-inbox-bubble-who", text: S(who) }));
        li.appendChild(h("span", { cls: "hv-inbox-bubble-text", text: line.text }));
        chat.appendChild(li);
      }
      wrap.appendChild(chat);
    }
    if (m.segments && m.segments.length) {
      const bubble = h("div", { cls: m.channel === "email" ? "hv-inbox-mail" : "hv-inbox-bubble hv-inbox-bubble-caller hv-inbox-bubble-message" });
      const p = h("p", { cls: "hv-inbox-text" });
      for (const seg of m.segments) {
        if (typeof seg.link === "number") {
          // Looks like a link, is plain text: there is nothing to click or visit.
          p.appendChild(h("span", { cls: "hv-inbox-link", text: seg.text, attrs: { "data-index": seg.link } }));
        } else {
          p.appendChild(document.createTextNode(String(seg.text || "")));
        }
      }
      bubble.appendChild(p);
      wrap.appendChild(bubble);
    }
    if (m.links && m.links.length) {
      const tools = h("div", { cls: "hv-inbox-links" });
      tools.appendChild(h("p", { cls: "hv-inbox-link-note", text: S("link_note") }));
      m.links.forEach((link, index) => {
        const shown = inspection(m.id, index);
        const btn = h("button", {
          cls: "hv-inbox-inspect",
          attrs: { type: "button", "data-index": index, "aria-expanded": shown ? "true" : "false", "data-key": `inspect-${m.id}-${index}` },
        });
        btn.appendChild(h("span", { cls: "hv-inbox-inspect-label", text: shown ? S("inspect_again") : S("inspect") }));
        btn.appendChild(h("span", { cls: "hv-inbox-inspect-shown", text: link.shown, attrs: { dir: "ltr" } }));
        btn.addEventListener("click", () => send({ action: "inspect", message_id: m.id, index }));
        tools.appendChild(btn);
        if (shown) tools.appendChild(shown);
      });
      wrap.appendChild(tools);
    }
    return wrap;
  }

  function answerForm(m) {
    const saved = (answers().messages || {})[m.id];
    const locked = !!saved && !isContest();
    const d = draftFor(m.id);
    const form = h("form", { cls: "hv-inbox-form", attrs: { novalidate: true } });
    form.addEventListener("submit", (e) => e.preventDefault());

    const vset = h("fieldset", { cls: "hv-inbox-verdicts" });
    vset.appendChild(h("legend", { cls: "hv-inbox-legend", text: S("question") }));
    const vrow = h("div", { cls: "hv-inbox-verdict-row" });
    const verdictButtons = {};
    for (const verdict of ["scam", "safe"]) {
      const b = h("button", {
        cls: `hv-inbox-verdict hv-inbox-verdict-${verdict}`,
        text: S(verdict),
        attrs: { type: "button", "aria-pressed": d.verdict === verdict ? "true" : "false", disabled: locked, "data-key": `verdict-${verdict}` },
      });
      b.addEventListener("click", () => {
        d.verdict = verdict;
        for (const [k, other] of Object.entries(verdictButtons)) other.setAttribute("aria-pressed", k === verdict ? "true" : "false");
        sendBtn.disabled = false;
        hint.textContent = "";
      });
      verdictButtons[verdict] = b;
      vrow.appendChild(b);
    }
    vset.appendChild(vrow);
    form.appendChild(vset);

    const fset = h("fieldset", { cls: "hv-inbox-flags" });
    fset.appendChild(h("legend", { cls: "hv-inbox-legend", text: S("flags_legend") }));
    for (const flag of offeredFlags(m)) {
      const id = `${uid}-${m.id}-${flag.id}`;
      const box = h("input", {
        cls: "hv-inbox-flag",
        attrs: { type: "checkbox", id, value: flag.id, disabled: locked, "data-key": `flag-${flag.id}` },
      });
      box.checked = d.flags.has(flag.id);
      box.addEventListener("change", () => { if (box.checked) d.flags.add(flag.id); else d.flags.delete(flag.id); });
      fset.appendChild(h("div", { cls: "hv-inbox-flag-row" }, [box, h("label", { cls: "hv-inbox-flag-label", text: flag.label, attrs: { for: id } })]));
    }
    form.appendChild(fset);

    const hint = h("p", { cls: "hv-inbox-hint", attrs: { "aria-live": "polite" } });
    const sendBtn = h("button", {
      cls: "hv-inbox-send",
      text: saved && isContest() ? S("send_change") : S("send"),
      attrs: { type: "submit", disabled: locked || !d.verdict, "data-key": "send" },
    });
    sendBtn.addEventListener("click", (e) => {
      e.preventDefault();
      if (!d.verdict) { hint.textContent = S("need_verdict"); return; }
      const flags = offeredFlags(m).map((f) => f.id).filter((f) => d.flags.has(f));
      send({ action: "answer", message_id: m.id, verdict: d.verdict, flags });
    });
    if (!locked) {
      form.appendChild(sendBtn);
      form.appendChild(hint);
    } else {
      form.appendChild(h("p", { cls: "hv-inbox-your-answer", text: `${S("your_answer")} ${S(saved.verdict)}` }));
    }
    return form;
  }

  function feedbackPanel(m) {
    const fb = (model.get("feedback") || {})[m.id];
    const { panel, box } = feedbackCard(model, "hv-inbox", fb);
    if (!box) return panel;
    if (fb.flags && fb.flags.length) {
      const ul = h("ul", { cls: "hv-inbox-fb-flags" });
      for (const f of fb.flags) {
        const li = h("li", { cls: `hv-inbox-fb-flag hv-inbox-fb-${f.status}` });
        const mark = f.status === "hit" ? "✓" : f.status === "missed" ? "○" : "✗";
        const top = h("p", { cls: "hv-inbox-fb-flag-top" });
        top.appendChild(h("span", { cls: "hv-inbox-fb-status", text: `${mark} ${S(`flag_${f.status}`)}` }));
        top.appendChild(h("strong", { cls: "hv-inbox-fb-label", text: f.label }));
        li.appendChild(top);
        li.appendChild(h("p", { cls: "hv-inbox-fb-explain", text: f.explain }));
        ul.appendChild(li);
      }
      box.appendChild(ul);
    }
    box.appendChild(h("h4", { cls: "hv-inbox-fb-heading", text: S("why") }));
    box.appendChild(h("p", { cls: "hv-inbox-explanation", text: fb.explanation }));
    box.appendChild(h("h4", { cls: "hv-inbox-fb-heading", text: S("what_to_do") }));
    box.appendChild(h("p", { cls: "hv-inbox-action", text: fb.action }));
    return panel;
  }

  function messageView(m) {
    const wrap = h("article", { cls: "hv-inbox-message", attrs: { "data-id": m.id } });
    const back = h("button", { cls: "hv-inbox-back", text: `‹ ${S("back")}`, attrs: { type: "button", "data-key": "back" } });
    back.addEventListener("click", () => { const was = openId; openId = null; redraw({ focusKey: `open-${was}` }); });
    wrap.appendChild(back);
    const head = h("header", { cls: "hv-inbox-msg-head" });
    const top = h("div", { cls: "hv-inbox-msg-top" });
    top.appendChild(icon(m.channel));
    top.appendChild(h("h3", { cls: "hv-inbox-msg-sender", text: m.sender, attrs: { tabindex: "-1", "data-key": "heading" } }));
    head.appendChild(top);
    const details = h("div", { cls: "hv-inbox-details" });
    const row = (k, v, cls) => {
      const line = h("p", { cls: "hv-inbox-detail" });
      line.appendChild(h("span", { cls: "hv-inbox-detail-key", text: `${k} ` }));
      line.appendChild(h("span", { cls: `hv-inbox-detail-value ${cls}`, text: v, attrs: { dir: "auto" } }));
      details.appendChild(line);
    };
    row(S("address"), m.address, "hv-inbox-address");
    row(S("time"), `${S(`channel_${m.channel}`)} · ${m.time}`, "hv-inbox-detail-time");
    if (m.subject) row(S("subject"), m.subject, "hv-inbox-subject");
    head.appendChild(details);
    wrap.appendChild(head);
    const shown = body(m);
    wrap.appendChild(shown);
    const fb = (model.get("feedback") || {})[m.id];
    const clues = clueList(fb);
    if (clues.length) {
      const on = showing.has(m.id);
      const toggle = h("button", { cls: "hv-inbox-show-me", text: on ? S("hide_clues") : `👁 ${S("show_me")}`,
        attrs: { type: "button", "aria-pressed": on ? "true" : "false", "data-key": "show-me" } });
      toggle.addEventListener("click", () => {
        if (showing.has(m.id)) showing.delete(m.id); else showing.add(m.id);
        redraw({ focusKey: "show-me" });
        if (showing.has(m.id)) wrap.ownerDocument.querySelector(".hv-inbox-message .hv-inbox-msg-head")?.scrollIntoView({ block: "start" });
      });
      wrap.insertBefore(toggle, shown);
      if (on) {
        const marked = markClues([head, shown], clues);
        shown.after(clueNotes(clues, marked));
      }
    }
    wrap.appendChild(answerForm(m));
    wrap.appendChild(feedbackPanel(m));
    if ((model.get("summary") || {}).max_points) {
      const see = h("button", { cls: "hv-inbox-see-result", text: `${S("see_result")} ›`, attrs: { type: "button", "data-key": "see-result" } });
      see.addEventListener("click", () => { openId = null; redraw({ focusKey: "result" }); });
      wrap.appendChild(see);
    }
    return wrap;
  }

  // ------------------------------------------------------------------ show me
  // The flags of an answered scam that have words on the message (Python derives them with the content
  // check's rules), numbered in feedback order: [{n, id, label, explain, status, words}].
  function clueList(fb) {
    if (!fb || !fb.flags) return [];
    return fb.flags.filter((f) => f.status !== "wrong").map((f, i) => ({ ...f, n: i + 1, words: f.clues || [] }));
  }

  // Wrap each clue's words found in `parts` (the message's header and body) in a numbered <mark>; returns
  // the numbers marked. Text only: a match never spans two elements, links stay plain text.
  function markClues(parts, clues) {
    const marked = new Set();
    const nodes = [];
    for (const part of parts) {
      const walker = document.createTreeWalker(part, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement.closest("button")) nodes.push(n);
    }
    for (const node of nodes) {
      const text = node.nodeValue;
      const lower = text.toLowerCase();
      const hits = [];
      for (const c of clues) {
        for (const w of c.words) {
          const needle = w.toLowerCase();
          for (let i = needle ? lower.indexOf(needle) : -1; i >= 0; i = lower.indexOf(needle, i + needle.length)) hits.push([i, i + needle.length, c.n]);
        }
      }
      if (!hits.length) continue;
      // Shorter words first; a word inside one already marked adds its number there (one place, two signs),
      // a word that overlaps one marks the rest of itself.
      hits.sort((a, b) => a[0] - b[0] || (a[1] - a[0]) - (b[1] - b[0]));
      const spans = [];
      let pos = 0;
      for (const [start, end, n] of hits) {
        marked.add(n);
        if (end <= pos) {
          (spans.find((s) => s.start <= start && end <= s.end) || spans[spans.length - 1]).nums.add(n);
          continue;
        }
        spans.push({ start: Math.max(start, pos), end, nums: new Set([n]) });
        pos = end;
      }
      const frag = document.createDocumentFragment();
      pos = 0;
      for (const s of spans) {
        const nums = [...s.nums].sort((a, b) => a - b);
        frag.append(text.slice(pos, s.start));
        const mark = h("mark", { cls: "hv-inbox-clue", attrs: { "data-clue": nums.join(" ") } });
        mark.append(text.slice(s.start, s.end));
        mark.appendChild(h("sup", { cls: "hv-inbox-clue-n", text: nums.join(",") }));
        frag.appendChild(mark);
        pos = s.end;
      }
      frag.append(text.slice(pos));
      node.replaceWith(frag);
    }
    return marked;
  }

  // Under the message, each sign with its number on the message and its explanation (Jigsaw-style).
  function clueNotes(clues, marked) {
    const box = h("section", { cls: "hv-inbox-clues", attrs: { "aria-label": S("clues_title") } });
    box.appendChild(h("h4", { cls: "hv-inbox-clues-title", text: S("clues_title") }));
    const ol = h("ol", { cls: "hv-inbox-clue-notes" });
    for (const c of clues) {
      const li = h("li", { cls: `hv-inbox-clue-note hv-inbox-fb-${c.status}`, attrs: { "data-clue": c.n, "data-flag": c.id } });
      const top = h("p", { cls: "hv-inbox-clue-top" });
      top.appendChild(h("span", { cls: marked.has(c.n) ? "hv-inbox-clue-badge" : "hv-inbox-clue-badge hv-inbox-clue-badge-none", text: marked.has(c.n) ? c.n : "•" }));
      top.appendChild(h("strong", { cls: "hv-inbox-clue-label", text: c.label }));
      li.appendChild(top);
      li.appendChild(h("p", { cls: "hv-inbox-clue-where", text: marked.has(c.n) ? fill(S("clue_here"), { n: c.n }) : S("clue_unmarked") }));
      li.appendChild(h("p", { cls: "hv-inbox-clue-explain", text: c.explain }));
      ol.appendChild(li);
    }
    box.appendChild(ol);
    return box;
  }

  // ------------------------------------------------------------------ drawing
  function redraw(opts = {}) {
    const active = el.ownerDocument.activeElement;
    const keepKey = opts.focusKey || (active && root.contains(active) ? active.getAttribute("data-key") : null);
    const v = view();
    const open = openId ? (v.messages || []).find((m) => m.id === openId) : null;
    if (!open) openId = null;
    root.replaceChildren();
    root.appendChild(appBar(model, "hv-task hv-inbox", v.title || S("app")));
    root.appendChild(open ? messageView(open) : listView());
    root.appendChild(statusLine(model, "hv-inbox"));
    if ((model.get("summary") || {}).max_points) settleGradeNotes(model);
    let target = null;
    if (opts.focus === "heading") target = root.querySelector('[data-key="heading"]');
    else if (keepKey) {
      target = root.querySelector(`[data-key="${CSS.escape(keepKey)}"]`);
      // The Send button goes away once a lesson answer is final: carry on at the feedback.
      if ((!target || target.disabled) && keepKey === "send") target = root.querySelector('[data-key="feedback"]');
    }
    if (target && !target.disabled) target.focus({ preventScroll: opts.focus !== "heading" && !opts.focusKey });
    if (opts.focus === "heading") el.scrollIntoView({ block: "start" });
  }

  // One Python update can change several traits at once: draw once for all of them.
  let pending = false;
  const onChange = () => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => { pending = false; redraw(); });
  };
  const onLocale = onChange;
  model.on("change:view", onChange);
  model.on("change:strings", onLocale);
  model.on("change:answers", onChange);
  model.on("change:inspections", onChange);
  model.on("change:feedback", onChange);
  model.on("change:status", onChange);
  model.on("change:mode", onChange);
  model.on("change:summary", onChange);
  redraw();

  return () => {
    for (const name of ["view", "answers", "inspections", "feedback", "summary", "status", "mode"]) model.off(`change:${name}`, onChange);
    model.off("change:strings", onLocale);
  };
}

export default { render };
