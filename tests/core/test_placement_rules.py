"""Kubernetes' scheduling rules, one test per rule and operator, as the docs state them.

Sources (quoted in each group):
- NS: https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodeselector
- NA: https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
  and the NodeSelectorRequirement API reference (operators In, NotIn, Exists, DoesNotExist, Gt, Lt)
- TT: https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/ and the
  Toleration API reference (key, operator, value, effect)
- TC: taint-and-toleration/#taint-nodes-by-condition (cordoned and not-Ready nodes get taints)

The last test checks `fit` against a straightforward reference implementation with hypothesis.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.core.inventory import Node, Taint
from wizard.core.placement import (
    PodScheduling,
    Requirement,
    Term,
    affinity_matches,
    fit,
    requirement_matches,
    tolerates,
)
from wizard.core.plan import Toleration


def node(name: str = "n1", labels: dict | None = None, taints=(), **extra) -> Node:
    return Node(name=name, labels=labels or {}, taints=tuple(taints), **extra)


def pod(selector: dict | None = None, tolerations=(), terms=None) -> PodScheduling:
    return PodScheduling(tuple((selector or {}).items()), tuple(tolerations), terms)


def expr(key: str, operator: str, *values: str) -> Term:
    return Term(expressions=(Requirement(key, operator, values),))


def affinity(*terms: Term) -> PodScheduling:
    return pod(terms=tuple(terms))


def tol(key="", operator="Equal", value="", effect="") -> Toleration:
    return Toleration(key=key, operator=operator, value=value, effect=effect)


NOSCHED = Taint("dedicated", "gpu", "NoSchedule")


# --- NS: "the node must have each of the labels you specify" -----------------------------------


def test_ns_a_node_with_every_selector_label_fits():
    assert fit(pod({"a": "1", "b": "2"}), node(labels={"a": "1", "b": "2", "c": "3"})).ok


def test_ns_a_node_missing_one_selector_label_does_not_fit():
    assert not fit(pod({"a": "1", "b": "2"}), node(labels={"a": "1"})).ok


def test_ns_a_node_whose_label_has_another_value_does_not_fit():
    assert not fit(pod({"a": "1"}), node(labels={"a": "2"})).ok


def test_ns_an_empty_selector_fits_any_untainted_node():
    assert fit(pod(), node(labels={})).ok


def test_ns_selector_and_required_affinity_must_both_hold():
    both = PodScheduling((("a", "1"),), (), (expr("b", "Exists"),))
    assert fit(both, node(labels={"a": "1", "b": "x"})).ok
    assert not fit(both, node(labels={"a": "1"})).ok
    assert not fit(both, node(labels={"b": "x"})).ok


# --- NA operators -----------------------------------------------------------------------------


def test_na_in_matches_a_listed_value():
    assert requirement_matches(Requirement("zone", "In", ("a", "b")), "b")


def test_na_in_does_not_match_an_unlisted_value():
    assert not requirement_matches(Requirement("zone", "In", ("a", "b")), "c")


def test_na_in_does_not_match_a_missing_label():
    assert not requirement_matches(Requirement("zone", "In", ("a",)), None)


def test_na_notin_does_not_match_a_listed_value():
    assert not requirement_matches(Requirement("zone", "NotIn", ("a",)), "a")


def test_na_notin_matches_another_value():
    assert requirement_matches(Requirement("zone", "NotIn", ("a",)), "b")


def test_na_notin_matches_a_node_without_the_label():
    assert requirement_matches(Requirement("zone", "NotIn", ("a",)), None)


def test_na_exists_matches_any_value():
    assert requirement_matches(Requirement("gpu", "Exists"), "")


def test_na_exists_does_not_match_a_missing_label():
    assert not requirement_matches(Requirement("gpu", "Exists"), None)


def test_na_doesnotexist_matches_a_missing_label():
    assert requirement_matches(Requirement("gpu", "DoesNotExist"), None)


def test_na_doesnotexist_does_not_match_a_present_label():
    assert not requirement_matches(Requirement("gpu", "DoesNotExist"), "x")


def test_na_gt_compares_as_integers():
    assert requirement_matches(Requirement("cores", "Gt", ("8",)), "16")
    assert not requirement_matches(Requirement("cores", "Gt", ("8",)), "8")


def test_na_lt_compares_as_integers():
    assert requirement_matches(Requirement("cores", "Lt", ("10",)), "9")
    assert not requirement_matches(Requirement("cores", "Lt", ("10",)), "10")


def test_na_gt_and_lt_do_not_match_a_label_that_is_no_integer():
    assert not requirement_matches(Requirement("cores", "Gt", ("1",)), "many")
    assert not requirement_matches(Requirement("cores", "Lt", ("10",)), "1.5")


def test_na_gt_does_not_match_a_missing_label():
    assert not requirement_matches(Requirement("cores", "Gt", ("1",)), None)


def test_na_gt_needs_exactly_one_value():
    assert not requirement_matches(Requirement("cores", "Gt", ("1", "2")), "5")


def test_na_an_unknown_operator_matches_nothing():
    assert not requirement_matches(Requirement("zone", "Maybe", ("a",)), "a")


def test_na_terms_are_ored():
    terms = (expr("zone", "In", "a"), expr("zone", "In", "b"))
    assert affinity_matches(terms, node(labels={"zone": "b"}))


def test_na_expressions_in_one_term_are_anded():
    term = Term(expressions=(Requirement("zone", "In", ("a",)), Requirement("gpu", "Exists")))
    assert not affinity_matches((term,), node(labels={"zone": "a"}))
    assert affinity_matches((term,), node(labels={"zone": "a", "gpu": "1"}))


def test_na_an_empty_term_matches_no_node():
    assert not affinity_matches((Term(),), node(labels={"zone": "a"}))


def test_na_required_affinity_without_terms_matches_no_node():
    assert not fit(affinity(), node()).ok


def test_na_match_fields_select_by_node_name():
    by_name = Term(fields=(Requirement("metadata.name", "In", ("n2",)),))
    assert affinity_matches((by_name,), node("n2"))
    assert not affinity_matches((by_name,), node("n1"))


def test_na_a_pod_without_required_affinity_is_not_restricted():
    assert fit(pod(), node(labels={"zone": "a"})).ok


# --- TT: tolerations ---------------------------------------------------------------------------


def test_tt_equal_with_key_value_and_effect_tolerates_the_taint():
    assert tolerates(tol("dedicated", "Equal", "gpu", "NoSchedule"), NOSCHED)


def test_tt_equal_with_another_value_does_not_tolerate():
    assert not tolerates(tol("dedicated", "Equal", "cpu", "NoSchedule"), NOSCHED)


def test_tt_an_omitted_operator_means_equal():
    assert tolerates(tol("dedicated", "", "gpu", "NoSchedule"), NOSCHED)
    assert not tolerates(tol("dedicated", "", "", "NoSchedule"), NOSCHED)


def test_tt_exists_ignores_the_value():
    assert tolerates(tol("dedicated", "Exists", "", "NoSchedule"), NOSCHED)


def test_tt_exists_needs_the_same_key():
    assert not tolerates(tol("other", "Exists", "", "NoSchedule"), NOSCHED)


def test_tt_an_empty_key_with_exists_tolerates_every_taint():
    assert tolerates(tol("", "Exists"), NOSCHED)
    assert tolerates(tol("", "Exists"), Taint("x", "", "NoExecute"))


def test_tt_an_empty_key_with_equal_tolerates_nothing():
    assert not tolerates(tol("", "Equal", "gpu"), NOSCHED)


def test_tt_an_empty_effect_matches_every_effect():
    for effect in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
        assert tolerates(tol("dedicated", "Equal", "gpu", ""), Taint("dedicated", "gpu", effect))


def test_tt_another_effect_does_not_tolerate():
    assert not tolerates(tol("dedicated", "Equal", "gpu", "NoExecute"), NOSCHED)


def test_tt_an_untolerated_noschedule_taint_keeps_the_pod_off():
    assert not fit(pod(), node(taints=[NOSCHED])).ok


def test_tt_an_untolerated_noexecute_taint_keeps_the_pod_off():
    assert not fit(pod(), node(taints=[Taint("k", "v", "NoExecute")])).ok


def test_tt_prefernoschedule_is_soft_the_pod_can_land_but_avoids_the_node():
    result = fit(pod(), node(taints=[Taint("k", "v", "PreferNoSchedule")]))
    assert result.ok and result.soft


def test_tt_a_tolerated_prefernoschedule_taint_is_not_avoided():
    result = fit(
        pod(tolerations=[tol("k", "Exists")]), node(taints=[Taint("k", "v", "PreferNoSchedule")])
    )
    assert result.ok and not result.soft


def test_tt_every_blocking_taint_must_be_tolerated():
    taints = [NOSCHED, Taint("zone", "eu", "NoSchedule")]
    assert not fit(pod(tolerations=[tol("dedicated", "Exists")]), node(taints=taints)).ok
    both = [tol("dedicated", "Exists"), tol("zone", "Equal", "eu")]
    assert fit(pod(tolerations=both), node(taints=taints)).ok


def test_tt_a_tolerated_taint_lets_the_pod_land():
    assert fit(
        pod(tolerations=[tol("dedicated", "Equal", "gpu", "NoSchedule")]), node(taints=[NOSCHED])
    ).ok


# --- TC: cordoned and not-Ready nodes ----------------------------------------------------------


def test_tc_a_cordoned_node_takes_no_new_pod():
    result = fit(pod(), node(unschedulable=True))
    assert not result.ok and result.reasons[0].kind == "cordoned"


def test_tc_a_pod_tolerating_the_unschedulable_taint_lands_on_a_cordoned_node():
    tolerant = pod(
        tolerations=[tol("node.kubernetes.io/unschedulable", "Exists", "", "NoSchedule")]
    )
    assert fit(tolerant, node(unschedulable=True)).ok


def test_tc_a_node_that_is_not_ready_takes_no_new_pod():
    assert not fit(pod(), node(ready="False")).ok


def test_tc_a_node_whose_readiness_is_unknown_takes_no_new_pod():
    result = fit(pod(), node(ready="Unknown"))
    assert not result.ok and result.reasons[0].kind == "not_ready"


def test_tc_a_not_ready_node_already_listing_its_taint_gets_it_once():
    taint = Taint("node.kubernetes.io/not-ready", "", "NoSchedule")
    assert len(fit(pod(), node(ready="False", taints=[taint])).reasons) == 1


# --- hypothesis: fit agrees with a straightforward reference -----------------------------------

KEYS = ["a", "b", "zone"]
VALUES = ["", "1", "2", "10", "x"]
EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]


def ref_requirement(op: str, values: tuple, label: str | None) -> bool:
    if op == "In":
        return label in values if label is not None else False
    if op == "NotIn":
        return label is None or label not in values
    if op == "Exists":
        return label is not None
    if op == "DoesNotExist":
        return label is None
    if op in ("Gt", "Lt") and label is not None and len(values) == 1:
        try:
            have, want = int(label), int(values[0])
        except ValueError:
            return False
        return have > want if op == "Gt" else have < want
    return False


def ref_tolerates(t: Toleration, taint: Taint) -> bool:
    effect_ok = t.effect == "" or t.effect == taint.effect
    if not effect_ok:
        return False
    if t.operator == "Exists":
        return t.key == "" or t.key == taint.key
    return t.key != "" and t.key == taint.key and t.value == taint.value


def ref_fits(p: PodScheduling, n: Node) -> bool:
    if any(n.labels.get(k) != v for k, v in p.node_selector):
        return False
    if p.required_terms is not None:
        matched = False
        for term in p.required_terms:
            reqs = list(term.expressions) + list(term.fields)
            if not reqs:
                continue
            ok = all(
                ref_requirement(r.operator, r.values, n.labels.get(r.key)) for r in term.expressions
            )
            ok = ok and all(
                r.key == "metadata.name" and ref_requirement(r.operator, r.values, n.name)
                for r in term.fields
            )
            matched = matched or ok
        if not matched:
            return False
    taints = list(n.taints)
    if n.unschedulable:
        taints.append(Taint("node.kubernetes.io/unschedulable", "", "NoSchedule"))
    if n.ready == "False":
        taints.append(Taint("node.kubernetes.io/not-ready", "", "NoSchedule"))
    elif n.ready != "True":
        taints.append(Taint("node.kubernetes.io/unreachable", "", "NoSchedule"))
    for taint in taints:
        if taint.effect == "PreferNoSchedule":
            continue
        if not any(ref_tolerates(t, taint) for t in p.tolerations):
            return False
    return True


taints_st = st.builds(
    Taint, st.sampled_from(KEYS), st.sampled_from(VALUES), st.sampled_from(EFFECTS)
)
nodes_st = st.builds(
    Node,
    name=st.sampled_from(["n1", "n2"]),
    labels=st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=3),
    taints=st.lists(taints_st, max_size=3).map(tuple),
    unschedulable=st.booleans(),
    ready=st.sampled_from(["True", "True", "False", "Unknown"]),
)
tolerations_st = st.builds(
    Toleration,
    key=st.sampled_from(KEYS + ["", "node.kubernetes.io/unschedulable"]),
    operator=st.sampled_from(["Equal", "Exists"]),
    value=st.sampled_from(VALUES),
    effect=st.sampled_from(EFFECTS + [""]),
)
requirements_st = st.builds(
    Requirement,
    key=st.sampled_from(KEYS),
    operator=st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]),
    values=st.lists(st.sampled_from(VALUES), max_size=2).map(tuple),
)
fields_st = st.builds(
    Requirement,
    key=st.sampled_from(["metadata.name", "metadata.uid"]),
    operator=st.sampled_from(["In", "NotIn"]),
    values=st.lists(st.sampled_from(["n1", "n2"]), max_size=2).map(tuple),
)
terms_st = st.builds(
    Term,
    expressions=st.lists(requirements_st, max_size=3).map(tuple),
    fields=st.lists(fields_st, max_size=1).map(tuple),
)
pods_st = st.builds(
    PodScheduling,
    node_selector=st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=2).map(
        lambda d: tuple(d.items())
    ),
    tolerations=st.lists(tolerations_st, max_size=3).map(tuple),
    required_terms=st.none() | st.lists(terms_st, max_size=3).map(tuple),
)


@settings(max_examples=1500, deadline=None)
@given(pods_st, nodes_st)
def test_fit_agrees_with_the_reference_implementation(p, n):
    assert fit(p, n).ok == ref_fits(p, n)


def test_tc_a_not_ready_node_with_noschedule_and_noexecute_taints_gives_one_reason():
    taints = [
        Taint("node.kubernetes.io/unreachable", "", "NoSchedule"),
        Taint("node.kubernetes.io/unreachable", "", "NoExecute"),
    ]
    assert fit(pod(), node(ready="Unknown", taints=taints)).reasons == (
        fit(pod(), node(ready="Unknown")).reasons
    )
