// phone.js — the simulated phone of hocvuso's PhoneSimulator widget.
// One ES module (anywidget loads it from a Blob URL), with common.js put in front of it by Python:
// no imports, no CDN, no network.
// It only draws the synced state and reports raw learner actions to Python with model.send():
//   {action: "answer", step_id, value}   {action: "check", step_id, text}   {action: "locale", locale}
// Python decides everything else. All text goes in through textContent; nothing is a real link.

const SVG_NS = "http://www.w3.org/2000/svg";
const APP_MARK = { bank: "₫", chat: "Z", ai: "AI", video: "▶", browser: "🌐", sms: "✉", settings: "⚙", camera: "◎" };

function fmtMoney(n) {
  return String(Math.round(Number(n) || 0)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

/** A decorative, deterministic QR-like pattern (not a real code: nothing can be scanned from it). */
function fakeQr(seed) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 21 21");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "hv-phone-qr-svg");
  let x = 0;
  for (const c of String(seed)) x = (x * 31 + c.charCodeAt(0)) >>> 0;
  const rect = (cx, cy, w, hh, fillColor) => {
    const r = document.createElementNS(SVG_NS, "rect");
    r.setAttribute("x", cx); r.setAttribute("y", cy); r.setAttribute("width", w); r.setAttribute("height", hh);
    r.setAttribute("fill", fillColor);
    svg.appendChild(r);
  };
  rect(0, 0, 21, 21, "#fff");
  for (let i = 0; i < 21; i++) {
    for (let j = 0; j < 21; j++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const inFinder = (i < 8 && j < 8) || (i < 8 && j > 12) || (i > 12 && j < 8);
      if (!inFinder && (x >>> 16) % 2) rect(i, j, 1, 1, "#111");
    }
  }
  for (const [fx, fy] of [[0, 0], [14, 0], [0, 14]]) {
    rect(fx, fy, 7, 7, "#111"); rect(fx + 1, fy + 1, 5, 5, "#fff"); rect(fx + 2, fy + 2, 3, 3, "#111");
  }
  return svg;
}

/** @param {{ model: any, el: HTMLElement }} ctx */
function render({ model, el }) {
  el.classList.add("hv-task", "hv-phone");
  const root = h("div", { cls: "hv-task-frame hv-phone-frame" });
  el.appendChild(root);

  const uid = `hv-phone-${Math.random().toString(36).slice(2, 8)}`;
  const drafts = {}; // step id -> {choice, choices: Set, text, shown}
  let current = null; // step id on screen (view-local)
  let checkTimer = null;

  const S = (k) => (model.get("strings") || {})[k] || "";
  const view = () => model.get("view") || { steps: [] };
  const steps = () => view().steps || [];
  const answered = () => (model.get("answers") || {}).steps || {};
  const isContest = () => model.get("mode") === "contest";
  const send = (payload) => model.send(payload);

  function firstOpen() {
    const done = answered();
    const open = steps().find((s) => !(s.id in done));
    return open ? open.id : (steps().length ? steps()[steps().length - 1].id : null);
  }
  function reachable(id) {
    const done = answered();
    return id in done || id === firstOpen();
  }
  function draftFor(step) {
    if (!drafts[step.id]) {
      const saved = answered()[step.id] || {};
      drafts[step.id] = { choice: saved.choice || null, choices: new Set(saved.choices || []), text: "", shown: false };
    }
    return drafts[step.id];
  }

  // ------------------------------------------------------------------ chrome
  function progress(stepIndex) {
    const wrap = h("nav", { cls: "hv-phone-progress", attrs: { "aria-label": S("steps") } });
    wrap.appendChild(h("p", { cls: "hv-phone-progress-text", text: fill(S("step"), { n: stepIndex + 1, total: steps().length }) }));
    const dots = h("ol", { cls: "hv-phone-dots" });
    steps().forEach((s, i) => {
      const done = s.id in answered();
      // A lesson marks an answered step by its verdict (✓ right, ✗ wrong, ½ partly); a contest only says answered
      // (●: no verdict, so never a ✓ that could be read as "right").
      const fb = (model.get("feedback") || {})[s.id];
      const verdict = !done || !fb ? "done" : fb.correct ? "right" : fb.points > 0 ? "partial" : "wrong";
      const mark = { done: "●", right: "✓", partial: "½", wrong: "✗" }[verdict];
      const label = `${fill(S("go_step"), { n: i + 1 })}${done ? ` (${S(fb ? `dot_${verdict}` : "done_mark")})` : ""}`;
      const b = h("button", {
        cls: `hv-phone-dot${done ? ` hv-phone-dot-done hv-phone-dot-${verdict}` : ""}${s.id === current ? " hv-phone-dot-current" : ""}`,
        text: done ? mark : String(i + 1),
        attrs: { type: "button", "aria-label": label, "aria-current": s.id === current ? "step" : false,
                 disabled: !reachable(s.id), "data-key": `dot-${s.id}` },
      });
      b.addEventListener("click", () => { current = s.id; redraw({ focus: "prompt" }); });
      dots.appendChild(h("li", {}, [b]));
    });
    wrap.appendChild(dots);
    return wrap;
  }

  // ------------------------------------------------------------------ the simulated screen
  function block(b) {
    switch (b.type) {
      case "row": {
        const row = h("div", { cls: `hv-phone-row${b.emphasis ? " hv-phone-row-em" : ""}` });
        row.appendChild(h("span", { cls: "hv-phone-row-label", text: b.label }));
        row.appendChild(h("span", { cls: "hv-phone-row-value", text: b.value, attrs: { dir: "auto" } }));
        return row;
      }
      case "bubble": {
        const who = b.who === "me" ? "me" : b.who === "bot" ? "bot" : "them";
        const bub = h("div", { cls: `hv-phone-bubble hv-phone-bubble-${who}` });
        bub.appendChild(h("span", { cls: "hv-phone-bubble-who", text: b.name || S(who) }));
        bub.appendChild(h("span", { cls: "hv-phone-bubble-text", text: b.text }));
        return bub;
      }
      case "qr": {
        const box = h("figure", { cls: "hv-phone-qr" });
        box.appendChild(fakeQr(b.label));
        box.appendChild(h("figcaption", { cls: "hv-phone-qr-caption", text: b.label }));
        return box;
      }
      case "video": {
        // A picture of a call, described by its label (a <div>: a <figure> may not take role="img").
        const box = h("div", { cls: "hv-phone-video", attrs: { role: "img", "aria-label": `${S("video_off")}: ${b.name}. ${b.text || ""}` } });
        box.appendChild(h("span", { cls: "hv-phone-video-face", text: "👤", attrs: { "aria-hidden": "true" } }));
        box.appendChild(h("span", { cls: "hv-phone-video-name", text: b.name }));
        if (b.text) box.appendChild(h("span", { cls: "hv-phone-video-caption", text: b.text }));
        return box;
      }
      case "notice":
        return h("p", { cls: `hv-phone-notice hv-phone-notice-${b.tone || "info"}`, text: b.text });
      case "heading":
        return h("h4", { cls: "hv-phone-heading", text: b.text });
      case "receipt": {
        const box = h("div", { cls: "hv-phone-receipt" });
        box.appendChild(h("span", { cls: "hv-phone-receipt-label", text: b.label }));
        box.appendChild(h("strong", { cls: "hv-phone-receipt-value", text: b.value }));
        return box;
      }
      default:
        return h("p", { cls: "hv-phone-text", text: b.text || "" });
    }
  }

  function screen(step) {
    const sc = step.screen || {};
    const app = sc.app in APP_MARK ? sc.app : "chat";
    const box = h("section", { cls: `hv-phone-screen hv-phone-app-${app}`, attrs: { "aria-label": sc.title } });
    const head = h("div", { cls: "hv-phone-app-head" });
    head.appendChild(h("span", { cls: "hv-phone-app-mark", text: APP_MARK[app], attrs: { "aria-hidden": "true" } }));
    const names = h("div", { cls: "hv-phone-app-names" });
    names.appendChild(h("h3", { cls: "hv-phone-app-title", text: sc.title }));
    if (sc.address) names.appendChild(h("p", { cls: "hv-phone-app-address", text: sc.address, attrs: { dir: "ltr" } }));
    head.appendChild(names);
    box.appendChild(head);
    const body = h("div", { cls: "hv-phone-app-body" });
    for (const b of sc.blocks || []) body.appendChild(block(b));
    box.appendChild(body);
    return box;
  }

  // What the simulated app did after the learner acted (public behaviour, not a verdict).
  function reaction(step) {
    const r = (model.get("reactions") || {})[step.id];
    if (!r) return null;
    const box = h("section", { cls: "hv-phone-reaction", attrs: { "aria-live": "polite" } });
    if (r.sent !== undefined) {
      const me = h("div", { cls: "hv-phone-bubble hv-phone-bubble-me" });
      me.appendChild(h("span", { cls: "hv-phone-bubble-who", text: S("you_sent") }));
      me.appendChild(h("span", { cls: "hv-phone-bubble-text hv-phone-sent", text: r.sent }));
      box.appendChild(me);
      if (r.reply) {
        const bot = h("div", { cls: "hv-phone-bubble hv-phone-bubble-bot" });
        bot.appendChild(h("span", { cls: "hv-phone-bubble-who", text: S("bot") }));
        bot.appendChild(h("span", { cls: "hv-phone-bubble-text", text: r.reply }));
        box.appendChild(bot);
      }
      box.appendChild(h("p", { cls: "hv-phone-small", text: S("masked_note") }));
    }
    if (r.amount !== undefined) {
      box.appendChild(h("p", { cls: "hv-phone-amount-read", text: fill(S("amount_read"), { amount: fmtMoney(r.amount) }) }));
      const face = h("div", { cls: `hv-phone-face ${r.face_check ? "hv-phone-face-yes" : "hv-phone-face-no"}` });
      face.appendChild(h("strong", { text: `${S("face_title")} ` }));
      face.appendChild(h("span", { text: r.face_check ? S("face_yes") : S("face_no") }));
      box.appendChild(face);
    }
    if (r.saved) box.appendChild(h("p", { cls: "hv-phone-notice hv-phone-notice-ok", text: S("password_saved") }));
    return box;
  }

  // ------------------------------------------------------------------ the learner's action
  function checkerBox(step) {
    const box = h("div", { cls: "hv-phone-checker", attrs: { "aria-live": "polite", "aria-label": S("checker"), "data-step": step.id } });
    fillChecker(box, step);
    return box;
  }
  function fillChecker(box, step) {
    const c = (model.get("checker") || {})[step.id];
    box.replaceChildren();
    if (!c || c.empty) return;
    const top = h("p", { cls: `hv-phone-checker-top ${c.strong ? "hv-phone-ok" : "hv-phone-bad"}` });
    top.appendChild(h("span", { cls: "hv-phone-checker-len", text: fill(S("length"), { n: c.length }) }));
    top.appendChild(h("strong", { text: c.strong ? S("strong") : S("not_strong") }));
    box.appendChild(top);
    const ul = h("ul", { cls: "hv-phone-checks" });
    for (const line of c.lines || []) {
      ul.appendChild(h("li", { cls: `hv-phone-check ${line.ok ? "hv-phone-check-ok" : "hv-phone-check-bad"}`,
        text: `${line.ok ? "✓" : "✗"} ${line.label}` }));
    }
    box.appendChild(ul);
  }

  function actionPanel(step) {
    const a = step.action || {};
    const saved = answered()[step.id];
    const locked = !!saved && !isContest();
    const d = draftFor(step);
    const form = h("form", { cls: `hv-phone-action hv-phone-action-${a.kind}`, attrs: { novalidate: true } });
    form.addEventListener("submit", (e) => e.preventDefault());
    const promptId = `${uid}-${step.id}-prompt`;
    form.appendChild(h("p", { cls: "hv-phone-prompt", text: a.prompt, attrs: { id: promptId, tabindex: "-1", "data-key": "prompt" } }));
    const hint = h("p", { cls: "hv-phone-hint", attrs: { "aria-live": "polite" } });
    let getValue = () => null;
    let buttonLabel = S("send");

    if (a.kind === "choose" || a.kind === "select") {
      const set = h("fieldset", { cls: "hv-phone-options", attrs: { "aria-labelledby": promptId } });
      for (const o of a.options || []) {
        const id = `${uid}-${step.id}-${o.id}`;
        const input = h("input", { cls: "hv-phone-option-input", attrs: {
          type: a.kind === "choose" ? "radio" : "checkbox", name: `${uid}-${step.id}`, id, value: o.id,
          disabled: locked, "data-key": `opt-${o.id}` } });
        input.checked = a.kind === "choose" ? d.choice === o.id : d.choices.has(o.id);
        input.addEventListener("change", () => {
          if (a.kind === "choose") d.choice = o.id;
          else if (input.checked) d.choices.add(o.id); else d.choices.delete(o.id);
          hint.textContent = "";
        });
        const label = h("label", { cls: "hv-phone-option", attrs: { for: id } });
        label.appendChild(input);
        label.appendChild(h("span", { cls: "hv-phone-option-text", text: o.label }));
        set.appendChild(label);
      }
      form.appendChild(set);
      getValue = () => (a.kind === "choose" ? d.choice : (a.options || []).map((o) => o.id).filter((id) => d.choices.has(id)));
      if (!locked) hint.textContent = a.kind === "choose" ? S("choose_hint") : S("select_hint");
    } else if (a.kind === "type") {
      const id = `${uid}-${step.id}-text`;
      form.appendChild(h("label", { cls: "hv-phone-label", text: S("chat_label"), attrs: { for: id } }));
      const area = h("textarea", { cls: "hv-phone-textarea", attrs: { id, rows: 3, maxlength: 500, placeholder: a.placeholder,
        disabled: locked, "data-key": "text", autocomplete: "off", spellcheck: "false" } });
      area.value = d.text;
      area.addEventListener("input", () => { d.text = area.value; hint.textContent = ""; });
      form.appendChild(area);
      getValue = () => d.text;
    } else if (a.kind === "amount") {
      const id = `${uid}-${step.id}-amount`;
      form.appendChild(h("label", { cls: "hv-phone-label", text: S("amount_label"), attrs: { for: id } }));
      const input = h("input", { cls: "hv-phone-input hv-phone-amount", attrs: { id, type: "text", inputmode: "text",
        placeholder: a.placeholder, disabled: locked, "data-key": "amount", autocomplete: "off" } });
      input.value = d.text;
      input.addEventListener("input", () => { d.text = input.value; hint.textContent = ""; });
      form.appendChild(input);
      getValue = () => d.text;
      buttonLabel = S("continue");
    } else if (a.kind === "password") {
      const id = `${uid}-${step.id}-pw`;
      form.appendChild(h("label", { cls: "hv-phone-label", text: S("password_label"), attrs: { for: id } }));
      const row = h("div", { cls: "hv-phone-pw-row" });
      const input = h("input", { cls: "hv-phone-input hv-phone-password", attrs: { id, type: d.shown ? "text" : "password",
        maxlength: 500, placeholder: a.placeholder, disabled: locked, "data-key": "password", autocomplete: "off",
        autocapitalize: "off", spellcheck: "false" } });
      input.value = d.text;
      const show = h("button", { cls: "hv-phone-show", text: d.shown ? S("hide_password") : S("show_password"),
        attrs: { type: "button", "aria-pressed": d.shown ? "true" : "false", "aria-controls": id, disabled: locked, "data-key": "show" } });
      show.addEventListener("click", () => {
        d.shown = !d.shown;
        input.type = d.shown ? "text" : "password";
        show.textContent = d.shown ? S("hide_password") : S("show_password");
        show.setAttribute("aria-pressed", d.shown ? "true" : "false");
      });
      input.addEventListener("input", () => {
        d.text = input.value;
        hint.textContent = "";
        clearTimeout(checkTimer);
        checkTimer = setTimeout(() => send({ action: "check", step_id: step.id, text: d.text }), 250);
      });
      row.appendChild(input);
      row.appendChild(show);
      form.appendChild(row);
      form.appendChild(checkerBox(step));
      // After a language switch the checker is emptied: check the draft again in the new language.
      if (d.text && !(model.get("checker") || {})[step.id] && !locked) {
        clearTimeout(checkTimer);
        checkTimer = setTimeout(() => send({ action: "check", step_id: step.id, text: d.text }), 50);
      }
      getValue = () => d.text;
      buttonLabel = S("save_password");
    }

    if (!locked) {
      const btn = h("button", { cls: "hv-phone-send", text: saved ? S("send_change") : buttonLabel, attrs: { type: "submit", "data-key": "send" } });
      btn.addEventListener("click", (e) => {
        e.preventDefault();
        const value = getValue();
        if (value === null || value === undefined || (typeof value === "string" && !value.trim())) {
          hint.textContent = a.kind === "choose" ? S("choose_hint") : a.kind === "select" ? S("select_hint") : S("empty_hint");
          return;
        }
        send({ action: "answer", step_id: step.id, value });
      });
      form.appendChild(btn);
    }
    form.appendChild(hint);
    return form;
  }

  function feedbackPanel(step) {
    const fb = (model.get("feedback") || {})[step.id];
    const { panel, box } = feedbackCard(model, "hv-phone", fb);
    if (!box) return panel;
    if (fb.flag) {
      const flag = h("p", { cls: "hv-phone-fb-flag" });
      flag.append(h("strong", { text: `${S("flag")} ` }), document.createTextNode(fb.flag));
      box.appendChild(flag);
    }
    if (fb.lines && fb.lines.length) {
      box.appendChild(feedbackLines("hv-phone", fb.lines, { hit: "✓", right: "→", ok: "○", missed: "○", wrong: "✗" }, S));
    }
    box.appendChild(h("h4", { cls: "hv-phone-fb-heading", text: S("remember") }));
    box.appendChild(h("p", { cls: "hv-phone-fb-rule", text: fb.explain }));
    return panel;
  }

  function navigation(index) {
    const nav = h("div", { cls: "hv-phone-nav" });
    const list = steps();
    const prev = list[index - 1];
    const next = list[index + 1];
    if (prev) {
      const b = h("button", { cls: "hv-phone-prev", text: `‹ ${S("prev")}`, attrs: { type: "button", "data-key": "prev" } });
      b.addEventListener("click", () => { current = prev.id; redraw({ focus: "prompt" }); });
      nav.appendChild(b);
    }
    if (next && list[index].id in answered()) {
      const b = h("button", { cls: "hv-phone-next", text: `${S("next")} ›`, attrs: { type: "button", "data-key": "next" } });
      b.addEventListener("click", () => { current = next.id; redraw({ focus: "prompt" }); });
      nav.appendChild(b);
    }
    return nav;
  }

  // The end: in a lesson the result screen (common.js lessonResult: "open step n again" shows that step and
  // its explanation), in a contest "saved, your teacher will see the result".
  function summary() {
    const s = model.get("summary") || {};
    const done = Object.keys(answered()).length === steps().length && steps().length > 0;
    if (!done) return null;
    const box = h("section", { cls: "hv-phone-summary", attrs: { "aria-live": "polite" } });
    box.appendChild(h("p", { cls: "hv-phone-summary-done", text: S("finished") }));
    settleGradeNotes(model);
    if (isContest()) box.appendChild(teacherNote(model, "hv-phone"));
    else if (s.max_points) {
      box.appendChild(lessonResult(model, "hv-phone", s, (item) => { current = item.id; redraw({ focus: "prompt" }); }));
    }
    return box;
  }

  // ------------------------------------------------------------------ drawing
  function redraw(opts = {}) {
    const active = el.ownerDocument.activeElement;
    const keepKey = active && root.contains(active) ? active.getAttribute("data-key") : null;
    const sel = active && root.contains(active) && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
    const list = steps();
    if (!current || !list.some((s) => s.id === current) || !reachable(current)) current = firstOpen();
    const index = Math.max(0, list.findIndex((s) => s.id === current));
    const step = list[index];
    root.replaceChildren();
    root.appendChild(appBar(model, "hv-task hv-phone", view().title || ""));
    if (view().intro && index === 0) root.appendChild(h("p", { cls: "hv-phone-intro", text: view().intro }));
    if (isContest()) root.appendChild(h("p", { cls: "hv-phone-note", text: S("contest_note") }));
    if (step) {
      root.appendChild(progress(index));
      const card = h("article", { cls: "hv-phone-step", attrs: { "data-step": step.id, "data-kind": step.action.kind } });
      card.appendChild(screen(step));
      card.appendChild(actionPanel(step));
      const r = reaction(step);
      if (r) card.appendChild(r);
      card.appendChild(feedbackPanel(step));
      card.appendChild(navigation(index));
      root.appendChild(card);
    }
    const sm = summary();
    if (sm) root.appendChild(sm);
    root.appendChild(statusLine(model, "hv-phone"));
    let target = null;
    if (opts.focus === "prompt") target = root.querySelector('[data-key="prompt"]');
    else if (opts.focus === "feedback") target = root.querySelector('[data-key="feedback"]') || root.querySelector('[data-key="next"]');
    else if (keepKey) {
      target = root.querySelector(`[data-key="${CSS.escape(keepKey)}"]`);
      if ((!target || target.disabled) && keepKey === "send") target = root.querySelector('[data-key="feedback"]') || root.querySelector('[data-key="next"]');
    }
    if (target && !target.disabled) {
      target.focus({ preventScroll: opts.focus !== "prompt" });
      if (sel && "setSelectionRange" in target && target.type !== "radio" && target.type !== "checkbox") {
        try { target.setSelectionRange(sel[0], sel[1]); } catch (e) { /* not a text field */ }
      }
    }
    if (opts.focus === "prompt") root.querySelector(".hv-phone-progress")?.scrollIntoView({ block: "start" });
  }

  // One Python update can change several traits at once: draw once for all of them.
  let pending = false;
  let focusNext = null;
  const onChange = () => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => { pending = false; const f = focusNext; focusNext = null; redraw(f ? { focus: f } : {}); });
  };
  const onFeedback = () => { focusNext = "feedback"; onChange(); };
  // The live checker only refreshes its own box, so typing is never interrupted by a redraw.
  const onChecker = () => {
    const box = root.querySelector(".hv-phone-checker");
    const step = steps().find((s) => s.id === (box && box.getAttribute("data-step")));
    if (box && step) fillChecker(box, step);
  };
  const names = ["view", "strings", "answers", "reactions", "summary", "status", "mode"];
  for (const name of names) model.on(`change:${name}`, onChange);
  model.on("change:feedback", onFeedback);
  model.on("change:checker", onChecker);
  redraw();

  return () => {
    clearTimeout(checkTimer);
    for (const name of names) model.off(`change:${name}`, onChange);
    model.off("change:feedback", onFeedback);
    model.off("change:checker", onChecker);
  };
}

export default { render };
