"""Matching suggestions: which offered resources may meet an open need, and the reverse.

Text is segmented once when a record is saved (``terms_of``: jieba with a small domain
dictionary, synonyms folded onto one word) and the terms are stored on the row
(``match_terms``), so a request only segments the one record it starts from. Beside words,
character bigrams of titles catch what the segmenter splits differently. Every point of the
score comes with a reason a person can check.

The dictionary is loaded once per process (``segmenter()``), at app start outside tests.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
_lock = threading.Lock()
_tokenizer = None
log = logging.getLogger(__name__)

STOPWORDS = frozenset(["的", "了", "和", "与", "及", "或", "等", "为", "在", "对", "向", "给", "把", "被",
                       "由", "从", "到", "让", "使", "并", "也", "都", "而", "又", "将", "就", "是", "有",
                       "无", "要", "需", "需要", "希望", "提供", "开展", "进行", "一次", "一些", "我们",
                       "他们", "可以", "能够", "能", "可", "个", "位", "名", "场", "次", "年", "月", "日",
                       "每", "各", "多", "少", "本", "该", "工作", "活动", "服务", "项目", "社区", "居民",
                       "居民区", "村", "单位", "组织", "帮助", "支持", "相关", "方面", "情况", "问题", "开设",
                       "举办", "一场", "定期"])
# weights of the parts of the score (they add up to 1)
W_CATEGORY, W_WORDS, W_CHARS, W_TIME, W_CAPACITY, W_RECORD = 0.30, 0.40, 0.10, 0.08, 0.06, 0.06
PEOPLE_UNITS = ("人", "人次", "名", "位", "户")


@lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for line in (DATA / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        for word in words:
            mapping.setdefault(word, words[0])
    return mapping


def segmenter():
    """The jieba tokenizer with the domain dictionary (and every synonym) added, built once."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                tokenizer.load_userdict(str(DATA / "dictionary.txt"))
                for word in synonyms():
                    tokenizer.add_word(word, 50)
                _tokenizer = tokenizer
    return _tokenizer


_PUNCT = re.compile(r"[\s\W\d_]+", re.UNICODE)


def terms_of(*texts: str | None) -> list[str]:
    """The key words of some text: segmented, stop words and single characters dropped,
    synonyms folded ("老年人" → "老人"), each once, in order of appearance."""
    tokenizer = segmenter()
    table = synonyms()
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for word in tokenizer.cut_for_search(text):
            word = word.strip()
            if len(word) < 2 or word in STOPWORDS or _PUNCT.fullmatch(word):
                continue
            seen.setdefault(table.get(word, word), None)
    return list(seen)


def bigrams(text: str | None) -> set[str]:
    chars = _PUNCT.sub(" ", text or "")
    return {chunk[i:i + 2] for chunk in chars.split() for i in range(len(chunk) - 1)}


def stored_terms(value: str | None) -> set[str]:
    return set(value.split()) if value else set()


@dataclass
class Candidate:
    """What matching reads of one need or resource (plain values: no ORM needed)."""

    id: int
    title: str
    category_id: int
    category_name: str
    terms: set[str]
    unit_id: int | None = None
    wanted_by: date | None = None          # needs
    beneficiaries: int | None = None       # needs
    available_from: date | None = None     # resources
    available_to: date | None = None       # resources
    capacity_amount: int | None = None     # resources
    capacity_unit: str | None = None       # resources
    chars: set[str] = field(default_factory=set)


@dataclass
class Suggestion:
    other_id: int
    score: float
    reasons: list[str]


def worth_scoring(target: Candidate, category_id: int, terms: set[str]) -> bool:
    """Only a record of the same category or sharing a key word can rank: the rest are left
    out before any scoring (the cheap test that keeps 5,000 candidates fast)."""
    return category_id == target.category_id or not terms.isdisjoint(target.terms)


