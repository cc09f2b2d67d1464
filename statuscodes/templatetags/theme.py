"""{% theme_script %}: the inline theme script whose hash the CSP allows (see statuscodes.theme)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from statuscodes import theme

register = template.Library()


@register.simple_tag
def theme_script() -> SafeString:
    return mark_safe(f"<script>{theme.script_text()}</script>")
