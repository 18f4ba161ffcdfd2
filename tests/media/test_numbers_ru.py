from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivrd.media.numbers_ru import MAX_NUMBER, VOCABULARY, digit_clips, number_words_ru


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "ноль"),
        (1, "один"),
        (2, "два"),
        (10, "десять"),
        (11, "одиннадцать"),
        (19, "девятнадцать"),
        (20, "двадцать"),
        (21, "двадцать один"),
        (40, "сорок"),
        (100, "сто"),
        (101, "сто один"),
        (110, "сто десять"),
        (112, "сто двенадцать"),
        (200, "двести"),
        (999, "девятьсот девяносто девять"),
        (1000, "одна тысяча"),
        (1001, "одна тысяча один"),
        (1002, "одна тысяча два"),
        (1254, "одна тысяча двести пятьдесят четыре"),
        (2000, "две тысячи"),
        (2001, "две тысячи один"),
        (3000, "три тысячи"),
        (4000, "четыре тысячи"),
        (5000, "пять тысяч"),
        (10000, "десять тысяч"),
        (11000, "одиннадцать тысяч"),
        (12000, "двенадцать тысяч"),
        (14000, "четырнадцать тысяч"),
        (21000, "двадцать одна тысяча"),
        (22000, "двадцать две тысячи"),
        (25000, "двадцать пять тысяч"),
        (100000, "сто тысяч"),
        (101000, "сто одна тысяча"),
        (111000, "сто одиннадцать тысяч"),
        (112000, "сто двенадцать тысяч"),
        (122000, "сто двадцать две тысячи"),
        (1000000, "один миллион"),
        (1000001, "один миллион один"),
        (1001000, "один миллион одна тысяча"),
        (2000000, "два миллиона"),
        (2002002, "два миллиона две тысячи два"),
        (5000000, "пять миллионов"),
        (11000000, "одиннадцать миллионов"),
        (21000000, "двадцать один миллион"),
        (22000000, "двадцать два миллиона"),
        (111111111, "сто одиннадцать миллионов сто одиннадцать тысяч сто одиннадцать"),
        (
            999999999,
            (
                "девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч "
                "девятьсот девяносто девять"
            ),
        ),
    ],
)
def test_tricky_numbers(n: int, words: str) -> None:
    assert number_words_ru(n) == words.split()


@pytest.mark.parametrize("n", [-1, MAX_NUMBER + 1, 10**12])
def test_out_of_range(n: int) -> None:
    with pytest.raises(ValueError) as info:
        number_words_ru(n)
    assert str(info.value) == f"number {n} is out of range 0..999999999"


VALUES = {
    "ноль": 0, "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
    "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11,
    "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15,
    "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19,
    "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60,
    "семьдесят": 70, "восемьдесят": 80, "девяносто": 90, "сто": 100, "двести": 200,
    "триста": 300, "четыреста": 400, "пятьсот": 500, "шестьсот": 600, "семьсот": 700,
    "восемьсот": 800, "девятьсот": 900,
}  # fmt: skip
SCALES = {"тысяча": 1000, "тысячи": 1000, "тысяч": 1000, "миллион": 10**6, "миллиона": 10**6,
          "миллионов": 10**6}  # fmt: skip


def read_back(words: list[str]) -> int:
    """An independent reader: sum each group, multiply it by the scale word that follows."""
    total, group = 0, 0
    for word in words:
        if word in SCALES:
            total += group * SCALES[word]
            group = 0
        else:
            group += VALUES[word]
    return total + group


def expected_scale_form(group: int, forms: tuple[str, str, str]) -> str:
    last_two, last = group % 100, group % 10
    if last == 1 and last_two != 11:
        return forms[0]
    if last in (2, 3, 4) and last_two not in (12, 13, 14):
        return forms[1]
    return forms[2]


def check_grammar(words: list[str]) -> None:
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else None
        if word in ("одна", "две"):
            assert following in ("тысяча", "тысячи", "тысяч")
        if word in ("один", "два"):
            assert following not in ("тысяча", "тысячи", "тысяч")


@settings(max_examples=300)
@given(n=st.integers(0, MAX_NUMBER))
def test_reads_back_and_agrees(n: int) -> None:
    words = number_words_ru(n)
    assert read_back(words) == n
    assert set(words) <= set(VOCABULARY)
    check_grammar(words)
    millions, thousands = n // 10**6, n // 1000 % 1000
    if thousands:
        assert expected_scale_form(thousands, ("тысяча", "тысячи", "тысяч")) in words
    if millions:
        assert expected_scale_form(millions, ("миллион", "миллиона", "миллионов")) in words


def test_every_number_below_ten_thousand() -> None:
    for n in range(10000):
        words = number_words_ru(n)
        assert read_back(words) == n
        check_grammar(words)
        assert "ноль" not in words or n == 0


def test_digit_clips() -> None:
    assert digit_clips("0123456789") == [
        "ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять",
    ]  # fmt: skip
    assert digit_clips("*#") == ["звёздочка", "решётка"]
    assert digit_clips("") == []


@pytest.mark.parametrize(("digits", "char", "position"), [("12a", "a", 2), ("١", "١", 0)])
def test_digit_clips_refuses_other_characters(digits: str, char: str, position: int) -> None:
    with pytest.raises(ValueError) as info:
        digit_clips(digits)
    assert str(info.value) == f"digits: {char!r} at position {position} is not 0-9, * or #"


def test_vocabulary_is_complete_and_unique() -> None:
    assert len(VOCABULARY) == len(set(VOCABULARY)) == 47
    assert {"одна", "две", "тысяча", "тысячи", "тысяч"} <= set(VOCABULARY)
    assert {"миллион", "миллиона", "миллионов", "звёздочка", "решётка"} <= set(VOCABULARY)
