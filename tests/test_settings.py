"""One settings model (tools/settings.py): README's table, what the code reads, precedence."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from tools.settings import (
    CONFIG_VAR,
    Settings,
    configured,
    env_table,
    fields,
    is_postgres_url,
    location,
)

ROOT = Path(__file__).resolve().parents[1]
VARIABLE = re.compile(r"^(?:REVOPS|OPENAI)_[A-Z0-9_]*[A-Z0-9]$")
CODE = ("agent", "tools", "protocols")


def readme_table() -> str:
    text = (ROOT / "README.md").read_text()
    start, end = "<!-- settings-table:start -->\n", "\n<!-- settings-table:end -->"
    return text[text.index(start) + len(start):text.index(end)]


def documented() -> set[str]:
    return set(re.findall(r"`((?:REVOPS|OPENAI)_[A-Z0-9_]+)`", readme_table()))


def test_readme_table_is_the_models():
    assert readme_table() == env_table(), "run `python -m tools.settings` and paste its table"


def test_every_variable_the_code_names_is_in_the_table():
    """Any REVOPS_* / OPENAI_* name written in the code (read, or said in a message)."""
    named: dict[str, str] = {}
    for package in CODE:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    for word in re.findall(r"[$]?\b((?:REVOPS|OPENAI)_[A-Z0-9_]+)", node.value):
                        if VARIABLE.match(word):
                            named.setdefault(word, str(path.relative_to(ROOT)))
    missing = {name: where for name, where in named.items() if name not in documented()}
    assert not missing, f"variables missing from README's table: {missing}"
    assert {n for _, _, names, _ in fields() for n in names} | {CONFIG_VAR} == documented()


def test_only_the_settings_module_reads_the_environment():
    readers = []
    for package in CODE:
        for path in (ROOT / package).rglob("*.py"):
            if path == ROOT / "tools" / "settings.py":
                continue
            text = path.read_text()
            if re.search(r"\bos\.environ\b|\bgetenv\(|\benvvar=", text):
                readers.append(str(path.relative_to(ROOT)))
    assert not readers, f"read the environment outside tools/settings.py: {readers}"


def test_environment_beats_the_file_beats_the_defaults(tmp_path, monkeypatch):
    for _, _, names, _ in fields():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    config = tmp_path / "revops.toml"
    config.write_text('[warehouse]\ndb = "~/from-file.duckdb"\nanswer_cache = 7\n'
                      '[llm]\nmodel = "from-file"\nbase_url = "http://file/v1"\n'
                      '[service]\npeer_urls = {finance = "http://fin/e"}\n')
    monkeypatch.setenv(CONFIG_VAR, str(config))
    s = Settings()
    assert s.warehouse.db == Path.home() / "from-file.duckdb" and configured(s.warehouse, "db")
    assert (s.warehouse.answer_cache, s.llm.model, s.llm.configured) == (7, "from-file", True)
    assert s.service.endpoints() == {"finance": "http://fin/e"}
    assert s.llm.timeout == 20.0 and not configured(s.llm, "timeout")  # the default
    monkeypatch.setenv("REVOPS_LLM_MODEL", "from-env")
    monkeypatch.setenv("REVOPS_ANSWER_CACHE", "  ")  # blank = unset: the file's value holds
    s = Settings()
    assert (s.llm.model, s.warehouse.answer_cache) == ("from-env", 7)
    assert s.llm.base_url == "http://file/v1"  # the file's other keys in the same group hold
    assert Settings(llm={"model": "given"}).llm.model == "given"  # arguments beat everything
    monkeypatch.setenv("OPENAI_BASE_URL", "http://sdk/v1")  # the OpenAI SDK's variable
    assert Settings().llm.base_url == "http://sdk/v1"
    monkeypatch.setenv("REVOPS_LLM_BASE_URL", "http://ours/v1")  # ours wins over the SDK's
    assert Settings().llm.base_url == "http://ours/v1"


def test_a_bad_config_file_is_refused(tmp_path, monkeypatch):
    config = tmp_path / "revops.toml"
    monkeypatch.setenv(CONFIG_VAR, str(config))
    config.write_text("[llm]\nmodle = 'typo'\n")
    with pytest.raises(ValidationError, match="modle"):
        Settings()
    config.write_text("[warehouse]\nanswer_cache = -1\n")
    with pytest.raises(ValidationError, match="answer_cache"):
        Settings()


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CONFIG_HOME places the user config "
                                                    "directory on Linux")
def test_the_user_config_file_is_read_when_present(tmp_path, monkeypatch):
    monkeypatch.delenv(CONFIG_VAR, raising=False)
    monkeypatch.delenv("REVOPS_LLM_MODEL", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert Settings().llm.model == "gpt-4.1-mini"  # no file: the default
    (tmp_path / "revops-agent").mkdir()
    (tmp_path / "revops-agent" / "config.toml").write_text('[llm]\nmodel = "mine"\n')
    assert Settings().llm.model == "mine"


def test_one_helper_tells_a_postgres_url_from_a_path(tmp_path):
    url = "postgresql://u:pw@db.example:5432/revops"
    assert location(f"  {url} ") == url and is_postgres_url(url)
    assert is_postgres_url("POSTGRES://db/x") and not is_postgres_url(Path("postgresql:/x"))
    assert location(str(tmp_path / "s.sqlite")) == tmp_path / "s.sqlite"
    assert location("~/s.sqlite") == Path.home() / "s.sqlite"
