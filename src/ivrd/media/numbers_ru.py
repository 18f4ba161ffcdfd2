"""Russian numerals as the clip names the voice pack holds, for ``play_digits``.

A number is said by concatenating recorded words, so the words must agree the way a speaker
would: "одна тысяча", "две тысячи", "пять тысяч", "двадцать один миллион". Thousands are
feminine (одна/две), millions and the units masculine; the scale word takes the form the
last two digits of its group ask for (1 → тысяча, 2–4 → тысячи, 0 and 5–20 → тысяч). A leading
"one" is said ("одна тысяча", "один миллион"), the way amounts are read out in full.
"""

from __future__ import annotations

__all__ = ["MAX_NUMBER", "VOCABULARY", "digit_clips", "number_words_ru"]

MAX_NUMBER = 999_999_999
UNITS = ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
FEMININE = {1: "одна", 2: "две"}
TEENS = (
    "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать",
    "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать",
)  # fmt: skip
TENS = {
    2: "двадцать", 3: "тридцать", 4: "сорок", 5: "пятьдесят",
    6: "шестьдесят", 7: "семьдесят", 8: "восемьдесят", 9: "девяносто",
}  # fmt: skip
HUNDREDS = {
    1: "сто", 2: "двести", 3: "триста", 4: "четыреста", 5: "пятьсот",
    6: "шестьсот", 7: "семьсот", 8: "восемьсот", 9: "девятьсот",
}  # fmt: skip
THOUSAND = ("тысяча", "тысячи", "тысяч")  # forms for 1, 2–4, many
MILLION = ("миллион", "миллиона", "миллионов")
SYMBOLS = {"*": "звёздочка", "#": "решётка"}

VOCABULARY: tuple[str, ...] = (
    *UNITS, *FEMININE.values(), *TEENS, *TENS.values(), *HUNDREDS.values(),
    *THOUSAND, *MILLION, *SYMBOLS.values(),
)  # fmt: skip


def number_words_ru(n: int) -> list[str]:
    """The words for ``n`` (0..999 999 999) in order, each the name of one clip."""
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"number {n} is out of range 0..{MAX_NUMBER}")
    if n == 0:
        return [UNITS[0]]
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    words: list[str] = []
    if millions:
        words += [*_group(millions, feminine=False), _plural(millions, MILLION)]
    if thousands:
        words += [*_group(thousands, feminine=True), _plural(thousands, THOUSAND)]
    if units:
        words += _group(units, feminine=False)
    return words


def digit_clips(digits: str) -> list[str]:
    """One clip per character for the ``iterated`` method: digits, '*' and '#'."""
    clips = []
    for position, char in enumerate(digits):
        if char in SYMBOLS:
            clips.append(SYMBOLS[char])
        elif char.isascii() and char.isdigit():
            clips.append(UNITS[int(char)])
        else:
            raise ValueError(f"digits: {char!r} at position {position} is not 0-9, * or #")
    return clips


def _group(n: int, feminine: bool) -> list[str]:
    """Words for 1..999; ``feminine`` for a group counting thousands."""
    hundreds, rest = divmod(n, 100)
    words = [HUNDREDS[hundreds]] if hundreds else []
    if 10 <= rest <= 19:
        return [*words, TEENS[rest - 10]]
    tens, unit = divmod(rest, 10)
    if tens:
        words.append(TENS[tens])
    if unit:
        words.append(FEMININE[unit] if feminine and unit in FEMININE else UNITS[unit])
    return words


def _plural(n: int, forms: tuple[str, str, str]) -> str:
    """Russian plural agreement with the number ``n``: forms for 1, 2–4 and the rest."""
    if 11 <= n % 100 <= 14:
        return forms[2]
    if n % 10 == 1:
        return forms[0]
    if 2 <= n % 10 <= 4:
        return forms[1]
    return forms[2]
