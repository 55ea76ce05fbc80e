"""The offline gazetteer against its own data files (no database, no network)."""

import csv
from pathlib import Path

import pytest
from geopy.location import Location

from geo.gazetteer import (
    DATA_DIR,
    KNOWN_PLACEHOLDERS,
    PLACEHOLDER_TOLERANCE,
    District,
    Gazetteer,
    PostalArea,
    get_gazetteer,
    haversine_km,
    normalise,
)

GERMANY_LAT = (47.2, 55.1)
GERMANY_LON = (5.8, 15.1)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return get_gazetteer()


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


POSTAL_ROWS = _rows("geonames-postal-de.tsv")
DISTRICT_ROWS = _rows("districts.tsv")


def _is_placeholder(lat: float, lon: float) -> bool:
    return any(
        abs(lat - plat) <= PLACEHOLDER_TOLERANCE and abs(lon - plon) <= PLACEHOLDER_TOLERANCE
        for plat, plon in KNOWN_PLACEHOLDERS
    )


def _point(loc: Location) -> tuple[float, float]:
    return loc.latitude, loc.longitude


def _km(loc: Location, lat: float, lon: float) -> float:
    return haversine_km(loc.latitude, loc.longitude, lat, lon)


# -- normalise --------------------------------------------------------------------------------


def test_normalise_spells_out_umlauts_and_collapses_space() -> None:
    assert normalise("  Grünau-Mitte ") == "gruenau-mitte"
    assert normalise("GROSSZSCHOCHER") == normalise("Großzschocher") == "grosszschocher"
    assert normalise("Lößnig") == "loessnig"
    assert normalise("Leipzig  -  Grünau") == "leipzig-gruenau"
    assert normalise("Frankfurt\tam   Main") == "frankfurt am main"
    # Decomposed umlauts (as some keyboards and macOS file names send them).
    assert normalise("Gru\u0308nau") == "gruenau"


# -- data files and loading -------------------------------------------------------------------


def test_data_is_read_from_the_package() -> None:
    assert Path(__file__).resolve().parents[2] / "geo" / "data" == DATA_DIR
    assert {"city", "district", "borough", "lat", "lon", "postal_codes"} <= set(DISTRICT_ROWS[0])
    assert {row["city"] for row in DISTRICT_ROWS} == {"Leipzig"}
    assert len(DISTRICT_ROWS) == 63


def test_construction_is_lazy_and_offline(tmp_path: Path) -> None:
    # A missing directory only fails on first use: constructing must not read anything.
    lazy = Gazetteer(data_dir=tmp_path / "missing")
    with pytest.raises(FileNotFoundError):
        lazy.geocode("Leipzig")
    from geopy.exc import GeocoderServiceError

    with pytest.raises(GeocoderServiceError):
        lazy.adapter.get_json("https://nominatim.openstreetmap.org/", timeout=1, headers={})


def test_get_gazetteer_is_cached() -> None:
    assert get_gazetteer() is get_gazetteer()


# -- postal codes -----------------------------------------------------------------------------


def test_every_postal_code_resolves_inside_germany(gaz: Gazetteer) -> None:
    codes = {row["postal_code"] for row in POSTAL_ROWS}
    assert len(codes) == 10813
    for code in codes:
        area = gaz.postal_code(code)
        assert isinstance(area, PostalArea), code
        assert GERMANY_LAT[0] <= area.lat <= GERMANY_LAT[1], code
        assert GERMANY_LON[0] <= area.lon <= GERMANY_LON[1], code
        assert area.place, code


def test_no_leipzig_code_keeps_the_placeholder_where_a_district_lists_it(gaz: Gazetteer) -> None:
    listed = {code for row in DISTRICT_ROWS for code in row["postal_codes"].split()}
    leipzig_codes = {
        row["postal_code"]
        for row in POSTAL_ROWS
        if row["postal_code"].startswith("04") and row["place"] == "Leipzig"
    }
    placeholder_in_data = {
        row["postal_code"]
        for row in POSTAL_ROWS
        if row["postal_code"] in leipzig_codes
        and _is_placeholder(float(row["lat"]), float(row["lon"]))
    }
    assert len(placeholder_in_data) >= 10  # the caveat is real; otherwise this test is moot
    for code in leipzig_codes & listed:
        area = gaz.postal_code(code)
        assert not _is_placeholder(area.lat, area.lon), code
        loc = gaz.geocode(f"{code} Leipzig")
        assert not _is_placeholder(*_point(loc)), code
    assert set(gaz.placeholder_stats["fixed"]) == placeholder_in_data & listed


def test_placeholder_code_takes_the_mean_of_its_districts(gaz: Gazetteer) -> None:
    # 04277 serves Connewitz (51.3080, 12.3800) and Marienbrunn (51.3110, 12.3980).
    area = gaz.postal_code("04277")
    assert area.lat == pytest.approx(51.3095, abs=1e-4)
    assert area.lon == pytest.approx(12.3890, abs=1e-4)


