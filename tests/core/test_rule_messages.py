"""Every rule's message reads as one sentence once a subject is put in front of it
("The bucket name must be ...", never "The bucket name S3 bucket names are ...")."""

import pytest

from wizard.core import rules

BAD = [
    (rules.dns_label_problem, ("",)),
    (rules.dns_label_problem, ("a" * 64,)),
    (rules.dns_label_problem, ("A_b",)),
    (rules.dns_subdomain_problem, ("",)),
    (rules.dns_subdomain_problem, ("a" * 254,)),
    (rules.dns_subdomain_problem, ("A_b",)),
    (rules.label_key_problem, ("",)),
    (rules.label_key_problem, ("/x",)),
    (rules.label_key_problem, ("Bad_/x",)),
    (rules.label_key_problem, ("a/",)),
    (rules.label_key_problem, ("a/" + "x" * 64,)),
    (rules.label_key_problem, ("a/-x",)),
    (rules.label_value_problem, ("x" * 64,)),
    (rules.label_value_problem, ("-x",)),
    (rules.secret_key_problem, ("",)),
    (rules.secret_key_problem, ("a b",)),
    (rules.port_problem, (0,)),
    (rules.id_problem, (-1,)),
    (rules.pg_identifier_problem, ("",)),
    (rules.pg_identifier_problem, ("x" * 64,)),
    (rules.pg_identifier_problem, (" x",)),
    (rules.quantity_problem, ("",)),
    (rules.quantity_problem, ("abc",)),
    (rules.absolute_path_problem, ("",)),
    (rules.absolute_path_problem, ("rel",)),
    (rules.absolute_path_problem, ("/a/../b",)),
    (rules.polyaxon_name_problem, ("",)),
    (rules.polyaxon_name_problem, ("a b",)),
    (rules.email_problem, ("nope",)),
    (rules.bucket_problem, ("s3", "")),
    (rules.bucket_problem, ("s3", "s3://x")),
    (rules.bucket_problem, ("s3", "A")),
    (rules.bucket_problem, ("s3", "a..b")),
    (rules.bucket_problem, ("s3", "1.2.3.4")),
    (rules.bucket_problem, ("s3", "xn--abc")),
    (rules.bucket_problem, ("gcs", "A")),
    (rules.bucket_problem, ("gcs", "a" * 64)),
    (rules.bucket_problem, ("gcs", "googx")),
    (rules.bucket_problem, ("gcs", "1.2.3.4")),
    (rules.bucket_problem, ("azure", "A")),
    (rules.azure_account_problem, ("",)),
    (rules.azure_account_problem, ("A",)),
]
HOSTS = [("",), ("Upper.example.com",), ("a_b",), ("a" * 64 + ".com",)]


def _sentence(problem: str) -> str:
    return f"The value {problem}."


@pytest.mark.parametrize(("rule", "args"), BAD, ids=lambda x: getattr(x, "__name__", repr(x)[:20]))
def test_every_rule_message_follows_a_subject_as_one_sentence(rule, args):
    problem = rule(*args)
    assert problem, f"{rule.__name__}{args} found nothing"
    assert problem.startswith(("is ", "must ", "has ", "cannot ")), problem
    assert not problem.endswith("."), problem
    assert ". " not in _sentence(problem)[:-1], _sentence(problem)


@pytest.mark.parametrize("args", HOSTS)
def test_every_hostname_message_follows_a_subject_as_one_sentence(args):
    problem = rules.hostname_problem(*args, allow_ip=False)
    assert problem and problem.startswith(("is ", "must ", "has ", "cannot ")), problem


def test_an_ip_where_a_name_is_needed_reads_as_one_sentence():
    problem = rules.hostname_problem("10.0.0.1", allow_ip=False)
    assert problem and problem.startswith(("is ", "must ", "has ", "cannot ")), problem
