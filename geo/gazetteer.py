"""Offline gazetteer: German postal codes, town names and city districts, behind geopy's API.

It answers at once and never touches the network, so forms can place a record while the user
waits. It knows only what is in ``geo/data/`` (see the README there): every German postal code
with its town (GeoNames) and the districts of the cities listed in ``districts.tsv``. Street
addresses are placed at their postal code, district or town; refining them is the caller's job.

Adding a city means adding its rows to ``districts.tsv``; nothing here is specific to one city.
"""

from __future__ import annotations

import csv
import functools
import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

DATA_DIR = Path(__file__).parent / "data"
POSTAL_CODES_FILE = "geonames-postal-de.tsv"
DISTRICTS_FILE = "districts.tsv"

# GeoNames gives about half of Leipzig's codes this city-wide point instead of their own.
KNOWN_PLACEHOLDERS: tuple[tuple[float, float], ...] = ((51.3667, 12.3833),)
PLACEHOLDER_TOLERANCE = 0.0005
# Other cities have the same defect (Dresden 51.05/13.75, Stuttgart, München ...): one point
# shared by this many codes of one town cannot be their centroid. Those codes are fixed the same
# way as soon as districts.tsv lists districts serving them.
PLACEHOLDER_MIN_CODES = 3

# Same-named towns in one state (there are many "Neuhof"s) must not be averaged into a point
# somewhere between them; the postal code points of one town are much closer than this.
TOWN_CLUSTER_KM = 15.0
# A postal code and a district named in the same query describe the same area if this close.
CODE_DISTRICT_KM = 3.0

# GeoNames uses English state names on company rows; results always carry the German name.
_STATE_NAMES = {
    "Bavaria": "Bayern",
    "Land Berlin": "Berlin",
    "Lower Saxony": "Niedersachsen",
    "Mecklenburg-Western Pomerania": "Mecklenburg-Vorpommern",
    "Saxony": "Sachsen",
    "Saxony-Anhalt": "Sachsen-Anhalt",
    "Thuringia": "Thüringen",
}

# Parts of district names too generic to identify a district on their own ("Mitte" is in
# Grünau-Mitte and Gohlis-Mitte); they still match as a whole name ("Zentrum").
_GENERIC_PARTS = frozenset(
    {"nord", "sued", "ost", "west", "mitte", "nordost", "nordwest", "suedost", "suedwest"}
    | {"zentrum", "alt", "neu", "am", "an", "der", "die", "das", "im", "in", "bei", "ob"}
    | {"unter", "ober", "nieder", "gross", "klein", "sankt", "st."}
)
_COUNTRY_WORDS = frozenset({"deutschland", "germany", "de", "d", "brd"})

# Not part of a decimal number ("51.34567" is a coordinate, not a postal code).
_CODE_RE = re.compile(r"(?<![\d.])(?:d-|de-)?(\d{5})(?!\d|[.,]\d)", re.IGNORECASE)
# A postal code that lost its leading zero in a spreadsheet ("4229 Leipzig").
_SHORT_CODE_RE = re.compile(r"(?<![\w.,-])(\d{4})(?![\w.,-])")
# A house number ("12", "12a", "12-14"); the text before it is a street name.
_HOUSE_NUMBER_RE = re.compile(
    r"(?<!\w)\d{1,4}\s?[a-z]?(?:\s?[-/]\s?\d{1,4}\s?[a-z]?)?(?!\w)", re.IGNORECASE
)
_SEGMENT_SPLIT_RE = re.compile(r"[,;/|\n]+")
_WORD_GAP_RE = re.compile(r"[-\s]")
# "Frankfurt am Main", "Halle (Saale)", "Weil am Rhein": people often leave the qualifier out.
_QUALIFIER_RE = re.compile(
    r"(?:\s*\(.*\)|\s+(?:am|an der|an den|in der|im|in|ob der|bei|vor der|a\.|i\.)\s.+)$"
)
_DASHES_RE = re.compile(r"[\u2010-\u2015\u2212]")
_HYPHEN_SPACE_RE = re.compile(r"\s*-\s*")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})

