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
from dataclasses import dataclass
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
# Other cities have the same defect (Dresden 51.05/13.75, Stuttgart, München ...): a point shared
# by this many codes of one town cannot be a real centroid. Such codes are fixed the same way
# as soon as districts.tsv lists districts for them.
PLACEHOLDER_MIN_CODES = 3

# Same-named towns in one state (there are many "Neuhof"s) must not be averaged into one point
# somewhere between them; postal code points within one town are much closer than this.
TOWN_CLUSTER_KM = 15.0
# A postal code and a district named in the same query belong together if this close.
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

_CODE_RE = re.compile(r"(?<![\d.])(?:d-|de-)?(\d{5})(?!\d|[.,]\d)", re.IGNORECASE)
# A postal code that lost its leading zero in a spreadsheet ("4229 Leipzig").
_SHORT_CODE_RE = re.compile(r"(?<![\w.,-])(\d{4})(?![\w.,-])")
# A house number ("12", "12a", "12-14"); the text before it is a street name.
_HOUSE_NUMBER_RE = re.compile(r"(?<!\w)\d{1,4}\s?[a-z]?(?:\s?[-/]\s?\d{1,4}\s?[a-z]?)?(?!\w)", re.I)
_SEGMENT_SPLIT_RE = re.compile(r"[,;/|\n]+")
_QUALIFIER_RE = re.compile(
    r"(?:\s*\(.*\)|\s+(?:am|an der|an den|in der|im|in|ob der|bei|vor der|a\.|i\.)\s.+)$"
)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise(text: str) -> str:
    """Comparison key: casefolded, umlauts spelt out, single spaces, plain hyphens.

    "Grünau", "GRUENAU" and "grünau" all give "gruenau", so users can type without umlauts.
    """
    text = unicodedata.normalize("NFC", text).casefold().translate(_UMLAUTS)
    # Other accents (é, à) are dropped rather than spelt out; nobody types them consistently.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = " ".join(text.split())
    return re.sub(r"\s*-\s*", "-", text)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


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


def _mean(points: Iterable[tuple[float, float]]) -> tuple[float, float]:
    pts = list(points)
    return (
        round(sum(p[0] for p in pts) / len(pts), 5),
        round(sum(p[1] for p in pts) / len(pts), 5),
    )


def _base_name(key: str) -> str:
    """ "frankfurt am main" -> "frankfurt", "halle (saale)" -> "halle"."""
    return _QUALIFIER_RE.sub("", key).strip() or key


def _name_parts(key: str) -> set[str]:
    parts = re.split(r"[-\s]+", key)
    return {p for p in parts if len(p) >= 3 and p not in _GENERIC_PARTS}


def _is_placeholder(
    point: tuple[float, float], placeholders: Iterable[tuple[float, float]]
) -> bool:
    return any(
        abs(point[0] - lat) <= PLACEHOLDER_TOLERANCE
        and abs(point[1] - lon) <= PLACEHOLDER_TOLERANCE
        for lat, lon in placeholders
    )


class _OfflineAdapter(BaseSyncAdapter):
    """geopy wants an HTTP adapter; this one refuses, so the gazetteer can never go online."""

    def get_json(self, url, *, timeout, headers):
        raise GeocoderServiceError("The offline gazetteer makes no network requests.")

    def get_text(self, url, *, timeout, headers):
        raise GeocoderServiceError("The offline gazetteer makes no network requests.")


