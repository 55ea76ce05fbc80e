"""Synthetic needs and offers over Leipzig and Saxony, bulk-loaded with COPY.

Places are a mixture: Gaussians around the Saxon towns (Leipzig densest, then Dresden,
Chemnitz, …) plus a uniform share over Saxony's bounding box, so cities are dense and the
countryside sparse. Categories follow a Zipf law over the real taxonomy in the database, with
demand and supply ranked differently, so some categories are plentiful and some scarce.
Everything comes from one `numpy` generator seeded by `--seed`: the same seed and sizes give
the same rows.

Rows are written with `COPY … FROM STDIN` in text format with explicit ids (no history rows,
no signals): a million offers load in about a minute on the bench machine.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

import numpy as np
from django.db import connection

# (name, lat, lon, weight, sigma in km)
TOWNS: tuple[tuple[str, float, float, float, float], ...] = (
    ("Leipzig", 51.340, 12.375, 0.40, 5.0),
    ("Dresden", 51.050, 13.738, 0.20, 5.0),
    ("Chemnitz", 50.833, 12.920, 0.08, 3.5),
    ("Zwickau", 50.718, 12.496, 0.04, 2.5),
    ("Plauen", 50.495, 12.137, 0.025, 2.0),
    ("Görlitz", 51.153, 14.987, 0.02, 2.0),
    ("Bautzen", 51.181, 14.424, 0.02, 2.0),
    ("Freiberg", 50.912, 13.342, 0.015, 2.0),
    ("Pirna", 50.963, 13.940, 0.015, 2.0),
    ("Riesa", 51.308, 13.294, 0.01, 1.5),
    ("Grimma", 51.238, 12.725, 0.01, 1.5),
    ("Delitzsch", 51.526, 12.342, 0.01, 1.5),
)
# Saxony's bounding box: lat, lon.
SAXONY = ((50.17, 51.68), (11.87, 15.04))
UNIFORM_SHARE = 0.125
ZIPF_EXPONENT = 1.1
CONDITIONS = ("new", "like_new", "good", "used")
CONDITION_P = (0.1, 0.25, 0.45, 0.2)
LANGUAGES = ("de", "en", "uk", "ru", "ar", "fa", "tr")

BENCH_TABLES = (
    "matching_matchevent",
    "matching_match",
    "donations_pickupwindow",
    "donations_donationoffer",
    "donations_goodsneed",
    "volunteers_availabilityslot",
    "volunteers_awayperiod",
    "volunteers_volunteerprofile_skills",
    "volunteers_volunteerprofile",
    "volunteers_volunteerneed_required_skills",
    "volunteers_shift",
    "volunteers_volunteerneed",
    "housing_housingoffer",
    "housing_housingneed",
    "jobs_experience",
    "jobs_jobseeker",
    "jobs_job",
    "jobs_employer",
    "accounts_membership",
    "accounts_organisation",
    "accounts_user",
)


@dataclass(frozen=True)
class Sizes:
    goods_needs: int = 20_000
    offers: int = 100_000
    offers_large: int = 1_000_000
    households: int = 5_000
    flats: int = 5_000
    shifts: int = 2_000
    volunteers: int = 10_000
    users: int = 300
    organisations: int = 100
    job_places: int = 5_000
    job_seekers: int = 20_000
    employers: int = 300

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# --- places and categories ----------------------------------------------------------------


def sample_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` (lat, lon) pairs: town Gaussians plus a uniform share over Saxony."""
    weights = np.array([t[3] for t in TOWNS] + [UNIFORM_SHARE])
    which = rng.choice(len(weights), size=n, p=weights / weights.sum())
    lat = np.empty(n)
    lon = np.empty(n)
    for i, (_, t_lat, t_lon, _, sigma_km) in enumerate(TOWNS):
        mask = which == i
        k = int(mask.sum())
        lat[mask] = t_lat + rng.normal(0, sigma_km / 111.2, k)
        lon[mask] = t_lon + rng.normal(0, sigma_km / (111.2 * math.cos(math.radians(t_lat))), k)
    mask = which == len(TOWNS)
    k = int(mask.sum())
    lat[mask] = rng.uniform(*SAXONY[0], k)
    lon[mask] = rng.uniform(*SAXONY[1], k)
    return lat, lon


