"""Letters to speakers, the email column of diff, and no email or phone in any public output (issue 14)."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import make_conference, run_cli
from niic_sched import outputs
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.render.letters import CSV_COLUMNS, safe_file
from sample_fixtures import email_of, pdf_text, phone_of, printed_and_added  # noqa: F401 (a fixture)

PRIVATE = ("letters", "letters.csv", outputs.MANIFEST)


def placed_speakers(folder: Path) -> set[str]:
    conf = load(folder)
    schedule = read_schedule(folder / "program" / "schedule.yaml")
    return {p for a in schedule.assignments for p in conf.session[a.session].speakers}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A generated conference, solved, with a few speakers given an email, a phone and a language."""
    folder = make_conference(tmp_path_factory.mktemp("letters") / "conf", sessions=10, rooms=3, days=1, slots=5,
                             seed=4)
    speakers = yaml.safe_load((folder / "speakers.yaml").read_text(encoding="utf-8"))
    speakers = speakers["speakers"] if isinstance(speakers, dict) else speakers
    for i, p in enumerate(speakers):
        if i % 2 == 0:
            p["email"] = email_of(p["id"])
            p["phone"] = phone_of(p["id"])
        if i % 3 == 0:
            p["language"] = "es"
    speakers[1]["language"] = "xx"                      # no catalog: the conference's language
    (folder / "speakers.yaml").write_text(yaml.safe_dump(speakers, sort_keys=False, allow_unicode=True),
                                          encoding="utf-8")
    r = run_cli("solve", folder, "--time-limit", "3", "-q")
    assert r.exit_code == 0, r.stderr
    return folder


