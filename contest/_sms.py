"""Synthetic Vietnamese SMS for the AI-application contest: deterministic, labelled, noisy.

A message is a *phrasing* (a template written by us, one per line of `sms-phrasings.yaml` beside this
file) with slots filled from
shared vocabularies (invented banks, carriers, shops, people, amounts, codes and links), then passed
through noise of the kind real scam SMS carry: Vietnamese without accents, digits for letters
("Th0ng ba0"), junk characters inside words, odd spacing and capitals. Legitimate messages get some
of that noise too (people do type without accents), so noise alone does not give the answer away.

Phrasings come in three disjoint pools:

* ``train`` — in ``sms-phrasings.yaml``; the shipped training set is made from them;
* ``validation`` — in ``sms-phrasings.yaml``; the public validation split students may use to check themselves;
* ``hidden`` — judge-only (``judge/sms-hidden.json``): other wordings of the same forms of fraud
  and a few forms the training set never shows. A model that learnt the *signals* (a link that is
  not the brand's, a request for the OTP, "pay first", urgency) scores well on them; one that
  memorised training texts does not.

Every link is on an invented domain; brands are invented (Sen Vàng bank, SAOMAI carrier …).
Must never: reach the network, read a clock, or depend on the order of a dict built from a set.
"""
from __future__ import annotations

import csv
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import yaml

from hocvuso.core.config import Settings

LABELS = ("scam", "legit")
"""The two classes; "scam" is the positive class of the contest's F1."""

SPLITS = ("train", "validation", "hidden")
_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Sample:
    """One labelled message."""

    text: str
    """The SMS as a phone would show it."""
    label: str
    """"scam" or "legit"."""
    family: str
    """Which kind of message (a form of fraud, or a kind of genuine message); for analysis only."""


# ------------------------------------------------------------------------------------------------
# Shared vocabulary (all invented)

BANKS = [("Sen Vàng", "SENVANG", "senvangbank"), ("Hồng Lam", "HONGLAM", "honglambank"),
         ("Trúc Xanh", "TRUCXANH", "trucxanhbank"), ("Bình Minh", "BINHMINH", "binhminhbank"),
         ("Phú Hưng Số", "PHUHUNG", "phuhungbank"), ("Đại Dương Xanh", "DAIDUONG", "daiduongbank")]