def zipf_weights(n: int, rng: np.random.Generator) -> np.ndarray:
    """Zipf weights over `n` items in a random order (rank 1 = most frequent)."""
    ranks = rng.permutation(n) + 1
    w = 1.0 / ranks**ZIPF_EXPONENT
    return w / w.sum()


@dataclass
class Taxonomy:
    ids: list[int]
    parents: dict[int, int | None]
    leaves: list[int]
    allowed: dict[int, dict[str, list[str]]]

    @classmethod
    def load(cls) -> Taxonomy:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, parent_id, allowed_values FROM donations_category")
            rows = cursor.fetchall()
        parents = {r[0]: r[1] for r in rows}
        allowed = {r[0]: (json.loads(r[2]) if isinstance(r[2], str) else r[2]) or {} for r in rows}
        with_children = {p for p in parents.values() if p is not None}
        leaves = sorted(c for c in parents if c not in with_children)
        return cls(sorted(parents), parents, leaves, allowed)


# --- COPY ---------------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """COPY rows into `table` in chunks of text lines; returns the number written."""
    count = 0
    cols = ", ".join(f'"{c}"' for c in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
    ):
        buffer: list[str] = []
        for row in rows:
            buffer.append("\t".join(_text(v) for v in row))
            count += 1
            if len(buffer) >= 20_000:
                copy.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            copy.write("\n".join(buffer) + "\n")
    return count


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return int(cursor.fetchone()[0])


def _sync_identity(tables: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )


def _ewkt(lat: float, lon: float) -> str:
    return f"SRID=4326;POINT({lon:.6f} {lat:.6f})"


def _approx(lat: float, lon: float) -> str:
    # The public point: snapped to a grid of about 500 m, as geo.privacy does.
    return _ewkt(round(lat / 0.0045) * 0.0045, round(lon / 0.007) * 0.007)


PLACED_COLUMNS = (
    "address",
    "point",
    "approx_point",
    "postal_code",
    "place",
    "district",
    "precision",
    "geocode_status",
    "geocode_attempts",
    "status",
    "needs_matching",
    "created_at",
    "updated_at",
)


def _placed(lat: float, lon: float, created: datetime) -> tuple:
    return (
        "Benchstraße 1",
        _ewkt(lat, lon),
        _approx(lat, lon),
        "",
        "",
        "",
        "address",
        "placed",
        0,
        "open",
        False,
        created,
        created,
    )


# --- the instance -------------------------------------------------------------------------


@dataclass
class Context:
    rng: np.random.Generator
    now: datetime
    taxonomy: Taxonomy
    donors: list[int]
    members: list[int]
    landlords: list[int]
    organisations: list[int]
    skill_ids: list[int]


def reset() -> None:
    """Empty every table the generator fills (categories and skills stay)."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(BENCH_TABLES)} RESTART IDENTITY CASCADE")


def _users(ctx_rng: np.random.Generator, n: int, role: str, prefix: str, now: datetime) -> list:
    start = _next_id("accounts_user")
    ids = list(range(start, start + n))
    copy_rows(
        "accounts_user",
        (
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "role",
            "preferred_language",
            "phone",
        ),
        (
            (i, "!", False, f"{prefix}{i}", "", "", f"{prefix}{i}@bench.invalid", False, True)
            + (now, role, "de", "")
            for i in ids
        ),
    )
    return ids


def prepare(seed: int, sizes: Sizes, now: datetime) -> Context:
    """Users, organisations and the context every table generator draws from."""
    rng = np.random.default_rng(seed)
    per = max(sizes.users // 3, 1)
    donors = _users(rng, per, "donor", "donor", now)
    members = _users(rng, per, "initiative_member", "member", now)
    landlords = _users(rng, per, "landlord", "landlord", now)
    org_start = _next_id("accounts_organisation")
    organisations = list(range(org_start, org_start + sizes.organisations))
    copy_rows(
        "accounts_organisation",
        ("id", "name", "kind", "city", "email", "created_at"),
        ((i, f"Bench initiative {i}", "initiative", "Leipzig", "", now) for i in organisations),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM volunteers_skill ORDER BY id")
        skill_ids = [r[0] for r in cursor.fetchall()]
    return Context(rng, now, Taxonomy.load(), donors, members, landlords, organisations, skill_ids)


def prepare_offers_only(seed: int, now: datetime) -> Context:
    """A context for adding offers to an existing instance (its donors give them)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_user WHERE role = 'donor' ORDER BY id")
        donors = [r[0] for r in cursor.fetchall()]
    return Context(np.random.default_rng(seed), now, Taxonomy.load(), donors, [], [], [], [])


