"""Runbook renderer: the ordered, copy-pasteable procedure (Markdown) that applies the plan.

Every value that came from the user is shell-quoted with `shlex.quote`; secrets are only ever read
from environment variables or from the plan's Kubernetes Secret, never written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from shlex import quote

from .checks import ERROR, check
from .credentials import secret_entries, store_secrets
from .plan import (
    DB_CA_KEY,
    WORKLOAD_CLASSES,
    Plan,
    Pool,
    db_ca_mounted,
    registry_declared,
    stores,
    taint_of,
    workload_pools,
)
from .values import GUIDE, gce_backend_config, to_presets

HELM_REPO = "https://charts.polyaxon.com"


@dataclass(frozen=True)
class _NodePool:
    var: str  # environment variable naming the nodes, e.g. CORE_NODES
    what: str
    pool: Pool


def to_runbook(plan: Plan) -> str:
    """The whole runbook as Markdown."""
    parts = [
        _title(plan),
        _migration(plan),
        _prerequisites(plan),
        _nodes(plan),
        _namespace_and_secrets(plan),
        _storage(plan),
        _backups(plan),
        _install(plan),
        _workloads(plan),
        _verify(plan),
        _rollback(plan),
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


def _title(plan: Plan) -> str:
    lines = [
        f"# Runbook: Polyaxon {plan.chart_version} in production",
        "",
        f"Release {_code(plan.release)} in namespace {_code(plan.namespace)}, chart "
        f"`polyaxon/polyaxon` {plan.chart_version}. Run the steps in order, in bash, from the folder that "
        "holds `values.yaml`. Each step that changes the cluster says how to undo it.",
        "",
        f"It follows Polyaxon's production guide: {GUIDE}",
    ]
    if plan.target == "v0.6":
        lines += [
            "",
            "> **Legacy target.** The 0.6.1 chart needs Helm 2 and Kubernetes 1.21 or older (it uses "
            "the removed `v1beta1` Ingress and RBAC APIs, and current Helm cannot render its broker "
            "template). Use it only to maintain an existing 0.6 cluster.",
        ]
    findings = [f for f in check(plan) if f.severity != "info"]
    if findings:
        lines += ["", "Open points from the plan's checks:", ""]
        lines += [f"- **{f.severity}** `{f.code}` ({f.path}): {f.message}" for f in findings]
        if any(f.severity == ERROR for f in findings):
            lines += ["", "> The plan has errors: fix them in the wizard before applying anything."]
    return "\n".join(lines) + "\n"


def _code(value: str) -> str:
    """Inline code for a user value: one line, printable, no backtick to break out of it."""
    safe = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in value).replace("`", "'")
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
    if plan.database.kind == "external":
        items.append("- The PostgreSQL client tools (`pg_dump`, `pg_restore`) for backups.")
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


def _nodes(plan: Plan) -> tuple[str, str] | None:
    pools = [p for p in _node_pools(plan) if p.pool.labels]
    if not pools:
        return None
    out = [
        "Name the nodes of each pool (space-separated node names), then label them. Tainted pools keep "
        "every pod without the matching toleration away; Polyaxon's core components tolerate the core "
        "taint through `values.yaml`.",
        "",
    ]
    exports = []
    for p in pools:
        stem = p.var.removesuffix("_NODES").lower().replace("_", "-")
        exports.append(f'export {p.var}="{stem}-node-1 {stem}-node-2"   # {p.what}')
    out.append(_sh(*exports))
    undo = []
    for p in pools:
        labels = " ".join(quote(f"{label.key}={label.value}") for label in p.pool.labels)
        cmds = [f"kubectl label nodes ${p.var} {labels} --overwrite"]
        undo.append(
            f"kubectl label nodes ${p.var} "
            + " ".join(quote(f"{label.key}-") for label in p.pool.labels)
        )
        taint = taint_of(p.pool)
        if taint:
            spec = f"{taint.key}={taint.value}:{taint.effect}"
            cmds.append(f"kubectl taint nodes ${p.var} {quote(spec)} --overwrite")
            undo.append(f"kubectl taint nodes ${p.var} {quote(spec + '-')}")
        out += [f"Nodes for {p.what}:", "", _sh(*cmds)]
    out += ["Undo:", "", _sh(*undo)]
    return "Label and taint the nodes", "\n".join(out)


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
    lines = []
    for e in entries:
        if e.generate:
            lines.append(f'export {e.key}="${{{e.key}:-$(openssl rand -hex 32)}}"   # {e.purpose}')
    for e in entries:
        if not e.generate:
            lines.append(f': "${{{e.key}:?export {e.key} ({e.purpose}) first}}"')
    create = [
        f"kubectl get secret {name} {ns} >/dev/null 2>&1 || kubectl create secret generic {name} {ns} \\"
    ]
    create += [f'  --from-literal={e.key}="${e.key}" \\' for e in entries]
    create[-1] = create[-1].rstrip(" \\")
    out.append(_sh(*lines, *create))
    for ss in store_secrets(plan):
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
        f"kubectl delete secret {quote(s.name)} {ns}" for s in store_secrets(plan)
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
            f"  name: {gce_backend_config(plan)}\nspec:\n  timeoutSec: 600\n"
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
    for path, store in stores(plan).items():
        if store.kind == "claim":
            out += [
                f"- {path}: the claim {_code(store.claim)} must exist and be Bound, with access mode "
                "ReadWriteMany when pods on several nodes use it:",
                "",
                _sh(
                    f"kubectl get pvc {quote(store.claim)} {ns} -o jsonpath='{{.status.phase}} {{.spec.accessModes}}{{\"\\n\"}}'"
                ),
            ]
        elif store.kind == "host-path":
            out += [
                f"- {path}: **host path {_code(store.host_path)} is not durable**: it lives on one node and is "
                "lost with it. Move it to a bucket or a claim before real work starts.",
                "",
            ]
            if plan.security.enabled and plan.target == "v0.6":
                owner = f"{plan.security.uid}:{plan.security.gid}"
                out += [
                    _sh(
                        "# on every node of the pool: make the folder writable by the run uid/gid",
                        f"sudo mkdir -p {quote(store.host_path)} && sudo chown -R {owner} {quote(store.host_path)}",
                    )
                ]
        else:
            url = {
                "s3": f"aws s3 ls {quote('s3://' + store.bucket)}",
                "gcs": f"gsutil ls {quote('gs://' + store.bucket)}",
                "azure": f"az storage container show --name {quote(store.bucket)} --account-name {quote(store.account)}",
            }[store.kind]
            out += [
                f"- {path}: bucket {_code(store.bucket)}, credentials in Secret {_code(store.secret)}. Check the "
                "bucket exists and the credentials can list it:",
                "",
                _sh(url),
            ]
    return "Durable storage", "\n".join(out)


def _secret_reader(plan: Plan) -> str:
    return (
        f'secret() {{ kubectl get secret {quote(plan.secrets.name)} {_ns(plan)} -o "jsonpath={{.data.$1}}" '
        "| base64 -d; }"
    )


def _backups(plan: Plan) -> tuple[str, str]:
    rel, ns = quote(plan.release), _ns(plan)
    out = [
        "Before **every** upgrade or migration (above all one with database or data migrations), take a "
        "backup and a snapshot, and keep the current values:",
        "",
    ]
    stamp = 'stamp="$(date +%Y%m%d-%H%M%S)"'
    keep = f"helm get values {rel} {_helm_ns(plan)}".rstrip() + ' > "values-before-$stamp.yaml"'
    db = plan.database
    if db.kind == "external":
        dump = [
            _secret_reader(plan),
            'PGPASSWORD="$(secret POLYAXON_DB_PASSWORD)" pg_dump --format=custom \\',
            f"  --host={quote(db.host)} --port={db.port} --username={quote(db.user)} \\",
            f'  --file="polyaxon-$stamp.dump" {quote(db.name)}',
        ]
        out += [
            _sh(stamp, keep, *dump),
            "Also take a snapshot of the managed database in your provider's console or CLI, and check "
            "that point-in-time recovery is on.",
        ]
    else:
        sts = quote(f"statefulset/{plan.release}-postgresql")
        out += [
            _sh(
                stamp,
                keep,
                # The database name reaches the pod's shell as an argument ($1), never inside
                # the quoted script.
                f'kubectl exec {ns} {sts} -- sh -c \'PGPASSWORD="$POSTGRES_PASSWORD" pg_dump -U postgres '
                f'--format=custom "$1"\' sh {quote(db.name)} > "polyaxon-$stamp.dump"',
            ),
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
    lines[-1] = lines[-1].rstrip(" \\")
    out = [
        "Passing the keys and passwords on every run keeps the chart from generating new ones on each "
        "upgrade. `--set-file` reads each from the Secret (no value ever appears on the command line).",
        "",
        _sh(*lines),
        "Watch the rollout:",
        "",
        _sh(f"kubectl get pods {ns} --watch"),
    ]
    return "Install or upgrade", "\n".join(out)


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
        elif name == "builds":
            out += [
                "Builds (the preset adds a kaniko build, pushed through the registry connection "
                f"{_code(plan.scheduling.registry_connection)}; use it for runs that should be built first):",
                "",
                _sh(
                    "polyaxon check -f polyaxonfile.yaml -f presets/builds.yaml",
                    "polyaxon run -f polyaxonfile.yaml -f presets/builds.yaml",
                ),
            ]
        else:
            out += [
                f"{name.capitalize()}:",
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
    import json

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
    selector = ",".join(f"{label.key}={label.value}" for label in plan.scheduling.core.labels)
    out = []
    if selector:
        out += [
            "Every Polyaxon pod runs on a core node (prints the ones that do not):",
            "",
            _sh(
                f"core_nodes=\" $(kubectl get nodes -l {quote(selector)} -o jsonpath='{{.items[*].metadata.name}}') \"",
                f"kubectl get pods {ns} -o jsonpath='{{range .items[*]}}{{.metadata.name}} {{.spec.nodeName}}{{\"\\n\"}}{{end}}' |",
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
        # v2 pods carry app.kubernetes.io/part-of=polyaxon-core; only 0.6 pods carry type=.
        core = (
            "type=polyaxon-core"
            if plan.target == "v0.6"
            else "app.kubernetes.io/part-of=polyaxon-core"
        )
        pod = (
            f"pod=\"$(kubectl get pods {ns} -l {core} -o jsonpath='{{.items[0].metadata.name}}')\""
        )
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


def _rollback(plan: Plan) -> tuple[str, str]:
    rel, ns = quote(plan.release), _ns(plan)
    out = [
        "If the upgrade misbehaves, return to the previous release revision:",
        "",
        _sh(
            f"helm history {rel} {_helm_ns(plan)}".rstrip(),
            f"helm rollback {rel} REVISION {_helm_ns(plan)}".rstrip(),
        ),
    ]
    db = plan.database
    restore_note = (
        "If a database migration ran, also restore the backup taken before the upgrade "
        "(set `stamp` to the backup's timestamp):"
    )
    if db.kind == "external":
        out += [
            restore_note,
            "",
            _sh(
                _secret_reader(plan),
                'PGPASSWORD="$(secret POLYAXON_DB_PASSWORD)" pg_restore --clean --if-exists \\',
                f"  --host={quote(db.host)} --port={db.port} --username={quote(db.user)} \\",
                f'  --dbname={quote(db.name)} "polyaxon-$stamp.dump"',
            ),
        ]
    else:
        sts = quote(f"statefulset/{plan.release}-postgresql")
        out += [
            restore_note,
            "",
            _sh(
                f'kubectl exec -i {ns} {sts} -- sh -c \'PGPASSWORD="$POSTGRES_PASSWORD" pg_restore -U postgres '
                f'--clean --if-exists --dbname="$1"\' sh {quote(db.name)} < "polyaxon-$stamp.dump"'
            ),
        ]
    return "Roll back", "\n".join(out)
