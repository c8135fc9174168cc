"""The JSON API (docs/api.md): render a plan, save it, read it, save a new revision.

No cookies: the API is csrf_exempt and a write proves ownership with `Authorization: Bearer
<edit key>`. Every answer, errors included, is a JSON object; errors carry `error` (a stable code)
and `message`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from wizard import plans
from wizard.core import bundle, codec, inventory, placement, safeyaml
from wizard.core.checks import Finding, check, has_errors
from wizard.core.importer import ImportRefused, report_dict
from wizard.core.importer import import_text as run_import
from wizard.core.plan import TARGETS, Plan
from wizard.ratelimit import rate_limited

logger = logging.getLogger(__name__)
MAX_BODY = 256 * 1024
_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str, **extra: object):
        self.status, self.error, self.message, self.extra = status, error, message, extra
        super().__init__(message)


def error_response(status: int, error: str, message: str, **extra: object) -> JsonResponse:
    return JsonResponse({"error": error, "message": message, **extra}, status=status)


def api_view(*methods: str) -> Callable:
    """csrf_exempt, JSON 405 for other methods, ApiError -> its JSON response."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
            allowed = (*methods, "HEAD") if "GET" in methods else methods
            if request.method not in allowed:
                response = error_response(
                    405, "method_not_allowed", f"use {' or '.join(methods)} here"
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, **kwargs)
            except ApiError as exc:
                return error_response(exc.status, exc.error, exc.message, **exc.extra)
            except Exception:  # a bug: logged with its traceback, answered in JSON as documented
                logger.exception("API error on %s", request.path)
                return error_response(500, "server_error", "an unexpected error; it was logged")

        return wrapper

    return decorate


def findings_json(findings: list[Finding]) -> list[dict]:
    return [
        {
            "severity": f.severity,
            "code": f.code,
            "path": f.path,
            "step": f.step,
            "message": f.message,
        }
        for f in findings
    ]


def content_length(request: HttpRequest) -> int:
    """The length the request announces (0 when it announces none, or nonsense)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def read_body(request: HttpRequest, cap: int, what: str = "the body") -> bytes:
    """The request body, or ApiError 413 when it is (or announces itself as) over `cap` bytes."""
    too_large = ApiError(413, "too_large", f"{what} is larger than {cap} bytes")
    if content_length(request) > cap:
        raise too_large
    try:
        body = request.body
    except RequestDataTooBig:
        raise too_large from None
    if len(body) > cap:
        raise too_large
    return body


def read_plan(request: HttpRequest) -> Plan:
    """The plan in the request body, or ApiError 413/415/400."""
    return _decode_plan(_read_json(request, MAX_BODY))


def _read_json(request: HttpRequest, cap: int) -> object:
    body = read_body(request, cap)
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the plan as application/json")
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "the body is not valid UTF-8 JSON") from None


def read_plan_and_nodes(request: HttpRequest) -> tuple[Plan, inventory.Inventory | None]:
    """/api/render: the plan plus an optional `nodes` key, the output of `kubectl get nodes -o
    json` as an object or as JSON/YAML text. The inventory is only checked against, never kept."""
    data = _read_json(request, render_cap())
    nodes = None
    if isinstance(data, dict) and "nodes" in data:
        data = dict(data)
        raw = data.pop("nodes")
        try:
            if isinstance(raw, str):
                nodes = inventory.parse_inventory(raw)
            else:
                nodes = inventory.from_document(raw)
        except inventory.InventoryError as exc:
            raise ApiError(
                400, "invalid_nodes", exc.message, path=exc.path, line=exc.line
            ) from None
    elif len(request.body) > MAX_BODY:  # only an inventory makes a body larger than a plan
        raise ApiError(413, "too_large", f"the body is larger than {MAX_BODY} bytes")
    return _decode_plan(data), nodes


def render_cap() -> int:
    """Bytes /api/render accepts: a plan plus an inventory, within Django's body cap."""
    upload = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or inventory.MAX_INVENTORY_BYTES
    return max(MAX_BODY, min(MAX_BODY + inventory.MAX_INVENTORY_BYTES, upload))


def _decode_plan(data: object) -> Plan:
    try:
        return codec.from_dict(data)
    except codec.PlanFormatError as exc:
        problems = [{"path": path, "message": message} for path, message in exc.problems]
        raise ApiError(400, "invalid_plan", "the body is not a plan", problems=problems) from None


def _urls(request: HttpRequest, saved) -> dict:
    share = reverse("share:shared_plan", args=[str(saved.share_id)])
    return {
        "id": str(saved.share_id),
        "share_url": request.build_absolute_uri(share),
        "url": request.build_absolute_uri(reverse("api:plan", args=[str(saved.share_id)])),
    }


def _shared(share_id: str):
    saved = plans.get_shared(share_id)
    if saved is None:
        raise ApiError(404, "not_found", "no plan has this id")
    return saved