def _created(rng: np.random.Generator, now: datetime, n: int, days: float) -> list[datetime]:
    ages = rng.uniform(0, days, n)
    return [now - timedelta(days=float(a)) for a in ages]


def _attributes(rng: np.random.Generator, allowed: dict[str, list[str]], p: float) -> str:
    chosen = {
        name: str(values[int(rng.integers(len(values)))])
        for name, values in allowed.items()
        if values and rng.random() < p
    }
    return json.dumps(chosen, ensure_ascii=False)


def supply_weights(ctx: Context) -> np.ndarray:
    return zipf_weights(len(ctx.taxonomy.leaves), np.random.default_rng(1_000_003))


def demand_weights(ctx: Context) -> np.ndarray:
    # Half the demand follows the supply's ranking, half its own: plentiful categories are
    # also asked for, and some asked-for categories are rarely given (scarce).
    other = zipf_weights(len(ctx.taxonomy.leaves), np.random.default_rng(2_000_003))
    w = 0.5 * supply_weights(ctx) + 0.5 * other
    return w / w.sum()


def load_offers(ctx: Context, n: int) -> tuple[int, int]:
    """`n` open, placed donation offers; returns (first id, last id)."""
    rng = ctx.rng
    start = _next_id("donations_donationoffer")
    lat, lon = sample_points(rng, n)
    leaves = ctx.taxonomy.leaves
    cats = np.array(leaves)[rng.choice(len(leaves), size=n, p=supply_weights(ctx))]
    quantity = np.minimum(rng.geometric(0.35, n), 50)
    radius_choice = np.array([2.0, 5.0, 10.0, 15.0, 25.0])
    radius = radius_choice[rng.integers(0, 5, n)]
    radius_null = rng.random(n) < 0.4
    condition = np.array(CONDITIONS)[rng.choice(4, size=n, p=CONDITION_P)]
    created = _created(rng, ctx.now, n, 60)
    donors = np.array(ctx.donors)[rng.integers(0, len(ctx.donors), n)]
    attr_p = rng.random(n)
    columns = PLACED_COLUMNS + (
        "id",
        "title",
        "description",
        "attributes",
        "quantity",
        "quantity_open",
        "condition",
        "delivery_radius_km",
        "category_id",
        "donor_id",
    )

    def rows() -> Iterator[tuple]:
        for i in range(n):
            cat = int(cats[i])
            allowed = ctx.taxonomy.allowed.get(cat) or {}
            attrs = _attributes(rng, allowed, 0.9) if allowed and attr_p[i] < 0.9 else "{}"
            yield _placed(lat[i], lon[i], created[i]) + (
                start + i,
                f"Offer {start + i}",
                "",
                attrs,
                int(quantity[i]),
                int(quantity[i]),
                condition[i],
                None if radius_null[i] else float(radius[i]),
                cat,
                int(donors[i]),
            )

    copy_rows("donations_donationoffer", columns, rows())
    _sync_identity(["donations_donationoffer"])
    return start, start + n - 1


NEED_QUANTITY_P = 0.07


