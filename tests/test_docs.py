"""The README documents every CLI command and every setting (sqlite-utils' test_docs idea)."""
import dataclasses
import re
from pathlib import Path

import click

from qa.cli import main
from qa.config.settings import SECTIONS, Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "callqa"):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from commands(cmd, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}"


def test_every_cli_command_is_documented():
    missing = [c for c in commands(main) if f"`{c}" not in README]
    assert not missing, f"README's CLI reference lacks: {missing}"


def test_every_setting_is_documented():
    block = re.search(r"## Configuration.*?```yaml\n(.*?)```", README, re.S).group(1)
    for section, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            assert re.search(rf"^\s+{f.name}:", block, re.M), f"{section}.{f.name} is not in README"
    for f in dataclasses.fields(Settings):
        assert re.search(rf"^{f.name}:", block, re.M), f"{f.name} is not in README"


def test_readme_commands_are_the_scripts_ci_runs():
    assert "./scripts/demo.sh" in README and "./scripts/test.sh" in README
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "./scripts/test.sh" in ci
