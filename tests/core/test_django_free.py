import subprocess
import sys


def test_core_imports_no_django_module():
    code = (
        "import sys, wizard.core, wizard.core.bundle, wizard.core.checks, wizard.core.codec, "
        "wizard.core.credentials, wizard.core.plan, wizard.core.rules, wizard.core.runbook, "
        "wizard.core.values, wizard.core.yamlio\n"
        "import pkgutil, importlib\n"
        "for m in pkgutil.iter_modules(wizard.core.__path__): importlib.import_module('wizard.core.' + m.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
