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

import re
import unicodedata

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


def normalise(text: str) -> str:
    """The matching form of `text`: the same for every spelling variant listed above."""
    folded = unicodedata.normalize("NFKC", text)
    # NFKC composes alef + hamza above back into أ, so translate after it, then again for the
    # letters the translation itself may expose.
    folded = folded.translate(_TABLE).casefold()
    return _SPACE.sub(" ", folded).strip()
