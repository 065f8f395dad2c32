"""Text normalisation for matching Arabic, Persian and English text: one function for all.

Search, FAQ matching, the answer bot and contact lookup pass both what they store and what
they are asked through `normalise`, so every common spelling variant meets in one form:

- alef with hamza or madda, and alef wasla, become bare alef; hamza on waw or yeh drops it;
- teh marbuta becomes heh; alef maksura, Persian yeh and Farsi yeh become Arabic yeh;
- keheh (Persian kaf) becomes Arabic kaf; heh with yeh above and ae become heh;
- diacritics (harakat, shadda, sukun, superscript alef, Quranic marks) and tatweel go;
- zero-width non-joiner and joiner, and direction marks, go (so می‌روم and میروم match);
- Arabic-Indic and Persian digits become ASCII digits;
- compatibility forms (presentation forms, full width) are folded, case is folded,
  and runs of white space become one space.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import snowballstemmer

_LETTERS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ؤ": "و",
    "ئ": "ي",
    "ة": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "ۂ": "ه",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ۍ": "ي",
    "ک": "ك",
    "ڪ": "ك",
}
_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {
    chr(0x06F0 + i): str(i) for i in range(10)
}
_DROPPED = (
    [chr(c) for c in range(0x064B, 0x0660)]  # harakat, shadda, sukun, maddah and hamza marks
    + ["\u0670", "\u0640"]  # superscript alef, tatweel
    + [chr(c) for c in range(0x06D6, 0x06EE)]  # Quranic annotation marks
    + [chr(c) for c in range(0x0610, 0x061B)]  # honorific and small signs
    + ["\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff"]  # ZWNJ, ZWJ, direction marks
)
_TABLE = str.maketrans({**_LETTERS, **_DIGITS, **dict.fromkeys(_DROPPED, None)})
_SPACE = re.compile(r"\s+")
_ENGLISH = snowballstemmer.stemmer("english")


def normalise(text: str) -> str:
    """The matching form of `text`: the same for every spelling variant listed above."""
    folded = unicodedata.normalize("NFKC", text)
    # NFKC composes alef + hamza above back into أ, so translate after it, then again for the
    # letters the translation itself may expose.
    folded = folded.translate(_TABLE).casefold()
    return _SPACE.sub(" ", folded).strip()


# --- Light stemming -------------------------------------------------------------------------
#
# Search and FAQ matching compare stems, so that plural, possessive and prefixed forms meet:
# الكتاب / وبالكتاب / كتابها / الكتابات, کتاب‌ها / کتاب‌های / کتابی, می‌روم / نمی‌روم,
# refunds / refunding. Stemming works on `normalise`d words (so ة is ه, ی is ي, ک is ك, ZWNJ
# is gone) and needs no language tag: Arabic and Persian share the script, and the rules below
# are the light ones both languages agree on (after Larkey's light10 for Arabic, plus the
# Persian plural, comparative and verb prefixes). A rule applies only when what remains is
# long enough to stay a word, so short roots are never eaten. Latin words go through the
# Snowball English stemmer. Broken plurals (كتب from كتاب) are out of reach of any light
# stemmer; typo tolerance and the semantic signal of FAQ matching cover some of them.

_WORD = re.compile(r"[^\W_]+")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
# Longest first. "لل" is لـ + ال; "وال", "بال", "كال", "فال" are a conjunction or
# preposition in front of the article.
_ARTICLE_PREFIXES = ("وبال", "وال", "بال", "كال", "فال", "لل", "ال")
_VERB_PREFIXES = ("نمي", "مي")  # Persian present-tense markers, after normalise (ی -> ي)
_SUFFIXES = (
    "ترين",  # Persian superlative
    "هاي",  # Persian plural + ezafe (کتاب‌های)
    "ها",  # Persian plural; Arabic "her / its"
    "ات",  # Arabic feminine plural
    "ون",  # Arabic masculine plural
    "ين",  # Arabic masculine plural (oblique), dual
    "ان",  # Arabic dual; Persian plural
    "يه",  # Arabic feminine nisba (ية after normalise)
    "تر",  # Persian comparative
)
# After the suffix above, a final teh marbuta / heh or yeh (مدرسة, افزونه‌ها -> افزونه, کتابی).
_FINAL_LETTERS = ("ه", "ي")


@functools.lru_cache(maxsize=65536)
def _english_stem(word: str) -> str:
    return str(_ENGLISH.stemWord(word))


def _drop_conjunction(word: str) -> str:
    # A leading و is the conjunction "and" when a long enough word remains (وتحميل).
    if word.startswith("و") and len(word) >= 5:
        return word[1:]
    return word


@functools.lru_cache(maxsize=65536)
def _arabic_script_stem(word: str) -> str:
    # Every prefix rule runs again after the article goes, so a word stems alike with and
    # without it (وظيفه and الوظيفه, ميزان and الميزان): consistency matters more than
    # linguistic accuracy for matching.
    stem = _drop_conjunction(word)
    for prefix in _ARTICLE_PREFIXES:
        if stem.startswith(prefix) and len(stem) - len(prefix) >= 2:
            stem = _drop_conjunction(stem[len(prefix) :])
            break
    for prefix in _VERB_PREFIXES:
        if stem.startswith(prefix) and len(stem) - len(prefix) >= 3:
            stem = stem[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
            stem = stem[: -len(suffix)]
            break
    if stem.endswith(_FINAL_LETTERS) and len(stem) >= 4:
        stem = stem[:-1]
    return stem


def stem(word: str) -> str:
    """The stem of one `normalise`d word (Arabic, Persian or English; others pass unchanged)."""
    if not word:
        return word
    if _ARABIC_SCRIPT.search(word):
        return _arabic_script_stem(word)
    if word.isascii() and word.isalpha():
        return _english_stem(word)
    return word


def words(text: str) -> list[str]:
    """The normalised words of `text` (letters and digits; punctuation, emoji, `_` split)."""
    return _WORD.findall(normalise(text))


def tokens(text: str) -> list[str]:
    """The matching terms of `text`: `normalise`, split into words, `stem` each.

    Search indexes and queries, and FAQ matching, all go through this, so whatever spelling
    the article used and the customer typed, the same word gives the same term.
    """
    return [stem(word) for word in words(text)]
