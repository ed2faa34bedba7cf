"""Which red flags an opened message offers: a short list (at most `FLAG_CHOICES`), never the whole catalogue.

All 18 flags under every message is about six screens of scrolling on a phone. So each message offers
every flag of its key (a flag the learner cannot tick must never cost points) plus distractors: flags
that fit the message's channel (content/flags.yaml, `channels`) but are not in its key, picked by a
hash of the message and flag ids — the same list on every load, in every kernel, with no pattern a
learner could read. The list is always `FLAG_CHOICES` long (when the channel has that many flags) and
drawn in catalogue order, so neither its length nor its order tells a scam from a genuine message.

Pure: computed once when a message is loaded (the key is at hand), stored in the public message, so a
contest widget without the key shows the same list.
"""
from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence

from .model import Flag

FLAG_CHOICES = 8
"""How many red flags an opened message offers (fewer only if its channel fits fewer)."""


def _draw(message_id: str, flag_id: str) -> str:
    return hashlib.sha256(f"{message_id}\x00{flag_id}".encode()).hexdigest()


def offered_flags(message_id: str, channel: str, key_flags: Collection[str], catalogue: Sequence[Flag],
                  size: int = FLAG_CHOICES) -> tuple[str, ...]:
    """The flag ids message `message_id` offers: its key's flags and distractors that fit `channel`, in
    catalogue order. Every key flag is offered even when the key alone is longer than `size`."""
    keyed = set(key_flags)
    fitting = [f.id for f in catalogue if channel in f.channels and f.id not in keyed]
    distractors = sorted(fitting, key=lambda flag_id: _draw(message_id, flag_id))[:max(0, size - len(keyed))]
    chosen = keyed | set(distractors)
    return tuple(f.id for f in catalogue if f.id in chosen)
