"""Institution names from the affiliation strings of publications.

PubMed gives each author's affiliation as free text, and several habits of journals put
things in it that are not the institution:

* the author's e-mail address, often after ``Electronic address:``;
* the initials of the authors it applies to, in parentheses (``(A.L.)``,
  ``(N.K.J., H.W.)``), when one string lists every author's institution;
* a leading ``From the`` or footnote number (``1Department of ...``) and a trailing full
  stop;
* several institutions in one string, separated by semicolons.

:func:`institution_names` returns the institutions of one affiliation string without
them: one name per semicolon-separated part, and, when the parts are tagged with
initials and the author's own initials are among the tags, only the author's parts. The
raw string is still kept on the author's Mention (the resolver compares it, e-mail
included); what is shown as an institution, and what Institution nodes are named and
identified by, is the clean name.

Examples
--------
>>> institution_names("Montefiore Medical Center, New York (A.L.).")
['Montefiore Medical Center, New York']
>>> institution_names("Dept of Cardiology, Xijing Hospital, Xi'an, China. ab12@163.com.")
["Dept of Cardiology, Xijing Hospital, Xi'an, China"]
>>> institution_names("Univ X, Paris, France; INSERM U970, Paris, France. "
...                   "Electronic address: jean.dupont@inserm.fr.")
['Univ X, Paris, France', 'INSERM U970, Paris, France']
>>> institution_names("Rigshospitalet, Denmark (O.D.B.); Hospital Y, Milan, Italy (A.C.)",
...                   family="Colombo", given="Antonio")
['Hospital Y, Milan, Italy']
>>> institution_name("Institut Curie (CRCHUM), Paris, U.S.A.")
'Institut Curie (CRCHUM), Paris, U.S.A.'
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["clean_affiliation", "institution_name", "institution_names", "initials_tags"]

_EMAIL = re.compile(r"[^\s,;()<>]+@[^\s,;()<>]+")
_EMAIL_LABEL = re.compile(r"\b(?:electronic\s+address|e-?mail(?:\s+address)?)\s*:\s*$", re.I)
_INITIAL = r"[A-Z][a-z]?\.(?:\s?-?\s?[A-Za-z][a-z]?\.)*"  # "A.L.", "J.-P.B.", "N.v.R."
_TAG = re.compile(rf"\(\s*((?:and\s+)?{_INITIAL}(?:\s*(?:,|;|and|&)\s*{_INITIAL})*)\s*\)")
_NOT_INITIALS = {"USA", "US", "UK", "PR", "ROC", "UAE"}  # abbreviations written like initials
_LEADING = re.compile(r"^(?:from\s+the\s+|from\s+|and\s+the\s+|and\s+)", re.IGNORECASE)
_TRIM = " \t,.;:-"
_FOOTNOTE = re.compile(r"^\d{1,2}(?=[A-Z][a-z])")  # "1Department of ...": a footnote number
_LOOSE = re.compile(r"\s[,.;:]|[,;:]\s*[,.;:]")
_ABBREVIATION_END = re.compile(r"\b[A-Z]\.[A-Z]\.$")


def _letters(tag: str) -> str:
    return re.sub(r"[^A-Za-z]", "", tag).upper()


def initials_tags(text: str) -> list[set[str]]:
    """The initials groups in ``text``, each as a set of initials written as capitals only.

    >>> [sorted(g) for g in initials_tags("Hospital Y (A.C., F.G.) and Z (J.-P.B.), U.S.A.")]
    [['AC', 'FG'], ['JPB']]
    """
    groups = []
    for match in _TAG.finditer(text):
        found = {_letters(t) for t in re.split(r"\s*(?:,|;|\band\b|&)\s*", match.group(1))}
        found.discard("")
        if found and not found <= _NOT_INITIALS:
            groups.append(found)
    return groups


def clean_affiliation(text: str) -> str:
    """``text`` without e-mail addresses, initials groups, a leading "From the" and
    trailing punctuation; whitespace collapsed.

    >>> clean_affiliation("From the Department of Surgery (K.L.), Mayo Clinic, "
    ...                   "Rochester, MN. Electronic address: k.lee@mayo.edu.")
    'Department of Surgery, Mayo Clinic, Rochester, MN'
    >>> clean_affiliation("2Department of Pediatrics, Harvard Medical School, Boston, MA USA")
    'Department of Pediatrics, Harvard Medical School, Boston, MA USA'
    >>> clean_affiliation("2nd Department of Cardiology, Attikon University Hospital, Athens")
    '2nd Department of Cardiology, Attikon University Hospital, Athens'
    """
    if "@" in text:
        text = _EMAIL_LABEL.sub(" ", _EMAIL.sub(" ", text))
    if "(" in text:
        text = _TAG.sub(lambda m: m.group(0) if not initials_tags(m.group(0)) else " ", text)
    text = _FOOTNOTE.sub("", " ".join(text.split()))
    if _LOOSE.search(text):
        text = re.sub(r"\s+([,.;:])", r"\1", text)  # "Toronto , Canada" -> "Toronto, Canada"
        text = re.sub(r"([,;:])(?:\s*[,.;:])+", r"\1", text)  # "Canada, ." -> "Canada,"
    text = _trim(text)
    while text[:4].lower() in ("from", "and ") and _LEADING.match(text):
        text = _trim(_LEADING.sub("", text, count=1))
    return text


def _trim(text: str) -> str:
    """``text`` without punctuation at either end, but the full stop of a closing
    abbreviation such as ``U.S.A.``."""
    kept = text.strip(_TRIM)
    if _ABBREVIATION_END.search(text.rstrip(" \t,;:")):
        return text.lstrip(_TRIM).rstrip(" \t,;:")
    return kept


def _author_initials(family: str | None, given: str | None) -> set[str]:
    """How an initials group may write the author: given names' initials, then the family
    name's (each word, or its first letter only)."""
    if not family:
        return set()
    first = "".join(w[0] for w in re.split(r"[\s.\-]+", given or "") if w).upper()
    words = [w for w in re.split(r"[\s\-]+", family) if w]
    return {first + "".join(w[0] for w in words).upper(), first + family[0].upper()}


def institution_names(
    affiliation: str, family: str | None = None, given: str | None = None
) -> list[str]:
    """The institutions one affiliation string names, cleaned (:func:`clean_affiliation`),
    in order and without repeats. With the author's ``family`` and ``given`` names, parts
    tagged with initials keep only those tagged with the author's (all when none is)."""
    if ";" not in affiliation:  # one part: whoever the author is (the usual case)
        family = given = None
    return list(_names(affiliation, family, given))


@lru_cache(maxsize=100_000)
def _names(affiliation: str, family: str | None, given: str | None) -> tuple[str, ...]:
    parts = [p for p in affiliation.split(";") if p.strip()]
    mine = _author_initials(family, given)
    if mine and len(parts) > 1:
        own = [p for p in parts if any(mine & tags for tags in initials_tags(p))]
        parts = own or parts
    names: list[str] = []
    for part in parts:
        name = clean_affiliation(part)
        if name and name not in names:
            names.append(name)
    return tuple(names)


def institution_name(
    affiliation: str | None, family: str | None = None, given: str | None = None
) -> str | None:
    """The first of :func:`institution_names` (None for no or an empty affiliation)."""
    if not affiliation:
        return None
    names = institution_names(affiliation, family, given)
    return names[0] if names else None
