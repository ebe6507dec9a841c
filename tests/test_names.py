"""The speaker index's family-name guess (niic_sched/names.py)."""
from __future__ import annotations

import pytest

from niic_sched.names import family_and_given, index_letter, sort_key


@pytest.mark.parametrize("name,family", [
    ("María Núñez", "Núñez"),
    ("María Núñez García", "Núñez García"),          # Spanish double surname
    ("José Luis Rodríguez", "Rodríguez"),            # compound given name, one surname
    ("Ana Núñez-García", "Núñez-García"),
    ("Rosa Núñez y García", "Núñez y García"),
    ("Ludwig van Beethoven", "van Beethoven"),
    ("Juan de la Cruz", "de la Cruz"),
    ("Nguyễn Thị Minh", "Nguyễn"),                   # Vietnamese: family name first
    ("Trần Văn Hùng", "Trần"),
    ("فاطمة الحسيني", "الحسيني"),                    # Arabic: the last word
    ("Fatima al-Husseini", "al-Husseini"),
    ("王小明", "王"),
    ("Cher", "Cher"),
])
def test_family_name_guess(name, family):
    assert family_and_given(name)[0] == family


def test_index_sorts_by_family_name_ignoring_accents_particles_and_articles():
    names = ["Ludwig van Beethoven", "María Núñez", "Ana Nunez", "Fatima al-Husseini", "Nguyễn Thị Minh",
             "Zoe Adams", "فاطمة الحسيني"]
    ordered = sorted(names, key=sort_key)
    assert ordered.index("Zoe Adams") < ordered.index("Ludwig van Beethoven") < ordered.index("Fatima al-Husseini") \
        < ordered.index("Nguyễn Thị Minh") < ordered.index("Ana Nunez") < ordered.index("María Núñez")
    assert index_letter("María Núñez") == "N"
    assert index_letter("Ludwig van Beethoven") == "B"
    assert index_letter("Fatima al-Husseini") == "H"
    assert index_letter("فاطمة الحسيني") == "ح"


def test_sort_name_wins_over_the_guess():
    assert sort_key("María José Núñez", "Núñez, María José")[:2] == ("nunez", "maria jose")
    assert sort_key("Minh Nguyen", "Nguyen, Minh")[0] == "nguyen"
    assert index_letter("Minh Nguyen", "Nguyen, Minh") == "N"
