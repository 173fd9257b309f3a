"""Tone (positive / neutral / negative) and harm of an article, by classifiers trained in the project.

underthesea's own sentiment model downloads at run time, so it cannot be used offline; these are underthesea_core's
TF-IDF + linear SVM classifiers (Rust, in the wheel), trained at first use from the labelled Vietnamese set the
project writes (`data/labelled_train.csv`) plus every label officers have given (a relabel retrains within a
minute, in every process: training takes milliseconds, so no model file is kept).

Three models: harmful or not (its threshold chosen by 5-fold cross-validation on the training rows so that at least
RECALL_TARGET of harmful posts are caught: a missed harmful post costs more than an officer's look at a clean one),
the harm type among the Vietnam Anti-Fake-News Center's kinds, and the tone of the rest (a harmful post is negative).
Each verdict is explained by the nearest confirmed examples.
"""

from __future__ import annotations

import csv
import random
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import underthesea_core as engine

from ioc.core.text import fold

TRAINING_FILE = Path(__file__).parent / "data" / "labelled_train.csv"
RECALL_TARGET = 0.9
RECHECK_S = 60  # how often a process looks for new officer labels
HARMFUL, CLEAN = "harmful", "none"


@dataclass(frozen=True)
class Verdict:
    tone: str
    tone_score: float
    harm: str  # "none" or a HarmType value
    harm_score: float
    nearest: list = field(default_factory=list)  # [(text, tone, harm)] confirmed examples most like this one

    @property
    def harmful(self) -> bool:
        return self.harm != CLEAN


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


class Models:
    def __init__(self, rows: list[dict]):
        self.rows = rows
        texts = [r["text"] for r in rows]
        self.gate = self._fit(texts, [HARMFUL if r["harm"] != CLEAN else CLEAN for r in rows], (1, 1))
        harmful = [r for r in rows if r["harm"] != CLEAN]
        self.kind = self._fit([r["text"] for r in harmful], [r["harm"] for r in harmful], (1, 2))
        clean = [r for r in rows if r["harm"] == CLEAN]
        self.tone = self._fit([r["text"] for r in clean], [r["tone"] for r in clean], (1, 2))
        self.threshold = self._threshold(rows)
        self.index = [(_words(r["text"]), r) for r in rows]

    @staticmethod
    def _fit(texts, labels, ngrams):
        model = engine.TextClassifier(ngram_range=ngrams, c=2.0, preprocessor=engine.TextPreprocessor())
        model.fit(texts, labels)
        return model

    @classmethod
    def _threshold(cls, rows: list[dict]) -> float:
        """The score under which a "clean" verdict is not trusted, chosen on out-of-fold predictions."""
        order = list(range(len(rows)))
        random.Random(7).shuffle(order)
        verdicts = []
        for fold_no in range(5):
            held = [rows[i] for i in order[fold_no::5]]
            kept = [rows[i] for k, i in enumerate(order) if k % 5 != fold_no]
            gate = cls._fit([r["text"] for r in kept], [HARMFUL if r["harm"] != CLEAN else CLEAN for r in kept], (1, 1))
            verdicts += [(r["harm"] != CLEAN, *gate.predict_with_score(r["text"])) for r in held]
        harmful = sum(1 for is_harmful, _, _ in verdicts if is_harmful) or 1
        for threshold in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
            caught = sum(1 for h, label, score in verdicts if h and (label == HARMFUL or score < threshold))
            if caught / harmful >= RECALL_TARGET:
                return threshold
        return 0.8

    def classify(self, text: str) -> Verdict:
        text = (text or "")[:5000]
        label, score = self.gate.predict_with_score(text)
        if label == HARMFUL or score < self.threshold:
            kind, kind_score = self.kind.predict_with_score(text)
            return Verdict("negative", kind_score, kind, score if label == HARMFUL else 1 - score, self.nearest(text))
        tone, tone_score = self.tone.predict_with_score(text)
        return Verdict(tone, tone_score, CLEAN, score, self.nearest(text))

    def nearest(self, text: str, k: int = 3) -> list[tuple[str, str, str]]:
        words = _words(text)
        if not words:
            return []
        scored = sorted(self.index, key=lambda item: -len(words & item[0]) / len(words | item[0]))
        return [(r["text"], r["tone"], r["harm"]) for _, r in scored[:k]]


def training_rows() -> list[dict]:
    with TRAINING_FILE.open(encoding="utf-8") as handle:
        rows = [dict(r) for r in csv.DictReader(handle)]
    from ioc.media.models import ArticleLabel

    # An officer's latest label of each article, on its title and text (what the classifier reads).
    latest: dict[int, ArticleLabel] = {}
    for label in ArticleLabel.objects.select_related("article").order_by("created_at"):
        latest[label.article_id] = label
    for label in latest.values():
        rows.append(
            {"text": f"{label.article.title}. {label.article.text[:2000]}", "tone": label.tone, "harm": label.harm}
        )
    return rows


_lock = threading.Lock()
_cache: dict = {"models": None, "version": None, "checked": 0.0}


def _labels_version():
    from django.db.models import Count, Max

    from ioc.media.models import ArticleLabel

    found = ArticleLabel.objects.aggregate(n=Count("id"), last=Max("id"))
    return (found["n"], found["last"])


def models() -> Models:
    """The trained models, retrained when officers have labelled since (checked at most every RECHECK_S)."""
    with _lock:
        now = time.monotonic()
        if _cache["models"] is None or now - _cache["checked"] > RECHECK_S:
            version = _labels_version()
            _cache["checked"] = now
            if _cache["models"] is None or version != _cache["version"]:
                _cache["models"] = Models(training_rows())
                _cache["version"] = version
        return _cache["models"]


def forget() -> None:
    """Retrain at next use (after a relabel in this process)."""
    with _lock:
        _cache["models"] = None


def classify(title: str, text: str) -> Verdict:
    return models().classify(f"{title}. {text}")
