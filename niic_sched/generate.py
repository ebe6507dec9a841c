"""Synthetic conference folders that are feasible by construction (``niic-sched generate``).

    generate_conference(Path("demo"), sessions=60, rooms=12, days=3, slots=5, seed=1)

writes a conference folder in the input format (docs/input-format.md)::

    conference.yaml  rooms.yaml  speakers.yaml  interests.csv
    sessions/<track>/<id>.yaml     one file per session (plenaries in sessions/plenary/)
    late/<id>.yaml                 ``late`` proposals that arrive after publication

How feasibility is guaranteed: a hidden *reference timetable* is built first --
one plenary a day alone in the plenary slot (the first slot of the day), every
other session in its own room and regular slot, multi-slot trainings in
consecutive slots of one room and day, the late proposals in room-slots that the
published sessions leave free. Speakers are then handed out so that nobody is in
two sessions at once in the reference, and every hard requirement (expected
attendance, required features, speaker and room unavailability, pins, ``after``,
``not_with``) is drawn so that the reference keeps it. The reference is returned
(``GeneratedSummary.reference``) and, when asked, written as a schedule.yaml.

The output is a function of the arguments alone: the same arguments give the
same bytes, whatever the machine or the hash seed (no set is ever iterated).

Distribution (the shape the solver benchmarks were calibrated on):

* the slot grid is the same every day: the plenary slot, then regular slots of
  75 minutes (60 from 8 slots a day, 45 from 12, 30 from 15) with 15-minute
  breaks and a lunch break after the second regular slot;
* one large hall (capacity max(400, attendees / 2), every feature) that holds
  the plenaries, then rooms of 30 to 200 seats; 90 % step-free (wheelchair),
  80 % with a projector, 30 % with interpretation booths, 6 % computer labs;
  about one room in seven is unavailable for a slot or two;
* about 10 % of the sessions are tried as trainings of two (one in ten: three)
  consecutive slots, where the reference has room for them (5 to 10 % are);
  the rest are workshops (2/3) and panels (1/3); expected attendance is 40 to
  100 % of the reference room's capacity; required features (projector,
  interpretation, computer lab) are drawn from the reference room's features,
  the other features (wheelchair, hearing loop, stage) are descriptive;
* the eight NIIC tracks (and, for large conferences, topical sub-tracks, about
  one per eight sessions), sessions spread uniformly over them;
* about 0.8 speakers per session, international names (Spanish, Arabic,
  Persian, Vietnamese, Korean, Chinese, Somali, Haitian, Filipino, Ukrainian,
  South Asian, US); a quarter of the speakers are unavailable for a day or a
  part of one;
* about 4 % of the sessions come ``after`` an earlier one of the same track,
  2 % must not overlap another session, 2 % are pinned (a day, a start, a room
  or all three), 3 % have a (soft) preferred day;
* interests.csv: each attendee favours two tracks and wants 3 to 8 sessions,
  popular (large) sessions more often; the late proposals are wanted too (the
  survey names them before they are added, as a real survey would).
"""
from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from .errors import InputError, Problem
from .io.atomic import write_bytes_atomic, write_new_folder_atomic
from .io.folder_writer import dump_yaml
from .text import plural
from .io.schedule_file import write_schedule
from .model import Assignment, Schedule, hhmm

__all__ = ["GeneratedSummary", "generate_conference", "TRACKS", "MAX_SLOTS", "MAX_DAYS"]

TRACKS = ("citizenship", "economy", "education", "media-arts-culture", "migration",
          "receiving-communities", "rights-freedom", "workforce")
MAX_SLOTS = 20          # slots a day, the plenary slot included (the last ends by 22:30)
MAX_DAYS = 31
FIRST_DAY = dt.date(2026, 10, 20)
BREAK = 15              # minutes between two slots
LUNCH = 60              # minutes between the second and the third regular slot
DEFAULT_ATTENDEES = 1200

# shares of the distribution (see the module's docstring)
TRAINING_SHARE = 0.10
THREE_SLOT_SHARE = 0.1
SPEAKERS_PER_SESSION = 0.8
UNAVAILABLE_SPEAKERS = 0.25
UNAVAILABLE_ROOMS = 0.15
AFTER_SHARE = 0.04
NOT_WITH_SHARE = 0.02
PIN_SHARE = 0.02
PREFERRED_SHARE = 0.03
PIN_KINDS = ("day", "day-start", "room", "all", "start")
# a session requires a feature of its reference room with these chances (the former generator's;
# also requiring wheelchair, hearing-loop or stage multiplies the room classes and measurably slows
# the solver's first timetable, so those stay descriptive)
REQUIRE = (("computer-lab", 0.6), ("interpretation", 0.6), ("projector", 0.5))
TRANSLATED_SHARE = 0.4   # of the sessions that need interpretation: given in another language


