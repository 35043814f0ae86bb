"""The feedback store: redaction, WAL, CSV export, locked and full databases, and durability."""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.privacy import find_personal
from feedback.__main__ import main as feedback_main
from feedback.store import COLUMNS, FeedbackError, FeedbackStore
from loa.settings import PROJECT_ROOT

PERSONAL = (
    "Hi, I'm Sarah Jones, my son Leo was born 12/03/2021, we live at 14 Acacia Avenue LS6 2AB, "
    "email sarah.jones@example.com or call 07700 900123, NHS number 943 476 5919"
)


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "data" / "fb.sqlite3", timeout=0.2)


def test_records_are_stored_redacted(store: FeedbackStore) -> None:
    record = store.add(
        1,
        PERSONAL,
        "You said: my name is Sarah Jones, call 07700 900123",
        [{"n": 1, "title": "T", "text": "long"}],
        "answer",
        PERSONAL,
    )
    (row,) = store.rows()
    assert row["id"] == record and row["rating"] == 1 and row["kind"] == "answer"
    assert row["created_at"].endswith("+00:00")  # UTC
    for field in ("question", "answer", "comment"):
        assert find_personal(row[field]) == [], row[field]
        for detail in ("Sarah", "Leo", "sarah.jones@example.com", "07700", "LS6", "943 476", "Acacia", "12/03/2021"):
            assert detail not in row[field], (field, detail)
    assert "[email]" in row["question"] and "[phone number]" in row["question"]
    assert '"text"' not in row["citations"] and '"title": "T"' in row["citations"]


def test_ratings_must_be_plus_or_minus_one(store: FeedbackStore) -> None:
    with pytest.raises(ValueError):
        store.add(0, "q", "a")


def test_wal_mode_and_full_sync(store: FeedbackStore) -> None:
    store.add(-1, "q", "a")
    assert store.journal_mode() == "wal"
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_update_comment_and_delete(store: FeedbackStore) -> None:
    record = store.add(1, "q", "a")
    store.set_rating(record, -1)
    store.set_comment(record, "ring me on 07700 900123")
    (row,) = store.rows()
    assert row["rating"] == -1 and row["comment"] == "ring me on [phone number]"
    store.delete(record)
    assert store.rows() == []


def test_csv_export(store: FeedbackStore, tmp_path: Path) -> None:
    store.add(1, "what is portage?", "Portage is a home visiting service [1]", [{"n": 1, "title": "LIS"}])
    store.add(-1, '=HYPERLINK("http://evil")', "no", comment='+1 useful, but, "quoted"\nnew line')
    buffer = io.StringIO()
    assert store.export_csv(buffer) == 2
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["question"] == "what is portage?" and rows[0]["rating"] == "1"
    assert rows[1]["question"].startswith("'=")  # a spreadsheet won't run it as a formula
    assert rows[1]["comment"] == '\'+1 useful, but, "quoted"\nnew line'

    out = tmp_path / "out.csv"
    assert feedback_main(["export", "--db", str(store.path), "--out", str(out)]) == 0
    assert out.read_bytes().decode("utf-8") == buffer.getvalue()
    done = subprocess.run(
        [sys.executable, "-m", "feedback", "export", "--db", str(store.path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "exported 2 feedback records" in done.stderr
    assert len(list(csv.reader(io.StringIO(done.stdout)))) == 3


def test_export_of_a_missing_database_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert feedback_main(["export", "--db", str(tmp_path / "none.sqlite3")]) == 2
    assert "no feedback database" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite3").exists()


def test_a_locked_database_gives_a_handled_error(store: FeedbackStore) -> None:
    store.add(1, "q", "a")
    other = sqlite3.connect(store.path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(FeedbackError, match="could not be saved"):
            store.add(1, "q2", "a2")
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.add(1, "q3", "a3")  # works again once the lock is gone
    assert [r["question"] for r in store.rows()] == ["q", "q3"]


def test_a_full_disk_gives_a_handled_error(store: FeedbackStore) -> None:
    from sqlalchemy import event

    from feedback.db import Database

    def full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    engine = Database.open(store.url, store.timeout).engine
    event.listen(engine, "before_cursor_execute", full)
    try:
        with pytest.raises(FeedbackError, match="disk is full"):
            store.add(1, "q", "a")
    finally:
        event.remove(engine, "before_cursor_execute", full)


def test_an_unwritable_place_gives_a_handled_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(FeedbackError):
        FeedbackStore(blocker / "fb.sqlite3").add(1, "q", "a")


WRITER = textwrap.dedent(
    """
    import sys, time
    from feedback.store import FeedbackStore
    store = FeedbackStore(sys.argv[1])
    for i in range(100000):
        record = store.add(1, f"question {i}", "answer")
        print("acknowledged", record, flush=True)
    time.sleep(60)
    """
)


def test_no_acknowledged_record_is_lost_when_the_writer_is_killed(tmp_path: Path) -> None:
    db = tmp_path / "fb.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    acknowledged: list[int] = []
    try:
        assert writer.stdout is not None
        for line in writer.stdout:
            word, record = line.split()
            assert word == "acknowledged"
            acknowledged.append(int(record))
            if len(acknowledged) >= 25:
                break
        os.kill(writer.pid, signal.SIGKILL)  # mid-stream: it is writing the next records
    finally:
        writer.kill()
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    stored = {row["id"] for row in FeedbackStore(db).rows()}
    assert len(acknowledged) == 25
    assert set(acknowledged) <= stored
