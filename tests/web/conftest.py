"""Client-test helpers: put a plan in the test client's session, read findings off a page."""

import json
import re
from pathlib import Path

import pytest

from wizard.core import codec
from wizard.core.plan import Plan
from wizard.state import WizardState

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def example(name: str) -> Plan:
    return codec.from_dict(json.loads((EXAMPLES / f"{name}.json").read_text()))


def load(client, plan: Plan) -> None:
    session = client.session
    WizardState(session).load_plan(plan)
    session.save()


def start(client, target: str = "v2") -> None:
    client.post("/", {"target": target})


def state_of(client) -> WizardState:
    return WizardState(client.session)


def slot_codes(html: str, name: str) -> list[str]:
    """The finding codes shown in the message slot next to field `name`."""
    m = re.search(rf'<div id="msgs-{re.escape(name)}"[^>]*>(.*?)</div>', html, re.S)
    assert m, f"no message slot for {name}"
    return re.findall(r'data-code="([^"]+)"', m.group(1))


def summary_codes(html: str) -> list[str]:
    m = re.search(r'<div id="step-findings"[^>]*>(.*?)\n</div>', html, re.S)
    assert m, "no findings summary"
    return re.findall(r'data-code="([^"]+)"', m.group(1))


def step_post(client, slug: str, data: dict, button: str = "next", **extra):
    """POST a step the way the browser does: the current fields plus the button pressed."""
    form = state_of(client).form(slug)
    posted = {k: v for k, v in form.raw.items()}
    for key, value in data.items():
        if value is None:
            posted.pop(key, None)
        else:
            posted[key] = value
    posted[button] = extra.pop("value", "")
    return client.post(f"/step/{slug}/", posted, **extra)


@pytest.fixture
def v2(client):
    start(client, "v2")
    return client


@pytest.fixture
def v06(client):
    start(client, "v0.6")
    return client
