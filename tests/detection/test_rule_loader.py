"""Loading rule files: every mistake reported at once, with file and line."""

from pathlib import Path

import pytest

from app.detection.rules import RuleFileError, check_rules, load_rules
from tests.detection.builders import catalogue, write

GOOD = """
rules:
  - id: quota-annual
    version: 2
    title: Acquisitions beyond the annual quota
    mode: active
    severity: high
    kind: quota
    scope:
      substances: [108-24-7]
      tables: [II]
    params:
      share: 1.1
    reopen_factor: 1.2
"""


def check(directory: Path) -> list[tuple[str, int, str]]:
    return [(Path(e.file).name, e.line, e.message)
            for e in check_rules(directory, catalogue=catalogue())]


def test_a_good_file_loads_with_defaults_filled_and_substances_as_codes(tmp_path):
    write(tmp_path, "quota.yaml", GOOD)

    ruleset = load_rules(tmp_path, catalogue=catalogue())

    rule = ruleset.by_id["quota-annual"]
    assert (rule.version, rule.mode, rule.severity, rule.kind) == (2, "active", "high", "quota")
    assert rule.scope.substances == ("acetic-anhydride",)
    assert rule.scope.tables == ("II",)
    assert rule.params["share"] == 1.1
    assert rule.params["pace_warning_share"] == 0.8
    assert rule.params["movements"] == ("purchase", "import", "production")
    assert rule.reopen_factor == 1.2
    assert rule.source == (str(tmp_path / "quota.yaml"), 2)
    assert set(rule.summary_templates) == {"exceeded", "pace"}
    assert ruleset.versions == {"quota-annual": 2}
    [(path, digest)] = ruleset.files
    assert path.endswith("quota.yaml") and len(digest) == 64
    assert ruleset.record()["content_hash"] == ruleset.content_hash


def test_content_hash_changes_with_the_files(tmp_path):
    write(tmp_path, "quota.yaml", GOOD)
    before = load_rules(tmp_path, catalogue=catalogue()).content_hash
    write(tmp_path, "quota.yaml", GOOD.replace("share: 1.1", "share: 1.2"))

    assert load_rules(tmp_path, catalogue=catalogue()).content_hash != before


def test_unknown_kind(tmp_path):
    write(tmp_path, "a.yaml", GOOD.replace("kind: quota", "kind: qouta"))

    [(file, line, message)] = check(tmp_path)

    assert (file, line) == ("a.yaml", 7)
    assert message.startswith("unknown kind 'qouta'; known kinds: quota, licence")


def test_unknown_parameter_and_wrong_type_reported_together(tmp_path):
    write(tmp_path, "a.yaml", GOOD.replace("share: 1.1", "share: lots\n      pace: 3"))

    errors = check(tmp_path)

    assert errors == [
        ("a.yaml", 12, "'params.share': not a valid number"),
        ("a.yaml", 13, "unknown parameter of quota 'pace'; allowed: share, pace_warning_share, "
                       "min_months, pace_severity, movements, net_production"),
    ]


def test_wrong_choice_and_missing_required_key(tmp_path):
    text = GOOD.replace("    mode: active\n", "").replace("severity: high", "severity: urgent")
    write(tmp_path, "a.yaml", text)

    errors = check(tmp_path)

    assert ("a.yaml", 2, "missing required key 'mode'") in errors
    assert ("a.yaml", 5, "'severity': must be one of: low, medium, high, critical") in errors


def test_unknown_substance_cas_in_scope_and_params(tmp_path):
    write(tmp_path, "a.yaml", GOOD.replace("[108-24-7]", "[108-24-7, 64-19-7]"))
    write(tmp_path, "b.yaml", """
        rules:
          - id: big
            version: 1
            title: Big
            mode: active
            severity: low
            kind: threshold
            params:
              thresholds:
                108-24-7: 100
                999-99-9: 5
        """)

    errors = check(tmp_path)

    assert errors == [
        ("a.yaml", 9, "unknown substance '64-19-7': no controlled substance in the catalogue "
                       "has this CAS number"),
        ("b.yaml", 11, "unknown substance '999-99-9': no controlled substance in the catalogue "
                       "has this CAS number"),
    ]


