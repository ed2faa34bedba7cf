// feed.js — the simulated social feed of hocvuso's NewsFeed widget.
// One ES module (anywidget loads it from a Blob URL), with common.js put in front of it by Python:
// no imports, no CDN, no network.
// It only draws the synced state and reports raw learner actions to Python with model.send():
//   {action: "tool", post_id, tool}   {action: "decide", post_id, decision}   {action: "locale", locale}
// Python decides everything else. All text goes in through textContent; nothing is a real link.

const FEED_SVG = "http://www.w3.org/2000/svg";
// Plain sketches standing for a post's picture (no real photo, no emoji font needed): a landscape
// photo, a paper notice with a stamp, a portrait with quotation marks. Decorative: the caption says it.
const SKETCH = {
  photo: [["rect", { x: 2, y: 2, width: 76, height: 44, rx: 4, fill: "#bfdbfe" }], ["circle", { cx: 62, cy: 14, r: 6, fill: "#f59e0b" }],
    ["path", { d: "M2 40 L24 18 L40 32 L52 24 L78 42 L78 46 L2 46 Z", fill: "#1e3a8a" }],
    ["path", { d: "M2 38 Q12 34 22 38 T42 38 T62 38 T78 38 L78 46 L2 46 Z", fill: "#0b57d0" }]],
  screenshot: [["rect", { x: 20, y: 2, width: 40, height: 44, rx: 2, fill: "#fff", stroke: "#374151", "stroke-width": 2 }],
    ["path", { d: "M26 10 H54 M26 16 H54 M26 22 H48 M26 28 H54", stroke: "#6b7280", "stroke-width": 2 }],
    ["circle", { cx: 48, cy: 38, r: 6, fill: "none", stroke: "#b3261e", "stroke-width": 2 }]],
  quote: [["circle", { cx: 22, cy: 24, r: 14, fill: "#9ca3af" }], ["circle", { cx: 22, cy: 19, r: 5, fill: "#f3f4f6" }],
    ["path", { d: "M13 34 Q22 24 31 34", fill: "#f3f4f6" }],
    ["path", { d: "M44 14 h10 v10 l-6 10 h-4 l4 -10 h-4 Z M60 14 h10 v10 l-6 10 h-4 l4 -10 h-4 Z", fill: "#fde68a" }]],
};

function sketch(type) {
  const svg = document.createElementNS(FEED_SVG, "svg");
  svg.setAttribute("viewBox", "0 0 80 48");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "hv-feed-sketch");
  for (const [tag, attrs] of SKETCH[type] || SKETCH.photo) {
    const node = document.createElementNS(FEED_SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    svg.appendChild(node);
  }
  return svg;
}

