import pytest

from ingest.config import get_settings, load_sources, parse_sources
from ingest.errors import ConfigError

GOOD = """
[[sources]]
name = "reuters"
feeds = ["https://example.org/rss.xml"]

[[sources]]
name = "rt"
sitemaps = ["https://example.com/sitemap.xml"]
max_age_days = 3
host_min_interval = 2.5
"""


def test_parses_sources():
    sources = parse_sources(GOOD)
    assert [s.name for s in sources] == ["reuters", "rt"]
    assert sources[0].feeds == ("https://example.org/rss.xml",)
    assert sources[1].sitemaps == ("https://example.com/sitemap.xml",)
    assert sources[1].max_age_days == 3
    assert sources[0].host_min_interval is None and sources[1].host_min_interval == 2.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[sources]]\nname = "a"\nfeed = ["https://x.org/f"]\n', "unknown key 'feed'"),
        ('[[sources]]\nname = "a"\nfeeds = ["https://x.org/f"]\n'
         '[[sources]]\nname = "a"\nfeeds = ["https://y.org/f"]\n', "duplicate source name 'a'"),
        ('[[sources]]\nname = "a"\nfeeds = ["ftp://x.org/f"]\n', "malformed URL 'ftp://x.org/f'"),
        ('[[sources]]\nname = "a"\nfeeds = ["https//x.org"]\n', "malformed URL"),
        ('[[sources]]\nname = "a"\n', "has neither feeds nor sitemaps"),
        ('[[sources]]\nfeeds = ["https://x.org/f"]\n', "name: Field required"),
        ("sources = 3\n", "sources"),
        ("[[sources]\n", "not valid TOML"),
        ("", "no [[sources]] defined"),
        ('[[sources]]\nname = "a"\nfeeds = ["https://x.org/f"]\nmax_age_days = 0\n',
         "max_age_days"),
        ('[[sources]]\nname = "a"\nfeeds = ["https://x.org/f"]\nhost_min_interval = -1\n',
         "host_min_interval"),
        ('extra = 1\n[[sources]]\nname = "a"\nfeeds = ["https://x.org/f"]\n',
         "unknown key 'extra'"),
    ],
)
def test_rejects_bad_sources(text, expected):
    with pytest.raises(ConfigError) as info:
        parse_sources(text, origin="test.toml")
    assert expected in str(info.value)
    assert str(info.value).startswith("test.toml: ")


def test_error_names_the_source():
    text = '[[sources]]\nname = "reuters"\nfeeds = ["not a url"]\n'
    with pytest.raises(ConfigError, match="source 'reuters'"):
        parse_sources(text)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_sources(tmp_path / "nope.toml")


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("INGEST_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("INGEST_BATCH_SIZE", "7")
    settings = get_settings()
    assert settings.database_url == "sqlite:///elsewhere.db"
    assert settings.batch_size == 7


def test_default_database(monkeypatch):
    monkeypatch.delenv("INGEST_DATABASE_URL", raising=False)
    assert get_settings().database_url == "sqlite:///storage/ingest.db"


@pytest.mark.parametrize(("name", "value"), [("INGEST_BATCH_SIZE", "many"),
                                             ("INGEST_DATABASE_URL", "mysql://x"),
                                             ("INGEST_READ_TIMEOUT", "-1"),
                                             ("INGEST_WORKERS", "-1"),
                                             ("INGEST_WORKERS", "lots"),
                                             ("INGEST_WORKERS", "1000"),
                                             ("INGEST_EXTRACTION", "best")])
def test_bad_settings(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name.removeprefix("INGEST_").lower()):
        get_settings()


def test_workers_default_to_the_cores(monkeypatch):
    import os

    monkeypatch.delenv("INGEST_WORKERS", raising=False)
    assert get_settings().workers == len(os.sched_getaffinity(0))
    monkeypatch.setenv("INGEST_WORKERS", "0")  # no pool: extraction in the calling process
    assert get_settings().workers == 0
    monkeypatch.setenv("INGEST_WORKERS", "3")
    assert get_settings().workers == 3
