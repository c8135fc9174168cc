#!/usr/bin/env python3
"""CPU per live preview, in process (for information; `make bench` measures what users feel).

    .venv/bin/python bench/preview_cpu.py [--profile]

Production settings on a temporary SQLite file, Django's test client with a session per chart
target: 20 keystrokes on each step of each target (one letter added to a text field each time),
posted to the preview. Prints the CPU time per preview, the minimum over 5 batches; --profile
adds a cProfile of one more batch, by cumulative time.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import random
import string
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCHES = 5


def main() -> None:
    sys.path.insert(0, str(ROOT))
    workdir = tempfile.mkdtemp(prefix="preview-cpu-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="bench-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        WIZARD_RATE_LIMIT_PER_MINUTE="0",
        DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3",
    )
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)  # the request log would time the terminal
    from django.core.management import call_command
    from django.test import Client

    from wizard import steps
    from wizard.state import WizardState

    call_command("migrate", verbosity=0)
    rng = random.Random(1)
    previews = []
    for target in ("v2", "v0.6"):
        client = Client()
        client.post("/", {"target": target}, secure=True)
        state = WizardState(client.session)
        for slug in steps.SLUGS:
            raw = state.raw(slug)
            text = [k for k, v in raw.items() if v and v[0][:1].isalpha() and v[0] != "on"]
            for _ in range(20):
                data = {k: list(v) for k, v in raw.items()}
                if text:
                    name = rng.choice(text)
                    data[name] = [data[name][0] + rng.choice(string.ascii_lowercase)]
                previews.append((client, f"/preview/{slug}/", data))

    def batch() -> float:
        start = time.process_time()
        for client, url, data in previews:
            response = client.post(url, data, secure=True, headers={"HX-Request": "true"})
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        return time.process_time() - start

    batch()  # warm up
    best = min(batch() for _ in range(BATCHES))
    print(f"CPU per preview: {best / len(previews) * 1000:.2f} ms ({len(previews)} previews)")
    if "--profile" in sys.argv:
        profile = cProfile.Profile()
        profile.runcall(batch)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
