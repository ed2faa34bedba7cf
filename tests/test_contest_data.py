"""The AI contest's data: deterministic, disjoint train/hidden, and a hidden set that rewards learning.

The baseline (plain TF-IDF words + logistic regression, trained on the shipped file) must land
between the contest's baseline and target F1; a memoriser (lookup of training texts) near the bottom.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from hocvuso.contest import make_dataset, read_csv
from hocvuso.contest._sms import TRAIN_SEED, VALIDATION_SEED, _normal
from hocvuso.grader._checks import f1_score

ROOT = Path(__file__).resolve().parents[1]
BASELINE, TARGET = 0.75, 0.93


def test_generator_is_deterministic_for_a_seed():
    assert make_dataset(split="hidden", seed=90210, n=200) == make_dataset(split="hidden", seed=90210, n=200)
    assert make_dataset(split="train", seed=1, n=100) != make_dataset(split="train", seed=2, n=100)
    labels = {s.label for s in make_dataset(split="hidden", seed=90210, n=600)}
    assert labels == {"scam", "legit"}


def test_shipped_files_are_what_the_generator_makes():
    texts, labels = read_csv(ROOT / "notebooks" / "thi-ai" / "du-lieu" / "train.csv")
    made = make_dataset(split="train", seed=TRAIN_SEED, n=2000)
    assert texts == [s.text for s in made] and labels == [s.label for s in made]
    texts, _ = read_csv(ROOT / "notebooks" / "thi-ai" / "du-lieu" / "kiem-dinh.csv")
    assert texts == [s.text for s in make_dataset(split="validation", seed=VALIDATION_SEED, n=400)]


def test_phrasings_are_data_and_the_sets_they_make_did_not_change():
    """Public and hidden phrasings are files read by one loader; the data sets a seed gives are the ones the
    phrasings made when they were still code (digests taken before they moved to sms-phrasings.yaml)."""
    import hashlib

    from hocvuso.contest._sms import HIDDEN_FILE, PUBLIC_FILE, _phrasings, generate_sms, judge_data_dir

    public, hidden = _phrasings(PUBLIC_FILE), _phrasings(judge_data_dir() / HIDDEN_FILE)
    assert PUBLIC_FILE.suffix == ".yaml" and {label for label, _pools in public.values()} == {"scam", "legit"}
    assert all(set(pools) == {"train", "validation"} for _label, pools in public.values())
    assert all(set(pools) == {"phrasings"} for _label, pools in hidden.values())

    def digest(split: str, seed: int, n: int) -> str:
        made = generate_sms(split=split, seed=seed, n=n)
        return hashlib.sha256("\n".join(f"{s.label}\t{s.family}\t{s.text}" for s in made).encode()).hexdigest()

    assert digest("train", TRAIN_SEED, 2000) == "805e4ee24344af5cdc5069624df003341af27439f4d11e31fc93d76fde081446"
    assert digest("validation", VALIDATION_SEED, 400) == (
        "8754b676f6d6558d9dc3be8203db11272b5ac25bc278ef9760bf3069269eb91a")
    assert digest("hidden", 99, 500) == "d1241ec042c6f3dd4cc2449144236fe5579fd89b3e77888e026c5d1440356e10"


def test_train_and_hidden_share_no_message():
    train = {_normal(s.text) for s in make_dataset(split="train", seed=TRAIN_SEED, n=2000)}
    hidden = [_normal(s.text) for s in make_dataset(split="hidden", seed=90210, n=600)]
    assert len(set(hidden)) == len(hidden)
    assert not train & set(hidden)


@pytest.fixture(scope="module")
def sets():
    train = make_dataset(split="train", seed=TRAIN_SEED, n=2000)
    hidden = make_dataset(split="hidden", seed=90210, n=600)
    return train, hidden


def test_baseline_lands_in_band_and_memoriser_at_the_bottom(sets):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    train, hidden = sets
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    model.fit([s.text for s in train], [s.label for s in train])
    truth = [s.label for s in hidden]
    baseline_f1 = f1_score(truth, list(model.predict([s.text for s in hidden])), "scam")
    lookup = {s.text: s.label for s in train}
    memo_f1 = f1_score(truth, [lookup.get(s.text, "scam") for s in hidden], "scam")
    print(f"\nTF-IDF + LR baseline F1 on hidden: {baseline_f1:.3f}; memoriser: {memo_f1:.3f} "
          f"(band {BASELINE}–{TARGET})")
    assert BASELINE < baseline_f1 < TARGET
    assert memo_f1 < BASELINE
