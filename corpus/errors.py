"""The one error type a user sees for bad input: what is wrong and where."""


class InputError(Exception):
    """Input that cannot be read as a disclosure. Printed as one line, never as a traceback."""

    def __init__(self, path: str, problem: str, line: int | None = None):
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")
