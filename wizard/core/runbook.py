"""Runbook renderer: the ordered, copy-pasteable procedure (Markdown) that applies the plan.

Every value that came from the user is shell-quoted with `shlex.quote`; secrets are only ever read
from environment variables or from the plan's Kubernetes Secret, never written here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from shlex import quote

from .checks import ERROR
from .credentials import secret_entries, store_secrets
from .inventory import Inventory, Taint
from .placement import PoolNodes, check_with_nodes, pool_nodes
from .plan import (
    DB_CA_KEY,
    WORKLOAD_CLASSES,
    Plan,
    Pool,
    Store,
    Toleration,
    db_ca_mounted,
    needs_rabbitmq,
    registry_declared,
    stores,
    taint_of,
    workload_pools,
)
from .rules import is_reserved_label_key
from .values import GCE_BACKEND_CONFIG, guide, to_presets

HELM_REPO = "https://charts.polyaxon.com"


@dataclass(frozen=True)
class _NodePool:
    var: str  # environment variable naming the nodes, e.g. CORE_NODES
    what: str
    pool: Pool


def to_runbook(plan: Plan, inventory: Inventory | None = None) -> str:
    """The whole runbook as Markdown. With the cluster's `inventory`, the node step names its real
    nodes (kubectl pools) and the open points include where pods can land."""
    parts = [
        _title(plan, inventory),
        _migration(plan),
        _prerequisites(plan),
        _nodes(plan, inventory),
        _namespace_and_secrets(plan),
        _storage(plan),
        _backups(plan),
        _install(plan),
        _workloads(plan),
        _verify(plan),
        _rollback(plan),
        _troubleshooting(plan),
    ]
    numbered = []
    for i, (title, body) in enumerate(p for p in parts[1:] if p):
        numbered.append(f"## {i + 1}. {title}\n\n{body.strip()}\n")
    return parts[0] + "\n" + "\n".join(numbered)


def _sh(*lines: str) -> str:
    """A fenced shell block; the fence outgrows any backtick run a quoted user value brings."""
    body = "\n".join(lines)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}sh\n{body}\n{fence}\n"


def _ns(plan: Plan) -> str:
    return f"--namespace {quote(plan.namespace)}"


def _helm_ns(plan: Plan) -> str:
    """Helm 2 keeps releases in Tiller, cluster-wide: its get/history/rollback take no --namespace."""
    return "" if plan.target == "v0.6" else _ns(plan)


def _title(plan: Plan, inventory: Inventory | None) -> str:
    lines = [
        f"# Runbook: Polyaxon {plan.chart_version} in production",
        "",
        f"Release {_code(plan.release)} in namespace {_code(plan.namespace)}, chart "
        f"`polyaxon/polyaxon` {plan.chart_version}. Run the steps in order, in bash, from the folder that "
        "holds `values.yaml`. Each step that changes the cluster says how to undo it.",
        "",
        f"It follows Polyaxon's production guide: {guide(plan)}",
    ]
    if plan.target == "v0.6":
        lines += [
            "",
            "> **Legacy target.** The 0.6.1 chart needs Helm 2 and Kubernetes 1.21 or older (it uses "
            "the removed `v1beta1` Ingress and RBAC APIs, and current Helm cannot render its broker "
            "template). Use it only to maintain an existing 0.6 cluster.",
        ]
    found, _ = check_with_nodes(plan, inventory)
    findings = [f for f in found if f.severity != "info"]
    if findings:
        lines += ["", "Open points from the plan's checks:", ""]
        lines += [f"- **{f.severity}** `{f.code}` ({f.path}): {f.message}" for f in findings]
        if any(f.severity == ERROR for f in findings):
            lines += ["", "> The plan has errors: fix them in the wizard before applying anything."]
    return "\n".join(lines) + "\n"


def _code(value: str) -> str:
    """Inline code for a user value: one line, printable, no backtick to break out of it."""
    safe = _text(value).replace("`", "'")
    return f"`{safe}`"


def _migration(plan: Plan) -> tuple[str, str] | None:
    """What an imported 0.6 file set that v2 cannot take, and what to do instead."""
    if not plan.migration:
        return None
    lines = [
        "This plan was migrated from a 0.6 values file. These settings did not carry over to the "
        "v2 chart; handle each before the install:",
        "",
    ]
    lines += [f"- {_code(note.path)}: {_text(note.message)}" for note in plan.migration]
    return "Migrating from Polyaxon 0.6", "\n".join(lines) + "\n"


def _text(value: str) -> str:
    """Prose that may quote a user's file: one line, printable."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in value)


def _prerequisites(plan: Plan) -> tuple[str, str]:
    helm = "Helm 2.16 (Tiller)" if plan.target == "v0.6" else "Helm 3.8 or newer"
    items = [
        "- `kubectl` pointed at the production cluster (check below), bash, `base64` and `openssl`.",
        f"- {helm}.",
    ]
    cmds = ["kubectl config current-context", "kubectl get nodes --show-labels", "helm version"]
    cli = {
        "gke": (
            "The Google Cloud CLI (`gcloud`), allowed to update the cluster's node pools",
            "gcloud version",
        ),
        "eks": (
            "The AWS CLI v2 (`aws`), allowed to update the cluster's managed node groups",
            "aws --version",
        ),
        "aks": ("The Azure CLI (`az`), allowed to update the cluster's node pools", "az version"),
    }.get(plan.scheduling.provider)
    if cli:
        need, version = cli
        items.append(f"- {need}.")
        cmds.append(version)
    tls = plan.tls
    if tls.ingress:
        items += _controller_prerequisites(plan, cmds)
    if tls.ingress and tls.mode == "cert-manager":
        kind = "clusterissuer" if tls.issuer_kind == "ClusterIssuer" else "issuer"
        items.append(
            f"- cert-manager with the {tls.issuer_kind} {_code(tls.issuer)} (Let's Encrypt), and DNS for "
            f"{_code(tls.host)} pointing at the ingress controller."
        )
        scope = "" if kind == "clusterissuer" else f" {_ns(plan)}"
        cmds.append(f"kubectl get {kind} {quote(tls.issuer)}{scope}")
    if plan.target == "v2":
        items.append(
            f"- The Polyaxon CLI for checking and running with presets: `pip install polyaxon=={plan.chart_version}`."
        )
    return "Prerequisites", "\n".join(items) + "\n\n" + _sh(*cmds)


