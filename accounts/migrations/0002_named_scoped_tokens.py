"""One API token per user becomes several named ones, each with a scope and a last use, tied to
the password it was made under. Every existing token carries over as "API token", read and
write, bound to its user's current password: nobody loses access at deploy."""

import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _bind_to_current_passwords(apps, schema_editor):
    # The same fingerprint as accounts.models.password_fingerprint (SHA-256 of the stored hash),
    # written out here so that this step never changes with the model's code.
    token_model = apps.get_model("accounts", "ApiToken")
    for token in token_model.objects.select_related("user").iterator():
        token.password_fingerprint = hashlib.sha256((token.user.password or "").encode()).hexdigest()
        token.save(update_fields=["password_fingerprint"])


def _keep_each_users_newest_token(apps, schema_editor):
    # Going back to one token per user: the newest stays (the others would break the unique
    # index the OneToOne needs, half way through on MySQL, where DDL is not transactional).
    token_model = apps.get_model("accounts", "ApiToken")
    newest = {}
    for token_id, user_id in token_model.objects.order_by("created", "id").values_list("id", "user_id"):
        newest[user_id] = token_id
    token_model.objects.exclude(id__in=newest.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_moved_to_accounts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(name="apitoken", options={"ordering": ["-created", "-id"]}),
        migrations.AddField(
            model_name="apitoken",
            name="last_used",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last used"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="name",
            field=models.CharField(default="API token", max_length=100, verbose_name="name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("read_write", "Read and write")],
                default="read_write",
                max_length=10,
                verbose_name="access",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_fingerprint",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(_bind_to_current_passwords, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="created",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created"),
        ),
        # One user, many tokens: the OneToOne's unique index goes, the foreign key stays.
        migrations.AlterField(
            model_name="apitoken",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="api_tokens",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.UniqueConstraint(fields=("user", "name"), name="api_token_name_per_user"),
        ),
        migrations.RunPython(migrations.RunPython.noop, _keep_each_users_newest_token),
    ]
