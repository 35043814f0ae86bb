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
