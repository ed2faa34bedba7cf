"""The catalogue and sign-in pages: plain server-rendered HTML, phone first, no kernel, no CDN.

These pages cost the server a database lookup, not a Jupyter kernel, so 40 phones opening the
link at once get them instantly. Every string from a learner or from content goes through
`html.escape`; the only script is inline (large-text switch and read aloud) and fetches nothing.
"""
from __future__ import annotations

import re
from html import escape

from hocvuso.core import N_, Learner, load_competences, translator
from hocvuso.core.identity import show_learner_code

from ._catalogue import Lesson, guided_first
from .forms import XSRF_FIELD
from .urls import site_url

T = {
    "brand": N_("Digital literacy for all"),
    "class_code": N_("Class code"),
    "your_name": N_("Your name"),
    "your_code": N_("Your personal code (only if you already have one)"),
    "your_code_hint": N_("Leave empty the first time. You get a code after signing in."),
    "sign_in": N_("Sign in"),
    "sign_in_title": N_("Sign in to start"),
    "sign_out": N_("Sign out"),
    "hello": N_("Hello, {name}!"),
    "code_note": N_("Your personal code is {code}. Write it down: with it you can continue on another device."),
    "code_hidden": N_("Your personal code is hidden so that others cannot read it over your shoulder."),
    "show_code": N_("Show my personal code"),
    "sign_out_all": N_("Sign out on all my devices"),
    "pin_title": N_("Teacher dashboard"),
    "pin": N_("Teacher PIN"),
    "pin_help": N_("Type the PIN printed by `hocvuso serve` on the teacher's computer."),
    "open": N_("Open"),
    "lessons": N_("Lessons"),
    "start": N_("Start"),
    "sign_in_first": N_("Sign in above to open the lessons."),
    "trains": N_("Competences trained"),
    "contest": N_("Graded task: no hints while you work"),
    "done": N_("Finished"),
    "again": N_("Open again"),
    "large_text": N_("Large text"),
    "read_aloud": N_("Read aloud"),
    "teacher": N_("Teacher dashboard"),
    "language": N_("Language"),
    "no_voice": N_("This device has no voice for reading aloud in this language."),
    "offline": N_("Works without internet: everything comes from the teacher's computer."),
}

CSS = """
:root{--hv-blue:#0d47a1;--hv-ink:#1a1a1a;--hv-bg:#f4f6fa}
*{box-sizing:border-box}
html{font-size:100%}
html.hv-text-1{font-size:130%}
html.hv-text-2{font-size:160%}
body{margin:0;font-family:"Noto Sans","Segoe UI",Roboto,Arial,sans-serif;background:var(--hv-bg);color:var(--hv-ink);
  line-height:1.45}
.hv-top{background:var(--hv-blue);color:#fff;padding:.6rem .9rem;display:flex;flex-wrap:wrap;gap:.5rem;
  align-items:center;justify-content:space-between}
.hv-top h1{font-size:1.2rem;margin:0}
.hv-tools{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
.hv-tools a,.hv-tools button{color:#fff;background:transparent;border:2px solid #fff;border-radius:.5rem;
  padding:0 .6rem;font:inherit;font-size:1rem;text-decoration:none;cursor:pointer;min-height:44px;min-width:44px;
  display:inline-flex;align-items:center}
.hv-tools [aria-pressed=true],.hv-tools [aria-current=true]{background:#fff;color:var(--hv-blue);font-weight:700}
main{max-width:760px;margin:0 auto;padding:.8rem}
.hv-card{background:#fff;border-radius:1rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 4px rgba(0,0,0,.12)}
.hv-card h2{font-size:1.25rem;margin:.1rem 0 .5rem;line-height:1.3}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}
input[type=text]{width:100%;font:inherit;font-size:1.1rem;padding:.6rem;border:2px solid #888;border-radius:.5rem;
  min-height:48px}
.hv-hint{color:#444;font-size:1rem;margin:.2rem 0}
.hv-btn{display:inline-block;font:inherit;font-size:1.1rem;font-weight:700;color:#fff;background:#2e7d32;border:0;
  border-radius:.6rem;padding:.7rem 1.2rem;min-height:48px;text-decoration:none;cursor:pointer;margin-top:.8rem}
.hv-btn-quiet{background:#546e7a;font-size:1rem;padding:.5rem .9rem}
.hv-btn[aria-disabled=true]{background:#616161}
a:focus,button:focus,input:focus{outline:3px solid #ff9800;outline-offset:2px}
.hv-error{background:#ffebee;color:#b71c1c;border-left:6px solid #b71c1c;padding:.6rem;border-radius:.4rem}
.hv-ok{background:#e8f5e9;border-left:6px solid #2e7d32;padding:.6rem;border-radius:.4rem}
.hv-learner-code{font-family:monospace;font-size:1.2rem;font-weight:700;letter-spacing:.1em}
.hv-comps{list-style:none;padding:0;margin:.4rem 0;display:flex;flex-wrap:wrap;gap:.35rem}
.hv-comps li{background:#e3f2fd;color:#0d47a1;border-radius:1rem;padding:.15rem .6rem;font-size:1rem}
.hv-comps abbr{text-decoration:none;font-weight:700}
.hv-done{display:inline-block;background:#e8f5e9;color:#1b5e20;border:2px solid #1b5e20;border-radius:.4rem;
  padding:.1rem .5rem;font-size:1rem;font-weight:700;margin:0}
.hv-lesson.hv-finished{border-left:6px solid #2e7d32}
.hv-badge{display:inline-block;background:#fff3e0;color:#8a3200;border:1px solid #8a3200;border-radius:.4rem;
  padding:.1rem .5rem;font-size:1rem;font-weight:600}
.hv-speak{font:inherit;font-size:1rem;background:#fff;border:2px solid var(--hv-blue);color:var(--hv-blue);
  border-radius:.5rem;padding:0 .7rem;min-height:44px;cursor:pointer;margin:.3rem 0}
footer{max-width:760px;margin:0 auto;padding:0 .8rem 2rem;color:#444;font-size:1rem}
footer a{color:var(--hv-blue);display:inline-flex;align-items:center;min-height:44px;padding:0 .2rem}
.hv-speak-note{color:#444;margin:.2rem 0}
body{overflow-wrap:anywhere}
"""

