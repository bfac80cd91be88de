"""The quick-entry line reader: what it reads, and what it leaves for the purchase form."""

from __future__ import annotations

from decimal import Decimal

import pytest

from production.quick_entry import parse_line

D = Decimal

# text → (packages, size, unit, words, price, is_total, price per package)
READ = [
    (
        "2 x 5 lb flour King Arthur 7.98",
        (2, D("5"), "lb", "flour King Arthur", D("7.98"), False, D("7.98")),
    ),
    ("2x 5 lb flour 7.98", (2, D("5"), "lb", "flour", D("7.98"), False, D("7.98"))),
    ("2× 5 lb flour 7.98", (2, D("5"), "lb", "flour", D("7.98"), False, D("7.98"))),
    ("flour 5 lb x2 7.98", (2, D("5"), "lb", "flour", D("7.98"), False, D("7.98"))),
    ("flour 5 lb x 3 7.98", (3, D("5"), "lb", "flour", D("7.98"), False, D("7.98"))),
    ("butter 1 lb 5.49 total", (1, D("1"), "lb", "butter", D("5.49"), True, D("5.49"))),
    ("3 x butter 1 lb 10.00 total", (3, D("1"), "lb", "butter", D("10.00"), True, D("3.33"))),
    ("2 x butter 1 lb 5.25 total", (2, D("1"), "lb", "butter", D("5.25"), True, D("2.63"))),
    ("flour 5lbs 7.98", (1, D("5"), "lb", "flour", D("7.98"), False, D("7.98"))),
    ("sugar 2 pounds 3.50", (1, D("2"), "lb", "sugar", D("3.50"), False, D("3.50"))),
    ("sugar 1 pound 1.99", (1, D("1"), "lb", "sugar", D("1.99"), False, D("1.99"))),
    ("cocoa 500 grams 6.25", (1, D("500"), "g", "cocoa", D("6.25"), False, D("6.25"))),
    ("cocoa 250g 3", (1, D("250"), "g", "cocoa", D("3"), False, D("3"))),
    ("flour 1 kilo 2.10", (1, D("1"), "kg", "flour", D("2.10"), False, D("2.10"))),
    ("flour 2,5 kg 4,20", (1, D("2.5"), "kg", "flour", D("4.20"), False, D("4.20"))),
    ("milk 1 litre 1.10", (1, D("1"), "l", "milk", D("1.10"), False, D("1.10"))),
    ("cream 500 ml 2.40", (1, D("500"), "ml", "cream", D("2.40"), False, D("2.40"))),
    ("vanilla 8 fl oz 12.99", (1, D("8"), "fl oz", "vanilla", D("12.99"), False, D("12.99"))),
    ("chocolate 10 ounces 4.49", (1, D("10"), "oz", "chocolate", D("4.49"), False, D("4.49"))),
    ("eggs 1 dozen 4.19", (1, D("1"), "dozen", "eggs", D("4.19"), False, D("4.19"))),
    ("boxes 12 each 9.00", (1, D("12"), "each", "boxes", D("9.00"), False, D("9.00"))),
    ("flour 5 lb $7.98", (1, D("5"), "lb", "flour", D("7.98"), False, D("7.98"))),
    ("flour 5 lb 7.98€", (1, D("5"), "lb", "flour", D("7.98"), False, D("7.98"))),
    ("  FLOUR   5 LB   7.98  ", (1, D("5"), "lb", "FLOUR", D("7.98"), False, D("7.98"))),
    ("7.98 flour 5 lb", (1, D("5"), "lb", "flour", D("7.98"), False, D("7.98"))),
    (
        "Bob's Red Mill oats 32 oz 5.99",
        (1, D("32"), "oz", "Bob's Red Mill oats", D("5.99"), False, D("5.99")),
    ),
    ("honey 1.5 lb 8", (1, D("1.5"), "lb", "honey", D("8"), False, D("8"))),
]

# text → a word the reason must contain
REFUSED = [
    ("flour 5 lb", "no price"),
    ("flour 5 lb 3.00 4.00", "more than one price"),
    ("flour 5 lb 0", "more than 0"),
    ("flour 5 lb -3.00", "more than 0"),
    ("flour 0 lb 3.00", "more than 0"),
    ("flour -5 lb 3.00", "more than 0"),
    ("0 x flour 5 lb 3.00", "at least 1"),
    ("5000 x flour 5 lb 3.00", "more than 1000"),
    ("flour 5 lb " + "9" * 70, "too long"),
    ("flour 5 lb 99999999", "too large"),
    ("flour 999999 kg 3.00", "too large"),
    ("asdf qwer", "no price"),
    ("!!! ???", "no price"),
    ("", "empty"),
    ("flour 2026-11-20 5 lb 3.00", "date"),
    ("flour 11/20 5 lb 3.00", "date"),
    ("flour 20.11.2026 5 lb 3.00", "date"),
    ("flour 1,000 g 3.00", "ambiguous"),
    ("flour 3.00", "package size"),
    ("5 lb 3.00", "name a product"),
    ("flour 5 lb 2 kg 3.00", "two package sizes"),
    ("2 x flour x3 5 lb 3.00", "count twice"),
    ("flour 5 lb 3.00001", "4 decimals"),
    ("flour 5.0001 lb 3.00", "3 decimals"),
    ("flour " * 50 + "5 lb 3", "too long"),
]


@pytest.mark.parametrize(("text", "expected"), READ, ids=[t for t, _ in READ])
def test_a_readable_line_gives_count_size_words_and_price(text, expected):
    line = parse_line(text)
    packages, size, unit, words, price, is_total, per_package = expected
    assert line.reason == ""
    assert (line.packages, line.package_quantity, line.package_unit) == (packages, size, unit)
    assert " ".join(line.words) == words
    assert (line.price, line.price_is_total, line.price_per_package) == (
        price,
        is_total,
        per_package,
    )


@pytest.mark.parametrize(("text", "why"), REFUSED, ids=[t[:40] for t, _ in REFUSED])
def test_an_unreadable_line_is_refused_with_a_reason(text, why):
    line = parse_line(text)
    assert not line.readable
    assert why in line.reason.lower()
    assert line.price is None and line.package_quantity is None


def test_the_case_table_has_at_least_thirty_cases():
    assert len(READ) + len(REFUSED) >= 30
