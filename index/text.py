"""Text normalisation shared by ingest and retrieval: NFC, diacritic folding, tokens, language."""

from __future__ import annotations

import re
import unicodedata

# The lower-case Vietnamese letters that carry a mark (tone, breve, circumflex, horn, stroke).
VI_MARKED_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_VI_MARKED = re.compile(f"[{VI_MARKED_LETTERS}]", re.IGNORECASE)
# Numbers keep their decimal/thousand separators; "7,5" and "7.5" fold to one token below.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+")
_LEADING_ZEROS = re.compile(r"^0+(?=\d)")
ENGLISH_STOPWORDS = frozenset(
    """a about after all also an and any are as at be been before being between both but by can
    could did do does during each for from had has have how if in into is it its many more most
    much of on or other over same should since so some such than that the their them then there
    these they this those through to under until up was we were what when where which while who
    whom whose why will with would you your""".split()
)


_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u202a-\u202e\u2066-\u2069]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_query(text: str) -> str:
    """A question as typed or pasted: NFC, zero-width and bidi controls removed, spaces collapsed."""
    return " ".join(_INVISIBLE.sub("", nfc(text)).split())


def _drop_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics: NFD, drop combining marks, đ→d."""
    return _drop_marks(text.lower()).replace("đ", "d")


def strip_marks(text: str) -> str:
    """Remove Vietnamese diacritics, keeping case: "Tăng trưởng Đảng" → "Tang truong Dang"."""
    return nfc(_drop_marks(text).replace("đ", "d").replace("Đ", "D"))


def number_token(raw: str) -> str:
    """One form per number: decimal point and comma unified to a comma, leading zeros dropped
    ("06 tháng đầu năm" is "6 tháng", "05/7" is "5/7"; "0,5" stays)."""
    return _LEADING_ZEROS.sub("", raw.replace(".", ","))


def tokens(text: str) -> list[str]:
    """Lower-cased syllables and numbers (``number_token``)."""
    return [number_token(tok) if tok[0].isdigit() else tok for tok in _TOKEN.findall(nfc(text).lower())]


def has_vietnamese_marks(text: str) -> bool:
    return _VI_MARKED.search(text) is not None


# The shape of a Vietnamese syllable once folded: onset, one to three vowels, coda. A word that
# cannot be one is not Vietnamese ("growth", "Broncos"), whether or not it was typed with marks.
_VI_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?")


def is_vietnamese_syllable(word: str) -> bool:
    return _VI_SYLLABLE.fullmatch(fold(word)) is not None


def detect_language(text: str) -> str:
    """'vi' or 'en'. With Vietnamese marks: 'vi', unless ≥ 40% of the words are English function
    words or lower-case words that cannot be Vietnamese syllables (an English question naming
    "Nguyễn Văn Nên"). Without: English function words decide, and without them the lower-case
    words do: English if most cannot be Vietnamese syllables.

    Unaccented Vietnamese ("muc tieu tang truong") stays 'vi'; English typed as keywords ("growth
    target 2024") is 'en'. Capitalised words are left out of the syllable count: names are written
    as in their own language inside Vietnamese questions too ("Tesla Electric Light da lam gi?").
    """
    if has_vietnamese_marks(text):
        written = re.findall(r"[^\W\d_]+", nfc(text))
        english_words = sum(1 for w in written if w.lower() in ENGLISH_STOPWORDS
                            or (w.islower() and not is_vietnamese_syllable(w)))
        return "en" if english_words / len(written) >= 0.4 else "vi"
    words = [t for t in tokens(text) if not t[0].isdigit()]
    if not words:
        return "vi"
    english = sum(1 for w in words if w in ENGLISH_STOPWORDS)
    if english / len(words) >= 0.2:
        return "en"
    lower = [w for w in re.findall(r"[^\W\d_]+", nfc(text)) if w.islower()]
    foreign = sum(1 for w in lower if not is_vietnamese_syllable(w))
    return "en" if lower and foreign / len(lower) >= 0.5 else "vi"


def anchor_tokens(text: str) -> list[str]:
    """Tokens of an English query that can match Vietnamese text as written: numbers and names.

    A name is a capitalised word that is not an English function word, or an acronym.
    """
    out = []
    for raw in _TOKEN.findall(nfc(text)):
        if raw[0].isdigit():
            out.append(number_token(raw))
        elif raw[0].isupper() and raw.lower() not in ENGLISH_STOPWORDS:
            out.append(raw.lower())
    return out
