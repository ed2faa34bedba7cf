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
