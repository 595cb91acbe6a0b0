"""Rubric files: validated, with errors naming the file, the line and what is expected."""
from importlib import resources
from pathlib import Path

import pytest

from scoring.rubric import builtin_rubrics, resolve_rubric
from scoring.rubric_schema import load_rubric
from transcribe.errors import InputError

LAST = str(resources.files("rubrics") / "last.yaml")


def test_builtin_last_rubric_loads():
    r = resolve_rubric("last")
    assert "last" in builtin_rubrics()
    assert [c.id for c in r.criteria] == ["listen", "apologize", "solve", "thank"]
    assert sum(c.weight for c in r.criteria) == 100
    for c in r.criteria:
        assert c.phrases["en"] and c.phrases["vi"], f"{c.id} needs English and Vietnamese phrases"


def test_a_team_copy_is_used(tmp_path):
    mine = tmp_path / "team.yaml"
    current = resolve_rubric("last").version
    mine.write_text(Path(LAST).read_text(encoding="utf-8").replace(f'version: "{current}"', 'version: "team-2"'),
                    encoding="utf-8")
    assert resolve_rubric(str(mine)).version == "team-2"


BAD = [
    ("criteria:\n  - id: listen\n    weight: -5\n    phrases: {en: [hi]}\nid: x\nversion: 1\n",
     "line 3: criteria[0].weight: expected a positive number"),
    ("id: x\nversion: 1\ncriteria:\n  - id: listen\n    weight: 10\n",
     "line 4: criteria[0]: missing required key 'phrases'"),
    ("id: x\nversion: 1\ncriteria:\n  - id: a\n    weight: 1\n    phrases: {fr: [bonjour]}\n",
     "line 6: criteria[0].phrases.fr: unknown language 'fr'"),
    ("id: x\nversion: 1\ncriteria:\n  - id: a\n    weight: 1\n    phrases: {en: [hi]}\n    na_when: sometimes\n",
     "line 7: criteria[0].na_when: expected one of never, no_customer_problem"),
    ("id: x\nversion: 1\ncriteria:\n  - id: a\n    weight: 1\n    phrases: {en: hi}\n",
     "line 6: criteria[0].phrases.en: expected a list of non-empty phrases"),
    ("id: x\nversion: 1\ncriteria:\n  - id: a\n    weight: ten\n    phrases: {en: [hi]}\n",
     "line 5: criteria[0].weight: expected int or float, got 'ten'"),
    ("id: x\nversion: 1\ncriteria:\n  - {id: a, weight: 1, phrases: {en: [hi]}}\n  - {id: a, weight: 1, phrases: {en: [yo]}}\n",
     "line 5: criteria[1].id: duplicate criterion id 'a'"),
    ("id: x\nversion: 1\ncriteria: [\n  - broken\n", "not valid YAML"),
    ("version: 1\ncriteria: []\n", "missing required key 'id'"),
    ("", "rubric file is empty"),
]


@pytest.mark.parametrize("text, needle", BAD)
def test_rubric_errors_name_file_line_and_expectation(tmp_path, text, needle):
    path = tmp_path / "rubric.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_rubric(path)
    assert str(path) in err.value.message
    assert needle in err.value.message


def test_error_in_a_copy_of_last_points_at_the_line(tmp_path):
    text = Path(LAST).read_text(encoding="utf-8")
    lines = text.splitlines()
    i = next(n for n, line in enumerate(lines) if line.strip() == "weight: 30")
    lines[i] = lines[i].replace("30", "thirty")
    path = tmp_path / "broken.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError, match=rf"line {i + 1}: criteria\[2\]\.weight"):
        load_rubric(path)


def test_unknown_rubric_name_lists_the_builtins():
    with pytest.raises(InputError, match="one of: last"):
        resolve_rubric("no-such-rubric")
