"""Person-name normalisation: diacritics, initials, name order, hyphens, particles, CJK.

Every source writes names its own way ("Nguyen Van A", "A. Nguyen", "NGUYEN, VAN A",
"Müller-Lüdenscheidt, H.-J."). These functions reduce them to comparable parts; the
``name_key`` ("family initial") is the blocking key stored on HCP and Mention nodes.

Examples
--------
>>> name_key("Müller-Lüdenscheidt", "Hans-Jürgen")
'mullerludenscheidt h'
>>> split_name("NGUYEN, VAN A")
('NGUYEN', 'VAN A')
>>> initials_of("Hans-Jürgen")
'HJ'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "delle",
        "dei",
        "di",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "la",
        "le",
        "lo",
        "ten",
        "ter",
        "te",
        "vander",
        "vanden",
        "al",
        "el",
        "bin",
        "ibn",
        "y",
        "zu",
        "af",
        "av",
        "st",
    }
)
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "Þ": "TH",
        "ð": "d",
        "ı": "i",
    }
)
_SPELT_OUT = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
        "ø": "oe",
        "Ø": "Oe",
        "å": "aa",
        "Å": "Aa",
    }
)
_NON_ALNUM = re.compile(r"[^\w]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def is_cjk(text: str) -> bool:
    """True when ``text`` holds Chinese, Japanese or Korean characters.

    Examples
    --------
    >>> is_cjk("王伟"), is_cjk("Wang Wei")
    (True, False)
    """
    return bool(_CJK.search(text or ""))


@lru_cache(maxsize=100_000)
def fold(text: str | None) -> str:
    """Lower-case ASCII-folded text: diacritics removed, special letters spelled out.

    CJK characters are kept as they are (they have no case and no diacritics).

    Examples
    --------
    >>> fold("Łukasz Śliwiński-Ødegård")
    'lukasz sliwinski-odegard'
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).lower().strip()


def tokens(text: str | None) -> list[str]:
    """Folded word tokens; hyphens, dots and apostrophes separate tokens.

    Examples
    --------
    >>> tokens("O'Brien-Smith, J.-P.")
    ['o', 'brien', 'smith', 'j', 'p']
    """
    return [t for t in _NON_ALNUM.split(fold(text).replace("_", " ")) if t]


@lru_cache(maxsize=100_000)
def family_key(family: str | None) -> str:
    """The family name as one comparable token: folded, particles and separators removed.

    Examples
    --------
    >>> family_key("van der Berg"), family_key("Van den Bergh-Smits"), family_key("O'Neil")
    ('berg', 'berghsmits', 'oneil')
    >>> family_key("De")
    'de'
    """
    parts = tokens(family)
    while len(parts) > 1 and parts[0] in PARTICLES:
        parts = parts[1:]
    return "".join(parts)


def given_tokens(given: str | None) -> list[str]:
    """Given-name tokens; run-together initials such as "JP" or "J.P." become ["j", "p"].

    Examples
    --------
    >>> given_tokens("Deborah L"), given_tokens("DL"), given_tokens("Jean-Pierre")
    (['deborah', 'l'], ['d', 'l'], ['jean', 'pierre'])
    """
    return list(_given_tokens(given))


def given_token_tuple(given: str | None) -> tuple[str, ...]:
    """:func:`given_tokens` as one tuple shared by every caller with the same given name
    (profiles hold it; do not build on it).

    >>> given_token_tuple("J.P.") is given_token_tuple("J.P.")
    True
    """
    return _given_tokens(given)


@lru_cache(maxsize=100_000)
def _given_tokens(given: str | None) -> tuple[str, ...]:
    raw = (given or "").strip()
    if not raw:
        return ()
    if is_cjk(raw):
        return tuple(c for c in raw if not c.isspace())
    result: list[str] = []
    for token in re.split(r"[\s.\-‐'’]+", raw):
        if not token:
            continue
        if token.isupper() and 1 < len(token) <= 3 and token.isalpha():
            result.extend(fold(c) for c in token)  # "DL" written as initials
        else:
            result.append(fold(token))
    return tuple(t for t in result if t)


@lru_cache(maxsize=100_000)
def initials_of(given: str | None) -> str:
    """Upper-case initials of the given names.

    Examples
    --------
    >>> initials_of("deborah lynn"), initials_of("J.-P."), initials_of("")
    ('DL', 'JP', '')
    """
    return "".join(t[0] for t in given_tokens(given)).upper()


@lru_cache(maxsize=100_000)
def name_key(family: str | None, given: str | None) -> str:
    """The blocking key: ``"<family key> <first initial>"`` (folded, lower case).

    Examples
    --------
    >>> name_key("Piorunska-Stolzmann", "Maria"), name_key("王", "伟")
    ('piorunskastolzmann m', '王 伟')
    """
    first = given_tokens(given)
    initial = first[0][0] if first else ""
    return f"{family_key(family)} {initial}".strip()


