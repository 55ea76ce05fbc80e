"""A realistic Leipzig demo: initiatives, donors, goods, volunteers and housing.

Everything is keyed by something stable (usernames, organisation names, and (owner, title) for
needs and offers) and created only if missing, so loading twice creates nothing new and never
overwrites what a person changed since. Records go through the same services as real ones: they
are geocoded by the gazetteer and queued for matching once the transaction commits.

This module is the entry point and holds the people, initiatives and goods; the volunteers are
in demo/volunteers.py, the flats and households in demo/housing.py, and the information hub in
demo/rooms.py, demo/events.py, demo/directory.py and demo/content.py.

The names, organisations and addresses are invented; any likeness to real ones is chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError
from rest_framework.authtoken.models import Token

from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from demo.base import (
    CONNEWITZ,
    DEMO_PASSWORD,
    FRAUENCAFE,
    GENOSSENSCHAFT,
    LERNBRUECKE,
    SALAM,
    SHELTER,
    SONIASHNYK,
    DemoReport,
    DemoUser,
)
from demo.content import load_content
from demo.directory import load_directory
from demo.events import load_events
from demo.housing import LANDLORDS, load_housing
from demo.jobs import load_jobs
from demo.rooms import CITY, CITY_EMAIL, load_rooms
from demo.volunteers import VOLUNTEERS, load_volunteers
from demo.workflow import walk_demo_matches
from donations.models import Category, Condition, DonationOffer, GoodsNeed
from donations.services import create_donation_offer, create_goods_need
from housing.models import HousingNeed, HousingOffer
from matching.models import Match
from volunteers.models import (
    AvailabilitySlot,
    AwayPeriod,
    Shift,
    VolunteerNeed,
    VolunteerProfile,
)

ADMIN_URL = "http://localhost:8000/admin/"
API_DOCS_URL = "http://localhost:8000/api/v1/docs/"

COORDINATOR_USERNAME = "koordination"
ADMIN_USERNAME = "admin"
# The logins the summary suggests for trying each side of the platform: (what the person does,
# username, an API list that shows them something of their own).
EXAMPLE_LOGINS = (
    ("coordinator", COORDINATOR_USERNAME, "matches/"),
    ("initiative member", "sabine.krueger", "housing-needs/"),
    ("volunteer", "yuliia.hnatiuk", "volunteer-profiles/"),
    ("landlord", "bianca.kern", "housing-offers/"),
    ("donor", "thomas.mueller", "donation-offers/"),
)
COORDINATORS_GROUP = "Coordinators"
# What coordinators may see and change in the admin. The rows edited inline (shifts, weekly
# slots, away periods) need their own permissions, or the admin hides the inlines.
COORDINATOR_MODELS = (
    Match,
    GoodsNeed,
    DonationOffer,
    Category,
    Organisation,
    VolunteerProfile,
    AvailabilitySlot,
    AwayPeriod,
    VolunteerNeed,
    Shift,
    HousingOffer,
    HousingNeed,
)
COORDINATOR_ACTIONS = ("view", "change")


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    email: str
    # (username, is_admin) of the active members.
    members: tuple[tuple[str, bool], ...]
    kind: str = OrganisationKind.INITIATIVE
    city: str = "Leipzig"


@dataclass(frozen=True)
class DemoNeed:
    username: str
    organisation: str
    title: str
    category: str
    quantity: int
    address: str
    deadline_in_days: int
    attributes: dict = field(default_factory=dict)
    description: str = ""
    max_distance_km: float | None = None


@dataclass(frozen=True)
class DemoOffer:
    username: str
    title: str
    category: str
    quantity: int
    address: str
    attributes: dict = field(default_factory=dict)
    description: str = ""
    condition: str = Condition.GOOD
    delivery_radius_km: float | None = None


STAFF = (
    DemoUser(COORDINATOR_USERNAME, "Katharina", "Neumann", "de", Role.COORDINATOR),
    DemoUser(ADMIN_USERNAME, "Stefan", "Brandt", "en", Role.ADMIN),
)

MEMBERS = (
    DemoUser("sabine.krueger", "Sabine", "Krüger", "de", Role.INITIATIVE_MEMBER),
    DemoUser("oleksandr.bondar", "Oleksandr", "Bondar", "uk", Role.INITIATIVE_MEMBER),
    DemoUser("amira.haddad", "Amira", "Haddad", "ar", Role.INITIATIVE_MEMBER),
    DemoUser("karim.nasser", "Karim", "Nasser", "en", Role.INITIATIVE_MEMBER),
    DemoUser("jonas.weber", "Jonas", "Weber", "de", Role.INITIATIVE_MEMBER),
    DemoUser("claudia.hoffmann", "Claudia", "Hoffmann", "de", Role.INITIATIVE_MEMBER),
    DemoUser("farah.rahimi", "Farah", "Rahimi", "en", Role.INITIATIVE_MEMBER),
    DemoUser("leila.mansour", "Leila", "Mansour", "ar", Role.INITIATIVE_MEMBER),
    DemoUser("anna.schubert", "Anna", "Schubert", "de", Role.INITIATIVE_MEMBER),
    DemoUser("iryna.kovalenko", "Iryna", "Kovalenko", "uk", Role.INITIATIVE_MEMBER),
    DemoUser("dmytro.shevchuk", "Dmytro", "Shevchuk", "uk", Role.INITIATIVE_MEMBER),
)

DONORS = (
    DemoUser("thomas.mueller", "Thomas", "Müller", "de"),
    DemoUser("petra.lange", "Petra", "Lange", "de"),
    DemoUser("mehmet.yilmaz", "Mehmet", "Yılmaz", "de"),
    DemoUser("lena.fischer", "Lena", "Fischer", "de"),
    DemoUser("julia.becker", "Julia", "Becker", "en"),
    DemoUser("david.okafor", "David", "Okafor", "en"),
    DemoUser("priya.sharma", "Priya", "Sharma", "en"),
    DemoUser("olena.melnyk", "Olena", "Melnyk", "uk"),
    DemoUser("andrii.tkachenko", "Andrii", "Tkachenko", "uk"),
    DemoUser("nour.saleh", "Nour", "Saleh", "ar"),
    DemoUser("rami.darwish", "Rami", "Darwish", "ar"),
    DemoUser("katrin.vogel", "Katrin", "Vogel", "de"),
    DemoUser("jakob.richter", "Jakob", "Richter", "de"),
    DemoUser("frank.zimmermann", "Frank", "Zimmermann", "de"),
    DemoUser("marie.lehmann", "Marie", "Lehmann", "de"),
)

USERS = STAFF + MEMBERS + DONORS + VOLUNTEERS + LANDLORDS

ORGANISATIONS = (
    DemoOrganisation(
        SHELTER,
        "unterkunft-gruenau@example.org",
        (("sabine.krueger", True), ("oleksandr.bondar", False)),
    ),
    DemoOrganisation(
        SALAM, "kontakt@salam-ost.example.org", (("amira.haddad", True), ("karim.nasser", False))
    ),
    DemoOrganisation(CONNEWITZ, "connewitz-hilft@example.org", (("jonas.weber", True),)),
    DemoOrganisation(
        LERNBRUECKE,
        "info@lernbruecke-gohlis.example.org",
        (("claudia.hoffmann", True), ("farah.rahimi", False)),
    ),
    DemoOrganisation(
        FRAUENCAFE,
        "frauencafe-lindenau@example.org",
        (("leila.mansour", True), ("anna.schubert", False)),
    ),
    DemoOrganisation(
        SONIASHNYK,
        "soniashnyk@example.org",
        (("iryna.kovalenko", True), ("dmytro.shevchuk", False)),
    ),
    # The landlord of the cooperative's flats (demo/housing.py) is its staff member.
    DemoOrganisation(
        GENOSSENSCHAFT,
        "vermietung@parkblick-leipzig.example.org",
        (("bianca.kern", True),),
        kind=OrganisationKind.HOUSING_COMPANY,
    ),
    # The city's welcome centre offers rooms (demo/rooms.py); its coordinator keeps them.
    DemoOrganisation(
        CITY, CITY_EMAIL, ((COORDINATOR_USERNAME, True),), kind=OrganisationKind.WELCOME_CENTRE
    ),
)

NEEDS = (
    # The shelter in Grünau: families arriving with little more than a suitcase.
    DemoNeed(
        "sabine.krueger",
        SHELTER,
        "Winterjacken für Erwachsene, Größe M",
        "clothing-winter-jacket",
        6,
        "Stuttgarter Allee, Leipzig-Grünau",
        21,
        {"size": "M"},
        "Für neu angekommene Bewohner*innen. Abgabe Mo–Fr 9–16 Uhr an der Pforte.",
    ),
    DemoNeed(
        "sabine.krueger",
        SHELTER,
        "Winterjacken für Erwachsene, Größe L",
        "clothing-winter-jacket",
        4,
        "Stuttgarter Allee, Leipzig-Grünau",
        21,
        {"size": "L"},
    ),
    DemoNeed(
        "oleksandr.bondar",
        SHELTER,
        "Winterstiefel Größe 38",
        "shoes-winter-boots",
        3,
        "Leipzig-Grünau",
        14,
        {"shoe_size": "38"},
        "Gefüttert, gern gebraucht. / Утеплені, можна вживані.",
    ),
    DemoNeed(
        "sabine.krueger",
        SHELTER,
        "Betten mit Lattenrost",
        "furniture-bed",
        4,
        "04209 Leipzig",
        28,
        description="Einzelbetten 90x200 für zwei Familienzimmer. Abholung möglich.",
    ),
    DemoNeed(
        "oleksandr.bondar",
        SHELTER,
        "Warme Decken",
        "bedding-blanket",
        15,
        "Leipzig-Grünau",
        14,
    ),
    DemoNeed(
        "sabine.krueger",
        SHELTER,
        "Windeln Größe 4",
        "hygiene-diapers",
        10,
        "Stuttgarter Allee, Leipzig-Grünau",
        10,
        {"size": "4"},
        "Packungen, gern angebrochen.",
    ),
    # Self-organisation in the east, around the Eisenbahnstraße.
    DemoNeed(
        "amira.haddad",
        SALAM,
        "Laptops für den Deutschkurs",
        "electronics-laptop",
        3,
        "Eisenbahnstraße, 04315 Leipzig",
        35,
        description="Zum Üben für Online-Sprachkurse und Bewerbungen. Ladegerät bitte mitgeben.",
    ),
    DemoNeed(
        "karim.nasser",
        SALAM,
        "Bicycles for getting to work",
        "mobility-adult-bicycle",
        4,
        "Volkmarsdorf, Leipzig",
        28,
        description="For people starting jobs in the logistics parks. Roadworthy please.",
    ),
    DemoNeed(
        "amira.haddad",
        SALAM,
        "Töpfe und Pfannen für die Gemeinschaftsküche",
        "kitchen-cookware",
        5,
        "Leipzig-Neustadt",
        21,
    ),
    DemoNeed(
        "karim.nasser",
        SALAM,
        "Children's winter clothes, size 116",
        "clothing-children",
        4,
        "Eisenbahnstraße, 04315 Leipzig",
        14,
        {"size": "116"},
    ),
    # Neighbourhood group in Connewitz: furnishing first flats.
    DemoNeed(
        "jonas.weber",
        CONNEWITZ,
        "Kleiderschrank für die erste eigene Wohnung",
        "furniture-wardrobe",
        1,
        "Connewitz, Leipzig",
        30,
        description="Wir holen ab und bauen auf, innerhalb von Leipzig.",
        max_distance_km=8,
    ),
    DemoNeed(
        "jonas.weber",
        CONNEWITZ,
        "Küchenstühle",
        "furniture-chair",
        4,
        "04277 Leipzig",
        30,
    ),
    DemoNeed(
        "jonas.weber",
        CONNEWITZ,
        "Winterjacke Größe S",
        "clothing-winter-jacket",
        2,
        "Connewitz, Leipzig",
        21,
        {"size": "S"},
    ),
    # School-support club in Gohlis.
    DemoNeed(
        "claudia.hoffmann",
        LERNBRUECKE,
        "Schulranzen für Erstklässler*innen",
        "school-backpack",
        8,
        "Gohlis, Leipzig",
        14,
        description="Für Kinder, die nach den Ferien eingeschult werden.",
    ),
    DemoNeed(
        "farah.rahimi",
        LERNBRUECKE,
        "Laptops for the homework club",
        "electronics-laptop",
        2,
        "04155 Leipzig-Gohlis",
        42,
    ),
    DemoNeed(
        "claudia.hoffmann",
        LERNBRUECKE,
        "Hefte, Stifte und Federmappen",
        "school-stationery",
        20,
        "Gohlis, Leipzig",
        21,
    ),
    # Women's café in Lindenau: mothers with babies and toddlers.
    DemoNeed(
        "leila.mansour",
        FRAUENCAFE,
        "Windeln Größe 3",
        "hygiene-diapers",
        12,
        "Georg-Schwarz-Straße, 04177 Leipzig",
        10,
        {"size": "3"},
    ),
    DemoNeed(
        "anna.schubert",
        FRAUENCAFE,
        "Kinderwagen für zwei Mütter",
        "baby-stroller",
        2,
        "Lindenau, Leipzig",
        21,
    ),
    DemoNeed(
        "leila.mansour",
        FRAUENCAFE,
        "Kinderbett",
        "baby-cot",
        1,
        "04177 Leipzig",
        28,
    ),
    DemoNeed(
        "anna.schubert",
        FRAUENCAFE,
        "Spielzeug für die Spielecke (1–3 Jahre)",
        "baby-toys",
        10,
        "Lindenau, Leipzig",
        35,
        {"age": "1-3"},
    ),
    # Ukrainian neighbourhood help in Schönefeld.
    DemoNeed(
        "iryna.kovalenko",
        SONIASHNYK,
        "Smartphones für Termine bei Ämtern",
        "electronics-phone",
        3,
        "Schönefeld, Leipzig",
        28,
        description="Für Geflüchtete ohne eigenes Handy; Termine und Bescheide kommen per SMS.",
    ),
    DemoNeed(
        "dmytro.shevchuk",
        SONIASHNYK,
        "Winterstiefel Größe 42",
        "shoes-winter-boots",
        2,
        "04347 Leipzig",
        14,
        {"shoe_size": "42"},
    ),
)

OFFERS = (
    DemoOffer(
        "thomas.mueller",
        "Winterjacke Herren, Größe L",
        "clothing-winter-jacket",
        1,
        "Karl-Liebknecht-Straße, 04275 Leipzig",
        {"size": "L"},
        "Daunenjacke, zwei Winter getragen.",
        Condition.LIKE_NEW,
    ),
    DemoOffer(
        "thomas.mueller",
        "Trekkingrad 28 Zoll",
        "mobility-adult-bicycle",
        1,
        "Karl-Liebknecht-Straße, 04275 Leipzig",
        description="Licht und Bremsen funktionieren, Schloss ist dabei.",
        condition=Condition.USED,
    ),
    DemoOffer(
        "petra.lange",
        "Wolldecken, frisch gewaschen",
        "bedding-blanket",
        6,
        "Leipzig-Grünau",
    ),
    DemoOffer(
        "petra.lange",
        "Kombi-Kinderwagen mit Babywanne",
        "baby-stroller",
        1,
        "Leipzig-Grünau",
    ),
    DemoOffer(
        "mehmet.yilmaz",
        "Topfset, 5-teilig",
        "kitchen-cookware",
        3,
        "Eisenbahnstraße, 04315 Leipzig",
        condition=Condition.NEW,
    ),
    DemoOffer(
        "mehmet.yilmaz",
        "Winterstiefel Herren Gr. 42",
        "shoes-winter-boots",
        1,
        "Eisenbahnstraße, 04315 Leipzig",
        {"shoe_size": "42"},
    ),
    DemoOffer(
        "lena.fischer",
        "Kleiderschrank, zerlegt",
        "furniture-wardrobe",
        1,
        "Connewitz, Leipzig",
        description="Zwei Türen, 100 cm breit. Muss bis Monatsende abgeholt werden.",
    ),
    DemoOffer(
        "lena.fischer",
        "Winterjacke Damen, Größe S",
        "clothing-winter-jacket",
        2,
        "Connewitz, Leipzig",
        {"size": "S"},
    ),
    DemoOffer(
        "julia.becker",
        "Laptop (ThinkPad, 2018), wiped and reset",
        "electronics-laptop",
        1,
        "04109 Leipzig",
        description="Fresh Linux install, charger included.",
    ),
    DemoOffer(
        "julia.becker",
        "Winter jackets, size M",
        "clothing-winter-jacket",
        2,
        "04109 Leipzig",
        {"size": "M"},
    ),
    DemoOffer(
        "david.okafor",
        "Adult bikes, serviced",
        "mobility-adult-bicycle",
        2,
        "Plagwitz, Leipzig",
        description="Checked at a bike workshop last month.",
    ),
    DemoOffer(
        "david.okafor",
        "School backpacks, barely used",
        "school-backpack",
        3,
        "Plagwitz, Leipzig",
        condition=Condition.LIKE_NEW,
    ),
    DemoOffer(
        "priya.sharma",
        "Children's winter clothes, size 116",
        "clothing-children",
        4,
        "04155 Leipzig-Gohlis",
        {"size": "116"},
    ),
    DemoOffer(
        "priya.sharma",
        "Stationery: exercise books and pencil cases",
        "school-stationery",
        10,
        "04155 Leipzig-Gohlis",
        condition=Condition.NEW,
    ),
    DemoOffer(
        "olena.melnyk",
        "Kinderbett mit Matratze",
        "baby-cot",
        1,
        "Schönefeld, Leipzig",
    ),
    DemoOffer(
        "olena.melnyk",
        "Spielzeug für Kleinkinder",
        "baby-toys",
        6,
        "Schönefeld, Leipzig",
        {"age": "1-3"},
    ),
    DemoOffer(
        "andrii.tkachenko",
        "Android-Smartphones, zurückgesetzt",
        "electronics-phone",
        2,
        "04318 Leipzig",
    ),
    DemoOffer(
        "andrii.tkachenko",
        "Winterstiefel Gr. 38",
        "shoes-winter-boots",
        2,
        "04318 Leipzig",
        {"shoe_size": "38"},
    ),
    DemoOffer(
        "nour.saleh",
        "Windeln Größe 3, originalverpackt",
        "hygiene-diapers",
        8,
        "Lindenau, Leipzig",
        {"size": "3"},
        condition=Condition.NEW,
    ),
    DemoOffer(
        "nour.saleh",
        "Buggy, zusammenklappbar",
        "baby-stroller",
        1,
        "Lindenau, Leipzig",
    ),
    DemoOffer(
        "rami.darwish",
        "Bett 90x200 mit Lattenrost",
        "furniture-bed",
        2,
        "Paunsdorf, Leipzig",
        description="Kann zerlegt werden, Transporter vorhanden.",
        delivery_radius_km=20,
    ),
    DemoOffer(
        "rami.darwish",
        "Küchenstühle aus Holz",
        "furniture-chair",
        4,
        "Paunsdorf, Leipzig",
    ),
    DemoOffer(
        "katrin.vogel",
        "Einzelbett",
        "furniture-bed",
        1,
        "Markkleeberg",
    ),
    DemoOffer(
        "katrin.vogel",
        "Fleecedecken",
        "bedding-blanket",
        4,
        "Markkleeberg",
        condition=Condition.NEW,
    ),
    DemoOffer(
        "katrin.vogel",
        "Schulranzen mit Turnbeutel",
        "school-backpack",
        2,
        "Markkleeberg",
    ),
    DemoOffer(
        "jakob.richter",
        "Damenfahrrad",
        "mobility-adult-bicycle",
        1,
        "Taucha",
        condition=Condition.USED,
    ),
    DemoOffer(
        "jakob.richter",
        "Laptop mit Windows 10",
        "electronics-laptop",
        1,
        "Taucha",
    ),
    DemoOffer(
        "frank.zimmermann",
        "Winterjacken Größe M",
        "clothing-winter-jacket",
        3,
        "06108 Halle (Saale)",
        {"size": "M"},
    ),
    DemoOffer(
        "frank.zimmermann",
        "Kinderwagen",
        "baby-stroller",
        1,
        "Halle (Saale)",
    ),
    DemoOffer(
        "marie.lehmann",
        "Laptops aus Büroauflösung",
        "electronics-laptop",
        2,
        "01069 Dresden",
        delivery_radius_km=10,
    ),
    DemoOffer(
        "marie.lehmann",
        "Windeln Größe 4",
        "hygiene-diapers",
        5,
        "Dresden",
        {"size": "4"},
        condition=Condition.NEW,
    ),
)


def load_demo(
    today: date | None = None,
    *,
    grant_coordinator_permissions: bool = False,
    walk_matches: bool = False,
) -> DemoReport:
    """Create whatever of the demo is missing; return what was created and what was there.

    `grant_coordinator_permissions` adds the demo's permissions that an existing Coordinators
    group lacks (e.g. for kinds of records added after the group was made); none are removed.
    `walk_matches` matches the demo at once and moves a few matches along the workflow
    (`demo.workflow`).
    """
    today = today or timezone.localdate()
    report = DemoReport()
    try:
        with transaction.atomic():
            _load(report, today, grant_coordinator_permissions)
    except BrokerError as exc:
        # Raised by the matching messages sent after the commit: the data is saved and flagged
        # for matching, so the periodic sweep enqueues it once the broker is back.
        report.warnings.append(
            f"Could not queue matching ({exc}); the worker's sweep will match the demo later."
        )
        return report
    if not walk_matches:
        return report
    try:
        report.workflow = walk_demo_matches(User.objects.get(username=COORDINATOR_USERNAME))
    except (BrokerError, RedisError) as exc:
        report.warnings.append(f"Could not queue the demo's notifications ({exc}).")
    return report


def _load(report: DemoReport, today: date, grant_coordinator_permissions: bool) -> None:
    group = _coordinators_group(report, grant_coordinator_permissions)
    users = {spec.username: _user(spec, group, report) for spec in USERS}
    organisations = {spec.name: _organisation(spec, users, report) for spec in ORGANISATIONS}
    categories = {c.slug: c for c in Category.objects.all()}
    for need in NEEDS:
        _need(
            need, users[need.username], organisations[need.organisation], categories, today, report
        )
    for offer in OFFERS:
        _offer(offer, users[offer.username], categories, report)
    load_volunteers(users, organisations, today, report, users[COORDINATOR_USERNAME])
    load_housing(users, organisations, today, report, users[COORDINATOR_USERNAME])
    # The information hub (issue 14): rooms, events and courses, the directory of services.
    load_rooms(report)
    load_events(report, today)
    load_directory(report)
    load_content(report)
    load_jobs(today, report, users[COORDINATOR_USERNAME])
    for spec in USERS:
        user = users[spec.username]
        token, _created = Token.objects.get_or_create(user=user)
        report.accounts.append((user.username, user.role, user.preferred_language, token.key))


def _coordinators_group(report: DemoReport, grant: bool) -> Group:
    group, created = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    report.count("groups", created)
    permissions = coordinator_permissions()
    if created or grant:
        group.permissions.add(*permissions)
        return group
    # Only a new group gets its permissions unasked: an admin may have removed some since on
    # purpose. Say what is missing (typically kinds of records newer than the group).
    have = set(group.permissions.values_list("pk", flat=True))
    missing = sorted(p.codename for p in permissions if p.pk not in have)
    if missing:
        report.warnings.append(
            f"The existing {COORDINATORS_GROUP} group lacks {len(missing)} of the demo's "
            f"permissions ({', '.join(missing[:4])}{', …' if len(missing) > 4 else ''}). "
            "Add them in the admin, or run `manage.py load_demo --grant-coordinator-permissions`."
        )
    return group


def coordinator_permissions() -> list[Permission]:
    permissions = []
    for model in COORDINATOR_MODELS:
        content_type = ContentType.objects.get_for_model(model)
        for action in COORDINATOR_ACTIONS:
            codename = f"{action}_{model._meta.model_name}"
            permissions.append(Permission.objects.get(content_type=content_type, codename=codename))
    return permissions


def _user(spec: DemoUser, group: Group, report: DemoReport) -> User:
    user = User.objects.filter(username=spec.username).first()
    report.count("users", user is None)
    if user is not None:
        return user
    fields = {
        "email": spec.email,
        "first_name": spec.first_name,
        "last_name": spec.last_name,
        "role": spec.role,
        "preferred_language": spec.language,
    }
    if spec.role == Role.ADMIN:
        return User.objects.create_superuser(spec.username, password=DEMO_PASSWORD, **fields)
    user = User.objects.create_user(
        spec.username,
        password=DEMO_PASSWORD,
        is_staff=spec.role == Role.COORDINATOR,
        **fields,
    )
    if spec.role == Role.COORDINATOR:
        user.groups.add(group)
    return user


def _organisation(
    spec: DemoOrganisation, users: dict[str, User], report: DemoReport
) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        name=spec.name, defaults={"kind": spec.kind, "city": spec.city, "email": spec.email}
    )
    report.count("organisations", created)
    for username, is_admin in spec.members:
        _membership, created = Membership.objects.get_or_create(
            user=users[username],
            organisation=organisation,
            defaults={"is_admin": is_admin, "status": Membership.Status.ACTIVE},
        )
        report.count("memberships", created)
    return organisation


def _need(
    spec: DemoNeed,
    user: User,
    organisation: Organisation,
    categories: dict[str, Category],
    today: date,
    report: DemoReport,
) -> None:
    exists = GoodsNeed.objects.filter(created_by=user, title=spec.title).exists()
    if exists:
        report.count("needs", False)
        return
    try:
        create_goods_need(
            user=user,
            organisation=organisation,
            title=spec.title,
            category=categories[spec.category],
            quantity=spec.quantity,
            address=spec.address,
            attributes=dict(spec.attributes),
            description=spec.description,
            deadline=today + timedelta(days=spec.deadline_in_days),
            max_distance_km=spec.max_distance_km,
        )
    except ValidationError as exc:
        # E.g. someone ended the member's membership since the last load.
        report.warnings.append(f"Need “{spec.title}” of {user.username} skipped: {exc.messages}")
        return
    report.count("needs", True)


def _offer(
    spec: DemoOffer, user: User, categories: dict[str, Category], report: DemoReport
) -> None:
    exists = DonationOffer.objects.filter(donor=user, title=spec.title).exists()
    if exists:
        report.count("offers", False)
        return
    try:
        create_donation_offer(
            user=user,
            title=spec.title,
            category=categories[spec.category],
            quantity=spec.quantity,
            address=spec.address,
            attributes=dict(spec.attributes),
            description=spec.description,
            condition=spec.condition,
            delivery_radius_km=spec.delivery_radius_km,
        )
    except ValidationError as exc:
        report.warnings.append(f"Offer “{spec.title}” of {user.username} skipped: {exc.messages}")
        return
    report.count("offers", True)
