"""The gouji command line. Sub-commands import only what they need, so `gouji parse` starts fast."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence


def _parse_command(args: argparse.Namespace) -> int:
    from corpus import InputError, parse_document
    from corpus.serialize import document_data, document_text

    status = 0
    documents = []
    for group in args.files:
        paths = group.split("+")  # narrative.pdf+tables.pdf: one document published as two files
        try:
            documents.append(parse_document(*paths))
        except InputError as error:
            print(f"gouji: {error}", file=sys.stderr)
            status = 2
    if args.format == "json":
        payload = [document_data(document) for document in documents]
        json.dump(payload[0] if len(payload) == 1 else payload, sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif documents:
        print("\n\n".join(document_text(document) for document in documents))
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gouji", description="勾稽: budget disclosures, checked and searchable")
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse", help="read disclosures into the document model and print it")
    parse.add_argument("files", nargs="+", metavar="FILE",
                       help="a .txt/.pdf/.json disclosure; join two files of one document with '+'")
    parse.add_argument("--format", choices=["text", "json"], default="text")
    parse.set_defaults(handler=_parse_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