@dataclass(frozen=True)
class GeneratedSummary:
    """What generate_conference wrote."""
    folder: Path
    sessions: int          # sessions in sessions/, the plenaries included
    plenaries: int         # one a day
    trainings: int         # multi-slot sessions among them
    rooms: int
    speakers: int
    attendees: int         # attendees in interests.csv (0: no interests.csv)
    interests: int         # rows of interests.csv
    late: int              # proposals in late/
    seed: int
    reference: Schedule        # a timetable of sessions/ that keeps every hard rule
    late_reference: Schedule   # where the late/ proposals fit beside the reference
    files: tuple[str, ...]     # paths written, relative to folder


# -- the text it is made of -------------------------------------------------------------------------------
# (culture, share of the speakers, given names, family names, how a name is put together)
NAMES = [
    ("es", 30, ["María", "José", "Ángela", "Andrés", "Sofía", "Jesús", "Lucía", "Raúl", "Inés", "Tomás",
                "Verónica", "Joaquín", "Mónica", "Héctor", "Ramón", "Yesenia", "Álvaro", "Citlali", "Rocío",
                "Guadalupe"],
     ["Núñez", "Ramírez", "Peña", "Hernández", "Gómez", "Muñoz", "Ibáñez", "Suárez", "Martínez", "Díaz",
      "Cortés", "Jiménez", "Fernández", "Domínguez", "Álvarez", "Rodríguez", "Castañeda", "Ordóñez",
      "Velázquez", "Briceño"], "es"),
    ("en", 12, ["Rebecca", "David", "Jennifer", "Michael", "Sarah", "Kevin", "Emily", "Daniel", "Grace", "Marcus",
                "Olivia", "Anthony", "Tamika", "Brian"],
     ["Goldstein", "Johnson", "O'Brien", "Williams", "Murphy", "Anderson", "Washington", "Miller", "Cohen",
      "Brooks", "Sullivan", "Thompson", "Nakamura", "Kowalski"], "western"),
    ("ar", 8, ["محمد", "فاطمة", "أحمد", "ليلى", "عمر", "نور", "يوسف", "مريم", "خالد", "سارة", "علي", "هدى",
               "حسن", "رانيا", "سامي", "زينب"],
     ["الحسيني", "العلي", "منصور", "حداد", "خليل", "الشامي", "المصري", "عبد الله", "النجار", "سليمان", "يونس",
      "الخطيب", "درويش", "حمدان", "الأحمد"], "western"),
    ("fa", 4, ["مریم", "علی", "سارا", "رضا", "نگار", "حسین", "شیرین", "بهرام", "پریسا", "کاوه"],
     ["رضایی", "محمدی", "احمدی", "کریمی", "حسینی", "تهرانی", "جعفری", "موسوی"], "western"),
    ("vi", 8, ["Minh", "Hương", "Đức", "Lan", "Tuấn", "Thảo", "Phương", "Dũng", "Hà", "Khoa", "Linh", "Trang",
               "Hải", "Yến", "Bảo", "Nhung"],
     ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
      "Dương", "Lý"], "vietnamese"),
    ("ko", 6, ["민지", "서연", "지훈", "현우", "수빈", "예린", "도윤", "하은", "준호", "은숙", "성민", "지영",
               "영호", "미경", "상철", "혜진"],
     ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권"], "east-asian"),
    ("zh", 6, ["美玲", "伟", "芳", "建华", "丽娟", "志强", "小红", "文杰", "静", "海燕", "国栋", "秀英"],
     ["陈", "王", "李", "张", "刘", "黄", "林", "吴", "周", "赵", "郑", "梁"], "east-asian"),
    ("so", 6, ["Hodan", "Abdirahman", "Faduma", "Mohamed", "Ayaan", "Hassan", "Sahra", "Ilhan", "Abdi", "Hibo",
               "Yusuf", "Khadra"],
     ["Abdi", "Warsame", "Farah", "Mohamed", "Hussein", "Omar", "Ali", "Jama", "Osman", "Aden", "Nur", "Egal"],
     "somali"),
    ("ht", 6, ["Marie-Josée", "Jean-Baptiste", "Wideline", "Réginald", "Guerline", "Frantz", "Nadège", "Jérôme",
               "Fabienne", "Ketly", "Lesly", "Mirlande"],
     ["Pierre-Louis", "Dorvil", "Joseph", "Étienne", "Célestin", "Désir", "Saint-Fleur", "Jean-Charles",
      "Bélizaire", "Augustin", "Lafontaine", "Noël"], "western"),
    ("tl", 6, ["Rowena", "Marlon", "Jocelyn", "Ramon", "Analyn", "Rodel", "Ligaya", "Ernesto", "Maricel",
               "Jun"],
     ["Santos", "Reyes", "Cruz", "Bautista", "dela Cruz", "Villanueva", "Mendoza", "Pascual", "Ocampo",
      "Dimaculangan"], "western"),
    ("uk", 4, ["Оксана", "Тарас", "Олена", "Андрій", "Ірина", "Богдан", "Наталія", "Юрій", "Марія", "Олег"],
     ["Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Мельник", "Кравчук", "Олійник", "Поліщук"],
     "western"),
    ("sa", 4, ["Priya", "Arjun", "Sunita", "Rajesh", "Anita", "Vikas", "Farhana", "Imran", "Deepa", "Sanjay"],
     ["Sharma", "Patel", "Gurung", "Thapa", "Singh", "Rai", "Chowdhury", "Iqbal", "Reddy", "Bhattarai"],
     "western"),
]
VIETNAMESE_MIDDLE = ["Thị", "Văn", "Hữu", "Đức", "Ngọc", "Minh", "Thanh", "Quang"]

