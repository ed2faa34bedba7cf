"""The scam-inbox content: every message and inbox file loads, the collection covers what the lessons
promise, no real phishing domain or real brand slips in, and a broken file fails with an error that
names the file and the field.

Pure and offline: reads content/ only (a copy of it under tmp_path for the bad-input cases).
"""
from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from hocvuso.core import ContentError, load_inbox, score
from hocvuso.core._content import content_root
from hocvuso.core.inbox import describe_link, inbox_paths, load_message, message_paths

MESSAGES = message_paths()
INBOXES = inbox_paths()
FULL = "hop-thu-day-du"

REQUIRED_FORMS = {
    "fake-police", "fake-vneid", "fake-dvc-portal", "mistaken-transfer", "ctv-job", "deepfake-call",
    "fake-loan", "sim-lock", "child-emergency", "account-takeover", "romance", "investment",
    "fake-brandname",
}
OTP_THEFT_FORMS = {"fake-loan", "telegram-otp", "fake-brandname", "fake-website"}
"""At least one scam of these forms must ask for the OTP (key.red_flags has asks-otp)."""

# Real phishing hosts named in shared/reference/content-facts.md (§1.1, §1.5 and the newer variants),
# copied here because shared/ is not in the repository. None may appear anywhere in a message file,
# not even inside a longer host name.
FORBIDDEN_DOMAINS = (
    "dichvucongs.top", "dichvucong.cvgov.com", "cvgov.com", "dichvucong.xgovvn.net", "xgovvn.net",
    "dichvucong.dulieuqucogia.com", "dulieuqucogia.com", "bhxh.co",
    "acb.vn-banking.xyz", "vn-banking.xyz", "vpbank.vn-tp.xyz", "vn-tp.xyz", "bidv.dvcongvn.com",
    "techcombank.vn-pl.top", "vn-pl.top", "vietcoombbank.com", "acbonliine.com", "acbvnliin.com",
    "vcb-vaysodo.com", "nganhang-vpbank.com", "247-napas.com", "dienlucevn.com", "evnonline.org",
    "dvcongvn.com", "vndvcong.com", "dichvucongbaohiemxahoi.com", "baohiemxahoivn.xyz", "vneid.com",
    "gplx-gov.vn", "cucgplxgov.vn", "agribanks.edu.vn", "weebly.com", "sites.google.com",
)
# Links to government sites may only go to these real, official addresses.
OFFICIAL_GOV_HOSTS = {
    "dichvucong.gov.vn", "dichvucong.bocongan.gov.vn", "dichvucong.dancuquocgia.gov.vn",
    "vneid.gov.vn", "binhdanhocvuso.gov.vn", "baohiemxahoi.gov.vn",
}
# Real banks, carriers, couriers and shops: content uses fictional brands (Sen Vàng, Sao Việt, Sao Mai …).
REAL_BANKS = ("vietcombank", "techcombank", "bidv", "agribank", "vpbank", "acb", "mbbank", "vietinbank",
              "sacombank", "tpbank", "hdbank", "vib", "shb", "seabank", "eximbank", "napas")
REAL_BRANDS = REAL_BANKS + ("viettel", "vinaphone", "mobifone", "vietnamobile", "vnpost", "ninja van",
                            "shopee", "lazada", "tiki", "momo", "zalopay")
VI_ONLY = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
NUMBER = re.compile(r"(?<![\w.-])\+?\d[\d .]{7,}\d")
"""A phone or account number: not part of a code such as an order number (SV2508140921)."""


def _load_all():
    return {p.stem: load_message(p) for p in MESSAGES}


@pytest.fixture(scope="module")
def everything():
    return _load_all()


def _texts(msg) -> list[str]:
    """Every learner-visible string of a message, in both locales."""
    out = [msg.sender.name.vi, msg.sender.name.en, msg.sender.address]
    for part in (msg.subject, msg.body):
        if part is not None:
            out += [part.vi, part.en]
    out += [t for line in msg.transcript for t in (line.vi, line.en)]
    out += [t for link in msg.links for t in (link.shown, link.href)]
    return out


# ---------------------------------------------------------------------------------------------
# Every file loads


@pytest.mark.parametrize("path", MESSAGES, ids=[p.stem for p in MESSAGES])
def test_message_file_loads(path: Path) -> None:
    msg, key = load_message(path)
    assert msg.id == path.stem
    if key.verdict == "scam":
        assert 2 <= len(key.red_flags) <= 8, \
            "a scam names the 2–8 red flags really present (content check derives them)"
    if "lookalike-link" in key.red_flags:
        assert msg.links, "a look-alike link needs a link to inspect"
    if msg.form == "deepfake-call":
        assert "6.3" in msg.competences, "deepfakes train 6.3 (evaluating AI)"


@pytest.mark.parametrize("path", INBOXES, ids=[p.stem for p in INBOXES])
def test_inbox_file_loads(path: Path) -> None:
    scenario, key = load_inbox(path.stem)
    assert set(key.messages) == {m.id for m in scenario.messages}


