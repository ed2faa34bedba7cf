"""`hocvuso content check`: every content file loads, and every answer key agrees with its message.

A key that omits a red flag the message plainly shows punishes the learner who ticks it, and the
dashboard then reports the key's mistake as the class's. So the evidence for each flag is derived
from the message itself (its words, its sender, its links) by the rules in
content/rules/red-flags.yaml — a file a teacher can read and extend — and compared with the key:
a missing flag with evidence, a named flag without evidence, and any evidence on a genuine message
are findings, each with the file, the message and the words that triggered it.

The same rules judge a spreadsheet row before it becomes a YAML file (core/contentxlsx.py).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from ._content import content_root, load_file, read_yaml, validate
from ._errors import ContentError
from .dossier import load_dossier, load_procedure, procedure_paths, task_paths
from .feed import feed_paths, load_feed
from .inbox import (
    LINK_MARK,
    Flag,
    InboxMessage,
    MessageDef,
    inbox_paths,
    load_flags,
    load_inbox,
    load_message,
    message_paths,
    registrable_domain,
)
from .phone import load_phone, scenario_paths

RULES_FILE = Path("rules") / "red-flags.yaml"
BUILTINS = ("foreign-number", "hidden-number", "personal-number", "sms-from-number", "free-email",
            "unofficial-email", "unofficial-sender", "lookalike-domain", "disguised-link", "apk-link",
            "unaccented", "digit-swap")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "@": "a"})
_LEET_CHAR = re.compile(r"(?<!\d)(?:(?<=[^\W\d_])[013@]|[013@](?=[^\W\d_]))(?!\d)")
_DIGIT_SWAP = re.compile(r"\b[^\W\d_]*[^\W\d_][0@13](?:[^\W\d_]+\b|\b)|\b[^\W\d_]*@[^\W\d_]+\b")
_PHONE = re.compile(r"^\+?[\d ().-]{8,}$")


class SignalDef(BaseModel):
    """A signal: words that, found in a message, are evidence for the flags whose rules name it."""

    model_config = ConfigDict(extra="forbid")
    about: str = Field(description="What the signal means, in vi (and en), for the teacher reading the rules.")
    words: list[str] = Field(min_length=1, description="Patterns (case-insensitive regular expressions, written "
                             "with diacritics); one match is evidence.")
    scope: str = Field(default="text", alias="in", pattern="^(text|sender)$",
                       description="`in:` where to look: text (sender name, subject, body, the caller's lines) or "
                       "sender (name and address).")
    negated: bool = Field(default=False, description="Ignore a match preceded in the same sentence by a negation "
                          "(“không”, “đừng” …).")


class FlagRule(BaseModel):
    """When a red flag has evidence."""

    model_config = ConfigDict(extra="forbid")
    when: list[str | list[str]] = Field(min_length=1, description="Signals, any one of which is evidence; a "
                                        "nested list means all of its signals together.")


class AdviceRule(BaseModel):
    """A piece of advice that must be written the right way in a key's explanation or action."""

    model_config = ConfigDict(extra="forbid")
    mention: str = Field(description="The text that triggers the rule (e.g. '5656').")
    needs: str = Field(description="A pattern the 80 characters before each mention must match.")
    about: str = Field(description="The right way, in words, shown in the finding.")


class RulesDef(BaseModel):
    """content/rules/red-flags.yaml: how the content check derives each red flag's evidence."""

    model_config = ConfigDict(extra="forbid")
    official_domains: list[str] = Field(description="Registrable domains of the real agencies and businesses of "
                                        "the lessons (any .gov.vn domain is official too).")
    brand_words: list[str] = Field(description="Names scammers borrow in domains (joined, without diacritics).")
    free_email_domains: list[str] = Field(description="Free mailbox domains (gmail.com …).")
    negations: list[str] = Field(description="Words that negate a following match (with diacritics).")
    negations_unaccented: list[str] = Field(description="The same, for text written without diacritics.")
    negation_exceptions: list[str] = Field(default=[], description="Phrases holding a negation word that do not "
                                           "negate (“nếu không …”: a threat, still a request), with diacritics.")
    warnings: list[str] = Field(default=[], description="Patterns of a warning sentence (“không bao giờ yêu cầu”, "
                                "“kẻ gian”): a `negated` signal matched in such a sentence does not count.")
    advice: list[AdviceRule] = Field(default=[], description="Advice that must be written the right way.")
    signals: dict[str, SignalDef] = Field(description="Word signals by name (built-in signals need no entry).")
    flags: dict[str, FlagRule] = Field(description="For each red flag of flags.yaml, when it has evidence.")


