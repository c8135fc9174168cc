"""Template helpers: a form field with its help and findings beside it, and the runbook as blocks."""

from __future__ import annotations

import re
from html import escape

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


@register.inclusion_tag("wizard/partials/_field.html", takes_context=True)
def field(
    context, form, name: str, label: str = "", compact: bool = False, what: str = "", row: int = 0
) -> dict:
    """A field with its label, the guide's help, and the findings about it (`compact`: a row of
    a list editor, labelled e.g. "Label 2 key" for screen readers)."""
    bf = form[name]
    prefix = f"{what.capitalize()} {row}" if compact and what else ""
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
        "label_prefix": prefix,
        "help": "" if compact else bf.help_text,
        "msgs": msgs,
        "kind": kind,
        "compact": compact,
    }


@register.inclusion_tag("wizard/partials/_msgs.html")
def msgs(form, name: str, oob: bool = False) -> dict:
    return {"name": name, "msgs": form.messages_for(name), "oob": oob}


@register.simple_tag
def oob_msgs(form) -> str:
    """The message slots of the form that hold messages, as out-of-band swaps: the markup of
    _msgs.html, built in Python because the live preview sends them on every keystroke. The
    page's script (wizard.js) empties every other slot of the step, so a fixed field's message
    goes; sending all ~80 slots each keystroke tripled the answer. Every value is escaped; only
    escaped pieces and fixed markup are joined."""
    slots = []
    for name, msgs in form.messages.items():
        if not msgs or (name not in form.fields and name not in form.groups):
            continue  # the step's own messages (name None) are in the findings summary
        inner = "".join(
            f'<p class="msg msg-{escape(m.severity)}" data-code="{escape(m.code)}">'
            f'<span class="sev">{escape(m.severity)}</span> {escape(m.text)}</p>'
            for m in msgs
        )
        slots.append(
            f'<div id="msgs-{escape(name)}" class="field-msgs" hx-swap-oob="true">{inner}</div>\n'
        )
    return mark_safe("".join(slots))


def _oob(oob: bool) -> str:
    return ' hx-swap-oob="true"' if oob else ""


@register.simple_tag
def values_block(values, step=None, oob: bool = False) -> str:
    """The values.yaml preview box (the live preview sends it on every keystroke). The file is
    element content, where only &, < and > need escaping: its quotes stay as they are (every
    string in it is double-quoted, and `&quot;` would grow the answer by a sixth)."""
    text = values() if callable(values) else values
    section = f' data-section="{escape(step.title)}"' if step else ""
    return mark_safe(
        f'<div id="values-preview" class="code-block"{_oob(oob)}>\n'
        '  <div class="code-head"><span>values.yaml</span><button type="button" '
        'class="copy button small" data-copy="values-yaml" hidden>Copy</button></div>\n'
        f'  <pre id="values-yaml" tabindex="0"{section}><code>{escape(text, quote=False)}</code></pre>\n'
        "</div>"
    )


_ORDER = {"error": 0, "warning": 1, "info": 2}


@register.simple_tag
def step_findings(form, show: bool, blocked: bool = False, oob: bool = False) -> str:
    """The step's summary of findings above the form (an aria-live region)."""
    inner = ""
    msgs = form.all_messages() if show else []
    if msgs:
        items = []
        for m in msgs:
            text = escape(m.text)
            if m.field:
                text = f'<a href="#id_{escape(m.field)}">{text}</a>'
            items.append(
                f'      <li class="msg msg-{escape(m.severity)}" data-code="{escape(m.code)}">'
                f'<span class="sev">{escape(m.severity)}</span> {text}</li>\n'
            )
        error = form.has_errors()
        kind = "summary summary-error" if error else "summary"
        focus = ' tabindex="-1" autofocus' if blocked else ""
        title = "Fix before downloading" if error else "Worth a look"
        inner = (
            f'\n  <div class="{kind}"{focus}>\n    <h2 class="summary-title">{title}</h2>\n'
            f"    <ul>\n{''.join(items)}    </ul>\n  </div>\n"
        )
    return mark_safe(
        f'<div id="step-findings" class="step-findings" aria-live="polite"{_oob(oob)}>{inner}</div>'
    )


# Rendered navigators: the nav is the same for most keystrokes of the preview. `navigator` hands
# out one tuple per state, so it is found by identity first (hashing seven dataclasses cost more
# than the lookup); an entry keeps its items alive, so their id cannot be reused meanwhile.
_NAV_HTML: dict[tuple, tuple[object, str]] = {}
_NAV_HTML_MAX = 256


@register.simple_tag
def nav(items, in_form: bool, oob: bool = False) -> str:
    """The step navigator (_nav.html), rendered once per distinct state and process."""
    key = (id(items), bool(in_form), bool(oob))
    found = _NAV_HTML.get(key)
    if found is None:
        html = render_to_string(
            "wizard/partials/_nav.html", {"nav": tuple(items), "in_form": key[1], "oob": key[2]}
        )
        if len(_NAV_HTML) >= _NAV_HTML_MAX:
            _NAV_HTML.clear()
        found = _NAV_HTML[key] = (items, html)
    return mark_safe(found[1])


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
            if (
                blocks
                and blocks[-1]["kind"] == "ul"
                and i > 0
                and lines[i - 1].startswith(("- ", "* "))
            ):
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