def _controller_prerequisites(plan: Plan, cmds: list[str]) -> list[str]:
    """What the plan's ingress controller needs in the cluster (docs/ingress-and-tls.md)."""
    tls = plan.tls
    cls = _code(tls.ingress_class)
    if tls.controller == "gce":
        # GKE's built-in controller creates no IngressClass object: nothing to `kubectl get`.
        return [
            f"- GKE's built-in ingress controller (class {cls}, chosen by annotation), on a VPC-native "
            "cluster so the gateway service gets container-native (NEG) backends."
        ]
    if tls.controller == "alb":
        items = [
            f"- The AWS Load Balancer Controller serving the IngressClass {cls}, with subnets tagged "
            "for its scheme."
        ]
        if tls.mode == "acm":
            items.append(
                f"- The ACM certificate {_code(tls.acm_certificate_arn)} issued for "
                f"{_code(tls.host)}, in the cluster's region."
            )
            cmds.append(
                f"aws acm describe-certificate --certificate-arn {quote(tls.acm_certificate_arn)} "
                "--query Certificate.Status"
            )
    elif tls.controller == "nginx":
        items = [f"- ingress-nginx serving the class {cls}."]
    else:
        items = [
            f"- An ingress controller serving the class {cls}; set its upload size, read timeout "
            "and websocket options yourself (the wizard cannot check them)."
        ]
    if plan.target == "v2" and tls.ingress_class:
        cmds.append(f"kubectl get ingressclass {quote(tls.ingress_class)}")
    return items


def _node_pools(plan: Plan) -> list[_NodePool]:
    found = [
        _NodePool(
            "CORE_NODES",
            "core components (API, agent, operator, in-cluster database)",
            plan.scheduling.core,
        )
    ]
    by_pool: dict[Pool, list[str]] = {}
    for name, pool in workload_pools(plan).items():
        by_pool.setdefault(pool, []).append(name)
    for pool, classes in by_pool.items():
        if pool == plan.scheduling.core or not pool.labels:
            continue
        var = (
            "WORKLOAD_NODES"
            if plan.scheduling.mode == "two-pool"
            else f"{classes[0].upper()}_NODES"
        )
        found.append(_NodePool(var, "runs: " + ", ".join(classes), pool))
    return found


_MANAGED = {"gke": "GKE", "eks": "EKS", "aks": "AKS"}
_EKS_EFFECTS = {
    "NoSchedule": "NO_SCHEDULE",
    "PreferNoSchedule": "PREFER_NO_SCHEDULE",
    "NoExecute": "NO_EXECUTE",
}


def _selector(pool: Pool) -> str:
    return ",".join(f"{label.key}={label.value}" for label in pool.labels)


def _carried(pool: Pool) -> str:
    """A command that says so when no node carries all the pool's labels."""
    selector = quote(_selector(pool))
    return (
        f"kubectl get nodes -l {selector} -o name | grep -q . "
        f"|| printf 'no node carries %s yet\\n' {selector}"
    )


def _own_labels(pool: Pool) -> list:
    """The pool's labels the runbook may set: never one Kubernetes or the provider owns."""
    return [label for label in pool.labels if not is_reserved_label_key(label.key)]


def _nodes(plan: Plan, inventory: Inventory | None) -> tuple[str, str] | None:
    pools = [p for p in _node_pools(plan) if p.pool.labels]
    if not pools:
        return None
    provider = plan.scheduling.provider
    if provider not in _MANAGED and inventory is not None:
        return "Label and taint the nodes", _real_nodes(plan, pools, inventory)
    if provider in _MANAGED:
        out = [
            f"Each pool is a node pool of the {_MANAGED[provider]} cluster: its labels and taints are set "
            "on the pool itself, so nodes it adds or replaces later get them too (labels set with kubectl vanish "
            "with the node). Polyaxon's core components tolerate the core taint through `values.yaml`. "
            "Name the cluster and the node pool of each role:",
            "",
        ]
        exports = ['export CLUSTER="my-cluster"']
        if provider == "gke":
            exports.append('export LOCATION="europe-west1"   # the region or zone of the cluster')
        if provider == "aks":
            exports.append('export RESOURCE_GROUP="my-resource-group"')
        for p in pools:
            stem = p.var.removesuffix("_NODES")
            exports.append(
                f'export {stem}_POOL="{stem.lower().replace("_", "-")}-pool"   # {p.what}'
            )
    else:
        out = [
            "Name the nodes of each pool (space-separated node names), then label them. Tainted pools keep "
            "every pod without the matching toleration away; Polyaxon's core components tolerate the core "
            "taint through `values.yaml`.",
            "",
        ]
        exports = [f"{_placeholder(p)}   # {p.what}" for p in pools]
    out.append(_sh(*exports))
    out += _reserved_labels(
        pools, " The check after each pool says whether some node carries all its labels."
    )
    if provider in ("gke", "aks"):
        out += [
            "The update replaces the pool's own list of labels (and of taints): first print what the "
            "pool has, and add any entry to keep to the command.",
            "",
        ]
    undo = []
    for p in pools:
        cmds, back = _pool_commands(provider, p)
        undo += back
        cmds.append(_carried(p.pool))
        out += [f"Nodes for {p.what}:", "", _sh(*cmds)]
        if provider in ("gke", "aks") and (_own_labels(p.pool) or taint_of(p.pool)):
            out += [
                "A new pool gets them when it is created instead:",
                "",
                _sh(_pool_create(provider, p)),
            ]
    if provider == "eks":
        out.append(
            "If eksctl manages the cluster, write the same labels and taints in the node group's "
            "`labels:` and `taints:` in its ClusterConfig too, so a re-created node group keeps them.\n"
        )
    if undo:
        out += ["Undo:", "", _sh(*undo)]
    elif provider in ("gke", "aks"):
        out.append(
            "Undo: run the update again with the labels and taints printed before the change."
        )
    return "Label and taint the nodes", "\n".join(out)


