"""The toolkit's exceptions.

Every deliberate error raised by the toolkit subclasses :class:`ToolkitError` and one builtin
(``ValueError`` or ``OSError``), so ``except ValueError`` keeps working in user code.

Messages follow one pattern: where (file, line, column or parameter), what is wrong, what was
found versus expected, and what to do next.
"""

from __future__ import annotations

__all__ = [
    "ToolkitError",
    "ExportFormatError",
    "SchemaError",
    "InputFileError",
    "ParameterError",
    "ReportError",
]


class ToolkitError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class ExportFormatError(ToolkitError, ValueError):
    """An input file cannot be read as the export it claims (or appears) to be.

    Attributes
    ----------
    file, line, column : str | int | None
        Where the problem is, when known. ``line`` is the 1-based physical line in the file.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: str | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column


class SchemaError(ToolkitError, ValueError):
    """A table does not satisfy its canonical schema (see :mod:`toolkit.schema`).

    Attributes
    ----------
    problems : list[str]
        Every problem found, not only the first.
    """

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class InputFileError(ToolkitError, OSError):
    """A path given to the toolkit does not exist, is empty, or cannot be opened."""


class ParameterError(ToolkitError, ValueError):
    """A function argument has a value the function cannot use."""


class ReportError(ToolkitError, RuntimeError):
    """Rendering a report failed (names the notebook and the cell)."""


def __dir__() -> list[str]:
    # dir() and tab completion offer the public names only, not the helpers this module imports
    return sorted(__all__)
