"""Report writers: text (linter lines), json, html, pdf (annotated original), xlsx (检查表)."""
