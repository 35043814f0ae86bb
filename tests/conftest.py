from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from loa.settings import PROJECT_ROOT, Settings, configure_offline

configure_offline()

CORPUS = PROJECT_ROOT / "corpus"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of the real corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    return Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index", feedback_db=tmp_path / "feedback.sqlite3")


@pytest.fixture
def fake_embed():
    from tests.fakes import HashEmbedding

    return HashEmbedding(model_name="hash", embed_batch_size=64)


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A real index of the real corpus, built once per test run with the bundled model."""
    from ingest.pipeline import ingest

    root = tmp_path_factory.mktemp("real")
    settings = Settings(index_dir=root / "index", feedback_db=root / "feedback.sqlite3")
    report = ingest(settings, progress=False, say=lambda msg: None)
    assert report.switched and not report.problems
    return settings


@pytest.fixture(scope="session")
def real_bot(real_settings: Settings):
    from bot.assistant import Bot

    return Bot.from_defaults(real_settings)


@pytest.fixture(scope="session")
def postgres_url():  # noqa: ANN201
    """A PostgreSQL server for the whole run (Debian's postgresql 15, started here, stopped after)."""
    from tests.postgres import available, postgres_server

    if not available():
        pytest.skip("needs Debian's postgresql 15 (apt-get install postgresql)")
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The app's database on both backends: a fresh SQLite file, or a fresh schema on the test Postgres."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.sqlite3'}"
    url = request.getfixturevalue("postgres_url")
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:  # each test starts from an empty database
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    from feedback.db import Database

    Database._open = {k: v for k, v in Database._open.items() if not k.startswith(url)}
    return url