def load_goods_needs(ctx: Context, n: int) -> None:
    rng = ctx.rng
    start = _next_id("donations_goodsneed")
    lat, lon = sample_points(rng, n)
    tax = ctx.taxonomy
    cats = np.array(tax.leaves)[rng.choice(len(tax.leaves), size=n, p=demand_weights(ctx))]
    # One need in ten asks for a whole parent category ("any clothing for children").
    to_parent = rng.random(n) < 0.1
    # An initiative asks for a shelter or a group, a donor gives from one household: needs are
    # several times larger than offers (mean ≈ 13 against ≈ 2.8 items), so that in all, as at a
    # real welcome centre, about as much is asked for as is given, plentiful in some categories
    # and scarce in others. (With needs of mean 5, supply was 2.9 × demand: see bench/README.)
    quantity = np.minimum(rng.geometric(NEED_QUANTITY_P, n), 100)
    deadline_days = rng.integers(0, 45, n)
    no_deadline = rng.random(n) < 0.4
    max_km = np.array([3.0, 5.0, 10.0, 15.0, 25.0])[rng.integers(0, 5, n)]
    max_null = rng.random(n) < 0.5
    created = _created(rng, ctx.now, n, 45)
    orgs = np.array(ctx.organisations)[rng.integers(0, len(ctx.organisations), n)]
    members = np.array(ctx.members)[rng.integers(0, len(ctx.members), n)]
    columns = PLACED_COLUMNS + (
        "id",
        "title",
        "description",
        "attributes",
        "quantity",
        "quantity_open",
        "deadline",
        "max_distance_km",
        "category_id",
        "created_by_id",
        "organisation_id",
    )

    def rows() -> Iterator[tuple]:
        for i in range(n):
            cat = int(cats[i])
            parent = tax.parents.get(cat)
            if to_parent[i] and parent is not None:
                cat, attrs = parent, "{}"
            else:
                attrs = _attributes(rng, tax.allowed.get(cat) or {}, 0.5)
            yield _placed(lat[i], lon[i], created[i]) + (
                start + i,
                f"Need {start + i}",
                "",
                attrs,
                int(quantity[i]),
                int(quantity[i]),
                None if no_deadline[i] else ctx.now.date() + timedelta(days=int(deadline_days[i])),
                None if max_null[i] else float(max_km[i]),
                cat,
                int(members[i]),
                int(orgs[i]),
            )

    copy_rows("donations_goodsneed", columns, rows())
    _sync_identity(["donations_goodsneed"])


