"""`jisr seed_demo`: two demo organisations with one user per role and a few generated people.

Names are *generated* by combining common given and family names at random (fixed seed): they belong
to no one. Passwords: the one given with --password, else JISR_DEMO_PASSWORD, else a random one kept
in JISR_DATA_DIR/demo_password (printed). Idempotent: does nothing if `demo-ma` exists.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from jisr.accounts.models import Membership, Organisation, Team, User
from jisr.accounts.roles import Role
from jisr.care.demo import seed_care_demo
from jisr.cases.models import RiskLevel, TrmStage
from jisr.cases.services import case_note_add, case_open, case_set_risk, case_set_stage
from jisr.identification.demo import seed_identification_demo
from jisr.referrals.demo import seed_referrals_demo
from jisr.roadmap.demo import seed_roadmap_demo
from jisr.survivors.identity import Identity
from jisr.survivors.models import Sex
from jisr.survivors.services import person_register

# (Arabic script, Latin script) — common names, combined at random into people who do not exist.
GIVEN_F = [
    ("فاطمة", "Fatima"),
    ("خديجة", "Khadija"),
    ("زينب", "Zineb"),
    ("مريم", "Meryem"),
    ("سلمى", "Salma"),
    ("نادية", "Nadia"),
    ("أمينة", "Amina"),
    ("حنان", "Hanane"),
    ("سعاد", "Souad"),
    ("إيمان", "Imane"),
    ("شيماء", "Chaimae"),
    ("هند", "Hind"),
]
GIVEN_M = [("محمد", "Mohamed"), ("يوسف", "Youssef"), ("أحمد", "Ahmed"), ("عمر", "Omar")]
FAMILY = [
    ("بن علي", "Benali"),
    ("العمراني", "El Amrani"),
    ("الإدريسي", "El Idrissi"),
    ("بنعيسى", "Benaissa"),
    ("الحسني", "El Hassani"),
    ("التازي", "Tazi"),
    ("الفاسي", "El Fassi"),
    ("بوزيد", "Bouzid"),
    ("الشرقاوي", "Cherkaoui"),
    ("العلوي", "Alaoui"),
]
GIVEN_ES = ["Lucía", "María", "Carmen", "Ana", "Rosa", "Grace", "Blessing", "Joy"]
GIVEN_ES_M = ["Javier", "Carlos", "David", "Emeka", "Kwame", "Ibrahima"]
FAMILY_ES = ["García", "Martín", "López", "Okafor", "Eze", "Sánchez", "Mensah", "Pérez"]


def given_names(country: str, sex: str) -> list[tuple[str, str]]:
    """The (Arabic script, Latin script) given names a generated person of `sex` is named from, so that
    the name agrees with the sex recorded (the Spanish lists have no Arabic script: both are the Latin)."""
    male = sex == Sex.MASCULINE
    if country == "MA":
        return GIVEN_M if male else GIVEN_F
    return [(g, g) for g in (GIVEN_ES_M if male else GIVEN_ES)]

ORGS = [
    {
        "slug": "demo-ma",
        "name": "جمعية تجريبية لحقوق النساء (Demo MA)",
        "country": "MA",
        "kind": "ngo",
        "code_prefix": "MA-DEMO",
        "languages": ["ar", "fr"],
        "time_zone": "Africa/Casablanca",
        "team": "Tanger",
        "user_prefix": "ma",
    },
    {
        "slug": "demo-es",
        "name": "ONG de demostración (Demo ES)",
        "country": "ES",
        "kind": "ngo",
        "code_prefix": "ES-DEMO",
        "languages": ["es"],
        "time_zone": "Europe/Madrid",
        "team": "Madrid",
        "user_prefix": "es",
    },
]
ROLE_USERNAMES = {
    Role.CASE_WORKER: "caseworker",
    Role.SUPERVISOR: "supervisor",
    Role.COORDINATOR: "coordinator",
    Role.PARTNER_FOCAL_POINT: "focalpoint",
    Role.ANALYST: "analyst",
    Role.ROADMAP_MEMBER: "roadmap",
}


def demo_password(explicit: str | None) -> str:
    import os

    if explicit:
        return explicit
    if os.environ.get("JISR_DEMO_PASSWORD"):
        return os.environ["JISR_DEMO_PASSWORD"]
    path = Path(settings.DATA_DIR) / "demo_password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("demo-" + secrets.token_urlsafe(9) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


class Command(BaseCommand):
    help = "Create two demo organisations (demo-ma, demo-es) with one user per role and generated people."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="password for every demo user (default: generated, printed)")
        parser.add_argument("--people", type=int, default=6, help="generated people per organisation")
        parser.add_argument(
            "--history",
            type=int,
            default=0,
            help="also generated past cases per organisation, opened over the last eight completed calendar "
            "quarters (and closed): enough for the analyst's quarterly statistics and a k = 11 microdata "
            "file (try 200)",
        )

    def handle(self, *args: object, **options: object) -> None:
        password = demo_password(options.get("password"))  # type: ignore[arg-type]
        if Organisation.objects.filter(slug="demo-ma").exists():
            self.stdout.write("demo data already present; nothing changed")
        else:
            with transaction.atomic():
                orgs = [self._seed_org(spec, password, int(options["people"])) for spec in ORGS]  # type: ignore[call-overload]
                for org in orgs:
                    _seed_history(org, int(options["history"]))  # type: ignore[call-overload]
                for org in orgs:
                    seed_identification_demo(org)
                    seed_care_demo(org)
                seed_roadmap_demo(orgs)  # the Rabat meeting of 8 May 2025 first
                seed_referrals_demo(orgs)  # referral consents naming the other demo organisation and the partner
            self.stdout.write(self.style.SUCCESS("demo data created"))
        self.stdout.write(login_help(password))

    def _seed_org(self, spec: dict, password: str, people: int) -> Organisation:
        org = Organisation.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            country=spec["country"],
            kind=spec["kind"],
            code_prefix=spec["code_prefix"],
            languages=spec["languages"],
            time_zone=spec["time_zone"],
        )
        team = Team.objects.create(organisation=org, name=spec["team"])
        users = {}
        for role, suffix in ROLE_USERNAMES.items():
            user = User.objects.create_user(
                f"{spec['user_prefix']}-{suffix}", password=password, preferred_language=spec["languages"][0]
            )
            Membership.objects.create(
                user=user,
                organisation=org,
                role=role,
                team=team if role in (Role.CASE_WORKER, Role.SUPERVISOR) else None,
            )
            users[role] = user
        rng = random.Random(f"jisr-demo-{spec['slug']}")  # fixed seed: the README can name a demo person
        worker = users[Role.CASE_WORKER]
        today = dt.date.today()
        for i in range(people):
            # Decided first, and the given name drawn from the list of that sex: a name that agrees with it.
            sex = Sex.MASCULINE if (spec["country"] == "MA" and i and i % 5 == 0) else Sex.FEMININE
            if spec["country"] == "MA":
                (g_ar, g_lat) = rng.choice(given_names("MA", sex)) if i else GIVEN_F[0]
                (f_ar, f_lat) = rng.choice(FAMILY) if i else FAMILY[0]
                identity = Identity(
                    given_name=g_ar,
                    family_name=f_ar,
                    given_name_latin=g_lat,
                    family_name_latin=f_lat,
                    phone=f"+2126{rng.randrange(10_000_000, 99_999_999)}",
                )
                nationality = rng.choice(["MA", "MA", "NG", "CI", "CM", "SN"])
            else:
                identity = Identity(
                    given_name_latin=rng.choice(given_names("ES", sex))[1],
                    family_name_latin=rng.choice(FAMILY_ES),
                    phone=f"+346{rng.randrange(10_000_000, 99_999_999)}",
                )
                nationality = rng.choice(["ES", "NG", "MA", "RO", "CO", "PY"])
            use_dob = i % 2 == 0
            if use_dob:
                years = rng.randint(17, 40)
                if i == 0:
                    # The first person gives the demo's referral consents herself (referrals.demo): an
                    # adult, or the consent would be refused as a child's (care.services.consent_giver_error).
                    years = max(years, 20)
                identity = Identity(
                    **{
                        **identity.__dict__,
                        "date_of_birth": today.replace(year=today.year - years, day=1),
                    }
                )
            person = person_register(
                actor=worker,
                organisation=org,
                identity=identity,
                sex=sex,
                nationality=nationality,
                languages=spec["languages"][:1],
                estimated_age=None if use_dob else rng.randint(16, 35),
            )
            case = case_open(actor=worker, person=person)
            if i % 3 == 1:
                case_set_stage(actor=worker, case=case, trm_stage=TrmStage.FIRST_ASSISTANCE)
            case_set_risk(actor=worker, case=case, risk_level=rng.choice(RiskLevel.values[1:]))
            case_note_add(actor=worker, case=case, body=rng.choice(NOTES[spec["country"]]))
        return org


EXPLOITATION_MIX = [
    "SexualExploitation", "SexualExploitation", "SexualExploitation", "ForcedLabour", "ForcedLabour",
    "Servitude", "ForcedBegging", "ForcedMarriage", "Other",
]


def _seed_history(org: Organisation, count: int) -> None:
    """`count` generated past cases of `org`, through the same services as the others (register, open,
    set the stage, close), then dated back: opened on a day of one of the last eight completed calendar
    quarters and closed on a later day of it (the demo's only shortcut: the services date a case today)."""
    if count <= 0:
        return
    from jisr.cases.models import Case, ClosureReason
    from jisr.cases.services import case_close, case_set_exploitation

    members = {m.role: m.user for m in Membership.objects.filter(organisation=org).select_related("user")}
    worker, supervisor = members[Role.CASE_WORKER], members[Role.SUPERVISOR]
    rng = random.Random(f"jisr-demo-history-{org.slug}")
    today = dt.date.today()
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    earliest = (quarter_start - dt.timedelta(days=8 * 91)).replace(day=1)
    span = (quarter_start - earliest).days
    nationalities = ["MA", "MA", "MA", "NG", "CI", "SN"] if org.country.code == "MA" else ["ES", "NG", "MA", "RO", "CO"]
    stages = [TrmStage.FIRST_ASSISTANCE, TrmStage.LONG_TERM_ASSISTANCE, TrmStage.RETURN_INCLUSION]
    country = "MA" if org.country.code == "MA" else "ES"
    names = FAMILY if country == "MA" else [(f, f) for f in FAMILY_ES]
    for _ in range(count):
        # The sex first, then a given name of that sex (a woman's name on a man's record, or the reverse,
        # was a generated inconsistency, not a case).
        sex = Sex.FEMININE if rng.random() < 0.85 else Sex.MASCULINE
        g_ar, g_lat = rng.choice(given_names(country, sex))
        f_ar, f_lat = rng.choice(names)
        person = person_register(
            actor=worker,
            organisation=org,
            identity=Identity(given_name=g_ar, family_name=f_ar, given_name_latin=g_lat, family_name_latin=f_lat),
            sex=sex,
            nationality=rng.choice(nationalities),
            languages=org.languages[:1],
            estimated_age=rng.choice([15, 16, 17, 19, 22, 25, 28, 31, 35, 41]),
        )
        case = case_open(actor=worker, person=person)
        case = case_set_stage(actor=worker, case=case, trm_stage=rng.choice(stages))
        # Forms of exploitation roughly as the field reports them (sexual exploitation and forced labour
        # most often, sometimes both), so that the statistics' table by form has something to show.
        forms = rng.choices(EXPLOITATION_MIX, k=rng.choice([1, 1, 1, 2]))
        case = case_set_exploitation(actor=worker, case=case, types=forms)
        case = case_close(actor=supervisor, case=case, reason=rng.choice(ClosureReason.values))
        opened = earliest + dt.timedelta(days=rng.randrange(span - 45))
        Case.objects.filter(pk=case.pk).update(
            opened_on=opened, closed_on=opened + dt.timedelta(days=rng.randint(5, 40))
        )


NOTES = {
    "MA": [
        "أول لقاء في المركز. تحتاج إلى مأوى ومتابعة صحية.",
        "Premier entretien, orientée vers l'hébergement.",
        "مكالمة متابعة: الوضع مستقر.",
    ],
    "ES": ["Primera entrevista; necesita alojamiento y apoyo psicológico.", "Llamada de seguimiento: estable."],
}


def login_help(password: str) -> str:
    lines = [
        "",
        "Log in at http://127.0.0.1:{}/ with any demo user and the password: {}".format("{PORT}", password),
        "  demo-ma (Morocco): ma-caseworker, ma-supervisor, ma-coordinator, ma-focalpoint, ma-analyst, ma-roadmap",
        "  demo-es (Spain):   es-caseworker, es-supervisor, es-coordinator, es-focalpoint, es-analyst, es-roadmap",
    ]
    import os

    return "\n".join(lines).replace("{PORT}", os.environ.get("PORT", "8000"))
