// dossier.js — the phone-sized public-service portal of hocvuso's DossierPortal widget.
// One ES module (anywidget loads it from a Blob URL), with common.js put in front of it by Python:
// no imports, no CDN, no network.
// It draws the synced state (view, screen, strings, status, feedback) and reports raw learner actions
// with model.send({action, ...}); Python decides everything. All text goes in through textContent and
// portal addresses are plain text, never links.

/** @param {{ model: any, el: HTMLElement }} ctx */
function render({ model, el }) {
  el.classList.add("hv-dossier");
  const root = h("div", { cls: "hv-dos-phone" });
  el.appendChild(root);
  const uid = `hv-dos-${Math.random().toString(36).slice(2, 8)}`;
  const S = (k) => (model.get("strings") || {})[k] || "";
  const view = () => model.get("view") || {};
  const screen = () => model.get("screen") || {};
  const send = (payload) => model.send(payload);
  // Learner's unsent choices that survive a redraw (e.g. the procedure picked before the agency).
  const local = { procedure: null, agency: "", bank: false, idNumber: "", passcode: "" };
  const pending = {}; // field id -> debounce timer

  function button(text, key, onClick, extra = {}) {
    const b = h("button", { cls: `hv-dos-btn ${extra.cls || ""}`.trim(), text,
      attrs: { type: "button", "data-key": key, ...(extra.attrs || {}) } });
    b.addEventListener("click", onClick);
    return b;
  }

  function labelled(id, labelText, control, { required = false, hint = "", problems = [], readonly = false } = {}) {
    const wrap = h("div", { cls: `hv-dos-field${problems.length ? " hv-dos-field-bad" : ""}${readonly ? " hv-dos-field-ro" : ""}` });
    const label = h("label", { attrs: { for: id }, cls: "hv-dos-label" });
    label.appendChild(document.createTextNode(labelText));
    if (required) label.appendChild(h("span", { cls: "hv-dos-req", text: " *", attrs: { "aria-hidden": "true" } }));
    wrap.appendChild(label);
    wrap.appendChild(control);
    const described = [];
    if (hint) { wrap.appendChild(h("p", { cls: "hv-dos-hint", text: hint, attrs: { id: `${id}-hint` } })); described.push(`${id}-hint`); }
    if (problems.length) {
      const box = h("div", { cls: "hv-dos-problems", attrs: { id: `${id}-err`, role: "alert" } });
      for (const p of problems) box.appendChild(h("p", { cls: "hv-dos-problem", text: p }));
      wrap.appendChild(box);
      described.push(`${id}-err`);
      control.setAttribute("aria-invalid", "true");
    }
    if (required) control.setAttribute("aria-required", "true");
    if (described.length) control.setAttribute("aria-describedby", described.join(" "));
    return wrap;
  }

  // ---------------------------------------------------------------- stepper, card
  function stepper() {
    const sc = screen();
    const steps = view().steps || [];
    const nav = h("nav", { cls: "hv-dos-steps", attrs: { "aria-label": S("steps_nav") } });
    nav.appendChild(h("p", { cls: "hv-dos-step-of", text: `${fill(S("step_of"), { n: sc.step, total: steps.length })} · ${steps[sc.step - 1] || ""}` }));
    const list = h("ol", { cls: "hv-dos-step-list" });
    steps.forEach((name, i) => {
      const n = i + 1;
      const reachable = n <= (sc.furthest || 1);
      const b = h("button", {
        cls: `hv-dos-step${n === sc.step ? " hv-dos-step-current" : ""}${n < (sc.furthest || 1) ? " hv-dos-step-done" : ""}`,
        text: String(n),
        attrs: { type: "button", "data-key": `step-${n}`, "aria-label": `${n}. ${name}`, title: name,
          "aria-current": n === sc.step ? "step" : false, disabled: !reachable },
      });
      b.addEventListener("click", () => send({ action: "goto", step: n }));
      list.appendChild(h("li", {}, [b]));
    });
    nav.appendChild(list);
    return nav;
  }

  function taskCard() {
    const v = view();
    const d = h("details", { cls: "hv-dos-card", attrs: { open: screen().step <= 1 ? true : false } });
    d.appendChild(h("summary", { cls: "hv-dos-card-sum", text: `${S("task_card")}: ${v.title || ""}` }));
    d.appendChild(h("p", { cls: "hv-dos-today", text: `${S("today")} ${v.today || ""}` }));
    for (const para of String(v.situation || "").split("\n")) d.appendChild(h("p", { cls: "hv-dos-situation", text: para }));
    return d;
  }

  function navButtons() {
    const sc = screen();
    const row = h("div", { cls: "hv-dos-nav" });
    if (sc.step > 1 && !sc.ended) row.appendChild(button(S("back"), "back", () => send({ action: "goto", step: sc.step - 1 }), { cls: "hv-dos-secondary" }));
    if ([4, 5].includes(sc.step)) row.appendChild(button(S("next"), "next", () => send({ action: "next" }), { cls: "hv-dos-primary hv-dos-next" }));
    return row;
  }

  // ---------------------------------------------------------------- steps
  // A look-alike portal the learner just entered (lesson mode): why it is fake, its real domain, choose again.
  function fakeCard(fake) {
    // Not an alert of its own: the status line already is one; focus moves here, so it is read next.
    const card = h("section", { cls: "hv-dos-fake", attrs: { "aria-labelledby": `${uid}-fake`, "data-key": "fake-card", tabindex: "-1" } });
    card.appendChild(h("h3", { cls: "hv-dos-sub", text: S("fake_title"), attrs: { id: `${uid}-fake` } }));
    const addr = h("p", { cls: "hv-dos-fake-addr" });
    const at = fake.domain ? fake.address.lastIndexOf(fake.domain) : -1;
    if (at >= 0) {
      addr.append(document.createTextNode(fake.address.slice(0, at)),
        h("mark", { cls: "hv-dos-fake-domain", text: fake.domain }), document.createTextNode(fake.address.slice(at + fake.domain.length)));
    } else addr.textContent = fake.address;
    card.appendChild(addr);
    if (fake.domain) card.appendChild(h("p", { cls: "hv-dos-fake-real", text: fill(S("fake_domain"), { domain: fake.domain }) }));
    card.appendChild(h("p", { text: fake.explain }));
    card.appendChild(h("p", { cls: "hv-dos-fake-again", text: S("fake_again") }));
    return card;
  }

  function stepPortal() {
    const sec = h("section", { cls: "hv-dos-sec" });
    const fake = screen().fake || {};
    if (fake.id) sec.appendChild(fakeCard(fake));
    sec.appendChild(h("p", { cls: "hv-dos-intro", text: S("portal_intro") }));
    const list = h("ul", { cls: "hv-dos-portals" });
    for (const p of view().portals || []) {
      const tried = (fake.tried || []).includes(p.id);
      const b = h("button", { cls: `hv-dos-portal${tried ? " hv-dos-portal-tried" : ""}`, attrs: { type: "button", "data-key": `portal-${p.id}`, "data-id": p.id, "data-hv-read": true } });
      if (tried) b.appendChild(h("span", { cls: "hv-dos-tried", text: `✗ ${S("fake_tried")}` }));
      b.appendChild(h("span", { cls: "hv-dos-addr", text: p.address }));
      b.appendChild(h("span", { cls: "hv-dos-portal-label", text: p.label }));
      b.addEventListener("click", () => send({ action: "portal", portal: p.id }));
      list.appendChild(h("li", {}, [b]));
    }
    sec.appendChild(list);
    return sec;
  }

  function stepSignIn() {
    const sc = screen();
    const sec = h("section", { cls: "hv-dos-sec hv-dos-signin" });
    sec.appendChild(h("p", { cls: "hv-dos-intro", text: S("sign_in_intro") }));
    const id = h("input", { cls: "hv-dos-input hv-dos-id", attrs: { id: `${uid}-id`, type: "text", inputmode: "numeric", autocomplete: "off", "data-key": "id-number", maxlength: 20 } });
    id.value = local.idNumber;
    id.addEventListener("input", () => { local.idNumber = id.value; });
    const pass = h("input", { cls: "hv-dos-input hv-dos-pass", attrs: { id: `${uid}-pass`, type: "password", inputmode: "numeric", autocomplete: "off", "data-key": "passcode", maxlength: 12 } });
    pass.value = local.passcode;
    pass.addEventListener("input", () => { local.passcode = pass.value; });
    const form = h("form", { cls: "hv-dos-form" });
    form.appendChild(labelled(`${uid}-id`, S("id_number"), id, { required: true }));
    form.appendChild(labelled(`${uid}-pass`, S("passcode"), pass, { required: true }));
    form.appendChild(h("p", { cls: "hv-dos-hint", text: fill(S("tries_left"), { left: sc.tries_left }) }));
    const go = h("button", { cls: "hv-dos-btn hv-dos-primary hv-dos-signin-btn", text: S("sign_in"), attrs: { type: "submit", "data-key": "sign-in" } });
    form.appendChild(go);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      send({ action: "sign_in", id_number: id.value, passcode: pass.value });
      local.passcode = "";
    });
    sec.appendChild(form);
    return sec;
  }

  function stepProcedure() {
    const sc = screen();
    const procs = view().procedures || [];
    if (local.procedure === null) local.procedure = sc.procedure || "";
    if (!local.agency) local.agency = sc.agency || "";
    const sec = h("section", { cls: "hv-dos-sec" });
    sec.appendChild(h("p", { cls: "hv-dos-intro", text: S("procedure_intro") }));
    const fs = h("fieldset", { cls: "hv-dos-procs" });
    fs.appendChild(h("legend", { cls: "hv-dos-label", text: S("step_procedure") }));
    for (const p of procs) {
      const rid = `${uid}-proc-${p.id}`;
      const radio = h("input", { attrs: { type: "radio", name: `${uid}-proc`, id: rid, value: p.id, "data-key": `proc-${p.id}`, checked: local.procedure === p.id } });
      radio.addEventListener("change", () => { local.procedure = p.id; local.agency = ""; redraw(); });
      const lab = h("label", { cls: "hv-dos-proc", attrs: { for: rid } });
      lab.appendChild(radio);
      const txt = h("span", { cls: "hv-dos-proc-text" });
      txt.appendChild(h("span", { cls: "hv-dos-proc-title", text: p.title }));
      txt.appendChild(h("span", { cls: "hv-dos-proc-sum", text: `${p.summary} (${p.channel})` }));
      lab.appendChild(txt);
      fs.appendChild(lab);
    }
    sec.appendChild(fs);
    const chosen = procs.find((p) => p.id === local.procedure);
    if (chosen) {
      const sel = h("select", { cls: "hv-dos-input hv-dos-agency", attrs: { id: `${uid}-agency`, "data-key": "agency" } });
      sel.appendChild(h("option", { text: S("choose"), attrs: { value: "" } }));
      for (const a of chosen.agencies) sel.appendChild(h("option", { text: a.name, attrs: { value: a.id, selected: a.id === local.agency } }));
      sel.addEventListener("change", () => { local.agency = sel.value; });
      sec.appendChild(labelled(`${uid}-agency`, S("agency"), sel, { required: true }));
      sec.appendChild(button(S("confirm_choice"), "procedure-go", () => send({ action: "procedure", procedure: local.procedure, agency: local.agency || sel.value }), { cls: "hv-dos-primary hv-dos-proc-go" }));
    }
    return sec;
  }

  function fieldControl(f, id) {
    let control;
    if (f.readonly) {
      control = h("input", { cls: "hv-dos-input", attrs: { id, type: "text", readonly: true, "data-key": `field-${f.id}`, "data-field": f.id } });
      control.value = f.display || f.value;
      return control;
    }
    if (f.type === "choice") {
      control = h("select", { cls: "hv-dos-input", attrs: { id, "data-key": `field-${f.id}`, "data-field": f.id } });
      control.appendChild(h("option", { text: S("choose"), attrs: { value: "" } }));
      for (const c of f.choices) control.appendChild(h("option", { text: c.label, attrs: { value: c.id, selected: c.id === f.value } }));
      control.addEventListener("change", () => send({ action: "fill", field: f.id, value: control.value }));
      return control;
    }
    const numeric = ["personal_id", "mobile", "bhxh", "number"].includes(f.type);
    control = h("input", { cls: "hv-dos-input", attrs: { id, type: f.type === "mobile" ? "tel" : "text",
      inputmode: numeric ? "numeric" : (f.type === "date" ? "numeric" : false), autocomplete: "off",
      placeholder: f.type === "date" ? "dd/mm/yyyy" : false, "data-key": `field-${f.id}`, "data-field": f.id, maxlength: 300 } });
    control.value = f.value || "";
    const push = () => { clearTimeout(pending[f.id]); delete pending[f.id]; send({ action: "fill", field: f.id, value: control.value }); };
    control.addEventListener("input", () => { clearTimeout(pending[f.id]); pending[f.id] = setTimeout(push, 700); });
    control.addEventListener("change", push);
    return control;
  }

  function stepForm() {
    const sec = h("section", { cls: "hv-dos-sec" });
    sec.appendChild(h("p", { cls: "hv-dos-intro", text: S("form_intro") }));
    for (const f of screen().form || []) {
      const id = `${uid}-f-${f.id}`;
      sec.appendChild(labelled(id, f.label, fieldControl(f, id), { required: f.required && !f.readonly,
        hint: f.readonly ? S("read_only") : f.hint, problems: f.problems || [], readonly: f.readonly }));
    }
    return sec;
  }

  function stepDocuments() {
    const sec = h("section", { cls: "hv-dos-sec" });
    sec.appendChild(h("p", { cls: "hv-dos-intro", text: S("documents_intro") }));
    const files = view().files || [];
    for (const slot of screen().slots || []) {
      const box = h("div", { cls: "hv-dos-slot", attrs: { "data-slot": slot.id } });
      const id = `${uid}-s-${slot.id}`;
      const sel = h("select", { cls: "hv-dos-input hv-dos-picker", attrs: { id, "data-key": `slot-${slot.id}` } });
      sel.appendChild(h("option", { text: S("pick_file"), attrs: { value: "" } }));
      for (const f of files) sel.appendChild(h("option", { text: f.name, attrs: { value: f.id, selected: f.id === slot.file } }));
      sel.addEventListener("change", () => send(sel.value ? { action: "attach", slot: slot.id, file: sel.value } : { action: "detach", slot: slot.id }));
      box.appendChild(labelled(id, `${slot.label}${slot.required ? "" : ` (${S("optional")})`}`, sel, { required: slot.required, hint: slot.hint, problems: slot.notes || [] }));
      box.appendChild(h("p", { cls: "hv-dos-attached", text: `${S("attached")} ${slot.file_name || S("none_attached")}` }));
      sec.appendChild(box);
    }
    // The simulated file picker: what each file is, so the learner can judge it.
    const list = h("ul", { cls: "hv-dos-files", attrs: { "aria-label": S("pick_file") } });
    for (const f of files) {
      const li = h("li", { cls: "hv-dos-file" });
      li.appendChild(h("span", { cls: "hv-dos-file-name", text: f.name }));
      li.appendChild(h("span", { cls: "hv-dos-file-type", text: f.type_label }));
      li.appendChild(h("span", { cls: "hv-dos-file-desc", text: f.description }));
      li.appendChild(h("span", { cls: "hv-dos-file-about", text: `${S("about")} ${f.about}` }));
      if (f.valid_until) li.appendChild(h("span", { cls: "hv-dos-file-valid", text: fill(S("valid_until"), { date: f.valid_until }) }));
      list.appendChild(li);
    }
    sec.appendChild(list);
    return sec;
  }

  function stepReview() {
    const sc = screen();
    const sec = h("section", { cls: "hv-dos-sec" });
    sec.appendChild(h("p", { cls: "hv-dos-intro", text: S("review_intro") }));
    const dl = h("dl", { cls: "hv-dos-review" });
    for (const f of sc.form || []) {
      dl.appendChild(h("dt", { text: f.label }));
      dl.appendChild(h("dd", { text: f.display || "—" }));
    }
    for (const s of sc.slots || []) {
      dl.appendChild(h("dt", { text: s.label }));
      dl.appendChild(h("dd", { text: s.file_name || S("none_attached") }));
    }
    sec.appendChild(dl);
    const cid = `${uid}-commit`;
    const box = h("input", { attrs: { type: "checkbox", id: cid, "data-key": "commit", checked: !!sc.commitment } });
    box.addEventListener("change", () => send({ action: "commit", ticked: box.checked }));
    const lab = h("label", { cls: "hv-dos-commit", attrs: { for: cid } });
    lab.appendChild(box);
    lab.appendChild(h("span", { text: `${S("commit_label")} “${sc.commitment_text}”` }));
    sec.appendChild(lab);
    return sec;
  }

  function phonePanel() {
    const sc = screen();
    const ph = h("section", { cls: "hv-dos-mobile", attrs: { "aria-label": S("phone") } });
    ph.appendChild(h("h3", { cls: "hv-dos-mobile-title", text: S("phone") }));
    if ((sc.phone || []).length) {
      ph.appendChild(h("h4", { cls: "hv-dos-sub", text: S("sms") }));
      for (const m of sc.phone) ph.appendChild(h("p", { cls: `hv-dos-sms hv-dos-sms-${m.kind}`, text: m.text }));
    }
    if ((sc.chat || []).length) {
      ph.appendChild(h("h4", { cls: "hv-dos-sub", text: `${S("chat")}: ${sc.chat[0].sender}` }));
      const log = h("div", { cls: "hv-dos-chat", attrs: { role: "log" } });
      for (const m of sc.chat) log.appendChild(h("p", { cls: `hv-dos-bubble hv-dos-bubble-${m.who}`, text: m.who === "you" ? `${S("you")}: ${m.text}` : m.text }));
      ph.appendChild(log);
      if (sc.otp && sc.otp.reported) {
        ph.appendChild(h("p", { cls: "hv-dos-reported", text: S("chat_reported") }));
      } else if (!sc.code) {
        const rid = `${uid}-chat`;
        const input = h("input", { cls: "hv-dos-input hv-dos-chat-input", attrs: { id: rid, type: "text", autocomplete: "off", "data-key": "chat-input", maxlength: 300 } });
        const form = h("form", { cls: "hv-dos-chat-form" });
        form.appendChild(labelled(rid, S("chat_reply"), input));
        const row = h("div", { cls: "hv-dos-row" });
        row.appendChild(h("button", { cls: "hv-dos-btn hv-dos-secondary hv-dos-chat-send", text: S("chat_send"), attrs: { type: "submit", "data-key": "chat-send" } }));
        row.appendChild(button(S("chat_report"), "chat-report", () => send({ action: "report_staff" }), { cls: "hv-dos-primary hv-dos-chat-report" }));
        form.appendChild(row);
        form.addEventListener("submit", (ev) => { ev.preventDefault(); if (input.value.trim()) send({ action: "chat", text: input.value }); });
        ph.appendChild(form);
      }
    }
    return ph;
  }

  function stepOtp() {
    const sec = h("section", { cls: "hv-dos-sec" });
    sec.appendChild(h("p", { cls: "hv-dos-intro", text: S("otp_intro") }));
    sec.appendChild(h("p", { cls: "hv-dos-reminder", text: S("otp_reminder"), attrs: { role: "note" } }));
    const id = `${uid}-otp`;
    const input = h("input", { cls: "hv-dos-input hv-dos-otp", attrs: { id, type: "text", inputmode: "numeric", autocomplete: "one-time-code", maxlength: 6, "data-key": "otp" } });
    const form = h("form", { cls: "hv-dos-form" });
    form.appendChild(labelled(id, S("otp_code"), input, { required: true }));
    const row = h("div", { cls: "hv-dos-row" });
    row.appendChild(h("button", { cls: "hv-dos-btn hv-dos-primary hv-dos-otp-go", text: S("otp_confirm"), attrs: { type: "submit", "data-key": "otp-go" } }));
    row.appendChild(button(S("otp_resend"), "otp-resend", () => send({ action: "resend_otp" }), { cls: "hv-dos-secondary" }));
    form.appendChild(row);
    form.addEventListener("submit", (ev) => { ev.preventDefault(); send({ action: "otp", code: input.value }); });
    sec.appendChild(form);
    sec.appendChild(phonePanel());
    return sec;
  }

  function stepFee() {
    const sc = screen();
    const fee = sc.fee || {};
    const sec = h("section", { cls: "hv-dos-sec" });
    sec.appendChild(h("h3", { cls: "hv-dos-sub", text: S("fee_intro") }));
    sec.appendChild(h("p", { cls: "hv-dos-fee", text: fee.amount ? fill(S("fee_amount"), { amount: fee.amount_text }) : S("fee_free") }));
    sec.appendChild(h("p", { cls: "hv-dos-hint", text: fee.note || "" }));
    if (!fee.status) {
      if (!fee.amount) {
        sec.appendChild(button(S("continue_free"), "pay", () => send({ action: "pay" }), { cls: "hv-dos-primary hv-dos-pay" }));
      } else if (!local.bank) {
        sec.appendChild(button(S("pay"), "pay", () => { local.bank = true; redraw({ focusKey: "bank-confirm" }); }, { cls: "hv-dos-primary hv-dos-pay" }));
      } else {
        const bank = h("div", { cls: "hv-dos-bank", attrs: { role: "group", "aria-label": S("bank_title") } });
        bank.appendChild(h("h4", { cls: "hv-dos-sub", text: S("bank_title") }));
        bank.appendChild(h("p", { text: S("bank_to") }));
        bank.appendChild(h("p", { cls: "hv-dos-fee", text: fill(S("fee_amount"), { amount: fee.amount_text }) }));
        bank.appendChild(button(S("bank_confirm"), "bank-confirm", () => { local.bank = false; send({ action: "pay" }); }, { cls: "hv-dos-primary hv-dos-bank-confirm" }));
        sec.appendChild(bank);
      }
    } else {
      sec.appendChild(h("p", { cls: "hv-dos-paid", text: fee.status === "paid" ? fill(S("fee_paid"), { amount: fee.paid_text }) : S("fee_free") }));
      sec.appendChild(button(S("submit"), "submit", () => send({ action: "submit" }), { cls: "hv-dos-primary hv-dos-submit" }));
    }
    if ((sc.phone || []).some((m) => m.kind === "bank")) sec.appendChild(phonePanel());
    return sec;
  }

  function stepResult() {
    const sc = screen();
    const sec = h("section", { cls: "hv-dos-sec" });
    sec.appendChild(h("p", { cls: "hv-dos-label", text: S("code") }));
    sec.appendChild(h("p", { cls: "hv-dos-code", text: sc.code, attrs: { "data-key": "code" } }));
    sec.appendChild(h("p", { cls: "hv-dos-hint", text: `${S("processing")} ${sc.processing}` }));
    sec.appendChild(h("h3", { cls: "hv-dos-sub", text: S("status_title") }));
    const ol = h("ol", { cls: "hv-dos-track" });
    (sc.statuses || []).forEach((label, i) => {
      ol.appendChild(h("li", { cls: i <= sc.tracked ? "hv-dos-track-done" : "hv-dos-track-todo", text: `${i <= sc.tracked ? "✓ " : ""}${label}` }));
    });
    sec.appendChild(ol);
    if (sc.tracked < (sc.statuses || []).length - 1) sec.appendChild(button(S("track"), "track", () => send({ action: "track" }), { cls: "hv-dos-primary hv-dos-track-btn" }));
    return sec;
  }

  function ended() {
    const sc = screen();
    const sec = h("section", { cls: "hv-dos-sec hv-dos-ended", attrs: { role: "alert" } });
    sec.appendChild(h("h3", { cls: "hv-dos-sub", text: S("ended") }));
    sec.appendChild(h("p", { text: sc.ended_text }));
    if (model.get("mode") === "lesson") sec.appendChild(button(S("restart"), "restart", () => send({ action: "restart" }), { cls: "hv-dos-primary" }));
    return sec;
  }

  // The end: in a lesson the result screen (common.js lessonResult; "open step n again" goes back to that
  // step), in a contest only "saved, your teacher will see the result".
  function feedbackPanel() {
    const sc = screen();
    if (model.get("mode") === "contest") {
      if (!sc.code && !sc.ended) return null;
      settleGradeNotes(model);
      return teacherNote(model, "hv-dos");
    }
    const fb = model.get("feedback") || {};
    if (!fb.summary) return null;
    settleGradeNotes(model);
    const sec = lessonResult(model, "hv-dos", fb.summary, (item) => send({ action: "goto", step: item.step }));
    if (sc.code) sec.appendChild(button(S("restart"), "restart", () => send({ action: "restart" }), { cls: "hv-dos-secondary" }));
    return sec;
  }

  const STEPS = [stepPortal, stepSignIn, stepProcedure, stepForm, stepDocuments, stepReview, stepOtp, stepFee, stepResult];

  // ---------------------------------------------------------------- redraw, keeping focus and typing
  function redraw({ focusKey = null } = {}) {
    const active = root.contains(document.activeElement) ? document.activeElement : null;
    const key = focusKey || (active && active.getAttribute("data-key"));
    const typing = active && active.tagName === "INPUT" && active.type === "text" && !active.readOnly ? {
      value: active.value, start: active.selectionStart, end: active.selectionEnd } : null;
    const sc = screen();
    if (sc.step !== 3) local.procedure = null;
    root.replaceChildren();
    root.appendChild(appBar(model, "hv-dos", S("app"), "hv-dos-btn"));
    if (model.get("mode") === "contest") root.appendChild(h("p", { cls: "hv-dos-note", text: S("contest_note") }));
    root.appendChild(taskCard());
    root.appendChild(stepper());
    root.appendChild(statusLine(model, "hv-dos"));
    const main = h("div", { cls: "hv-dos-main" });
    main.appendChild(h("h3", { cls: "hv-dos-step-title", text: (view().steps || [])[sc.step - 1] || "", attrs: { tabindex: "-1", "data-key": "step-title" } }));
    main.appendChild(sc.ended ? ended() : (STEPS[(sc.step || 1) - 1] || stepPortal)());
    root.appendChild(main);
    root.appendChild(navButtons());
    const fb = feedbackPanel();
    if (fb) root.appendChild(fb);
    if (key) {
      const again = root.querySelector(`[data-key="${CSS.escape(key)}"]`);
      if (again) {
        if (typing && again.tagName === "INPUT" && !again.readOnly) {
          again.value = typing.value; // what the learner is typing wins over the echo from Python
          try { again.setSelectionRange(typing.start, typing.end); } catch (e) { /* not a text input */ }
        }
        again.focus({ preventScroll: true });
      }
    }
  }

  let lastStep = null;
  let lastFake = "";
  const onChange = () => {
    const step = screen().step;
    const moved = lastStep !== null && step !== lastStep;
    lastStep = step;
    const fake = (screen().fake || {}).tried ? String(screen().fake.tried) : "";
    const newFake = fake && fake !== lastFake;
    lastFake = fake;
    redraw({ focusKey: newFake ? "fake-card" : (moved ? "step-title" : null) });
    if (newFake) root.querySelector('[data-key="fake-card"]')?.scrollIntoView({ block: "start" });
  };
  for (const name of ["view", "screen", "strings", "status", "feedback", "locale"]) model.on(`change:${name}`, onChange);
  onChange();
  return () => { for (const t of Object.values(pending)) clearTimeout(t); };
}

export default { render };
