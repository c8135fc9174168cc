"""The one secret filter every door uses: which entries of chart values (or of any JSON-like data)
hold a password, key or token.

It walks mappings and lists; it knows the chart's secret-bearing keys (0.6.1 and 2.15.1, chart
notes 2.8 and 3.8), common credential names in any spelling (`aws_secret_access_key`,
`client_secret`, `sshKey`, `ssl.key`...), `env` entries whose name is a credential's, private keys
in PEM form and credentials inside URLs (`postgres://user:pass@host`). The API and restore refuse
what it finds (`find`); the importer strips it with a finding (`strip`).
"""

from __future__ import annotations

import re

from .checks import WARNING, Finding
from .rules import CONTROL_CHARACTERS

# chart path -> key of the plan's Secret that should hold it (see credentials.py); "" = none.
CHART_SECRET_PATHS = {
    "user.password": "POLYAXON_ADMIN_PASSWORD",
    "polyaxonSecret": "POLYAXON_SECRET_KEY",
    "internalToken": "POLYAXON_SECRET_INTERNAL_TOKEN",
    "externalServices.postgresql.password": "POLYAXON_DB_PASSWORD",
    "externalServices.redis.password": "POLYAXON_REDIS_PASSWORD",
    "externalServices.rabbitmq.password": "POLYAXON_RABBITMQ_PASSWORD",
    "postgresql.auth.password": "POLYAXON_DB_PASSWORD",
    "postgresql.auth.postgresPassword": "POLYAXON_DB_PASSWORD",
    "postgresql.postgresqlPassword": "POLYAXON_DB_PASSWORD",
    "postgresql.postgresqlPostgresPassword": "POLYAXON_DB_PASSWORD",
    "redis.password": "POLYAXON_REDIS_PASSWORD",
    "redis.auth.password": "POLYAXON_REDIS_PASSWORD",
    "rabbitmq.auth.password": "POLYAXON_RABBITMQ_PASSWORD",
    "rabbitmq.auth.erlangCookie": "",
    "rabbitmq-ha.rabbitmqPassword": "POLYAXON_RABBITMQ_PASSWORD",
    "rabbitmq-ha.managementPassword": "",
    "rabbitmq-ha.rabbitmqErlangCookie": "",
    "email.hostPassword": "POLYAXON_EMAIL_HOST_PASSWORD",
    "ldap.bindPassword": "POLYAXON_AUTH_LDAP_BIND_PASSWORD",
    "agent.token": "POLYAXON_AUTH_TOKEN",
    "organizationKey": "POLYAXON_ORGANIZATION_KEY",
    "k8s.authorisation": "POLYAXON_K8S_AUTHORISATION",
    "docker-registry.secrets": "",
}
# v2 keeps OAuth/analytics credentials in these `options` blocks (chart notes 3.8).
_SECRET_OPTION_PARENTS = (
    "externalServices.auth.",
    "externalServices.analytics.",
    "externalServices.transactions.",
    "externalServices.errors.",
    "externalServices.metrics.",
)
# Credential words, matched in a key with case, '_', '-' and '.' ignored (secret_key, secretKey,
# SECRET-KEY and secret.key all read "secretkey").
_WORDS = re.compile(
    r"password|passwd|passphrase|pwd$|token|secretkey|secretaccesskey|clientsecret|apikey|"
    r"privatekey|sshkey|signingkey|encryptionkey|erlangcookie|htpasswd|credentials?$|"
    r"authori[sz]ation$|^secret$|secretvalue|sslkey$|tlskey$|accesskey$|connectionstring|dsn$"
)
# Keys whose name looks secret but that name a Secret (a reference) or a setting, exactly.
_REFERENCES = frozenset(
    {
        "secretKey",  # persistence.*.secretKey: the key inside a referenced Secret
        "secret",  # artifactsStore.secret / connections[].secret: {name, mountPath}
        "usePassword",
        "passwordLength",
        "passwordAuth",
        "existingSecret",
        "secretName",
        "platformSecret",
        "agentSecret",
        "encryptionSecret",
        "imagePullSecrets",
        "tokenSecret",
        "existingPasswordSecret",
        "secretKeyRef",
        "passwordSecret",
    }
)
_REFERENCE_SUFFIXES = ("SecretName", "ExistingSecret", "SecretKey", "SecretRef", "FromSecret")
# Inside `ssl`/`tls` blocks a bare `key` is the private key itself (ssl.key, tls.key).
_KEY_HOLDERS = frozenset({"ssl", "tls"})
_URL_CREDENTIALS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s?#@]*:[^/\s?#@]*@")
_PEM_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
# env entries: [{name: DB_PASSWORD, value: ...}]
_ENV_NAME_KEYS = ("name", "key")


