# The staff action log now belongs to projects (its table was renamed there); forget it here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('ballots', '0003_action_log'),
        ('projects', '0003_action_log'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ActionEntry')],
            database_operations=[],
        ),
    ]
