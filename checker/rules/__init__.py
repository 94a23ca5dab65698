"""The rule catalog. Each rule is a small class with a code (GJnnn), a name, a family, a default
severity and a docstring that says what it checks and why; `gouji rules` prints them.

Rules register themselves when their family module is imported below.
"""

from checker.rules import (  # noqa: F401 - imported to register the rules
    arithmetic,
    completeness,
    cross_table,
    lists,
    performance,
    repeats,
    table_internal,
    text_table,
    wording,
)
from checker.rules.base import CATALOG, CheckContext, Rule, register

__all__ = ["CATALOG", "CheckContext", "Rule", "register"]