SCRIPT = """
(function(){
  var root=document.documentElement, SIZES=['','hv-text-1','hv-text-2'], size=0;
  try{ size=Math.max(0,SIZES.indexOf('hv-text-'+(localStorage.getItem('hv-text')||'0'))); }catch(e){}
  function apply(){
    SIZES.forEach(function(c){ if(c) root.classList.remove(c); });
    if(SIZES[size]) root.classList.add(SIZES[size]);
    var b=document.getElementById('hv-large');
    if(b){ b.setAttribute('aria-pressed', size?'true':'false');
           b.lastChild.textContent=size?' '+['','130%','160%'][size]:''; }
  }
  apply();
  document.addEventListener('DOMContentLoaded', function(){
    apply();
    var b=document.getElementById('hv-large');
    if(b) b.addEventListener('click', function(){
      size=(size+1)%SIZES.length;
      try{ localStorage.setItem('hv-text', String(size)); }catch(e){}
      apply();
    });
    var lang=root.lang==='en'?'en':'vi';
    document.querySelectorAll('[data-speak]').forEach(function(btn){
      btn.addEventListener('click', function(){
        var target=document.getElementById(btn.getAttribute('data-speak'));
        var note=document.getElementById(btn.getAttribute('aria-describedby'));
        if(!target) return;
        var voices=('speechSynthesis' in window)?speechSynthesis.getVoices():[];
        var v=voices.find(function(x){return x.lang && x.lang.toLowerCase().indexOf(lang)===0;});
        if(!v){ if(note) note.hidden=false; return; }
        speechSynthesis.cancel();
        var u=new SpeechSynthesisUtterance(target.innerText);
        u.lang= lang==='vi' ? 'vi-VN' : 'en-US';
        u.voice=v;
        try{ if(localStorage.getItem('hv-read-slow')==='1') u.rate=0.7; }catch(e){}
        speechSynthesis.speak(u);
      });
    });
  });
})();
"""


def code_spans(text: str) -> str:
    """`command` in an (already escaped) text, shown as code instead of with its backticks."""
    return re.sub(r"`([^`<>]+)`", r"<code>\1</code>", text)


def _page(locale: str, title: str, body: str, *, lang_links: str) -> str:
    _ = translator(locale)
    return (f'<!DOCTYPE html><html lang="{locale}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)}</title><link rel="icon" href="data:,">'
            f'<style>{CSS}</style><script>{SCRIPT}</script></head><body>'
            f'<header class="hv-top"><h1>{escape(_(T["brand"]))}</h1><div class="hv-tools">'
            f'<button type="button" id="hv-large" aria-pressed="false">A+ {escape(_(T["large_text"]))}'
            '<span></span></button>'
            f'<nav aria-label="{escape(_(T["language"]))}" class="hv-tools">{lang_links}</nav></div></header>'
            f'<main id="main">{body}</main></body></html>')


def hidden_fields(token: str, locale: str) -> str:
    """A form's hidden fields: the XSRF token (see `forms`) and the page's language."""
    return (f'<input type="hidden" name="{XSRF_FIELD}" value="{escape(token)}">'
            f'<input type="hidden" name="lang" value="{locale}">')


