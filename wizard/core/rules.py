"""Field rules: small predicates for Kubernetes names, labels, buckets, hosts and ports.

Each `*_problem(value)` returns None when the value is fine, else a short sentence saying what is
wrong. `checks.py` turns them into findings; the web forms reuse them as field validators.
"""

from __future__ import annotations

import ipaddress
import re

_NAME_63 = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\Z")
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_QUANTITY = re.compile(r"[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?\Z")
# Polyaxon's own name rule (admin user, connection names).
_POLYAXON_NAME = re.compile(r"[-a-zA-Z0-9_]+\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
_S3_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z")
_GCS_BUCKET = re.compile(r"[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]\Z")
_AZURE_CONTAINER = re.compile(r"[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]\Z")
_AZURE_ACCOUNT = re.compile(r"[a-z0-9]{3,24}\Z")
_SECRET_KEY = re.compile(r"[-._a-zA-Z0-9]+\Z")
# Names PostgreSQL takes without quoting, plus '-' (common in managed databases). Nothing a shell,
# a libpq connection string ('=', spaces) or SQL quoting would read specially.
_PG_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
# A role may also carry '.' and '@' (Azure's user@server, IAM-style user names).
_PG_USER = re.compile(r"[A-Za-z_][A-Za-z0-9_.@-]*\Z")
# Control characters: never in a plan value (they break the YAML and the runbook's shell).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def dns_label_problem(value: str, max_len: int = 63) -> str | None:
    """RFC 1123 label: namespaces, Helm release names (53)."""
    if not value:
        return "is required"
    if len(value) > max_len:
        return f"must be at most {max_len} characters"
    if not _DNS_LABEL.match(value):
        return (
            "must be lower-case letters, digits and '-', starting and ending with a letter or digit"
        )
    return None


def dns_subdomain_problem(value: str) -> str | None:
    """RFC 1123 subdomain: names of Secrets, claims, issuers, ingress classes."""
    if not value:
        return "is required"
    if len(value) > 253:
        return "must be at most 253 characters"
    if not _DNS_SUBDOMAIN.match(value):
        return "must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"
    return None


def label_key_problem(key: str) -> str | None:
    """Kubernetes label (and taint/toleration) key: optional DNS prefix, '/', name of 63 at most."""
    if not key:
        return "is required"
    prefix, _, name = key.rpartition("/")
    if "/" in key and not prefix:
        return "has an empty prefix before '/'"
    if prefix and dns_subdomain_problem(prefix):
        return f"has a prefix {prefix!r} that is not a DNS subdomain (lower-case letters, digits, '-', '.')"
    if not name:
        return "has an empty name after '/'"
    if len(name) > 63:
        return "has a name part longer than 63 characters"
    if not _NAME_63.match(name):
        return "must have a name part of letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
    return None


# Node labels the kubelet, Kubernetes or a cloud provider sets and owns: a pool may select on
# them, but the runbook never labels or unlabels them (the owner puts them back, or refuses).
_RESERVED_LABEL_DOMAINS = (
    "kubernetes.io",  # kubernetes.io/os|arch|hostname, node.kubernetes.io/*, topology.kubernetes.io/*
    "k8s.io",
    "cloud.google.com",  # GKE: gke-nodepool, gke-accelerator, gke-spot...
    "amazonaws.com",  # EKS: eks.amazonaws.com/nodegroup, k8s.amazonaws.com/*
    "azure.com",  # AKS: kubernetes.azure.com/*
    "nvidia.com",  # GPU feature discovery
    "karpenter.sh",
)
# The one kubernetes.io prefix set aside for administrators (the kubelet may not set it).
_ADMIN_LABEL_DOMAINS = ("node-restriction.kubernetes.io",)
# Unprefixed keys AKS puts on every node.
_RESERVED_BARE_KEYS = frozenset({"agentpool", "storageprofile", "storagetier"})


def is_reserved_label_key(key: str) -> bool:
    """True for a node label key owned by Kubernetes, the kubelet or the cloud provider."""
    prefix, slash, _ = key.rpartition("/")
    if not slash:
        return key in _RESERVED_BARE_KEYS
    domain = prefix.lower()
    if domain in _ADMIN_LABEL_DOMAINS:
        return False
    return any(domain == d or domain.endswith("." + d) for d in _RESERVED_LABEL_DOMAINS)


def label_value_problem(value: str) -> str | None:
    """Kubernetes label value: empty, or 63 characters of the name alphabet."""
    if not value:
        return None
    if len(value) > 63:
        return "must be at most 63 characters"
    if not _NAME_63.match(value):
        return (
            "must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
        )
    return None


def secret_key_problem(key: str) -> str | None:
    """A key inside a Secret or ConfigMap."""
    if not key:
        return "is required"
    if len(key) > 253 or not _SECRET_KEY.match(key) or key in (".", ".."):
        return "must be letters, digits, '-', '_' and '.'"
    return None


def port_problem(port: int) -> str | None:
    return None if 1 <= port <= 65535 else "must be a port between 1 and 65535"


def id_problem(value: int) -> str | None:
    """Linux uid/gid as Kubernetes takes them (int64, but >= 2^31 breaks most images)."""
    return None if 0 <= value <= 2147483647 else "must be between 0 and 2147483647"


def hostname_problem(host: str, *, allow_ip: bool, allow_wildcard: bool = False) -> str | None:
    if not host:
        return "is required"
    if _is_ip(host):
        return None if allow_ip else "must be a DNS name, not an IP address"
    name = host[2:] if allow_wildcard and host.startswith("*.") else host
    if name != name.lower():
        return "must be lower-case"
    if len(name) > 253 or not _DNS_SUBDOMAIN.match(name):
        return "must be a DNS name: lower-case letters, digits, '-' and '.'"
    if any(len(part) > 63 for part in name.split(".")):
        return "has a dot-separated part longer than 63 characters"
    return None


def pg_identifier_problem(value: str, *, user: bool = False) -> str | None:
    """A PostgreSQL database (or, with `user`, role) name as the runbook passes it to pg_dump."""
    if not value:
        return "is required"
    if len(value.encode()) > 63:
        return "must be at most 63 bytes (PostgreSQL truncates longer names)"
    if user and not _PG_USER.match(value):
        return (
            "must start with a letter or '_' and hold only letters, digits, '_', '-', '.' and '@'"
        )
    if not user and not _PG_NAME.match(value):
        return "must start with a letter or '_' and hold only letters, digits, '_' and '-'"
    return None


def quantity_problem(value: str) -> str | None:
    if not value:
        return "is required"
    if not _QUANTITY.match(value) or float(re.match(r"[0-9.]+", value).group()) <= 0:
        return "must be a positive Kubernetes quantity such as 20Gi"
    return None


def absolute_path_problem(value: str) -> str | None:
    if not value:
        return "is required"
    if not value.startswith("/"):
        return "must be an absolute path (start with '/')"
    if CONTROL_CHARACTERS.search(value) or ".." in value.split("/"):
        return "must not contain '..' or control characters"
    return None


def polyaxon_name_problem(value: str) -> str | None:
    if not value:
        return "is required"
    if len(value) > 128 or not _POLYAXON_NAME.match(value):
        return "must be letters, digits, '-' and '_' only"
    return None


def email_problem(value: str) -> str | None:
    if len(value) > 254 or not _EMAIL.match(value):
        return "must be an e-mail address such as admin@example.com"
    return None


def bucket_problem(kind: str, bucket: str) -> str | None:
    """Bucket (container) naming rules of each cloud provider; `bucket` is the bare name."""
    if not bucket:
        return "is required"
    if "://" in bucket:
        return "must be the bare bucket name, without the s3:// or gs:// prefix"
    if kind == "s3":
        if not _S3_BUCKET.match(bucket):
            return "must be 3-63 lower-case letters, digits, '.' and '-' for S3, starting and ending with a letter or digit"
        if ".." in bucket or ".-" in bucket or "-." in bucket:
            return "cannot have '..', '.-' or '-.' on S3"
        if _is_ip(bucket):
            return "cannot look like an IP address on S3"
        if bucket.startswith(("xn--", "sthree-")) or bucket.endswith(("-s3alias", "--ol-s3")):
            return "cannot start with xn-- or sthree-, or end with -s3alias or --ol-s3 (S3 reserves them)"
    elif kind == "gcs":
        if not _GCS_BUCKET.match(bucket):
            return "must be 3-63 lower-case letters, digits, '-', '_' and '.' for GCS, starting and ending with a letter or digit"
        if any(len(part) > 63 for part in bucket.split(".")) or (
            "." not in bucket and len(bucket) > 63
        ):
            return "must be at most 63 characters for GCS (222 with dots, 63 per part)"
        if bucket.startswith("goog") or "google" in bucket or "g00gle" in bucket:
            return "cannot start with 'goog' or contain 'google' on GCS"
        if _is_ip(bucket):
            return "cannot look like an IP address on GCS"
    elif kind == "azure":
        if not _AZURE_CONTAINER.match(bucket):
            return "must be 3-63 lower-case letters, digits and single '-' for Azure, starting and ending with a letter or digit"
    return None


def azure_account_problem(account: str) -> str | None:
    if not account:
        return "is required"
    if not _AZURE_ACCOUNT.match(account):
        return "must be 3-24 lower-case letters and digits"
    return None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


# Host paths whose mount hands a pod the node itself, not storage: (path, what it is, whether
# everything below it is as dangerous).
_SOCKET = "the container runtime's socket (root on the node)"
_DANGEROUS_HOST_PATHS = (
    ("/", "the node's whole root filesystem", False),
    ("/etc", "the node's configuration (users, kubelet and runtime config)", True),
    ("/proc", "the node's processes and kernel settings", True),
    ("/sys", "the node's kernel and devices", True),
    ("/dev", "the node's devices", True),
    ("/boot", "the node's kernel and boot loader", True),
    ("/root", "the node's root user's home", True),
    ("/var/lib/kubelet", "the kubelet's directory (every pod's volumes and secrets)", True),
    ("/var/lib/docker", "the container runtime's storage", True),
    ("/var/lib/containerd", "the container runtime's storage", True),
    ("/run", "the node's runtime state, with the container runtime's socket", False),
    ("/var/run", "the node's runtime state, with the container runtime's socket", False),
    ("/run/containerd", _SOCKET, True),
    ("/var/run/containerd", _SOCKET, True),
    ("/var/run/docker.sock", _SOCKET, False),
    ("/run/docker.sock", _SOCKET, False),
    ("/var/run/crio", _SOCKET, True),
    ("/run/crio", _SOCKET, True),
)


def dangerous_host_path(path: str) -> str | None:
    """What mounting this host path exposes (a sentence), or None for an ordinary directory."""
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        return f"The host path {path} climbs with '..': write the directory itself."
    normal = "/" + "/".join(parts)
    for danger, what, below in _DANGEROUS_HOST_PATHS:
        if normal == danger or (below and normal.startswith(danger + "/")):
            return (
                f"The host path {normal} is {what}: a store there gives every run access to the "
                "node. Use a directory of its own (e.g. /data/polyaxon) or a bucket."
            )
    return None


# A registry address: host[:port] with an optional path (no scheme), as a Docker image prefix.
_REGISTRY_URL = re.compile(
    r"\A[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?"
    r"(/[a-z0-9]+([._-][a-z0-9]+)*)*\Z"
)
# An image repository path under a registry (Docker's reference grammar, lower case, no tag).
_IMAGE_NAME = re.compile(r"\A[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*\Z")
_ACM_ARN = re.compile(
    r"\Aarn:aws(-cn|-us-gov)?:acm:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:certificate/[0-9a-f-]{36}\Z"
)


def registry_url_problem(value: str) -> str | None:
    if "://" in value:
        return "is a host (and optional path) without a scheme, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    if len(value) > 255 or not _REGISTRY_URL.match(value):
        return "must look like registry.example.com[:port][/path], in lower case"
    return None


def image_name_problem(value: str) -> str | None:
    if ":" in value or "@" in value:
        return "is the repository only: the builds preset adds a unique tag"
    if len(value) > 255 or not _IMAGE_NAME.match(value):
        return (
            "must be lower-case path parts of letters and digits separated by '/', '.', '_' or '-'"
        )
    return None


def acm_arn_problem(value: str) -> str | None:
    if not value:
        return "is required: an ALB serves TLS only with a certificate from ACM"
    if not _ACM_ARN.match(value):
        return "must look like arn:aws:acm:<region>:<account>:certificate/<id>"
    return None