def test_duplicate_id_across_two_files(tmp_path):
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", "# same id again\n" + GOOD.lstrip())

    [(file, line, message)] = check(tmp_path)

    assert (file, line) == ("b.yaml", 3)
    assert message == f"rule id 'quota-annual' is already used in {tmp_path / 'a.yaml'} line 2"


def test_bad_template_field(tmp_path):
    write(tmp_path, "a.yaml", GOOD + '    summary: "{operator} bought {amount_kg} kg"\n')

    [(file, line, message)] = check(tmp_path)

    assert (file, line) == ("a.yaml", 14)
    assert message.startswith("unknown field {amount_kg} in summary; allowed: cas, declared_to")


def test_bad_situation_and_malformed_template(tmp_path):
    write(tmp_path, "a.yaml", GOOD + """    summary:
      exceeded: "{operator took {observed_kg}"
      ahead: "x"
""")

    errors = check(tmp_path)

    assert [(line, message.split(";")[0]) for _, line, message in errors] == [
        (15, "summary template is malformed (unexpected '{' in field name)"),
        (16, "unknown situation 'ahead' for kind quota"),
    ]


def test_bad_yaml_syntax(tmp_path):
    write(tmp_path, "a.yaml", GOOD.replace("kind: quota", "kind: [quota"))

    [(file, line, message)] = check(tmp_path)

    assert file == "a.yaml"
    assert line == 8
    assert message.startswith("YAML syntax error: expected ',' or ']', but got ':'")
    assert message.endswith("(while parsing a flow sequence on line 7)")


def test_scope_key_the_kind_does_not_accept(tmp_path):
    write(tmp_path, "a.yaml", GOOD.replace("kind: quota", "kind: national_pace")
          .replace("tables: [II]", "regions: [Lima]").replace("share: 1.1", "share: 1.0"))

    [(file, line, message)] = check(tmp_path)

    assert (file, line) == ("a.yaml", 10)
    assert message == ("scope 'regions' does not apply to kind national_pace; it accepts: "
                       "substances, tables")


def test_duplicate_key_and_errors_in_several_rules_all_reported(tmp_path):
    write(tmp_path, "a.yaml", """
        rules:
          - id: one
            version: 1
            version: 2
            title: One
            mode: sometimes
            severity: low
            kind: threshold
          - id: Two Words
            version: 1.5
            title: Two
            mode: active
            severity: low
            kind: threshold
        """)

    errors = check(tmp_path)

    assert [(line, message.split(";")[0]) for _, line, message in errors] == [
        (4, "key 'version' is given twice"),
        (6, "'mode': must be one of: active, monitor, inactive"),
        (9, "'id': ids are lowercase letters, digits, '-', '_' or '.', e.g. quota-annual"),
        (10, "'version': not a valid integer"),
    ]


def test_load_rules_raises_with_every_error(tmp_path):
    write(tmp_path, "a.yaml", GOOD.replace("kind: quota", "kind: nope"))
    write(tmp_path, "b.yaml", "rules: [")

    with pytest.raises(RuleFileError) as raised:
        load_rules(tmp_path, catalogue=catalogue())

    assert [Path(e.file).name for e in raised.value.errors] == ["a.yaml", "b.yaml"]
    assert "2 error(s) in rule files" in str(raised.value)


def test_empty_or_missing_directory(tmp_path):
    assert check(tmp_path) == [(tmp_path.name, 0, "no rule files (*.yaml) here")]
    assert check(tmp_path / "nope") == [("nope", 0, "no such directory")]
    write(tmp_path, "a.yaml", "# nothing yet\n")
    assert check(tmp_path) == [
        ("a.yaml", 1, "the file is empty; it should hold a list of rules under 'rules:'")]