def load_housing(ctx: Context, households: int, flats: int) -> None:
    rng = ctx.rng
    today = ctx.now.date()
    # Flats.
    start = _next_id("housing_housingoffer")
    lat, lon = sample_points(rng, flats)
    rooms = rng.choice(
        [1, 1.5, 2, 2.5, 3, 3.5, 4, 5], size=flats, p=[0.1, 0.05, 0.25, 0.1, 0.25, 0.05, 0.15, 0.05]
    )
    size = np.clip((rooms * 24 + rng.normal(8, 8, flats)).astype(int), 18, 200)
    occupants = np.clip((rooms + rng.integers(0, 3, flats)).astype(int), 1, 10)
    rent = np.round(np.clip(180 + size * 10.5 + rng.normal(0, 90, flats), 250, 3000), 2)
    created = _created(rng, ctx.now, flats, 30)
    landlords = np.array(ctx.landlords)[rng.integers(0, len(ctx.landlords), flats)]
    avail_from = rng.integers(-10, 60, flats)
    until = rng.integers(120, 720, flats)
    until_null = rng.random(flats) < 0.7
    min_stay = rng.choice([6, 12], size=flats)
    min_stay_null = rng.random(flats) < 0.8
    step_free = rng.random(flats) < 0.25
    pets = rng.random(flats) < 0.4
    copy_rows(
        "housing_housingoffer",
        PLACED_COLUMNS
        + (
            "id",
            "title",
            "description",
            "rooms",
            "size_m2",
            "warm_rent",
            "max_occupants",
            "floor",
            "step_free",
            "lift",
            "pets_allowed",
            "furnished",
            "available_from",
            "available_until",
            "min_stay_months",
            "landlord_id",
        ),
        (
            _placed(lat[i], lon[i], created[i])
            + (
                start + i,
                f"Flat {start + i}",
                "",
                f"{rooms[i]:.1f}",
                int(size[i]),
                f"{rent[i]:.2f}",
                int(occupants[i]),
                int(rng.integers(0, 6)),
                bool(step_free[i]),
                bool(step_free[i]),
                bool(pets[i]),
                False,
                today + timedelta(days=int(avail_from[i])),
                None
                if until_null[i]
                else today + timedelta(days=int(avail_from[i]) + int(until[i])),
                None if min_stay_null[i] else int(min_stay[i]),
                int(landlords[i]),
            )
            for i in range(flats)
        ),
    )
    # Households.
    start = _next_id("housing_housingneed")
    lat, lon = sample_points(rng, households)
    adults = rng.choice([1, 2, 3], size=households, p=[0.35, 0.5, 0.15])
    children = rng.choice([0, 1, 2, 3, 4], size=households, p=[0.35, 0.25, 0.2, 0.12, 0.08])
    persons = adults + children
    ceiling = np.round(np.clip(350 + persons * 170 + rng.normal(0, 80, households), 300, 3000), 2)
    created = _created(rng, ctx.now, households, 90)
    orgs = np.array(ctx.organisations)[rng.integers(0, len(ctx.organisations), households)]
    members = np.array(ctx.members)[rng.integers(0, len(ctx.members), households)]
    move_in = rng.integers(-20, 60, households)
    max_km = rng.choice([5.0, 10.0, 15.0, 20.0], size=households)
    stay = rng.choice([6, 12, 24], size=households)
    stay_null = rng.random(households) < 0.6
    needs_step_free = rng.random(households) < 0.08
    has_pets = rng.random(households) < 0.12
    copy_rows(
        "housing_housingneed",
        PLACED_COLUMNS
        + (
            "id",
            "title",
            "description",
            "adults",
            "children",
            "rent_ceiling",
            "needs_step_free",
            "has_pets",
            "move_in_date",
            "max_distance_km",
            "min_stay_months",
            "household_notes",
            "created_by_id",
            "organisation_id",
        ),
        (
            _placed(lat[i], lon[i], created[i])
            + (
                start + i,
                f"Household {start + i}",
                "",
                int(adults[i]),
                int(children[i]),
                f"{ceiling[i]:.2f}",
                bool(needs_step_free[i]),
                bool(has_pets[i]),
                today + timedelta(days=int(move_in[i])),
                float(max_km[i]),
                None if stay_null[i] else int(stay[i]),
                "",
                int(members[i]),
                int(orgs[i]),
            )
            for i in range(households)
        ),
    )
    _sync_identity(["housing_housingoffer", "housing_housingneed"])
    # The engine matches only flats of landlords a coordinator checked (identity seen,
    # HOUSING_MATCH_UNCHECKED_LANDLORDS off): every landlord here is. No draw from the
    # generator's random state, so the rest of the instance stays as it was.
    copy_rows(
        "accounts_check",
        ("subject_id", "kind", "note", "recorded_at", "withdrawal_reason"),
        ((int(user), "identity", "", ctx.now, "") for user in sorted(set(ctx.landlords))),
    )
    _sync_identity(["accounts_check"])


