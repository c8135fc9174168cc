#!/usr/bin/env python3
import os
import sys

# Commands that only read and write files, and help about any command: they run without the
# server's secrets.
OFFLINE_COMMANDS = {"render_values", "lint_values", "import_values", "help", "version"}
HELP_FLAGS = {"help", "--help", "-h", "--version", "version"}


def main() -> None:
    args = sys.argv[1:]
    offline = not args or args[0] in OFFLINE_COMMANDS or bool(HELP_FLAGS & set(args))
    if offline and os.environ.get("DJANGO_SETTINGS_MODULE") in (None, "", "config.settings"):
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_cli"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