def _reserved_labels(pools: list[_NodePool], more: str = "") -> list[str]:
    """A paragraph naming the selectors' labels that the node step leaves alone, if any."""
    reserved = sorted(
        {label.key for p in pools for label in p.pool.labels if is_reserved_label_key(label.key)}
    )
    if not reserved:
        return []
    return [
        "These labels belong to Kubernetes, the kubelet or the cloud provider: "
        + ", ".join(_code(key) for key in reserved)
        + ". The selectors use them as they are, and this step never sets or removes them."
        + more,
        "",
    ]


def _real_nodes(plan: Plan, pools: list[_NodePool], inventory: Inventory) -> str:
    """The node step for kubectl pools with the cluster's own nodes: labels and taints only on
    the nodes that lack them; a pool no node carries a label of keeps a placeholder."""
    found = {(pn.labels, pn.taint): pn for pn in pool_nodes(plan, inventory)}
    by_name = {node.name: node for node in inventory.nodes}
    claimed = {n for pn in found.values() for n in pn.labelled + pn.partly_labelled}
    free = [node.name for node in inventory.nodes if node.name not in claimed]
    out = [
        f"The commands name the nodes of the inventory you gave ({len(inventory.nodes)} "
        f"node{'s' if len(inventory.nodes) != 1 else ''}) and touch only what a node lacks: a "
        "label a node already has is left alone. Tainted pools keep every pod without the "
        "matching toleration away; Polyaxon's core components tolerate the core taint through "
        "`values.yaml`.",
        "",
    ]
    out += _reserved_labels(pools)
    undo: list[str] = []
    for p in pools:
        taint = taint_of(p.pool)
        pn = found.get((p.pool.labels, _taint(taint)))
        out.append(f"Nodes for {p.what}:")
        out.append("")
        if pn is None or not (pn.labelled or pn.partly_labelled):
            notes, export = _unlabelled_pool(p, free)
            out += notes
            cmds, back = _pool_commands("other", p)
            cmds.insert(0, export)
            undo += back
        else:
            cmds, back, notes = _known_nodes(p, pn, by_name)
            undo += back
            out += notes
        cmds.append(_carried(p.pool))
        out += [_sh(*cmds)]
    if undo:
        out += ["Undo (only what these commands changed):", "", _sh(*undo)]
    return "\n".join(out)


def _taint(tol) -> Taint | None:
    return Taint(tol.key, tol.value, tol.effect) if tol else None


def _names_text(names) -> str:
    names = list(names)
    shown = ", ".join(_code(n) for n in names[:10])
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "")


def _unlabelled_pool(p: _NodePool, free: list[str]) -> tuple[list[str], str]:
    """Prose and the placeholder line for a pool none of the inventory's nodes belongs to."""
    note = (
        f"No node of the inventory carries any of its labels ({_code(_selector(p.pool))}): name "
        "its nodes (space-separated) in the first line."
    )
    if free:
        note += f" Nodes no pool claims yet: {_names_text(free)}."
    return [note, ""], _placeholder(p)


def _placeholder(p: _NodePool) -> str:
    """The export naming the pool's nodes, with made-up names for the reader to replace."""
    stem = p.var.removesuffix("_NODES").lower().replace("_", "-")
    return f'export {p.var}="{stem}-node-1 {stem}-node-2"'


def _known_nodes(p: _NodePool, pn: PoolNodes, by_name: dict) -> tuple[list, list, list[str]]:
    """Commands for a pool some nodes of the inventory already belong to (fully or partly)."""
    own = _own_labels(p.pool)
    taint = taint_of(p.pool)
    notes = []
    if pn.labelled:
        notes.append(f"Already labelled: {_names_text(pn.labelled)}.")
    if pn.partly_labelled:
        notes.append(
            f"Some of the labels only (the missing ones are added): {_names_text(pn.partly_labelled)}."
        )
    missing: dict[tuple, list[str]] = {}
    for name in pn.partly_labelled:
        labels = by_name[name].labels
        lacks = tuple(label for label in own if labels.get(label.key) != label.value)
        if lacks:
            missing.setdefault(lacks, []).append(name)
    pairs = [
        _kubectl_label(" ".join(quote(n) for n in names), lacks) for lacks, names in missing.items()
    ]
    if taint:
        wanted = _taint(taint)
        untainted = list(pn.untainted) + [
            n for n in pn.partly_labelled if wanted not in by_name[n].taints
        ]
        if untainted:
            pairs.append(_kubectl_taint(" ".join(quote(n) for n in untainted), taint))
        else:
            notes.append("Every one of them carries the pool's taint already.")
    return [cmd for cmd, _ in pairs], [undo for _, undo in pairs], [*notes, ""]


def _pool_var(p: _NodePool) -> str:
    """The environment variable naming a managed node pool, as a shell word."""
    return '"$' + p.var.removesuffix("_NODES") + '_POOL"'


def _pool_commands(provider: str, p: _NodePool) -> tuple[list[str], list[str]]:
    """(commands that put the pool's own labels and taint on its nodes, commands that undo them)."""
    own = _own_labels(p.pool)
    taint = taint_of(p.pool)
    pool_var = _pool_var(p)
    if provider == "gke":
        where = f'{pool_var} --cluster="$CLUSTER" --location="$LOCATION"'
        cmds = [
            f"gcloud container node-pools describe {where} --format='yaml(config.labels,config.taints)'"
        ]
        cmds += [
            f"gcloud container node-pools update {where} {flag}"
            for flag in _pool_flags(provider, p)
        ]
        return cmds, []
    if provider == "aks":
        where = f'--resource-group "$RESOURCE_GROUP" --cluster-name "$CLUSTER" --name {pool_var}'
        cmds = [
            f"az aks nodepool show {where} --query '{{labels: nodeLabels, taints: nodeTaints}}'"
        ]
        flags = _pool_flags(provider, p)
        if flags:
            cmds.append(" ".join([f"az aks nodepool update {where}", *flags]))
        return cmds, []
    if provider == "eks":
        where = f'--cluster-name "$CLUSTER" --nodegroup-name {pool_var}'
        update, back = "", ""
        if own:
            add = {label.key: label.value for label in own}
            update += f" --labels {quote(json.dumps({'addOrUpdateLabels': add}))}"
            back += f" --labels {quote(json.dumps({'removeLabels': list(add)}))}"
        if taint:
            entry = [{"key": taint.key, "value": taint.value, "effect": _EKS_EFFECTS[taint.effect]}]
            update += f" --taints {quote(json.dumps({'addOrUpdateTaints': entry}))}"
            back += f" --taints {quote(json.dumps({'removeTaints': entry}))}"
        if not update:
            return [], []
        return (
            [f"aws eks update-nodegroup-config {where}{update}"],
            [f"aws eks update-nodegroup-config {where}{back}"],
        )
    pairs = []
    if own:
        pairs.append(_kubectl_label(f"${p.var}", own))
    if taint:
        pairs.append(_kubectl_taint(f"${p.var}", taint))
    return [cmd for cmd, _ in pairs], [undo for _, undo in pairs]


