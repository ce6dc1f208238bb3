from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_rollups'),
    ]

    operations = [
        migrations.AddField(
            model_name='orgpath',
            name='ancestors',
            field=models.JSONField(default=list),
        ),
    ]
