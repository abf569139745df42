"""Sort keys for Chinese personal names: 按姓氏笔画为序 (surname strokes) and pinyin.

Both keys are plain ASCII strings meant to be stored in a ``String(255)`` column
and used in ``ORDER BY`` (with pagination), so the database does the sorting.
They use only ``0-9`` and ``a-z``: with no punctuation, spaces or upper case,
byte order ("C" collation, SQLite's BINARY) and the usual linguistic
collations (en_US, ICU "und") agree. Add a unique column (e.g. the id) as the
last ORDER BY term so truncated or identical keys still paginate stably.

Stroke rule, as followed by official lists (see tests/data/stroke_lists/):

1. Surname (first character) by stroke count, then stroke by stroke in the
   order 横1 竖2 撇3 点4 折5 (提 = 横, 竖钩 = 竖, 捺 = 点, other hooks/turns = 折).
2. Same surname: two-character names come first.
3. Then given-name characters one by one with the same key; longer names are
   interleaved, not grouped by length (巴音朝鲁 before 巴特尔).
4. Compound surnames count as their first character only; ``·`` is ignored.
5. Identical stroke sequences (孔/巴) fall back to Unicode code point.

Stroke data: ``data/stroke_sequences.txt`` (MIT, exported from npm cnchar-order)
plus a small hand-made ``data/stroke_supplement.txt``; see ``data/README.md``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

__all__ = ["stroke_count", "stroke_sequence", "stroke_key", "pinyin_key", "search_key", "person_search_key",
           "MAX_KEY_LENGTH"]

#: Keys are cut to this length so they fit a String(255) column. Cutting keeps
#: the order of any two keys that differ within the kept prefix.
MAX_KEY_LENGTH = 250

_DATA_DIR = Path(__file__).with_name("data")
_DATA_FILES = ("stroke_sequences.txt", "stroke_supplement.txt")

# Separators inside names that do not take part in sorting: whitespace, dots,
# hyphens and the middle-dot look-alikes people type for U+00B7 in
# transliterated names (艾力更·依明巴海).
_DOTS = "\u00b7\u2022\u2027\u30fb\uff65\u2219\u22c5"
_IGNORED = re.compile(rf"[\s{_DOTS}\uff0e.\-]")

# Stroke key pieces. A known character is "NN" (2-digit stroke count) + its
# 1-5 sequence + one hex digit: its rank by code point among the characters
# that share that exact sequence (孔 U+5B54 -> 0, 巴 U+5DF4 -> 1). Characters of
# equal count have sequences of equal length, so the pieces line up without
# separators, and true ties are decided right there, before any later
# character. (A rank instead of the code point keeps 12-character names under
# 255; keys must be recomputed whenever the data files change anyway.) An
# unknown character is "f" + 6 hex digits of its code point: "f" sorts after
# every digit, so it comes after all known characters at that position.
_UNKNOWN_PREFIX = "f"
# After the surname: "0" bare surname, "1" two-character name, "2" longer.
_SHAPE = ("0", "1", "2")
# Ends the given name; lower than any character piece (counts start at "01"),
# so 巴特 sorts before 巴特尔 within the same length group.
_END = "00"


@cache
def _strokes() -> dict[str, str]:
    """Load char -> stroke digits once; the supplement only fills gaps."""
    table: dict[str, str] = {}
    for name in _DATA_FILES:
        path = _DATA_DIR / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            char, digits = line.split("\t")[:2]
            table.setdefault(char, digits)
    return table


@cache
def _pieces() -> dict[str, str]:
    """Precompute every known character's key piece (see above)."""
    pieces: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for char, seq in _strokes().items():
        groups.setdefault(seq, []).append(char)
    for seq, chars in groups.items():
        if len(chars) > 16:  # a wider rank would be needed (max is 7 today)
            raise ValueError(f"{len(chars)} characters share stroke sequence {seq}")
        for rank, char in enumerate(sorted(chars)):
            pieces[char] = f"{min(len(seq), 99):02d}{seq}{rank:x}"
    return pieces


def stroke_sequence(char: str) -> str | None:
    """Return the stroke sequence of one character as digits 1-5, or None if unknown.

    1 横 (incl. 提), 2 竖 (incl. 竖钩), 3 撇, 4 点 (incl. 捺), 5 折 (all other
    hooked or turning strokes). Example: ``stroke_sequence("张") == "5153154"``.
    """
    return _strokes().get(unicodedata.normalize("NFC", char)) if char else None


def stroke_count(char: str) -> int | None:
    """Return the number of strokes of one character, or None if unknown."""
    seq = stroke_sequence(char)
    return len(seq) if seq is not None else None


def _name_chars(name: str) -> list[str]:
    # NFKC folds full-width Latin letters and CJK compatibility ideographs onto
    # the ordinary forms, so visually equal names get equal keys.
    return list(_IGNORED.sub("", unicodedata.normalize("NFKC", name or "")))


def _char_piece(char: str) -> str:
    return _pieces().get(char) or f"{_UNKNOWN_PREFIX}{ord(char):06x}"


@lru_cache(maxsize=65536)  # pure; imports and the demo repeat names
def stroke_key(name: str) -> str:
    """Return an ASCII key whose plain string order is the 按姓氏笔画为序 order.

    Only digits and lowercase hex letters are used, at most ``MAX_KEY_LENGTH``
    characters (about 12 characters of name fit whole). Characters without
    stroke data (Latin letters, rare ideographs) sort after all known ones at
    the same position, by code point. An empty name gives ``""``.
    """
    chars = _name_chars(name)
    if not chars:
        return ""
    parts = [_char_piece(chars[0]), _SHAPE[min(len(chars) - 1, 2)]]
    parts += [_char_piece(c) for c in chars[1:]]
    parts.append(_END)
    return "".join(parts)[:MAX_KEY_LENGTH]