def _kubectl_label(nodes: str, labels) -> tuple[str, str]:
    """(kubectl setting the labels on the nodes, kubectl removing them again)."""
    return (
        f"kubectl label nodes {nodes} "
        + " ".join(quote(f"{label.key}={label.value}") for label in labels)
        + " --overwrite",
        f"kubectl label nodes {nodes} " + " ".join(quote(f"{label.key}-") for label in labels),
    )


def _kubectl_taint(nodes: str, taint: Toleration) -> tuple[str, str]:
    """(kubectl tainting the nodes, kubectl removing the taint again)."""
    spec = _taint_spec(taint)
    return (
        f"kubectl taint nodes {nodes} {quote(spec)} --overwrite",
        f"kubectl taint nodes {nodes} {quote(spec + '-')}",
    )


def _taint_spec(taint: Toleration) -> str:
    return f"{taint.key}={taint.value}:{taint.effect}"


def _pool_flags(provider: str, p: _NodePool) -> list[str]:
    """The gcloud (gke) or az (aks) flags that give a node pool the pool's own labels and taint."""
    own = _own_labels(p.pool)
    taint = taint_of(p.pool)
    flags = []
    if provider == "gke":
        if own:
            labels = ",".join(f"{label.key}={label.value}" for label in own)
            flags.append(f"--node-labels={quote(labels)}")
        if taint:
            flags.append(f"--node-taints={quote(_taint_spec(taint))}")
    else:
        if own:
            flags.append(
                "--labels " + " ".join(quote(f"{label.key}={label.value}") for label in own)
            )
        if taint:
            flags.append(f"--node-taints {quote(_taint_spec(taint))}")
    return flags


def _pool_create(provider: str, p: _NodePool) -> str:
    """The provider's create command with the pool's own labels and taint (size and machine type
    left to the reader)."""
    pool_var = _pool_var(p)
    if provider == "gke":
        cmd = f'gcloud container node-pools create {pool_var} --cluster="$CLUSTER" --location="$LOCATION"'
    else:
        cmd = f'az aks nodepool add --resource-group "$RESOURCE_GROUP" --cluster-name "$CLUSTER" --name {pool_var}'
    return " ".join([cmd, *_pool_flags(provider, p)])


def _namespace_and_secrets(plan: Plan) -> tuple[str, str]:
    ns = _ns(plan)
    entries = secret_entries(plan)
    name = quote(plan.secrets.name)
    out = [
        _sh(
            f"kubectl create namespace {quote(plan.namespace)} --dry-run=client -o yaml | kubectl apply -f -"
        )
    ]
    use = (
        "The chart mounts it as `platformSecret`, and the install step reads the chart values it needs from it."
        if plan.target == "v2"
        else "The 0.6 chart cannot reference a Secret for these, so the install step reads them from it into `helm upgrade`."
    )
    out += [
        f"All passwords and keys live in the Secret {_code(plan.secrets.name)}. {use} Export the values "
        "in your shell (from your password manager; never commit them), then create the Secret once. It is "
        "created only if missing, so re-running never rotates a key by accident.",
        "",
    ]
    lines = [
        f'export {e.key}="${{{e.key}:-$(openssl rand -hex 32)}}"   # {e.purpose}'
        for e in entries
        if e.generate
    ]
    lines += [
        f': "${{{e.key}:?export {e.key} ({e.purpose}) first}}"' for e in entries if not e.generate
    ]
    create = [
        f"kubectl get secret {name} {ns} >/dev/null 2>&1 || kubectl create secret generic {name} {ns} \\"
    ]
    create += [f'  --from-literal={e.key}="${e.key}" \\' for e in entries]
    create[-1] = create[-1].rstrip(" \\")
    out.append(_sh(*lines, *create))
    keys = " ".join(e.key for e in entries)
    out += [
        "An existing Secret may lack a key this plan needs now (`POLYAXON_REDIS_PASSWORD` once the "
        "scheduler is on, a key kept from an imported file), and the chart would then run with an empty "
        "or random value. Check every key; each missing one is added from the environment variable of "
        "the same name (export it first), and a key already there is never changed:",
        "",
        _sh(
            f"for key in {keys}; do",
            f'  if [ -z "$(kubectl get secret {name} {ns} -o "jsonpath={{.data.$key}}")" ]; then',
            '    : "${!key:?the Secret lacks $key: export $key first}"',
            f"    kubectl patch secret {name} {ns} --type merge \\",
            '      -p "{\\"data\\":{\\"$key\\":\\"$(printf \'%s\' "${!key}" | base64 | tr -d \'\\n\')\\"}}"',
            '    echo "added $key"',
            "  fi",
            "done",
        ),
    ]
    stored = store_secrets(plan)
    for ss in stored:
        checks = [f': "${{{var}:?export {var} first}}"' for _, var in ss.literals]
        checks += [
            f': "${{{var}:?export {var} (path of the credentials file) first}}"'
            for _, var in ss.files
        ]
        cmd = [f"kubectl create secret generic {quote(ss.name)} {ns} \\"]
        cmd += [f'  --from-literal={key}="${var}" \\' for key, var in ss.literals]
        cmd += [f'  --from-file={quote(key)}="${var}" \\' for key, var in ss.files]
        cmd.append("  --dry-run=client -o yaml | kubectl apply -f -")
        out += [f"Credentials for {ss.store} (Secret {_code(ss.name)}):", "", _sh(*checks, *cmd)]
    out += _extra_secrets(plan)
    tls = plan.tls
    if tls.mode == "existing-secret":
        out += [
            f"Your certificate for {_code(tls.host or 'the host')} (Secret {_code(tls.secret_name)}):",
            "",
        ]
        if tls.ingress:
            cmd = (
                f'kubectl create secret tls {quote(tls.secret_name)} {ns} --cert="$TLS_CERT_FILE" '
                '--key="$TLS_KEY_FILE" --dry-run=client -o yaml | kubectl apply -f -'
            )
        else:
            # Polyaxon 0.6's nginx reads these two file names from the mounted Secret.
            cmd = (
                f"kubectl create secret generic {quote(tls.secret_name)} {ns} "
                '--from-file=polyaxon.com.crt="$TLS_CERT_FILE" '
                '--from-file=polyaxon.com.key="$TLS_KEY_FILE" --dry-run=client -o yaml | kubectl apply -f -'
            )
        out.append(
            _sh(
                ': "${TLS_CERT_FILE:?export the path of the certificate (PEM) first}"',
                ': "${TLS_KEY_FILE:?export the path of its private key first}"',
                cmd,
            )
        )
    undo = [f"kubectl delete secret {name} {ns}"] + [
        f"kubectl delete secret {quote(s.name)} {ns}" for s in stored
    ]
    if db_ca_mounted(plan):
        undo.append(f"kubectl delete secret {quote(plan.database.ca_secret)} {ns}")
    if registry_declared(plan):
        undo.append(f"kubectl delete secret {quote(plan.scheduling.registry_secret)} {ns}")
    out += [
        "Undo (only when removing Polyaxon for good: the keys cannot be recovered):",
        "",
        _sh(*undo),
    ]
    return "Namespace and secrets", "\n".join(out)