class _Data:
    """Everything parsed from geo/data, built once per Gazetteer."""

    def __init__(self, data_dir: Path) -> None:
        self.districts = self._read_districts(data_dir / DISTRICTS_FILE)
        self.districts_by_city: dict[str, list[District]] = defaultdict(list)
        for d in self.districts:
            self.districts_by_city[normalise(d.city)].append(d)
        self.placeholder_codes_fixed: list[str] = []
        self.placeholder_codes_left: list[str] = []
        self._read_postal_codes(data_dir / POSTAL_CODES_FILE)

    @staticmethod
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
                if row.get("district")
            ]

    def _read_postal_codes(self, path: Path) -> None:
        rows_by_code: dict[str, list[tuple[str, str, float, float, bool]]] = defaultdict(list)
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t")
            next(reader)
            for code, place, state, lat, lon, accuracy in reader:
                state = _STATE_NAMES.get(state, state)
                # Accuracy 0 marks the codes of large customers (companies, authorities):
                # their "place" is the organisation's name.
                company = float(accuracy or 0) == 0
                rows_by_code[code].append((place, state, float(lat), float(lon), company))

        regular_names = {
            normalise(r[0]) for rows in rows_by_code.values() for r in rows if not r[4]
        }

        # Per code: the rows that describe it (companies only if there is nothing else).
        code_rows: dict[str, list[tuple[str, str, float, float, bool]]] = {}
        for code, rows in rows_by_code.items():
            regular = [r for r in rows if not r[4]]
            code_rows[code] = regular or rows
        code_point = {code: _mean((r[2], r[3]) for r in rows) for code, rows in code_rows.items()}

        fixed_point = self._fix_placeholders(code_rows, code_point)
        code_point.update(fixed_point)

        # Towns: rows whose name is a real place name. A few places carry accuracy 0 too
        # (Halle 06120, Kiel, Potsdam ...); they count when the same name is a place elsewhere.
        town_rows: dict[tuple[str, str], dict[str, list[tuple[float, float]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        town_spelling: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for code, rows in rows_by_code.items():
            for place, state, lat, lon, _company in rows:
                key = normalise(place)
                if key not in regular_names:
                    continue
                point = fixed_point.get(code, (lat, lon))
                town_rows[(key, state)][code].append(point)
                town_spelling[(key, state)][place] += 1

        self.towns: dict[str, list[_Town]] = defaultdict(list)
        for (key, state), by_code in town_rows.items():
            name = town_spelling[(key, state)].most_common(1)[0][0]
            points = {code: _mean(pts) for code, pts in by_code.items()}
            for cluster in _cluster(points, TOWN_CLUSTER_KM):
                lat, lon = _mean(points[c] for c in cluster)
                self.towns[key].append(_Town(name, state, lat, lon, tuple(sorted(cluster))))
        for towns in self.towns.values():
            # The town with most postal codes is what people mean by an ambiguous name.
            towns.sort(key=lambda t: (-len(t.codes), t.state, t.lat))
        self.towns_by_base: dict[str, list[_Town]] = defaultdict(list)
        for key, towns in self.towns.items():
            self.towns_by_base[_base_name(key)].extend(towns)
        for towns in self.towns_by_base.values():
            towns.sort(key=lambda t: (-len(t.codes), t.state, t.lat))

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

        self.postal: dict[str, PostalArea] = {}
        regular_points = _Grid()
        for code, rows in code_rows.items():
            if not rows[0][4]:
                regular_points.add(code_point[code], rows[0][0])
        for code, rows in code_rows.items():
            lat, lon = code_point[code]
            place = Counter(r[0] for r in rows).most_common(1)[0][0]
            if normalise(place) not in regular_names:
                # A company code: name the town it lies in, not the company.
                place = regular_points.nearest(lat, lon) or place
            state = Counter(r[1] for r in rows).most_common(1)[0][0]
            self.postal[code] = PostalArea(code, place, state, lat, lon)

        self.states = {normalise(s): s for s in {a.state for a in self.postal.values()} if s}
        self.states.update({normalise(en): de for en, de in _STATE_NAMES.items()})

    def _fix_placeholders(
        self,
        code_rows: dict[str, list[tuple[str, str, float, float, bool]]],
        code_point: dict[str, tuple[float, float]],
    ) -> dict[str, tuple[float, float]]:
        """Replace city-wide placeholder points by the mean of the districts a code serves."""
        shared: dict[tuple[str, tuple[float, float]], set[str]] = defaultdict(set)
        for code, rows in code_rows.items():
            if not rows[0][4]:
                shared[(normalise(rows[0][0]), code_point[code])].add(code)
        placeholders = list(KNOWN_PLACEHOLDERS)
        placeholders += [
            p for (_, p), codes in shared.items() if len(codes) >= PLACEHOLDER_MIN_CODES
        ]

        districts_by_code: dict[str, list[District]] = defaultdict(list)
        for d in self.districts:
            for code in d.postal_codes:
                districts_by_code[code].append(d)

        fixed: dict[str, tuple[float, float]] = {}
        for code, point in code_point.items():
            if not _is_placeholder(point, placeholders):
                continue
            if districts_by_code.get(code):
                fixed[code] = _mean((d.lat, d.lon) for d in districts_by_code[code])
                self.placeholder_codes_fixed.append(code)
            else:
                self.placeholder_codes_left.append(code)
        return fixed


def _cluster(points: dict[str, tuple[float, float]], max_km: float) -> list[list[str]]:
    """Single-linkage clusters of postal code points (few points per name, so O(n²) is fine)."""
    remaining = list(points)
    clusters = []
    while remaining:
        cluster = [remaining.pop(0)]
        i = 0
        while i < len(cluster):
            lat, lon = points[cluster[i]]
            near = [c for c in remaining if haversine_km(lat, lon, *points[c]) <= max_km]
            for c in near:
                remaining.remove(c)
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
        for radius in range(0, 8):
            ring = [
                (ci + i, cj + j)
                for i in range(-radius, radius + 1)
                for j in range(-radius, radius + 1)
                if max(abs(i), abs(j)) == radius
            ]
            for cell in ring:
                for plat, plon, name in self.cells.get(cell, ()):
                    dist = haversine_km(lat, lon, plat, plon)
                    if best is None or dist < best[0]:
                        best = (dist, name)
            # One more ring after the first find: a point in the next ring can still be nearer.
            if best is not None and found_at is None:
                found_at = radius
            if found_at is not None and radius > found_at:
                return best[1]
        return best[1] if best else None


@dataclass
class _Segment:
    text: str  # as written, trimmed
    key: str  # normalised


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
            code = "0" + code  # a code that lost its leading zero in a spreadsheet
        return self._data.postal.get(code)

    def nearest_district(self, lat: float, lon: float, max_km: float = 3.0) -> District | None:
        best = min(
            self._data.districts,
            key=lambda d: haversine_km(lat, lon, d.lat, d.lon),
            default=None,
        )
        if best is None or haversine_km(lat, lon, best.lat, best.lon) > max_km:
            return None
        return best

    def geocode(
        self, query: str, *, exactly_one: bool = True, timeout=None
    ) -> Location | list[Location] | None:
        """Place a postal code, district or town named in ``query``; street parts are ignored.

        ``raw`` holds precision ("postal_code" | "district" | "place"), postal_code, place,
        district, city (the city a district belongs to) and state.
        """
        hits = self._resolve(query or "")
        if not hits:
            return None
        locations = [self._location(h) for h in _unique(hits)]
        return locations[0] if exactly_one else locations

    # -- resolution -----------------------------------------------------------------------

    def _resolve(self, query: str) -> list[_Hit]:
        text = " ".join(query.split())
        if not text:
            return []
        codes, text = self._extract_codes(text)
        segments = self._segments(text)
        states = {self._data.states[s.key] for s in segments if s.key in self._data.states}
        segments = [
            s for s in segments if s.key not in self._data.states and s.key not in _COUNTRY_WORDS
        ]
        if codes is not None:
            return self._resolve_code(codes, segments)
        return self._resolve_names(text, segments, states)

    def _extract_codes(self, text: str) -> tuple[list[str] | None, str]:
        """Postal codes in the query (None if there are none) and the text without them."""
        data = self._data
        codes = _CODE_RE.findall(text)
        text = _CODE_RE.sub(" ", text)
        if not codes:
            # "4229 Leipzig": accept the padded code only if the query names its town.
            key = normalise(text)
            for short in _SHORT_CODE_RE.findall(text):
                area = data.postal.get("0" + short)
                if area and normalise(area.place) in key:
                    codes = ["0" + short]
                    text = text.replace(short, " ", 1)
                    break
        return (codes or None), text

    def _segments(self, text: str) -> list[_Segment]:
        segments = []
        for part in _SEGMENT_SPLIT_RE.split(text):
            # "Karl-Heine-Straße 12 Leipzig": drop the street before the house number.
            pieces = _HOUSE_NUMBER_RE.split(part)
            part = pieces[-1] if len(pieces) > 1 else part
            part = part.strip(" .-()\t")
            if part:
                segments.append(_Segment(part, normalise(part)))
        return segments

    def _resolve_code(self, codes: list[str], segments: list[_Segment]) -> list[_Hit]:
        data = self._data
        known = [c for c in codes if c in data.postal]
        if not known:
            # An unknown code is most likely a typo; a town elsewhere would be a silent error.
            return []
        area = data.postal[known[0]]
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
        if city is None and self._city_pool(normalise(area.place)):
            city = normalise(area.place)
        for hit, members in self._district_candidates(segments, city):
            # The district only refines the code if both describe the same area.
            listing = [d for d in members if area.code in d.postal_codes]
            if listing and listing != members:
                hit = self._district_hit(listing, hit.district if len(listing) > 1 else None)
            if listing or haversine_km(hit.lat, hit.lon, area.lat, area.lon) <= CODE_DISTRICT_KM:
                return [_replace(hit, postal_code=area.code), code_hit]
        return [code_hit]

    def _resolve_names(self, text: str, segments: list[_Segment], states: set[str]) -> list[_Hit]:
        city = self._city_in(segments)
        hits = [hit for hit, _ in self._district_candidates(segments, city)]
        # Towns: the whole query first (a name may contain a comma), then segments, longest first.
        keys = [normalise(text)] + sorted((s.key for s in segments), key=len, reverse=True)
        for key in dict.fromkeys(keys):
            hits.extend(self._town_hits(key, states))
        # "Leipzig-Xyz" with an unknown district still places the record in the city.
        for seg in segments:
            for city_key, _rest in self._city_splits(seg.key):
                hits.extend(self._town_hits(city_key, states))
        return hits

    def _city_in(self, segments: list[_Segment]) -> str | None:
        """The city a query names as a segment of its own ("Connewitz, Leipzig").

        A single segment is never taken as the city: "Lindenau" is a Leipzig district before it
        is a village in Brandenburg. Addresses run from small to large, so the last town wins.
        """
        if len(segments) < 2:
            return None
        for seg in reversed(segments):
            if seg.key in self._data.districts_by_city:
                return seg.key
        for seg in reversed(segments):
            if self._town_hits(seg.key, set()):
                return seg.key
        return None

    def _city_splits(self, key: str) -> list[tuple[str, str]]:
        """("leipzig", "gruenau") for "leipzig-gruenau" or "leipzig gruenau", longest city first."""
        splits = []
        for m in reversed(list(re.finditer(r"[-\s]", key))):
            head, rest = key[: m.start()], key[m.end() :]
            if head in self._data.districts_by_city or self._town_hits(head, set()):
                splits.append((head, rest))
        return splits

    def _district_candidates(
        self, segments: list[_Segment], city: str | None
    ) -> list[tuple[_Hit, list[District]]]:
        """District hits with the districts they stand for, most specific first."""
        data = self._data
        found: list[tuple[_Hit, list[District]]] = []
        for seg in segments:
            if city is not None and seg.key == city:
                continue
            pool = self._city_pool(city) if city is not None else data.districts
            found.extend(self._match_districts(seg, pool, with_boroughs=city is not None))
            if found:
                break
            for city_key, rest in self._city_splits(seg.key):
                rest_seg = _Segment(_original_tail(seg.text, rest), rest)
                found.extend(
                    self._match_districts(rest_seg, self._city_pool(city_key), with_boroughs=True)
                )
                if found:
                    break
            if found:
                break
        return found

    def _city_pool(self, city: str) -> list[District]:
        data = self._data
        if city in data.districts_by_city:
            return data.districts_by_city[city]
        towns = self._towns(city)
        if not towns:
            return []
        # Only the parts of the town meant, not of a same-named town elsewhere.
        town = towns[0]
        return [
            d
            for d in data.subplaces.get(normalise(town.name), [])
            if haversine_km(d.lat, d.lon, town.lat, town.lon) <= 2 * TOWN_CLUSTER_KM
        ]

    def _towns(self, key: str) -> list[_Town]:
        """Towns a name may mean, the one with most postal codes first."""
        data = self._data
        base = _base_name(key)
        if base == key:
            # A bare "Frankfurt" or "Halle" also means "Frankfurt am Main" or "Halle (Saale)".
            return data.towns_by_base.get(key, [])
        return data.towns.get(key) or data.towns_by_base.get(base, [])

    def _match_districts(
        self, seg: _Segment, pool: list[District], *, with_boroughs: bool
    ) -> list[tuple[_Hit, list[District]]]:
        exact = [d for d in pool if normalise(d.district) == seg.key]
        if exact:
            return [(self._district_hit([d]), [d]) for d in exact]
        if with_boroughs:
            borough = [d for d in pool if d.borough and normalise(d.borough) == seg.key]
            if borough:
                return self._grouped(borough, borough[0].borough or seg.text)
        if seg.key in _GENERIC_PARTS:
            return []
        partial = [d for d in pool if seg.key in _name_parts(normalise(d.district))]
        if not partial:
            return []
        # Label the group as the data spells the part ("Gruenau" -> "Grünau").
        label = seg.text.title()
        for piece in re.split(r"[-\s]+", partial[0].district):
            if normalise(piece) == seg.key:
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
        towns = self._data.towns.get(normalise(city)) or []
        return _Hit(
            precision="district",
            lat=lat,
            lon=lon,
            place=city,
            postal_code=codes.pop() if len(codes) == 1 else None,
            district=name,
            city=city,
            state=towns[0].state if towns else None,
            label=f"{name}, {city}",
        )

    def _town_hits(self, key: str, states: set[str]) -> list[_Hit]:
        data = self._data
        towns = self._towns(key)
        if states:
            towns = [t for t in towns if t.state in states]
        hits = []
        for town in towns:
            ambiguous = len(data.towns_by_base.get(_base_name(normalise(town.name)), ())) > 1
            hits.append(
                _Hit(
                    precision="place",
                    lat=town.lat,
                    lon=town.lon,
                    place=town.name,
                    postal_code=town.codes[0] if len(town.codes) == 1 else None,
                    state=town.state or None,
                    label=f"{town.name}, {town.state}" if ambiguous and town.state else town.name,
                )
            )
        return hits

    @staticmethod
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


def _replace(hit: _Hit, **changes) -> _Hit:
    return _Hit(**{**hit.__dict__, **changes})


def _unique(hits: list[_Hit]) -> list[_Hit]:
    seen, out = set(), []
    for hit in hits:
        key = (hit.precision, hit.label, hit.lat, hit.lon)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


def _original_tail(text: str, normalised_tail: str) -> str:
    """The part of ``text`` as written that normalises to ``normalised_tail``."""
    for i in range(len(text)):
        if normalise(text[i:]) == normalised_tail:
            return text[i:].strip(" -")
    return normalised_tail


@functools.cache
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer; its data is loaded on the first lookup."""
    return Gazetteer()
