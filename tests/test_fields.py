"""The optional fields of the contract (languages, paper, tracks, resources; a session's
interpretation, uses and translations; a speaker's private fields): read the same from
YAML and from a workbook, checked, and derived the way the README says."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from niic_sched.errors import InputError
from niic_sched.io import load
from niic_sched.io.folder_writer import write_folder
from niic_sched.io.workbook_writer import example_conference, write_workbook

from helpers import write_conf

ROOT = Path(__file__).resolve().parents[1]


def test_the_sample_declares_editions_tracks_and_interpreter_teams():
    conf = load(ROOT)
    assert conf.editions == ("en", "es")
    assert conf.track_name("citizenship", "es") == "Ciudadanía"
    assert conf.track_name("rights-freedom", "en") == "Rights & Freedom"
    assert conf.resource == {"interpreters-es-en": 2, "interpreters-ar-en": 1}
    # interpretation alone implies one team of the declared pair, in either order
    assert conf.uses(conf.session["s0044"]) == {"interpreters-es-en": 1}
    assert conf.uses(conf.session["s0001"]) == {"interpreters-es-en": 1, "interpreters-ar-en": 1}
    # no interpreters-vi-en declared: the Vietnamese session's interpretation uses nothing counted
    assert conf.uses(conf.session["s0014"]) == {}
    assert conf.session["s0044"].translated("en").startswith("Workers' rights")
    assert conf.paper_size == "letter"          # America/Los_Angeles


def test_new_fields_survive_yaml_and_workbook(tmp_path):
    conf = example_conference()
    write_folder(conf, tmp_path / "folder")
    write_workbook(conf, tmp_path / "book.xlsx")
    a, b = load(tmp_path / "folder"), load(tmp_path / "book.xlsx")
    assert a == b == conf
    p = a.speaker["p0001"]
    assert (p.email, p.language, p.sort_name) == ("maria@example.org", "es", "Núñez, María")
    assert a.session["s0003"].interpretation == ("en",)


def test_explicit_uses_win_over_the_implied_team(tmp_path):
    write_conf(tmp_path, conference={"resources": {"interpreters-es-en": 2, "headsets": 100}},
               sessions=[{"language": "es", "interpretation": ["en"], "uses": {"interpreters-es-en": 2, "headsets": 40}}])
    conf = load(tmp_path)
    assert conf.uses(conf.sessions[0]) == {"interpreters-es-en": 2, "headsets": 40}


def test_bad_optional_fields_are_problems_at_their_lines(tmp_path):
    write_conf(tmp_path, conference={"languages": ["es", "ar"], "paper": "legal", "resources": {"headsets": "many"}},
               sessions=[{"uses": {"interpreter-es-en": 1}}, {"interpretation": ["english!"]}],
               speakers=[{"id": "p1", "name": "María Núñez", "email": "maria at example"}])
    with pytest.raises(InputError) as e:
        load(tmp_path)
    text = "\n".join(str(p) for p in e.value.problems)
    assert "paper 'legal' is unknown" in text
    assert "do not include the main language 'en'" in text
    assert "headsets" in text and "not a number" in text
    assert "speaker p1 (María Núñez): email 'maria at example' is not an address" in text
    assert "'english!' is not a language code" in text


def test_an_undeclared_resource_names_the_session_and_a_fix(tmp_path):
    write_conf(tmp_path, conference={"resources": {"interpreters-es-en": 2}},
               sessions=[{"uses": {"interpreter-es-en": 1}}])
    with pytest.raises(InputError) as e:
        load(tmp_path)
    (p,) = e.value.problems
    assert p.file == "sessions/s001.yaml" and p.where.startswith(f"{tmp_path}/sessions/s001.yaml:")
    assert "session s001 “Session 1” uses 'interpreter-es-en'" in p.what and "did you mean 'interpreters-es-en'" in p.what
    assert "declare it" in p.fix


def test_missing_translations_are_warned_per_language(tmp_path):
    write_conf(tmp_path, conference={"language": "en", "languages": ["en", "es"]},
               sessions=[{"title": "Citizenship clinic", "translations": {"es": {"title": "Clínica de ciudadanía"}}},
                         {"title": "Voter drives"}, {"title": "Arte", "language": "es"}])
    conf = load(tmp_path)
    warned = "\n".join(conf.warnings)
    assert "the es edition: 1 session has no es title (s002)" in warned
    assert "the en edition: 1 session has no en title (s003)" in warned


def test_default_paper_follows_the_time_zone():
    conf = example_conference()
    assert dataclasses.replace(conf, time_zone="America/Mexico_City").paper_size == "letter"
    assert dataclasses.replace(conf, time_zone="Europe/Berlin").paper_size == "a4"
    assert dataclasses.replace(conf, time_zone="Europe/Berlin", paper="letter").paper_size == "letter"
