"""Every kind of page, loaded in Chromium with the CSP enforced: zero violations, zero errors."""

import json
from pathlib import Path
from urllib.parse import urlsplit

from tests.browser.conftest import unexpected_errors

ROOT = Path(__file__).resolve().parents[2]
STEPS = ["scheduling", "database", "components", "storage", "ssl", "security-context", "secrets"]


def test_every_page_loads_without_a_csp_violation(page):
    plan = json.loads((ROOT / "examples" / "v2-two-pool-aws.json").read_text())
    created = page.request.post(
        "/api/plans", data=json.dumps(plan), headers={"Content-Type": "application/json"}
    ).json()
    page.request.put(
        f"/api/plans/{created['id']}",
        data=json.dumps({**plan, "release": "second"}),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {created['edit_key']}",
            "If-Match": "1",
        },
    )
    share = f"/p/{created['id']}/"
    edit = urlsplit(created["edit_url"]).path
    paths = [
        "/",
        "/import/",
        *[f"/step/{s}/" for s in STEPS],
        "/review/",
        "/download/values.yaml",
        share,
        f"{share}r/1/",
        f"{share}history/",
        f"{share}diff/?a=1&b=2",
        edit,
        "/nope/",
    ]
    page.goto("/")
    page.get_by_role("button", name="Start a new plan").click()
    seen = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status < 500, path
        assert response.headers.get("content-security-policy", "").startswith(
            (
                "default-src",
                "style-src",
                "script-src",
                "img-src",
                "object-src",
                "frame-ancestors",
                "base-uri",
                "form-action",
            )
        ), path
        page.wait_for_load_state("networkidle")
        seen.append(path)
    assert [e for e in page.errors if e.startswith("csp:")] == []

    # The 409 (download refused) and 404 pages are meant to answer with those statuses.
    def meant(error: str) -> bool:
        return "Failed to load resource" in error and (
            "status of 409" in error or "status of 404" in error
        )

    assert [e for e in unexpected_errors(page.errors) if not meant(e)] == []
    assert len(seen) == len(paths)
