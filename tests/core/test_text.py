"""Text normalisation (issue 5 item 7) must not rewrite Chinese typography."""
from __future__ import annotations

from alliance.core.validators import clean_text, normalize_text


def test_fullwidth_punctuation_is_kept_as_typed():
    title = "季度例会（示例：待召开），请回执！～"
    assert normalize_text(title) == title
    assert clean_text(title, max_length=50) == title


def test_lookalikes_still_become_one():
    assert normalize_text("张\u200b三") == "张三"  # zero-width space
    assert normalize_text("ab\u202ec") == "abc"  # bidi override
    assert normalize_text("ＡＢ１２（３）") == "AB12（3）"  # full-width letters and digits
