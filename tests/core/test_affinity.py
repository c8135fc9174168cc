"""The affinity editor's data: checks as Kubernetes validates node affinity, values and presets."""

from dataclasses import replace

import yaml

from tests.plans import codes, example, finding, make_plan
from wizard.core import values
from wizard.core.plan import (
    Affinity,
    Label,
    MatchExpression,
    NodeSelectorTerm,
    PreferredTerm,
    SpreadTerm,
)


def expr(key="topology.kubernetes.io/zone", operator="In", *vals):
    return MatchExpression(key=key, operator=operator, values=tuple(vals))


def with_core(affinity: Affinity, base="v2-two-pool-aws", **changes):
    plan = example(base)
    core = replace(plan.scheduling.core, affinity=affinity)
    return make_plan(base, scheduling={"core": core, **changes})


def with_workloads(affinity: Affinity):
    plan = example("v2-two-pool-aws")
    workloads = replace(plan.scheduling.workloads, affinity=affinity)
    return make_plan(scheduling={"workloads": workloads})


def required(*expressions):
    return Affinity(required=(NodeSelectorTerm(expressions=expressions),))


ZONE = expr("topology.kubernetes.io/zone", "In", "eu-west-1a")


def test_a_valid_required_expression_raises_no_affinity_finding():
    assert not {c for c in codes(with_core(required(ZONE))) if "affinity" in c}


def test_in_without_values_is_an_error_at_the_values_path():
    plan = with_core(required(ZONE, expr("disktype", "In")))
    found = finding(plan, "affinity_values_missing")
    assert found.path == "scheduling.core.affinity.required.0.expressions.1.values"


def test_not_in_without_values_is_an_error():
    assert "affinity_values_missing" in codes(with_core(required(expr("disktype", "NotIn"))))


def test_exists_with_values_is_an_error():
    assert "affinity_values_not_allowed" in codes(with_core(required(expr("gpu", "Exists", "x"))))


def test_does_not_exist_with_values_is_an_error():
    plan = with_core(required(expr("gpu", "DoesNotExist", "x")))
    assert "affinity_values_not_allowed" in codes(plan)


def test_gt_with_a_non_integer_value_is_an_error():
    assert "affinity_value_not_integer" in codes(with_core(required(expr("cores", "Gt", "4.5"))))


def test_lt_with_two_values_is_an_error():
    assert "affinity_value_not_integer" in codes(with_core(required(expr("cores", "Lt", "4", "8"))))


def test_gt_with_one_integer_value_is_accepted():
    assert "affinity_value_not_integer" not in codes(with_core(required(expr("cores", "Gt", "4"))))


def test_an_unknown_operator_is_an_error():
    plan = with_core(required(expr("gpu", "Maybe", "x")))
    assert finding(plan, "affinity_operator_invalid").path.endswith("expressions.0.operator")


def test_a_bad_label_key_is_an_error():
    assert "affinity_key_invalid" in codes(with_core(required(expr("-bad/", "Exists"))))


def test_an_in_value_that_is_no_label_value_is_an_error():
    assert "affinity_value_invalid" in codes(with_core(required(expr("zone", "In", "a b"))))


def test_a_term_without_expressions_is_an_error():
    plan = with_core(Affinity(required=(NodeSelectorTerm(),)))
    assert (
        finding(plan, "affinity_term_empty").path
        == "scheduling.core.affinity.required.0.expressions"
    )


def test_a_preference_weight_above_100_is_an_error():
    plan = with_core(Affinity(preferred=(PreferredTerm(101, NodeSelectorTerm((ZONE,))),)))
    assert (
        finding(plan, "affinity_weight_invalid").path
        == "scheduling.core.affinity.preferred.0.weight"
    )


def test_a_preference_weight_of_zero_is_an_error():
    plan = with_core(Affinity(preferred=(PreferredTerm(0, NodeSelectorTerm((ZONE,))),)))
    assert "affinity_weight_invalid" in codes(plan)


def test_workload_pool_expressions_are_checked_at_their_pool_path():
    found = finding(
        with_workloads(required(expr("gpu", "Exists", "1"))), "affinity_values_not_allowed"
    )
    assert found.path == "scheduling.workloads.affinity.required.0.expressions.0.values"


