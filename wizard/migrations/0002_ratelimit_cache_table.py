"""The database cache table the rate limits count in (settings.CACHES["ratelimit"])."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # createcachetable makes the tables of every DatabaseCache alias, and skips existing ones.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("wizard", "0001_saved_plans")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
