import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def mark_complete_when_empty(apps, schema_editor):
    """On a database without petitions the (empty) roll-ups are complete from the start; with petitions
    they are filled by `xinfang stats rebuild`, and until then the statistics read the petitions."""
    Petition = apps.get_model("petitions", "Petition")
    FactState = apps.get_model("reports", "FactState")
    empty = not Petition.objects.using(schema_editor.connection.alias).exists()
    FactState.objects.using(schema_editor.connection.alias).create(
        pk=1, complete_since=django.utils.timezone.now() if empty else None
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('orgs', '0001_initial'),
        ('petitions', '0002_urge'),
    ]

    operations = [
        migrations.CreateModel(
            name='FactState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('complete_since', models.DateTimeField(blank=True, null=True)),
                ('rebuilt_at', models.DateTimeField(blank=True, null=True)),
                ('petitions', models.BigIntegerField(default=0)),
                ('seconds', models.FloatField(default=0)),
            ],
            options={
                'verbose_name': '统计汇总状态',
                'verbose_name_plural': '统计汇总状态',
            },
        ),
        migrations.CreateModel(
            name='OrgPath',
            fields=[
                ('org', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='orgs.org')),
                ('path', models.CharField(max_length=500)),
            ],
            options={
                'verbose_name': '统计汇总机构路径',
                'verbose_name_plural': '统计汇总机构路径',
            },
        ),
        migrations.CreateModel(
            name='PetitionFact',
            fields=[
                ('petition', models.OneToOneField(on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='petitions.petition')),
                ('facts', models.TextField()),
            ],
            options={
                'verbose_name': '信访件统计贡献',
                'verbose_name_plural': '信访件统计贡献',
            },
        ),
        migrations.CreateModel(
            name='BreakdownDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('dimension', models.CharField(max_length=10)),
                ('key', models.CharField(max_length=20)),
                ('petitions', models.IntegerField(default=0)),
                ('root', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('root', 'day', 'dimension', 'key'), name='reports_breakdownday_key')],
            },
        ),
        migrations.CreateModel(
            name='DeliveryDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('previous', models.DateField()),
                ('petitions', models.IntegerField(default=0)),
                ('root', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('root', 'day', 'previous'), name='reports_deliveryday_key')],
            },
        ),
        migrations.CreateModel(
            name='NoticeDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('opened_on', models.DateField()),
                ('due_on', models.DateField()),
                ('stages', models.IntegerField(default=0)),
                ('org', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('org', 'opened_on', 'due_on'), name='reports_noticeday_key')],
            },
        ),
        migrations.CreateModel(
            name='RatingDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('satisfaction', models.CharField(max_length=12)),
                ('in_scope', models.BooleanField()),
                ('ratings', models.IntegerField(default=0)),
                ('org', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('org', 'day', 'satisfaction', 'in_scope'), name='reports_ratingday_key')],
            },
        ),
        migrations.CreateModel(
            name='StageDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('due_on', models.DateField()),
                ('kind', models.CharField(max_length=16)),
                ('status', models.CharField(choices=[('on_time', '按期'), ('late', '逾期'), ('open', '未办结')], max_length=8)),
                ('outcome', models.CharField(max_length=24)),
                ('stages', models.IntegerField(default=0)),
                ('org', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('org', 'due_on', 'kind', 'status', 'outcome'), name='reports_stageday_key')],
            },
        ),
        migrations.CreateModel(
            name='VolumeDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('channel', models.CharField(max_length=10)),
                ('petitions', models.IntegerField(default=0)),
                ('persons', models.IntegerField(default=0)),
                ('repeats', models.IntegerField(default=0)),
                ('root', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('root', 'day', 'channel'), name='reports_volumeday_key')],
            },
        ),
        migrations.RunPython(mark_complete_when_empty, migrations.RunPython.noop),
    ]
