"""The news-feed exercise: posts to check before sharing (Circular 02/2025, 1.2 "evaluating information").

A feed file (content/feeds/ID.yaml) holds a few social-media posts — a doctored screenshot of an
"official" notice, a quote a public figure never said, an old photo passed off as today's flood, a
real announcement on an official page, a health rumour. For each post the learner may use simulated
checks (who posted it, when, is it on the official page, where does the photo come from) and then
decides: share, don't share, or report.

One module per job: `schema` (what a teacher writes), `model` (the loaded scenario and key), `load`,
`answers` (the saved answers and their check), `score` (pure), `feedback`. Nothing here does I/O
beyond reading content, keeps a clock, or touches widgets.
"""
from .answers import FeedAnswers, PostAnswer, parse_answers
from .feedback import feed_summary, post_feedback, tool_result
from .load import feed_paths, load_feed
from .model import KIND, FeedKey, FeedPost, FeedScenario, PostKey, decision_label, tool_label
from .schema import DECISIONS, TOOLS, FeedDef
from .score import score_feed, score_post

__all__ = [
    "DECISIONS", "KIND", "TOOLS", "FeedAnswers", "FeedDef", "FeedKey", "FeedPost", "FeedScenario", "PostAnswer",
    "PostKey", "decision_label", "feed_paths", "feed_summary", "load_feed", "parse_answers",
    "post_feedback", "score_feed", "score_post", "tool_label", "tool_result",
]
