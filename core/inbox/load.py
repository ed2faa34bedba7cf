"""Reading the scam inbox's content: the red-flag catalogue, message files and inbox set files."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .._common import check_competences, check_form_of_fraud, load_scenario_file, no_duplicates
from .._content import content_root, load_file, read_yaml, validate
from .._errors import ContentError
from .choices import offered_flags
from .ending import next_lesson_id
from .model import Flag, InboxKey, InboxMessage, InboxScenario, MessageKey
from .schema import FlagDef, InboxDef, MessageDef


@lru_cache(maxsize=None)
def load_flags(root: Path | None = None) -> tuple[Flag, ...]:
    """The red-flag catalogue (content/flags.yaml)."""
    path = (root or content_root()) / "flags.yaml"
    data = read_yaml(path)
    if not isinstance(data, list):
        raise ContentError("must be a list of flags", path=path)
    defs = [validate(FlagDef, item, path=f"{path} [{i}]") for i, item in enumerate(data)]
    flags = tuple(Flag(d.id, d.label, d.explain, tuple(d.channels)) for d in defs)
    no_duplicates([f.id for f in flags], path)
    return flags


def load_message(path: Path, *, root: Path | None = None) -> tuple[InboxMessage, MessageKey]:
    """Read one message file and check it against the catalogues."""
    root = root or content_root()
    definition = load_file(MessageDef, path)
    if definition.id != path.stem:
        raise ContentError(f"id {definition.id!r} must equal the file name {path.stem!r}", path=path, field="id")
    catalogue = load_flags(root)
    flags = {f.id for f in catalogue}
    for i, flag in enumerate(definition.key.red_flags):
        if flag not in flags:
            raise ContentError(f"unknown red flag {flag!r}; choose from {sorted(flags)}", path=path,
                               field=f"key.red_flags.{i}")
    if len(set(definition.key.red_flags)) != len(definition.key.red_flags):
        raise ContentError("a red flag is listed twice", path=path, field="key.red_flags")
    check_form_of_fraud(definition.form, root=root, path=path, field="form")
    check_competences(definition.competences, root=root, path=path, field="competences")
    public = InboxMessage(
        id=definition.id, channel=definition.channel, sender=definition.sender, time=definition.time,
        subject=definition.subject, body=definition.body, transcript=tuple(definition.transcript),
        links=tuple(definition.links), form=definition.form, competences=tuple(definition.competences),
        level=definition.level,
        offered=offered_flags(definition.id, definition.channel, definition.key.red_flags, catalogue),
    )
    key = MessageKey(verdict=definition.key.verdict, red_flags=tuple(definition.key.red_flags),
                     explanation=definition.key.explanation, action=definition.key.action)
    return public, key


def message_paths(root: Path | None = None) -> list[Path]:
    """Every message file, sorted by name."""
    return sorted(((root or content_root()) / "messages").glob("*.yaml"))


def inbox_paths(root: Path | None = None) -> list[Path]:
    """Every inbox set file, sorted by name."""
    return sorted(((root or content_root()) / "inboxes").glob("*.yaml"))


def load_inbox(inbox_id: str, *, root: Path | None = None) -> tuple[InboxScenario, InboxKey]:
    """Load inbox set `inbox_id`: its public scenario and its private key."""
    root = root or content_root()
    definition, path = load_scenario_file(InboxDef, inbox_id, root=root, folder="inboxes", what="inbox",
                                          known="inboxes")
    messages, keys = [], {}
    for i, message_id in enumerate(definition.messages):
        msg_path = root / "messages" / f"{message_id}.yaml"
        if not msg_path.is_file():
            raise ContentError(f"no message file messages/{message_id}.yaml", path=path, field=f"messages.{i}")
        public, key = load_message(msg_path, root=root)
        messages.append(public)
        keys[public.id] = key
    scenario = InboxScenario(id=definition.id, title=definition.title, intro=definition.intro,
                             messages=tuple(messages), flags=load_flags(root),
                             next=next_lesson_id(definition.id, definition.next, root=root, path=path))
    return scenario, InboxKey(scenario_id=definition.id, rules=definition.scoring, messages=keys)
