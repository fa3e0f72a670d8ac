"""Every account's address moves to django-allauth's EmailAddress (its primary address, verified
when our link had confirmed it): nobody signs up again, a confirmed address stays confirmed.
Saved languages stay where they are (accounts.AccountLanguage). The old table goes in 0004."""

from django.db import migrations
from django.utils import timezone


def _to_allauth(apps, schema_editor):
    account_email = apps.get_model("accounts", "AccountEmail")
    email_address = apps.get_model("account", "EmailAddress")
    for old in account_email.objects.iterator():
        email_address.objects.update_or_create(
            user_id=old.user_id,
            email=old.address,  # already trimmed and case-folded
            defaults={"verified": old.verified_at is not None, "primary": True},
        )


def _from_allauth(apps, schema_editor):
    # Back to one address per account, unique: each user's primary (or first) one, confirmed
    # ones first so that a confirmed owner keeps an address an unconfirmed account also typed.
    account_email = apps.get_model("accounts", "AccountEmail")
    email_address = apps.get_model("account", "EmailAddress")
    taken, done = set(), set()
    for new in email_address.objects.order_by("-verified", "-primary", "id").iterator():
        address = new.email.strip().casefold()
        if new.user_id in done or address in taken:
            continue
        verified_at = timezone.now() if new.verified else None  # allauth keeps no date
        account_email.objects.create(user_id=new.user_id, address=address, verified_at=verified_at)
        taken.add(address)
        done.add(new.user_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_named_scoped_tokens"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(_to_allauth, _from_allauth)]