CARRIERS = [("SAOMAI", "saomai"), ("TINHVAN", "tinhvan"), ("VIETSONG", "vietsong")]
SHOPS = [("ChợSố", "chosovn"), ("MuaNhanh", "muanhanh"), ("SạpXanh", "sapxanh")]
SHIPPERS = [("SAOVIET EXP", "saovietexp"), ("GIAONHANH24", "giaonhanh24"), ("BUUTA", "buuta")]
POWER = [("ĐIỆN LỰC MIỀN BẮC SỐ", "dienlucso"), ("NƯỚC SẠCH THÀNH ĐÔ", "nuocthanhdo")]
FAMILY = ["Lan", "Hùng", "Mai", "Tuấn", "Hoa", "Dũng", "Thảo", "Minh", "Hà", "Sơn", "Ngọc", "Quân", "Trang",
          "Phúc", "Yến", "Long", "Nhung", "Khánh", "Bình", "Vy"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Hữu", "Thanh"]
KIN = ["con", "mẹ", "bố", "anh", "chị", "em", "cô", "chú", "bác", "cháu"]
SCHOOLS = ["THCS Hòa Bình", "THPT Lê Lợi", "Tiểu học Kim Đồng", "THCS Nguyễn Du", "THPT Trần Phú"]
CITIES = ["Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ", "Ninh Bình", "Gia Lai", "Cà Mau", "Lào Cai"]
CHEAP_TLDS = ["top", "xyz", "vip", "cc", "icu", "cfd", "shop", "online", "site", "click"]
SERVICE_WORDS = ["xacthuc", "hotro", "capnhat", "vn-online", "bảo-mật", "khuyenmai", "nhanqua", "chuanhoa",
                 "hoantien", "dangnhap", "taikhoan", "ekyc"]
GOV_WORDS = ["dichvucong", "dvcong", "vneid", "bhxh", "phatnguoi", "csgt", "thuevn"]
PATHS = ["", "/vn", "/xacnhan", "/login", "/cap-nhat", "/nhan", "/app.apk", "/?id=", "/m"]
PRODUCTS = ["tai nghe", "nồi chiên", "áo khoác", "sạc dự phòng", "giày thể thao", "bình giữ nhiệt", "quạt mini"]


def _accentless(text: str) -> str:
    stripped = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in stripped if unicodedata.category(c) != "Mn"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", _accentless(text).lower())


class _Slots:
    """Fills one template's {slots}; every value is drawn from `rng` (deterministic)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.bank_name, self.bank_code, self.bank_dom = rng.choice(BANKS)
        self.carrier, self.carrier_dom = rng.choice(CARRIERS)
        self.shop, self.shop_dom = rng.choice(SHOPS)
        self.shipper, self.shipper_dom = rng.choice(SHIPPERS)
        self.utility, self.utility_dom = rng.choice(POWER)

    def __getitem__(self, key: str) -> str:
        r = self.rng
        if key == "bank":
            return self.bank_name
        if key == "BANK":
            return self.bank_code
        if key == "carrier":
            return self.carrier
        if key == "shop":
            return self.shop
        if key == "shipper":
            return self.shipper
        if key == "utility":
            return self.utility
        if key == "name":
            return r.choice(FAMILY)
        if key == "fullname":
            return f"{r.choice(SURNAMES)} {r.choice(MIDDLE)} {r.choice(FAMILY)}"
        if key == "kin":
            return r.choice(KIN)
        if key == "school":
            return r.choice(SCHOOLS)
        if key == "city":
            return r.choice(CITIES)
        if key == "product":
            return r.choice(PRODUCTS)
        if key == "amount":
            return r.choice([f"{r.randint(2, 95) * 100}.000đ", f"{r.randint(1, 20)} triệu", f"{r.randint(2, 9)}00k",
                             f"{r.randint(1, 50)},{r.randint(0, 9)}00.000 VND",
                             f"{r.randint(1, 9)}.{r.randint(0, 9)}00.000đ"])
        if key == "big":
            return r.choice([f"{r.randint(20, 300)} triệu", f"{r.randint(20, 300)}.000.000đ", f"{r.randint(2, 9)}0tr"])
        if key == "small":
            return r.choice([f"{r.randint(1, 9)}0.000đ", f"{r.randint(10, 99)}k", f"{r.randint(1, 5)}00.000 đồng"])
        if key == "phone":
            return r.choice(["09", "03", "08", "07", "05"]) + "".join(str(r.randint(0, 9)) for _ in range(8))
        if key == "foreign":
            prefix = r.choice(["+855", "+882", "+94", "+840", "+63", "+856"])
            return prefix + "".join(str(r.randint(0, 9)) for _ in range(8))
        if key == "hotline":
            return r.choice(["1900", "1800"]) + " " + "".join(str(r.randint(0, 9)) for _ in range(4))
        if key == "otp":
            return "".join(str(r.randint(0, 9)) for _ in range(6))
        if key == "code":
            return r.choice(["DH", "MV", "HS", "G"]) + "".join(str(r.randint(0, 9)) for _ in range(r.randint(6, 9)))
        if key == "digits4":
            return "".join(str(r.randint(0, 9)) for _ in range(4))
        if key == "hours":
            return r.choice(["2 giờ", "24h", "30 phút", "12 giờ", "hôm nay", "60 phút"])
        if key == "date":
            return f"{r.randint(1, 28):02d}/{r.randint(1, 12):02d}"
        if key == "time":
            return f"{r.randint(6, 22):02d}:{r.randint(0, 59):02d}"
        if key == "pct":
            return f"{r.randint(5, 60)}%"
        if key == "zalo":
            return r.choice(["Zalo ", "ZL ", "zalo: ", "Zalo/Tele "]) + self["phone"]
        if key == "link":
            return self.fake_link(self.bank_dom)
        if key == "golink":
            return self.fake_link(r.choice(GOV_WORDS))
        if key == "carrierlink":
            return self.fake_link(self.carrier_dom)
        if key == "shoplink":
            return self.fake_link(self.shop_dom)
        if key == "shiplink":
            return self.fake_link(self.shipper_dom)
        if key == "anylink":
            return self.fake_link(r.choice(["nhanqua", "vieclam", "uudai", "quatang", "trungthuong", "vay"]))
        if key == "banksite":
            return f"{self.bank_dom}.com.vn"
        if key == "carriersite":
            return f"{self.carrier_dom}.vn"
        if key == "shopsite":
            return f"{self.shop_dom}.vn"
        if key == "shipsite":
            return f"{self.shipper_dom}.vn"
        if key == "utilsite":
            return f"{self.utility_dom}.com.vn"
        raise KeyError(key)

    def fake_link(self, brand: str) -> str:
        """A look-alike address on an invented domain: brand as subdomain, typo, homoglyph or cheap TLD."""
        r = self.rng
        word = r.choice(SERVICE_WORDS)
        tld = r.choice(CHEAP_TLDS)
        trick = r.randrange(5)
        if trick == 0:
            host = f"{brand}.vn-{word}.{tld}"
        elif trick == 1:
            i = r.randrange(1, len(brand))
            host = f"{brand[:i]}{brand[i - 1]}{brand[i:]}-{word}.com"  # doubled letter
        elif trick == 2:
            host = brand.replace("o", "0", 1).replace("l", "1", 1).replace("m", "rn", 1) + f".{tld}"
        elif trick == 3:
            host = f"{word}-{brand}.{tld}"
        else:
            host = f"{brand}{r.choice(['vn', '24h', 'online', 'app'])}.{tld}"
        scheme = r.choice(["https://", "http://", "", ""])
        return f"{scheme}{_slug(host) if '.' not in host else host}{r.choice(PATHS)}"


# ------------------------------------------------------------------------------------------------
# Phrasings: data files, public (sms-phrasings.yaml, shipped) and hidden (judge/sms-hidden.json, judge-only)

PUBLIC_FILE = _HERE / "sms-phrasings.yaml"
"""family -> {label, train: [...], validation: [...]}: the phrasings of the shipped and public splits."""
HIDDEN_FILE = "sms-hidden.json"
"""family -> {label, phrasings: [...]}, in the judge's data folder (see `judge_data_dir`)."""

_CACHE: dict[str, dict[str, tuple[str, dict[str, list[str]]]]] = {}


def judge_data_dir() -> Path | None:
    """Folder of the judge-only data (hidden phrasings, contest keys), or None where it is absent.

    ``HOCVUSO_JUDGE_DATA`` wins; otherwise ``judge/`` beside this file (present in a source checkout,
    never in the wheel).
    """
    env = Settings.from_env().judge_data
    folder = Path(env) if env else _HERE / "judge"
    return folder if folder.is_dir() else None


def _phrasings(path: Path) -> dict[str, tuple[str, dict[str, list[str]]]]:
    """family -> (label, {pool: phrasings}) from a phrasings file (YAML, or JSON, which YAML reads too),
    read once; the public and the hidden phrasings are read by this one function."""
    key = str(path)
    if key not in _CACHE:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected family -> {{label, phrasings}}, got {type(data).__name__}")
        _CACHE[key] = {family: (entry["label"], {pool: list(texts) for pool, texts in entry.items() if pool != "label"})
                       for family, entry in data.items()}
    return _CACHE[key]


def _hidden_phrasings() -> dict[str, tuple[str, dict[str, list[str]]]]:
    folder = judge_data_dir()
    path = folder / HIDDEN_FILE if folder else None
    if path is None or not path.is_file():
        raise LookupError("the hidden test phrasings are judge-only data (judge/sms-hidden.json) and are not "
                          "installed here; a judge sets HOCVUSO_JUDGE_DATA to the folder holding them")
    return _phrasings(path)


def _pool(split: str) -> list[tuple[str, str, str]]:
    """(family, label, phrasing) for every phrasing of `split`, in a fixed order."""
    if split in ("train", "validation"):
        return [(f, lab, p) for f, (lab, pools) in _phrasings(PUBLIC_FILE).items() for p in pools[split]]
    if split == "hidden":
        return [(f, lab, p) for f, (lab, pools) in _hidden_phrasings().items() for p in pools["phrasings"]]
    raise ValueError(f"split must be one of {SPLITS}, got {split!r}")


# ------------------------------------------------------------------------------------------------
# Noise

_LEET = {"o": "0", "i": "1", "e": "3", "a": "4", "l": "1", "t": "7"}
_JUNK = [".", "_", "*", "~", "-", "|", "'", "`"]
_NOISE = {  # (accents stripped, leet, junk, shouting) probabilities per label and split kind
    ("scam", "public"): (0.45, 0.25, 0.2, 0.15), ("legit", "public"): (0.35, 0.03, 0.02, 0.05),
    ("scam", "hidden"): (0.3, 0.7, 0.45, 0.3), ("legit", "hidden"): (0.75, 0.12, 0.12, 0.12),
}


def _leet_word(word: str, rng: random.Random) -> str:
    chars = list(word)
    spots = [i for i, c in enumerate(chars) if c.lower() in _LEET]
    for i in rng.sample(spots, k=min(len(spots), rng.randint(1, 2))):
        chars[i] = _LEET[chars[i].lower()]
    return "".join(chars)


def _is_link(word: str) -> bool:
    return "." in word.strip(".,:;") and any(c.isalpha() for c in word) and len(word) > 6


def add_noise(text: str, label: str, rng: random.Random, *, hidden: bool = False) -> str:
    """The message as a filter-dodging sender (or a hurried person) would type it."""
    accents, leet, junk, shout = _NOISE[(label, "hidden" if hidden else "public")]
    if rng.random() < accents:
        text = _accentless(text)
    words = text.split(" ")
    out = []
    for word in words:
        if _is_link(word) or not word:
            out.append(word)
            continue
        if len(word) > 3 and rng.random() < leet * 0.35:
            word = _leet_word(word, rng)
        if len(word) > 3 and rng.random() < junk * 0.3:
            i = rng.randrange(1, len(word))
            word = word[:i] + rng.choice(_JUNK) + word[i:]
        if rng.random() < shout * 0.25:
            word = word.upper()
        out.append(word)
    text = " ".join(out)
    if rng.random() < junk * 0.5:
        text = text.replace(" ", "  ", rng.randint(1, 3))
    if rng.random() < 0.1:
        text = text.rstrip(".") + rng.choice([" !!", " ...", " ??", " >>", " ^^"])
    return text


# ------------------------------------------------------------------------------------------------
# Generation


def _fill(template: str, rng: random.Random) -> str:
    slots = _Slots(rng)
    return re.sub(r"\{(\w+)\}", lambda m: slots[m.group(1)], template)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def generate_sms(*, split: str, seed: int, n: int, scam_share: float = 0.45,
                 exclude: Iterable[str] = ()) -> list[Sample]:
    """`n` distinct labelled messages of `split`, the same for the same (split, seed, n).

    `exclude`: texts that must not appear (compared case- and space-insensitively).
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    pool = _pool(split)
    by_label = {lab: [p for p in pool if p[1] == lab] for lab in LABELS}
    rng = random.Random(f"hocvuso-sms/{split}/{seed}")
    banned = {_normal(t) for t in exclude}
    seen: set[str] = set()
    samples: list[Sample] = []
    attempts = 0
    n_scam = round(n * scam_share)
    labels = ["scam"] * n_scam + ["legit"] * (n - n_scam)
    rng.shuffle(labels)
    for label in labels:
        while True:
            attempts += 1
            if attempts > 50 * n + 1000:
                raise RuntimeError(f"cannot make {n} distinct {split} messages; ask for fewer")
            family, _lab, template = rng.choice(by_label[label])
            text = add_noise(_fill(template, rng), label, rng, hidden=split == "hidden")
            key = _normal(text)
            if key not in seen and key not in banned:
                seen.add(key)
                samples.append(Sample(text=text, label=label, family=family))
                break
    return samples


TRAIN_SEED = 2026
"""Seed of the shipped training set (public)."""
VALIDATION_SEED = 7
"""Seed of the public validation split."""


def make_dataset(*, generator: str = "sms", split: str, seed: int, n: int) -> list[Sample]:
    """The dataset a `check_model(data={...})` cell names. Hidden sets never repeat a public message."""
    if generator != "sms":
        raise ValueError(f"unknown generator {generator!r}; known: 'sms'")
    exclude: list[str] = []
    if split == "hidden":
        exclude = [s.text for s in generate_sms(split="train", seed=TRAIN_SEED, n=2000)]
        exclude += [s.text for s in generate_sms(split="validation", seed=VALIDATION_SEED, n=400)]
    return generate_sms(split=split, seed=seed, n=n, exclude=exclude)


def write_csv(path: Path, samples: Iterable[Sample], *, with_labels: bool = True) -> None:
    """Write `text,label` rows (UTF-8, header first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"] if with_labels else ["text"])
        for s in samples:
            writer.writerow([s.text, s.label] if with_labels else [s.text])


def read_csv(path: Path) -> tuple[list[str], list[str]]:
    """(texts, labels) from a file written by `write_csv`."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r.get("label", "") for r in rows]
