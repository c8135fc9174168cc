"""Which secret values a deployment needs, where they live and which chart values they feed.

No value is ever known here: only the keys of the plan's Kubernetes Secret (created by the runbook
from environment variables of the same name) and the chart paths filled from them at install time.
Passing `polyaxonSecret`, `internalToken` and the passwords on every `helm upgrade` is what keeps the
chart from regenerating them (it calls randAlphaNum when they are empty).
"""

from __future__ import annotations

from dataclasses import dataclass

from .plan import Plan, Store, needs_rabbitmq, needs_redis, stores


@dataclass(frozen=True)
class SecretEntry:
    key: str  # key in the plan's Secret, and the environment variable the runbook reads
    purpose: str
    generate: bool  # a random value will do (the runbook offers openssl rand)
    helm_paths: tuple[str, ...]  # chart values filled from it by `helm upgrade --set-file`


@dataclass(frozen=True)
class StoreSecret:
    name: str  # the existing Secret the store references
    store: str  # plan path of the store
    literals: tuple[tuple[str, str], ...]  # (key, environment variable holding its value)
    files: tuple[tuple[str, str], ...]  # (key, environment variable holding a file path)

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(var for _, var in self.literals + self.files)


def secret_entries(plan: Plan) -> list[SecretEntry]:
    comp = plan.components
    entries = [
        SecretEntry(
            "POLYAXON_SECRET_KEY", "signing key of the platform", True, ("polyaxonSecret",)
        ),
        SecretEntry(
            "POLYAXON_SECRET_INTERNAL_TOKEN",
            "token between Polyaxon services",
            True,
            ("internalToken",),
        ),
        SecretEntry(
            "POLYAXON_ADMIN_PASSWORD",
            "password of the initial admin user",
            False,
            ("user.password",),
        ),
        SecretEntry(
            "POLYAXON_DB_PASSWORD",
            "PostgreSQL password",
            False,
            _password_paths(plan, "postgresql", plan.database.kind),
        ),
    ]
    if needs_redis(plan) and comp.redis.use_password:
        paths = _password_paths(plan, "redis", comp.redis.kind)
        entries.append(SecretEntry("POLYAXON_REDIS_PASSWORD", "Redis password", False, paths))
    if needs_rabbitmq(plan):
        paths = _password_paths(plan, "rabbitmq", comp.rabbitmq.kind)
        entries.append(SecretEntry("POLYAXON_RABBITMQ_PASSWORD", "RabbitMQ password", False, paths))
    if plan.target == "v2":
        # Kept from an imported file: the chart reads these passwords from platformSecret only.
        if _enabled(plan.kept, "email"):
            entries.append(
                SecretEntry("POLYAXON_EMAIL_HOST_PASSWORD", "SMTP password (email)", False, ())
            )
        if _enabled(plan.kept, "ldap"):
            entries.append(
                SecretEntry("POLYAXON_AUTH_LDAP_BIND_PASSWORD", "LDAP bind password", False, ())
            )
        # The JSON options of the external services and auth providers kept enabled
        # (platform-secrets.yaml: POLYAXON_<SERVICE>_OPTIONS, POLYAXON_AUTH_<PROVIDER>_OPTIONS).
        ext = plan.kept.get("externalServices")
        ext = ext if isinstance(ext, dict) else {}
        for service in ("analytics", "transactions", "errors", "metrics"):
            if _enabled(ext, service):
                key = f"POLYAXON_{service.upper()}_OPTIONS"
                entries.append(SecretEntry(key, f"{service} options (JSON)", False, ()))
        auth = ext.get("auth")
        for provider in _AUTH_PROVIDERS:
            if isinstance(auth, dict) and _enabled(auth, provider):
                key = f"POLYAXON_AUTH_{provider.upper()}_OPTIONS"
                entries.append(SecretEntry(key, f"{provider} sign-in options (JSON)", False, ()))
    return entries


# The chart values an in-cluster service's password fills, by target and service. v2's in-cluster
# PostgreSQL: keep both equal, the chart reads the superuser key but connects as auth.username.
_IN_CLUSTER_PASSWORDS = {
    ("v2", "postgresql"): ("postgresql.auth.password", "postgresql.auth.postgresPassword"),
    ("v2", "redis"): ("redis.auth.password",),
    ("v2", "rabbitmq"): ("rabbitmq.auth.password",),
    ("v0.6", "postgresql"): ("postgresql.postgresqlPassword",),
    ("v0.6", "redis"): ("redis.password",),
    ("v0.6", "rabbitmq"): ("rabbitmq-ha.rabbitmqPassword",),
}


def _password_paths(plan: Plan, service: str, kind: str) -> tuple[str, ...]:
    """The chart values filled with a service's password. An external PostgreSQL's too: v2's
    platformSecret feeds the pods, but the chart still renders <fullname>-postgresql-secret, with
    a random password when none is given, and the API's checksum/platform-secrets annotation then
    restarts it on every upgrade."""
    if kind == "in-cluster":
        return _IN_CLUSTER_PASSWORDS["v2" if plan.target == "v2" else "v0.6", service]
    return (f"externalServices.{service}.password",)


_AUTH_PROVIDERS = ("github", "gitlab", "bitbucket", "google", "okta", "onelogin", "azuread")


def _enabled(kept: dict, section: str) -> bool:
    value = kept.get(section)
    return isinstance(value, dict) and value.get("enabled") is True


def store_secrets(plan: Plan) -> list[StoreSecret]:
    """The credential Secrets the cloud stores reference, one per distinct name.

    Each is filled from environment variables named after its keys; when two different Secrets
    would read the same variable (two S3 stores with their own credentials), each gets variables
    prefixed with its own name, so they can never silently hold the same credentials."""
    found: dict[str, StoreSecret] = {}
    for path, store in stores(plan).items():
        if store.kind not in ("s3", "gcs", "azure") or not store.secret or store.secret in found:
            continue
        found[store.secret] = _store_secret(plan, path, store)
    uses: dict[str, int] = {}
    for ss in found.values():
        for var in ss.variables:
            uses[var] = uses.get(var, 0) + 1
    return [
        _prefixed(ss) if any(uses[var] > 1 for var in ss.variables) else ss for ss in found.values()
    ]


def _prefixed(ss: StoreSecret) -> StoreSecret:
    prefix = "".join(ch if ch.isalnum() else "_" for ch in ss.name.upper())
    return StoreSecret(
        ss.name,
        ss.store,
        tuple((key, f"{prefix}_{var}") for key, var in ss.literals),
        tuple((key, f"{prefix}_{var}") for key, var in ss.files),
    )


def _store_secret(plan: Plan, path: str, store: Store) -> StoreSecret:
    if plan.target == "v0.6":
        # 0.6 reads the credentials from one key of the Secret.
        return StoreSecret(store.secret, path, (), ((store.secret_key, "STORE_CREDENTIALS_FILE"),))
    if store.kind == "s3":
        keys = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    elif store.kind == "azure":
        keys = ("AZURE_ACCOUNT_NAME", "AZURE_ACCOUNT_KEY")
    else:
        return StoreSecret(store.secret, path, (), ((GCS_KEY_FILE, "GCS_KEY_FILE"),))
    return StoreSecret(store.secret, path, tuple((key, key) for key in keys), ())


GCS_KEY_FILE = "gc-secret.json"
GCS_MOUNT_PATH = "/plx-context/.gc"