PART_OF = Label("app.kubernetes.io/part-of", "polyaxon-core")


def test_a_spread_term_without_labels_is_an_error():
    assert "spread_labels_missing" in codes(with_core(Affinity(spread=(SpreadTerm(),))))


def test_a_spread_term_selecting_a_label_no_v2_pod_carries_is_a_warning():
    plan = with_core(Affinity(spread=(SpreadTerm(labels=(Label("type", "polyaxon-core"),)),)))
    assert finding(plan, "spread_selects_no_core_pod").severity == "warning"


def test_a_spread_term_selecting_part_of_polyaxon_core_is_accepted():
    plan = with_core(Affinity(spread=(SpreadTerm(labels=(PART_OF,)),)))
    assert not {c for c in codes(plan) if c.startswith("spread")}


def test_a_spread_term_on_a_workload_pool_is_a_warning():
    plan = with_workloads(Affinity(spread=(SpreadTerm(labels=(PART_OF,)),)))
    assert finding(plan, "spread_not_core").severity == "warning"


def test_a_spread_term_with_a_bad_topology_key_is_an_error():
    plan = with_core(Affinity(spread=(SpreadTerm(topology_key="", labels=(PART_OF,)),)))
    assert "spread_topology_key_invalid" in codes(plan)


# --- values -----------------------------------------------------------------------------------


def test_v2_core_node_affinity_is_written_with_pod_affinity_null():
    plan = with_core(required(ZONE), spread_core=False)
    affinity = yaml.safe_load(values.to_yaml(plan))["affinity"]
    terms = affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert terms["nodeSelectorTerms"] == [
        {"matchExpressions": [{"key": ZONE.key, "operator": "In", "values": ["eu-west-1a"]}]}
    ]
    assert "podAffinity" in affinity and affinity["podAffinity"] is None


def test_v2_without_any_affinity_writes_affinity_null():
    plan = with_core(Affinity(), spread_core=False)
    loaded = yaml.safe_load(values.to_yaml(plan))
    assert "affinity" in loaded and loaded["affinity"] is None


def test_v2_spread_switch_and_editor_terms_are_both_written():
    plan = with_core(Affinity(spread=(SpreadTerm(weight=50, labels=(PART_OF,)),)), spread_core=True)
    anti = values.to_values(plan)["affinity"]["podAntiAffinity"]
    terms = anti["preferredDuringSchedulingIgnoredDuringExecution"]
    assert len(terms) == 2 and terms[1]["podAffinityTerm"]["labelSelector"] == {
        "matchLabels": {PART_OF.key: PART_OF.value}
    }


