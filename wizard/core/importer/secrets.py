"""Secrets in a values file: found by path and key name, removed before anything else is read."""

from __future__ import annotations

import re

from ..checks import WARNING, Finding
from ..yamlio import inline

# chart path -> key of the plan's Secret that should hold it (see credentials.py)
SECRET_PATHS = {
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
# v2 keeps OAuth/analytics credentials in these `options` blocks.
_SECRET_OPTION_PARENTS = ("externalServices.auth.", "externalServices.analytics",
                          "externalServices.transactions", "externalServices.errors",
                          "externalServices.metrics")  # fmt: skip
_SECRET_WORD = re.compile(
    r"(password|passwd|passphrase|token|erlangcookie|htpasswd|privatekey|accesskey|apikey|"
    r"secretkey$|clientsecret|credentials?$)",
    re.IGNORECASE,
)
# Keys whose name looks secret but that hold a reference, not a value.
_NOT_SECRET = {"secretKey", "usePassword", "passwordLength", "passwordAuth", "existingSecret",
               "secretName", "secret", "platformSecret", "agentSecret", "encryptionSecret",
               "imagePullSecrets", "tokenSecret", "existingPasswordSecret", "secretKeyRef"}  # fmt: skip


def is_secret_path(path: str, key: str) -> bool:
    if path in SECRET_PATHS:
        return True
    if key == "options" and path.startswith(_SECRET_OPTION_PARENTS):
        return True
    if key in _NOT_SECRET or key.endswith(("SecretName", "ExistingSecret", "SecretKey")):
        return False
    return bool(_SECRET_WORD.search(key))


def strip_secrets(values: dict, plan_secret: str, out: list[Finding]) -> list[str]:
    """Remove every secret-bearing key in place; a finding per key says where to put it."""
    found: list[str] = []

    def walk(node: dict, prefix: str) -> None:
        for key in list(node):
            path = f"{prefix}{key}"
            value = node[key]
            if is_secret_path(path, key):
                del node[key]
                if value in (None, "", {}, []):
                    continue  # an empty placeholder held nothing
                found.append(path)
                env = SECRET_PATHS.get(path, "")
                where = (
                    f"put it in the Kubernetes Secret {inline(plan_secret)} under the key {env} "
                    "(RUNBOOK.md creates that Secret from environment variables)"
                    if env
                    else "keep it in a Kubernetes Secret and pass it at install time "
                    "(helm --set-file), never in the values file"
                )
                out.append(
                    Finding(
                        WARNING,
                        "secret_removed",
                        path,
                        f"This key held a secret; it was removed and is not stored or shown. {where[0].upper()}{where[1:]}.",
                    )
                )
            elif isinstance(value, dict):
                walk(value, f"{path}.")

    walk(values, "")
    return found
