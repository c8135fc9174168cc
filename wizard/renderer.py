"""Django's form renderer, with the four widget templates the wizard uses written in Python.

A step page renders ~70 widgets, and each went through the template engine (a radio group through
five nested templates): two thirds of the per-class scheduling page's 23 ms. The functions below
write the same bytes as Django's templates for text inputs, checkboxes, selects and radio groups
(`tests/web/test_renderer.py` compares them with Django's rendering, hostile values included);
anything else (an option group, another template) is left to Django.
"""

from __future__ import annotations

from html import escape

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import SafeData, mark_safe

_INPUT = "django/forms/widgets/input.html"
_TEXT = "django/forms/widgets/text.html"
_CHECKBOX = "django/forms/widgets/checkbox.html"
_SELECT = "django/forms/widgets/select.html"
_RADIO = "django/forms/widgets/radio.html"
_SELECT_OPTION = "django/forms/widgets/select_option.html"
_RADIO_OPTION = "django/forms/widgets/radio_option.html"


class _Fallback(Exception):
    """The widget has something the functions below do not write: Django renders it."""


class WizardFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        write = _WRITERS.get(template_name)
        if write is not None:
            try:
                return mark_safe(write(context["widget"]))
            except _Fallback:
                pass
        return super().render(template_name, context, request=request)


def _text(value: object) -> str:
    """`{{ value }}`: escaped unless already safe (Django's conditional_escape, without the
    lazy-string wrapper it pays on each of a page's ~1,400 calls)."""
    if isinstance(value, Promise):
        value = str(value)
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(str(value))


def _formatted(value: object) -> str:
    """`{{ value|stringformat:'s' }}` (the filter keeps a safe value safe)."""
    text = str(value)  # what "%s" gives
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html, without its final newline (stripped at the top)."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


def _select(widget: dict) -> str:
    options = []
    for group, choices, _ in widget["optgroups"]:
        if group:
            raise _Fallback
        for option in choices:
            if option["template_name"] != _SELECT_OPTION:
                raise _Fallback
            options.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
    return f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>{"".join(options)}\n</select>'


def _radio(widget: dict) -> str:
    attrs = widget["attrs"]
    head = "<div"
    if attrs.get("id"):
        head += f' id="{_text(attrs["id"])}"'
    if attrs.get("class"):
        head += f' class="{_text(attrs["class"])}"'
    options = []
    for group, choices, _ in widget["optgroups"]:
        if group:
            raise _Fallback
        for option in choices:
            if option["template_name"] != _RADIO_OPTION or not option.get("wrap_label"):
                raise _Fallback
            label_for = option["attrs"].get("id")
            for_attr = f' for="{_text(label_for)}"' if label_for else ""
            options.append(
                f"<div>\n    <label{for_attr}>{_input(option)}\n {_text(option['label'])}</label>\n\n</div>"
            )
    return f"{head}>{''.join(options)}\n</div>"


_WRITERS = {
    _INPUT: _input,
    _TEXT: _input,
    _CHECKBOX: _input,
    _SELECT: _select,
    _RADIO: _radio,
}
