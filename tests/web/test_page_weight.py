"""The wizard stays light: a step page with its CSS and JS is well under 60 KB gzipped."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/step/scheduling/", "/step/storage/", "/review/"])
def test_a_page_and_its_assets_weigh_under_60_kb_compressed(v2, url):
    html = v2.get(url).content
    total = len(gzip.compress(html))
    for src in re.findall(rb'(?:src|href)="/static/([^"]+)"', html):
        with open(finders.find(src.decode()), "rb") as asset:
            total += len(gzip.compress(asset.read()))
    assert total < 60_000