ORGANIZATIONS = [
    "CHIRLA (Coalition for Humane Immigrant Rights)", "CASA", "NAKASEC", "ACCESS", "Boat People SOS",
    "Korean Resource Center", "Arab American Action Network", "Haitian Women for Haitian Refugees",
    "Somali Family Service", "Michigan United", "OneAmerica", "Illinois Coalition for Immigrant and Refugee Rights",
    "New York Immigration Coalition", "Welcoming America", "National Partnership for New Americans",
    "Asian Americans Advancing Justice", "UnidosUS", "Make the Road New York",
    "Tennessee Immigrant and Refugee Rights Coalition", "Centro de los Derechos del Migrante",
    "Asociación de Trabajadores del Campo", "SEARAC", "Ukrainian Community Center", "Filipino Community Center",
    "South Asian Americans Leading Together", "Office of New Americans", "Refugee Services of Texas",
    "Unión del Barrio", "Chinese Progressive Association", "Sant La Haitian Neighborhood Center",
    "National Immigration Law Center", "World Education Services", "Catholic Charities",
    "Church World Service", "HIAS", "Public Library Newcomer Services",
]

TOPICS = {
    "citizenship": ["naturalization drives", "DACA renewal clinics", "citizenship fee waivers",
                    "civics test preparation", "voter registration for new citizens", "N-400 workshops at scale",
                    "the path from green card to citizenship", "citizenship and military service"],
    "economy": ["small business lending", "immigrant entrepreneurship", "remittances and financial inclusion",
                "ITIN banking access", "consumer fraud prevention", "the economic impact of immigration",
                "cooperatives and worker ownership", "tax preparation clinics"],
    "education": ["adult ESL at scale", "English learners in K-12", "in-state tuition for undocumented students",
                  "parent engagement", "digital literacy", "community college pathways",
                  "early childhood programs", "civics in the classroom"],
    "media-arts-culture": ["digital storytelling", "ethnic media partnerships", "community radio",
                           "murals and public art", "countering misinformation", "film and dialogue",
                           "podcasting for organizers", "oral history projects"],
    "migration": ["refugee resettlement", "asylum seekers at the border", "TPS advocacy", "family reunification",
                  "unaccompanied minors", "climate migration", "humanitarian parole", "sponsorship programs"],
    "receiving-communities": ["welcoming cities", "faith partnerships", "rural receiving communities",
                              "library programs for newcomers", "police-community trust",
                              "neighbor-to-neighbor dialogues", "county welcoming plans", "sister-city exchanges"],
    "rights-freedom": ["detention visitation", "know-your-rights trainings", "language access in courts",
                       "notario fraud", "legal services networks", "rapid response networks", "wage theft",
                       "data privacy for immigrants"],
    "workforce": ["credential recognition", "worker centers", "apprenticeships for immigrants",
                  "the health care workforce", "domestic workers' rights", "farmworker safety",
                  "workforce boards and newcomers", "childcare as workforce policy"],
}
ANGLES = ["lessons from the field", "what works", "a hands-on clinic", "scaling up", "building coalitions",
          "tools and templates", "funding and sustainability", "measuring impact", "voices from the community",
          "a policy update", "case studies from the Midwest", "case studies from the South", "new research",
          "partnering with local government", "youth leadership"]
AUDIENCES = ["organizers", "legal advocates", "educators", "service providers", "volunteers", "librarians",
             "city staff", "faith leaders"]