def test_postal_code_with_several_rows_ignores_companies(gaz: Gazetteer) -> None:
    # 01067 has two place rows (Dresden, Dresden Friedrichstadt) and one accuracy-0 row.
    area = gaz.postal_code("01067")
    assert area.place == "Dresden"
    assert area.lat == pytest.approx((51.0547 + 51.0587) / 2, abs=1e-4)
    assert area.lon == pytest.approx((13.7269 + 13.7172) / 2, abs=1e-4)


def test_company_only_code_resolves_by_code_and_names_a_town(gaz: Gazetteer) -> None:
    # 04092 belongs to "Stadt Leipzig Neues Rathaus" alone.
    loc = gaz.geocode("04092")
    assert loc is not None
    assert loc.raw["precision"] == "postal_code"
    assert loc.raw["postal_code"] == "04092"
    assert loc.raw["place"] == "Leipzig"
    assert loc.raw["state"] == "Sachsen"  # the row says "Saxony"
    assert _km(loc, 51.335, 12.3714) < 0.1
    assert gaz.postal_code("04370").place != "DHL Delivery Leipzig GmbH"


def test_postal_code_lookup_variants(gaz: Gazetteer) -> None:
    assert gaz.postal_code(" 04229 ").code == "04229"
    assert gaz.postal_code("4229").code == "04229"  # lost its leading zero in a spreadsheet
    assert gaz.postal_code("99999") is None
    assert gaz.postal_code("abc") is None


# -- districts --------------------------------------------------------------------------------


@pytest.mark.parametrize("row", DISTRICT_ROWS, ids=lambda row: row["district"])
def test_every_district_resolves_by_name(gaz: Gazetteer, row: dict[str, str]) -> None:
    lat, lon = float(row["lat"]), float(row["lon"])
    for query in (row["district"], f"{row['city']}-{row['district']}"):
        loc = gaz.geocode(query)
        assert loc is not None, query
        assert loc.raw["precision"] == "district", query
        assert loc.raw["district"] == row["district"], query
        assert loc.raw["city"] == row["city"], query
        assert _km(loc, lat, lon) < 0.1, query


def test_gruenau_and_lindenau(gaz: Gazetteer) -> None:
    gruenau = gaz.geocode("Leipzig-Grünau")
    lindenau = gaz.geocode("Leipzig-Lindenau")
    leipzig = gaz.geocode("Leipzig")
    for loc in (gruenau, lindenau):
        assert loc.raw["precision"] == "district"
        assert loc.raw["city"] == "Leipzig"
        assert loc.raw["place"] == "Leipzig"
        assert loc.raw["state"] == "Sachsen"
        assert _km(loc, *_point(leipzig)) < 10
    assert 3 <= haversine_km(*_point(gruenau), *_point(lindenau)) <= 8
    assert gruenau.raw["district"] == "Grünau"
    assert gruenau.address == "Grünau, Leipzig"
    # Grünau is the mean of the five districts named after it.
    grue = [r for r in DISTRICT_ROWS if "Grünau" in r["district"].split("-")]
    assert len(grue) == 5
    assert gruenau.latitude == pytest.approx(sum(float(r["lat"]) for r in grue) / 5, abs=1e-4)
    # Lindenau exists as a district of its own; Altlindenau and Neulindenau are others.
    assert lindenau.raw["district"] == "Lindenau"
    assert _km(lindenau, 51.34, 12.33) < 0.1


def test_spelling_and_case_do_not_matter(gaz: Gazetteer) -> None:
    reference = _point(gaz.geocode("Grünau"))
    for query in ("Gruenau", "GRÜNAU", "grünau", "leipzig-gruenau", "Leipzig - Grünau"):
        assert _point(gaz.geocode(query)) == reference, query
    assert _point(gaz.geocode("grünau-mitte")) == _point(gaz.geocode("GRUENAU-MITTE"))


def test_district_with_city_after_a_comma(gaz: Gazetteer) -> None:
    loc = gaz.geocode("Connewitz, Leipzig")
    assert loc.raw["precision"] == "district"
    assert loc.raw["district"] == "Connewitz"
    assert loc.address == "Connewitz, Leipzig"
    assert gaz.geocode("Grünau-Mitte").address == "Grünau-Mitte, Leipzig"


def test_district_part_names_and_boroughs(gaz: Gazetteer) -> None:
    assert gaz.geocode("Abtnaundorf").raw["district"] == "Schönefeld-Abtnaundorf"
    gohlis = gaz.geocode("Gohlis")
    assert gohlis.raw["district"] == "Gohlis"
    assert gohlis.raw["precision"] == "district"
    # With the city named, a Stadtbezirk resolves to the mean of its districts.
    south_west = gaz.geocode("Leipzig-Südwest")
    assert south_west.raw["district"] == "Südwest"
    # "Mitte" alone names no district (too generic); with the city it is the borough.
    assert gaz.geocode("Leipzig-Mitte").raw["district"] == "Mitte"


