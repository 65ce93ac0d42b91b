import django.db.models.deletion
from django.db import migrations, models

# Casting spends a card by setting `used`, a column no index covers: with room left on each page
# PostgreSQL updates the row in place (a HOT update) instead of adding an entry to each of the
# card table's three indexes. Cards issued from now on are stored with that room.
CARD_ROOM = "ALTER TABLE ballots_credential SET (fillfactor = 50)"
CARD_PACKED = "ALTER TABLE ballots_credential RESET (fillfactor)"


def _on_postgresql(sql: str):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0006_item_project_code"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ballotreply",
            name="round",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="ballots.round",
            ),
        ),
        migrations.RunPython(_on_postgresql(CARD_ROOM), _on_postgresql(CARD_PACKED)),
    ]