def test_v2_preset_carries_the_workload_pools_node_affinity():
    pref = Affinity(preferred=(PreferredTerm(30, NodeSelectorTerm((expr("gpu", "Exists"),))),))
    preset = values.to_presets(with_workloads(pref))["experiments"]
    node = preset["runPatch"]["environment"]["affinity"]["nodeAffinity"]
    assert node["preferredDuringSchedulingIgnoredDuringExecution"] == [
        {"weight": 30, "preference": {"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}}
    ]


def test_v06_core_node_affinity_is_written():
    plan = with_core(required(ZONE), base="v06-legacy")
    assert "nodeAffinity" in values.to_values(plan)["affinity"]


# --- import -----------------------------------------------------------------------------------

USER_AFFINITY = """
gateway: {replicas: 2}
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        - matchExpressions:
            - {key: topology.kubernetes.io/zone, operator: In, values: [eu-west-1a, eu-west-1b]}
            - {key: gpu, operator: DoesNotExist}
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 20
        preference:
          matchExpressions: [{key: cores, operator: Gt, values: ["8"]}]
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 40
        podAffinityTerm:
          labelSelector: {matchLabels: {app.kubernetes.io/part-of: polyaxon-core}}
          topologyKey: topology.kubernetes.io/zone
"""


def imported(text: str):
    from wizard.core.importer import import_text

    return import_text(text, "v2")


def test_an_imported_node_affinity_lands_in_the_core_pools_fields():
    affinity = imported(USER_AFFINITY).plan.scheduling.core.affinity
    assert affinity.required == (
        NodeSelectorTerm(
            (
                expr("topology.kubernetes.io/zone", "In", "eu-west-1a", "eu-west-1b"),
                expr("gpu", "DoesNotExist"),
            )
        ),
    )
    assert affinity.preferred == (PreferredTerm(20, NodeSelectorTerm((expr("cores", "Gt", "8"),))),)


def test_an_imported_pod_anti_affinity_by_labels_becomes_a_spread_term():
    spread = imported(USER_AFFINITY).plan.scheduling.core.affinity.spread
    assert spread == (SpreadTerm(40, "topology.kubernetes.io/zone", (PART_OF,)),)


def test_an_imported_affinity_the_editor_holds_is_not_kept_nor_flagged():
    result = imported(USER_AFFINITY)
    assert "affinity" not in result.plan.kept and "affinity_kept" not in {
        f.code for f in result.findings
    }


def test_the_spread_switchs_own_terms_import_as_the_switch():
    plan = make_plan(scheduling={"spread_core": True})
    again = imported(values.to_yaml(plan)).plan
    assert again.scheduling.spread_core and again.scheduling.core.affinity.spread == ()


MATCH_FIELDS = """
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        - matchFields: [{key: metadata.name, operator: In, values: [node-1]}]
  podAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: {matchLabels: {app: cache}}
        topologyKey: kubernetes.io/hostname
"""


def test_match_fields_are_kept_with_a_finding_at_their_path():
    result = imported(MATCH_FIELDS)
    found = {(f.code, f.path) for f in result.findings}
    assert ("affinity_kept", "affinity.nodeAffinity") in found
    kept = result.plan.kept["affinity"]["nodeAffinity"]
    assert (
        "matchFields"
        in kept["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]
    )


def test_a_users_own_pod_affinity_is_written_back_not_nulled():
    written = values.to_values(imported(MATCH_FIELDS).plan)["affinity"]
    assert written["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0][
        "topologyKey"
    ] == ("kubernetes.io/hostname")


def test_a_kept_affinity_still_gets_pod_affinity_null_when_the_user_had_none():
    text = MATCH_FIELDS.split("  podAffinity:")[0]
    written = values.to_values(imported(text).plan)["affinity"]
    assert "podAffinity" in written and written["podAffinity"] is None


def test_a_preset_node_affinity_is_read_into_the_class_pool():
    from wizard.core.importer import import_text

    pref = Affinity(required=(NodeSelectorTerm((expr("gpu", "Exists"),)),))
    plan = with_workloads(pref)
    presets = {
        name: yaml.safe_load(values.preset_yaml(plan, name)) for name in values.to_presets(plan)
    }
    again = import_text(values.to_yaml(plan), "v2", presets=presets).plan
    assert again.scheduling.workloads.affinity == pref


# --- lint: a wrong affinity value is an error at its path -------------------------------------

WRONG = """
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        - matchExpressions:
            - {key: zone, operator: Maybe, values: [a]}
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: abc
        preference: {matchExpressions: [{key: ssd, operator: Exists}]}
"""


def lint_found(text: str) -> set[tuple[str, str]]:
    from wizard.core.lint import lint_text

    return {(f.code, f.path) for f in lint_text(text, "v2").findings if f.severity == "error"}


def test_an_unknown_operator_is_a_lint_error_at_its_path():
    path = (
        "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
        ".nodeSelectorTerms[0].matchExpressions[0].operator"
    )
    assert ("affinity_value_wrong", path) in lint_found(WRONG)


def test_a_weight_that_is_not_a_number_is_a_lint_error_at_its_path():
    path = "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight"
    assert ("affinity_value_wrong", path) in lint_found(WRONG)


def test_a_weight_above_100_is_a_lint_error():
    text = WRONG.replace("weight: abc", "weight: 101")
    assert any(
        code == "affinity_value_wrong" and path.endswith("[0].weight")
        for code, path in lint_found(text)
    )


def test_values_that_are_not_a_list_are_a_lint_error():
    text = WRONG.replace("operator: Maybe, values: [a]", "operator: In, values: a")
    assert any(path.endswith("matchExpressions[0].values") for _, path in lint_found(text))
