"""The teacher dashboard: a Voilà app that shows nothing until the teacher PIN is right.

The PIN is checked here, in the kernel, against the salted hash in the class roster; the browser
only ever holds the PIN input until then, so no learner data is synced before it is right. After
that, a live table of who has done what, the score distribution, per-red-flag and per-field error
rates (inline SVG), the per-competence summary (Circular 02/2025) and CSV / XLSX downloads.

Served by `hocvuso serve`, the page reaches a kernel only after the teacher typed the PIN on the
server's PIN form; the kernel then finds the teacher session in its request (HV_TEACHER cookie) and
opens at once. The PIN form here is for a dashboard opened any other way (a notebook, a hub).

What this module must never do: put a learner's text into HTML unescaped; sync anything but the
PIN form before the PIN is right; let a wrong PIN be retried fast (tries are counted per class in the
store, `Roster.try_pin`: reloading the page or opening many does not give more); show the learners'
personal codes to the room (the table has none; the teacher shows one learner's code on purpose);
reload every row every few seconds (it reads only the rows saved since the last look).
"""
from __future__ import annotations

import base64
import logging
import os
import threading
import time
from html import escape
from typing import Any

import ipywidgets as w
import sqlalchemy as sa

from hocvuso.core import N_, Roster, SqlStore, check_locale, get_locale, translator
from hocvuso.core.config import Settings
from hocvuso.core.identity import TEACHER_COOKIE, cookie_value, plain_name, show_learner_code

from ._hub import hub_user
from ._pages import code_spans
from ._report import (
    bar_chart_svg,
    competence_summary,
    field_error_rates,
    flag_error_rates,
    histogram_svg,
    results_from_rows,
    score_histogram,
    to_csv,
    to_xlsx,
)

_log = logging.getLogger(__name__)
MAX_TRIES = 10

_S = {
    "title": N_("Teacher dashboard"),
    "pin": N_("Teacher PIN"),
    "pin_help": N_("Type the PIN printed by `hocvuso serve` on the teacher's computer."),
    "unlock": N_("Open"),
    "wrong": N_("Wrong PIN."),
    "locked": N_("Too many wrong PINs. Wait {minutes} minute(s) and try again."),
    "no_class": N_("This server has no class configured (HOCVUSO_CLASS)."),
    "class": N_("Class {code}: {learners} learners signed in, {results} lesson results"),
    "refresh": N_("Refresh"),
    "updated": N_("Updated {time}"),
    "who": N_("Who has done what"),
    "name": N_("Name"),
    "code": N_("Code"),
    "lesson": N_("Lesson"),
    "score": N_("Score"),
    "answered": N_("Answered"),
    "last": N_("Last saved"),
    "nobody": N_("No submissions yet."),
    "dist": N_("Score distribution (% of the maximum)"),
    "flags": N_("Red flags missed or wrongly ticked"),
    "fields": N_("Form fields and steps done wrong"),
    "comp": N_("Competences (Circular 02/2025)"),
    "comp_learners": N_("Learners"),
    "comp_mean": N_("Mean score"),
    "export": N_("Download results"),
    "same_name": N_("same name as another learner"),
    "show_code": N_("Show this learner's personal code"),
    "code_of": N_("Personal code of {name}: {code}"),
    "learner": N_("Learner"),
}

_CSS = """<style>
.hv-dash{font-size:1rem;max-width:min(960px,100%);margin:0 auto;color:#1a1a1a;overflow-wrap:anywhere}
.hv-dash svg{max-width:100%;height:auto;display:block}
.hv-dash h1,.hv-dash h2{font-size:1.3em;margin:.6em 0 .3em}.hv-dash h3{font-size:1.1em;margin:1em 0 .3em}
.hv-dash-scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
.hv-dash-scroll:focus{outline:3px solid #ff9800;outline-offset:2px}
.hv-dash table{border-collapse:collapse;width:100%;font-size:1rem}
.hv-dash th,.hv-dash td{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top;
  overflow-wrap:normal}
.hv-dash th{background:#f1f5fb;position:sticky;top:0}
.hv-dash-code{font-family:monospace;color:#444}
.hv-dash-dl a{display:inline-flex;align-items:center;min-height:44px;margin:4px 8px 4px 0;padding:0 14px;
  border-radius:8px;
background:#1565c0;color:#fff;text-decoration:none;font-weight:600}
.hv-dash-dl a.hv-dash-csv{background:#fff;color:#0d47a1;border:2px solid #0d47a1}
.hv-dash-dl a:focus{outline:3px solid #ff9800;outline-offset:2px}
.hv-dash-note{color:#444}
.hv-pin .widget-text,.hv-pin .widget-password{flex-wrap:wrap;width:100% !important;max-width:100% !important}
.hv-pin .widget-label{width:100% !important;max-width:100% !important;font-size:1rem;white-space:normal}
.hv-pin input{font-size:1.4rem !important;letter-spacing:.2em;height:2.2em !important;min-width:0;max-width:100%}
.hv-dash-root .widget-dropdown{flex-wrap:wrap;height:auto}
.hv-dash-root .widget-dropdown select{min-height:44px;height:auto;font-size:1rem}
.hv-dash-root .widget-dropdown .widget-label{font-size:1rem;width:100% !important;white-space:normal;
  text-align:left}
.hv-dash-root .jupyter-button{font-size:1.1rem;height:auto;min-height:44px;min-width:44px;padding:0 16px;
  width:auto !important}
</style>"""