/** @param {{ model: any, el: HTMLElement }} ctx */
function render({ model, el }) {
  el.classList.add("hv-task", "hv-feed");
  const root = h("div", { cls: "hv-task-frame hv-feed-frame" });
  el.appendChild(root);

  const uid = `hv-feed-${Math.random().toString(36).slice(2, 8)}`;
  const drafts = {}; // post id -> chosen decision not yet sent
  let current = null; // post id on screen (view-local)

  const S = (k) => uiText(model, k);
  const view = () => model.get("view") || { posts: [] };
  const posts = () => view().posts || [];
  const answered = () => (model.get("answers") || {}).posts || {};
  const isContest = () => model.get("mode") === "contest";
  const send = (payload) => model.send(payload);
  const firstOpen = () => (posts().find((p) => !(p.id in answered())) || posts()[0] || {}).id || null;
  const nameOf = (list, id) => (list.find((x) => x.id === id) || {}).label || id;

  // ------------------------------------------------------------------ chrome
  function progress(index) {
    const wrap = h("nav", { cls: "hv-feed-progress", attrs: { "aria-label": S("posts") } });
    wrap.appendChild(h("p", { cls: "hv-feed-progress-text", text: fill(S("post"), { n: index + 1, total: posts().length }) }));
    const dots = h("ol", { cls: "hv-feed-dots" });
    posts().forEach((p, i) => {
      const done = p.id in answered();
      const b = h("button", {
        cls: `hv-feed-dot${done ? " hv-feed-dot-done" : ""}${p.id === current ? " hv-feed-dot-current" : ""}`,
        text: done ? "✓" : String(i + 1),
        attrs: { type: "button", "aria-label": `${fill(S("go_post"), { n: i + 1 })}${done ? ` (${S("done_mark")})` : ""}`,
                 "aria-current": p.id === current ? "step" : false, "data-key": `dot-${p.id}` },
      });
      b.addEventListener("click", () => { current = p.id; redraw({ focus: "post" }); });
      dots.appendChild(h("li", {}, [b]));
    });
    wrap.appendChild(dots);
    return wrap;
  }

  // ------------------------------------------------------------------ the post as the feed shows it
  function postCard(post) {
    const a = post.author || {};
    const card = h("section", { cls: "hv-feed-card", attrs: { "aria-label": a.name } });
    const head = h("div", { cls: "hv-feed-head" });
    head.appendChild(h("span", { cls: "hv-feed-avatar", text: (a.name || "?").trim().charAt(0).toUpperCase(), attrs: { "aria-hidden": "true" } }));
    const who = h("div", { cls: "hv-feed-who" });
    who.appendChild(h("h3", { cls: "hv-feed-name", text: a.name, attrs: { tabindex: "-1", "data-key": "post" } }));
    who.appendChild(h("p", { cls: "hv-feed-about", text: `${a.about} · ${post.when}` }));
    head.appendChild(who);
    card.appendChild(head);
    card.appendChild(h("p", { cls: "hv-feed-text", text: post.text }));
    if (post.media) {
      const fig = h("figure", { cls: `hv-feed-media hv-feed-media-${post.media.type}` });
      fig.appendChild(sketch(post.media.type));
      fig.appendChild(h("figcaption", { cls: "hv-feed-caption", text: `${S("picture")}: ${post.media.caption}` }));
      card.appendChild(fig);
    }
    card.appendChild(h("p", { cls: "hv-feed-shares", text: fill(S("shares"), { n: Number(post.shares || 0).toLocaleString(model.get("locale") === "en" ? "en" : "vi") }) }));
    return card;
  }

  // ------------------------------------------------------------------ the simulated checks
  function toolsPanel(post, locked) {
    const box = h("section", { cls: "hv-feed-tools", attrs: { "aria-labelledby": `${uid}-${post.id}-tools` } });
    box.appendChild(h("h4", { cls: "hv-feed-section", text: S("tools_title"), attrs: { id: `${uid}-${post.id}-tools` } }));
    if (!locked) box.appendChild(h("p", { cls: "hv-feed-hint", text: S("tools_hint") }));
    const found = (model.get("revealed") || {})[post.id] || [];
    const used = new Set(found.map((r) => r.tool));
    if (!locked) {
      const grid = h("div", { cls: "hv-feed-tool-grid" });
      for (const tool of post.tools || []) {
        const on = used.has(tool);
        const b = h("button", { cls: `hv-feed-tool${on ? " hv-feed-tool-used" : ""}`,
          text: `${on ? "✓ " : ""}${nameOf(view().tools || [], tool)}`,
          attrs: { type: "button", "aria-pressed": on ? "true" : "false", "data-key": `tool-${tool}` } });
        b.addEventListener("click", () => send({ action: "tool", post_id: post.id, tool }));
        grid.appendChild(b);
      }
      box.appendChild(grid);
    }
    if (found.length && !(post.id in (model.get("feedback") || {}))) {
      const ul = h("ul", { cls: "hv-feed-found", attrs: { "aria-live": "polite" } });
      for (const r of found) {
        const li = h("li", { cls: "hv-feed-found-item", attrs: { "data-tool": r.tool } });
        li.appendChild(h("strong", { cls: "hv-feed-found-label", text: r.label }));
        li.appendChild(h("p", { cls: "hv-feed-found-text", text: r.text }));
        ul.appendChild(li);
      }
      box.appendChild(ul);
    }
    return box;
  }

  // ------------------------------------------------------------------ the decision
  function decisionPanel(post, locked) {
    const saved = answered()[post.id];
    const chosen = post.id in drafts ? drafts[post.id] : (saved ? saved.decision : null);
    const form = h("form", { cls: "hv-feed-decide", attrs: { novalidate: true } });
    form.addEventListener("submit", (e) => e.preventDefault());
    const titleId = `${uid}-${post.id}-decide`;
    form.appendChild(h("h4", { cls: "hv-feed-section", text: S("decide_title"), attrs: { id: titleId } }));
    const hint = h("p", { cls: "hv-feed-hint", attrs: { "aria-live": "polite" } });
    const set = h("fieldset", { cls: "hv-feed-options", attrs: { "aria-labelledby": titleId } });
    for (const d of view().decisions || []) {
      const id = `${uid}-${post.id}-${d.id}`;
      const input = h("input", { cls: "hv-feed-option-input", attrs: { type: "radio", name: `${uid}-${post.id}`, id, value: d.id,
        disabled: locked, "data-key": `opt-${d.id}` } });
      input.checked = chosen === d.id;
      input.addEventListener("change", () => { drafts[post.id] = d.id; hint.textContent = ""; });
      const label = h("label", { cls: `hv-feed-option hv-feed-option-${d.id}`, attrs: { for: id } });
      label.append(input, h("span", { cls: "hv-feed-option-text", text: d.label }));
      set.appendChild(label);
    }
    form.appendChild(set);
    if (!locked) {
      const btn = h("button", { cls: "hv-feed-send", text: saved ? S("send_change") : S("send"), attrs: { type: "submit", "data-key": "send" } });
      btn.addEventListener("click", (e) => {
        e.preventDefault();
        const decision = post.id in drafts ? drafts[post.id] : null;
        if (!decision) { hint.textContent = S("decide_hint"); return; }
        delete drafts[post.id];
        send({ action: "decide", post_id: post.id, decision });
      });
      form.appendChild(btn);
    }
    form.appendChild(hint);
    return form;
  }

  function feedbackPanel(post) {
    const fb = (model.get("feedback") || {})[post.id];
    const { panel, box } = feedbackCard(model, "hv-feed", fb);
    if (!box) return panel;
    const really = h("p", { cls: "hv-feed-really" });
    really.append(h("span", { text: `${S("really")} ` }), h("strong", { cls: "hv-feed-label", text: fb.label }));
    box.appendChild(really);
    box.appendChild(feedbackLines("hv-feed", fb.lines || [],
      { hit: "✓", right: "→", wrong: "✗", checked: "✓", skipped: "○", extra: "•" }, S));
    box.appendChild(h("h4", { cls: "hv-feed-fb-heading", text: S("remember") }));
    box.appendChild(h("p", { cls: "hv-feed-fb-rule", text: fb.explain }));
    return panel;
  }

  function navigation(index) {
    const nav = h("div", { cls: "hv-feed-nav" });
    const list = posts();
    const go = (p, cls, text) => {
      const b = h("button", { cls, text, attrs: { type: "button", "data-key": cls.replace("hv-feed-", "") } });
      b.addEventListener("click", () => { current = p.id; redraw({ focus: "post" }); });
      nav.appendChild(b);
    };
    if (list[index - 1]) go(list[index - 1], "hv-feed-prev", `‹ ${S("prev")}`);
    if (list[index + 1]) go(list[index + 1], "hv-feed-next", `${S("next")} ›`);
    return nav;
  }

  // The result screen (common.js lessonResult): total, what went well, what to look at again (a tap reopens
  // the post), the next lesson.
  function summary() {
    const s = model.get("summary") || {};
    if (!s.max_points) return null;
    settleGradeNotes(model);
    return lessonResult(model, "hv-feed", s, (item) => { current = item.id; redraw({ focus: "post" }); });
  }

  // ------------------------------------------------------------------ drawing
  function redraw(opts = {}) {
    const active = el.ownerDocument.activeElement;
    const keepKey = active && root.contains(active) ? active.getAttribute("data-key") : null;
    const list = posts();
    if (!current || !list.some((p) => p.id === current)) current = firstOpen();
    const index = Math.max(0, list.findIndex((p) => p.id === current));
    const post = list[index];
    root.replaceChildren();
    root.appendChild(appBar(model, "hv-task hv-feed", view().title || ""));
    if (view().intro && index === 0) root.appendChild(h("p", { cls: "hv-feed-intro", text: view().intro }));
    if (isContest()) root.appendChild(h("p", { cls: "hv-feed-note", text: S("contest_note") }));
    if (post) {
      const locked = post.id in answered() && !isContest();
      root.appendChild(progress(index));
      const card = h("article", { cls: "hv-feed-post", attrs: { "data-post": post.id } });
      card.append(postCard(post), toolsPanel(post, locked), decisionPanel(post, locked), feedbackPanel(post), navigation(index));
      root.appendChild(card);
    }
    const sm = summary();
    if (sm) root.appendChild(sm);
    root.appendChild(statusLine(model, "hv-feed"));
    let target = null;
    if (opts.focus === "post") target = root.querySelector('[data-key="post"]');
    else if (opts.focus === "feedback") target = root.querySelector('[data-key="feedback"]');
    else if (keepKey) target = root.querySelector(`[data-key="${CSS.escape(keepKey)}"]`) || root.querySelector('[data-key="feedback"]');
    if (target && !target.disabled) target.focus({ preventScroll: opts.focus !== "post" });
    if (opts.focus === "post") root.querySelector(".hv-feed-progress")?.scrollIntoView({ block: "start" });
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
  const names = ["view", "strings", "answers", "revealed", "summary", "status", "mode"];
  for (const name of names) model.on(`change:${name}`, onChange);
  model.on("change:feedback", onFeedback);
  redraw();

  return () => {
    for (const name of names) model.off(`change:${name}`, onChange);
    model.off("change:feedback", onFeedback);
  };
}

export default { render };