ABSTRACTS = [
    "Practitioners share what worked, what did not, and the materials they use.",
    "A practical session with examples from organizations large and small.",
    "Bring your questions: most of the time is for discussion.",
    "Speakers compare approaches from different states and the data behind them.",
    "Participants leave with a checklist and contacts for follow-up.",
    "Community members and advocates tell the story in their own words.",
]
TRANSLATED = {   # language -> titles (the session needs interpretation into English)
    "es": ["Ciudadanía para todos: taller práctico", "Cómo renovar DACA sin perder derechos",
           "Derechos laborales de trabajadores inmigrantes", "Acceso al idioma en los tribunales",
           "Educación de adultos: inglés y civismo", "Pequeños negocios: crédito y ahorro",
           "Cómo evitar el fraude de notarios", "Salud mental en comunidades migrantes",
           "Líderes jóvenes: organización comunitaria", "Reunificación familiar: guía práctica"],
    "vi": ["Quyền lợi của người lao động nhập cư", "Hướng dẫn thi quốc tịch Mỹ", "Đào tạo: tổ chức cộng đồng",
           "Tiếp cận ngôn ngữ tại tòa án", "Doanh nghiệp nhỏ và tín dụng"],
    "ar": ["ليلة الحوار: الهجرة والمجتمع", "حقوق العمال المهاجرين", "الطريق إلى الجنسية الأمريكية",
           "اللاجئون وإعادة التوطين", "الوصول اللغوي في المحاكم"],
    "ko": ["이민자 노동자의 권리", "시민권 신청 안내", "지역 사회 조직 교육", "소상공인을 위한 금융"],
    "zh": ["移民工人的权利", "入籍考试辅导", "社区组织培训", "法庭语言服务"],
}
LANGUAGES = ["es", "es", "es", "vi", "ar", "ko", "zh"]
ROOM_NAMES = ["Salón Dolores Huerta", "Sala Óscar Romero", "Phòng Hòa Bình", "قاعة جبران", "한마음 홀",
              "Liberty Room", "Harriet Tubman Room", "Ellis Room", "Sala Frida Kahlo", "Angel Island Room",
              "Fred Korematsu Room", "Salle Toussaint Louverture", "Cedar Room", "Maple Room", "Great Lakes Room",
              "Detroit River Room"]
HALL_FEATURES = ["hearing-loop", "interpretation", "projector", "stage", "wheelchair"]


# -- argument checks --------------------------------------------------------------------------------------
def _int_problems(values: dict) -> list[Problem]:
    out = []
    for name, value in values.items():
        if value is None and name == "attendees":
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(Problem(f"--{name}", f"must be a whole number, not {value!r}", f"give --{name} N"))
    return out


def _check(out: Path, sessions, rooms, days, slots, attendees, late, seed, force) -> list[Problem]:
    problems = _int_problems(dict(sessions=sessions, rooms=rooms, days=days, slots=slots, attendees=attendees,
                                  late=late, seed=seed))
    if problems:
        return problems
    if rooms < 1:
        problems.append(Problem("--rooms", f"{plural(rooms, 'room')}: a conference needs at least one room", "give --rooms 1 or more"))
    if not 1 <= days <= MAX_DAYS:
        problems.append(Problem("--days", f"{plural(days, 'day')}: give 1 to {MAX_DAYS}", f"give --days between 1 and {MAX_DAYS}"))
    if not 2 <= slots <= MAX_SLOTS:
        problems.append(Problem("--slots", f"{plural(slots, 'slot')} a day: give 2 to {MAX_SLOTS} (the first slot of each day "
                                "is the plenary slot)", f"give --slots between 2 and {MAX_SLOTS}"))
    if late < 0:
        problems.append(Problem("--late", f"{late} late proposals: cannot be negative", "give --late 0 or more"))
    if attendees is not None and attendees < 0:
        problems.append(Problem("--attendees", f"{attendees} attendees: cannot be negative", "give --attendees 0 or more"))
    if problems:
        return problems
    if sessions < days:
        problems.append(Problem("--sessions", f"{plural(sessions, 'session')} for {plural(days, 'day')}: every day opens with a plenary, "
                                f"so at least {days} sessions are needed", f"give --sessions {days} or more"))
    else:
        cells = rooms * days * (slots - 1)
        regular = sessions - days + late
        if regular > cells:
            fewer = max(days, cells + days - late)
            problems.append(Problem(
                "--sessions", f"{_n(sessions, 'session')} ({_n(days, 'plenary', 'plenaries')} and {sessions - days} "
                f"others) plus {_n(late, 'late proposal')} do not fit: {_n(rooms, 'room')} x {_n(days, 'day')} x "
                f"{_n(slots - 1, 'regular slot')} hold {_n(cells, 'session')}",
                f"give --sessions {fewer} or fewer (with --late {late}), or more --rooms, --days or --slots"
                if cells + days - late >= days else "give fewer --late proposals, or more --rooms, --days or --slots"))
    if out.exists() and not out.is_dir():
        problems.append(Problem(str(out), "exists and is not a folder", "give a new or empty folder"))
    elif out.is_dir() and any(out.iterdir()) and not force:
        problems.append(Problem(str(out), "exists and is not empty",
                                "give a new or empty folder, or add --force to write the conference into it "
                                "(its session files and interests.csv are then replaced)"))
    return problems


# -- the slot grid ----------------------------------------------------------------------------------------
def _grid(slots: int) -> list[tuple[int, int]]:
    """(start, end) minutes of each slot of a day; slot 0 is the plenary slot."""
    length = 75 if slots <= 7 else 60 if slots <= 11 else 45 if slots <= 14 else 30
    t = 9 * 60 if slots <= 6 else 8 * 60 if slots <= 14 else 7 * 60
    out = []
    for i in range(slots):
        out.append((t, t + length))
        t += length + (LUNCH if i == 2 else BREAK)
    return out


def _duration(slot: int, length: int) -> int:
    """Minutes that any ``length`` consecutive slots of ``slot`` minutes cover
    (breaks are BREAK minutes or longer) and ``length - 1`` of them do not."""
    return length * slot + (length - 1) * BREAK