class TeacherDashboard(w.VBox):
    """The classroom's teacher view, gated by the teacher PIN.

    Parameters
    ----------
    class_code, db_url : str, optional
        Default from `Settings.class_code` and `Settings.db` (HOCVUSO_CLASS, HOCVUSO_DB: set by `hocvuso serve`).
    locale : str, optional
        "vi" (default) or "en".
    refresh_seconds : float
        How often the open dashboard looks for new submissions (0: only with the Refresh button).
    """

    def __init__(self, *, class_code: str | None = None, db_url: str | None = None, locale: str | None = None,
                 refresh_seconds: float = 5.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("hv-dash-root")
        settings = Settings.from_env()
        self._hub = hub_user()
        if self._hub is not None and class_code is None:  # on a hub: the teacher's class the page asks for
            class_code = self._hub.dashboard_class(os.environ.get("QUERY_STRING", "")) or ""
        self._class = class_code or ("" if self._hub is not None else settings.class_code)
        self._db = db_url or settings.db
        self._locale = check_locale(locale or get_locale())
        self._ = translator(self._locale)
        self._tries = 0
        self._unlocked = False
        self._refresh_seconds = refresh_seconds
        self._stop = threading.Event()
        self._render_lock = threading.Lock()
        _ = self._
        self._pin = w.Password(description=_(_S["pin"]), placeholder="••••••",
                               layout=w.Layout(width="100%", max_width="100%"),
                               style={"description_width": "initial"})
        self._pin.add_class("hv-pin-input")
        self._go = w.Button(description=_(_S["unlock"]), button_style="primary", layout=w.Layout(width="auto"))
        self._go.add_class("hv-pin-open")
        self._msg = w.HTML(layout=w.Layout(min_height="1.5em"))
        self._msg.add_class("hv-pin-msg")
        self._go.on_click(lambda _b: self.unlock(self._pin.value))
        self._pin.observe(self._on_pin_submit, names="value")
        help_text = w.HTML(f'{_CSS}<h1>{escape(_(_S["title"]))}</h1>'
                           f'<p class="hv-dash-note">{code_spans(escape(_(_S["pin_help"])))}</p>')
        gate = w.VBox([help_text, self._pin, self._go, self._msg])
        gate.add_class("hv-pin")
        gate.add_class("hv-dash")
        self.children = [gate]
        if not (self._class and self._db):
            self._msg.value = f'<p role="alert">{escape(_(_S["no_class"]))}</p>'
            self._go.disabled = True
        elif self._teacher_session():
            self._open()

    def _teacher_session(self) -> bool:
        """Whether this kernel's page was opened by a teacher who typed the PIN on the server's form, or, on a
        hub, by a member of the teachers' group and of this class's group."""
        if self._hub is not None:
            return bool(self._class) and self._class in self._hub.classes and self._hub.teacher
        token = cookie_value(os.environ.get("HTTP_COOKIE"), TEACHER_COOKIE)
        return bool(token) and Roster(self._db).is_teacher(self._class, token)

    # ------------------------------------------------------------------ PIN

    def _on_pin_submit(self, change: Any) -> None:
        # Six digits typed: try at once (phones have no obvious "enter" for a password box).
        value = change["new"]
        if isinstance(value, str) and len(value.strip()) == 6 and value.strip().isdigit():
            self.unlock(value)

    def unlock(self, pin: str) -> bool:
        """Check `pin` in this kernel; on success show the dashboard. Returns whether it opened."""
        _ = self._
        if self._unlocked:
            return True
        if not (self._class and self._db):
            return False
        if self._tries >= MAX_TRIES:
            self._go.disabled = self._pin.disabled = True
            self._msg.value = f'<p role="alert">{escape(_(_S["locked"]).format(minutes=60))}</p>'
            return False
        result = Roster(self._db).try_pin(self._class, pin)
        if not result.ok:
            self._tries += 1
            time.sleep(min(3.0, 0.5 * self._tries))  # slow down guessing from this page too
            self._pin.value = ""
            text = (_(_S["locked"]).format(minutes=int(result.wait // 60) + 1) if result.wait > 0
                    else _(_S["wrong"]))
            self._msg.value = f'<p role="alert" style="color:#b71c1c">{escape(text)}</p>'
            return False
        self._open()
        return True

    def _open(self) -> None:
        """Show the dashboard (the PIN was right, or the page came with a teacher session)."""
        _ = self._
        self._unlocked = True
        self._store = SqlStore(self._db)
        self._header = w.HTML()
        self._refresh = w.Button(description=_(_S["refresh"]), icon="", layout=w.Layout(width="auto"))
        self._refresh.add_class("hv-dash-refresh")
        self._refresh.on_click(lambda _b: self.render(force=True))
        self._body = w.HTML()
        self._body.add_class("hv-dash-body")
        self._rows: list[dict] = []
        self._last_id = 0
        self._members: list = []
        self._who = w.Dropdown(description=_(_S["learner"]), options=[],
                               layout=w.Layout(width="100%", max_width="420px"))
        self._who.add_class("hv-dash-who")
        self._reveal = w.Button(description=_(_S["show_code"]), layout=w.Layout(width="auto"))
        self._reveal.add_class("hv-dash-reveal")
        self._revealed = w.HTML()
        self._revealed.add_class("hv-dash-revealed")
        self._reveal.on_click(lambda _b: self.reveal_code(self._who.value))
        codes = w.VBox([self._who, self._reveal, self._revealed])
        self.children = [w.VBox([self._header, self._refresh, self._body, codes])]
        self.render(force=True)
        if self._refresh_seconds > 0:
            threading.Thread(target=self._poll, name="hv-dashboard-refresh", daemon=True).start()

    def reveal_code(self, learner_id: str | None) -> None:
        """Show one learner's personal code, chosen on purpose (to reprint it for them)."""
        found = next((m for m in self._members if m.learner_id == learner_id), None)
        if found is None:
            self._revealed.value = ""
            return
        text = self._(_S["code_of"]).format(name=found.name, code=show_learner_code(found.learner_id))
        self._revealed.value = (f'<p class="hv-dash-code-shown" style="font-size:1.3em">'
                                f'<strong>{escape(text)}</strong></p>')

    def close(self) -> None:
        self._stop.set()
        super().close()

    # ------------------------------------------------------------------ drawing

    def _poll(self) -> None:
        while not self._stop.wait(self._refresh_seconds):
            try:
                self.render()
            except Exception:  # noqa: BLE001 - the page must keep working; the error is logged for us
                _log.exception("dashboard refresh failed")

    def render(self, *, force: bool = False) -> None:
        """Redraw from the store (only when something changed, unless `force`)."""
        if not self._unlocked:
            return
        with self._render_lock:
            new = self._new_rows()
            members = Roster(self._db).members(self._class)
            if not force and not new and len(members) == len(self._members):
                return
            self._rows += new
            self._members = members
            self._who.options = [(f"{m.name} · {m.learner_id[:2]}…", m.learner_id) for m in members]
            results = results_from_rows(self._rows, class_code=self._class, locale=self._locale)
            self._header.value = self._header_html(len(members), len(results))
            self._body.value = self._body_html(results)

    def _new_rows(self) -> list[dict]:
        """The class's rows saved since the last look (the dashboard never re-reads the whole table)."""
        t = SqlStore.submissions
        query = sa.select(t).where(t.c.id > self._last_id, t.c.class_code == self._class).order_by(t.c.id)
        with self._store.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(query)]
        if rows:
            self._last_id = rows[-1]["id"]
        return rows

    def _header_html(self, learners: int, results: int) -> str:
        _ = self._
        line = _(_S["class"]).format(code=escape(self._class), learners=learners, results=results)
        stamp = _(_S["updated"]).format(time=time.strftime("%H:%M:%S"))
        return (f'{_CSS}<div class="hv-dash"><h1>{escape(_(_S["title"]))}</h1>'
                f'<p class="hv-dash-summary">{line}</p><p class="hv-dash-note">{escape(stamp)}</p></div>')

    def _body_html(self, results: list) -> str:
        _ = self._
        out = ['<div class="hv-dash">', f'<h3>{escape(_(_S["who"]))}</h3>']
        if not results:
            out.append(f'<p class="hv-dash-empty">{escape(_(_S["nobody"]))}</p>')
        else:
            out.append(f'<div class="hv-dash-scroll" tabindex="0" role="region" aria-label="{escape(_(_S["who"]))}">'
                       '<table class="hv-dash-table"><thead><tr>')
            for k in ("name", "lesson", "score", "answered", "last"):
                out.append(f'<th scope="col">{escape(_(_S[k]))}</th>')
            out.append("</tr></thead><tbody>")
            names: dict[str, set[str]] = {}
            for m in self._members:
                names.setdefault(plain_name(m.name), set()).add(m.learner_id)
            for r in results:
                same = len(names.get(plain_name(r.learner_name), ())) > 1
                same_text = escape(_(_S["same_name"]))
                mark = (f' <span class="hv-dash-same" title="{same_text}">⚠ {same_text}'
                        f' ({escape(r.learner_id[:2])}…)</span>' if same else "")
                out.append(
                    f'<tr><td class="hv-dash-name">{escape(r.learner_name)}{mark}</td>'
                    f'<td class="hv-dash-lesson">{escape(r.lesson or r.task_id)}</td>'
                    f'<td>{r.points:g} / {r.max_points:g} ({r.percent:g}%)</td><td>{r.answered} / {r.items}</td>'
                    f'<td>{escape(r.last_saved[11:19])}</td></tr>')
            out.append("</tbody></table></div>")
        out.append(f'<h3>{escape(_(_S["dist"]))}</h3>')
        out.append(histogram_svg(score_histogram(results), title=_(_S["dist"])))
        flags = flag_error_rates(results, self._locale)
        if flags:
            out.append(f'<h3>{escape(_(_S["flags"]))}</h3>')
            out.append(bar_chart_svg([(lbl, rate) for lbl, rate, _n in flags[:12]], title=_(_S["flags"]),
                                     max_value=1.0, percent=True, color="#c62828"))
        fields = field_error_rates(results, self._locale)
        if fields:
            out.append(f'<h3>{escape(_(_S["fields"]))}</h3>')
            out.append(bar_chart_svg([(lbl, rate) for lbl, rate, _n in fields[:12]], title=_(_S["fields"]),
                                     max_value=1.0, percent=True, color="#ef6c00"))
        comps = competence_summary(results, self._locale)
        out.append(f'<h3>{escape(_(_S["comp"]))}</h3>')
        if comps:
            out.append(f'<div class="hv-dash-scroll" tabindex="0" role="region" aria-label="{escape(_(_S["comp"]))}">'
                       '<table class="hv-dash-comp"><thead><tr>'
                       f'<th scope="col">{escape(_(_S["comp"]))}</th>'
                       f'<th scope="col">{escape(_(_S["comp_learners"]))}</th>'
                       f'<th scope="col">{escape(_(_S["comp_mean"]))}</th></tr></thead><tbody>')
            for c in comps:
                out.append(f'<tr><td><strong>{escape(c["code"])}</strong> {escape(c["name"])}</td>'
                           f'<td>{c["learners"]}</td><td>{c["percent"]:g}%</td></tr>')
            out.append("</tbody></table></div>")
        else:
            out.append(f'<p class="hv-dash-empty">{escape(_(_S["nobody"]))}</p>')
        csv_b64 = base64.b64encode(to_csv(results)).decode("ascii")
        xlsx_b64 = base64.b64encode(to_xlsx(results, comps)).decode("ascii")
        name = f"ket-qua-{escape(self._class)}"
        out.append(f'<h3>{escape(_(_S["export"]))}</h3><p class="hv-dash-dl">'
                   f'<a class="hv-dash-xlsx" download="{name}.xlsx" href="data:application/vnd.openxmlformats-'
                   f'officedocument.spreadsheetml.sheet;base64,{xlsx_b64}">Excel (XLSX)</a>'
                   f'<a class="hv-dash-csv" download="{name}.csv" href="data:text/csv;base64,{csv_b64}">CSV</a>'
                   '</p></div>')
        return "".join(out)


__all__ = ["TeacherDashboard"]
