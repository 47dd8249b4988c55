"""Read whole numbers (record ids, scores) from untrusted text."""

MAX_DIGITS = 9  # well inside a database integer


def parse_id(value: object) -> int | None:
    """Return the non-negative whole number `value` spells in ASCII digits, or None for
    anything else: signs, spaces inside, other scripts' digits ("²"), or absurd lengths."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
        return None
    return int(text)
