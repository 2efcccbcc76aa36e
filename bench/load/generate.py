"""Generate the load-test data set: N generated persons, each with one case, and M audit (timeline) events.

    JISR_DATA_DIR=/tmp/jisr-load-sqlite .venv/bin/python bench/load/generate.py --persons 100000 --events 1000000
    JISR_DATA_DIR=/tmp/jisr-load-pg DATABASE_URL=postgres://postgres@127.0.0.1:5432/jisr_load \
        .venv/bin/python bench/load/generate.py --persons 100000 --events 1000000

Persons are sealed exactly as `person_register` does (same `clean_identity`, same `seal()` helper and
AAD, data keys wrapped by the real keyring of JISR_DATA_DIR, blind-index rows from `index_values`),
written with `bulk_create`, one transaction per batch. Audit events carry the hash chain computed as
`audit_record` does (`event_hash(prev, payload)`), written with `executemany` (SQLite) or `COPY`
(PostgreSQL); the chain head is set last, so `jisr audit_verify` passes. Everything is generated:
common given and family names combined at random, belonging to no one.

Writes bench/load/users.json (50 case workers, password below) for the locust scenario.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

PASSWORD = "load test password 2026"  # noqa: S105 - generated accounts on a throw-away database only
N_USERS = 50
N_TEAMS = 5

GIVEN = [
    ("فاطمة", "Fatima"),
    ("خديجة", "Khadija"),
    ("عائشة", "Aicha"),
    ("مريم", "Meryem"),
    ("زينب", "Zineb"),
    ("سارة", "Sara"),
    ("نادية", "Nadia"),
    ("سعاد", "Souad"),
    ("ليلى", "Leila"),
    ("حنان", "Hanane"),
    ("أمينة", "Amina"),
    ("نور", "Nour"),
    ("هدى", "Houda"),
    ("رشيدة", "Rachida"),
    ("سلمى", "Salma"),
    ("إيمان", "Imane"),
    ("كريمة", "Karima"),
    ("لطيفة", "Latifa"),
    ("مليكة", "Malika"),
    ("نجاة", "Najat"),
    ("سميرة", "Samira"),
    ("وفاء", "Wafae"),
    ("ياسمين", "Yasmine"),
    ("غزلان", "Ghizlane"),
    ("حياة", "Hayat"),
    ("أسماء", "Asmae"),
    ("بشرى", "Bouchra"),
    ("دنيا", "Dounia"),
    ("رجاء", "Rajae"),
    ("سكينة", "Sakina"),
    ("محمد", "Mohamed"),
    ("أحمد", "Ahmed"),
    ("يوسف", "Youssef"),
    ("عمر", "Omar"),
    ("علي", "Ali"),
    ("حسن", "Hassan"),
    ("إبراهيم", "Ibrahim"),
    ("خالد", "Khalid"),
    ("سعيد", "Said"),
    ("مصطفى", "Mustapha"),
]
FAMILY = [
    ("بنعلي", "Benali"),
    ("العلوي", "Alaoui"),
    ("الإدريسي", "Idrissi"),
    ("بناني", "Bennani"),
    ("التازي", "Tazi"),
    ("الفاسي", "Fassi"),
    ("برادة", "Berrada"),
    ("الشرقاوي", "Cherkaoui"),
    ("الحسني", "Hassani"),
    ("المنصوري", "Mansouri"),
    ("الزياني", "Ziani"),
    ("العمراني", "Amrani"),
    ("الصديقي", "Seddiki"),
    ("بوزيد", "Bouzid"),
    ("الكتاني", "Kettani"),
    ("الرحماني", "Rahmani"),
    ("الوزاني", "Ouazzani"),
    ("السباعي", "Sbai"),
    ("الخطيب", "Khatib"),
    ("النجار", "Najjar"),
    ("الحداد", "Haddad"),
    ("الصباغ", "Sabbagh"),
    ("البقالي", "Bakkali"),
    ("الغزاوي", "Ghazaoui"),
    ("المرابط", "Merabet"),
    ("بنجلون", "Benjelloun"),
    ("الطاهري", "Taheri"),
    ("العثماني", "Othmani"),
    ("القادري", "Kadiri"),
    ("الجبلي", "Jebli"),
    ("بنسعيد", "Bensaid"),
    ("الكبير", "Kabir"),
    ("الساهل", "Sahel"),
    ("الدكالي", "Doukkali"),
    ("الريفي", "Rifi"),
    ("الشاوي", "Chaoui"),
    ("السوسي", "Soussi"),
    ("المكناسي", "Meknassi"),
    ("الأندلسي", "Andaloussi"),
    ("البيضاوي", "Baidaoui"),
    ("الهواري", "Houari"),
    ("بلحاج", "Belhaj"),
    ("بنموسى", "Benmoussa"),
    ("الودغيري", "Oudghiri"),
    ("اليعقوبي", "Yacoubi"),
    ("الناصري", "Naciri"),
    ("الصقلي", "Sekkali"),
    ("الحريري", "Hariri"),
    ("الزهراوي", "Zahraoui"),
    ("الغربي", "Gharbi"),
]
NATIONALITIES = ["MA", "NG", "SN", "CI", "CM", "GN", "ML", "SY", "PH", "DZ", "TN", "EG", "BD", "IN"]
STAGES = ["identification", "first_assistance", "long_term_assistance", "return_inclusion", "proceedings"]
RISKS = ["unknown", "low", "medium", "high"]
EXPLOITATION = ["SexualExploitation", "ForcedLabour", "Servitude", "ForcedBegging", "ForcedMarriage", "Other"]


def lav() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    # Blind indexes are sized for the expected population (CipherSweet's planner): an operator who expects
    # 100,000 people sets JISR_EXPECTED_POPULATION so (the default, 20,000, would give 4x more
    # collisions). The server and rawsql.py read the same value from users.json.
    os.environ.setdefault("JISR_EXPECTED_POPULATION", str(args.persons))

    import _django

    _django.setup()
    from django.db import connection, transaction

    import jisr.survivors.indexing as indexing
    from jisr.accounts.models import Membership, Organisation, Team, User
    from jisr.accounts.roles import Role
    from jisr.audit.chain import GENESIS, event_hash
    from jisr.audit.models import AuditChainHead, AuditEvent
    from jisr.cases.models import Case, TrmStage
    from jisr.crypto import envelope
    from jisr.crypto.models import DataKey, DataKeyPurpose
    from jisr.crypto.services import _wrap_aad, keyring
    from jisr.survivors.identity import Identity
    from jisr.survivors.indexing import index_values
    from jisr.survivors.models import CodeSequence, Person, PersonIndex
    from jisr.survivors.services import _seal_identity, clean_identity

    # The root key is one row, read and unwrapped on every call in the app; read it once here (same value).
    root = indexing.blind_index_root()
    indexing.blind_index_root = lambda: root  # type: ignore[assignment]

    valid_stages = {c for c, _ in TrmStage.choices}
    stages = [s for s in STAGES if s in valid_stages] or list(valid_stages)
    rng = random.Random(args.seed)
    print(f"vendor={connection.vendor} load average before: {lav()}", flush=True)
    if Person.objects.exists():
        sys.exit("the database already holds persons: use an empty database")

    t0 = time.perf_counter()
    org = Organisation.objects.create(
        slug="load", name="Load test", country="MA", kind="ngo", code_prefix="LD", languages=["ar", "fr"]
    )
    teams = [Team.objects.create(organisation=org, name=f"Team {i + 1}") for i in range(N_TEAMS)]
    users = []
    hasher_user = User(username="x")
    hasher_user.set_password(PASSWORD)  # one Argon2 hash, reused: 50 hashes would take seconds
    for i in range(N_USERS):
        u = User.objects.create(username=f"load-cw-{i:02d}", password=hasher_user.password)
        Membership.objects.create(user=u, organisation=org, role=Role.CASE_WORKER, team=teams[i % N_TEAMS])
        users.append(u)
    ring = keyring()
    year = dt.date.today().year
    today = dt.date.today()
    person_case: list[tuple[uuid.UUID, uuid.UUID, int]] = []  # (person, case, user index)
    t_persons = time.perf_counter()
    n = 0
    while n < args.persons:
        size = min(args.batch, args.persons - n)
        keys, persons, entries, cases = [], [], [], []
        for j in range(size):
            g_ar, g_lat = rng.choice(GIVEN)
            f_ar, f_lat = rng.choice(FAMILY)
            identity = clean_identity(
                Identity(given_name=g_ar, family_name=f_ar, given_name_latin=g_lat, family_name_latin=f_lat)
            )
            key = DataKey(purpose=DataKeyPurpose.PERSON)
            key.wrapped = ring.wrap(envelope.new_data_key(), _wrap_aad(key))
            key.kek_id = ring.current_id.hex()
            ui = (n + j) % N_USERS
            age = rng.randint(14, 55)
            person = Person(
                organisation=org,
                code=f"{org.code_prefix}-{year}-{n + j + 1:06d}",
                data_key=key,
                registered_by=users[ui],
                sex=rng.choice(["Feminine", "Feminine", "Feminine", "Masculine"]),
                nationality=rng.choice(NATIONALITIES),
                languages=["ar"],
                estimated_age=age,
                age_estimated_on=today - dt.timedelta(days=rng.randint(0, 700)),
                age_precision="approximate",
                has_case=True,  # each generated person gets one case below (as case_open would mark her)
            )
            _seal_identity(person, identity)
            keys.append(key)
            persons.append(person)
            entries.extend(
                PersonIndex(person=person, kind=kind, value=value) for kind, value in sorted(index_values(identity))
            )
            closed = rng.random() < 0.1
            opened = today - dt.timedelta(days=rng.randint(0, 700))
            cases.append(
                Case(
                    organisation=org,
                    team=teams[ui % N_TEAMS],
                    person=person,
                    number=1,
                    assigned_to=users[ui],
                    trm_stage=rng.choice(stages),
                    status="closed" if closed else "open",
                    risk_level=rng.choice(RISKS),
                    opened_on=opened,
                    closed_on=opened + dt.timedelta(days=30) if closed else None,
                    closure_reason="reintegrated_recovered" if closed else "",
                    exploitation_types=rng.sample(EXPLOITATION, rng.randint(1, 2)),
                )
            )
        with transaction.atomic():
            DataKey.objects.bulk_create(keys, batch_size=1000)
            Person.objects.bulk_create(persons, batch_size=1000)
            PersonIndex.objects.bulk_create(entries, batch_size=5000)
            Case.objects.bulk_create(cases, batch_size=1000)
        person_case.extend((p.pk, c.pk, (n + j) % N_USERS) for j, (p, c) in enumerate(zip(persons, cases, strict=True)))
        n += size
        if n % 20000 == 0 or n == args.persons:
            el = time.perf_counter() - t_persons
            print(f"  persons {n:,} in {el:.1f}s ({n / el:,.0f}/s), load {lav()}", flush=True)
    CodeSequence.objects.create(organisation=org, year=year, last=args.persons)
    persons_s = time.perf_counter() - t_persons
    index_rows = PersonIndex.objects.count()

    # --- audit events: the organisation's chain, computed as audit_record does ---
    t_events = time.perf_counter()
    chain = str(org.pk)
    per_case = max(2, args.events // max(1, len(person_case)))
    # Per case: person.register, case.open, then stage/risk changes and reads (case.view) in between.
    rest = [
        "case.stage",
        "case.stage",
        "case.risk",
        "case.view",
        "case.view",
        "case.stage",
        "case.view",
        "case.risk",
        "case.view",
        "case.assign",
        "case.stage",
        "case.view",
    ]
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=730)
    step = dt.timedelta(days=730) / max(1, args.events)
    prev = GENESIS
    seq = 0
    rows: list[tuple] = []
    user_ids = [u.pk for u in users]
    usernames = [u.username for u in users]
    vendor = connection.vendor
    cols = (
        "id",
        "chain",
        "seq",
        "organisation_id",
        "actor_id",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "reason",
        "details",
        "at",
        "prev_hash",
        "hash",
    )

    def flush() -> None:
        if not rows:
            return
        with transaction.atomic(), connection.cursor() as cur:
            if vendor == "postgresql":
                with cur.cursor.copy(f"COPY audit_auditevent ({', '.join(cols)}) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row(r)
            else:
                insert = f"INSERT INTO audit_auditevent ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608 - column names are the constants above
                cur.executemany(insert, rows)
        rows.clear()

    def emit(action: str, target_type: str, target_id: str, ui: int, details: dict) -> None:
        nonlocal prev, seq
        seq += 1
        event = AuditEvent(
            id=uuid.uuid4(),
            chain=chain,
            seq=seq,
            organisation=org,
            actor_id=user_ids[ui],
            actor_label=usernames[ui],
            action=action,
            target_type=target_type,
            target_id=target_id,
            reason="",
            details=details,
            at=(start + step * seq).isoformat(timespec="microseconds"),
            prev_hash=prev,
        )
        h = event_hash(prev, event.payload())
        details_json = json.dumps(details, ensure_ascii=False)
        rows.append(
            (
                str(event.id) if vendor == "postgresql" else event.id.hex,
                chain,
                seq,
                org.pk if vendor == "postgresql" else org.pk.hex,
                user_ids[ui],
                usernames[ui],
                action,
                target_type,
                target_id,
                "",
                details_json,
                event.at,
                prev,
                h,
            )
        )
        prev = h
        if len(rows) >= 20000:
            flush()

    for k, (pid, cid, ui) in enumerate(person_case):
        if seq >= args.events:
            break
        emit("person.register", "survivors.person", str(pid), ui, {})
        emit("case.open", "cases.case", str(cid), ui, {"trm_stage": "identification", "assigned_to": user_ids[ui]})
        extra = per_case - 2 + (1 if k < args.events - per_case * len(person_case) else 0)
        for i in range(extra):
            if seq >= args.events:
                break
            action = rest[i % len(rest)]
            details: dict = {}
            if action == "case.stage":
                details = {"from": rng.choice(stages), "to": rng.choice(stages)}
            elif action == "case.risk":
                details = {"from": rng.choice(RISKS), "to": rng.choice(RISKS)}
            elif action == "case.assign":
                details = {"to": user_ids[ui]}
            emit(action, "cases.case", str(cid), ui, details)
    flush()
    AuditChainHead.objects.update_or_create(chain=chain, defaults={"seq": seq, "hash": prev})
    events_s = time.perf_counter() - t_events
    if vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    total = time.perf_counter() - t0
    (HERE / "users.json").write_text(json.dumps(
            {
                "password": PASSWORD,
                "users": usernames,
                "expected_population": int(os.environ["JISR_EXPECTED_POPULATION"]),
            }
        ))
    print(
        f"persons={args.persons:,} index_rows={index_rows:,} persons_s={persons_s:.1f} "
        f"({args.persons / persons_s:,.0f}/s) events={seq:,} events_s={events_s:.1f} ({seq / events_s:,.0f}/s) "
        f"total_s={total:.1f} load average after: {lav()}",
        flush=True,
    )


if __name__ == "__main__":
    main()