def _extra_secrets(plan: Plan) -> list[str]:
    """The database CA, the registry's Docker config and GKE's BackendConfig, when used."""
    ns = _ns(plan)
    out: list[str] = []
    db = plan.database
    if db_ca_mounted(plan):
        out += [
            f"The CA bundle of your PostgreSQL provider (Secret {_code(db.ca_secret)}, key "
            f"`{DB_CA_KEY}`): sslmode {_code(db.sslmode)} checks the server's certificate against "
            "it. Download it from the provider (RDS: the region's bundle; Cloud SQL: the instance's "
            "server CA).",
            "",
            _sh(
                ': "${DB_CA_FILE:?export the path of the CA bundle (PEM) first}"',
                f"kubectl create secret generic {quote(db.ca_secret)} {ns} "
                f'--from-file={DB_CA_KEY}="$DB_CA_FILE" --dry-run=client -o yaml | kubectl apply -f -',
            ),
        ]
    sched = plan.scheduling
    if registry_declared(plan):
        out += [
            f"Push access to the registry {_code(sched.registry_url)} for kaniko (Secret "
            f"{_code(sched.registry_secret)}, key `config.json`, mounted at /kaniko/.docker by the "
            f"connection {_code(sched.registry_connection)}):",
            "",
            _sh(
                ': "${DOCKER_CONFIG_FILE:?export the path of a Docker config.json with push access first}"',
                f"kubectl create secret generic {quote(sched.registry_secret)} {ns} "
                '--from-file=config.json="$DOCKER_CONFIG_FILE" --dry-run=client -o yaml | kubectl apply -f -',
            ),
        ]
    tls = plan.tls
    if plan.target == "v2" and tls.ingress and tls.controller == "gce":
        manifest = (
            "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n"
            f"  name: {GCE_BACKEND_CONFIG}\nspec:\n  timeoutSec: 600\n"
            "  connectionDraining:\n    drainingTimeoutSec: 30\n"
            "  healthCheck:\n    requestPath: /healthz/\n"
        )
        out += [
            "GKE's load balancer cuts requests after 30 s by default: this BackendConfig (named by "
            "the gateway service's annotation) gives log streaming and uploads 600 s:",
            "",
            _sh(f"printf '%s' {quote(manifest)} | kubectl apply {ns} -f -"),
        ]
    return out


def _storage(plan: Plan) -> tuple[str, str]:
    out = []
    ns = _ns(plan)
    owners = []
    for path, store in stores(plan).items():
        if store.kind == "claim":
            shared = path == "storage.artifacts" or plan.target == "v0.6" and not store.read_only
            claim = quote(store.claim)
            check = [
                f"kubectl get pvc {claim} {ns} -o jsonpath='{{.status.phase}} {{.spec.accessModes}}{{\"\\n\"}}'"
            ]
            if shared:
                what = (
                    "the API (on the core nodes) and the runs (on the workload nodes) both mount it, so it "
                    "must be ReadWriteMany (NFS, EFS, Filestore, Azure Files...): a ReadWriteOnce claim "
                    "attaches to one node and every pod elsewhere stays Pending."
                )
                check.append(
                    f"kubectl get pvc {claim} {ns} -o jsonpath='{{.spec.accessModes}}' | grep -q ReadWriteMany "
                    f"|| printf 'claim %s is not ReadWriteMany\\n' {claim}"
                )
            else:
                what = "it must be Bound, and ReadWriteMany when pods on several nodes use it."
            out += [f"- {path}: the claim {_code(store.claim)} must exist; {what}", "", _sh(*check)]
            if not store.read_only:
                owners.append((path, store))
        elif store.kind == "host-path":
            out += [
                f"- {path}: **host path {_code(store.host_path)} is not durable**: it lives on one node and is "
                "lost with it. Move it to a bucket or a claim before real work starts.",
                "",
            ]
            if not store.read_only:
                owners.append((path, store))
        else:
            url = {
                "s3": f"aws s3 ls {quote('s3://' + store.bucket)}",
                "gcs": f"gsutil ls {quote('gs://' + store.bucket)}",
                "azure": f"az storage container show --name {quote(store.bucket)} --account-name {quote(store.account)}",
            }.get(store.kind)
            if url is None:  # an unknown kind: checks report it (store_kind_invalid)
                continue
            out += [
                f"- {path}: bucket {_code(store.bucket)}, credentials in Secret {_code(store.secret)}. Check the "
                "bucket exists and the credentials can list it:",
                "",
                _sh(url),
            ]
    if plan.security.enabled and owners:
        out += _ownership(plan, owners)
    return "Durable storage", "\n".join(out)


