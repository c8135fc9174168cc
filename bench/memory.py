"""Memory: a worker's peak resident set through live-preview requests shaped as an attacker
would shape them.

The shapes come from the pages: every step form of a plan for each chart target, each row list
grown once with its add button so its row fields are known. Each request then takes one step's
form and varies it: every row list gets a random count of rows up to a little past the cap (the
formset's TOTAL_FORMS follows when the form has one), every choice a random option, every
checkbox on or off, every text field a fresh random value of random length. No two requests
are alike, so nothing can be answered from an earlier one.
"""

from __future__ import annotations

import random
import string
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from webform import ROW_FIELD, Client, Form, preview_headers, start_plan, step_form

TARGETS = ("v2", "v0.6")
OVER_CAP = 4  # rows past the cap an attacker would try


@dataclass
class Result:
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    max_rows: int = 0


def _grow_each_list(client: Client, path: str, form: Form) -> Form:
    """Press each add button once (no JavaScript: a form POST, then the page again)."""
    for group in list(form.adds):
        fields = [*form.fields, ("add", group)]
        status, headers, _ = client.post_form(form.action or path, fields, referer=path)
        if status in (301, 302, 303):
            client.follow(status, headers)
        form = step_form(client, path)
    return form


def _rows(form: Form) -> dict[str, dict]:
    """Row lists: group -> {"parts": {part: (kind, sample)}, "total": TOTAL_FORMS name or None}."""
    groups: dict[str, dict] = {}
    names = [n for n, _ in form.fields] + list(form.checkboxes) + list(form.choices)
    for name in names:
        if m := ROW_FIELD.match(name):
            g = groups.setdefault(m["group"], {"parts": {}, "total": None})
            if name in form.choices:
                kind = ("choice", form.choices[name])
            elif name in form.checkboxes:
                kind = ("checkbox", form.checkboxes[name])
            else:
                kind = ("text", dict(form.fields).get(name, ""))
            g["parts"].setdefault(m["part"], kind)
    for name, _ in form.fields:
        prefix = name.removesuffix("-TOTAL_FORMS")
        if prefix != name:
            groups.setdefault(prefix, {"parts": {}, "total": None})["total"] = name
    return {g: spec for g, spec in groups.items() if spec["parts"]}


def _random_text(rng: random.Random, like: str) -> str:
    if like.isdigit():
        return str(rng.randint(0, 10 ** rng.randint(1, 12)))
    size = rng.choice((1, 8, 40, 63, 64, 200, 1000))
    alphabet = string.ascii_lowercase + string.digits + "-."
    return rng.choice(string.ascii_lowercase) + "".join(rng.choices(alphabet, k=size - 1))


def _row(rng: random.Random, group: str, i: int, parts: dict) -> list[tuple[str, str]]:
    out = []
    for part, (kind, sample) in parts.items():
        name = f"{group}-{i}-{part}"
        if kind == "choice":
            out.append((name, rng.choice(sample)))
        elif kind == "checkbox":
            if rng.random() < 0.5:
                out.append((name, sample))
        else:
            out.append((name, _random_text(rng, sample)))
    return out


def attack_body(rng: random.Random, form: Form, cap: int) -> tuple[bytes, int]:
    """One varied body for `form` and the largest row count in it."""
    rows = _rows(form)
    counts = {g: rng.randint(0, cap + OVER_CAP) for g in rows}
    totals = {spec["total"]: str(counts[g]) for g, spec in rows.items() if spec["total"]}
    out: list[tuple[str, str]] = []
    placed: set[str] = set()
    text = set(form.text)
    for name, value in form.fields:
        if name in totals:
            out.append((name, totals[name]))
            continue
        m = ROW_FIELD.match(name)
        if m and m["group"] in rows:
            if m["group"] not in placed:  # all of a list's rows where its first row was
                placed.add(m["group"])
                for i in range(counts[m["group"]]):
                    out += _row(rng, m["group"], i, rows[m["group"]]["parts"])
            continue
        if name in form.choices:
            out.append((name, rng.choice(form.choices[name])))
        elif name in form.checkboxes:
            continue  # decided below, checked or not
        elif name in text:
            out.append((name, _random_text(rng, value)))
        else:
            out.append((name, value))  # the CSRF field and other hidden fields, as rendered
    out += [
        (name, value)
        for name, value in form.checkboxes.items()
        if not ROW_FIELD.match(name) and rng.random() < 0.5
    ]
    return urlencode(out).encode(), max(counts.values(), default=0)


def run(port: int, requests: int, clients: int, cap: int, sample, seed: int = 10000) -> Result:
    """`requests` previews from `clients` threads, each with a session of its own (the chart
    targets alternate); `sample()` is called about once a second meanwhile."""
    rng = random.Random(seed)
    sessions = []  # per thread: [(client, headers, hx_post, form) for each step]
    for i in range(clients):
        client = Client(port, timeout=60)
        first = start_plan(client, TARGETS[i % len(TARGETS)])
        paths = step_form(client, first).step_paths or [first]
        shapes = []
        for path in paths:
            form = _grow_each_list(client, path, step_form(client, path))
            shapes.append((client, preview_headers(client, form, path), form.hx_post, form))
        sessions.append(shapes)
    result = Result()
    lock = threading.Lock()
    left = iter(range(requests))

    def attacker(index: int) -> None:
        local = random.Random(rng.random() + index)
        while True:
            with lock:
                if next(left, None) is None:
                    return
            client, headers, hx_post, form = local.choice(sessions[index])
            body, most = attack_body(local, form, cap)
            try:
                status, _, _ = client.request("POST", hx_post, body, headers)
                error = None if status < 500 else f"HTTP {status}"
            except Exception as exc:  # counted, not raised: the run goes on
                status, error = 0, type(exc).__name__
            with lock:
                result.requests += 1
                result.max_rows = max(result.max_rows, most)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if error:
                    result.errors[error] = result.errors.get(error, 0) + 1

    threads = [threading.Thread(target=attacker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        sample()
        time.sleep(1.0)
    sample()
    return result