@dataclass(frozen=True)
class Finding:
    """One inconsistency: where it is and what a teacher should change."""

    path: str
    """The content file."""
    message_id: str
    """The message (or scenario) the finding is about."""
    problem: str
    """What is wrong and what to change."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message_id}: {self.problem}" if self.message_id else f"{self.path}: {self.problem}"


# --------------------------------------------------------------------------------------------
# Rules


def strip_accents(text: str) -> str:
    """Vietnamese without diacritics ("Hối thúc" → "Hoi thuc"), the way scam SMS are often written."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Rules:
    """The checked rules, with every pattern compiled for accented and for unaccented text."""

    definition: RulesDef
    """The rules file as written."""
    accented: dict[str, list[re.Pattern[str]]]
    """Each signal's patterns, for text written with diacritics."""
    plain: dict[str, list[re.Pattern[str]]]
    """The same patterns without diacritics, for text written without them."""
    context: dict[bool, tuple[re.Pattern[str] | None, ...]]
    """By `unaccented`: the negation, negation-exception and warning patterns."""

    def patterns(self, signal: str, unaccented: bool) -> list[re.Pattern[str]]:
        """The patterns of `signal` for accented or unaccented text."""
        return (self.plain if unaccented else self.accented)[signal]


@lru_cache(maxsize=None)
def load_rules(path: Path | None = None) -> Rules:
    """Read and check the rules file; a bad pattern or an unknown signal is a ContentError naming it."""
    path = path or content_root() / RULES_FILE
    definition = validate(RulesDef, read_yaml(path), path=path)
    accented: dict[str, list[re.Pattern[str]]] = {}
    plain: dict[str, list[re.Pattern[str]]] = {}
    for name, signal in definition.signals.items():
        if name in BUILTINS:
            raise ContentError(f"{name!r} is a built-in signal; choose another name", path=path,
                               field=f"signals.{name}")
        try:
            accented[name] = [re.compile(w, re.IGNORECASE) for w in signal.words]
            plain[name] = [re.compile(strip_accents(w), re.IGNORECASE) for w in signal.words]
        except re.error as exc:
            raise ContentError(f"bad pattern: {exc}", path=path, field=f"signals.{name}.words") from exc
    context = {plain_text: _context_patterns(definition, plain_text, path) for plain_text in (False, True)}
    known = set(definition.signals) | set(BUILTINS)
    for flag, rule in definition.flags.items():
        for condition in rule.when:
            for name in [condition] if isinstance(condition, str) else condition:
                if name not in known:
                    raise ContentError(f"unknown signal {name!r}; define it under signals", path=path,
                                       field=f"flags.{flag}.when")
    return Rules(definition, accented, plain, context)


def _context_patterns(d: RulesDef, unaccented: bool, path: Path) -> tuple[re.Pattern[str] | None, ...]:
    """The negation, negation-exception and warning patterns for accented or unaccented text."""
    def alternatives(words: list[str], escape: bool) -> re.Pattern[str] | None:
        words = [strip_accents(w) if unaccented else w for w in words]
        if not words:
            return None
        try:
            return re.compile(r"\b(" + "|".join(map(re.escape, words) if escape else words) + r")\b", re.IGNORECASE)
        except re.error as exc:
            raise ContentError(f"bad pattern: {exc}", path=path, field="warnings") from exc

    negation = alternatives(d.negations_unaccented if unaccented else d.negations, escape=True)
    return negation, alternatives(d.negation_exceptions, escape=True), alternatives(d.warnings, escape=False)


# --------------------------------------------------------------------------------------------
# Evidence


