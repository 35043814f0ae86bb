"""python -m feedback: stored feedback, what families asked, and staff accounts.

  python -m feedback export [--db PATH] [--out FILE|-]   the stored feedback as CSV
  python -m feedback gaps [--days N]                     topics, content gaps, unhelpful answers (Markdown)
  python -m feedback add-staff NAME [--accounts FILE]    add or change a staff account (asks for the password)

The database is LOA_DATABASE_URL, else SQLite in LOA_FEEDBACK_DB (see loa/settings.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loa.settings import Settings, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m feedback", description="Work with stored feedback.")
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="write all feedback as CSV")
    export.add_argument("--db", type=Path, help="the feedback database (default: LOA_FEEDBACK_DB)")
    export.add_argument("--out", default="-", help="the CSV file to write ('-' for standard output, the default)")
    gaps = sub.add_parser("gaps", help="what families asked: topics, content gaps, unhelpful answers (Markdown)")
    gaps.add_argument("--days", type=int, default=30, help="the period, in days (default 30)")
    add = sub.add_parser("add-staff", help="add or change a staff account in the accounts file")
    add.add_argument("name", help="the user name")
    add.add_argument("--accounts", type=Path, help="the accounts file (default: LOA_STAFF_ACCOUNTS)")
    args = parser.parse_args(argv)
    if args.command == "gaps":
        return print_gaps(args.days)
    if args.command == "add-staff":
        return add_staff(args.name, args.accounts)

    from feedback.store import FeedbackError, FeedbackStore

    try:
        db = args.db or Settings.from_env().database
    except SettingsError as err:
        print(f"cannot read the settings: {err}", file=sys.stderr)
        return 2
    store = FeedbackStore(db)
    try:
        if args.out == "-":
            count = store.export_csv(sys.stdout)
        else:
            out = Path(args.out)
            tmp = out.with_name(out.name + ".part")
            with tmp.open("w", encoding="utf-8", newline="") as handle:
                count = store.export_csv(handle)
            tmp.replace(out)
    except FeedbackError as err:
        print(f"cannot export: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"cannot write {args.out}: {err.strerror or err}", file=sys.stderr)
        return 2
    where = "standard output" if args.out == "-" else args.out
    print(f"exported {count} feedback record{'s' if count != 1 else ''} to {where}", file=sys.stderr)
    return 0


def print_gaps(days: int) -> int:
    """The staff area's "What families asked", as Markdown on standard output."""
    from feedback import insights
    from feedback.db import Database, DatabaseError
    from feedback.questions import QuestionLog
    from feedback.store import FeedbackError, FeedbackStore
    from ingest.pipeline import load_corpus

    try:
        settings = Settings.from_env()
        rows = QuestionLog(Database.open(settings.database)).since(days)
        store = FeedbackStore(settings.database)
        feedback = store.rows() if store.path is None or store.path.exists() else []
    except (SettingsError, DatabaseError, FeedbackError) as err:
        print(f"cannot read what families asked: {err}", file=sys.stderr)
        return 2
    sections = sorted({c.section for d in load_corpus(settings)[0] for c in d.chunks})
    found = insights.topics(rows)
    cited, never = insights.sections_cited(rows, sections)
    print(insights.markdown(found, insights.unhelpful(feedback), cited, never, days))
    return 0


def add_staff(name: str, accounts: Path | None) -> int:
    """Store NAME's password, asked twice without echo, as an argon2 hash in the accounts file."""
    import getpass
    import tomllib

    from argon2 import PasswordHasher

    path = accounts or Settings.from_env().staff_accounts
    if path is None:
        print("name the accounts file with --accounts or LOA_STAFF_ACCOUNTS", file=sys.stderr)
        return 2
    password = getpass.getpass(f"Password for {name}: ")
    if len(password) < 12 or password != getpass.getpass("Again: "):
        print("the passwords differ, or are shorter than 12 characters", file=sys.stderr)
        return 2
    users = tomllib.loads(path.read_text(encoding="utf-8")).get("users", {}) if path.exists() else {}
    users[name] = PasswordHasher().hash(password)
    lines = [
        "# Staff accounts: user name = argon2 hash (python -m feedback add-staff NAME). No passwords here.",
        "[users]",
    ]
    lines += [f'"{user}" = "{hashed}"' for user, hashed in sorted(users.items())]
    tmp = path.with_name(path.name + ".part")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    print(f"{name} can sign in to the staff area now", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