_SEPARATORS = re.compile(r"[-_.\s]")


def _normal(key: str) -> str:
    return _SEPARATORS.sub("", key).lower()


def secret_key(path: str, key: str, parent: str = "") -> bool:
    """Whether the entry `key` at `path` (dotted, from the values' root) names a secret value."""
    if path in CHART_SECRET_PATHS:
        return True
    if key == "options" and path.startswith(_SECRET_OPTION_PARENTS):
        return True
    if key in _REFERENCES or key.endswith(_REFERENCE_SUFFIXES):
        return False
    if key == "key" and parent.lower() in _KEY_HOLDERS:
        return True
    return bool(_WORDS.search(_normal(key)))


def secret_text(value: str) -> bool:
    """A string that carries a credential whatever its key: user:password@ in a URL, a PEM key;
    with or without the control characters in it (`user:pass\x1f@host` hides nothing)."""
    return any(
        _URL_CREDENTIALS.search(text) or _PEM_KEY.search(text)
        for text in (value, CONTROL_CHARACTERS.sub("", value))
    )


def find(data: object) -> list[str]:
    """Paths (dotted, list items by index) of every non-empty secret in `data`, in document order."""
    return _found(_hits(data))


def _found(hits: list[tuple[str, object, object]]) -> list[str]:
    """The paths of the hits that hold something (an empty placeholder holds no secret)."""
    return [path for path, container, key in hits if container[key] not in (None, "", {}, [])]


def _hits(data: object) -> list[tuple[str, object, object]]:
    """(path, container, key) of every secret-bearing entry, empty ones included."""
    hits: list[tuple[str, object, object]] = []
    stack: list[tuple[object, str, str]] = [(data, "", "")]
    while stack:
        node, prefix, parent = stack.pop()
        children = []
        if isinstance(node, dict):
            env_name = next((node[k] for k in _ENV_NAME_KEYS if isinstance(node.get(k), str)), "")
            env_secret = bool(env_name) and bool(_WORDS.search(_normal(env_name)))
            for key, value in node.items():
                path = f"{prefix}{key}"
                if isinstance(value, bool):
                    continue  # a switch (usePassword, automountServiceAccountToken), never a secret
                if (
                    (isinstance(key, str) and secret_key(path, key, parent))
                    or (key == "value" and env_secret)
                    or (isinstance(value, str) and secret_text(value))
                ):
                    hits.append((path, node, key))
                else:
                    children.append((value, f"{path}.", str(key)))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, str) and secret_text(item):
                    hits.append((f"{prefix}{i}", node, i))
                else:
                    children.append((item, f"{prefix}{i}.", parent))
        stack.extend(reversed(children))
    return hits


def strip(values: dict, plan_secret: str, findings: list[Finding]) -> list[str]:
    """Remove every secret from `values` in place; a `secret_removed` finding per non-empty one
    says where the value belongs. Returns the paths that held a secret."""
    hits = _hits(values)
    found = _found(hits)
    # Each entry once (YAML aliases share containers); list items from the last index down, so
    # the indexes still to delete stay valid.
    targets = {(id(container), key): (container, key) for _, container, key in hits}
    for container, key in sorted(
        targets.values(), key=lambda t: -t[1] if isinstance(t[0], list) else 1
    ):
        del container[key]
    for path in found:
        env = CHART_SECRET_PATHS.get(path, "")
        where = (
            f"Put it in the Kubernetes Secret {plan_secret!r} under the key {env} (RUNBOOK.md "
            "creates that Secret from environment variables)"
            if env
            else "Keep it in a Kubernetes Secret and pass it at install time (helm --set-file), "
            "never in the values file"
        )
        findings.append(
            Finding(
                WARNING,
                "secret_removed",
                path,
                f"This key held a secret; it was removed and is not stored or shown. {where}.",
            )
        )
    return found