def lang_switch(locale: str, base: str = "/") -> str:
    out = []
    for code, label in (("vi", "VI"), ("en", "EN")):
        current = ' aria-current="true"' if code == locale else ""
        href = escape(site_url(base, lang=code))
        out.append(f'<a href="{href}" lang="{code}" hreflang="{code}"{current}>{label}</a>')
    return "".join(out)


def lesson_url(lesson: Lesson, locale: str, base_url: str = "/") -> str:
    return site_url(base_url, f"voila/render/{lesson.relpath}", lang=locale)


def catalogue_page(*, lessons: list[Lesson], locale: str, learner: Learner | None, csrf: str,
                   error: str | None = None, class_hint: str = "", name_hint: str = "",
                   dashboard: str | None = None, base_url: str = "/", code: str | None = None, hub: bool = False,
                   dashboards: list[tuple[str, str]] | None = None, finished: set[str] | None = None) -> str:
    """The whole catalogue page: sign-in (or the signed-in learner), then one card per lesson, guided lessons
    before graded tasks (`guided_first`).

    `finished`: names of the lessons the signed-in learner finished (`finished_lessons`); each such card says
    "✓ Đã hoàn thành" in words (not colour alone) and its button "Làm lại".

    On a JupyterHub (`hub`) the hub signs people in: the page greets its user, with no code and no sign-out
    here, and links a teacher to each class's dashboard (`dashboards`: class code, URL).

    The learner's personal code is shown only when `code` is given (just after signing in, or when
    the learner asks on this device): a phone left on a desk does not display it to a classmate.
    """
    _ = translator(locale)
    parts: list[str] = []
    hidden = hidden_fields(csrf, locale)
    if learner is None:
        err = f'<p class="hv-error" role="alert" id="hv-error">{escape(error)}</p>' if error else ""
        parts.append(
            f'<section class="hv-card" aria-labelledby="hv-signin-h">'
            f'<h2 id="hv-signin-h">{escape(_(T["sign_in_title"]))}</h2>{err}'
            f'<form method="post" action="{escape(site_url(base_url, "hv/signin"))}" class="hv-signin">{hidden}'
            f'<label for="hv-class">{escape(_(T["class_code"]))}</label>'
            f'<input type="text" id="hv-class" name="class_code" value="{escape(class_hint)}" autocomplete="off" '
            f'autocapitalize="characters" spellcheck="false" required maxlength="16" inputmode="text">'
            f'<label for="hv-name">{escape(_(T["your_name"]))}</label>'
            f'<input type="text" id="hv-name" name="name" value="{escape(name_hint)}" autocomplete="name" required '
            'maxlength="60">'
            f'<label for="hv-code">{escape(_(T["your_code"]))}</label>'
            f'<input type="text" id="hv-code" name="learner_code" autocomplete="off" autocapitalize="characters" '
            f'spellcheck="false" maxlength="12" aria-describedby="hv-code-hint">'
            f'<p class="hv-hint" id="hv-code-hint">{escape(_(T["your_code_hint"]))}</p>'
            f'<button type="submit" class="hv-btn hv-signin-btn">{escape(_(T["sign_in"]))}</button></form></section>')
    elif hub:
        parts.append(f'<section class="hv-card hv-ok hv-signed-in" aria-live="polite"><h2 class="hv-hello">'
                     f'{escape(_(T["hello"]).format(name=learner.name))}</h2></section>')
    else:
        shown_code = f"<span class=hv-learner-code>{escape(show_learner_code(code))}</span>" if code else ""
        parts.append(
            f'<section class="hv-card hv-ok hv-signed-in" aria-live="polite"><h2 class="hv-hello">'
            f'{escape(_(T["hello"]).format(name=learner.name))}</h2>'
            + (f'<p>{escape(_(T["code_note"])).format(code=shown_code)}</p>'
               if code else
               f'<p class="hv-hint">{escape(_(T["code_hidden"]))}</p>'
               f'<form method="post" action="{escape(site_url(base_url, "hv/code"))}">{hidden}'
               f'<button type="submit" class="hv-btn hv-btn-quiet hv-show-code">{escape(_(T["show_code"]))}</button>'
               '</form>')
            + f'<form method="post" action="{escape(site_url(base_url, "hv/signout"))}">{hidden}'
            f'<button type="submit" class="hv-btn hv-btn-quiet hv-signout">{escape(_(T["sign_out"]))}</button></form>'
            f'<form method="post" action="{escape(site_url(base_url, "hv/signout"))}">{hidden}'
            '<input type="hidden" name="all" value="1">'
            f'<button type="submit" class="hv-btn hv-btn-quiet hv-signout-all">{escape(_(T["sign_out_all"]))}</button>'
            '</form></section>')
    parts.append(f'<h2 class="hv-lessons-h">{escape(_(T["lessons"]))}</h2>')
    names = load_competences()
    for i, lesson in enumerate(guided_first(lessons)):
        comps = "".join(
            f'<li><abbr title="{escape(getattr(names.get(c), locale, "") if names.get(c) else "")}">{escape(c)}</abbr> '
            f'{escape(getattr(names.get(c), locale, "") if names.get(c) else "")}</li>' for c in lesson.competences)
        badge = f'<p><span class="hv-badge">{escape(_(T["contest"]))}</span></p>' if lesson.contest else ""
        done = learner is not None and lesson.name in (finished or ())
        if done:
            badge += f'<p class="hv-done" id="hv-d{i}">✓ {escape(_(T["done"]))}</p>'
        if learner is not None:
            verb = _(T["again"]) if done else _(T["start"])
            action = (f'<a class="hv-btn hv-start" href="{escape(lesson_url(lesson, locale, base_url))}" '
                      f'data-lesson="{escape(lesson.name)}" aria-describedby="hv-l{i}{f" hv-d{i}" if done else ""}">'
                      f'{escape(verb)} ›</a>')
        else:
            action = f'<p class="hv-hint">{escape(_(T["sign_in_first"]))}</p>'
        parts.append(
            f'<article class="hv-card hv-lesson{" hv-finished" if done else ""}" data-lesson="{escape(lesson.name)}" '
            f'aria-labelledby="hv-l{i}">'
            f'<h2 id="hv-l{i}">{escape(lesson.title.get(locale, lesson.name))}</h2>{badge}'
            f'<p id="hv-s{i}">{escape(lesson.summary.get(locale, ""))}</p>'
            f'<button type="button" class="hv-speak" data-speak="hv-s{i}" aria-describedby="hv-n{i}">'
            f'🔊 {escape(_(T["read_aloud"]))}</button>'
            f'<p class="hv-speak-note" id="hv-n{i}" role="status" hidden>{escape(_(T["no_voice"]))}</p>'
            f'<p class="hv-hint"><strong>{escape(_(T["trains"]))}:</strong></p><ul class="hv-comps">{comps}</ul>'
            f'{action}</article>')
    foot = f'<p>{escape(_(T["offline"]))}</p>'
    if dashboard:
        foot += f'<p><a href="{escape(dashboard)}" class="hv-teacher">{escape(_(T["teacher"]))}</a></p>'
    for class_code, url in dashboards or []:
        label = f'{_(T["teacher"])} · {class_code}'
        foot += f'<p><a href="{escape(url)}" class="hv-teacher">{escape(label)}</a></p>'
    title = _(T["brand"])
    return _page(locale, title, "".join(parts), lang_links=lang_switch(locale, base_url)).replace(
        "</main>", f"</main><footer>{foot}</footer>")