_Row = tuple[str, str, float, float, bool]  # place, state, lat, lon, is_company


def normalise(text: str) -> str:
    """Comparison key: casefolded, umlauts spelt out, single spaces, plain hyphens.

    "Grünau", "GRUENAU" and "grünau" all give "gruenau", so users can type without umlauts.
    """
    text = unicodedata.normalize("NFC", text).casefold().translate(_UMLAUTS)
    if not text.isascii():
        # Other accents (é, à) are dropped rather than spelt out; nobody types them consistently.
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
        text = _DASHES_RE.sub("-", text)
    text = " ".join(text.split())
    return _HYPHEN_SPACE_RE.sub("-", text) if "-" in text else text


# Loading normalises the same town names thousands of times; user input goes to normalise().
_key = functools.lru_cache(maxsize=65536)(normalise)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _flat_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: within a few per cent of haversine at these distances and
    several times cheaper, for the many comparisons made while loading."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 111.195 * math.hypot(x, lat2 - lat1)


@dataclass(frozen=True)
class District:
    city: str
    district: str
    borough: str | None
    lat: float
    lon: float
    postal_codes: tuple[str, ...]


@dataclass(frozen=True)
class PostalArea:
    code: str
    place: str
    state: str
    lat: float
    lon: float


@dataclass(frozen=True)
class _Town:
    """One town: same name, same state, postal code points close together."""

    name: str
    state: str
    lat: float
    lon: float
    codes: tuple[str, ...]


@dataclass(frozen=True)
class _Hit:
    precision: str
    lat: float
    lon: float
    place: str
    postal_code: str | None = None
    district: str | None = None
    city: str | None = None
    state: str | None = None
    label: str = ""


@dataclass(frozen=True)
class _Segment:
    text: str  # as written, trimmed
    key: str  # normalised


def _mean(points: Iterable[tuple[float, float]]) -> tuple[float, float]:
    pts = list(points)
    if len(pts) == 1:
        return pts[0]
    lats, lons = zip(*pts, strict=True)
    return round(sum(lats) / len(lats), 5), round(sum(lons) / len(lons), 5)


def _most_common(values: list[str]) -> str:
    return values[0] if len(values) == 1 else Counter(values).most_common(1)[0][0]


def _base_name(key: str) -> str:
    """ "frankfurt am main" -> "frankfurt", "halle (saale)" -> "halle"."""
    return _QUALIFIER_RE.sub("", key).strip() or key


def _name_parts(key: str) -> set[str]:
    return {p for p in re.split(r"[-\s]+", key) if len(p) >= 3 and p not in _GENERIC_PARTS}


class _OfflineAdapter(BaseSyncAdapter):
    """geopy wants an HTTP adapter; this one refuses, so the gazetteer can never go online."""

    def get_json(self, url, *, timeout, headers):
        raise GeocoderServiceError("The offline gazetteer makes no network requests.")

    def get_text(self, url, *, timeout, headers):
        raise GeocoderServiceError("The offline gazetteer makes no network requests.")


