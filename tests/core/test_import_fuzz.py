"""The importer never crashes on odd but loadable values: any shape under any chart key."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.core import codec, values
from wizard.core.chart_keys import DEFAULT_KEYS
from wizard.core.importer import ImportRefused, import_values

PATHS = sorted(DEFAULT_KEYS["v2"] | DEFAULT_KEYS["v0.6"]) + [
    "nodeSelectors", "defaultScheduling", "nodeSelector.core", "artifactsStore.kind",
    "artifactsStore.schema.bucket", "connections", "persistence.outputs.o.store",
    "ingress.tls", "externalServices.postgresql.options.sslmode", "postgresql.primary.persistence",
]  # fmt: skip
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "core", "s3://b", "gs://b", "wasbs://c@a.blob.core.windows.net/", "host_path",
                     "s3", "volume_claim", "Equal", "Exists", "NoSchedule"]),
    st.text(max_size=8),
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["key", "kind", "name", "schema", "bucket", "enabled",
                                         "core", "nodeSelector", "secret", "hostPath"]) | st.text(max_size=5),
                        inner, max_size=4),
    ),
    max_leaves=12,
)  # fmt: skip


def put(tree: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    node = tree
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[last] = value


@st.composite
def values_files(draw):
    tree: dict = {}
    for path in draw(st.lists(st.sampled_from(PATHS), max_size=12)):
        put(tree, path, draw(json_values))
    return tree


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values_files(), st.sampled_from([None, "v2", "v0.6"]))
def test_import_of_any_shape_gives_a_plan_that_renders_and_encodes(tree, target):
    try:
        result = import_values(json.loads(json.dumps(tree)), target)
    except ImportRefused:
        return
    if result.ambiguous:
        assert target is None and result.plan is None
        return
    values.to_yaml(result.plan)
    assert codec.from_dict(codec.to_dict(result.plan)) == result.plan