def message_page(locale: str, text: str, *, base_url: str = "/") -> str:
    """A short page with one message and a way back to the lessons (busy server, too many opens)."""
    _ = translator(locale if locale in ("vi", "en") else "vi")
    body = (f'<section class="hv-card"><p class="hv-error" role="alert">{escape(text)}</p>'
            f'<a class="hv-btn" href="{escape(site_url(base_url, lang=locale))}">‹ {escape(_(T["lessons"]))}</a>'
            '</section>')
    return _page(locale, _(T["brand"]), body, lang_links=lang_switch(locale, base_url))


def teacher_pin_page(*, locale: str, csrf: str, error: str | None = None, base_url: str = "/") -> str:
    """The teacher's PIN form, served without a kernel; the PIN is checked by the server (with the lockout)."""
    _ = translator(locale)
    err = f'<p class="hv-error" role="alert" id="hv-error">{escape(error)}</p>' if error else ""
    body = (f'<section class="hv-card hv-pin"><h2>{escape(_(T["pin_title"]))}</h2>{err}'
            f'<p class="hv-hint">{code_spans(escape(_(T["pin_help"])))}</p>'
            f'<form method="post" action="{escape(site_url(base_url, "hv/teacher", lang=locale))}">'
            f'{hidden_fields(csrf, locale)}'
            f'<label for="hv-pin">{escape(_(T["pin"]))}</label>'
            '<input type="password" id="hv-pin" name="pin" inputmode="numeric" autocomplete="off" maxlength="12" '
            'required '
            f'style="width:100%;font-size:1.4rem;letter-spacing:.2em;padding:.5rem;min-height:48px">'
            f'<button type="submit" class="hv-btn hv-pin-open">{escape(_(T["open"]))}</button></form></section>')
    return _page(locale, _(T["pin_title"]), body, lang_links=lang_switch(locale, base_url))


__all__ = ["catalogue_page", "lesson_url", "lang_switch", "message_page", "teacher_pin_page"]
