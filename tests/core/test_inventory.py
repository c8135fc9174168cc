"""Node inventories: `kubectl get nodes -o json|yaml` read safely, only what scheduling needs kept."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from wizard.core import inventory
from wizard.core.inventory import InventoryError, Taint, cpu_millis, memory_bytes, parse_inventory


def node_doc(name: str = "n1", **spec) -> dict:
    """A Node as kubectl prints it (trimmed), with spec/status/metadata parts replaced."""
    doc = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.io/hostname": name, "topology.kubernetes.io/zone": "zone-a"},
            "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
        },
        "spec": {"podCIDR": "10.0.0.0/24"},
        "status": {
            "allocatable": {"cpu": "3920m", "memory": "15200000Ki", "pods": "110"},
            "conditions": [
                {"type": "MemoryPressure", "status": "False"},
                {"type": "Ready", "status": "True", "reason": "KubeletReady"},
            ],
        },
    }
    for part, value in spec.items():
        section, _, key = part.partition("__")
        doc[section][key] = value
    return doc


def node_list(*nodes: dict) -> dict:
    return {"apiVersion": "v1", "kind": "List", "items": list(nodes), "metadata": {}}


def parse(doc: object) -> inventory.Inventory:
    return parse_inventory(json.dumps(doc, indent=4))


def error_of(doc: object) -> InventoryError:
    with pytest.raises(InventoryError) as caught:
        parse_inventory(doc if isinstance(doc, str) else json.dumps(doc))
    return caught.value


# --- quantities (kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/) ------


@pytest.mark.parametrize(
    ("text", "millis"),
    [
        ("500m", 500),
        ("2", 2000),
        ("0.5", 500),
        ("3920m", 3920),
        ("1.5", 1500),
        ("250000000n", 250),
        ("100u", 1),
        ("1m", 1),
    ],
)
def test_cpu_quantities_are_read_as_millicores(text, millis):
    assert cpu_millis(text) == millis


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("16Gi", 16 * 2**30),
        ("16000Mi", 16000 * 2**20),
        ("1e9", 10**9),
        ("1G", 10**9),
        ("1.5Gi", 3 * 2**29),
        ("15200000Ki", 15200000 * 1024),
        ("128974848", 128974848),
        ("129M", 129 * 10**6),
        ("1E3", 1000),
    ],
)
def test_memory_quantities_are_read_as_bytes(text, size):
    assert memory_bytes(text) == size


def test_a_fractional_byte_count_is_rounded_up():
    assert memory_bytes("0.5") == 1


@pytest.mark.parametrize(
    "text", ["", "Gi", "16 Gi", "16GB", "16gi", "-1Gi", "1e99", "abc", "1.2.3"]
)
def test_malformed_quantities_are_refused(text):
    with pytest.raises(ValueError):
        inventory.parse_quantity(text)


def test_a_number_given_as_yaml_int_is_a_quantity():
    assert inventory.parse_quantity(8) == Fraction(8)


# --- documents ---------------------------------------------------------------------------------


def test_a_list_of_nodes_keeps_only_what_scheduling_needs():
    doc = node_list(
        node_doc(
            "gpu-1",
            spec__taints=[{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}],
            status__allocatable={"cpu": "7", "memory": "60Gi", "nvidia.com/gpu": "2"},
        )
    )
    (node,) = parse(doc).nodes
    assert node.name == "gpu-1"
    assert node.taints == (Taint("nvidia.com/gpu", "present", "NoSchedule"),)
    assert (node.cpu_millis, node.memory_bytes, node.gpus) == (7000, 60 * 2**30, 2)
    assert node.zone == "zone-a"
    assert node.is_ready and not node.unschedulable


def test_amd_and_nvidia_gpus_are_counted_together():
    doc = node_doc(status__allocatable={"amd.com/gpu": "1", "nvidia.com/gpu": "4"})
    assert parse(node_list(doc)).nodes[0].gpus == 5


def test_a_single_node_document_is_an_inventory_of_one():
    assert [n.name for n in parse(node_doc("solo")).nodes] == ["solo"]


def test_yaml_output_is_read_like_json():
    text = """
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata:
    name: worker-1
    labels: {polyaxon: workloads}
  spec:
    unschedulable: true
  status:
    allocatable: {cpu: "4", memory: 16Gi}
    conditions:
    - {type: Ready, status: "False"}
