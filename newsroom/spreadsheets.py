"""CSV for spreadsheet programs: cells they will not run as formulas, written line by line."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"  # spreadsheet programs then read the file as UTF-8 (Hungarian letters)


def inert(text: str) -> str:
    """A cell a spreadsheet will not run as a formula: text from people and uploads may start like one."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value
