# The staff action log moves from ballots to the ground floor: same rows, same chain, new owner.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0002_quorum_fraction'),
        ('ballots', '0003_action_log'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ActionEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.PositiveIntegerField()),
                        ('at', models.CharField(max_length=20)),
                        ('actor', models.CharField(max_length=150)),
                        ('action', models.CharField(max_length=32)),
                        ('subject', models.CharField(max_length=64)),
                        ('detail', models.JSONField(default=dict)),
                        ('prev', models.CharField(max_length=64)),
                        ('hash', models.CharField(max_length=64)),
                        ('body', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='projects.body')),
                    ],
                    options={
                        'db_table': 'ballots_actionentry',
                        'ordering': ['body', 'seq'],
                        'constraints': [models.UniqueConstraint(fields=('body', 'seq'), name='action_seq_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='actionentry', table=None),
    ]