@lru_cache(maxsize=100_000)
def spelt_out_family_key(family: str | None) -> str | None:
    """The family key with umlauts spelt out as German and Scandinavian spellings do
    when the letter is missing (ü → ue, ö and ø → oe, ä → ae, å → aa); None when the
    name has no such letter.

    Examples
    --------
    >>> (spelt_out_family_key("Flügel"), spelt_out_family_key("Sørensen"),
    ...  spelt_out_family_key("Smith"))
    ('fluegel', 'soerensen', None)
    """
    if not family:
        return None
    written = unicodedata.normalize("NFC", family)
    spelt = written.translate(_SPELT_OUT)
    return family_key(spelt) if spelt != written else None


def name_keys(family: str | None, given: str | None) -> tuple[str, ...]:
    """The blocking key and the keys of the same name written the other way round: an
    umlaut folded (``Flügel`` → ``flugel``) or spelt out (``FLUEGEL``). A name with an
    umlaut also looks in the spelt-out block; a name with ``ae``, ``oe``, ``ue`` or ``aa``
    also looks in the block those letters would fold to. Whether two names found that
    way are the same name is decided by :func:`same_family`.

    Examples
    --------
    >>> name_keys("Flügel", "K A"), name_keys("FLUEGEL", "KA"), name_keys("Smith", "J")
    (('flugel k', 'fluegel k'), ('fluegel k', 'flugel k'), ('smith j',))
    """
    key = name_key(family, given)
    folded = family_key(family)
    other = spelt_out_family_key(family) or (
        folded.replace("ae", "a").replace("oe", "o").replace("ue", "u").replace("aa", "a")
    )
    if not key or not other or other == folded:
        return (key,) if key else ()
    return (key, other + key[len(folded) :])  # the key is "<family key> <initial>"


def same_family(key_a: str, spelt_a: str | None, key_b: str, spelt_b: str | None) -> bool:
    """True when two family names are one name: equal keys, or one written with an
    umlaut and the other with it spelt out (``spelt_*``: :func:`spelt_out_family_key`).
    ``Müller``, ``Muller`` and ``Mueller`` are each the same as ``Müller``; ``Muller``
    and ``Mueller`` are not the same as each other.

    Examples
    --------
    >>> (same_family("flugel", "fluegel", "fluegel", None),
    ...  same_family("muller", None, "mueller", None))
    (True, False)
    """
    return (
        key_a == key_b
        or (spelt_a is not None and spelt_a == key_b)
        or (spelt_b is not None and spelt_b == key_a)
    )


def split_name(name: str) -> tuple[str, str]:
    """Split a one-string name into (family, given), guessing the order.

    "Family, Given" is explicit. Otherwise the family name is the last word, except when
    the last words are initials ("Nguyen Van A", "Smith JP") or the first word is written
    in capitals ("NGUYEN Van A"): then the family name comes first. Particles stay with
    the family name ("Ludwig van Beethoven").

    Examples
    --------
    >>> split_name("A. Nguyen"), split_name("Nguyen Van A"), split_name("Smith JP")
    (('Nguyen', 'A.'), ('Nguyen', 'Van A'), ('Smith', 'JP'))
    >>> split_name("Ludwig van Beethoven"), split_name("Dr. Jane Doe, MD")
    (('van Beethoven', 'Ludwig'), ('Doe', 'Jane'))
    """
    text = re.sub(
        r"\b(dr|prof|mr|mrs|ms|md|phd|mph|do|rn|np|pa|msc|bsc|facp|jr|sr)\b\.?",
        " ",
        name.strip(),
        flags=re.I,
    )
    text = re.sub(r"\s+", " ", text).strip(" ,")
    if "," in text:
        family, _, given = text.partition(",")
        return family.strip(), given.strip(" ,")
    words = text.split()
    if len(words) <= 1:
        return text, ""
    if is_cjk(text) and len(words) == 1:
        return text[0], text[1:]
    last = words[-1].rstrip(".")
    if (len(last) <= 2 or (last.isupper() and len(last) <= 3)) and last.isalpha():
        return words[0], " ".join(words[1:])
    first = words[0].rstrip(".")
    if first.isupper() and len(first) > 2 and not words[-1].isupper():
        return words[0], " ".join(words[1:])
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in PARTICLES:
        cut -= 1
    return " ".join(words[cut:]), " ".join(words[:cut])


def display_name(family: str | None, given: str | None) -> str:
    """ "Given Family" for display, exactly as written otherwise.

    Examples
    --------
    >>> display_name("Stenkamp", "Deborah L")
    'Deborah L Stenkamp'
    """
    return " ".join(p for p in ((given or "").strip(), (family or "").strip()) if p)