"""
    (node,) = parse_inventory(text).nodes
    assert node.unschedulable and node.ready == "False"
    assert node.labels == {"polyaxon": "workloads"}


def test_a_node_without_a_ready_condition_counts_as_unknown():
    doc = node_doc(status__conditions=[{"type": "DiskPressure", "status": "False"}])
    assert parse(node_list(doc)).nodes[0].ready == "Unknown"


def test_the_beta_zone_label_is_read_when_the_ga_one_is_missing():
    doc = node_doc()
    doc["metadata"]["labels"] = {"failure-domain.beta.kubernetes.io/zone": "us-east-1a"}
    assert parse(node_list(doc)).nodes[0].zone == "us-east-1a"


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        (
            node_list(node_doc(spec__taints=[{"key": "a", "effect": "Never"}])),
            "items[0].spec.taints[0].effect",
        ),
        (
            node_list(node_doc(spec__taints=[{"effect": "NoSchedule"}])),
            "items[0].spec.taints[0].key",
        ),
        (node_list(node_doc(spec__taints={"key": "a"})), "items[0].spec.taints"),
        (node_list(node_doc(spec__unschedulable="yes")), "items[0].spec.unschedulable"),
        (
            node_list(node_doc(status__allocatable={"cpu": "lots"})),
            "items[0].status.allocatable.cpu",
        ),
        (
            node_list(node_doc(status__allocatable={"memory": "16GB"})),
            "items[0].status.allocatable.memory",
        ),
        (
            node_list(node_doc(status__conditions=[{"type": "Ready", "status": "yes"}])),
            "items[0].status.conditions[0].status",
        ),
        (node_list(node_doc(), node_doc()), "items[1].metadata.name"),
        (node_list(node_doc(), {"kind": "Pod", "metadata": {"name": "p"}}), "items[1].kind"),
        (node_list("not a node"), "items[0]"),
        ({"kind": "List", "items": {"a": 1}}, "items"),
        ({"kind": "List", "items": []}, "items"),
    ],
)
def test_malformed_inventories_are_refused_with_the_path(doc, path):
    assert error_of(doc).path == path


def test_a_label_value_that_is_not_text_is_refused():
    doc = node_doc()
    doc["metadata"]["labels"]["gpu"] = True
    assert error_of(node_list(doc)).path == "items[0].metadata.labels.gpu"


def test_a_node_without_a_name_is_refused():
    doc = node_doc()
    del doc["metadata"]["name"]
    assert error_of(node_list(doc)).path == "items[0].metadata.name"


def test_something_that_is_not_a_node_list_is_refused():
    assert "kubectl get nodes" in error_of({"kind": "Deployment", "spec": {}}).message


def test_a_top_level_list_is_refused_with_a_clear_error():
    assert error_of("- a\n- b\n").message


def test_invalid_yaml_is_refused_with_its_line():
    assert error_of('{"items": [\n  {"metadata": \n').line >= 2


def test_yaml_tags_are_refused_as_in_imports():
    assert "tag" in error_of("kind: !!python/object:os.system List\n").message


def test_an_alias_bomb_is_refused_as_in_imports():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
    assert "alias" in error_of("\n".join(lines) + "\n").message


def test_an_inventory_over_the_byte_cap_is_refused_before_parsing():
    big = b" " * (inventory.MAX_INVENTORY_BYTES + 1)
    assert "limit" in error_of(big.decode()).message


def test_a_five_megabyte_inventory_is_under_the_inventory_cap_but_over_the_import_cap():
    from wizard.core import safeyaml

    assert safeyaml.MAX_BYTES < 5 * 2**20 < inventory.MAX_INVENTORY_BYTES


def test_more_nodes_than_the_node_cap_are_refused(monkeypatch):
    monkeypatch.setattr(inventory, "MAX_NODES", 2)
    assert error_of(node_list(node_doc("a"), node_doc("b"), node_doc("c"))).path == "items"


def test_the_api_form_reads_an_already_parsed_document():
    inv = inventory.from_document(node_list(node_doc("x")))
    assert [n.name for n in inv.nodes] == ["x"]


def test_from_document_refuses_a_non_object():
    with pytest.raises(InventoryError):
        inventory.from_document(["a"])


def test_the_trimmed_document_reads_back_to_the_same_nodes():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "examples" / "inventories"
    for path in sorted(root.glob("*.nodes.*")):
        inv = parse_inventory(path.read_bytes())
        assert inventory.from_document(inventory.to_document(inv)) == inv, path.name


# --- nothing but InventoryError escapes ------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.strategies import json_values  # noqa: E402


def _field_values():
    return st.one_of(json_values, st.sampled_from(["500m", "16Gi", "True", "NoSchedule", "Node"]))


@st.composite
def node_like(draw):
    doc = node_doc(draw(st.sampled_from(["a", "b", "c"])))
    for section, key in draw(
        st.lists(
            st.sampled_from(
                [
                    ("metadata", "name"),
                    ("metadata", "labels"),
                    ("spec", "taints"),
                    ("spec", "unschedulable"),
                    ("status", "allocatable"),
                    ("status", "conditions"),
                    ("", "kind"),
                    ("", "metadata"),
                    ("", "status"),
                ]
            ),
            max_size=3,
        )
    ):
        value = draw(_field_values())
        if section and isinstance(doc[section], dict):
            doc[section][key] = value
        elif section:
            continue
        else:
            doc[key] = value
    return doc


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(json_values, st.lists(node_like(), max_size=4).map(lambda items: node_list(*items)))
)
def test_any_document_gives_an_inventory_or_an_inventory_error(doc):
    try:
        inv = inventory.from_document(doc)
    except InventoryError as exc:
        assert exc.message
    else:
        assert all(isinstance(n.name, str) and n.name for n in inv.nodes)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_an_inventory_or_an_inventory_error(text):
    try:
        parse_inventory(text)
    except InventoryError as exc:
        assert exc.message


def test_json_nested_deeper_than_the_yaml_cap_is_refused():
    deep = '{"kind": "List", "items": [' + '{"a": ' * 40 + "1" + "}" * 40 + "]}"
    with pytest.raises(InventoryError, match="nested"):
        parse_inventory(deep)


def test_json_and_yaml_listings_give_the_same_nodes():
    import yaml

    path = Path(__file__).resolve().parents[2] / "examples" / "inventories" / "gke.nodes.json"
    text = path.read_text()
    assert parse_inventory(text) == parse_inventory(yaml.safe_dump(json.loads(text)))
