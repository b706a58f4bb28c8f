"""Places from addresses: the most specific place an address names, in English or Chinese, with the
places it lies in.

China's provinces, prefecture-level cities and counties come from cpca's list of administrative
divisions with their codes (its ``adcodes.csv``, read as a file), each by its full and short Chinese
name (``福建省``, ``福建``) and, for provinces and prefecture-level cities, the pinyin of the short one
(``Fujian``; ``Shaanxi`` and the common exonyms such as ``Inner Mongolia`` too); countries and their
first-level subdivisions elsewhere from pycountry (names compared without accents: ``Bac Ninh``).

An address is read as its parts (its comma-separated parts; in Chinese, the names that follow one
another from its start), each part giving the places it may name; a part with a street word
(``Road``, ``路``) names a street, not a place (``Nanjing Road`` is in Shanghai). The answer is the
place that agrees with most parts, the deeper on a tie, so ``Suzhou, Jiangsu`` is 苏州 in Jiangsu
and not 宿州 in Anhui; when places that agree equally remain, the answer is the deepest place they
all lie in (``Suzhou`` alone is in China, no further), never a guess.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..names import divisions, short_division_name
from ..vocab import CG, PLACE_CLASS_BY_KIND

__all__ = ["DEPTH", "NewPlace", "Place", "created_place_names", "fold", "lineage", "place_named", "place_names"]

#: How deep each kind of place lies (a county in a prefecture-level city in a province in a country).
DEPTH = {"country": 0, "province": 1, "prefecture": 2, "county": 3}

#: Entries of the divisions list that are no place of their own.
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
#: English names of provinces that are not the pinyin of their Chinese names, or besides it.
_EXONYMS = {
    "陕西": ("Shaanxi",),
    "内蒙古": ("Inner Mongolia", "Nei Mongol"),
    "西藏": ("Tibet", "Xizang"),
    "香港": ("Hong Kong",),
    "澳门": ("Macau", "Macao"),
    "台湾": ("Taiwan",),
}
#: Words of a Latin address that say what kind of place follows or precedes, not which one.
_KIND_WORDS = frozenset(
    [
        "shi",
        "city",
        "province",
        "sheng",
        "prefecture",
        "district",
        "county",
        "qu",
        "xian",
        "municipality",
        "autonomous",
        "region",
        "zizhiqu",
        "special",
        "administrative",
        "sar",
        "pr",
        "prc",
        "of",
        "the",
    ]
)
#: Words that make a part of an address a street, a building or a number, never a place.
_STREET_WORDS = frozenset(
    [
        "road",
        "rd",
        "street",
        "st",
        "avenue",
        "ave",
        "lane",
        "ln",
        "lu",
        "jie",
        "dadao",
        "boulevard",
        "blvd",
        "highway",
        "hwy",
        "building",
        "bldg",
        "floor",
        "fl",
        "room",
        "rm",
        "no",
        "park",
        "zone",
        "industrial",
        "village",
        "town",
        "zhen",
        "cun",
        "xiang",
        "unit",
        "block",
    ]
)
_STREET_CHINESE = re.compile("[路街道巷弄号楼室村镇乡园]")
_CHINA = "CN"


@dataclass(frozen=True)
class Place:
    """A place of the gazetteer: ``key`` (``CN-350902``, ``VN``, ``VN-56``), its names, its kind
    (``country``, ``province``, ``prefecture`` or ``county``), the code its list gives (the Chinese
    division code, ``350902``; the ISO 3166 code elsewhere) and the place it lies in."""

    key: str
    name_en: str
    name_zh: str
    kind: str
    code: str
    parent: str | None
    #: Other names it goes by (``Viet Nam`` beside ``Vietnam``; ``Tibet`` beside ``Xizang``).
    aliases: tuple[str, ...] = ()

    @property
    def depth(self) -> int:
        return DEPTH[self.kind]


class _Gazetteer:
    def __init__(self) -> None:
        self.places: dict[str, Place] = {}
        #: Chinese names (full and short) -> keys; short county names only below their city.
        self.chinese: dict[str, set[str]] = {}
        self.county_short: dict[str, set[str]] = {}
        #: Latin names, folded (lower case, no accents, no spaces) -> keys.
        self.latin: dict[str, set[str]] = {}
        #: Counties' Latin (pinyin) names, folded -> keys: many counties share one (Gulou, Huangpu),
        #: so one names a county only beside its city or province.
        self.latin_county: dict[str, set[str]] = {}
        self._read_china()
        self._read_countries()
        self.longest_chinese = max((len(name) for name in self.chinese), default=1)

    def _add_latin(self, name: str, key: str) -> None:
        folded = fold(name).replace(" ", "")
        if folded:
            self.latin.setdefault(folded, set()).add(key)

    def _read_china(self) -> None:
        from pypinyin import lazy_pinyin

        rows = divisions()
        names = {code: name for code, name in rows}
        self.places[_CHINA] = Place(_CHINA, "China", "中国", "country", "CN", None, ("People's Republic of China",))
        self.chinese.setdefault("中国", set()).add(_CHINA)
        for code, name in rows:
            if name in _PLACEHOLDERS:
                continue
            if code.endswith("0000000000"):
                kind, parent = "province", _CHINA
            elif code.endswith("00000000"):
                kind, parent = "prefecture", f"CN-{code[:2]}0000"
            elif code.endswith("000000"):
                city = code[:4] + "00000000"
                kind = "county"
                parent = f"CN-{code[:4]}00" if names.get(city, "市辖区") not in _PLACEHOLDERS else f"CN-{code[:2]}0000"
            else:
                continue
            key = f"CN-{code[:6]}"
            short = short_division_name(name)
            english = "".join(lazy_pinyin(short)).capitalize()
            english = _EXONYMS.get(short, (english,))[0]
            aliases = tuple(alias for alias in _EXONYMS.get(short, ()) if alias != english)
            self.places[key] = Place(key, english, name, kind, code[:6], parent, aliases)
            self.chinese.setdefault(name, set()).add(key)
            if kind == "county":
                self.county_short.setdefault(short, set()).add(key)
                for spelled in _readings(short):  # 朝阳 is Chaoyang, though pypinyin says zhao first
                    self.latin_county.setdefault(spelled, set()).add(key)
            elif len(short) >= 2:
                self.chinese.setdefault(short, set()).add(key)
                self._add_latin(english, key)
                for alias in _EXONYMS.get(short, ()):
                    self._add_latin(alias, key)

    def _read_countries(self) -> None:
        import pycountry

        chinese = _country_names_in_chinese()
        for country in pycountry.countries:
            key = country.alpha_2
            spellings = [
                spelled
                for spelled in (
                    country.name,
                    getattr(country, "common_name", None),
                    getattr(country, "official_name", None),
                )
                if spelled
            ]
            if key != _CHINA:
                name = getattr(country, "common_name", None) or country.name
                aliases = tuple(dict.fromkeys(spelled for spelled in spellings if spelled != name))
                zh = "" if key in _CHINESE_DIVISIONS else chinese(country.name)
                self.places[key] = Place(key, name, zh, "country", key, None, aliases)
                for spelled in {chinese(spelled) for spelled in spellings} - {""} if zh else ():
                    self.chinese.setdefault(spelled, set()).add(key)  # 越南, 美国, 大韩民国 ...
            for spelled in spellings:
                self._add_latin(spelled, key)
        for alias, key in _CHINESE_COUNTRY_ALIASES.items():
            self.chinese.setdefault(alias, set()).add(key)
        for alias, key in (("vietnam", "VN"), ("usa", "US"), ("uk", "GB"), ("south korea", "KR"), ("prc", _CHINA)):
            self._add_latin(alias, key)

    @functools.cached_property
    def subdivisions(self) -> dict[str, dict[str, set[str]]]:
        """Country -> folded name -> keys of its first-level subdivisions (China's come from cpca)."""
        import pycountry

        found: dict[str, dict[str, set[str]]] = {}
        for division in pycountry.subdivisions:
            country = division.country_code
            if country == _CHINA or division.parent_code is not None:
                continue
            self.places.setdefault(
                division.code, Place(division.code, division.name, "", "province", division.code, country)
            )
            found.setdefault(country, {}).setdefault(fold(division.name).replace(" ", ""), set()).add(division.code)
        return found

    def ancestors(self, key: str) -> list[str]:
        """``key`` and the places it lies in, itself first."""
        chain = []
        current: str | None = key
        while current is not None and current not in chain:
            chain.append(current)
            current = self.places[current].parent if current in self.places else None
        return chain


#: Places pycountry lists as countries that China's list of divisions holds (台湾, 香港, 澳门).
_CHINESE_DIVISIONS = frozenset({"TW", "HK", "MO"})
#: Short Chinese names in common use beside the ISO list's translations (大韩民国 is 韩国 ...).
_CHINESE_COUNTRY_ALIASES = {"韩国": "KR", "南韩": "KR", "朝鲜": "KP", "俄罗斯": "RU", "老挝": "LA"}


def _country_names_in_chinese():
    """A function from a country's ISO 3166 English name to its name in simplified Chinese, by
    the translations pycountry ships (the iso-codes project's); ``""`` where there is none."""
    import gettext

    import pycountry

    try:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    except OSError:  # a pycountry without its translations: Latin names only
        return lambda name: ""

    def chinese(name: str | None) -> str:
        translated = translation.gettext(name) if name else ""
        return translated if translated and translated != name and re.search(r"[\u3400-\u9fff]", translated) else ""

    return chinese


@functools.lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    return _Gazetteer()


def fold(text: str) -> str:
    """Lower case without accents, punctuation as spaces: ``Bắc Ninh`` -> ``bac ninh``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def _chinese_parts(text: str, gazetteer: _Gazetteer) -> list[set[str]]:
    """The places each name of a Chinese address may be, from its start: the longest name at each
    position; the reading stops at the first stretch that names nothing (the street and number)."""
    parts: list[set[str]] = []
    position, found_any = 0, False
    compact = re.sub(r"[\s,，、·()（）]+", "", text)
    provinces: set[str] = set()  # the provinces (``CN-35``) the names read so far lie in
    while position < len(compact):
        match = None
        for length in range(min(gazetteer.longest_chinese, len(compact) - position), 1, -1):
            word = compact[position : position + length]
            keys = gazetteer.chinese.get(word)
            if keys is None and parts:
                # a county's short name, only where a city or province of it came before
                keys = {key for key in gazetteer.county_short.get(word, ()) if key[:5] in provinces} or None
            if keys:
                match = (length, keys)
                break
        if match is None:
            if found_any:
                break
            position += 1
            continue
        length, keys = match
        if _STREET_CHINESE.match(compact[position + length : position + length + 1] or "x") and found_any:
            break  # 南京路: a street named after a place
        parts.append(set(keys))
        provinces.update(key[:5] for key in keys)
        found_any = True
        position += length
    return parts


#: At most this many pinyin readings of a county's name are indexed (its characters' readings combined).
MAX_READINGS = 16


def _readings(name: str) -> list[str]:
    """Every pinyin spelling of ``name`` its characters' readings give (up to :data:`MAX_READINGS`),
    folded: a character with two readings (朝: zhao, chao) gives both spellings."""
    import itertools

    from pypinyin import Style, pinyin

    choices = [sorted(set(readings)) for readings in pinyin(name, style=Style.NORMAL, heteronym=True)]
    return ["".join(combination) for combination in itertools.islice(itertools.product(*choices), MAX_READINGS)]


def _latin_parts(text: str, gazetteer: _Gazetteer) -> list[set[str]]:
    """The places each comma-separated part of a Latin address may be (a part that is a street,
    a building or a number names none)."""
    countries: set[str] = set()
    words_of_parts = []
    for part in re.split(r"[,;/\n]+", text):
        words = re.sub(r"\bnew area\b", " ", fold(part)).split()  # 新区: Pudong New Area is Pudong
        if not words or any(word in _STREET_WORDS for word in words) or any(word.isdigit() for word in words):
            continue
        words = [word for word in words if word not in _KIND_WORDS]
        if words:
            words_of_parts.append(words)
    for words in words_of_parts:
        joined = "".join(words)
        keys = gazetteer.latin.get(joined)
        if keys and all(gazetteer.places[key].kind == "country" for key in keys):
            countries |= keys
    found: list[set[str]] = []
    for words in words_of_parts:
        joined = "".join(words)
        keys = set(gazetteer.latin.get(joined, ()))
        for country in countries - {_CHINA}:
            keys |= gazetteer.subdivisions.get(country, {}).get(joined, set())
        if countries - {_CHINA}:  # a country other than China: no Chinese division
            keys = {key for key in keys if not key.startswith("CN")}
        found.append(keys)
    if not countries - {_CHINA}:
        # A county by its pinyin name, only where another part names its city or province.
        named = {key for keys in found for key in keys}
        for words, keys in zip(words_of_parts, found, strict=True):
            counties = gazetteer.latin_county.get("".join(words), set())
            keys |= {key for key in counties if named & set(gazetteer.ancestors(key)[1:])}
    return [keys for keys in found if keys]


@functools.lru_cache(maxsize=1 << 16)
def place_named(text: str) -> Place | None:
    """The most specific place ``text`` (an address, or a place's name) names, or ``None``.

    >>> place_named("福建省宁德市蕉城区漳湾镇新港路2号").name_zh
    '蕉城区'
    >>> place_named("Suzhou, Jiangsu, China").name_zh, place_named("Suzhou").key
    ('苏州市', 'CN')
    >>> place_named("No. 8 Nanjing Road, Huangpu District, Shanghai Shi").name_zh
    '黄浦区'
    >>> place_named("Bac Ninh, Viet Nam").key, place_named("Acme Cells") is None
    ('VN-56', True)
    """
    gazetteer = _gazetteer()
    chinese = re.search(r"[\u3400-\u9fff]", text) is not None
    parts = _chinese_parts(text, gazetteer) if chinese else _latin_parts(text, gazetteer)
    return _agreed(parts, gazetteer)


def _agreed(parts: list[set[str]], gazetteer: _Gazetteer) -> Place | None:
    """The place most parts agree with (a part agrees with a place it names or one it lies in),
    the deeper on a tie; of several such, the deepest place they all lie in."""
    candidates = {key for part in parts for key in part}
    if not candidates:
        return None
    scored = []
    for key in candidates:
        lineage = set(gazetteer.ancestors(key))
        agreeing = sum(1 for part in parts if part & lineage)
        scored.append((agreeing, gazetteer.places[key].depth, key))
    best_score, best_depth = max((score, depth) for score, depth, _ in scored)
    best = [key for score, depth, key in scored if (score, depth) == (best_score, best_depth)]
    if len(best) == 1:
        return gazetteer.places[best[0]]
    shared = _common_ancestor(best, gazetteer)
    return gazetteer.places[shared] if shared is not None else None


def _common_ancestor(keys: Iterable[str], gazetteer: _Gazetteer) -> str | None:
    lineages = [gazetteer.ancestors(key) for key in keys]
    shared = set(lineages[0]).intersection(*map(set, lineages[1:]))
    return max(shared, key=lambda key: gazetteer.places[key].depth) if shared else None


def lineage(place: Place) -> list[Place]:
    """The place and those it lies in, the country first."""
    gazetteer = _gazetteer()
    return [gazetteer.places[key] for key in reversed(gazetteer.ancestors(place.key))]


@dataclass(frozen=True)
class NewPlace:
    """A place a sheet's cell created, for the reader to state: its IRI, English and Chinese
    names, kind (``country``, ``province``, ``prefecture``, ``county``; ``None`` for a place known
    by its name only), the place it lies in and its code in the list it comes from."""

    iri: str
    label: str
    label_zh: str
    kind: str | None
    parent: str | None
    code: str | None
    aliases: tuple[str, ...] = ()

    @property
    def place_class(self) -> str:
        """The class a reader states: a county-level city (晋江市) apart from other counties."""
        if self.kind == "county" and self.label_zh.endswith("市"):
            return str(CG.CountyLevelCity)
        return str(PLACE_CLASS_BY_KIND.get(self.kind or "", CG.Place))


def place_names(place: NewPlace) -> list[str]:
    """The names a created place is found by (``--region``): its English name, its Chinese name
    and that name's short form (江苏省, 江苏), and its other names (Viet Nam, Tibet)."""
    names = [place.label]
    for name in (place.label_zh, short_division_name(place.label_zh) if place.label_zh else "", *place.aliases):
        if name and name not in names:
            names.append(name)
    return names


def created_place_names(created: Sequence[NewPlace], iri: str, cell: str) -> dict[str, list[str]]:
    """The names each place a cell created is found by (:func:`place_names`), the cell as
    written among them when the place it named (``iri``) is one of those created."""
    names = {place.iri: place_names(place) for place in created}
    if iri in names and cell not in names[iri]:
        names[iri].append(cell)
    return names
