"""The scam-inbox exercise: messages to judge scam or genuine, with the red flags that show it.

A message file (content/messages/ID.yaml) holds what the learner sees and, under `key`, the right
answer; an inbox set file (content/inboxes/ID.yaml) lists the messages of a lesson. Loading splits the
two: an `InboxScenario` (public, safe to send to a browser) and an `InboxKey` (verdicts, red flags,
explanations), which stays in Python and is shown only as feedback after answering, in lesson mode.

One module per job: `schema` (what a teacher writes), `model` (the loaded scenario and key), `load`,
`answers` (the saved answers and their check), `score` (pure), `feedback`, `links` (link inspection).
"""
from .answers import InboxAnswers, MessageAnswer, parse_answers
from .choices import FLAG_CHOICES, offered_flags
from .feedback import inbox_summary, message_feedback
from .links import describe_link, registrable_domain
from .load import inbox_paths, load_flags, load_inbox, load_message, message_paths
from .model import KIND, Flag, InboxKey, InboxMessage, InboxScenario, MessageKey
from .schema import CHANNELS, LINK_MARK, VERDICTS, LinkDef, MessageDef, ScoringRules, SenderDef, TranscriptLine
from .score import score_inbox, score_message

__all__ = [
    "CHANNELS", "FLAG_CHOICES", "KIND", "LINK_MARK", "VERDICTS", "Flag",
    "InboxAnswers", "InboxKey", "InboxMessage", "InboxScenario", "LinkDef",
    "MessageAnswer", "MessageDef", "MessageKey", "ScoringRules", "SenderDef", "TranscriptLine", "describe_link",
    "inbox_paths", "inbox_summary", "load_flags", "load_inbox", "load_message", "message_feedback",
    "message_paths", "offered_flags", "parse_answers", "registrable_domain", "score_inbox", "score_message",
]
