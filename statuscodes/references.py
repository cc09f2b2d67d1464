"""What refers to a code: comparisons and related lists, so that no edit leaves a link to nothing.

A reference is written `404` (the number's primary meaning) or `499/esri` (one meaning), in a
code's `related` list or a comparison's `codes`. Deleting or renumbering a meaning that is
referenced is refused with the list, so the editor removes or retargets those first.
"""

from statuscodes.models import Comparison, StatusCode


def names_of(code: StatusCode) -> set[str]:
    """The ways a reference can name this meaning: `499/esri` always, `499` when it is the primary."""
    names = {f"{code.number}/{code.source.slug}"}
    if code.is_primary:
        names.add(str(code.number))
    return names


def references_to(code: StatusCode) -> list[str]:
    """Each comparison and code that names this meaning, described for the editor."""
    names = names_of(code)
    found = [
        f"the comparison {comparison.slug} ({comparison.title})"
        for comparison in Comparison.objects.all()
        if names & {str(ref) for ref in comparison.codes}
    ]
    for other in StatusCode.objects.exclude(pk=code.pk).select_related("source").order_by("number", "source__rank"):
        if names & {str(ref) for ref in other.related}:
            found.append(f"the related list of {other.number} {other.name} ({other.source.name})")
    return found


def refusal(code: StatusCode, action: str) -> str:
    """The message for a refused delete or renumbering, or '' when nothing refers to the code."""
    found = references_to(code)
    if not found:
        return ""
    return (
        f"{code.number} {code.name} cannot be {action}: it is named by {len(found)} other record(s): "
        + "; ".join(found)
        + ". Remove or change those references first."
    )


class ReferenceCheckedForm:
    """A code's form refuses a new number or source while other records name the old one."""

    def clean(self):
        cleaned = super().clean()
        code = self.instance
        moved = code.pk and (cleaned.get("number"), cleaned.get("source")) != (code.number, code.source)
        if moved and (message := refusal(code, "renumbered or moved to another source")):
            self.add_error(None, message)
        return cleaned