def test_postal_code_with_district_prefers_the_district(gaz: Gazetteer) -> None:
    loc = gaz.geocode("04277 Leipzig-Connewitz")
    assert loc.raw["precision"] == "district"
    assert loc.raw["district"] == "Connewitz"
    assert loc.raw["postal_code"] == "04277"
    # Only the Grünau districts that 04209 serves.
    loc = gaz.geocode("04209 Leipzig-Grünau")
    assert loc.raw["precision"] == "district"
    assert loc.raw["postal_code"] == "04209"
    assert _km(loc, 51.3205, 12.2910) < 0.1
    # A district far from the code does not override it.
    loc = gaz.geocode("04229 Leipzig-Paunsdorf")
    assert loc.raw["precision"] == "postal_code"
    assert loc.raw["district"] is None


# -- towns and addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "precision", "lat", "lon", "max_km"),
    [
        ("04229 Leipzig", "postal_code", 51.3254, 12.3341, 0.5),
        ("Karl-Heine-Straße 12, 04229 Leipzig", "postal_code", 51.3254, 12.3341, 0.5),
        ("Leipzig", "place", 51.34, 12.37, 5),
        ("Dresden", "place", 51.05, 13.74, 5),
        ("01067 Dresden", "postal_code", 51.05, 13.73, 2),
        ("Chemnitz", "place", 50.83, 12.92, 5),
        ("Hamburg", "place", 53.55, 10.0, 8),
        ("80331 München", "postal_code", 48.14, 11.57, 1),
        ("Markkleeberg", "place", 51.28, 12.37, 3),
        ("Frankfurt am Main", "place", 50.11, 8.68, 8),
        ("Frankfurt", "place", 50.11, 8.68, 8),
        ("Halle (Saale)", "place", 51.48, 11.97, 5),
        ("Halle", "place", 51.48, 11.97, 5),
        ("Halle/Saale", "place", 51.48, 11.97, 5),
        ("Frankfurt (Oder)", "place", 52.34, 14.55, 5),
        ("Frankfurt/Oder", "place", 52.34, 14.55, 5),
        ("Halle (Westf.)", "place", 52.06, 8.36, 5),
        ("Connewitz Leipzig", "district", 51.308, 12.38, 0.1),
        ("Eisenbahnstraße 5, Leipzig", "place", 51.34, 12.37, 5),
        ("Lindenau", "district", 51.34, 12.33, 0.1),
    ],
)
def test_realistic_inputs(
    gaz: Gazetteer, query: str, precision: str, lat: float, lon: float, max_km: float
) -> None:
    loc = gaz.geocode(query)
    assert loc is not None, query
    assert loc.raw["precision"] == precision, query
    assert _km(loc, lat, lon) <= max_km, (query, _point(loc))


def test_result_shape(gaz: Gazetteer) -> None:
    loc = gaz.geocode("04229 Leipzig")
    assert isinstance(loc, Location)
    assert loc.address == "04229 Leipzig"
    assert loc.raw == {
        "precision": "postal_code",
        "postal_code": "04229",
        "place": "Leipzig",
        "district": None,
        "city": None,
        "state": "Sachsen",
    }
    dresden = gaz.geocode("Dresden")
    assert dresden.address == "Dresden"
    assert dresden.raw["place"] == "Dresden"
    assert dresden.raw["state"] == "Sachsen"
    assert gaz.geocode("Markkleeberg").raw["postal_code"] == "04416"  # its only code


def test_exactly_one_false_returns_a_list(gaz: Gazetteer) -> None:
    found = gaz.geocode("Dresden", exactly_one=False)
    assert isinstance(found, list)
    assert len(found) >= 1
    assert all(isinstance(loc, Location) for loc in found)
    # An ambiguous name lists the other readings after the best one.
    halle = gaz.geocode("Halle", exactly_one=False)
    assert halle[0].raw["state"] == "Sachsen-Anhalt"
    assert {loc.raw["state"] for loc in halle[1:]} >= {"Nordrhein-Westfalen"}
    assert gaz.geocode("Xyzzyville", exactly_one=False) is None


def test_state_narrows_an_ambiguous_name(gaz: Gazetteer) -> None:
    loc = gaz.geocode("Halle, Nordrhein-Westfalen")
    assert loc.raw["state"] == "Nordrhein-Westfalen"
    assert _km(loc, 52.06, 8.36) < 5


@pytest.mark.parametrize(
    "query", ["Xyzzyville", "99999", "", "   ", "99999 Leipzig", "Karl-Heine-Straße 12"]
)
def test_unknown_input_gives_none(gaz: Gazetteer, query: str) -> None:
    assert gaz.geocode(query) is None


def test_unknown_district_of_a_known_city_falls_back_to_the_city(gaz: Gazetteer) -> None:
    loc = gaz.geocode("Leipzig-Xyzzy")
    assert loc.raw["precision"] == "place"
    assert loc.raw["place"] == "Leipzig"


# -- nearest district -------------------------------------------------------------------------


def test_nearest_district(gaz: Gazetteer) -> None:
    found = gaz.nearest_district(51.3085, 12.3805)
    assert isinstance(found, District)
    assert found.district == "Connewitz"
    assert found.city == "Leipzig"
    assert found.borough == "Süd"
    assert "04277" in found.postal_codes
    assert gaz.nearest_district(51.05, 13.74) is None  # Dresden
    assert gaz.nearest_district(51.3085, 12.3805, max_km=0.01) is None
