"""Classroom mode: a whole class on phones through one `hocvuso serve`.

A catalogue and sign-in page (class code + display name), the lessons through Voilà's preheated
kernel pool, every submission with its learner into the SQL store, and a teacher dashboard opened
by a PIN that is checked in the kernel. Notebooks import only the names below.
"""
from ._catalogue import Lesson, lesson_catalogue, read_lesson
from ._dashboard import TeacherDashboard
from ._report import (Result, competence_summary, field_error_rates, flag_error_rates, results_from_rows,
                      score_histogram, to_csv, to_xlsx)

__all__ = ["Lesson", "Result", "TeacherDashboard", "competence_summary", "field_error_rates", "flag_error_rates",
           "lesson_catalogue", "read_lesson", "results_from_rows", "score_histogram", "to_csv", "to_xlsx"]
