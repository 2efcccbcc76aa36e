"""Demo roadmap: the Rabat meeting of 8 May 2025 that Jisr started from (shared/seed/), first.

The seed report says the meeting ended by adopting "a package of recommendations to be published
later": the recommendations, actions, training and good practice below are *illustrative*, written
from the aims the report states (integrated care, survivors' capacities, support and tools for case
workers, exchange of good practice, coordination across the Strait, Law 27-14). Organisations are
named generically; no real person appears. Everything is written through the services, so it is
audited like any other write.

Call: `seed_roadmap_demo([org_ma, org_es])` after the demo organisations and their users exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from jisr.accounts.models import Organisation, User
from jisr.accounts.roles import Role
from jisr.roadmap import services
from jisr.roadmap.models import (
    ActionStatus,
    CountryScope,
    Event,
    EventKind,
    Priority,
    Profession,
    StrategicArea,
)

SEED_TITLE_FR = "Construire une dynamique transformatrice contre la traite des êtres humains et pour les droits humains"

RECOMMENDATIONS = [
    # (reference, area, scope, priority, ar, fr, es, addressee)
    ("R-2025-01", "protection", CountryScope.BOTH, Priority.HIGH,
     "ضمان التكفل المتكامل بالنساء والفتيات ضحايا الاتجار بالبشر و/أو الاستغلال الجنسي.",
     "Garantir une prise en charge intégrée des femmes et des filles victimes de traite et/ou "
     "d'exploitation sexuelle.",
     "Garantizar una atención integral a las mujeres y niñas víctimas de trata y/o explotación sexual.",
     "Associations partenaires et services publics"),
    ("R-2025-02", "empowerment", CountryScope.BOTH, Priority.HIGH,
     "تعزيز القدرات الشخصية للناجيات بما يضمن اندماجهن اندماجا سلسا ينتهي بتعافيهن.",
     "Renforcer les capacités personnelles des survivantes pour une intégration sociale sans heurts "
     "menant au rétablissement.",
     "Reforzar las capacidades personales de las supervivientes para una integración social fluida que "
     "culmine en su recuperación.",
     "Associations partenaires"),
    ("R-2025-03", "protection", CountryScope.MOROCCO, Priority.MEDIUM,
     "توفير الدعم والأدوات اللازمة للعاملات والعاملين الاجتماعيين لمواكبة الناجيات.",
     "Donner aux travailleuses et travailleurs sociaux le soutien et les outils pour accompagner les "
     "survivantes.",
     "Dotar a las trabajadoras y trabajadores sociales del apoyo y las herramientas para acompañar a las "
     "supervivientes.",
     "Association marocaine partenaire"),
    ("R-2025-04", "partnership", CountryScope.REGIONAL, Priority.MEDIUM,
     "تبادل التجارب والممارسات الجيدة وتعزيز التعاون والتنسيق بين الشريكين على ضفتي المضيق.",
     "Échanger expériences et bonnes pratiques et renforcer la coopération et la coordination entre "
     "partenaires des deux rives du détroit.",
     "Intercambiar experiencias y buenas prácticas y reforzar la cooperación y la coordinación entre los "
     "socios de ambas orillas del Estrecho.",
     "Partenariat Maroc–Espagne"),
    ("R-2025-05", "prosecution", CountryScope.MOROCCO, Priority.MEDIUM,
     "تكوين المهنيين في تطبيق القانون 27-14 المتعلق بمكافحة الاتجار بالبشر.",
     "Former les professionnels à l'application de la loi 27-14 relative à la lutte contre la traite "
     "des êtres humains.",
     "Formar a los profesionales en la aplicación de la Ley 27-14 contra la trata de seres humanos.",
     "Acteurs de la justice et de la protection"),
    ("R-2025-06", "data_research", CountryScope.BOTH, Priority.LOW,
     "إرساء معطيات مشتركة ومجهولة الهوية حول الضحايا لتتبع نتائج خارطة الطريق.",
     "Mettre en place des données communes et anonymisées pour suivre les résultats de la feuille de route.",
     "Establecer datos comunes y anonimizados para seguir los resultados de la hoja de ruta.",
     "Partenariat Maroc–Espagne"),
]


def ensure_default_areas() -> None:
    """The six seeded strategic areas (migration 0002), recreated if missing — e.g. after a test
    database was flushed, which empties rows that migrations made."""
    from importlib import import_module

    seeded = import_module("jisr.roadmap.migrations.0002_strategic_areas").AREAS
    for order, (code, ar, fr, es, en) in enumerate(seeded, start=1):
        StrategicArea.objects.get_or_create(
            code=code, defaults={"name_ar": ar, "name_fr": fr, "name_es": es, "name_en": en, "order": order}
        )


def _actor(organisations: Sequence[Organisation]) -> User:
    """A roadmap member (else a coordinator) of the first organisation that has one."""
    for role in (Role.ROADMAP_MEMBER, Role.COORDINATOR):
        for org in organisations:
            user = User.objects.filter(membership__organisation=org, membership__role=role, is_active=True).first()
            if user is not None:
                return user
    raise ValueError("seed_roadmap_demo needs a roadmap member or coordinator in one of the organisations")


def seed_roadmap_demo(organisations: Sequence[Organisation]) -> Event:
    """Create the demo roadmap (idempotent: returns the existing Rabat event if already seeded).

    `organisations`: the demo organisations, the Moroccan one first (it leads most actions)."""
    organisations = list(organisations)
    existing = Event.objects.filter(title_fr=SEED_TITLE_FR, starts_on=dt.date(2025, 5, 8)).first()
    if existing is not None:
        return existing
    actor = _actor(organisations)
    ma = next((o for o in organisations if o.country == "MA"), organisations[0])
    es = next((o for o in organisations if o.country == "ES"), organisations[-1])
    ensure_default_areas()
    areas = {a.code: a for a in StrategicArea.objects.all()}

    rabat = services.event_create(
        actor=actor,
        kind=EventKind.MEETING,
        title_ar="بناء دينامية تحولية لمكافحة الاتجار بالبشر وتعزيز حقوق الإنسان",
        title_fr=SEED_TITLE_FR,
        title_es="Construir una dinámica transformadora contra la trata de seres humanos y por los derechos humanos",
        starts_on=dt.date(2025, 5, 8),
        place="Rabat",
        country="MA",
        organisers=[ma, es],
        languages=["ar", "fr", "es"],
        areas=[areas[c] for c in ("protection", "empowerment", "partnership")],
        summary=(
            "Rencontre de la société civile marocaine et espagnole : une ONG espagnole travaillant avec les "
            "femmes en zones de conflit et une association marocaine de défense des droits des femmes. "
            "Interventions sur la lutte contre la traite en Espagne, la loi 27-14, l'approche intégrée d'un "
            "centre de prise en charge des migrants à Tanger et un programme associatif contre la traite ; "
            "ateliers sur les domaines stratégiques prioritaires au Maroc et en Espagne ; adoption d'un "
            "ensemble de recommandations."
        ),
    )
    for org in (ma, es):
        services.event_add_participant(actor=actor, event=rabat, organisation=org, country=str(org.country))
    for name, country in (("Office de coopération espagnole (démo)", "ES"),
                          ("Centre de prise en charge intégrée des migrants, Tanger (démo)", "MA"),
                          ("Association de juristes (démo)", "MA")):
        services.event_add_participant(actor=actor, event=rabat, name=name, country=country)
    for title_ar, title_fr, title_es, _focus in (
        ("ورشة: المجالات الاستراتيجية ذات الأولوية بالمغرب", "Atelier : domaines stratégiques prioritaires au Maroc",
         "Taller: ámbitos estratégicos prioritarios en Marruecos", "MA"),
        ("ورشة: المجالات الاستراتيجية ذات الأولوية بإسبانيا", "Atelier : domaines stratégiques prioritaires en Espagne",
         "Taller: ámbitos estratégicos prioritarios en España", "ES"),
    ):
        services.event_create(actor=actor, kind=EventKind.WORKSHOP, title_ar=title_ar, title_fr=title_fr,
                              title_es=title_es, starts_on=dt.date(2025, 5, 8), place="Rabat", country="MA",
                              parent=rabat, organisers=[ma, es], languages=["ar", "fr", "es"])

    recs = {}
    for ref, area, scope, priority, ar, fr, es_text, addressee in RECOMMENDATIONS:
        recs[ref] = services.recommendation_create(
            actor=actor, event=rabat, area=areas[area], scope=scope, priority=priority, reference=ref,
            text_ar=ar, text_fr=fr, text_es=es_text, addressee=addressee)

    care = services.action_create(
        actor=actor, title="Protocole commun de prise en charge intégrée (Maroc–Espagne)", lead_organisation=ma,
        partners=[es], recommendations=[recs["R-2025-01"], recs["R-2025-04"]],
        start_on=dt.date(2025, 6, 1), due_on=dt.date(2026, 6, 30),
        description="Rédiger et valider un protocole commun d'accompagnement des survivantes, du premier accueil "
                    "à l'insertion.")
    services.action_set_status(actor=actor, action=care, status=ActionStatus.IN_PROGRESS)
    ind = services.indicator_add(actor=actor, action=care, name="Organisations appliquant le protocole",
                                 unit="organisations", baseline=Decimal(0), target=Decimal(6))
    services.measurement_add(actor=actor, indicator=ind, measured_on=dt.date(2025, 12, 15), value=Decimal(2),
                             note="Deux associations pilotes")
    services.progress_add(actor=actor, action=care, note="Premier projet de protocole discuté en réunion "
                                                         "conjointe ; commentaires des deux rives intégrés.")

    tools = services.action_create(
        actor=actor, title="Boîte à outils pour les travailleuses sociales", lead_organisation=ma,
        recommendations=[recs["R-2025-03"]], start_on=dt.date(2025, 9, 1), due_on=dt.date(2025, 12, 31))
    services.indicator_add(actor=actor, action=tools, name="Travailleuses sociales formées à la boîte à outils",
                           unit="personnes", baseline=Decimal(0), target=Decimal(40))

    data = services.action_create(
        actor=actor, title="Tableau de bord commun anonymisé", lead_organisation=es, partners=[ma],
        recommendations=[recs["R-2025-06"]], start_on=dt.date(2025, 7, 1), due_on=dt.date(2026, 3, 31))
    services.action_set_status(actor=actor, action=data, status=ActionStatus.BLOCKED,
                               reason="En attente de l'accord des deux organisations sur les règles de partage.")

    training = services.training_create(
        actor=actor, title="La loi 27-14 et l'identification des victimes de traite", organiser=ma,
        area=areas["prosecution"], starts_on=dt.date(2025, 10, 14), ends_on=dt.date(2025, 10, 15),
        place="Tanger", country="MA", languages=["ar", "fr"], hours=12,
        topics="Définition du Protocole de Palerme ; articles 448-1 à 448-14 du Code pénal ; orientation.")
    for profession, count, org, name in ((Profession.CASE_WORKER, 14, ma, ""), (Profession.POLICE, 6, None,
                                         "Services de police (démo)"), (Profession.HEALTH, 5, None,
                                         "Centre de santé (démo)")):
        services.training_record_attendance(actor=actor, training=training, profession=profession, count=count,
                                            organisation=org, organisation_name=name, country="MA")

    services.practice_create(
        actor=actor, title="Approche globale d'un centre de prise en charge intégrée des migrants",
        summary="Un même lieu réunit accueil, santé, soutien psychosocial, orientation juridique et insertion, "
                "avec une référente unique pour chaque personne accompagnée.",
        organisation_name="Centre de prise en charge intégrée des migrants, Tanger (démo)", country="MA",
        area=areas["protection"], tags=["prise en charge intégrée", "migrants", "guichet unique"],
        languages=["fr", "ar", "es"], recommendations=[recs["R-2025-01"]],
        evidence="Présentée à la rencontre de Rabat du 8 mai 2025.")
    return rabat
