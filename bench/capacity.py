"""Capacity: many people typing at once, open loop, against the live preview.

Each simulated person has a session of their own (a plan started on the start page, half of them
for each chart target) and the step forms as their pages render them. They type into the text
fields of one step, then another, five keystrokes a second; every keystroke posts the whole step
form as htmx does (fields, the CSRF field, the headers of <body hx-headers>). Send times are
fixed in advance and each latency runs from its scheduled time, so a server that falls behind
shows as queueing instead of slowing the senders down (coordinated omission). Bounded: a fixed
number of keystrokes, loopback only, a timeout on every request.
"""

from __future__ import annotations

import random
import string
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from webform import Client, preview_headers, start_plan, step_form

TARGETS = ("v2", "v0.6")
DWELL = 20  # keystrokes on one step before the person moves on


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # ms from the scheduled send time
    errors: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    late_ms: float = 0.0  # how far behind schedule the most delayed sender started a request
    served_per_s: float = 0.0  # answers per second from the first scheduled send to the last answer


def _typing(rng: random.Random, forms: dict, count: int):
    """(path, hx_post, headers, body) for `count` keystrokes of one person: a few letters (or
    digits in a numeric field) typed into a text field, then deleted, step after step."""
    out = []
    paths = list(forms)
    while len(out) < count:
        path = rng.choice(paths)
        form = forms[path]
        if not form.text:
            continue
        values = list(form.fields)
        for _ in range(DWELL):
            name = rng.choice(form.text)
            at = next(i for i, (k, _) in enumerate(values) if k == name)
            value = values[at][1]
            alphabet = string.digits if value.isdigit() else string.ascii_lowercase
            if len(value) > 0 and rng.random() < 0.3:
                value = value[:-1]
            else:
                value += rng.choice(alphabet)
            values[at] = (name, value)
            out.append((path, form.hx_post, urlencode(values).encode()))
    return out[:count]


def run(port: int, people: int, seconds: float, rate: float, seed: int = 30) -> Result:
    rng = random.Random(seed)
    result = Result()
    lock = threading.Lock()
    plans = []
    for i in range(people):
        client = Client(port, timeout=30)
        first = start_plan(client, TARGETS[i % len(TARGETS)])
        paths = step_form(client, first).step_paths or [first]
        forms = {p: step_form(client, p) for p in paths}
        headers = {p: preview_headers(client, f, p) for p, f in forms.items()}
        keystrokes = _typing(random.Random(rng.random()), forms, int(seconds * rate))
        # Warm up (and check the bodies) before the clock: one preview per person.
        path, hx_post, body = keystrokes[0]
        status, _, answer = client.request("POST", hx_post, body, headers[path])
        if status != 200 or b'id="values-preview"' not in answer:
            raise SystemExit(f"capacity: a preview answered {status}: {answer[:300]!r}")
        plans.append((client, headers, keystrokes))

    start = time.perf_counter() + 0.5
    interval = 1.0 / rate

    def person(index: int) -> None:
        client, headers, keystrokes = plans[index]
        phase = index * interval / people  # people do not all press keys at the same instant
        for k, (path, hx_post, body) in enumerate(keystrokes):
            scheduled = start + phase + k * interval
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            late = (time.perf_counter() - scheduled) * 1000
            try:
                status, _, answer = client.request("POST", hx_post, body, headers[path])
                error = None
                if status != 200:
                    error = f"HTTP {status}"
                elif b'id="values-preview"' not in answer:
                    error = "answer without #values-preview"
            except Exception as exc:  # a refused or timed-out connection is an error, not a crash
                error = type(exc).__name__
            elapsed = (time.perf_counter() - scheduled) * 1000
            with lock:
                result.sent += 1
                result.late_ms = max(result.late_ms, late)
                result.latencies.append(elapsed)
                if error:
                    result.errors[error] = result.errors.get(error, 0) + 1

    threads = [threading.Thread(target=person, args=(i,), daemon=True) for i in range(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    result.served_per_s = result.sent / max(time.perf_counter() - start, 1e-9)
    return result
