"""Handing out variants (``mathvid variants assign``): a student's variant depends on
their id and the seed alone, the variants are given out about evenly, and a roster
that cannot be read is said in one line, nothing written. (The handout itself, made
from rendered variants: tests/mathvid/test_variant_render.py.)"""

from __future__ import annotations

import argparse
import string
from pathlib import Path

import pytest

from lesson.errors import LessonError
from mathvid.variants.assign import assign, read_roster, safe_name, variant_of
from mathvid.variants.pool_file import Pool, Variant, pool_path, write_pool

CHI2_999_DF19 = 43.820
"""The 0.999 quantile of the chi-square distribution with 19 degrees of freedom (a
printed table's: NIST/SEMATECH e-Handbook, 1.3.6.7.4)."""


def test_a_growing_or_reordered_roster_moves_nobody() -> None:
    first = [f"s{n:05d}" for n in range(1000)]
    before = {s: variant_of(s, 7, 20) for s in first}
    grown = [f"t{n}" for n in range(500)] + first[::-1]
    assert {s: variant_of(s, 7, 20) for s in grown if s in before} == before
    # The seed is the key: another pool's seed hands out other variants.
    assert sum(variant_of(s, 8, 20) != v for s, v in before.items()) > 900


def test_ten_thousand_students_spread_evenly_over_twenty_variants() -> None:
    counts = [0] * 20
    for n in range(10_000):
        counts[variant_of(f"{n:08d}", 7, 20)] += 1
    expected = 10_000 / 20
    statistic = sum((c - expected) ** 2 / expected for c in counts)
    try:
        from scipy import stats
    except ImportError:
        quantile = CHI2_999_DF19
    else:
        quantile = float(stats.chi2.ppf(0.999, 19))
        assert quantile == pytest.approx(CHI2_999_DF19, abs=5e-3)
        assert stats.chisquare(counts).pvalue > 0.001
    assert statistic < quantile, counts


def test_a_student_id_becomes_a_safe_file_name() -> None:
    assert safe_name("s1001") == "s1001"
    for student in ("../../etc/passwd", "a b", "ann.lee@uni.edu", ".hidden", "Ünï"):
        name = safe_name(student)
        assert name and set(name) <= set(string.ascii_letters + string.digits + "_-")
    assert safe_name("a b") != safe_name("a_b")


ROSTERS = {
    "no id column": ("name,email\nAnn,a@x\n", "no id column; name one in the first row"),
    "empty": ("", "no id column"),
    "no students": ("id,name\n", "no students under its header row"),
    "an empty id": ("id,name\ns1,Ann\n,Bob\n", ":3: no student id; fill it in"),
    "twice": ("student,name\ns1,Ann\ns2,B\ns1,C\n", ":4: 's1' again (first on line 2)"),
}


@pytest.mark.parametrize("case", ROSTERS)
def test_a_bad_roster_is_one_line_saying_what_to_do(case: str, tmp_path: Path) -> None:
    text, said = ROSTERS[case]
    roster = tmp_path / "roster.csv"
    roster.write_text(text)
    with pytest.raises(LessonError) as err:
        read_roster(roster)
    assert said in str(err.value) and "\n" not in str(err.value)


def test_a_roster_is_read_in_its_order_with_blank_lines_and_a_bom(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes("\ufeffName,Student ID\nAnn, s2 \n\nBob,s1\n".encode())
    assert read_roster(roster) == ["s2", "s1"]
    with pytest.raises(LessonError, match="no such roster file"):
        read_roster(tmp_path / "missing.csv")
    roster.write_bytes(b"id\n\xff\xfe\n")
    with pytest.raises(LessonError, match="save it as UTF-8 CSV"):
        read_roster(roster)


LESSON = """title = "Variants"
voice = "none"

[[scene]]
id = "descent"
scene = "scenes.descent:DescentBowl"
title = "Descent"

[variants]
seed = 7

[variants.descent]
lr = { one_of = [0.1, 0.2] }
"""


def test_variants_not_rendered_yet_are_said_and_nothing_is_written(tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(LESSON)
    variants = tuple(
        Variant(f"v0{n + 1}", n, "0", {"descent": {"lr": lr}}, {})
        for n, lr in enumerate((0.1, 0.2))
    )
    write_pool(Pool("lesson.toml", 7, 2, 2, {}, variants), pool_path(lesson))
    (tmp_path / "roster.csv").write_text("id\ns1\ns2\ns3\n")
    out = tmp_path / "handout"
    args = argparse.Namespace(
        roster=tmp_path / "roster.csv",
        lesson=lesson,
        media=tmp_path / "m",
        out=out,
        kind="html",
    )
    with pytest.raises(
        LessonError, match="not rendered yet: run `mathvid render --variants"
    ):
        assign(args)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".handout")]


def test_the_command_says_a_bad_roster_in_one_line(tmp_path: Path) -> None:
    from tests.mathvid.command import mathvid

    lesson = tmp_path / "lesson.toml"
    lesson.write_text(LESSON)
    (tmp_path / "roster.csv").write_text("name\nAnn\n")
    done = mathvid("variants", "assign", tmp_path / "roster.csv", "--lesson", lesson)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "no id column" in done.stderr, done.stderr
    assert not (tmp_path / "variants" / "handout").exists()