def is_unaccented(text: str) -> bool:
    """Vietnamese written without diacritics: long enough to tell, and (almost) no accented letter."""
    letters = [c for c in text if c.isalpha()]
    accented = sum(1 for c in letters if c in "đĐ" or strip_accents(c) != c)
    return len(letters) >= 30 and accented * 40 < len(letters)


def _host_and_path(address: str) -> tuple[str, str]:
    parts = urlsplit(address if "://" in address else f"http://{address}")
    return (parts.hostname or "").lower(), (parts.path or "").rstrip("/")


def _official(domain: str, rules: RulesDef) -> bool:
    """Listed as official, or under .gov.vn (only Vietnamese state bodies can register those)."""
    return domain in rules.official_domains or domain.endswith(".gov.vn")


def _phone_digits(address: str) -> str | None:
    """The digits of a phone-number sender ("Zalo · 0812 555 475" → "0812555475"), else None."""
    candidate = address.rsplit("·", 1)[-1].strip()
    candidate = re.sub(r"\(.*?\)", "", candidate).strip()
    return re.sub(r"\D", "", candidate) if _PHONE.match(candidate) else None


class Evidence:
    """The signals one message shows, each with the words (or addresses) that show it."""

    def __init__(self, msg: MessageDef | InboxMessage, rules: Rules) -> None:
        self.msg = msg
        self.rules = rules
        body = msg.body.vi if msg.body else ""
        body = LINK_MARK.sub(lambda m: msg.links[int(m.group(1)) - 1].shown, body)
        self.written = "\n".join(filter(None, [msg.subject.vi if msg.subject else "", body]))
        spoken = "\n".join(line.vi for line in msg.transcript if line.who == "caller")
        self.text = "\n".join(filter(None, [msg.sender.name.vi, self.written, spoken]))
        self.sender = f"{msg.sender.name.vi}\n{msg.sender.address}"
        self.unaccented = msg.channel != "call" and is_unaccented(self.written)
        self.found: dict[str, list[str]] = {}
        for name in rules.definition.signals:
            words = self._words(name)
            if words:
                self.found[name] = words
        self._builtins()

    def _words(self, name: str) -> list[str]:
        signal = self.rules.definition.signals[name]
        source = self.text if signal.scope == "text" else self.sender
        plain = self.unaccented and signal.scope == "text"
        haystack = _LEET_CHAR.sub(lambda m: m.group(0).translate(_LEET), strip_accents(source) if plain else source)
        words = []
        for pattern in self.rules.patterns(name, plain):
            pos = 0
            while (m := pattern.search(haystack, pos)) is not None:
                if signal.negated and self._negated(haystack, m.start(), m.end(), plain):
                    pos = m.start() + 1
                    continue
                words.append(source[m.start():m.end()])
                break
        return words

    def _negated(self, text: str, start: int, end: int, plain: bool) -> bool:
        """A match that a negation just before it (same sentence, 40 characters) denies, or that sits in a
        sentence warning about such a request (the rules' `warnings`)."""
        negation, exceptions, warnings = self.rules.context[plain]
        before = re.split(r"[.!?\n]", text[max(0, start - 40):start])[-1]
        if exceptions is not None:
            before = exceptions.sub(" ", before)
        if negation is not None and negation.search(before):
            return True
        sentence_start = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
        ends = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
        return warnings is not None and bool(warnings.search(text[sentence_start:min(ends, default=len(text))]))

    def _add(self, name: str, words: Iterable[str]) -> None:
        words = [w for w in words if w]
        if words:
            self.found.setdefault(name, []).extend(words)

    def _builtins(self) -> None:
        msg, d = self.msg, self.rules.definition
        address = msg.sender.address.strip()
        if re.match(r"^(\+(?!84)|00)\d", address.replace(" ", "")):
            self._add("foreign-number", [address])
        if "không xác định" in msg.sender.name.vi.lower():
            self._add("hidden-number", [msg.sender.name.vi])
        digits = _phone_digits(address)
        if digits is not None:
            national = "0" + digits[2:].lstrip("0") if digits.startswith("84") else digits
            if re.match(r"^0[35789]\d{8}$", national):
                self._add("personal-number", [address])
                if msg.channel == "sms":
                    self._add("sms-from-number", [address])
        if msg.channel == "email" and "@" in address:
            domain = address.rsplit("@", 1)[1].lower()
            if domain in d.free_email_domains:
                self._add("free-email", [address])
            elif not _official(registrable_domain(domain), d):
                self._add("unofficial-email", [address])
        for name in ("foreign-number", "hidden-number", "personal-number", "free-email", "unofficial-email"):
            self._add("unofficial-sender", self.found.get(name, []))
        for link in msg.links:
            host, path = _host_and_path(link.href)
            reg = registrable_domain(host)
            squashed = re.sub(r"[^a-z0-9]", "", host)
            if not _official(reg, d) and (".gov.vn" in host or any(b in squashed for b in d.brand_words)):
                self._add("lookalike-domain", [host])
            shown_host, shown_path = _host_and_path(link.shown)
            if (shown_host, shown_path) != (host, path) and shown_host != host:
                self._add("disguised-link", [f"{link.shown} → {host}"])
            if path.lower().endswith(".apk"):
                self._add("apk-link", [link.href])
        if self.unaccented:
            self._add("unaccented", [self.written[:40] + "…"])
        self._add("digit-swap", [m.group(0) for m in _DIGIT_SWAP.finditer(LINK_MARK.sub(" ", msg.body.vi))]
                  if msg.body else [])

    def flags(self) -> dict[str, list[str]]:
        """Each red flag the message shows, with the words that show it."""
        shown: dict[str, list[str]] = {}
        for flag, rule in self.rules.definition.flags.items():
            for condition in rule.when:
                names = [condition] if isinstance(condition, str) else condition
                if all(n in self.found for n in names):
                    shown.setdefault(flag, []).extend(w for n in names for w in self.found[n])
        return shown


