"""config.middleware.FormBodyMiddleware: the same request.POST as Django's, just built faster."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.test import RequestFactory, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from config.middleware import FormBodyMiddleware, parse_form

text = st.text(st.characters(codec="utf-8"), max_size=12)
pairs = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c-0-key", "é", ""]) | text, text), max_size=40
)


def same(a: QueryDict, b: QueryDict) -> bool:
    return list(a.lists()) == list(b.lists()) and a.encoding == b.encoding


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_parse_form_equals_querydict_for_encoded_forms(items):
    body = urlencode(items).encode()
    assert same(parse_form(body), QueryDict(body, encoding="utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_parse_form_equals_querydict_for_any_bytes(body):
    assert same(parse_form(body), QueryDict(body, encoding="utf-8"))


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"a=1&a=2&b=&c",
        b"a=%zz&b=%C3%A9&c=+x+",
        "é=ü".encode("latin-1"),  # not UTF-8: both fall back to latin-1
        b"a=1;b=2&&c=3",
        quote("ü&=").encode(),
    ],
)
def test_parse_form_equals_querydict_for_edge_cases(body):
    assert same(parse_form(body), QueryDict(body, encoding="utf-8"))


def test_the_result_is_immutable_like_djangos():
    with pytest.raises(AttributeError):
        parse_form(b"a=1")["a"] = "2"


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=3)
def test_too_many_fields_raise_as_django_does():
    body = b"a=1&b=2&c=3&d=4"
    with pytest.raises(TooManyFieldsSent):
        QueryDict(body, encoding="utf-8")
    with pytest.raises(TooManyFieldsSent):
        parse_form(body)


def _through_middleware(request):
    seen = {}

    def view(req):
        seen["post"] = req.POST
        return None

    FormBodyMiddleware(view)(request)
    return seen["post"]


def test_the_middleware_fills_post_for_url_encoded_bodies_only():
    factory = RequestFactory()
    form = factory.post("/x/", "a=1&a=2", content_type="application/x-www-form-urlencoded")
    assert list(_through_middleware(form).lists()) == [("a", ["1", "2"])]
    multipart = factory.post("/x/", {"a": "1"})  # multipart: left to Django
    assert _through_middleware(multipart)["a"] == "1"
    assert not hasattr(factory.get("/x/?a=1"), "_post")


@pytest.mark.django_db
def test_a_too_big_form_is_still_a_400(client):
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5):
        body = "&".join(f"f{i}=x" for i in range(10))
        response = client.post(
            "/preview/scheduling/", body, content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 400