def _ownership(plan: Plan, owners: list[tuple[str, Store]]) -> list[str]:
    """fsGroup is applied by the kubelet to volumes that support ownership management; NFS-backed
    claims and host paths do not, so the folders must belong to the run uid/gid beforehand."""
    sec = plan.security
    owner = f"{sec.uid}:{sec.gid}"
    out = [
        f"Ownership: Polyaxon's pods and runs write as uid {sec.uid}, gid {sec.gid}. The kubelet does not "
        "apply fsGroup to NFS-backed claims (most ReadWriteMany storage) or to host paths, so give the "
        "folders to that user once (the chown pod runs as root; allow it in the namespace's pod security "
        "level or run it in another namespace that mounts the same volume):",
        "",
    ]
    for number, (path, store) in enumerate(owners, 1):
        if store.kind == "host-path":
            out.append(
                _sh(
                    f"# {path}, on every node of the pool: make the folder writable by the run uid/gid",
                    f"sudo mkdir -p {quote(store.host_path)} && sudo chown -R {owner} {quote(store.host_path)}",
                )
            )
            continue
        pod = f"polyaxon-chown-{number}"  # not the store's name: a user value is no pod name
        out.append(
            _sh(
                f"kubectl apply {_ns(plan)} -f - <<'EOF'",
                "apiVersion: v1",
                "kind: Pod",
                f"metadata: {{name: {json.dumps(pod)}}}",
                "spec:",
                "  restartPolicy: Never",
                "  containers:",
                "    - name: chown",
                '      image: "busybox:1.36"',
                f'      command: ["chown", "-R", "{owner}", "/data"]',
                "      securityContext: {runAsUser: 0}",
                '      volumeMounts: [{name: data, mountPath: "/data"}]',
                "  volumes:",
                f"    - {{name: data, persistentVolumeClaim: {{claimName: {json.dumps(store.claim)}}}}}",
                "EOF",
                f"kubectl wait {_ns(plan)} --for=jsonpath='{{.status.phase}}'=Succeeded --timeout=10m pod/{quote(pod)}",
                f"kubectl delete pod {_ns(plan)} {quote(pod)}",
            )
        )
    return out


def _secret_reader(plan: Plan) -> str:
    return (
        f'secret() {{ kubectl get secret {quote(plan.secrets.name)} {_ns(plan)} -o "jsonpath={{.data.$1}}" '
        "| base64 -d; }"
    )


# The Secret of the chart's PostgreSQL holds the superuser's password as the pod's environment;
# the pod's own shell expands it. The script is a constant: names reach it as environment
# variables (`env NAME=value`), never spliced into its text.
_POD_PG_SCRIPT = {
    "dump": 'PGPASSWORD="$POSTGRES_PASSWORD" exec pg_dump --username=postgres --format=custom',
    "restore": 'PGPASSWORD="$POSTGRES_PASSWORD" exec pg_restore --username=postgres '
    '--clean --if-exists --dbname="$PGDATABASE"',
}
# A one-off client pod for an external database: the cluster reaches it where a laptop may not
# (a managed database on a private address). The password arrives on stdin, so it is in no
# command line and no pod spec; the dump streams back over the same attachment.
_CLIENT_IMAGE = "docker.io/library/postgres:17"
_CLIENT_SCRIPT = {
    "dump": "IFS= read -r PGPASSWORD && export PGPASSWORD && exec pg_dump --format=custom",
    "restore": 'IFS= read -r PGPASSWORD && export PGPASSWORD && exec pg_restore --clean --if-exists --dbname="$PGDATABASE"',
}
_SC2016 = "# shellcheck disable=SC2016  # single quotes on purpose: the pod's shell expands these"


def _in_cluster_pg(plan: Plan, action: str) -> list[str]:
    """kubectl exec into the chart's PostgreSQL pod, the database name passed as data."""
    sts = quote(f"statefulset/{plan.release}-postgresql")
    redirect = '> "polyaxon-$stamp.dump"' if action == "dump" else '< "polyaxon-$stamp.dump"'
    stdin = "-i " if action == "restore" else ""
    return [
        _SC2016,
        f"kubectl exec {stdin}{_ns(plan)} {sts} -- \\",
        f"  env PGDATABASE={quote(plan.database.name)} \\",
        f"  sh -c {quote(_POD_PG_SCRIPT[action])} {redirect}",
    ]


def _client_pod(plan: Plan, action: str) -> list[str]:
    """A one-off pod in the namespace running the PostgreSQL client against the external database."""
    db = plan.database
    pod = quote(f"{plan.release}-pg-{action}")
    env = [
        f"PGHOST={quote(db.host)}",
        f"PGPORT={db.port}",
        f"PGUSER={quote(db.user)}",
        f"PGDATABASE={quote(db.name)}",
    ]
    if plan.target == "v2":
        # The stock client image has no CA bundle for the provider: verify-ca/verify-full would
        # refuse every server, so the pod asks for encryption (require) and says so in the prose.
        mode = "require" if db.sslmode.startswith("verify") else db.sslmode
        env.append(f"PGSSLMODE={quote(mode)}")
    feed = "echo" if action == "dump" else 'echo; cat "polyaxon-$stamp.dump"'
    lines = [
        _secret_reader(plan),
        _SC2016 if action == "restore" else "",
        f"{{ secret POLYAXON_DB_PASSWORD; {feed}; }} |",
        f"  kubectl run {pod} {_ns(plan)} --rm -i --quiet --restart=Never \\",
        f"  --image={_CLIENT_IMAGE} \\",
        *[f"  --env={e} \\" for e in env],
        f"  --command -- sh -c {quote(_CLIENT_SCRIPT[action])}"
        + (' > "polyaxon-$stamp.dump"' if action == "dump" else ""),
    ]
    return [line for line in lines if line]


