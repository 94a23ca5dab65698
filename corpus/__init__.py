"""Reading budget disclosures (text or PDF) into one document model."""

from corpus.errors import InputError
from corpus.model import (
    Cell,
    Column,
    Document,
    Metadata,
    Paragraph,
    Part,
    Row,
    Section,
    Sentence,
    Span,
    Table,
)

__all__ = [
    "Cell", "Column", "Document", "InputError", "Metadata", "Paragraph", "Part", "Row", "Section", "Sentence",
    "Span", "Table", "parse_document",
]


def parse_document(*paths: str):
    """Read one disclosure (one file, or a narrative file and a tables file) into a Document."""
    from corpus.parse import parse_document as _parse

    return _parse(*paths)