@api_view("POST")
@rate_limited("render")
def render(request: HttpRequest) -> JsonResponse:
    plan, nodes = read_plan_and_nodes(request)
    findings, where = placement.check_with_nodes(plan, nodes)
    if has_errors(findings):
        raise ApiError(
            422, "plan_has_errors", "fix the errors first", findings=findings_json(findings)
        )
    files = bundle.render_files(plan, nodes)
    body = {
        "values_yaml": files[bundle.VALUES_FILE],
        "runbook_md": files[bundle.RUNBOOK_FILE],
        "findings": findings_json(findings),
    }
    if where is not None:
        body["placement"] = placement.placement_dict(where)
    return JsonResponse(body)


@api_view("POST")
@rate_limited("api")
def create(request: HttpRequest) -> JsonResponse:
    plan = read_plan(request)
    created = plans.create(plan)
    edit = reverse("share:edit", args=[created.edit_key])
    body = {
        **_urls(request, created.saved),
        "revision": created.revision.number,
        "edit_url": request.build_absolute_uri(edit),
        "edit_key": created.edit_key,
        "findings": findings_json(check(plan)),
    }
    response = JsonResponse(body, status=201)
    response["Cache-Control"] = "no-store"  # it carries the edit key
    response["Location"] = body["url"]
    response["ETag"] = f'"{created.revision.number}"'
    return response


@api_view("GET", "PUT", "DELETE")
@rate_limited("api")
def plan(request: HttpRequest, share_id: str) -> JsonResponse:
    saved = _shared(share_id)
    if request.method in ("GET", "HEAD"):
        return _get(request, saved)
    _authorize(request, saved)
    if request.method == "DELETE":
        plans.delete(saved)
        return JsonResponse({"id": share_id, "deleted": True})
    return _put(request, saved)


def _get(request: HttpRequest, saved) -> JsonResponse:
    wanted = request.GET.get("revision")
    if wanted is None:
        rev = plans.latest(saved)
    else:
        number = plans.revision_number(wanted)
        rev = None if number is None else plans.revision(saved, number)
        if rev is None:
            raise ApiError(404, "not_found", "the plan has no such revision")
    current = plans.plan_of(rev)
    body = {
        **_urls(request, saved),
        "revision": rev.number,
        "latest_revision": saved.latest_number,
        "plan": codec.to_dict(current),
        "findings": findings_json(check(current)),
    }
    response = JsonResponse(body)
    response["ETag"] = f'"{rev.number}"'
    return response


def _authorize(request: HttpRequest, saved) -> None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not plans.key_matches(saved, key.strip()):
        raise ApiError(403, "forbidden", "send the plan's edit key as Authorization: Bearer <key>")


def _put(request: HttpRequest, saved) -> JsonResponse:
    raw = request.headers.get("If-Match")
    if raw is None:
        raise ApiError(428, "precondition_required", "send If-Match: <the revision you edited>")
    match = _IF_MATCH.match(raw)
    if match is None:
        raise ApiError(400, "invalid_if_match", "If-Match must be a revision number")
    new_plan = read_plan(request)
    try:
        rev = plans.save_revision(saved, new_plan, int(match.group(1)))
    except plans.Gone:
        raise ApiError(404, "not_found", "no plan has this id") from None
    except plans.Conflict as conflict:
        raise ApiError(
            409,
            "conflict",
            "the plan changed since that revision; merge with the latest and retry",
            latest_revision=conflict.latest.number,
            plan=codec.to_dict(plans.plan_of(conflict.latest)),
        ) from None
    response = JsonResponse(
        {
            **_urls(request, saved),
            "revision": rev.number,
            "findings": findings_json(check(new_plan)),
        }
    )
    response["ETag"] = f'"{rev.number}"'
    return response


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return error_response(404, "not_found", "no such API endpoint; see docs/api.md")


@api_view("POST")
@rate_limited("import")
def import_values(request: HttpRequest) -> JsonResponse:
    """A values file (YAML body) -> the plan it describes, with the import findings."""
    target = request.GET.get("target") or None
    if target is not None and target not in TARGETS:
        raise ApiError(400, "invalid_target", "target must be v2 or v0.6")
    body = read_body(request, import_cap(), "the values file")
    try:
        # import_text: the release, namespace and provider of the wizard's own header.
        result = run_import(body, target)
    except ImportRefused as exc:  # too large for a plan
        raise ApiError(400, "import_refused", exc.message, line=exc.line) from None
    except safeyaml.YamlRefused as exc:
        raise ApiError(400, "invalid_yaml", exc.message, line=exc.line) from None
    if result.ambiguous:
        raise ApiError(
            422,
            "target_ambiguous",
            "cannot tell whether the file is for the v2 or the 0.6 chart: "
            "pass ?target=v2 or ?target=v0.6",
            param="target",
        )
    return JsonResponse({"plan": codec.to_dict(result.plan), **report_dict(result)})


def import_cap() -> int:
    """Bytes of YAML the doors accept: the parser's cap, or Django's body cap if smaller."""
    return min(safeyaml.MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or safeyaml.MAX_BYTES)
