"""Field rules: small predicates for Kubernetes names, labels, buckets, hosts and ports.

Each `*_problem(value)` returns None when the value is fine, else a short sentence saying what is
wrong. `checks.py` turns them into findings; the web forms reuse them as field validators.
"""

from __future__ import annotations

import functools
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
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _memoized(fn):
    """Each rule is a pure function of its arguments, and `check` asks about the same values on
    every keystroke of the live preview: answer repeats from a bounded memo."""
    cached = functools.lru_cache(maxsize=4096, typed=True)(fn)

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return cached(*args, **kwargs)
        except TypeError:  # an unhashable argument (never from a valid plan): no memo
            return fn(*args, **kwargs)

    return call


@_memoized
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


@_memoized
def dns_subdomain_problem(value: str) -> str | None:
    """RFC 1123 subdomain: names of Secrets, claims, issuers, ingress classes."""
    if not value:
        return "is required"
    if len(value) > 253:
        return "must be at most 253 characters"
    if not _DNS_SUBDOMAIN.match(value):
        return "must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"
    return None


@_memoized
def label_key_problem(key: str) -> str | None:
    """Kubernetes label (and taint/toleration) key: optional DNS prefix, '/', name of 63 at most."""
    if not key:
        return "is required"
    prefix, _, name = key.rpartition("/")
    if "/" in key and not prefix:
        return "has an empty prefix before '/'"
    if prefix and dns_subdomain_problem(prefix):
        return f"prefix {prefix!r} is not a DNS subdomain (lower-case letters, digits, '-', '.')"
    if not name:
        return "has an empty name after '/'"
    if len(name) > 63:
        return "name part must be at most 63 characters"
    if not _NAME_63.match(name):
        return "name part must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
    return None


@_memoized
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


@_memoized
def secret_key_problem(key: str) -> str | None:
    """A key inside a Secret or ConfigMap."""
    if not key:
        return "is required"
    if len(key) > 253 or not _SECRET_KEY.match(key) or key in (".", ".."):
        return "must be letters, digits, '-', '_' and '.'"
    return None


@_memoized
def port_problem(port: int) -> str | None:
    return None if 1 <= port <= 65535 else "must be a port between 1 and 65535"


@_memoized
def id_problem(value: int) -> str | None:
    """Linux uid/gid as Kubernetes takes them (int64, but >= 2^31 breaks most images)."""
    return None if 0 <= value <= 2147483647 else "must be between 0 and 2147483647"


@_memoized
def hostname_problem(host: str, *, allow_ip: bool, allow_wildcard: bool = False) -> str | None:
    if not host:
        return "is required"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return None if allow_ip else "must be a DNS name, not an IP address"
    name = host[2:] if allow_wildcard and host.startswith("*.") else host
    if name != name.lower():
        return "must be lower-case"
    if len(name) > 253 or not _DNS_SUBDOMAIN.match(name):
        return "must be a DNS name: lower-case letters, digits, '-' and '.'"
    if any(len(part) > 63 for part in name.split(".")):
        return "each dot-separated part must be at most 63 characters"
    return None


@_memoized
def pg_identifier_problem(value: str) -> str | None:
    if not value:
        return "is required"
    if len(value.encode()) > 63:
        return "must be at most 63 bytes (PostgreSQL truncates longer names)"
    if _CONTROL.search(value) or value != value.strip():
        return "must not contain control characters or surrounding spaces"
    return None


@_memoized
def quantity_problem(value: str) -> str | None:
    if not value:
        return "is required"
    if not _QUANTITY.match(value) or float(re.match(r"[0-9.]+", value).group()) <= 0:
        return "must be a positive Kubernetes quantity such as 20Gi"
    return None


@_memoized
def absolute_path_problem(value: str) -> str | None:
    if not value:
        return "is required"
    if not value.startswith("/"):
        return "must be an absolute path (start with '/')"
    if _CONTROL.search(value) or ".." in value.split("/"):
        return "must not contain '..' or control characters"
    return None


@_memoized
def polyaxon_name_problem(value: str) -> str | None:
    if not value:
        return "is required"
    if len(value) > 128 or not _POLYAXON_NAME.match(value):
        return "must be letters, digits, '-' and '_' only"
    return None


@_memoized
def email_problem(value: str) -> str | None:
    if len(value) > 254 or not _EMAIL.match(value):
        return "must be an e-mail address such as admin@example.com"
    return None


@_memoized
def bucket_problem(kind: str, bucket: str) -> str | None:
    """Bucket (container) naming rules of each cloud provider; `bucket` is the bare name."""
    if not bucket:
        return "is required"
    if "://" in bucket:
        return "give the bare bucket name, without the s3:// or gs:// prefix"
    if kind == "s3":
        if not _S3_BUCKET.match(bucket):
            return "S3 bucket names are 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit"
        if ".." in bucket or ".-" in bucket or "-." in bucket:
            return "S3 bucket names cannot have '..', '.-' or '-.'"
        if _is_ip(bucket):
            return "S3 bucket names cannot look like an IP address"
        if bucket.startswith(("xn--", "sthree-")) or bucket.endswith(("-s3alias", "--ol-s3")):
            return "S3 reserves the prefixes xn--, sthree- and the suffixes -s3alias, --ol-s3"
    elif kind == "gcs":
        if not _GCS_BUCKET.match(bucket):
            return "GCS bucket names are 3-63 lower-case letters, digits, '-', '_' and '.', starting and ending with a letter or digit"
        if any(len(part) > 63 for part in bucket.split(".")) or (
            "." not in bucket and len(bucket) > 63
        ):
            return "GCS bucket names are at most 63 characters (222 with dots, 63 per part)"
        if bucket.startswith("goog") or "google" in bucket or "g00gle" in bucket:
            return "GCS bucket names cannot start with 'goog' or contain 'google'"
        if _is_ip(bucket):
            return "GCS bucket names cannot look like an IP address"
    elif kind == "azure":
        if not _AZURE_CONTAINER.match(bucket):
            return "Azure container names are 3-63 lower-case letters, digits and single '-', starting and ending with a letter or digit"
    return None


@_memoized
def azure_account_problem(account: str) -> str | None:
    if not account:
        return "is required"
    if not _AZURE_ACCOUNT.match(account):
        return "Azure storage account names are 3-24 lower-case letters and digits"
    return None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


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
