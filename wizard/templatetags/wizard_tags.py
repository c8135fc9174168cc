"""Template helpers: a form field with its help and findings beside it, and the runbook as blocks."""

from __future__ import annotations

import re

from django import forms, template

register = template.Library()


@register.inclusion_tag("wizard/partials/_field.html", takes_context=True)
def field(
    context, form, name, label: str = "", compact: bool = False, what: str = "", row: int = 0
) -> dict:
    """A field of the step `form` (a posted name, or a bound field of one of its parts) with its
    label, the guide's help, and the findings about it (`compact`: a row of a list editor,
    labelled e.g. "Label 2 key" for screen readers)."""
    bf = form.bound(name) if isinstance(name, str) else name
    name = bf.html_name
    msgs = form.messages_for(name)
    describedby = [f"msgs-{name}"]
    if bf.help_text and not compact:
        describedby.insert(0, f"help-{name}")
    attrs = {"aria-describedby": " ".join(describedby)}
    if any(m.severity == "error" for m in msgs):
        attrs["aria-invalid"] = "true"
    if context.get("focus") == name:
        attrs["autofocus"] = True
    widget = bf.field.widget
    if isinstance(widget, forms.RadioSelect):
        kind = "radio"
    elif isinstance(widget, forms.CheckboxInput):
        kind = "checkbox"
    else:
        kind = "input"
    return {
        "name": name,
        "bf": bf,
        "input": bf.as_widget(attrs=attrs),
        "label": label or bf.label,
        "label_prefix": f"{what.capitalize()} {row}" if compact and what else "",
        "help": "" if compact else bf.help_text,
        "msgs": msgs,
        "kind": kind,
        "compact": compact,
    }


@register.inclusion_tag("wizard/partials/_msgs.html")
def msgs(form, name: str, oob: bool = False) -> dict:
    return {"name": name, "msgs": form.messages_for(name), "oob": oob}


_FENCE = re.compile(r"^```")
_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*")


def _inline(text: str) -> list[tuple[str, str]]:
    """`code` and **bold** spans as (kind, text) parts; the template escapes every part."""
    parts, at = [], 0
    for m in _INLINE.finditer(text):
        if m.start() > at:
            parts.append(("text", text[at : m.start()]))
        parts.append(("code", m[1]) if m[1] is not None else ("b", m[2]))
        at = m.end()
    if at < len(text):
        parts.append(("text", text[at:]))
    return parts


@register.filter
def runbook_blocks(markdown: str) -> list[dict]:
    """The runbook's Markdown as plain blocks (headings, paragraphs, lists, quotes, code) for
    the template to render with autoescaping: user values are never marked safe."""
    blocks: list[dict] = []
    lines = markdown.splitlines()
    i = 0
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append({"kind": "p", "parts": _inline(" ".join(para))})
            para.clear()

    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            flush()
            code = []
            i += 1
            while i < len(lines) and not _FENCE.match(lines[i]):
                code.append(lines[i])
                i += 1
            blocks.append({"kind": "code", "text": "\n".join(code), "n": len(blocks)})
        elif line.startswith("#"):
            flush()
            level = min(len(line) - len(line.lstrip("#")), 4)
            blocks.append({"kind": f"h{level + 1}", "parts": _inline(line.lstrip("#").strip())})
        elif line.startswith(("- ", "* ")):
            flush()
            if i > 0 and lines[i - 1].startswith(("- ", "* ")):  # the list goes on
                blocks[-1]["items"].append(_inline(line[2:]))
            else:
                blocks.append({"kind": "ul", "items": [_inline(line[2:])]})
        elif line.startswith(">"):
            flush()
            blocks.append({"kind": "quote", "parts": _inline(line.lstrip("> ").strip())})
        elif not line.strip():
            flush()
        else:
            para.append(line.strip())
        i += 1
    flush()
    return blocks
