"""The documentation: the mkdocs site builds with warnings as errors, documents every CLI command and every setting
(sqlite-utils' test_docs idea), and the README stays a short page for users whose links lead into the site."""
import dataclasses
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import click
import pytest
import yaml

from qa.cli import main
from qa.config.settings import SECTIONS, Settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "callqa"):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from commands(cmd, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}"


class _Headings(HTMLParser):
    """The id and text of every h1-h6 of an HTML page, and every id on the page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: dict[str, str] = {}
        self.ids: set[str] = set()
        self._open: str | None = None
        self._in_permalink = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        ident = attrs.get("id")
        if ident:
            self.ids.add(ident)
        if re.fullmatch(r"h[1-6]", tag) and ident:
            self._open = ident
            self.headings[ident] = ""
        if tag == "a" and "headerlink" in (attrs.get("class") or "").split():
            self._in_permalink = True

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag):
            self._open = None
        if tag == "a":
            self._in_permalink = False

    def handle_data(self, data):
        if self._open and not self._in_permalink:  # the heading's own text, not its "¶" permalink
            self.headings[self._open] += data


def _page(site: Path, doc: str) -> _Headings:
    """Parsed HTML of the built page for docs/`doc` (mkdocs' directory URLs: cli.md -> cli/index.html)."""
    stem = Path(doc).with_suffix("")
    html = site / ("index.html" if str(stem) == "index" else f"{stem}/index.html")
    parser = _Headings()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built once, the way CI builds it: `mkdocs build --strict`, offline.

    The worktree's own `qa` is imported (mkdocs-click reads `qa.cli`), and every proxy points at a closed
    port, so a theme or plugin that tried to download something would fail the build instead of needing a network."""
    out = tmp_path_factory.mktemp("site")
    dead = "http://127.0.0.1:9"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "NO_MKDOCS_2_WARNING": "1", "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead,
           "https_proxy": dead, "NO_PROXY": "", "no_proxy": ""}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                           "-d", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    return out


def _nav_pages() -> set[str]:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def walk(item):
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for value in item.values():
                yield from walk(value)
        elif isinstance(item, list):
            for value in item:
                yield from walk(value)

    return set(walk(config["nav"]))


def test_docs_site_builds(site):
    """Broken links and anchors, pages missing from the nav and unknown files are warnings: strict makes them fail."""
    for doc in _nav_pages():
        assert (DOCS / doc).is_file(), f"mkdocs.yml nav names docs/{doc}, which does not exist"
        assert _page(site, doc).headings, f"the built page of docs/{doc} has no headings"


def test_every_cli_command_is_in_the_generated_reference(site):
    page = _page(site, "cli.md")
    missing = [c for c in commands(main) if page.headings.get(c.replace(" ", "-"), "").strip() != c]
    assert not missing, f"the CLI reference built from click lacks: {missing} (see docs/cli.md's mkdocs-click block)"


def test_every_cli_command_is_in_the_cli_overview():
    overview = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = [c for c in commands(main) if f"`{c}" not in overview]
    assert not missing, f"docs/cli.md's 'At a glance' table lacks: {missing}"


def test_every_setting_is_documented():
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    for section, cls in SECTIONS.items():
        assert re.search(rf"^{section}:", block, re.M), f"section {section} is not in docs/configuration.md"
        for f in dataclasses.fields(cls):
            assert re.search(rf"^\s+{f.name}:", block, re.M), f"{section}.{f.name} is not in docs/configuration.md"
    for f in dataclasses.fields(Settings):
        assert re.search(rf"^{f.name}:", block, re.M), f"{f.name} is not in docs/configuration.md"


def test_every_qa_subpackage_is_in_the_architecture_page():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    packages = sorted(p.parent.name for p in (ROOT / "qa").glob("*/__init__.py"))
    missing = [p for p in packages if f"| `qa.{p}` |" not in text]
    assert not missing, f"docs/architecture.md's table of qa subpackages lacks: {missing}"


def test_readme_commands_are_the_scripts_ci_runs():
    assert "./scripts/demo.sh" in README and "./scripts/test.sh" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./scripts/test.sh" in ci


def test_readme_is_short():
    lines = README.count("\n")
    assert lines <= 220, f"README.md has {lines} lines; keep it a page for users and move details to docs/"


def test_readme_docs_links_point_to_pages(site):
    links = re.findall(r"\]\((docs/[^)\s]+)\)", README)
    assert links, "README.md links to no docs page"
    nav = _nav_pages()
    for link in links:
        path, _, anchor = link.partition("#")
        target = ROOT / path
        assert target.is_file(), f"README.md links to {link}, but {path} does not exist"
        if target.suffix == ".md":
            doc = target.relative_to(DOCS).as_posix()
            assert doc in nav, f"README.md links to {path}, which is not in mkdocs.yml's nav"
            if anchor:
                assert anchor in _page(site, doc).ids, f"README.md links to {link}: {path} has no such anchor"