def test_one_letter_per_speaker_of_a_placed_session_and_a_mail_merge_file(small, tmp_path):
    folder = tmp_path / "conf"
    shutil.copytree(small, folder)
    r = run_cli("letters", folder)
    assert r.exit_code == 0, r.stderr
    placed = placed_speakers(folder)
    conf = load(folder)
    letters = folder / "program" / "letters"
    assert {p.stem for p in letters.glob("*.pdf")} == {safe_file(p) for p in placed}
    assert len(placed) < len(conf.speakers) or all(s.speakers for s in conf.sessions)
    assert f"Wrote {len(placed)} letters in program/letters/ and program/letters.csv ({len(placed)} rows)" in r.stdout
    assert "Private" in r.stdout
    assert "without an email" in r.stderr and "no catalog for language 'xx'" in r.stderr
    assert stat.S_IMODE((letters / f"{sorted(placed)[0]}.pdf").stat().st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO((folder / "program" / "letters.csv").read_bytes().decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS and {r["speaker_id"] for r in rows} == placed
    schedule = read_schedule(folder / "program" / "schedule.yaml")
    for row in rows:
        sp = conf.speaker[row["speaker_id"]]
        assert row["email"] == sp.email and row["name"] == sp.name
        assert row["language"] == ("es" if sp.language == "es" else "en")
        mine = [a for a in schedule.assignments if sp.id in conf.session[a.session].speakers]
        for a in mine:                                   # every session, its room and its day are in the text
            s = conf.session[a.session]
            assert (s.translated(row["language"]) or s.title) in row["text"]
            assert conf.room[a.room].name in row["text"]
        if row["language"] == "es":
            assert row["text"].startswith("Estimado/a") and "Cuándo:" in row["text"] and row["subject"].startswith(
                "Sus sesiones en")
        else:
            assert row["text"].startswith("Dear") and "When:" in row["text"]
        if sp.email:
            assert sp.email in row["text"] and "never published" in row["text"] or "nunca se publican" in row["text"]
    one = next(r for r in rows if conf.speaker[r["speaker_id"]].email)
    text = pdf_text(letters / f"{safe_file(one['speaker_id'])}.pdf")
    assert conf.speaker[one["speaker_id"]].email in text and conf.speaker[one["speaker_id"]].name in text
    assert outputs.stale(folder) == []


def test_one_letter_again_and_a_speaker_who_left_loses_their_letter(small, tmp_path):
    folder = tmp_path / "conf"
    shutil.copytree(small, folder)
    assert run_cli("letters", folder, "-q").exit_code == 0
    placed = sorted(placed_speakers(folder))
    letters = folder / "program" / "letters"
    for p in letters.glob("*.pdf"):
        p.unlink()
    r = run_cli("letters", folder, "--speaker", placed[0], "--format", "pdf", "-q")
    assert r.exit_code == 0, r.stderr
    assert [p.stem for p in letters.glob("*.pdf")] == [placed[0]]
    assert run_cli("letters", folder, "--speaker", "p9999").exit_code == 2
    # a speaker leaves every session they had (the schedule stays valid): their letter goes with them
    assert run_cli("letters", folder, "-q").exit_code == 0
    leaver = placed[-1]
    assert (letters / f"{leaver}.pdf").exists()
    for path in (folder / "sessions").rglob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if leaver in (doc.get("speakers") or []):
            doc["speakers"] = [p for p in doc["speakers"] if p != leaver]
            path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert leaver not in placed_speakers(folder)
    assert {s.job.key for s in outputs.stale(folder)} == {"letters:pdf", "letters:csv"}
    r = run_cli("letters", folder)
    assert r.exit_code == 0, r.stderr
    assert not (letters / f"{leaver}.pdf").exists() and (letters / f"{placed[0]}.pdf").exists()
    assert f"Removed program/letters/{leaver}.pdf: its speaker has no scheduled session any more." in r.stderr


def test_diff_csv_carries_each_speakers_email(small, tmp_path):
    folder = tmp_path / "conf"
    shutil.copytree(small, folder)
    old = folder / "program" / "schedule.yaml"
    data = yaml.safe_load(old.read_text(encoding="utf-8"))
    conf = load(folder)
    first = next(a for a in data["assignments"]
                 if any(conf.speaker[p].email for p in conf.session[a["session"]].speakers))
    data["assignments"] = [a for a in data["assignments"] if a is not first]      # that session: cancelled
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "notices.csv"
    r = run_cli("diff", old, new, "--dir", folder, "--format", "csv", "-o", out)
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert {(r["speaker_id"], r["email"], r["change"]) for r in rows} == {
        (p, conf.speaker[p].email, "cancelled") for p in conf.session[first["session"]].speakers}
    assert any(r["email"].endswith("@example.org") for r in rows)


# -- must-show 4: the sample's letters, in the speakers' languages ---------------------------------------------
@pytest.fixture(scope="module")
def sample_letters(printed_and_added, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample-letters") / "niic2014"
    shutil.copytree(printed_and_added.folder, folder)
    r = run_cli("letters", folder)
    assert r.exit_code == 0, r.stderr
    return folder, r


def test_the_sample_speakers_get_letters_in_their_language(sample_letters):
    folder, r = sample_letters
    placed = placed_speakers(folder)
    letters = folder / "program" / "letters"
    assert {p.stem for p in letters.glob("*.pdf")} == placed and len(placed) > 90     # one per speaker, no more
    sample = {p["id"]: p for p in yaml.safe_load((folder / "speakers.yaml").read_text(encoding="utf-8"))}
    spanish = sorted(p for p in placed if sample[p].get("language") == "es")
    assert spanish and set(spanish) >= {"p0001"}
    for pid in spanish:
        text = " ".join(pdf_text(letters / f"{pid}.pdf").split())
        assert "Estimado/a" in text and "Gracias por participar" in text and "Cuándo" in text, pid
        assert "Dónde" in text and "Sus sesiones en" in text and "Dear" not in text, pid
    english = " ".join(pdf_text(letters / "p0018.pdf").split())
    assert "Dear Rebecca Goldstein" in english and "When" in english and "Estimado" not in english
    vietnamese = " ".join(pdf_text(letters / "p0004.pdf").split())           # no vi catalog: English
    assert "Dear" in vietnamese and "no catalog for language 'vi'" in r.stderr
    arabic = " ".join(pdf_text(letters / "p0007.pdf").split())
    words = ("البرنامج", "جلساتك", "جلستك")
    assert any(w in arabic or w[::-1] in arabic for w in words), arabic[:300]
    assert "Dear" not in arabic


# -- no email or phone in any public output ----------------------------------------------------------------------
def public_texts(program: Path) -> dict[str, str]:
    """Every public output under program/ as text: pages, scripts, styles, exports, PDFs (pdftotext),
    workbooks (their XML parts). Letters, letters.csv and the outputs record are private: left out."""
    out = {}
    for p in sorted(program.rglob("*")):
        rel = p.relative_to(program).as_posix()
        if not p.is_file() or rel.split("/")[0] in PRIVATE or rel.startswith("versions/"):
            continue
        if p.suffix == ".pdf":
            out[rel] = pdf_text(p)
        elif p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                out[rel] = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            out[rel] = p.read_bytes().decode("utf-8", "replace")
    return out


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_no_public_output_holds_an_email_or_a_phone(printed_and_added, sample_letters):
    program = printed_and_added.folder / "program"
    conf = load(printed_and_added.folder)
    assert all(p.email and p.phone for p in conf.speakers)            # the test copy gives everyone both
    texts = public_texts(program)
    kinds = {Path(k).suffix for k in texts}
    assert {".html", ".js", ".pdf", ".xlsx", ".ics", ".xml", ".json", ".csv"} <= kinds
    for must in ("index.html", "changes.html", "program.pdf", "program-es.pdf", "door-sheets.pdf", "changes.pdf",
                 "agenda.xlsx", "schedule.ics", "schedule.xml", "schedule.json", "sessions.csv", "es/index.html"):
        assert must in texts, must
    for name, text in texts.items():
        flat, nums = text.lower(), digits(text)
        for p in conf.speakers:
            assert p.email.lower() not in flat, (name, p.id)
            assert digits(p.phone) not in nums, (name, p.id, p.phone)
        assert "@example.org" not in flat, name
    # the check can fail: the private outputs do hold them
    folder, _ = sample_letters
    letters_csv = (folder / "program" / "letters.csv").read_bytes().decode("utf-8-sig")
    assert email_of("p0042") in letters_csv or any(p.email in letters_csv for p in conf.speakers)
    assert digits(conf.speaker["p0001"].phone) in digits(pdf_text(folder / "program" / "letters" / "p0001.pdf"))
    record = json.loads((program / outputs.MANIFEST).read_text(encoding="utf-8"))
    assert "@" not in json.dumps(record)