def score_pair(need: Candidate, resource: Candidate, *, today: date,
               delivered: dict[int, int]) -> tuple[float, list[str]]:
    """The score (0..1) of ``resource`` for ``need`` and the reasons behind it."""
    score = 0.0
    reasons: list[str] = []
    if need.category_id == resource.category_id:
        score += W_CATEGORY
        reasons.append(f"同属“{need.category_name}”类")
    shared = need.terms & resource.terms
    if shared:
        # share of the need's words the resource covers, softened so two words already count
        coverage = len(shared) / max(1, min(len(need.terms), 6))
        score += W_WORDS * min(1.0, coverage)
        words = sorted(shared, key=lambda w: (-len(w), w))[:4]
        reasons.append("共同关键词：" + "、".join(words))
    if need.chars and resource.chars:
        overlap = len(need.chars & resource.chars) / max(1, min(len(need.chars), len(resource.chars)))
        score += W_CHARS * min(1.0, overlap * 2)
    if resource.available_to is not None and resource.available_to < today:
        score -= W_TIME  # no longer available: pushed down, and said so
        reasons.append("可提供时间已过")
    elif need.wanted_by is None or resource.available_from is None or resource.available_from <= need.wanted_by:
        score += W_TIME
        if need.wanted_by is not None:
            reasons.append(f"可在需求期限（{need.wanted_by.month}月{need.wanted_by.day}日）前提供")
    if (need.beneficiaries and resource.capacity_amount is not None
            and (resource.capacity_unit or "").strip() in PEOPLE_UNITS
            and resource.capacity_amount >= need.beneficiaries):
        score += W_CAPACITY
        reasons.append(f"容量{resource.capacity_amount}{resource.capacity_unit}，"
                       f"可覆盖{need.beneficiaries}名受益人")
    done = delivered.get(resource.unit_id or 0, 0)
    if done:
        score += W_RECORD * min(1.0, done / 3)
        reasons.append(f"该单位已完成{done}个共建项目")
    return max(0.0, min(1.0, round(score, 3))), reasons


SHORTLIST = 60  # candidates rescored with title bigrams after the cheap first pass


def rank_resources(need: Candidate, resources: list[Candidate], *, today: date,
                   delivered: dict[int, int], limit: int = 10, minimum: float = 0.15) -> list[Suggestion]:
    need.chars = need.chars or bigrams(need.title)
    saved, need.chars = need.chars, set()
    try:
        first = sorted(((score_pair(need, r, today=today, delivered=delivered)[0], r.id, r) for r in resources),
                       key=lambda t: (-t[0], t[1]))[:max(SHORTLIST, limit)]
    finally:
        need.chars = saved
    return _rescore([(need, r, r.id) for _, _, r in first], today=today, delivered=delivered,
                    limit=limit, minimum=minimum)


def rank_needs(resource: Candidate, needs: list[Candidate], *, today: date,
               delivered: dict[int, int], limit: int = 10, minimum: float = 0.15) -> list[Suggestion]:
    resource.chars = resource.chars or bigrams(resource.title)
    saved, resource.chars = resource.chars, set()
    try:
        first = sorted(((score_pair(n, resource, today=today, delivered=delivered)[0], n.id, n) for n in needs),
                       key=lambda t: (-t[0], t[1]))[:max(SHORTLIST, limit)]
    finally:
        resource.chars = saved
    return _rescore([(n, resource, n.id) for _, _, n in first], today=today, delivered=delivered,
                    limit=limit, minimum=minimum)


def _rescore(pairs, *, today, delivered, limit, minimum) -> list[Suggestion]:
    found = []
    for need, resource, other_id in pairs:
        for c in (need, resource):
            if not c.chars:
                c.chars = bigrams(c.title)
        score, reasons = score_pair(need, resource, today=today, delivered=delivered)
        if score >= minimum:
            found.append(Suggestion(other_id, score, reasons))
    found.sort(key=lambda s: (-s.score, s.other_id))
    return found[:limit]
