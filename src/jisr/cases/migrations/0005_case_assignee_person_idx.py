from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_mfa'),
        ('cases', '0004_case_org_opened_index'),
        ('survivors', '0002_name_part_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['assigned_to', 'person'], name='case_assignee_person_idx'),
        ),
    ]