def derive_flags(msg: MessageDef | InboxMessage, *, rules: Rules | None = None) -> dict[str, list[str]]:
    """The red flags `msg` shows by the rules, each with its triggering words."""
    return Evidence(msg, rules or load_rules()).flags()


def clue_words(msg: MessageDef | InboxMessage, flags: Iterable[str], *,
               rules: Rules | None = None) -> dict[str, list[str]]:
    """For "show me" after answering: for each of `flags`, the words of `msg` that show it, as the learner
    sees them (a link's shown text, not its address; the start of an unaccented text), in the Vietnamese
    text the rules read. The same evidence the content check compares with the key."""
    shown = derive_flags(msg, rules=rules)
    visible = {link.href: link.shown for link in msg.links}
    out: dict[str, list[str]] = {}
    for flag in flags:
        words: list[str] = []
        for word in shown.get(flag, []):
            if word.endswith("…"):  # the start of an unaccented text: cut at a whole word
                word = word[:-1].rsplit(" ", 1)[0]
            word = visible.get(word, word.split(" → ")[0]).strip()
            if word and word not in words:
                words.append(word)
        out[flag] = words
    return out


# --------------------------------------------------------------------------------------------
# Checking


def _quote(words: list[str]) -> str:
    unique = list(dict.fromkeys(w.strip() for w in words))
    return ", ".join(f"“{w}”" for w in unique[:4])


