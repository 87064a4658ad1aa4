#!/usr/bin/env python
import contextlib
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    from django.core.management import CommandError, execute_from_command_line
    from django.core.management.base import CommandParser, handle_default_options

    from newsroom.env import load_settings

    # --settings and --pythonpath first, as Django does, then the settings: a configuration
    # error ends the command with one line (newsroom.env.load_settings), not a traceback.
    parser = CommandParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--settings")
    parser.add_argument("--pythonpath")
    with contextlib.suppress(CommandError):
        handle_default_options(parser.parse_known_args(sys.argv[2:])[0])
    load_settings()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
