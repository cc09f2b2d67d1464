"""Caching as a policy with its rule, instead of one 'cacheable by default' boolean."""

from django.db import migrations, models

# The rules as they stood when this migration was written (statuscodes/cache_rules.py).
MUST_NOT_STORE = {428, 429, 431, 511}


def policy(code) -> str:
    if code.sent_by == "logs-only":
        return "not-applicable"
    if 100 <= code.number < 200:
        return "never"
    if code.official and code.number in MUST_NOT_STORE:
        return "must-not-store"
    return "default" if code.cacheable else "explicit"


def forwards(apps, schema_editor):
    StatusCode = apps.get_model("statuscodes", "StatusCode")
    for code in StatusCode.objects.all():
        code.caching = policy(code)
        code.save(update_fields=["caching"])


def backwards(apps, schema_editor):
    StatusCode = apps.get_model("statuscodes", "StatusCode")
    StatusCode.objects.update(cacheable=False)
    StatusCode.objects.filter(caching="default").update(cacheable=True)


class Migration(migrations.Migration):
    dependencies = [("statuscodes", "0003_source_rank_unique")]

    operations = [
        migrations.AddField(
            model_name="statuscode",
            name="caching",
            field=models.CharField(
                choices=[
                    ("default", "Cacheable by default: a cache may store it without explicit freshness information"),
                    ("explicit", "Only with explicit freshness information (Cache-Control max-age, Expires)"),
                    ("must-not-store", "Must not be stored by any cache"),
                    ("never", "Never stored: interim responses are not cached"),
                    ("not-applicable", "Not applicable: this code is never sent to a client"),
                ],
                default="explicit",
                help_text="What a cache may do with this response (check_content holds it to the RFCs).",
                max_length=14,
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="statuscode", name="cacheable"),
    ]
