"""The expert directory: validated on load, broken entries reported by file and line, the rest loads."""
from __future__ import annotations

from pathlib import Path

from bot.core.network.experts import default_paths, load_directory, load_file
from index.loaders import find_source_files

REPO = Path(__file__).resolve().parents[2]
GOOD = """\
- id: deskundige-flexwonen
  name: Voorbeeld flexwonen
  organisation: BZK
  role: Beleidsadviseur
  themes: [Flexibele opvangvormen en woningmarkt]
  provinces: [landelijk]
  description: Flexwonen en tijdelijke woningen.
  email: flex@example.org
  available: true
  example: true
"""


def entry(**changes) -> str:
    fields = {"id": "deskundige-x", "name": "X", "organisation": "COA", "role": "Adviseur", "themes": "[op- en afschaling]",
              "provinces": "[Utrecht]", "description": "Opschalen.", "email": "x@example.org"}
    fields.update(changes)
    lines = [f"  {k}: {v}" for k, v in fields.items() if v is not None]
    return "- " + "\n".join(lines)[2:] + "\n"


def test_the_shipped_directory_loads_completely_and_is_marked_as_examples():
    directory = load_directory(default_paths(REPO / "knowledge" / "experts.yaml"))
    assert directory.problems == ()
    assert len(directory.experts) >= 8
    assert all(e.example and e.name.startswith("Voorbeeld") for e in directory.experts)
    assert {e.id for e in directory.experts if not e.available} == {"voorbeeld-kabinet-cdk"}


def test_the_indexer_does_not_take_the_directory_for_a_document():
    files = {p.name for p, _ in find_source_files([REPO / "knowledge"])}
    assert "experts.yaml" not in files and "synoniemen.yaml" not in files
    assert "contact.md" in files


def test_a_good_entry_is_normalised(tmp_path):
    path = tmp_path / "experts.yaml"
    path.write_text(GOOD, encoding="utf-8")
    directory = load_file(path)
    assert directory.problems == ()
    (expert,) = directory.experts
    assert expert.themes == ("flexibele opvangvormen en woningmarkt",)
    assert expert.provinces == ("landelijk",) and expert.national
    assert expert.source.endswith("experts.yaml:1")


def test_broken_entries_are_reported_by_file_and_line_and_the_rest_loads(tmp_path):
    text = (GOOD + entry(id="zonder-mail", email=None)  # line 11
            + entry(id="raar-thema", themes="[kookkunst]")  # line 19
            + entry(id="typfout", availabe="false")  # line 28
            + entry(id="goed-twee", provinces="[friesland, Utrecht]", slack_user_id="U012AB3CD", email=None)
            + entry(id="Geen_Kebab", available="misschien"))
    path = tmp_path / "experts.yaml"
    path.write_text(text, encoding="utf-8")
    directory = load_file(path)
    assert [e.id for e in directory.experts] == ["deskundige-flexwonen", "goed-twee"]
    assert directory.experts[1].provinces == ("Fryslân", "Utrecht")
    lines = text.splitlines()
    messages = {p.line: p.message for p in directory.problems}
    assert all(p.file == str(path.as_posix()) for p in directory.problems)
    assert "id: zonder-mail" in lines[sorted(messages)[0] - 1]
    assert "email" in messages[sorted(messages)[0]]
    assert "kookkunst" in messages[sorted(messages)[1]]
    assert "availabe" in messages[sorted(messages)[2]]
    last = messages[sorted(messages)[3]]
    assert "kebab-case" in last and "true of false" in last


def test_a_yaml_syntax_error_costs_only_its_own_entry(tmp_path):
    broken = entry(id="kapot", description='"niet afgesloten')
    text = GOOD + broken + entry(id="na-de-fout")
    path = tmp_path / "experts.yaml"
    path.write_text(text, encoding="utf-8")
    directory = load_file(path)
    assert [e.id for e in directory.experts] == ["deskundige-flexwonen", "na-de-fout"]
    (problem,) = directory.problems
    assert "YAML" in problem.message
    assert 11 <= problem.line <= 11 + broken.count("\n")
    assert str(problem).startswith(f"{path.as_posix()}:{problem.line}: ")


def test_one_file_per_expert_in_a_folder_and_duplicate_ids(tmp_path):
    (tmp_path / "experts.yaml").write_text(GOOD, encoding="utf-8")
    folder = tmp_path / "experts"
    folder.mkdir()
    (folder / "a.yaml").write_text(entry(id="los-bestand")[2:].replace("\n  ", "\n"), encoding="utf-8")  # a mapping
    (folder / "b.yaml").write_text(GOOD, encoding="utf-8")  # the same id again
    (folder / "c.yaml").write_text("- [niet, goed", encoding="utf-8")
    directory = load_directory(default_paths(tmp_path / "experts.yaml"))
    assert [e.id for e in directory.experts] == ["deskundige-flexwonen", "los-bestand"]
    problems = {Path(p.file).name: p for p in directory.problems}
    assert "komt al voor" in problems["b.yaml"].message and problems["b.yaml"].line == 1
    assert "YAML" in problems["c.yaml"].message


def test_a_missing_directory_is_empty_not_an_error(tmp_path):
    directory = load_directory(default_paths(tmp_path / "experts.yaml"))
    assert directory.experts == () and directory.problems == ()
