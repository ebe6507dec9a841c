"""Personal names: the family name a speaker index sorts by.

A speaker's ``sort_name`` ("Núñez, María") always wins. Without it the family
name is guessed, and the guess is documented (README, "The speaker index"):

* a name in Chinese, Japanese or Korean script, or a Latin-script Vietnamese name
  whose first word is a common Vietnamese family name (Nguyễn Thị Minh), puts the
  family name first;
* otherwise the family name is the last word, together with the particles that
  precede it (van, von, de, del, de la, da, di, du, dos, le, la, bin, ibn, abu,
  al-, el-): "Ludwig van Beethoven" -> "van Beethoven", sorted under B;
* a Spanish double surname: when the next-to-last word is itself a common
  Spanish family name (García, Núñez, ...) and the name has three words or more,
  both words are the family name: "María Núñez García" -> "Núñez García";
  joined by "y" or a hyphen they always are;
* Arabic script: the last word, an article "ال" / "al-" ignored for sorting.

Sorting ignores accents, case and those particles and articles, so "Núñez",
"Nunez" and "núñez" sort together.
"""
from __future__ import annotations

import unicodedata

PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "la", "le", "da", "das", "do", "dos", "di", "du",
             "bin", "ibn", "abu", "al", "el", "st.", "ter", "ten", "y"}
VIETNAMESE_FAMILY = {"nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho",
                     "ngo", "duong", "ly", "trinh", "dinh", "lam", "truong", "mai", "cao", "luong", "ta"}
SPANISH_FAMILY = {"garcia", "rodriguez", "martinez", "hernandez", "lopez", "gonzalez", "perez", "sanchez", "ramirez",
                  "torres", "flores", "rivera", "gomez", "diaz", "cruz", "morales", "reyes", "gutierrez", "ortiz",
                  "chavez", "ruiz", "mendoza", "castillo", "vasquez", "vazquez", "romero", "herrera", "medina",
                  "aguilar", "vargas", "guzman", "nunez", "jimenez", "moreno", "alvarez", "munoz", "castro", "ortega",
                  "delgado", "rojas", "soto", "contreras", "silva", "sandoval", "salazar", "ramos", "fernandez",
                  "dominguez", "acosta", "estrada", "navarro", "campos", "vega", "luna", "rios", "mejia", "cortes",
                  "velasquez", "suarez", "molina", "juarez", "cabrera", "serrano", "ibarra"}


def fold(text: str) -> str:
    """Accents and case ignored: "Núñez" -> "nunez"; "Đặng" -> "dang"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare).casefold()     # Hangul syllables stay whole ("김", not its jamo)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for script in ("CJK", "HANGUL", "HIRAGANA", "KATAKANA", "ARABIC"):
        if name.startswith(script):
            return script
    return ""


def family_and_given(name: str) -> tuple[str, str]:
    """The guessed (family name, given names) of ``name``, as written."""
    words = name.split()
    if not words:
        return "", ""
    scripts = {_script(c) for c in name if c.isalpha()}
    if scripts & {"CJK", "HANGUL", "HIRAGANA", "KATAKANA"}:
        if len(words) > 1:
            return words[0], " ".join(words[1:])
        return name[:1], name[1:]             # 王小明: the family name is (usually) one character
    if len(words) == 1:
        return words[0], ""
    if fold(words[0]) in VIETNAMESE_FAMILY and not scripts & {"ARABIC"}:
        return words[0], " ".join(words[1:])
    first = len(words) - 1
    if "-" in words[first] and all(fold(p) in SPANISH_FAMILY for p in words[first].split("-")):
        pass                                  # Núñez-García: already one word
    elif len(words) >= 3 and fold(words[-2]) in SPANISH_FAMILY:
        first -= 1
    while first > 1 and fold(words[first - 1]) in PARTICLES:
        first -= 1                             # van Beethoven, de la Cruz
        if fold(words[first]) == "y" and first > 1:
            first -= 1                         # Núñez y García: "y" joins two family names
    if first == 1 and fold(words[0]) in PARTICLES:
        first = 0
    return " ".join(words[first:]), " ".join(words[:first])


def _filed(family: str) -> str:
    """The family name as filed: particles and articles ("van", "al-", "ال") set aside."""
    words = family.split()
    while len(words) > 1 and fold(words[0]) in PARTICLES:
        words = words[1:]
    text = " ".join(words)
    for article in ("al-", "el-", "ال"):
        if text.lower().startswith(article) and len(text) > len(article) + 1:
            return text[len(article):]
    return text


def _visible(text: str) -> str:
    """``text`` without format characters (bidi controls, zero-width marks): they sort and file nothing."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _family(name: str, sort_name: str) -> tuple[str, str]:
    name, sort_name = _visible(name), _visible(sort_name)
    if sort_name:
        family, _, given = sort_name.partition(",")
        return family.strip(), given.strip()
    return family_and_given(name)


def sort_key(name: str, sort_name: str = "") -> tuple[str, str, str]:
    """The speaker index's key: (family, given, the name as written), folded.
    ``sort_name`` "Family, Given" (or any text) overrides the guess."""
    family, given = _family(name, sort_name)
    return fold(_filed(family)), fold(given), name


def index_letter(name: str, sort_name: str = "") -> str:
    """The letter the speaker index files the name under ("N" for Núñez; "ح" for فاطمة الحسيني)."""
    filed = _filed(_family(name, sort_name)[0])
    first = next((c for c in filed if c.isalpha()), filed[:1])   # a letter, not a mark or a bidi control
    return fold(first).upper() or first
