"""python -m feedback export [--db PATH] [--out FILE|-]: the stored feedback as CSV.

The database defaults to LOA_FEEDBACK_DB (see loa/settings.py); the CSV goes to
standard output unless --out names a file.
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
    args = parser.parse_args(argv)

    from feedback.store import FeedbackError, FeedbackStore

    try:
        db = args.db or Settings.from_env().feedback_db
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


if __name__ == "__main__":
    sys.exit(main())