def _backups(plan: Plan) -> tuple[str, str]:
    rel = quote(plan.release)
    out = [
        "Before **every** upgrade or migration (above all one with database or data migrations), take a "
        "backup and a snapshot, and keep the current values. Skip this step on the first install: "
        "there is no release and no database yet.",
        "",
    ]
    stamp = 'stamp="$(date +%Y%m%d-%H%M%S)"'
    keep = f"helm get values {rel} {_helm_ns(plan)}".rstrip() + ' > "values-before-$stamp.yaml"'
    if plan.database.kind == "external":
        out += [
            "The dump runs in a one-off pod in the namespace (the cluster reaches the database even on "
            "a private address), which reads the password from stdin and streams the dump back to this "
            "machine."
            + (
                " The pod encrypts the connection but does not verify the server's certificate "
                "(its image has no CA for your provider)."
                if plan.target == "v2" and plan.database.sslmode.startswith("verify")
                else ""
            ),
            "",
            _sh(stamp, keep, *_client_pod(plan, "dump")),
            "Also take a snapshot of the managed database in your provider's console or CLI, and check "
            "that point-in-time recovery is on.",
        ]
    else:
        out += [
            _sh(stamp, keep, *_in_cluster_pg(plan, "dump")),
            "Also snapshot the database volume (a VolumeSnapshot or your provider's disk snapshot).",
        ]
    return "Backups before any upgrade", "\n".join(out)


def _install(plan: Plan) -> tuple[str, str]:
    rel, ns = quote(plan.release), _ns(plan)
    lines = [
        f"helm repo add polyaxon {HELM_REPO}",
        "helm repo update",
        _secret_reader(plan),
        f"helm upgrade --install {rel} polyaxon/polyaxon --version {plan.chart_version} {ns} \\",
        "  --values values.yaml \\",
    ]
    for entry in secret_entries(plan):
        for path in entry.helm_paths:
            lines.append(f"  --set-file {path}=<(secret {entry.key}) \\")
    for path, value in _unused_chart_secrets(plan):
        lines.append(f"  --set-string {path}={value} \\")
    lines[-1] = lines[-1].rstrip(" \\")
    out = [
        "Passing the keys and passwords on every run keeps the chart from generating new ones on each "
        "upgrade. `--set-file` reads each from the Secret (no value ever appears on the command line).",
    ]
    if plan.target == "v2":
        out += [
            "",
            "The pods read their passwords from the Secret (`platformSecret`), but the chart still "
            "renders its own copies and would invent random ones: a new random value on each upgrade "
            "changes `checksum/platform-secrets` and restarts the API and the agent, and keeps GitOps tools "
            "from ever showing the release in sync. So the same values are passed here, and a second "
            "upgrade with an unchanged Secret changes nothing.",
        ]
    out += [
        "",
        _sh(*lines),
        "Watch the rollout:",
        "",
        _sh(f"kubectl get pods {ns} --watch"),
    ]
    if plan.target == "v2":
        restart = f"kubectl rollout restart deployment {ns} -l {quote('release=' + plan.release)}"
    else:
        restart = f"kubectl rollout restart deployment {ns}"
    out += [
        "After a key in the Secret changes (a rotation), run the command above again, then restart the "
        "pods: they read the Secret only when they start, so changing it restarts nothing by itself.",
        "",
        _sh(restart, f"kubectl get pods {ns} --watch"),
    ]
    return "Install or upgrade", "\n".join(out)


def _unused_chart_secrets(plan: Plan) -> list[tuple[str, str]]:
    """v2 renders a RabbitMQ password Secret whenever the scheduler is on and RabbitMQ is not in
    the cluster, even with the Redis broker, where nothing reads it: a fixed placeholder keeps it
    from being random on every render."""
    if plan.target != "v2" or not plan.components.scheduler:
        return []
    if needs_rabbitmq(plan):
        return []  # its password comes from the Secret (credentials.py)
    return [("externalServices.rabbitmq.password", "not-used")]


def _workloads(plan: Plan) -> tuple[str, str] | None:
    if plan.target == "v0.6":
        return _v06_workloads(plan)
    presets = to_presets(plan)
    if not presets:
        return None
    out = [
        "Polyaxon Community Edition has no chart setting that schedules runs: each run reaches its pool "
        "through a preset file merged into its polyaxonfile. Check first, then run:",
        "",
    ]
    for name in presets:
        if name == "notebooks":
            out += [
                "Notebooks and tensorboards:",
                "",
                _sh(
                    "polyaxon run --hub notebook -f presets/notebooks.yaml",
                    "polyaxon run --hub tensorboard -f presets/notebooks.yaml",
                ),
            ]
            continue
        if name == "builds":
            title = (
                "Builds (the preset adds a kaniko build, pushed through the registry connection "
                f"{_code(plan.scheduling.registry_connection)}; use it for runs that should be built first):"
            )
        else:
            title = f"{name.capitalize()}:"
        out += [
            title,
            "",
            _sh(
                f"polyaxon check -f polyaxonfile.yaml -f presets/{name}.yaml",
                f"polyaxon run -f polyaxonfile.yaml -f presets/{name}.yaml",
            ),
        ]
    missing = [n for n in WORKLOAD_CLASSES if n not in presets]
    if missing:
        out.append(
            "No preset for: "
            + ", ".join(missing)
            + " (their pool has no labels or tolerations"
            + (", or no registry connection was named" if "builds" in missing else "")
            + ")."
        )
    return "Run workloads on their pools", "\n".join(out)


def _v06_workloads(plan: Plan) -> tuple[str, str]:
    out = [
        "The 0.6 chart schedules only core pods. Set the defaults for runs in the Polyaxon UI: "
        "**Settings → Scheduling**, one entry per class (tensorboards use the notebooks pool):",
        "",
    ]
    rows = ["| class | node selector | tolerations |", "|---|---|---|"]
    for name, pool in workload_pools(plan).items():
        selector = json.dumps({label.key: label.value for label in pool.labels})
        tols = json.dumps(
            [
                {k: v for k, v in vars(t).items() if v}
                for t in pool.tolerations + ((taint_of(pool),) if taint_of(pool) else ())
            ]
        )
        for cls in ("notebooks", "tensorboards") if name == "notebooks" else (name,):
            rows.append(f"| {cls} | `{selector}` | `{tols}` |")
    return "Run workloads on their pools", "\n".join(out + rows) + "\n"


