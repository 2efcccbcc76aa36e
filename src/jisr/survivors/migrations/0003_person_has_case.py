from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef


def mark_persons_with_a_case(apps, schema_editor):  # type: ignore[no-untyped-def]
    Person = apps.get_model("survivors", "Person")
    Case = apps.get_model("cases", "Case")
    Person.objects.filter(Exists(Case.objects.filter(person=OuterRef("pk")))).update(has_case=True)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_mfa'),
        ('crypto', '0003_mfa'),
        ('survivors', '0002_name_part_indexes'),
        ('cases', '0004_case_org_opened_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='has_case',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_persons_with_a_case, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(condition=models.Q(('has_case', False)), fields=['registered_by', 'organisation'], name='person_unopened_idx'),
        ),
    ]
