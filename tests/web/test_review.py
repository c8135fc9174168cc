"""Review page, readiness, and downloads (refused while errors remain, else the bundle's bytes)."""

import io
import zipfile

import pytest

from tests.web.conftest import example, load, state_of
from wizard.core import bundle

pytestmark = pytest.mark.django_db
EXAMPLES = ["v2-two-pool-aws", "v2-per-class-gke", "v06-legacy"]


def test_review_groups_findings_by_step_with_links_to_their_fields(v2):
    html = v2.get("/review/").content.decode()
    assert 'data-code="db_host_missing"' in html
    assert 'href="/step/database/#id_host"' in html
    assert 'href="/step/storage/#id_artifacts-bucket"' in html
    assert 'data-code="downloads_blocked"' in html


def test_review_shows_readiness_and_every_rendered_file(client):
    plan = example("v2-per-class-gke")
    load(client, plan)
    html = client.get("/review/").content.decode()
    assert 'data-readiness="' in html and "of 8 followed" in html
    assert 'data-recommendation="external_db" data-followed="yes"' in html
    for name in bundle.render_files(plan):
        assert f'href="/download/{name}"' in html
    assert 'href="/download/bundle.zip"' in html
    assert "{% block review_actions %}" not in html


def test_review_escapes_user_values(client):
    plan = example("v2-two-pool-aws")
    from wizard.core.plan import with_changes

    load(
        client, with_changes(plan, secrets=with_changes(plan.secrets, admin_email="<b>x</b>@e.co"))
    )
    html = client.get("/review/").content.decode()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


@pytest.mark.parametrize("name", ["values.yaml", "RUNBOOK.md", "bundle.zip"])
def test_downloads_are_refused_while_errors_remain(v2, name):
    response = v2.get(f"/download/{name}")
    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-code="db_host_missing"' in html
    assert 'href="/step/database/#id_host"' in html
    assert "Content-Disposition" not in response


@pytest.mark.parametrize("name", EXAMPLES)
def test_downloads_equal_the_bundle_output(client, name):
    plan = example(name)
    load(client, plan)
    for path, text in bundle.render_files(plan).items():
        response = client.get(f"/download/{path}")
        assert response.status_code == 200, path
        assert response.content == text.encode(), path
        assert (
            response["Content-Disposition"] == f'attachment; filename="{path.rsplit("/", 1)[-1]}"'
        )
        assert "no-store" in response["Cache-Control"]
    response = client.get("/download/bundle.zip")
    assert response.content == bundle.render_zip(plan)
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert f"polyaxon-{plan.release}/plan.json" in names


def test_an_unknown_download_is_a_404(client):
    load(client, example("v06-legacy"))  # 0.6 has no preset files
    assert client.get("/download/secrets.txt").status_code == 404
    assert client.get("/download/presets/experiments.yaml").status_code == 404


def test_review_without_a_plan_shows_the_default_plan(client):
    html = client.get("/review/").content.decode()
    assert client.get("/review/").status_code == 200 and "db_host_missing" in html
    assert not state_of(client).started


def test_runbook_is_rendered_as_escaped_blocks_with_a_copy_button_per_command(client):
    plan = example("v2-two-pool-aws")
    from wizard.core.plan import with_changes
    from wizard.core.runbook import to_runbook

    plan = with_changes(plan, namespace="<i>ns</i>")
    load(client, plan)
    html = client.get("/review/").content.decode()
    assert "<i>ns</i>" not in html and "&lt;i&gt;ns&lt;/i&gt;" in html
    fences = to_runbook(plan).count("```sh")
    assert html.count('data-copy="rb-') == fences > 3
