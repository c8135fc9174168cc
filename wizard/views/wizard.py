"""The wizard's pages: thin doors onto `state` and `core`."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wizard import steps
from wizard.core import bundle, placement
from wizard.core.checks import ERROR, check, has_errors
from wizard.core.readiness import readiness
from wizard.core.values import to_yaml
from wizard.forms import NodesForm, StartForm, raw_of
from wizard.ratelimit import rate_limited
from wizard.state import WizardState
from wizard.views import share

# Rows of the review's nodes x pods grid: at 2,000 nodes the full grid is 1.8 MB of HTML and
# 2 s to render; the findings and the runbook still cover every node.
GRID_ROWS = 200


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("session")
def start(request: HttpRequest) -> HttpResponse:
    state = WizardState(request.session)
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        state.reset(form.cleaned_data["target"])
        return redirect("wizard:step", slug=steps.SLUGS[0])
    return render(request, "wizard/start.html", {"form": form, "started": state.started})


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("step")
def step(request: HttpRequest, slug: str) -> HttpResponse:
    spec = _step_or_404(slug)
    state = WizardState(request.session)
    if request.method in ("GET", "HEAD"):
        return _render_step(request, _step_context(state, spec))
    action = steps.action_of(request.POST)
    if action.kind in ("add", "remove"):
        focus, anchor = state.edit_rows(slug, request.POST, action.kind, action.arg)
        if request.htmx:
            return _render_step(request, _step_context(state, spec), focus=focus)
        return redirect(reverse("wizard:step", args=[slug]) + f"#id_{anchor}")
    state.save_step(slug, request.POST)
    if action.kind == "save":  # save at any point: this step's typing first, then the whole plan
        return share.save(request)
    if action.kind == "goto":
        return redirect(_url_of(action.arg))
    if action.kind == "back":
        before = steps.previous(slug)
        return redirect(_url_of(before.slug) if before else reverse("wizard:start"))
    # Bound to what was posted, not to what the session kept: the session never keeps a
    # credential, but its error must still show next to the field.
    context = _step_context(state, spec, raw_of(request.POST))
    if context["form"].has_errors():
        return _render_step(request, context, blocked=True)
    after = steps.following(slug)
    return redirect(_url_of(after.slug if after else "review"))


@require_POST
@rate_limited("preview")
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The values file and this step's findings with the unsaved input applied; writes nothing."""
    spec = _step_or_404(slug)
    state = WizardState(request.session, read_only=True)
    context = _step_context(state, spec, raw_of(request.POST), live=True)
    return render(request, "wizard/step.html#preview", context)


@require_safe
def review(request: HttpRequest) -> HttpResponse:
    return _render_review(request, WizardState(request.session), NodesForm())


@require_POST
@rate_limited("session")
def nodes(request: HttpRequest) -> HttpResponse:
    """Take the cluster's nodes (pasted or uploaded) for the review, or forget them."""
    state = WizardState(request.session)
    if "forget" in request.POST:
        state.forget_nodes()
        return redirect(reverse("wizard:review") + "#nodes")
    form = NodesForm(request.POST, request.FILES)
    if form.is_valid():
        if state.keep_nodes(form.cleaned_data["inventory"], settings.SESSION_MAX_BYTES):
            return redirect(reverse("wizard:review") + "#placement")
        form.add_error(
            None,
            ValidationError(
                "These nodes are too many for a wizard session: trim the listing to the fields "
                "scheduling needs, or use `render_values --nodes` (docs/inventories.md).",
                code="nodes_too_many",
            ),
        )
    return _render_review(request, state, form, status=400)


def _render_review(request, state: WizardState, nodes_form, status: int = 200) -> HttpResponse:
    plan, forms = state.build()
    inventory = state.nodes
    findings, where = placement.check_with_nodes(plan, inventory)
    files = bundle.render_files(plan, inventory)
    context = {
        "plan": plan,
        "nav": steps.navigator(findings, state.visited, None),
        "groups": steps.grouped_findings(findings, forms),
        "blocked": has_errors(findings),
        "readiness": readiness(plan, state.visited),
        "values": files.pop(bundle.VALUES_FILE),
        "runbook": files.pop(bundle.RUNBOOK_FILE),
        "presets": sorted(files.items()),
        "zip_name": share.ZIP_FILE,
        "meta": state.meta,
        "nodes_form": nodes_form,
        "inventory": inventory,
        "grid": placement.grid(where, GRID_ROWS) if where else None,
        "grid_rows": min(GRID_ROWS, len(inventory.nodes)) if inventory else 0,
        "columns": placement.columns(where) if where else None,
        "nowhere": placement.nowhere(where) if where else None,
    }
    return render(request, "wizard/review.html", context, status=status)


@require_safe
def download(request: HttpRequest, name: str) -> HttpResponse:
    state = WizardState(request.session)
    plan, forms = state.build()
    inventory = state.nodes
    files = bundle.render_files(plan, inventory)
    if name != share.ZIP_FILE and name not in files:
        raise Http404("No such file for this plan.")
    errors = [f for f in check(plan) if f.severity == ERROR]
    if errors:
        context = {"groups": steps.grouped_findings(errors, forms), "name": name}
        return render(request, "wizard/download_refused.html", context, status=409)
    return share.bundle_file(plan, files, name, inventory)


# --- helpers ---------------------------------------------------------------------------------


def _step_or_404(slug: str) -> steps.Step:
    spec = steps.get(slug)
    if spec is None:
        raise Http404("No such step.")
    return spec


def _url_of(slug: str) -> str:
    return reverse("wizard:review") if slug == "review" else reverse("wizard:step", args=[slug])


def _step_context(state: WizardState, spec: steps.Step, posted=None, live=False) -> dict:
    """The step page's context; `posted`: this step's unsaved data, `live`: for the preview."""
    if live:
        plan, form = state.preview(spec.slug, posted)
    else:
        plan, forms = state.build(None if posted is None else {spec.slug: posted})
        form = forms[spec.slug]
    findings = check(plan)
    shown = live or spec.slug in state.visited
    form.attach(findings if shown else [])
    return {
        "step": spec,
        "step_number": steps.SLUGS.index(spec.slug) + 1,
        "step_template": f"wizard/steps/{spec.slug}.html",
        "form": form,
        "plan": plan,
        "target": state.target,
        "show_findings": shown,
        "nav": steps.navigator(
            findings, state.visited | ({spec.slug} if live else set()), spec.slug
        ),
        "values": functools.partial(to_yaml, plan),  # rendered only if the template shows it
        "previous": steps.previous(spec.slug),
        "following": steps.following(spec.slug),
    }


def _render_step(
    request, context: dict, focus: str | None = None, blocked: bool = False
) -> HttpResponse:
    """The step page (a partial for htmx); `blocked`: Next was refused for the step's errors."""
    template = "wizard/partials/_step_response.html" if request.htmx else "wizard/step.html"
    return render(request, template, {**context, "focus": focus, "blocked": blocked})
