# The ballot box: ballots and retry answers of open rounds become ciphertext (docs/secrecy.md).

import json
import secrets

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def seal_open_rounds(apps, schema_editor):
    """Rounds open at upgrade get a box key; their plaintext ballots and answers are sealed."""
    from ballots import sealing
    from ballots.rules.canonical import canonical_json

    Round = apps.get_model("ballots", "Round")
    Ballot = apps.get_model("ballots", "Ballot")
    SealedBallot = apps.get_model("ballots", "SealedBallot")
    BallotReply = apps.get_model("ballots", "BallotReply")
    BallotReply.objects.exclude(round__status="open").delete()  # closed: answered already_voted
    for round_ in Round.objects.filter(status="open"):
        sealed_key = sealing.new_box_key(settings.SIGNING_KEK, round_.code)
        key = sealing.open_box_key(settings.SIGNING_KEK, round_.code, sealed_key)
        items = list(round_.items.values_list("code", flat=True))
        size = sealing.ballot_size(round_.kind, items)
        for ballot in Ballot.objects.filter(round=round_):
            record = {"choices": ballot.choices, "id": ballot.id, "nonce": ballot.nonce,
                      "receipt": ballot.receipt}
            if ballot.voter_code:
                record["voter"] = ballot.voter_code
            box = sealing.seal(key, canonical_json(record), size=size, round_id=round_.code)
            SealedBallot.objects.create(id=secrets.token_hex(16), round=round_, box=box)
        Ballot.objects.filter(round=round_).delete()
        for reply in BallotReply.objects.filter(round=round_):
            answer = {"choices_hash": reply.choices_hash, "receipt": reply.receipt}
            reply.box = sealing.seal(
                key, canonical_json(answer), size=sealing.REPLY_SIZE, round_id=round_.code
            )
            reply.save(update_fields=["box"])
        round_.box_salt, round_.sealed_box_key = sealed_key.salt, sealed_key.sealed
        round_.save(update_fields=["box_salt", "sealed_box_key"])


class Migration(migrations.Migration):

    dependencies = [
        ('ballots', '0004_action_log_moves_to_projects'),
    ]

    operations = [
        migrations.AddField(
            model_name='round',
            name='box_salt',
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='round',
            name='sealed_box_key',
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='SealedBallot',
            fields=[
                ('id', models.CharField(max_length=32, primary_key=True, serialize=False)),
                ('box', models.BinaryField()),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sealed_ballots', to='ballots.round')),
            ],
        ),
        migrations.AddField(
            model_name='ballotreply',
            name='box',
            field=models.BinaryField(default=b''),
            preserve_default=False,
        ),
        migrations.RunPython(seal_open_rounds, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='ballotreply',
            name='choices_hash',
        ),
        migrations.RemoveField(
            model_name='ballotreply',
            name='receipt',
        ),
    ]
