"""Saved plans in the browser: save from the wizard, share pages, history, diff, owner page.

Thin doors onto `wizard.plans` (the database) and `wizard.core` (rendering). Share pages take a
share id (`/p/<id>/`), the owner page the edit key (`/e/<key>/`); a bad id of either kind is the
same 404 as an unknown one.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wizard import plans
from wizard.core import bundle, codec
from wizard.core.checks import check, has_errors
from wizard.core.merge import Merge, merge
from wizard.models import Revision, SavedPlan
from wizard.ratelimit import rate_limited
from wizard.state import WizardState

ZIP_FILE = "bundle.zip"


def _found(found):
    """The plan or revision the URL or the session names; a malformed id is the same 404 as an
    unknown one."""
    if found is None:
        raise Http404("No such plan or revision.")
    return found


def _saved_response(request: HttpRequest, state: WizardState, result: plans.Saved) -> HttpResponse:
    state.meta["saved"] = plans.session_ref(result.saved, result.revision.number)
    if result.edit_key:
        return redirect("share:edit", key=result.edit_key)
    messages.success(request, f"Saved as revision {result.revision.number}.")
    return redirect("share:shared_revision", str(result.saved.share_id), result.revision.number)


def _open(state: WizardState, saved: SavedPlan) -> HttpResponse:
    """Open the plan's latest revision in the wizard, remembered as the base of the next save."""
    rev = plans.latest(saved)
    state.load_plan(plans.plan_of(rev))
    state.meta["saved"] = plans.session_ref(saved, rev.number)
    return redirect("wizard:review")


def _merge_of(conflict: plans.Conflict, mine) -> Merge | None:
    """Your save and the latest one, merged against the revision you started from (if kept)."""
    base = plans.revision(conflict.saved, conflict.base) if conflict.base >= 1 else None
    if base is None:
        return None
    return merge(
        codec.to_dict(plans.plan_of(base)),
        codec.to_dict(plans.plan_of(conflict.latest)),
        codec.to_dict(mine),
    )


def _conflict_page(
    request: HttpRequest, conflict: plans.Conflict, mine, choose: bool = False
) -> HttpResponse:
    theirs = plans.plan_of(conflict.latest)
    context = {
        "choose": choose,  # a merge was posted without a choice for every field both changed
        "conflict": conflict,
        "merge": _merge_of(conflict, mine),
        "saved": conflict.saved,
        "groups": plans.diff_plans(theirs, mine),
        "values_diff": plans.diff_values(theirs, mine, "latest", "yours"),
        "theirs_json": bundle.plan_json(theirs),
        "mine_json": bundle.plan_json(mine),
    }
    return render(request, "share/conflict.html", context, status=409)


@require_POST
@rate_limited("save")
def save(request: HttpRequest) -> HttpResponse:
    """Save the wizard's plan: first save creates the plan, later ones append revisions."""
    return _save(request)


@require_POST
@rate_limited("save")
def keep_mine(request: HttpRequest) -> HttpResponse:
    """Conflict page: save what the wizard holds as a revision after the latest one shown."""
    return _save(request, plans.revision_number(request.POST.get("base", "")) or -1)


def _save(request: HttpRequest, base: int | None = None) -> HttpResponse:
    state = WizardState(request.session)
    mine = state.build_plan()
    try:
        result = plans.save_from_session(state.meta.get("saved"), mine, base)
    except plans.Conflict as conflict:
        return _conflict_page(request, conflict, mine)
    return _saved_response(request, state, result)


@require_POST
@rate_limited("save")
def merge_both(request: HttpRequest) -> HttpResponse:
    """Conflict page: save both sides' changes, each field both changed as chosen on the page."""
    state = WizardState(request.session)
    ref = state.meta.get("saved")
    saved = _found(plans.session_plan(ref))
    mine, latest = state.build_plan(), plans.latest(saved)
    base = ref.get("revision") if isinstance(ref.get("revision"), int) else 0
    conflict = plans.Conflict(saved, base, latest)
    result = _merge_of(conflict, mine)
    if result is None or request.POST.get("latest") != str(latest.number):
        return _conflict_page(request, conflict, mine)  # saved again meanwhile: choose again
    choices = {c.path: request.POST.get(f"choice:{c.path}", "") for c in result.conflicts}
    if any(choice not in ("mine", "theirs") for choice in choices.values()):
        return _conflict_page(request, conflict, mine, choose=True)
    try:
        merged = codec.from_dict(result.resolve(choices))
    except codec.PlanFormatError:
        return _conflict_page(request, conflict, mine)
    try:
        saved_result = plans.save_from_session(ref, merged, latest.number)
    except plans.Conflict as again:
        return _conflict_page(request, again, mine)
    state.load_plan(merged)
    return _saved_response(request, state, saved_result)


@require_POST
def take_latest(request: HttpRequest) -> HttpResponse:
    """Conflict page: open the latest revision in the wizard instead."""
    state = WizardState(request.session)
    return _open(state, _found(plans.session_plan(state.meta.get("saved"))))


