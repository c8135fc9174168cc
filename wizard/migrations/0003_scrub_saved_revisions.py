"""Saved revisions written before the codec became strict (issue 12) may hold a secret in `kept`,
a control character or lone surrogate, a credential in a URL, or an unknown choice (store kind):
each would now make the plan undecodable. Drop exactly the values the codec names, so every
revision decodes again and no secret stays in the table."""

from django.db import migrations

from wizard.core import codec


def _drop(data, path: str) -> bool:
    """Remove the value at dotted `path` (or, when it is missing, the item holding it)."""
    parts = path.split(".") if path else []
    chain = [data]
    for part in parts[:-1]:
        node = chain[-1]
        if isinstance(node, dict) and part in node:
            chain.append(node[part])
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            chain.append(node[int(part)])
        else:
            return False
    for depth in range(len(parts), 0, -1):
        parent, key = chain[depth - 1], parts[depth - 1]
        if isinstance(parent, dict) and key in parent:
            del parent[key]
            return True
        if isinstance(parent, list) and key.isdigit() and int(key) < len(parent):
            del parent[int(key)]
            return True
    return False


def scrub(data):
    """The document with every value the codec refuses removed (None if that cannot be done)."""
    for _ in range(200):
        try:
            codec.from_dict(data)
        except codec.PlanFormatError as exc:
            paths = [path for path, _ in exc.problems if path]
            # a key with a dot in it (kept "ssl.key") has no dotted path: drop its section
            if not any(_drop(data, p) for p in paths) and not any(
                _drop(data, p.split(".")[0]) for p in paths
            ):
                return None
        else:
            return data
    return None


def scrub_revisions(apps, schema_editor):
    Revision = apps.get_model("wizard", "Revision")
    for rev in Revision.objects.iterator(chunk_size=200):
        try:
            codec.from_dict(rev.data)
        except codec.PlanFormatError:
            cleaned = scrub(rev.data if isinstance(rev.data, dict) else {})
            data = cleaned if cleaned is not None else codec.to_dict(codec.from_dict({}))
            # an update, not save(): a revision is immutable everywhere else
            Revision.objects.filter(pk=rev.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [("wizard", "0002_ratelimit_cache_table")]
    operations = [migrations.RunPython(scrub_revisions, migrations.RunPython.noop)]
