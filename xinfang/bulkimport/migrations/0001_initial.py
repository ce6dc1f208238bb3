# bulkimport: one row per import of petitions from a file (ImportBatch).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('orgs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file_name', models.CharField(max_length=255, verbose_name='文件名')),
                ('sha256', models.CharField(db_index=True, max_length=64)),
                ('rows', models.PositiveIntegerField(verbose_name='数据行数')),
                ('imported', models.PositiveIntegerField(verbose_name='导入件数')),
                ('rejected', models.PositiveIntegerField(default=0, verbose_name='跳过的错误行数')),
                ('closed', models.PositiveIntegerField(default=0, verbose_name='历史办结件数')),
                ('seconds', models.FloatField(default=0, verbose_name='用时（秒）')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('org', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.org')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '批量导入记录',
                'verbose_name_plural': '批量导入记录',
                'ordering': ['-id'],
            },
        ),
    ]
