"""Seed the six strategic areas the partnership works on (configurable afterwards)."""

from django.db import migrations

AREAS = [
    ("prevention", "الوقاية", "Prévention", "Prevención", "Prevention"),
    ("protection", "الحماية والمساعدة", "Protection et assistance", "Protección y asistencia",
     "Protection and assistance"),
    ("prosecution", "الملاحقة القضائية", "Poursuites", "Enjuiciamiento", "Prosecution"),
    ("partnership", "الشراكة والتنسيق", "Partenariat et coordination", "Alianzas y coordinación",
     "Partnership and coordination"),
    ("data_research", "البيانات والبحث", "Données et recherche", "Datos e investigación", "Data and research"),
    ("empowerment", "تمكين الناجيات وإعادة إدماجهن", "Autonomisation et réintégration des survivantes",
     "Empoderamiento y reintegración de las supervivientes", "Survivor empowerment and reintegration"),
]


def seed(apps, schema_editor):
    StrategicArea = apps.get_model("roadmap", "StrategicArea")
    for order, (code, ar, fr, es, en) in enumerate(AREAS, start=1):
        StrategicArea.objects.get_or_create(
            code=code, defaults={"name_ar": ar, "name_fr": fr, "name_es": es, "name_en": en, "order": order}
        )


def unseed(apps, schema_editor):
    StrategicArea = apps.get_model("roadmap", "StrategicArea")
    StrategicArea.objects.filter(code__in=[a[0] for a in AREAS], recommendations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("roadmap", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
