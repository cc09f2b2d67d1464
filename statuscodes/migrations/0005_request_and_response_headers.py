"""Headers split into the ones a client sends and the ones a response carries."""

from django.db import migrations, models

# Names that only ever travel in requests, as of this migration; load_content then sets each
# list from content/, where every file says which way its headers go.
REQUEST = {
    "Cookie", "Authorization", "Proxy-Authorization", "If-Match", "If-None-Match", "If-Modified-Since",
    "If-Unmodified-Since", "If-Range", "Range", "Expect", "Accept", "Accept-Encoding", "Accept-Language",
    "Referer", "Host", "X-Forwarded-For", "Depth", "If", "Early-Data", "A-IM", "Negotiate", "Timeout",
}  # fmt: skip


def forwards(apps, schema_editor):
    StatusCode = apps.get_model("statuscodes", "StatusCode")
    for code in StatusCode.objects.all():
        code.request_headers = [h for h in code.headers if h in REQUEST]
        code.response_headers = [h for h in code.headers if h not in REQUEST]
        code.save(update_fields=["request_headers", "response_headers"])


def backwards(apps, schema_editor):
    StatusCode = apps.get_model("statuscodes", "StatusCode")
    for code in StatusCode.objects.all():
        code.headers = list(dict.fromkeys(code.request_headers + code.response_headers))
        code.save(update_fields=["headers"])


class Migration(migrations.Migration):
    dependencies = [("statuscodes", "0004_caching_policy")]

    operations = [
        migrations.AddField(
            model_name="statuscode",
            name="request_headers",
            field=models.JSONField(
                blank=True, default=list, help_text="Headers the client sends that matter here.",
                verbose_name="request headers",
            ),  # fmt: skip
        ),
        migrations.AddField(
            model_name="statuscode",
            name="response_headers",
            field=models.JSONField(
                blank=True, default=list, help_text="Headers the response carries that matter here.",
                verbose_name="response headers",
            ),  # fmt: skip
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="statuscode", name="headers"),
    ]
