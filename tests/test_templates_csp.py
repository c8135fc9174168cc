"""No template carries inline code the CSP would have to allow: no inline <script> or <style>,
no style="" attribute, no on*="" event handler, no javascript: URL."""

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "templates").rglob("*.html"))
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_has_no_inline_code(path):
    text = path.read_text()
    found = [kind for kind, pattern in INLINE.items() if pattern.search(text)]
    assert found == []


def test_htmx_is_configured_for_a_strict_csp():
    base = (Path(__file__).resolve().parent.parent / "templates" / "base.html").read_text()
    config = re.search(r"name=\"htmx-config\" content='([^']+)'", base).group(1)
    for setting in (
        '"includeIndicatorStyles": false',
        '"allowEval": false',
        '"historyCacheSize": 0',
    ):
        assert setting in config


def test_no_template_comment_spans_lines():
    """Django's {# #} comments are one line only: a multi-line one is printed on the page."""
    for path in TEMPLATES:
        for match in re.finditer(r"\{#(.*?)#\}|\{#", path.read_text(), re.S):
            assert match.group(0).endswith("#}") and "\n" not in match.group(0), path.name