def load_volunteers(ctx: Context, volunteers: int, shifts: int) -> None:
    rng = ctx.rng
    now = ctx.now
    users = _users(rng, volunteers, "volunteer", "volunteer", now)
    start = _next_id("volunteers_volunteerprofile")
    lat, lon = sample_points(rng, volunteers)
    skill_w = zipf_weights(len(ctx.skill_ids), np.random.default_rng(3_000_017))
    created = _created(rng, now, volunteers, 120)
    radius = rng.choice(
        [2.0, 5.0, 10.0, 15.0, 25.0], size=volunteers, p=[0.15, 0.3, 0.3, 0.15, 0.1]
    )
    hours = rng.choice([2, 4, 6, 8, 12, 20], size=volunteers, p=[0.15, 0.3, 0.2, 0.2, 0.1, 0.05])
    profile_ids = list(range(start, start + volunteers))

    def languages() -> str:
        langs = [{"code": "de", "level": "native"}] if rng.random() < 0.7 else []
        for code in rng.choice(LANGUAGES[1:], size=int(rng.integers(0, 3)), replace=False):
            langs.append(
                {"code": str(code), "level": str(rng.choice(["basic", "fluent", "native"]))}
            )
        if not langs:
            langs = [{"code": "de", "level": "conversational"}]
        return json.dumps(langs)

    copy_rows(
        "volunteers_volunteerprofile",
        PLACED_COLUMNS
        + ("id", "languages", "travel_radius_km", "max_hours_per_week", "description", "user_id"),
        (
            _placed(lat[i], lon[i], created[i])
            + (profile_ids[i], languages(), float(radius[i]), int(hours[i]), "", users[i])
            for i in range(volunteers)
        ),
    )
    skill_rows, slot_rows, away_rows = [], [], []
    for pid in profile_ids:
        k = int(rng.integers(0, 5))
        for s in rng.choice(ctx.skill_ids, size=k, replace=False, p=skill_w):
            skill_rows.append((pid, int(s)))
        for day in rng.choice(7, size=int(rng.integers(2, 6)), replace=False):
            begin = int(rng.integers(7, 15))
            end = min(begin + int(rng.integers(4, 11)), 23)
            slot_rows.append((int(day), f"{begin:02d}:00", f"{end:02d}:00", pid))
        if rng.random() < 0.1:
            first = now.date() + timedelta(days=int(rng.integers(0, 20)))
            away_rows.append((first, first + timedelta(days=int(rng.integers(2, 14))), pid))
    copy_rows("volunteers_volunteerprofile_skills", ("volunteerprofile_id", "skill_id"), skill_rows)
    copy_rows("volunteers_availabilityslot", ("weekday", "start", "end", "profile_id"), slot_rows)
    copy_rows("volunteers_awayperiod", ("start", "end", "profile_id"), away_rows)
    # Needs with one to five shifts each, until `shifts` shifts exist.
    need_start = _next_id("volunteers_volunteerneed")
    need_rows, shift_rows, required_rows = [], [], []
    need_id = need_start
    while len(shift_rows) < shifts:
        nlat, nlon = sample_points(rng, 1)
        created_at = now - timedelta(days=float(rng.uniform(0, 30)))
        langs = [] if rng.random() < 0.6 else ["de"] if rng.random() < 0.5 else ["de", "uk"]
        max_km = None if rng.random() < 0.5 else float(rng.choice([5.0, 10.0, 15.0, 25.0]))
        need_rows.append(
            _placed(nlat[0], nlon[0], created_at)
            + (
                need_id,
                f"Task {need_id}",
                "",
                json.dumps(langs),
                max_km,
                int(ctx.members[int(rng.integers(len(ctx.members)))]),
                int(ctx.organisations[int(rng.integers(len(ctx.organisations)))]),
            )
        )
        if rng.random() < 0.5:
            k = int(rng.integers(1, 3))
            for s in rng.choice(ctx.skill_ids, size=k, replace=False, p=skill_w):
                required_rows.append((need_id, int(s)))
        for _ in range(min(int(rng.integers(1, 6)), shifts - len(shift_rows))):
            day = now.date() + timedelta(days=int(rng.integers(1, 15)))
            begin = datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo) + timedelta(
                hours=int(rng.integers(7, 17))
            )  # UTC hours; 8 to 18 o'clock in Leipzig
            people = int(rng.integers(1, 7))
            shift_rows.append(
                (begin, begin + timedelta(hours=int(rng.integers(2, 5))), people, people, need_id)
            )
        need_id += 1
    copy_rows(
        "volunteers_volunteerneed",
        PLACED_COLUMNS
        + (
            "id",
            "title",
            "description",
            "languages",
            "max_distance_km",
            "created_by_id",
            "organisation_id",
        ),
        need_rows,
    )
    copy_rows(
        "volunteers_volunteerneed_required_skills", ("volunteerneed_id", "skill_id"), required_rows
    )
    copy_rows("volunteers_shift", ("start", "end", "people", "people_open", "need_id"), shift_rows)
    _sync_identity(["volunteers_volunteerprofile", "volunteers_volunteerneed"])


# Hours of jobs and how often each is offered; people want one to three kinds.
JOB_HOURS = ("full_time", "part_time", "mini_job", "training", "internship")
JOB_HOURS_P = (0.45, 0.25, 0.1, 0.15, 0.05)
# 1–8 places per job, most with one or two (mean ≈ 3.3: 5,000 places in ≈ 1,500 jobs).
JOB_PLACES_P = (0.25, 0.2, 0.15, 0.12, 0.1, 0.08, 0.05, 0.05)
CEFR = ("", "A1", "A2", "B1", "B2", "C1", "C2")
JOB_GERMAN_P = (0.2, 0.15, 0.25, 0.25, 0.1, 0.05, 0.0)
SEEKER_GERMAN_P = (0.1, 0.2, 0.25, 0.25, 0.12, 0.06, 0.02)
JOB_SKILLS = (
    "driving licence b",
    "forklift licence",
    "first aid",
    "haccp",
    "excel",
    "customer service",
    "night shifts",
    "welding certificate",
)


