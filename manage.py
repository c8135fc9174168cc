#!/usr/bin/env python3
import os
import sys

# Commands that only read and write files; they run without the server's secrets.
OFFLINE_COMMANDS = {"render_values", "lint_values", "import_values"}


def main() -> None:
    offline = len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE", "config.settings_cli" if offline else "config.settings"
    )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
