"""Tokenizer offsets and n-gram analyzers (checked against scikit-learn's own)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from explainer.model.text import (
    CharWbNgrams,
    WordNgrams,
    char_wb_ngrams,
    field_span,
    join_fields,
    tokenize,
)

ANY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=120,
)
WORD = st.text(alphabet=st.characters(categories=("Ll", "Lu", "Nd")), min_size=1, max_size=12)


def test_tokenize_skips_placeholders_and_single_characters() -> None:
    tokens = tokenize("Hi, I can't log in. Mail [EMAIL] or a [PHONE]!")
    assert [t.text for t in tokens] == ["hi", "can", "log", "in", "mail", "or"]
    assert [(t.start, t.end) for t in tokens][:2] == [(0, 2), (6, 9)]


@given(ANY_TEXT)
def test_token_offsets_point_at_the_token(text: str) -> None:
    for t in tokenize(text):
        assert text[t.start : t.end].lower() == t.text
        assert t.end - t.start >= 2


@given(subject=ANY_TEXT, body=ANY_TEXT)
def test_field_span_maps_joined_offsets_back(subject: str, body: str) -> None:
    joined = join_fields(subject, body)
    assert joined == f"{subject}\n{body}"
    fields = {"subject": subject, "body": body}
    for t in tokenize(joined):
        field, start, end = field_span(len(subject), t.start, t.end)
        assert fields[field][start:end] == joined[t.start : t.end]


@settings(max_examples=200)
@given(word=WORD, lo=st.integers(1, 4), span=st.integers(0, 3))
def test_char_wb_ngrams_equal_sklearn(word: str, lo: int, span: int) -> None:
    hi = lo + span
    sk = CountVectorizer(analyzer="char_wb", ngram_range=(lo, hi), lowercase=False)
    assert char_wb_ngrams(word, lo, hi) == sk.build_analyzer()(word)


@given(st.lists(st.sampled_from(["log", "in", "can't", "a", "Refund", "x1", "über"]), max_size=12))
def test_word_ngrams_equal_sklearn_on_plain_words(words: list[str]) -> None:
    text = " ".join(words)
    sk = CountVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w\w+\b").build_analyzer()
    assert WordNgrams(1, 2)(text) == sk(text)


def test_char_analyzer_stays_inside_words() -> None:
    grams = CharWbNgrams(2, 3)("Log in!")
    assert " lo" in grams and "g " in grams
    assert not any(" " in g.strip() for g in grams)  # no gram crosses a word boundary
    assert CharWbNgrams(2, 5)("[EMAIL] ok") == [" o", "ok", "k ", " ok", "ok ", " ok "]