def test_sample_inbox_is_unchanged() -> None:
    scenario, _ = load_inbox("hop-thu-mau")
    assert [m.id for m in scenario.messages] == ["sms-vneid-sap-nhap", "sms-ngan-hang-otp-that"]


def test_full_inbox_lists_every_message() -> None:
    scenario, _ = load_inbox(FULL)
    assert sorted(m.id for m in scenario.messages) == sorted(p.stem for p in MESSAGES)


# ---------------------------------------------------------------------------------------------
# Coverage: what the lessons promise


def test_counts_forms_and_channels(everything) -> None:
    scams = {i: m for i, (m, k) in everything.items() if k.verdict == "scam"}
    safe = {i: m for i, (m, k) in everything.items() if k.verdict == "safe"}
    assert len(scams) >= 26 and len(safe) >= 14
    forms = {m.form for m in scams.values()}
    assert len(forms) >= 14
    assert REQUIRED_FORMS <= forms, f"missing forms: {REQUIRED_FORMS - forms}"
    assert forms & {"qr-swap", "fake-receipt"}
    assert any(m.form in OTP_THEFT_FORMS and "asks-otp" in everything[i][1].red_flags for i, m in scams.items())
    assert any(m.form == "deepfake-call" and m.channel in ("call", "zalo") for m in scams.values())
    channels = Counter(m.channel for m, _ in everything.values())
    assert all(channels[c] >= 5 for c in ("sms", "zalo", "email", "call")), channels


def test_texture_of_the_scams(everything) -> None:
    """Foreign caller ids, digit-for-letter swaps and brand-name senders all occur."""
    scams = [m for m, k in everything.values() if k.verdict == "scam"]
    assert sum(1 for m in scams if re.match(r"^(\+(?!84)|00(?!84))", m.sender.address)) >= 3
    assert any(re.search(r"[a-z][0-9][a-z]|[a-z]0\b", m.body.vi, re.I) for m in scams if m.body)
    assert any(m.sender.address.isupper() and not any(c.isdigit() for c in m.sender.address) for m in scams)


def test_words_are_in_the_right_language(everything) -> None:
    for message_id, (_msg, key) in everything.items():
        for text in (key.explanation.en, key.action.en):
            assert not VI_ONLY.search(text), f"{message_id}: Vietnamese letters in English text: {text[:60]}"
        for text in (key.explanation.vi, key.action.vi):
            assert VI_ONLY.search(text), f"{message_id}: Vietnamese explanation without diacritics"


def test_lesson_inboxes_are_shaped_for_their_learners() -> None:
    first, first_key = load_inbox("hop-thu-1")
    verdicts = Counter(k.verdict for k in first_key.messages.values())
    assert len(first.messages) == 10 and 5 <= verdicts["scam"] <= 7 and verdicts["safe"] >= 3
    assert {m.channel for m in first.messages} == {"sms", "zalo", "email", "call"}
    assert first.messages[0].level == 1
    assert sum(m.level <= 2 for m in first.messages) >= 8
    second, second_key = load_inbox("hop-thu-2")
    assert len(second.messages) == 10
    assert not {m.id for m in second.messages} & {m.id for m in first.messages}
    assert sum(m.level for m in second.messages) > sum(m.level for m in first.messages)
    assert Counter(k.verdict for k in second_key.messages.values())["safe"] >= 3


# ---------------------------------------------------------------------------------------------
# Domains, brands, phone numbers


@pytest.mark.parametrize("path", MESSAGES, ids=[p.stem for p in MESSAGES])
def test_no_real_phishing_domain_or_real_brand(path: Path) -> None:
    raw = path.read_text(encoding="utf-8").lower()
    for domain in FORBIDDEN_DOMAINS:
        assert domain not in raw, f"{path.name} contains the real phishing domain {domain}"
    msg, key = load_message(path)
    visible = " ".join(_texts(msg)).lower()
    for brand in REAL_BRANDS:
        assert not re.search(rf"(?<![a-z]){re.escape(brand)}(?![a-z])", visible), f"{path.name}: real brand {brand!r}"
    for link in msg.links:
        host = (urlsplit(link.href).hostname or "").lower()
        if host == "gov.vn" or host.endswith(".gov.vn"):
            assert host in OFFICIAL_GOV_HOSTS, f"{path.name}: {host} is not an official .gov.vn address we allow"
            assert key.verdict == "safe", f"{path.name}: a scam cannot link to a real .gov.vn site"
        else:
            assert not any(bank in host for bank in REAL_BANKS), f"{path.name}: {host} uses a real bank's name"
            assert key.verdict == "scam", f"{path.name}: legitimate messages link only to official sites"
            assert describe_link(link.href)["domain"] not in {h.split(".", 1)[1] for h in OFFICIAL_GOV_HOSTS}


