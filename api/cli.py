"""Accounts from the command line, for the first administrator (docs/accounts.md).

    .venv/bin/python -m api.cli create-administrator --email lead@council.example --name "Information lead"

The password is read from the terminal (twice), or from SIGNPOST_NEW_PASSWORD for scripts;
never from an argument, which would sit in the shell history and the process list. The
database is migrated first, so this works on a fresh deployment before the API starts.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from directory.db import make_engine, make_sessionmaker
from directory.migrate import one_process_at_a_time, upgrade_to_head

from api.auth import ROLES, find_account, new_account
from api.settings import Settings

MIN_PASSWORD = 12


def _password() -> str | None:
    offered = os.environ.get("SIGNPOST_NEW_PASSWORD")
    if offered is None:
        offered = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != offered:
            print("The two passwords differ.", file=sys.stderr)
            return None
    if len(offered) < MIN_PASSWORD:
        print(f"A password needs at least {MIN_PASSWORD} characters.", file=sys.stderr)
        return None
    return offered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.cli", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-administrator", help="create an account (an administrator by default)")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", choices=ROLES, default="administrator")
    args = parser.parse_args(argv)
    settings = Settings()
    engine = make_engine(settings.database_url)
    with one_process_at_a_time(engine):
        upgrade_to_head(engine)
    password = _password()
    if password is None:
        return 1
    with make_sessionmaker(engine).begin() as session:
        if find_account(session, args.email) is not None:
            print("An account with that email already exists.", file=sys.stderr)
            return 1
        account = new_account(session, args.email, args.name, args.role, password, "command-line")
        print(f"created {account.role} {account.email} ({account.id})")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
