"""Keep the README honest: every command and every setting is documented."""

from pathlib import Path

import typer.main

from ingest.cli import app
from ingest.config import Settings

README = (Path(__file__).parent.parent / "README.md").read_text()


def _commands(group, prefix=""):
    click_group = typer.main.get_command(group)
    for name, command in click_group.commands.items():
        if hasattr(command, "commands"):
            for sub in command.commands:
                yield f"{prefix}{name} {sub}"
        else:
            yield f"{prefix}{name}"


def test_every_command_is_in_the_readme():
    commands = list(_commands(app))
    assert len(commands) >= 14
    for command in commands:
        assert f"  {command}" in README, f"`ingest {command}` is missing from the README"


def test_every_setting_is_in_the_readme():
    for name, field in Settings.model_fields.items():
        assert f"`INGEST_{name.upper()}`" in README, f"INGEST_{name.upper()} undocumented"
        assert field.description, f"setting {name} has no description"


def test_readme_names_the_two_commands():
    assert "make demo" in README and "make test" in README
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci
