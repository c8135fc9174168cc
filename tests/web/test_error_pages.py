"""Error pages in the product's look, without stack traces."""

import pytest
from django.template.loader import get_template
from django.test import Client

pytestmark = pytest.mark.django_db


def test_404_uses_the_product_look(client):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Polyaxon production wizard" in html and "Page not found" in html
    assert "Traceback" not in html


@pytest.mark.parametrize("name", ["500.html", "403_csrf.html"])
def test_pages_rendered_without_context_processors_still_render(name):
    html = get_template(name).render({})
    assert "Polyaxon production wizard" in html and "<script" not in html


@pytest.mark.parametrize("name", ["400.html", "403.html", "404.html"])
def test_error_templates_render_with_a_request(rf, name):
    request = rf.get("/")
    html = get_template(name).render({}, request)
    assert "Polyaxon production wizard" in html and "Go to the start page" in html


def test_a_post_without_csrf_token_gets_the_product_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/", {"target": "v2"})
    assert response.status_code == 403
    assert "Polyaxon production wizard" in response.content.decode()
