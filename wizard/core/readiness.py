"""Readiness: which of the production guide's recommendations a plan follows.

One `Recommendation` per piece of advice in the guide, each with the wizard step that decides it,
so the review page can say "N of M followed" and link to what is left to do. A recommendation
counts as followed only when the plan says so *and* its step holds no error *and* (in the wizard)
the user has been to that step: the review never calls a plan ready that the checks block.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, replace

from .checks import ERROR, check
from .plan import Plan, needs_rabbitmq, needs_redis, stores


@dataclass(frozen=True)
class Recommendation:
    code: str
    title: str
    followed: bool
    detail: str
    step: str  # wizard step slug
    # Why a recommendation the plan chose is still not followed: "errors" (its step has errors)
    # or "unvisited" (the wizard's user has not been to its step yet); "" otherwise.
    reason: str = ""
    errors: int = 0  # errors on the step


@dataclass(frozen=True)
class Readiness:
    items: tuple[Recommendation, ...]
    errors: int = 0  # errors in the whole plan: they block downloads

    @property
    def followed(self) -> int:
        return sum(1 for item in self.items if item.followed)

    @property
    def total(self) -> int:
        return len(self.items)

    def summary(self) -> str:
        return f"{self.followed} of {self.total} followed"


def readiness(plan: Plan, visited: Collection[str] | None = None) -> Readiness:
    """The guide's recommendations, each followed or not, in wizard order.

    `visited`: the wizard steps the user has been to (None: a saved plan, every step counts)."""
    findings = check(plan)
    errors_by_step = Counter(f.step for f in findings if f.severity == ERROR)
    items = tuple(
        _honest(item, errors_by_step[item.step], visited) for item in _items(plan, findings)
    )
    return Readiness(items, sum(errors_by_step.values()))


def _honest(item: Recommendation, errors: int, visited) -> Recommendation:
    if errors:
        detail = f"{errors} error{'s' if errors > 1 else ''} on this step block it: fix them first."
        return replace(item, followed=False, reason="errors", errors=errors, detail=detail)
    if visited is not None and item.step not in visited and item.followed:
        detail = "Not visited yet: open the step and confirm its answers."
        return replace(item, followed=False, reason="unvisited", detail=detail)
    return item


def _items(plan: Plan, findings) -> tuple[Recommendation, ...]:
    codes = {f.code for f in findings}
    sched = plan.scheduling
    separated = bool(sched.core.labels) and not (
        {"shared_nodes", "workload_labels_missing", "core_labels_missing"} & codes
    )
    tainted = sched.core.taint and bool(sched.core.labels)
    external_db = plan.database.kind == "external"
    comp = plan.components
    services = []
    if needs_redis(plan):
        services.append(("Redis", comp.redis.kind == "external"))
    if needs_rabbitmq(plan):
        services.append(("RabbitMQ", comp.rabbitmq.kind == "external"))
    managed = all(ok for _, ok in services)
    if not services:
        managed_detail = "No broker or cache is needed with these settings."
    elif managed:
        managed_detail = "Managed: " + ", ".join(name for name, _ in services) + "."
    else:
        managed_detail = "In-cluster: " + ", ".join(n for n, ok in services if not ok) + "."
    temporary = [path for path, store in stores(plan).items() if store.kind == "host-path"]
    sec = plan.security
    non_root = sec.enabled and sec.uid != 0 and sec.gid != 0
    secret_ok = not any(f.path == "secrets.name" for f in findings)
    return (
        Recommendation(
            "separate_core",
            "Core components on their own nodes, apart from the workloads",
            separated,
            "Core and workload pools select different nodes."
            if separated
            else "Runs can land on the core nodes.",
            "scheduling",
        ),
        Recommendation(
            "tainted_core",
            "Core nodes tainted",
            tainted,
            "Only Polyaxon's own components tolerate the core taint."
            if tainted
            else "Runs without a node selector can still use the core nodes.",
            "scheduling",
        ),
        Recommendation(
            "external_db",
            "External, highly available PostgreSQL",
            external_db,
            "The database runs outside the cluster."
            if external_db
            else "The in-cluster database is a single pod.",
            "database",
        ),
        Recommendation(
            "managed_services",
            "Managed Redis and RabbitMQ where they are needed",
            managed,
            managed_detail,
            "components",
        ),
        Recommendation(
            "durable_storage",
            "Durable storage for every store",
            not temporary,
            "Every store survives a node failure."
            if not temporary
            else "Host-path (temporary) stores: " + ", ".join(temporary) + ".",
            "storage",
        ),
        Recommendation(
            "tls",
            "SSL/TLS for the deployment",
            plan.tls.mode != "none",
            "Traffic is encrypted." if plan.tls.mode != "none" else "TLS is off.",
            "ssl",
        ),
        Recommendation(
            "non_root",
            "Security context with a non-root user",
            non_root,
            f"Runs as uid {sec.uid}, gid {sec.gid}." if non_root else "Containers may run as root.",
            "security-context",
        ),
        Recommendation(
            "secrets_in_secret",
            "Passwords and keys in a Kubernetes Secret",
            secret_ok,
            f"They live in the Secret {plan.secrets.name!r}, never in the values file."
            if secret_ok
            else "Name a valid Kubernetes Secret.",
            "secrets",
        ),
    )
