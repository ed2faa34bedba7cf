"""Classroom mode: a whole class on phones through one `hocvuso serve` — the classroom's one wing.

A catalogue and sign-in page (class code + display name), the lessons through Voilà's preheated
kernel pool, every submission with its learner into the SQL store, and a teacher dashboard opened
by a PIN. Everything the classroom is lives in this package, in three layers that run in three
kinds of process:

* the teacher's terminal — `_serve` (`serve()`: check the options, choose the class, write the
  settings the server and its kernels inherit, print the QR code and PIN, run the server until
  Ctrl-C);
* the server — `_app` (Voilà plus the classroom's handlers), `_guard` (who may have which kernel),
  `_pages` and `forms` (server-rendered sign-in and PIN forms, Tornado's XSRF, rate limits),
  `_frontend` (one script bundle per page), `_catalogue` (the lesson cards);
* the kernels — `kernels/`: the kernel launcher, the zygote that forks kernels, the provisioner the
  server starts them with, and `_visitor`, how a preheated kernel learns its visitor (the
  classroom's replacement for Voilà's request websocket). It imports nothing of the server.

Notebooks (the dashboard, the lessons) import `TeacherDashboard` and the report helpers; a lesson
kernel imports this package, so it stays light (no Voilà, no tornado.web). What is not the
classroom's stays in core: the settings record (`hocvuso.core.config`), the roster and who the
visitor is (`hocvuso.core.identity`), the database (`hocvuso.core.database`).
"""
from ._catalogue import Lesson, lesson_catalogue, read_lesson
from ._dashboard import TeacherDashboard
from ._report import (
                      Result,
                      competence_summary,
                      field_error_rates,
                      flag_error_rates,
                      results_from_rows,
                      score_histogram,
                      to_csv,
                      to_xlsx,
)
from ._serve import ServeConfig, serve

__all__ = ["Lesson", "Result", "ServeConfig", "TeacherDashboard", "competence_summary", "field_error_rates",
           "flag_error_rates", "lesson_catalogue", "read_lesson", "results_from_rows", "score_histogram", "serve",
           "to_csv", "to_xlsx"]