@pytest.mark.parametrize("path", MESSAGES, ids=[p.stem for p in MESSAGES])
def test_phone_and_account_numbers_are_invented(path: Path) -> None:
    """House rule: every phone or account number in content contains 555, so none is a real person's."""
    msg, _ = load_message(path)
    for text in _texts(msg):
        for number in NUMBER.findall(text):
            digits = re.sub(r"\D", "", number)
            if len(digits) >= 9:
                assert "555" in digits, f"{path.name}: {number!r} does not look invented (no 555)"


# ---------------------------------------------------------------------------------------------
# Bad input: errors name the file and the field


@pytest.fixture()
def tmp_root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(content_root(), root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_missing_locale_names_file_and_field(tmp_root: Path) -> None:
    path = tmp_root / "messages" / "sms-phat-nguoi-dvc.yaml"
    _edit(path, lambda d: d["body"].pop("en"))
    with pytest.raises(ContentError) as err:
        load_message(path, root=tmp_root)
    assert err.value.field in ("body.en", "body")
    assert "body.en" in str(err.value) and path.name in str(err.value)


def test_unknown_channel_names_the_field(tmp_root: Path) -> None:
    path = tmp_root / "messages" / "zalo-ban-muon-tien.yaml"
    _edit(path, lambda d: d.update(channel="fax"))
    with pytest.raises(ContentError) as err:
        load_message(path, root=tmp_root)
    assert err.value.field == "channel" and "'channel'" in str(err.value) and path.name in str(err.value)


def test_unknown_red_flag_names_its_position(tmp_root: Path) -> None:
    path = tmp_root / "messages" / "call-khoa-sim-21.yaml"
    position = len(load_message(path, root=tmp_root)[1].red_flags)
    _edit(path, lambda d: d["key"]["red_flags"].append("looks-fishy"))
    with pytest.raises(ContentError) as err:
        load_message(path, root=tmp_root)
    assert err.value.field == f"key.red_flags.{position}"
    assert "looks-fishy" in str(err.value) and path.name in str(err.value)


def test_inbox_listing_a_missing_message(tmp_root: Path) -> None:
    path = tmp_root / "inboxes" / "hop-thu-1.yaml"
    _edit(path, lambda d: d["messages"].insert(3, "sms-khong-ton-tai"))
    with pytest.raises(ContentError) as err:
        load_inbox("hop-thu-1", root=tmp_root)
    assert err.value.field == "messages.3"
    assert "sms-khong-ton-tai" in str(err.value) and path.name in str(err.value)


def test_yaml_syntax_error_names_the_line(tmp_root: Path) -> None:
    path = tmp_root / "messages" / "sms-tuyen-ctv.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("time:"))
    lines[at] = "time: vi: 19:26"  # a mapping inside a plain scalar: not YAML
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_message(path, root=tmp_root)
    assert f"line {at + 1}" in str(err.value) and path.name in str(err.value)


def test_inbox_yaml_error_names_the_line(tmp_root: Path) -> None:
    path = tmp_root / "inboxes" / "hop-thu-2.yaml"
    path.write_text("id: hop-thu-2\ntitle: {vi: \"A\", en: \"B\"\nintro: x\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"line \d+") as err:
        load_inbox("hop-thu-2", root=tmp_root)
    assert path.name in str(err.value)


# ---------------------------------------------------------------------------------------------
# Scoring on the real content


def _answers(key, pick) -> dict:
    return {"messages": {mid: pick(k) for mid, k in key.messages.items()}}


@pytest.mark.parametrize("inbox_id", ["hop-thu-1", "hop-thu-2", FULL])
def test_key_answers_get_full_marks(inbox_id: str) -> None:
    scenario, key = load_inbox(inbox_id)
    result = score(scenario, key, _answers(key, lambda k: {"verdict": k.verdict, "flags": list(k.red_flags)}))
    assert result.points == result.max_points > 0
    assert all(item.outcome == "correct" for item in result.items)


@pytest.mark.parametrize("inbox_id", ["hop-thu-1", "hop-thu-2", FULL])
def test_flagging_everything_does_not_pay(inbox_id: str) -> None:
    scenario, key = load_inbox(inbox_id)
    every_flag = [f.id for f in scenario.flags]
    paranoid = score(scenario, key, _answers(key, lambda k: {"verdict": "scam", "flags": every_flag}))
    assert paranoid.points < 0.4 * paranoid.max_points
    assert any(item.outcome == "over_suspicion" and item.points < 0 for item in paranoid.items)
    trusting = score(scenario, key, _answers(key, lambda k: {"verdict": "safe", "flags": []}))
    assert trusting.points < 0.4 * trusting.max_points


def test_right_verdicts_without_flags_earn_partial_credit() -> None:
    scenario, key = load_inbox(FULL)
    result = score(scenario, key, _answers(key, lambda k: {"verdict": k.verdict, "flags": []}))
    assert 0 < result.points < result.max_points
    assert all(item.outcome in ("correct", "partial") for item in result.items)
