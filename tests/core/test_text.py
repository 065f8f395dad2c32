from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dukkan.core.text import normalise


@pytest.mark.parametrize(
    ("variants", "why"),
    [
        (["أحمد", "احمد", "إحمد", "آحمد"], "alef with hamza or madda"),
        (["مدرسة", "مدرسه"], "teh marbuta"),
        (["مصطفى", "مصطفي", "مصطفی"], "alef maksura, Arabic and Persian yeh"),
        (["كتاب", "کتاب"], "Arabic and Persian kaf"),
        (["مُحَمَّد", "محمد", "مـحـمـد"], "diacritics and tatweel"),
        (["می‌روم", "میروم"], "zero-width non-joiner"),
        (["۱۴۰۳", "١٤٠٣", "1403"], "Persian, Arabic-Indic and ASCII digits"),
        (["Dukkan", "DUKKAN", "Ｄｕｋｋａｎ"], "case and width"),
        (["  سلام \n  دنیا ", "سلام دنیا"], "white space"),
        (["ﻛﺘﺎﺏ", "كتاب"], "presentation forms"),
        (["مسؤول", "مسوول"], "hamza on waw"),
    ],
)
def test_spelling_variants_meet(variants: list[str], why: str) -> None:
    assert len({normalise(v) for v in variants}) == 1, why


def test_different_words_stay_different() -> None:
    assert normalise("كتاب") != normalise("كاتب")
    assert normalise("book") != normalise("books")


@given(st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