# -- speakers ---------------------------------------------------------------------------------------------
def _name(rnd: random.Random, culture) -> str:
    _, _, given, family, style = culture
    if style == "vietnamese":
        return f"{rnd.choice(family)} {rnd.choice(VIETNAMESE_MIDDLE)} {rnd.choice(given)}"
    if style == "east-asian":
        return f"{rnd.choice(family)}{rnd.choice(given)}"
    if style == "somali":
        a, b = rnd.sample(family, 2)
        return f"{rnd.choice(given)} {a} {b}"
    if culture[0] == "es" and rnd.random() < 0.3:
        a, b = rnd.sample(family, 2)
        return f"{rnd.choice(given)} {a} {b}"
    return f"{rnd.choice(given)} {rnd.choice(family)}"


def _speaker_names(rnd: random.Random, n: int) -> list[str]:
    cum = list(accumulate(c[1] for c in NAMES))
    seen: dict[str, None] = {}
    out = []
    for _ in range(n):
        name = ""
        for attempt in range(12):
            culture = NAMES[bisect.bisect_right(cum, rnd.random() * cum[-1])]
            name = _name(rnd, culture)
            if attempt >= 8:   # a very large conference: a middle name keeps names apart
                name = f"{name.split(' ')[0]} {rnd.choice(culture[2])} {' '.join(name.split(' ')[1:])}".strip()
            if name not in seen:
                break
        seen[name] = None
        out.append(name)
    return out


# -- the generator ----------------------------------------------------------------------------------------
def generate_conference(out: Path, *, sessions: int = 60, rooms: int = 12, days: int = 3, slots: int = 5,
                        attendees: int | None = None, late: int = 0, seed: int = 1, reference: Path | None = None,
                        force: bool = False) -> GeneratedSummary:
    """Write a synthetic conference folder that is feasible by construction.

    ``sessions`` counts every session of sessions/, the one plenary a day
    included; ``late`` more proposals go to late/. ``attendees`` defaults to
    20 per session, at least 100 and at most 1200 (0: no interests.csv).
    ``reference``: also write the hidden reference timetable there (a
    schedule.yaml of sessions/ that keeps every hard rule).

    Raises InputError (each problem naming the option) for arguments that make
    no conference or that do not fit, and for an ``out`` that exists and is not
    empty (unless ``force``)."""
    out = Path(out)
    problems = _check(out, sessions, rooms, days, slots, attendees, late, seed, force)
    if problems:
        raise InputError(problems)
    if attendees is None:
        attendees = min(DEFAULT_ATTENDEES, max(100, 20 * sessions))
    files, ref, late_ref, counts = _build(sessions=sessions, n_rooms=rooms, days=days, slots=slots,
                                          attendees=attendees, n_late=late, seed=seed)
    written = _write(out, files, force)
    if reference is not None:
        write_schedule(ref, reference)
    return GeneratedSummary(folder=out, sessions=sessions, plenaries=days, trainings=counts["trainings"],
                            rooms=rooms, speakers=counts["speakers"], attendees=counts["attendees"],
                            interests=counts["interests"], late=late, seed=seed, reference=ref,
                            late_reference=late_ref, files=tuple(written))