class _Data:
    """Everything parsed from geo/data, built once per Gazetteer."""

    def __init__(self, data_dir: Path) -> None:
        self.districts = _read_districts(data_dir / DISTRICTS_FILE)
        self.districts_by_city: dict[str, list[District]] = defaultdict(list)
        self.districts_by_code: dict[str, list[District]] = defaultdict(list)
        for d in self.districts:
            self.districts_by_city[_key(d.city)].append(d)
            for code in d.postal_codes:
                self.districts_by_code[code].append(d)
        self.placeholder_codes_fixed: list[str] = []
        self.placeholder_codes_left: list[str] = []

        rows_by_code = _read_postal_rows(data_dir / POSTAL_CODES_FILE)
        self.regular_names = {
            _key(r[0]) for rows in rows_by_code.values() for r in rows if not r[4]
        }
        # The rows that describe a code: companies only if there is nothing else.
        code_rows = {
            code: [r for r in rows if not r[4]] or rows for code, rows in rows_by_code.items()
        }
        code_point = {code: _mean((r[2], r[3]) for r in rows) for code, rows in code_rows.items()}
        fixed = self._fix_placeholders(code_rows, code_point)
        code_point.update(fixed)

        self._build_towns(rows_by_code, fixed)
        self._build_subplaces()
        self.code_rows, self.code_point = code_rows, code_point
        self._areas: dict[str, PostalArea] = {}
        self._grid: _Grid | None = None
        states = {r[1] for rows in code_rows.values() for r in rows if r[1]}
        self.states = {_key(s): s for s in states}
        self.states.update({_key(en): de for en, de in _STATE_NAMES.items()})

    def _fix_placeholders(
        self, code_rows: dict[str, list[_Row]], code_point: dict[str, tuple[float, float]]
    ) -> dict[str, tuple[float, float]]:
        """Replace city-wide placeholder points by the mean of the districts a code serves."""
        shared: dict[tuple[str, tuple[float, float]], set[str]] = defaultdict(set)
        for code, rows in code_rows.items():
            if not rows[0][4]:
                shared[(_key(rows[0][0]), code_point[code])].add(code)
        detected = {p for (_, p), codes in shared.items() if len(codes) >= PLACEHOLDER_MIN_CODES}

        def is_placeholder(point: tuple[float, float]) -> bool:
            return point in detected or any(
                abs(point[0] - lat) <= PLACEHOLDER_TOLERANCE
                and abs(point[1] - lon) <= PLACEHOLDER_TOLERANCE
                for lat, lon in KNOWN_PLACEHOLDERS
            )

        fixed: dict[str, tuple[float, float]] = {}
        for code, point in code_point.items():
            if not is_placeholder(point):
                continue
            serving = self.districts_by_code.get(code)
            if serving:
                fixed[code] = _mean((d.lat, d.lon) for d in serving)
                self.placeholder_codes_fixed.append(code)
            else:
                self.placeholder_codes_left.append(code)
        return fixed

    def _build_towns(
        self, rows_by_code: dict[str, list[_Row]], fixed: dict[str, tuple[float, float]]
    ) -> None:
        # Rows whose name is a place name. A few places carry accuracy 0 like companies
        # (Halle 06120, Kiel, Potsdam ...); they count because the name is a place elsewhere.
        by_town: dict[tuple[str, str], dict[str, list[tuple[float, float]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        spelling: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for code, rows in rows_by_code.items():
            for place, state, lat, lon, _company in rows:
                key = _key(place)
                if key in self.regular_names:
                    by_town[(key, state)][code].append(fixed.get(code, (lat, lon)))
                    spelling[(key, state)][place] += 1

        self.towns: dict[str, list[_Town]] = defaultdict(list)
        for (key, state), by_code in by_town.items():
            name = spelling[(key, state)].most_common(1)[0][0]
            points = {code: _mean(pts) for code, pts in by_code.items()}
            for cluster in _cluster(points, TOWN_CLUSTER_KM):
                lat, lon = _mean(points[c] for c in cluster)
                self.towns[key].append(_Town(name, state, lat, lon, tuple(sorted(cluster))))
        self.towns_by_base: dict[str, list[_Town]] = defaultdict(list)
        for key, towns in self.towns.items():
            self.towns_by_base[_base_name(key)].extend(towns)
        # The town with most postal codes is what people mean by an ambiguous name.
        for towns in (*self.towns.values(), *self.towns_by_base.values()):
            towns.sort(key=lambda t: (-len(t.codes), t.state, t.lat))

    def _build_subplaces(self) -> None:
        # "Hamburg Altona-Nord", "Dresden Striesen": GeoNames names parts of some cities.
        # They stand in for districts of cities that districts.tsv does not (yet) cover.
        self.subplaces: dict[str, list[District]] = defaultdict(list)
        for key, towns in self.towns.items():
            words = key.split(" ")
            for n in range(1, len(words)):
                head = " ".join(words[:n])
                if head not in self.towns:
                    continue
                for town in towns:
                    written = town.name.split()
                    self.subplaces[head].append(
                        District(
                            city=" ".join(written[:n]),
                            district=" ".join(written[n:]),
                            borough=None,
                            lat=town.lat,
                            lon=town.lon,
                            postal_codes=town.codes,
                        )
                    )
                break

    def postal_area(self, code: str) -> PostalArea | None:
        # Built on demand: naming the towns of 2,600 company codes would slow loading down.
        area = self._areas.get(code)
        if area is None and code in self.code_rows:
            rows = self.code_rows[code]
            lat, lon = self.code_point[code]
            place = _most_common([r[0] for r in rows])
            if _key(place) not in self.regular_names:
                # A company's own code: "place" must name a town, so take the nearest one.
                place = self._town_grid().nearest(lat, lon) or place
            state = _most_common([r[1] for r in rows])
            area = self._areas[code] = PostalArea(code, place, state, lat, lon)
        return area

    def _town_grid(self) -> _Grid:
        if self._grid is None:
            grid = _Grid()
            for code, rows in self.code_rows.items():
                if not rows[0][4]:
                    grid.add(self.code_point[code], rows[0][0])
            self._grid = grid
        return self._grid


def _read_districts(path: Path) -> list[District]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            District(
                city=row["city"].strip(),
                district=row["district"].strip(),
                borough=(row.get("borough") or "").strip() or None,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                postal_codes=tuple((row.get("postal_codes") or "").split()),
            )
            for row in csv.DictReader(fh, delimiter="\t")
            if (row.get("district") or "").strip()
        ]


def _read_postal_rows(path: Path) -> dict[str, list[_Row]]:
    rows_by_code: dict[str, list[_Row]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader)
        for code, place, state, lat, lon, accuracy in reader:
            # Accuracy 0 marks the codes of large customers (companies, authorities), whose
            # "place" is the organisation's name; a few real places carry it too.
            company = float(accuracy or 0) == 0
            state = _STATE_NAMES.get(state, state)
            rows_by_code[code].append((place, state, float(lat), float(lon), company))
    return rows_by_code


def _cluster(points: dict[str, tuple[float, float]], max_km: float) -> list[list[str]]:
    """Single-linkage clusters of postal code points (few points per name, so O(n²) is fine)."""
    remaining = list(points)
    clusters = []
    while remaining:
        cluster = [remaining.pop()]
        i = 0
        while i < len(cluster):
            lat, lon = points[cluster[i]]
            near = {c for c in remaining if _flat_km(lat, lon, *points[c]) <= max_km}
            if near:
                remaining = [c for c in remaining if c not in near]
                cluster.extend(near)
            i += 1
        clusters.append(cluster)
    return clusters


class _Grid:
    """Nearest-point lookup on a 0.1° grid, to name the town of each company code quickly."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, str]]] = defaultdict(list)

    def add(self, point: tuple[float, float], name: str) -> None:
        self.cells[(int(point[0] * 10), int(point[1] * 10))].append((*point, name))

    def nearest(self, lat: float, lon: float) -> str | None:
        ci, cj = int(lat * 10), int(lon * 10)
        best: tuple[float, str] | None = None
        found_at = None
        for radius in range(8):
            for i in range(-radius, radius + 1):
                for j in range(-radius, radius + 1):
                    if max(abs(i), abs(j)) != radius:
                        continue
                    for plat, plon, name in self.cells.get((ci + i, cj + j), ()):
                        dist = _flat_km(lat, lon, plat, plon)
                        if best is None or dist < best[0]:
                            best = (dist, name)
            # One more ring after the first find: a point in the next ring can still be nearer.
            if best is not None and found_at is None:
                found_at = radius
            elif found_at is not None:
                break
        return best[1] if best else None


class Gazetteer(Geocoder):
    """Offline geocoder for German postal codes, towns and city districts."""

    def __init__(self, data_dir: Path | None = None) -> None:
        super().__init__(user_agent="willkommen-offline-gazetteer", adapter_factory=_OfflineAdapter)
        self.data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
        self._loaded: _Data | None = None
        self._lock = threading.Lock()

    @property
    def _data(self) -> _Data:
        # Loaded on first use, not on import or construction: management commands and
        # migrations that never geocode should not pay for it.
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = _Data(self.data_dir)
        return self._loaded

    @property
    def districts(self) -> list[District]:
        """All districts from districts.tsv, in file order."""
        return list(self._data.districts)

    @property
    def placeholder_stats(self) -> dict[str, list[str]]:
        """Postal codes whose placeholder point was replaced, and those still carrying one."""
        return {
            "fixed": list(self._data.placeholder_codes_fixed),
            "left": list(self._data.placeholder_codes_left),
        }

    # -- public lookups -------------------------------------------------------------------

    def postal_code(self, code: str) -> PostalArea | None:
        code = code.strip()
        if code.isdigit() and len(code) == 4:
            code = "0" + code  # lost its leading zero in a spreadsheet
        return self._data.postal_area(code)

    def nearest_district(self, lat: float, lon: float, max_km: float = 3.0) -> District | None:
        scored = [(haversine_km(lat, lon, d.lat, d.lon), d) for d in self._data.districts]
        if not scored:
            return None
        dist, best = min(scored, key=lambda pair: pair[0])
        return best if dist <= max_km else None

    def geocode(
        self, query: str, *, exactly_one: bool = True, timeout=None
    ) -> Location | list[Location] | None:
        """Place the postal code, district or town named in ``query``; street parts are ignored.

        ``raw`` holds precision ("postal_code" | "district" | "place"), postal_code, place,
        district, city (the city a district belongs to) and state. With ``exactly_one=False``
        the other readings of an ambiguous query follow the best one.
        """
        hits = self._resolve(query or "")
        if not hits:
            return None
        locations = [_location(h) for h in _unique(hits)]
        return locations[0] if exactly_one else locations

    # -- resolution -----------------------------------------------------------------------

    def _resolve(self, query: str) -> list[_Hit]:
        text = " ".join(query.split())
        if not text:
            return []
        data = self._data
        codes, text = self._extract_codes(text)
        segments = self._segments(text)
        # "Halle, Sachsen-Anhalt": a state only narrows the choice, it is not a place.
        states = {data.states[s.key] for s in segments if s.key in data.states}
        segments = [s for s in segments if s.key not in data.states and s.key not in _COUNTRY_WORDS]
        if codes:
            return self._resolve_code(codes, segments)
        return self._resolve_names(text, segments, states)

    def _extract_codes(self, text: str) -> tuple[list[str], str]:
        """Postal codes in the query and the text without them."""
        codes = _CODE_RE.findall(text)
        text = _CODE_RE.sub(" ", text)
        if not codes:
            # "4229 Leipzig": take the padded code only if the query also names its town.
            key = normalise(text)
            for short in _SHORT_CODE_RE.findall(text):
                area = self._data.postal_area("0" + short)
                if area and _key(area.place) in key:
                    return ["0" + short], text.replace(short, " ", 1)
        return codes, text

    @staticmethod
    def _segments(text: str) -> list[_Segment]:
        segments = []
        for part in _SEGMENT_SPLIT_RE.split(text):
            # "Karl-Heine-Straße 12 Leipzig": the street comes before the house number.
            part = _HOUSE_NUMBER_RE.split(part)[-1].strip(" .-()\t")
            if part:
                segments.append(_Segment(part, normalise(part)))
        return segments

    def _resolve_code(self, codes: list[str], segments: list[_Segment]) -> list[_Hit]:
        data = self._data
        areas = [a for a in map(data.postal_area, codes) if a is not None]
        if not areas:
            # An unknown code is most likely a typo; a same-named town elsewhere would be
            # a silent error, so the caller gets to ask the user instead.
            return []
        area = areas[0]
        code_hit = _Hit(
            precision="postal_code",
            lat=area.lat,
            lon=area.lon,
            place=area.place,
            postal_code=area.code,
            state=area.state or None,
            label=f"{area.code} {area.place}",
        )
        city = self._city_in(segments)
        if city is None and self._city_pool(_key(area.place)):
            city = _key(area.place)
        for hit, members in self._district_candidates(segments, city):
            # A district refines the code only if both describe the same area.
            serving = [d for d in members if area.code in d.postal_codes]
            if serving and serving != members:
                hit = self._district_hit(serving, hit.district if len(serving) > 1 else None)
            if serving or haversine_km(hit.lat, hit.lon, area.lat, area.lon) <= CODE_DISTRICT_KM:
                return [replace(hit, postal_code=area.code), code_hit]
        return [code_hit]

    def _resolve_names(self, text: str, segments: list[_Segment], states: set[str]) -> list[_Hit]:
        city = self._city_in(segments)
        hits = [hit for hit, _ in self._district_candidates(segments, city)]
        if states:
            hits = [h for h in hits if h.state in states]
        # Towns: the whole query first (a name may contain a comma), then segments, longest first.
        whole = normalise(text)
        keys = [whole] + sorted((s.key for s in segments), key=len, reverse=True)
        if whole.count("/") == 1 and "," not in whole:
            # "Frankfurt/Oder", "Halle/Saale": the part after the slash is the qualifier.
            town, qualifier = (p.strip() for p in whole.split("/"))
            keys.insert(1, f"{town} ({qualifier})")
        for key in dict.fromkeys(keys):
            hits.extend(self._town_hits(key, states))
        # "Leipzig-Xyz" with an unknown district still places the record in the city.
        for seg in segments:
            for city_key, _rest in self._city_splits(seg.key)[:1]:
                hits.extend(self._town_hits(city_key, states))
        return hits

    def _city_in(self, segments: list[_Segment]) -> str | None:
        """The city a query names as a segment of its own ("Connewitz, Leipzig").

        A lone segment is never taken as the city: "Lindenau" is a Leipzig district before it
        is a village in Brandenburg. Addresses run from small to large, so the last town wins.
        """
        if len(segments) < 2:
            return None
        for seg in reversed(segments):
            if seg.key in self._data.districts_by_city:
                return seg.key
        for seg in reversed(segments):
            if self._towns(seg.key):
                return seg.key
        return None

    def _city_splits(self, key: str) -> list[tuple[str, str]]:
        """(city, rest) for "leipzig-gruenau", "leipzig gruenau" or "gruenau leipzig"."""
        gaps = list(_WORD_GAP_RE.finditer(key))
        prefixes = [(key[: m.start()], key[m.end() :]) for m in reversed(gaps)]
        suffixes = [(key[m.end() :], key[: m.start()]) for m in gaps]
        return [
            (city, rest)
            for city, rest in prefixes + suffixes
            if city in self._data.districts_by_city or self._towns(city)
        ]

    def _district_candidates(
        self, segments: list[_Segment], city: str | None
    ) -> list[tuple[_Hit, list[District]]]:
        """District hits with the districts they stand for, best first."""
        for seg in segments:
            if seg.key == city:
                continue
            pool = self._city_pool(city) if city is not None else self._data.districts
            found = self._match_districts(seg, pool, with_boroughs=city is not None)
            if found:
                return found
            for city_key, rest in self._city_splits(seg.key):
                rest_seg = _Segment(_original_part(seg.text, rest), rest)
                found = self._match_districts(
                    rest_seg, self._city_pool(city_key), with_boroughs=True
                )
                if found:
                    return found
        return []

    def _city_pool(self, city: str) -> list[District]:
        data = self._data
        if city in data.districts_by_city:
            return data.districts_by_city[city]
        towns = self._towns(city)
        if not towns:
            return []
        # Only the parts of the town meant, not those of a same-named town elsewhere.
        town = towns[0]
        return [
            d
            for d in data.subplaces.get(_key(town.name), [])
            if _flat_km(d.lat, d.lon, town.lat, town.lon) <= 2 * TOWN_CLUSTER_KM
        ]

    def _towns(self, key: str) -> list[_Town]:
        """Towns a name may mean, the one with most postal codes first."""
        data = self._data
        base = _base_name(key)
        if base == key:
            # A bare "Frankfurt" or "Halle" also means "Frankfurt am Main" or "Halle (Saale)".
            return data.towns_by_base.get(key, [])
        if key in data.towns:
            return data.towns[key]
        # "Halle (Westf.)", "Frankfurt an der Oder": the qualifier as written may differ from
        # GeoNames' but still points to the town whose qualifier or state contains it.
        words = [w for w in re.findall(r"[a-z]+", key[len(base) :]) if len(w) >= 3]
        words = [w for w in words if w not in _GENERIC_PARTS]
        towns = data.towns_by_base.get(base, [])
        return sorted(
            towns,
            key=lambda t: (
                not any(w in _key(t.name)[len(base) :] or w in _key(t.state) for w in words)
            ),
        )

    def _match_districts(
        self, seg: _Segment, pool: list[District], *, with_boroughs: bool
    ) -> list[tuple[_Hit, list[District]]]:
        exact = [d for d in pool if _key(d.district) == seg.key]
        if exact:
            return [(self._district_hit([d]), [d]) for d in exact]
        if with_boroughs:
            # "Leipzig-Südwest": a borough is the mean of its districts.
            borough = [d for d in pool if d.borough and _key(d.borough) == seg.key]
            if borough:
                return self._grouped(borough, borough[0].borough or seg.text)
        if seg.key in _GENERIC_PARTS:
            return []
        partial = [d for d in pool if seg.key in _name_parts(_key(d.district))]
        if not partial:
            return []
        # Label the group as the data spells the part ("Gruenau" -> "Grünau").
        label = seg.text.title()
        for piece in re.split(r"[-\s]+", partial[0].district):
            if _key(piece) == seg.key:
                label = piece
        return self._grouped(partial, label)

    def _grouped(self, districts: list[District], label: str) -> list[tuple[_Hit, list[District]]]:
        by_city: dict[str, list[District]] = defaultdict(list)
        for d in districts:
            by_city[d.city].append(d)
        groups = sorted(by_city.values(), key=len, reverse=True)
        return [(self._district_hit(g, label if len(g) > 1 else None), g) for g in groups]

    def _district_hit(self, districts: list[District], label: str | None = None) -> _Hit:
        city = districts[0].city
        name = label or districts[0].district
        lat, lon = _mean((d.lat, d.lon) for d in districts)
        codes = {c for d in districts for c in d.postal_codes}
        towns = self._data.towns.get(_key(city))
        state = towns[0].state if towns else None
        return _Hit(
            precision="district",
            lat=lat,
            lon=lon,
            place=city,
            postal_code=codes.pop() if len(codes) == 1 else None,
            district=name,
            city=city,
            state=state or None,
            label=f"{name}, {city}",
        )

    def _town_hits(self, key: str, states: set[str]) -> list[_Hit]:
        towns = self._towns(key)
        if states:
            towns = [t for t in towns if t.state in states]
        return [
            _Hit(
                precision="place",
                lat=town.lat,
                lon=town.lon,
                place=town.name,
                postal_code=town.codes[0] if len(town.codes) == 1 else None,
                state=town.state or None,
                label=self._town_label(town),
            )
            for town in towns
        ]

    def _town_label(self, town: _Town) -> str:
        # Name the state only where the name alone would mislead: for the big Halle the bare
        # name is fine, the small Halle in Westphalia gets "Halle, Nordrhein-Westfalen".
        namesakes = [t for t in self._data.towns.get(_key(town.name), []) if t is not town]
        if town.state and any(3 * len(t.codes) >= len(town.codes) for t in namesakes):
            return f"{town.name}, {town.state}"
        return town.name


def _location(hit: _Hit) -> Location:
    raw = {
        "precision": hit.precision,
        "postal_code": hit.postal_code,
        "place": hit.place,
        "district": hit.district,
        "city": hit.city,
        "state": hit.state,
    }
    return Location(hit.label, (hit.lat, hit.lon), raw)


def _unique(hits: list[_Hit]) -> list[_Hit]:
    seen, out = set(), []
    for hit in hits:
        key = (hit.precision, hit.label, hit.lat, hit.lon)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


def _original_part(text: str, part_key: str) -> str:
    """The part of ``text`` as written whose normalised form is ``part_key``."""
    for i in range(len(text)):
        for j in range(len(text), i, -1):
            if normalise(text[i:j]) == part_key:
                return text[i:j].strip(" -")
    return part_key


@functools.cache
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer; its data is loaded on the first lookup."""
    return Gazetteer()