def _verify(plan: Plan) -> tuple[str, str]:
    ns = _ns(plan)
    selector = _selector(plan.scheduling.core)
    pods = _core_pods(plan)
    out = []
    if selector:
        out += [
            "Every Polyaxon pod runs on a core node (prints the ones that do not):",
            "",
            _sh(
                f"core_nodes=\" $(kubectl get nodes -l {quote(selector)} -o jsonpath='{{.items[*].metadata.name}}') \"",
                f"kubectl get pods {ns} -l {quote(pods)} -o jsonpath='{{range .items[*]}}{{.metadata.name}} {{.spec.nodeName}}{{\"\\n\"}}{{end}}' |",
                '  while read -r pod node; do case "$core_nodes" in *" $node "*) ;; *) echo "not on a core node: $pod ($node)";; esac; done',
            ),
        ]
    tls = plan.tls
    if tls.ingress and tls.host:
        scheme = "http" if tls.mode == "none" else "https"
        out += [
            "The ingress answers"
            + (" over HTTPS with a valid certificate:" if scheme == "https" else ":"),
            "",
            _sh(f"kubectl get ingress {ns}", f"curl -fsSI {quote(f'{scheme}://{tls.host}/')}"),
        ]
        if tls.mode == "cert-manager":
            out.append(_sh(f"kubectl get certificate {ns}"))
    if plan.security.enabled:
        api = _api_pods(plan)
        pod = f"pod=\"$(kubectl get pods {ns} -l {quote(api)} -o jsonpath='{{.items[0].metadata.name}}')\""
        if plan.target == "v2":
            out += [
                f"Core pods run as uid {plan.security.uid} and gid {plan.security.gid}:",
                "",
                _sh(pod, f'kubectl exec {ns} "$pod" -- id'),
            ]
        else:
            out += [
                f"Core pods get fsGroup {plan.security.gid} (runs get uid {plan.security.uid}):",
                "",
                _sh(
                    pod,
                    f'kubectl get pod {ns} "$pod" -o jsonpath=\'{{.spec.securityContext}}{{"\\n"}}\'',
                ),
            ]
    return "Verify", "\n".join(out)


def _core_pods(plan: Plan) -> str:
    """A label selector for the chart's own pods (v2: every core component, never a run)."""
    if plan.target == "v2":
        return "app.kubernetes.io/part-of=polyaxon-core"
    return "type=polyaxon-core"


def _api_pods(plan: Plan) -> str:
    """A label selector for the API pods of this release."""
    if plan.target == "v2":
        return f"release={plan.release},app.kubernetes.io/component=polyaxon-api"
    return "type=polyaxon-core"


def _rollback(plan: Plan) -> tuple[str, str]:
    rel = quote(plan.release)
    out = [
        "If the upgrade misbehaves, return to the previous release revision:",
        "",
        _sh(
            f"helm history {rel} {_helm_ns(plan)}".rstrip(),
            f"helm rollback {rel} REVISION {_helm_ns(plan)}".rstrip(),
        ),
    ]
    if plan.database.kind == "external":
        restore = _client_pod(plan, "restore")
    else:
        restore = _in_cluster_pg(plan, "restore")
    out += [
        "If a database migration ran, also restore the backup taken before the upgrade "
        "(set `stamp` to the backup's timestamp):",
        "",
        _sh(': "${stamp:?set stamp to the timestamp of the backup to restore}"', *restore),
    ]
    return "Roll back", "\n".join(out)


def _troubleshooting(plan: Plan) -> tuple[str, str]:
    ns = _ns(plan)
    keys = []
    for p in _node_pools(plan):
        keys += [label.key for label in p.pool.labels if label.key not in keys]
    columns = f" -L {quote(','.join(keys))}" if keys else ""
    out = [
        "**A pod stays Pending.** Its events say why: `didn't match Pod's node affinity/selector` means no "
        "node carries every label of its selector (compare with the node labels below); `had untolerated "
        "taint` names the taint it lacks a toleration for (a run without its preset, or a pool selecting "
        "another pool's label); `Insufficient cpu/memory` means the pool is full (scale it up).",
        "",
        _sh(
            f"kubectl get pods {ns} --field-selector=status.phase=Pending",
            f'kubectl describe pod {ns} "$POD"   # the Events at the end',
            f"kubectl get events {ns} --sort-by=.lastTimestamp | tail -n 30",
            f"kubectl get nodes{columns}",
            "kubectl get nodes -o custom-columns='NAME:.metadata.name,TAINTS:.spec.taints[*].key'",
        ),
    ]
    if plan.target == "v2":
        components = (
            ("API and UI", "polyaxon-api"),
            ("agent and scheduler", "polyaxon-workers"),
            ("operator", "polyaxon-agent"),
            ("hooks: migrations, admin user", "polyaxon-hooks"),
        )
        logs = [
            f"kubectl logs {ns} -l {quote(f'release={plan.release},app.kubernetes.io/component={comp}')} "
            f"--all-containers --prefix --tail=200   # {what}"
            for what, comp in components
        ]
        out += [
            "**Logs of each component** (the chart labels its pods by component):",
            "",
            _sh(*logs),
        ]
    else:
        out += [
            "**Logs of the core components:**",
            "",
            _sh(f"kubectl logs {ns} -l type=polyaxon-core --all-containers --prefix --tail=200"),
        ]
    if not plan.tls.ingress:
        if plan.target == "v2":
            forward = [
                f"polyaxon port-forward --namespace {quote(plan.namespace)} "
                f"--release-name {quote(plan.release)}"
            ]
        else:
            forward = [
                f"kubectl get services {ns}",
                f'kubectl port-forward {ns} "service/$API_SERVICE" 8000:80   # the API service listed above',
            ]
        out += [
            "**No ingress:** reach the API and UI from your machine through the cluster:",
            "",
            _sh(*forward),
        ]
    notebook = "polyaxon run --hub notebook"
    if "notebooks" in to_presets(plan):
        notebook += " -f presets/notebooks.yaml"
    out += [
        "**Before long jobs**, as the guide advises: start a notebook to try code interactively, and run "
        "it locally first (`--local`), so a typo does not cost a queued GPU job.",
        "",
        _sh(notebook, "polyaxon run -f polyaxonfile.yaml --local"),
    ]
    return "Troubleshooting", "\n".join(out)