# Surname readings of characters whose everyday reading differs (pypinyin has
# no surname mode, so the surname is looked up here first).
_SURNAME_PINYIN = {
    "曾": "zeng1", "单": "shan4", "解": "xie4", "仇": "qiu2", "区": "ou1",
    "查": "zha1", "朴": "piao2", "盖": "ge3", "乐": "yue4", "缪": "miao4",
    "翟": "zhai2", "覃": "qin2", "召": "shao4", "秘": "bi4", "种": "chong2",
    "繁": "po2", "折": "she2", "员": "yun4", "长": "chang2", "重": "chong2",
    "宁": "ning4", "燕": "yan1", "葛": "ge3", "纪": "ji3", "任": "ren2",
    "华": "hua4", "卜": "bu3", "薄": "bo2", "那": "na1", "隗": "wei3",
    "句": "gou1", "阚": "kan4", "都": "du1", "洗": "xian3", "过": "guo1",
    "能": "nai4", "贲": "ben1", "蕃": "pi2", "藏": "zang4",
}
# Compound surnames: the whole pair is read together (尉迟 is yu4chi2, not
# wei4...), and the pair must not get the single-character override above.
_COMPOUND_SURNAMES = {
    "单于": "chan2yu2", "尉迟": "yu4chi2", "万俟": "mo4qi2", "长孙": "zhang3sun1",
    "欧阳": "ou1yang2", "诸葛": "zhu1ge3", "司马": "si1ma3", "上官": "shang4guan1",
    "东方": "dong1fang1", "夏侯": "xia4hou2", "皇甫": "huang2fu3", "公孙": "gong1sun1",
    "慕容": "mu4rong2", "令狐": "ling2hu2", "司徒": "si1tu2", "澹台": "tan2tai2",
    "宇文": "yu3wen2", "轩辕": "xuan1yuan2", "端木": "duan1mu4", "南宫": "nan2gong1",
}
_SYLLABLE = re.compile(r"[a-z]+[1-5]")


def _pinyin_tokens(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin  # lazy: stroke keys need no pypinyin

    tokens = []
    for item in lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True):
        item = item.lower()
        if _SYLLABLE.fullmatch(item):
            tokens.append(item)
        else:
            # Non-Han runs (Latin names, digits) keep their ASCII letters and
            # digits; anything else is left to the stroke-key tie-break.
            tokens.append("".join(c for c in item if c.isascii() and c.isalnum()))
    return tokens


@lru_cache(maxsize=65536)  # pure; imports and the demo repeat names
def _name_reading(name: str) -> tuple[str, ...]:
    """The syllables (with tone numbers) a name is read as: its surname by its surname reading
    (曾 zeng1, 单 shan4, 尉迟 yu4chi2), the rest through pypinyin. Both the sort key and the
    person's search key are made of it: one pypinyin pass a name (issue 12: an import of
    20,000 people spent ~1.3 s a pass)."""
    chars = _name_chars(name)
    if not chars:
        return ()
    text = "".join(chars)
    head: list[str] = []
    rest = text
    # Transliterated names (with a middle dot) have no Chinese surname. Others:
    # read the surname on its own, so pypinyin's word lookup cannot run it
    # together with the given name (任重 as the word rèn zhòng).
    # (A name not starting with a Han character, "Tom李", is read whole: its join is the same.)
    if not any(c in _DOTS for c in name) and "\u3400" <= text[0] <= "\u9fff":
        if text[:2] in _COMPOUND_SURNAMES:
            head, rest = _SYLLABLE.findall(_COMPOUND_SURNAMES[text[:2]]), text[2:]
        else:
            surname = _SURNAME_PINYIN.get(text[0])
            head = [surname] if surname else _pinyin_tokens(text[0])
            rest = text[1:]
    return (*head, *(_pinyin_tokens(rest) if rest else ()))


@lru_cache(maxsize=65536)  # pure; imports and the demo repeat names
def pinyin_key(name: str) -> str:
    """Return an ASCII key whose plain string order is pinyin (then stroke) order.

    Syllables carry tone numbers (``zhang1san1``; ü is ``v``, neutral tone 5);
    a digit ends each syllable, so 李 (li3) sorts before 林 (lin2). Heteronym
    surnames use their surname reading (曾 zeng1, 单 shan4, 解 xie4, 仇 qiu2).
    Equal readings are ordered by ``stroke_key``. Requires pypinyin.
    """
    reading = _name_reading(name)
    if not reading:
        return ""
    # "0" ends the reading: it is below every letter, so 李 sorts before 李明.
    return ("".join(reading) + "0" + stroke_key(name))[:MAX_KEY_LENGTH]


def _search_text(tokens) -> str:
    tokens = [t.rstrip("12345") for t in tokens]
    tokens = [t for t in tokens if t]
    if not tokens:
        return ""
    return f"{''.join(tokens)} {''.join(t[0] for t in tokens)}"[:400]


@lru_cache(maxsize=65536)  # pure; imports and the demo repeat names
def person_search_key(name: str) -> str:
    """A person's ``search_key``: the name as ``pinyin_key`` reads it (surname by its surname
    reading, so ``zw`` finds 曾伟, which pypinyin alone reads ceng wei), without tones, and its
    initials; computed from the same reading as the sort key."""
    return _search_text(_name_reading(name))


@lru_cache(maxsize=65536)  # pure; imports and the demo repeat names
def search_key(text: str) -> str:
    """What a search box matches besides the text itself: the pinyin without tones and its
    initials, e.g. 张轩 → ``zhangxuan zx``, so ``zx``, ``zhangx`` or ``xuan`` find 张轩."""
    return _search_text(_pinyin_tokens("".join(ch for ch in text if not ch.isspace())))