def _pg_array(values: Iterable[str]) -> str:
    return "{" + ",".join(values) + "}"


def _occupations() -> tuple[list[str], dict[str, int], dict[str, str]]:
    """(unit group codes, id by code, group code by unit code) of the shared taxonomy."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.id, o.code, p.code FROM jobs_occupation o "
            "LEFT JOIN jobs_occupation p ON p.id = o.parent_id ORDER BY o.code"
        )
        rows = cursor.fetchall()
    ids = {code: pk for pk, code, _parent in rows}
    units = [code for _pk, code, parent in rows if parent is not None]
    return units, ids, {code: parent for _pk, code, parent in rows if parent is not None}


def load_jobs(ctx: Context, places: int, seekers: int, employers: int) -> None:
    """Employers (nine in ten checked), jobs with 1–8 places until `places` places exist, and
    `seekers` people looking for work, each with 1–3 occupations of experience.

    Occupations follow a Zipf law over the unit groups; people's experience follows half the
    jobs' ranking and half its own, so some occupations are sought after and others crowded.
    """
    rng = ctx.rng
    now = ctx.now
    today = now.date()
    units, occupation_ids, groups = _occupations()
    job_w = zipf_weights(len(units), np.random.default_rng(4_000_037))
    seeker_w = 0.5 * job_w + 0.5 * zipf_weights(len(units), np.random.default_rng(5_000_011))
    seeker_w /= seeker_w.sum()
    # Employers: organisations of their own with one admin member each.
    staff = _users(rng, employers, "donor", "employer", now)
    org_start = _next_id("accounts_organisation")
    orgs = list(range(org_start, org_start + employers))
    copy_rows(
        "accounts_organisation",
        ("id", "name", "kind", "city", "email", "created_at"),
        ((i, f"Bench employer {i}", "employer", "Leipzig", "", now) for i in orgs),
    )
    copy_rows(
        "accounts_membership",
        ("user_id", "organisation_id", "is_admin", "status", "created_at"),
        ((u, o, True, "active", now) for u, o in zip(staff, orgs, strict=True)),
    )
    checked = rng.random(employers) < 0.9
    copy_rows(
        "jobs_employer",
        ("organisation_id", "checked_at", "checked_by_id", "created_at"),
        ((o, now if checked[i] else None, None, now) for i, o in enumerate(orgs)),
    )
    # Jobs, until `places` places exist.
    job_rows = []
    job_id = _next_id("jobs_job")
    total = 0
    while total < places:
        k = min(int(rng.choice(8, p=JOB_PLACES_P)) + 1, places - total)
        total += k
        lat, lon = sample_points(rng, 1)
        who = int(rng.integers(employers))
        code = units[int(rng.choice(len(units), p=job_w))]
        if rng.random() < 0.1:
            code = groups[code]  # a whole group: "any work in construction"
        hours = JOB_HOURS[int(rng.choice(5, p=JOB_HOURS_P))]
        training = hours == "training"
        irrelevant = training and rng.random() < 0.7
        open_to = (
            [] if irrelevant else (["permit"] if rng.random() < 0.4 else ["approval", "permit"])
        )
        pay_min = None if rng.random() < 0.3 else round(float(rng.uniform(1600, 3400)), -1)
        languages = [] if rng.random() < 0.8 else [str(rng.choice(LANGUAGES[1:]))]
        skills = [] if rng.random() < 0.7 else [str(rng.choice(JOB_SKILLS))]
        created_at = now - timedelta(days=float(rng.uniform(0, 45)))
        job_rows.append(
            _placed(lat[0], lon[0], created_at)
            + (
                job_id,
                f"Job {job_id}",
                "",
                k,
                k,
                bool(rng.random() < 0.03),
                hours,
                today + timedelta(days=int(rng.integers(-10, 60))),
                pay_min,
                None if pay_min is None else pay_min + 400,
                "month",
                CEFR[int(rng.choice(7, p=JOB_GERMAN_P))],
                json.dumps(languages),
                _pg_array(skills),
                bool(rng.random() < 0.1),
                _pg_array(open_to),
                irrelevant,
                float(rng.choice([10.0, 20.0, 30.0, 50.0])),
                int(occupation_ids[code]),
                int(orgs[who]),
                int(staff[who]),
            )
        )
        job_id += 1
    copy_rows(
        "jobs_job",
        PLACED_COLUMNS
        + (
            "id",
            "title",
            "description",
            "places",
            "places_open",
            "remote",
            "hours",
            "start_date",
            "pay_min",
            "pay_max",
            "pay_period",
            "german_min",
            "languages",
            "skills",
            "requires_recognition",
            "open_to",
            "residence_irrelevant",
            "max_distance_km",
            "occupation_id",
            "organisation_id",
            "created_by_id",
        ),
        job_rows,
    )
    # People looking for work, each with an account of their own.
    people = _users(rng, seekers, "donor", "seeker", now)
    start = _next_id("jobs_jobseeker")
    lat, lon = sample_points(rng, seekers)
    created = _created(rng, now, seekers, 90)
    german = rng.choice(7, size=seekers, p=SEEKER_GERMAN_P)
    radius = rng.choice([5.0, 10.0, 15.0, 20.0, 30.0], size=seekers, p=[0.15, 0.25, 0.3, 0.2, 0.1])
    recognition = rng.choice(
        ["none", "in_recognition", "recognised"], size=seekers, p=[0.7, 0.15, 0.15]
    )
    permit = rng.random(seekers) < 0.65
    available = rng.integers(-30, 90, seekers)
    seeker_rows, experience_rows = [], []
    for i in range(seekers):
        pk = start + i
        wanted = rng.choice(5, size=int(rng.integers(1, 4)), replace=False, p=JOB_HOURS_P)
        langs = [
            str(c) for c in rng.choice(LANGUAGES[1:], size=int(rng.integers(1, 4)), replace=False)
        ]
        skills = [
            str(s) for s in rng.choice(JOB_SKILLS, size=int(rng.integers(0, 3)), replace=False)
        ]
        seeker_rows.append(
            _placed(lat[i], lon[i], created[i])
            + (
                pk,
                "",
                "",
                CEFR[int(german[i])],
                json.dumps(langs),
                _pg_array(sorted(skills)),
                _pg_array(sorted(JOB_HOURS[int(h)] for h in wanted)),
                float(radius[i]),
                today + timedelta(days=int(available[i])),
                str(recognition[i]),
                "permit" if permit[i] else "approval",
                "",
                int(people[i]),
            )
        )
        for j in rng.choice(len(units), size=int(rng.integers(1, 4)), replace=False, p=seeker_w):
            years = round(float(rng.exponential(4.0)), 1)
            experience_rows.append((pk, int(occupation_ids[units[int(j)]]), min(years, 40.0)))
    copy_rows(
        "jobs_jobseeker",
        PLACED_COLUMNS
        + (
            "id",
            "person_name",
            "person_phone",
            "german_level",
            "languages",
            "skills",
            "hours_wanted",
            "travel_radius_km",
            "available_from",
            "recognition",
            "residence",
            "description",
            "created_by_id",
        ),
        seeker_rows,
    )
    copy_rows("jobs_experience", ("job_seeker_id", "occupation_id", "years"), experience_rows)
    _sync_identity(
        ["accounts_organisation", "jobs_employer", "jobs_job", "jobs_jobseeker", "jobs_experience"]
    )


def analyze() -> None:
    with connection.cursor() as cursor:
        for table in BENCH_TABLES:
            cursor.execute(f"ANALYZE {table}")


def analyze_offers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE donations_donationoffer")


def delete_offers_after(last_id: int) -> None:
    """Remove offers above `last_id` (the million tranche) and tidy the table and indexes."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM donations_donationoffer WHERE id > %s", [last_id])
        cursor.execute("VACUUM ANALYZE donations_donationoffer")
    _sync_identity(["donations_donationoffer"])