def _build(*, sessions: int, n_rooms: int, days: int, slots: int, attendees: int, n_late: int, seed: int):
    rnd = random.Random(f"niic-sched generate {seed}")
    dates = [FIRST_DAY + dt.timedelta(days=d) for d in range(days)]
    grid = _grid(slots)
    slot_len = grid[0][1] - grid[0][0]

    # rooms: the hall (plenaries), then a long tail of meeting rooms
    room_docs = [{"id": "hall-a", "name": "Hall A (Main Hall)", "capacity": max(400, attendees // 2),
                  "features": list(HALL_FEATURES)}]
    for i in range(1, n_rooms):
        cap = rnd.choice([30, 40, 50, 60, 80, 100, 120, 150, 200])
        feats = []
        if rnd.random() < 0.06:
            feats.append("computer-lab")
        if rnd.random() < 0.1:
            feats.append("hearing-loop")
        if rnd.random() < 0.3:
            feats.append("interpretation")
        if rnd.random() < 0.8:
            feats.append("projector")
        if cap >= 150 and rnd.random() < 0.5:
            feats.append("stage")
        if rnd.random() < 0.9:
            feats.append("wheelchair")
        name = f"{ROOM_NAMES[i - 1]} ({100 + i})" if i - 1 < len(ROOM_NAMES) else f"Room {100 + i}"
        room_docs.append({"id": f"r{100 + i}", "name": name, "capacity": cap, "features": feats})

    # tracks: the eight NIIC tracks, then topical sub-tracks (about one per eight sessions)
    n_regular = sessions - days
    total = n_regular + n_late
    tracks = list(TRACKS)
    extra = max(0, total // 8 - len(TRACKS))
    for k in range(extra):
        base = TRACKS[k % len(TRACKS)]
        tracks.append(f"{base}-{k // len(TRACKS) + 2}")

    # the reference: plenaries first, then every other session in a random free room-slot
    width = max(4, len(str(sessions + n_late)))
    ids = [f"s{i + 1:0{width}d}" for i in range(sessions + n_late)]
    docs: list[dict] = []
    place: dict[str, tuple[int, int, int, int]] = {}     # id -> (day, slot, length, room index)
    for d in range(days):
        sid = ids[d]
        if d == 0:
            title = f"Opening Plenary: {rnd.choice(['Welcome to Detroit', 'Who We Are', 'One Nation of Immigrants'])}"
        elif d == days - 1:
            title = "Closing Plenary: The Road Ahead"
        else:
            t = rnd.choice(TRACKS)
            title = f"Plenary: {_cap(rnd.choice(TOPICS[t]))}"
        docs.append({"id": sid, "title": title, "format": "plenary", "track": "plenary",
                     "duration": slot_len, "expected_attendance": max(10, attendees // 2), "speakers": []})
        place[sid] = (d, 0, 1, 0)
    cells = [(d, s, r) for d in range(days) for s in range(1, slots) for r in range(n_rooms)]
    rnd.shuffle(cells)
    occupied: dict[tuple[int, int, int], str] = {}
    free_cells = len(cells)
    made = 0
    trainings = 0
    for d, s, r in cells:
        if made >= total:
            break
        if (d, s, r) in occupied:
            continue
        left = total - made - 1          # sessions still to place after this one
        length = 1
        if rnd.random() < TRAINING_SHARE:
            want = 3 if rnd.random() < THREE_SLOT_SHARE else 2
            for k in range(want, 1, -1):
                if s + k - 1 < slots and all((d, s + j, r) not in occupied for j in range(1, k)) \
                        and free_cells - k >= left:
                    length = k
                    break
        sid = ids[days + made]
        for j in range(length):
            occupied[(d, s + j, r)] = sid
        free_cells -= length
        room = room_docs[r]
        feats = room["features"]
        need = []
        for f, p in REQUIRE:
            if f in feats and rnd.random() < p:
                need.append(f)
        if length > 1:
            fmt = "training"
            trainings += 1
        else:
            fmt = rnd.choice(["workshop", "workshop", "panel"])
            if fmt == "workshop" and rnd.random() < 0.05:
                fmt = "training"
        track = rnd.choice(tracks)
        doc = {"id": sid, "title": "", "format": fmt, "track": track,
               "duration": _duration(slot_len, length) if length > 1 else
               (slot_len - 15 if fmt == "workshop" and slot_len >= 60 and rnd.random() < 0.2 else slot_len),
               "expected_attendance": max(10, int(room["capacity"] * rnd.uniform(0.4, 1.0))),
               "speakers": [], "requires": sorted(need)}
        docs.append(doc)
        place[sid] = (d, s, length, r)
        made += 1
    assert made == total, (made, total)
    late_ids = ids[sessions:]
    is_late = {sid: True for sid in late_ids}
    regular_docs = docs[days:]
    by_id = {x["id"]: x for x in docs}

    def cells_of(sid: str) -> list[tuple[int, int]]:
        d, s, length, _ = place[sid]
        return [(d, s + j) for j in range(length)]

    # speakers: handed out so that nobody is in two places at once in the reference
    n_speakers = max(4, int(total * SPEAKERS_PER_SESSION))
    names = _speaker_names(rnd, n_speakers)
    speakers = []
    busy: list[dict[tuple[int, int], None]] = []
    for i, name in enumerate(names):
        sp = {"id": f"p{i + 1:0{max(4, len(str(n_speakers)))}d}", "name": name}
        if rnd.random() < 0.95:
            sp["organization"] = rnd.choice(ORGANIZATIONS)
        speakers.append(sp)
        busy.append({})
    order = list(range(n_speakers))
    rnd.shuffle(order)
    cursor = 0
    for doc in docs:
        fmt = doc["format"]
        want = rnd.choice({"plenary": [1, 2, 3], "workshop": [1, 1, 2], "panel": [2, 3, 3],
                           "training": [1, 2]}[fmt])
        mine = cells_of(doc["id"])
        for _ in range(2 * want):
            if len(doc["speakers"]) >= want:
                break
            if rnd.random() < 0.5:                  # everybody speaks somewhere ...
                p = order[cursor % n_speakers]
                cursor += 1
            else:                                   # ... and some speak a lot
                p = rnd.randrange(n_speakers)
            pid = speakers[p]["id"]
            if pid in doc["speakers"] or any(c in busy[p] for c in mine):
                continue
            doc["speakers"].append(pid)
            for c in mine:
                busy[p][c] = None
        if not doc["speakers"]:                     # every session has somebody to present it
            first = rnd.randrange(n_speakers)
            for j in range(n_speakers):
                p = (first + j) % n_speakers
                if not any(c in busy[p] for c in mine):
                    doc["speakers"].append(speakers[p]["id"])
                    for c in mine:
                        busy[p][c] = None
                    break
    for p, sp in enumerate(speakers):
        if rnd.random() >= UNAVAILABLE_SPEAKERS:
            continue
        open_days = [d for d in range(days) if not any((d, s) in busy[p] for s in range(slots))]
        if open_days and rnd.random() < 0.5:
            sp["unavailable"] = [{"day": dates[rnd.choice(open_days)].isoformat()}]
            continue
        d = rnd.randrange(days)
        free = [s for s in range(slots) if (d, s) not in busy[p]]
        if not free:
            continue
        s = rnd.choice(free)
        end = s
        while end + 1 < slots and (d, end + 1) not in busy[p] and rnd.random() < 0.5:   # part of a day
            end += 1
        sp["unavailable"] = [{"day": dates[d].isoformat(), "start": hhmm(grid[s][0]), "end": hhmm(grid[end][1])}]

    # rooms unavailable for a slot or two that the reference leaves free (the hall never)
    for r in range(1, n_rooms):
        if rnd.random() >= UNAVAILABLE_ROOMS:
            continue
        free = [(d, s) for d in range(days) for s in range(1, slots) if (d, s, r) not in occupied]
        if not free:
            continue
        d, s = rnd.choice(free)
        end = s + 1 if s + 1 < slots and (d, s + 1, r) not in occupied and rnd.random() < 0.4 else s
        room_docs[r]["unavailable"] = [{"day": dates[d].isoformat(), "start": hhmm(grid[s][0]),
                                        "end": hhmm(grid[end][1])}]

    def ends(sid: str) -> tuple[int, int]:
        d, s, length, _ = place[sid]
        return d, s + length

    def overlap(a: str, b: str) -> bool:
        (da, sa, la, _), (db, sb, lb, _) = place[a], place[b]
        return da == db and sa < sb + lb and sb < sa + la

    # after: a part 2 follows an earlier session of the same track
    # (a published session never waits for a late one: late proposals are not in sessions/ yet)
    by_time = sorted(regular_docs, key=lambda x: (place[x["id"]][0], place[x["id"]][1], place[x["id"]][3]))
    for i, doc in enumerate(by_time):
        if i == 0 or rnd.random() >= AFTER_SHARE:
            continue
        prev = by_time[rnd.randrange(0, i)]
        if ends(prev["id"]) <= place[doc["id"]][:2] and not (prev["id"] in is_late and doc["id"] not in is_late) \
                and not prev.get("after"):
            doc["after"] = [prev["id"]]
            doc["track"] = prev["track"]
            doc["part"] = prev["id"]

    # not_with: two sessions that the reference keeps apart
    for doc in regular_docs:
        if rnd.random() >= NOT_WITH_SHARE:
            continue
        for _ in range(20):
            other = regular_docs[rnd.randrange(len(regular_docs))]
            if other is doc or overlap(doc["id"], other["id"]) or (other["id"] in is_late and doc["id"] not in is_late):
                continue
            doc.setdefault("not_with", []).append(other["id"])
            break

    # pins (the opening plenary on the first day, and a few others at their reference place)
    docs[0]["pin"] = {"day": dates[0].isoformat()}
    for doc in regular_docs:
        if doc["id"] in is_late or rnd.random() >= PIN_SHARE:
            continue
        d, s, _, r = place[doc["id"]]
        kind = rnd.choice(PIN_KINDS)
        pin = {}
        if kind in ("day", "day-start", "all"):
            pin["day"] = dates[d].isoformat()
        if kind in ("day-start", "all", "start"):
            pin["start"] = hhmm(grid[s][0])
        if kind in ("room", "all"):
            pin["room"] = room_docs[r]["id"]
        doc["pin"] = pin

    # titles, languages, soft preferences
    for doc in regular_docs:
        if "interpretation" in doc["requires"] and rnd.random() < TRANSLATED_SHARE:
            lang = rnd.choice(LANGUAGES)
            doc["title"] = rnd.choice(TRANSLATED[lang])
            doc["language"] = lang
        else:
            base = doc["track"].rsplit("-", 1)[0] if doc["track"] not in TOPICS else doc["track"]
            topic = _cap(rnd.choice(TOPICS[base]))
            if doc["format"] == "training":
                doc["title"] = f"Training: {topic} for {rnd.choice(AUDIENCES)}"
            elif doc["format"] == "panel":
                doc["title"] = f"{topic}: {rnd.choice(ANGLES)} (panel)"
            else:
                doc["title"] = f"{topic}: {rnd.choice(ANGLES)}"
        if rnd.random() < PREFERRED_SHARE:
            d = place[doc["id"]][0] if rnd.random() < 0.7 else rnd.randrange(days)
            doc["preferred"] = [{"day": dates[d].isoformat()}]
        doc["abstract"] = rnd.choice(ABSTRACTS)
    for doc in regular_docs:                 # a part 2 says so (titles are all known now)
        part = doc.pop("part", None)
        if part:
            doc["title"] = f"{by_id[part]['title']} (part 2)"

    # interests: each attendee favours two tracks and picks 3 to 8 sessions, large ones more often
    wanted = [x["id"] for x in regular_docs]
    weight = {x["id"]: x["expected_attendance"] for x in regular_docs}
    by_track: dict[str, list[str]] = {}
    for x in regular_docs:
        by_track.setdefault(x["track"], []).append(x["id"])
    all_cum = list(accumulate(weight[i] for i in wanted))
    pools: dict[tuple[str, str], tuple[list[str], list[int]]] = {}
    rows: list[tuple[str, str]] = []
    a_width = max(5, len(str(attendees)))
    for a in range(attendees):
        fav = tuple(rnd.sample(tracks, 2)) if len(tracks) >= 2 else tuple(tracks)
        if fav not in pools:
            pool = [i for t in fav for i in by_track.get(t, [])]
            pools[fav] = (pool, list(accumulate(weight[i] for i in pool)))
        pool, cum = pools[fav]
        picks: dict[str, None] = {}
        for _ in range(rnd.randint(3, 8)):
            if not wanted:
                break
            if pool and rnd.random() < 0.7:
                picks[pool[bisect.bisect_right(cum, rnd.random() * cum[-1])]] = None
            else:
                picks[wanted[bisect.bisect_right(all_cum, rnd.random() * all_cum[-1])]] = None
        rows += [(f"a{a + 1:0{a_width}d}", i) for i in sorted(picks)]

    # the reference schedules
    def assignment(sid: str) -> Assignment:
        d, s, _, r = place[sid]
        return Assignment(sid, dates[d], grid[s][0], room_docs[r]["id"])

    ref = Schedule(tuple(sorted((assignment(x["id"]) for x in docs[:sessions]),
                                key=lambda a: (a.day, a.start, a.room))))
    late_ref = Schedule(tuple(sorted((assignment(sid) for sid in late_ids), key=lambda a: (a.day, a.start, a.room))))

    # the files
    head = (f"# Written by niic-sched generate (seed {seed}): a synthetic conference, feasible by construction.\n")
    conference = {
        "name": f"National Immigrant Integration Conference (synthetic, seed {seed})",
        "acronym": f"SYN{seed}".replace("-", "M"),
        "time_zone": "America/Detroit",
        "city": "Detroit",
        "venue": "Huntington Place, Detroit",
        "hosts": ["National Partnership for New Americans", "Michigan United"],
        "language": "en",
        "url": "https://example.org/niic-synthetic",
        "days": [{"date": day.isoformat(),
                  "slots": [{"start": hhmm(a), "end": hhmm(b), **({"kind": "plenary"} if i == 0 else {})}
                            for i, (a, b) in enumerate(grid)]} for day in dates],
    }
    files: dict[str, bytes] = {
        "conference.yaml": dump_yaml(conference, head),
        "rooms.yaml": dump_yaml(room_docs, head),
        "speakers.yaml": dump_yaml(speakers, head),
    }
    keys = ("id", "title", "format", "track", "duration", "expected_attendance", "speakers", "requires", "after",
            "not_with", "pin", "language", "preferred", "abstract")
    for doc in docs:
        item = {k: doc[k] for k in keys if k in doc and (doc[k] or k == "speakers")}
        rel = f"late/{doc['id']}.yaml" if doc["id"] in is_late else f"sessions/{doc['track']}/{doc['id']}.yaml"
        files[rel] = dump_yaml(item)
    if attendees:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["attendee", "session"])
        w.writerows(rows)
        files["interests.csv"] = buf.getvalue().encode("utf-8")
    counts = {"trainings": sum(1 for x in docs[:sessions] if place[x["id"]][2] > 1), "speakers": n_speakers,
              "attendees": len({a for a, _ in rows}) if rows else 0, "interests": len(rows)}
    return files, ref, late_ref, counts


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _n(n: int, word: str, many: str | None = None) -> str:
    """3 days, 1 day."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


# -- writing ----------------------------------------------------------------------------------------------
def _write(out: Path, files: dict[str, bytes], force: bool) -> list[str]:
    """A new or empty folder is written in a temporary sibling and renamed into place
    (as ``convert`` does: the folder appears whole or not at all, and a thousand
    fsyncs would cost seconds); into a non-empty one (force) every file is written
    atomically (io.atomic) and the session files, late proposals and interests.csv
    that are not written again are removed."""
    if not out.exists() or not any(out.iterdir()):
        return write_new_folder_atomic(out, files)
    for rel, data in files.items():
        write_bytes_atomic(out / rel, data)
    for sub in ("sessions", "late"):
        for path in sorted((out / sub).rglob("*")):
            rel = path.relative_to(out).as_posix()
            if path.is_file() and path.suffix in (".yaml", ".yml") and rel not in files \
                    and not any(part.startswith(".") for part in path.relative_to(out / sub).parts):
                path.unlink()
    if "interests.csv" not in files and (out / "interests.csv").is_file():
        (out / "interests.csv").unlink()
    return sorted(files)
