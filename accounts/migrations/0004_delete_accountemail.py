"""The old address table goes: allauth's EmailAddress holds every address since 0003."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_addresses_to_allauth")]

    operations = [migrations.DeleteModel(name="AccountEmail")]