def _plan_context(saved: SavedPlan, rev: Revision) -> dict:
    plan = plans.plan_of(rev)
    findings = check(plan)
    files = bundle.render_files(plan)
    return {
        "saved": saved,
        "rev": rev,
        "is_latest": rev.number == saved.latest_number,
        "plan": plan,
        "plan_json": bundle.plan_json(plan),
        "findings": findings,
        "blocked": has_errors(findings),
        "values_yaml": files[bundle.VALUES_FILE],
        "runbook_md": files[bundle.RUNBOOK_FILE],
        "files": [*files, bundle.PLAN_FILE, ZIP_FILE],
    }


@require_safe
def shared_plan(request: HttpRequest, share_id: str, number: int | None = None) -> HttpResponse:
    rev = _found(plans.shared_revision(share_id, number))
    return render(request, "share/plan.html", _plan_context(rev.saved_plan, rev))


@require_safe
def download(
    request: HttpRequest, share_id: str, name: str, number: int | None = None
) -> HttpResponse:
    saved = _found(plans.get_shared(share_id))
    rev = _found(plans.revision(saved, number))
    plan = plans.plan_of(rev)
    if name == bundle.PLAN_FILE:
        return attachment(bundle.plan_json(plan), name, "application/json")
    files = bundle.render_files(plan)
    if name != ZIP_FILE and name not in files:
        raise Http404("No such file.")
    if has_errors(check(plan)):
        # Errors block download (house rule); the plan itself stays downloadable.
        return render(request, "share/blocked.html", _plan_context(saved, rev), status=422)
    return bundle_file(plan, files, name)


def bundle_file(plan, files: dict[str, str], name: str, nodes=None) -> HttpResponse:
    """One of the plan's rendered `files` (or all of them zipped, as ZIP_FILE) as a download."""
    if name == ZIP_FILE:
        zipped = bundle.render_zip(plan, nodes)
        return attachment(zipped, f"polyaxon-{plan.release}.zip", "application/zip")
    content_type = "text/markdown" if name.endswith(".md") else "application/yaml"
    return attachment(files[name], name.rsplit("/", 1)[-1], content_type)


def attachment(body: str | bytes, filename: str, content_type: str) -> HttpResponse:
    if isinstance(body, str):
        content_type += "; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def history(request: HttpRequest, share_id: str) -> HttpResponse:
    saved = _found(plans.get_shared(share_id))
    revisions, changes = plans.history(saved), plans.what_changed(saved)
    return render(
        request,
        "share/history.html",
        {
            "saved": saved,
            "history": revisions,
            "rows": [(r, changes.get(r.number)) for r in revisions],
        },
    )


@require_safe
def diff(request: HttpRequest, share_id: str) -> HttpResponse:
    saved = _found(plans.get_shared(share_id))
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    latest = saved.latest_number
    old = _found(plans.revision(saved, plans.revision_number(a) or max(latest - 1, 1)))
    new = _found(plans.revision(saved, plans.revision_number(b) or latest))
    before, after = plans.plan_of(old), plans.plan_of(new)
    context = {
        "saved": saved,
        "old": old,
        "new": new,
        "history": plans.history(saved),
        "groups": plans.diff_plans(before, after),
        "values_diff": plans.diff_values(
            before, after, f"revision {old.number}", f"revision {new.number}"
        ),
    }
    return render(request, "share/diff.html", context)


@require_POST
@rate_limited("save")
def fork(request: HttpRequest, share_id: str) -> HttpResponse:
    """Anyone with the share link: copy the plan (a revision of it) into a new plan of their own."""
    saved = _found(plans.get_shared(share_id))
    number = request.POST.get("revision", "")
    created = plans.fork(_found(plans.revision(saved, plans.revision_number(number))))
    messages.success(request, "This is your copy: keep the edit link.")
    return redirect("share:edit", key=created.edit_key)


@never_cache
@require_safe
def edit(request: HttpRequest, key: str) -> HttpResponse:
    saved = _found(plans.get_by_key(key))
    context = {**_plan_context(saved, plans.latest(saved)), "edit_key": key}
    return render(request, "share/edit.html", context)


@require_POST
def open_in_wizard(request: HttpRequest, key: str) -> HttpResponse:
    return _open(WizardState(request.session), _found(plans.get_by_key(key)))


@require_POST
@rate_limited("save")
def rotate(request: HttpRequest, key: str) -> HttpResponse:
    saved = _found(plans.get_by_key(key))
    plans.rotate_share(saved)
    messages.success(request, "New share link made; the old one no longer works.")
    return redirect("share:edit", key=key)


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("save")
def delete(request: HttpRequest, key: str) -> HttpResponse:
    """Deleting cannot be undone: a POST without `confirm` (or a GET) shows the confirmation page."""
    saved = _found(plans.get_by_key(key))
    if request.method == "POST" and request.POST.get("confirm") == "delete":
        plans.delete(saved)
        return render(request, "share/deleted.html")
    rev = plans.latest(saved)
    context = {"saved": saved, "plan": plans.plan_of(rev), "edit_key": key}
    return render(request, "share/delete_confirm.html", context)
