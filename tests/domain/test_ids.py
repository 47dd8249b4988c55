"""Whole numbers read from untrusted text."""

import pytest

from lti_tool.domain.ids import parse_id


@pytest.mark.parametrize(("value", "expected"), [
    ("42", 42), (" 7 ", 7), (0, 0), (123456789, 123456789), ("0012", 12),
    ("²", None), ("٣", None), ("-3", None), ("+3", None), ("4 2", None), ("", None),
    ("9" * 10, None), ("1e3", None), (None, None), (True, None), (3.0, None),
])
def test_parse_id_accepts_only_ascii_digits_of_a_sane_length(value, expected):
    assert parse_id(value) == expected