def check_message(msg: MessageDef, *, path: str, rules: Rules | None = None,
                  catalogue: Iterable[Flag] = ()) -> list[Finding]:
    """Findings for one message: key vs evidence, an SMS that shows one link but opens another, and (given the
    flag `catalogue`) a key flag that does not fit the message's channel — the one odd choice on its short
    list (core/inbox/choices.py draws distractors from the flags that fit), which would give the key away."""
    rules = rules or load_rules()
    findings = []
    for entry in catalogue:
        if entry.id in msg.key.red_flags and msg.channel not in entry.channels:
            findings.append(Finding(path, msg.id, f"dấu hiệu {entry.id!r} không hợp với kênh {msg.channel} theo "
                                    f"flags.yaml (channels: {', '.join(entry.channels)}): thêm kênh đó cho dấu hiệu "
                                    "hoặc sửa đáp án (a key flag that does not fit the channel gives the key away)"))
    if msg.channel == "sms":
        for i, link in enumerate(msg.links, 1):
            if _host_and_path(link.shown) != _host_and_path(link.href):
                findings.append(Finding(path, msg.id, f"link [[{i}]]: một tin SMS hiện đúng địa chỉ nó mở "
                                        f"(an SMS's shown link is its link): “{link.shown}” ≠ {link.href}"))
    for rule in rules.definition.advice:
        for part in ("explanation", "action"):
            for locale in ("vi", "en"):
                text = getattr(getattr(msg.key, part), locale)
                for m in re.finditer(re.escape(rule.mention), text):
                    if not re.search(rule.needs, text[max(0, m.start() - 80):m.start()]):
                        findings.append(Finding(path, msg.id, f"key.{part}.{locale}: {rule.about}: "
                                                f"“…{text[max(0, m.start() - 40):m.end()]}”"))
    shown = derive_flags(msg, rules=rules)
    keyed = set(msg.key.red_flags)
    if msg.key.verdict == "safe":
        for flag, words in shown.items():
            findings.append(Finding(path, msg.id, f"tin thật nhưng có dấu hiệu {flag!r} (genuine message shows "
                                    f"this flag's evidence): {_quote(words)} — sửa tin hoặc đáp án"))
        return findings
    for flag, words in shown.items():
        if flag not in keyed:
            findings.append(Finding(path, msg.id, f"đáp án thiếu dấu hiệu {flag!r} (key omits a flag the message "
                                    f"shows): {_quote(words)}"))
    for flag in msg.key.red_flags:
        if flag not in shown:
            findings.append(Finding(path, msg.id, f"đáp án nêu {flag!r} nhưng tin không có bằng chứng theo "
                                    f"content/{RULES_FILE.as_posix()} (key names a flag without evidence)"))
    return findings


def _try(path: Path, load: Any, root: Path) -> list[Finding]:
    try:
        load()
    except ContentError as exc:
        return [Finding(_relative(path, root), "", str(exc))]
    return []


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def check_content(*, root: Path | None = None) -> list[Finding]:
    """Every finding in a content folder (default: the bundled content). Empty means consistent."""
    root = root or content_root()
    try:
        rules = load_rules(root / RULES_FILE)
        load_flags(root)
    except ContentError as exc:
        return [Finding(str(exc.path or root), "", str(exc))]
    findings: list[Finding] = []
    flag_ids = {f.id for f in load_flags(root)}
    for flag in set(rules.definition.flags) ^ flag_ids:
        findings.append(Finding(_relative(root / RULES_FILE, root), "",
                                f"flag {flag!r} must be both in flags.yaml and under flags: in the rules"))
    for path in message_paths(root):
        try:
            load_message(path, root=root)
        except ContentError as exc:
            findings.append(Finding(_relative(path, root), path.stem, str(exc)))
            continue
        findings += check_message(load_file(MessageDef, path), path=_relative(path, root), rules=rules,
                                  catalogue=load_flags(root))
    for path in inbox_paths(root):
        findings += _try(path, lambda p=path: load_inbox(p.stem, root=root), root)
    findings += _check_other_files(root)
    return findings


def _check_other_files(root: Path) -> list[Finding]:
    """Procedures, dossier tasks, phone scenarios and feeds: they must load (schema and cross-references)."""
    findings: list[Finding] = []
    if (root / "procedures").is_dir():
        for path in procedure_paths(root):
            findings += _try(path, lambda p=path: load_procedure(p, root=root), root)
    if (root / "dossier_tasks").is_dir():
        for path in task_paths(root):
            findings += _try(path, lambda p=path: load_dossier(p.stem, root=root), root)
    if (root / "scenarios").is_dir():
        for path in scenario_paths(root):
            findings += _try(path, lambda p=path: load_phone(p.stem, root=root), root)
    for path in feed_paths(root):
        findings += _try(path, lambda p=path: load_feed(p.stem, root=root), root)
    return findings
