"""Schema errors of the rubric's newer parts: rules, critical items, service levels, metrics."""
import pytest

from scoring.rubric_schema import load_rubric
from transcribe.errors import InputError

HEAD = "id: x\nversion: 1\n"
CRIT = "criteria:\n  - id: listen\n    weight: 10\n    phrases: {en: [hi]}\n"

BAD = [
    (HEAD + CRIT + "    rules:\n      - rule: read_minds\n",
     "line 8: criteria[0].rules[0].rule: unknown rule 'read_minds'; expected one of agent_calm"),
    (HEAD + CRIT + "    rules:\n      - rule: restates_customer\n",
     "line 8: criteria[0].rules[0]: missing required key 'cues'"),
    (HEAD + CRIT + "    rules:\n      - {rule: interrupts_customer, min_overlap: 2}\n",
     "line 8: criteria[0].rules[0].min_overlap: unknown key 'min_overlap'; expected one of rule, effect, fail_at"),
    (HEAD + CRIT + "    rules:\n      - {rule: interrupts_customer, fail_at: 0}\n",
     "line 8: criteria[0].rules[0].fail_at: expected a whole number of at least 1, got 0"),
    (HEAD + CRIT + "    rules:\n      - {rule: interrupts_customer, effect: maybe}\n",
     "line 8: criteria[0].rules[0].effect: expected one of decide, evidence, got 'maybe'"),
    (HEAD + CRIT + "service_levels:\n  - {level: 1, name: bad, min: 0}\n  - {level: 2, name: ok, min: 0}\n",
     "line 9: service_levels[1].min: expected more than 0 (the previous level's min), got 0"),
    (HEAD + CRIT + "service_levels:\n  - {level: 1, name: bad, min: 10}\n",
     "line 8: service_levels[0].min: expected 0 for the lowest level"),
    (HEAD + CRIT + "service_levels:\n  - {level: 2, name: bad, min: 0}\n",
     "line 8: service_levels[0].level: expected level 1"),
    (HEAD + CRIT + "metrics:\n  hold_min_seconds: -3\n",
     "line 8: metrics.hold_min_seconds: expected a number at least 0, got -3"),
    (HEAD + CRIT + "negative_threshold: 1.5\n", "line 7: negative_threshold: expected a number between 0 and 1"),
    (HEAD + CRIT + "critcal: []\n", "line 7: critcal: unknown key 'critcal'"),
    (HEAD + CRIT + "    wieght: 3\n", "line 7: criteria[0].wieght: unknown key 'wieght'"),
    (HEAD + CRIT + "critical:\n  - {id: abuse, phrases: {en: [idiot]}, weight: 5}\n",
     "line 8: critical[0].weight: unknown key 'weight'"),
    (HEAD + CRIT + "critical:\n  - {id: listen, phrases: {en: [idiot]}}\n",
     "line 8: critical[0].id: duplicate criterion id 'listen'"),
]


@pytest.mark.parametrize("text, needle", BAD, ids=[b[1][:40] for b in BAD])
def test_rule_and_level_errors_name_file_line_and_expectation(tmp_path, text, needle):
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_rubric(path)
    assert str(path) in err.value.message and needle in err.value.message


def test_builtin_service_rubric_loads():
    from scoring.rubric import resolve_rubric

    r = resolve_rubric("service")
    assert [c.id for c in r.criteria] == ["greeting", "hold", "calm", "escalation"] and r.needs_audio()
    assert not resolve_rubric("last").needs_audio()
