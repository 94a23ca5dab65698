"""The one error type a user sees for bad input: what is wrong and where."""


class InputError(Exception):
    """Input that cannot be read as a disclosure. Printed as one line, never as a traceback."""

    def __init__(self, path: str, problem: str, line: int | None = None):
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")


def unexpected(path: str, error: BaseException) -> InputError:
    """Any other failure while reading or checking one document, as that document's one-line error: one
    odd file must never cost the others their report (ruff reports its internal errors the same way)."""
    detail = " ".join(str(error).split())[:160]
    return InputError(path, f"gouji failed on this file ({type(error).__name__}{': ' + detail if detail else ''}); "
                            "the other files are not affected")
