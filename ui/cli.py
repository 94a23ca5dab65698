"""The gouji command line. Sub-commands import only what they need, so `gouji parse` starts fast."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ui.batch import BatchError


def _parse_command(args: argparse.Namespace) -> int:
    from corpus import InputError, parse_document
    from corpus.errors import unexpected
    from corpus.serialize import document_data, document_text

    status = 0
    documents = []
    from corpus.readers import document_groups

    for paths in document_groups(args.files):
        try:
            documents.append(parse_document(*paths))
        except InputError as error:
            _say(str(error))
            status = 2
        except Exception as error:  # noqa: BLE001 - one file's failure is that file's one line
            _say(str(unexpected(paths[0], error)))
            status = 2
    if args.format == "json":
        payload = [document_data(document) for document in documents]
        json.dump(payload[0] if len(payload) == 1 else payload, sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif documents:
        _show("\n\n".join(document_text(document) for document in documents))
    return status


def _show(text: str) -> None:
    """Text for the terminal, line by line, with control characters from documents escaped."""
    from checker.report import terminal_safe

    print("\n".join(terminal_safe(line) for line in text.split("\n")))


def _say(message: str) -> None:
    """One line on stderr, with any control character from a file name or a document escaped."""
    from checker.report import terminal_safe

    print(f"gouji: {terminal_safe(message)}", file=sys.stderr)


class UsageError(Exception):
    """A command line or configuration gouji cannot act on: one line, exit 2, before any work."""


CONFIG_KEYS = ("select", "ignore")


def _config() -> dict:
    """[tool.gouji] in the pyproject.toml of the current folder, if any; unknown keys are refused."""
    import tomllib
    from pathlib import Path

    file = Path("pyproject.toml")
    if not file.exists():
        return {}
    try:
        config = tomllib.loads(file.read_text(encoding="utf-8")).get("tool", {}).get("gouji", {})
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as error:
        raise UsageError(f"pyproject.toml: cannot read [tool.gouji]: {error}") from None
    unknown = sorted(set(config) - set(CONFIG_KEYS))
    if unknown:
        raise UsageError(f"pyproject.toml [tool.gouji]: unknown key {', '.join(unknown)} (known: {', '.join(CONFIG_KEYS)})")
    return config


def rule_codes(value, where: str) -> list[str] | None:
    """Rule codes or prefixes from a comma string ("GJ2,GJ101") or a list (["GJ2", "GJ101"]); each must
    name at least one rule, so a typo never turns every check off."""
    import re

    from checker.rules import CATALOG

    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = [part for item in value for part in item.split(",")]
    else:
        raise UsageError(f"{where}: expected rule codes as a list or a comma-separated string, not {value!r}"[:200])
    codes = [item.strip().upper() for item in items if item.strip()]
    for code in codes:
        if not re.fullmatch(r"GJ\d{0,3}", code) or not any(rule.startswith(code) for rule in CATALOG):
            raise UsageError(f"{where}: {code} matches no rule (`gouji rules` lists them)")
    return codes or None


def _output_target(output: str | None) -> None:
    """--output names a file in a folder that exists: said before the work, not after it."""
    from pathlib import Path

    if output is None:
        return
    target = Path(output)
    if target.is_dir():
        raise UsageError(f"--output {output}: is a folder; give a file name")
    if not target.parent.is_dir():
        raise UsageError(f"--output {output}: no folder {target.parent}")


def _check_one(group: list[str], select: list[str] | None, ignore: list[str] | None, seconds: float | None = None):
    """Parse and check one document within its time limit; an unusable input comes back as its one-line
    message."""
    from checker.runner import check_document
    from corpus import InputError, parse_document
    from corpus.deadline import time_limit
    from corpus.errors import unexpected

    try:
        with time_limit(group[0], seconds):
            return check_document(parse_document(*group), select, ignore)
    except InputError as error:
        return str(error)
    except Exception as error:  # noqa: BLE001 - one file's failure is that file's one line
        return str(unexpected(group[0], error))


def _check_command(args: argparse.Namespace) -> int:
    config = _config()
    select = rule_codes(args.select, "--select") if args.select else rule_codes(config.get("select"), "[tool.gouji] select")
    ignore = rule_codes(args.ignore, "--ignore") if args.ignore else rule_codes(config.get("ignore"), "[tool.gouji] ignore")
    _output_target(args.output)
    reports, status = [], 0
    from functools import partial

    from corpus.readers import document_groups
    from ui.batch import workers

    groups = document_groups(args.paths)
    check_one = partial(_check_one, select=select, ignore=ignore, seconds=args.time_limit)
    with workers(args.jobs if len(groups) > 1 else 1, getattr(args, "ray", None)) as run:
        results = list(run(check_one, groups))
    for result in results:
        if isinstance(result, str):
            _say(result)
            status = 2
        else:
            reports.append(result)
    try:
        output = _render(args.format, reports)
    except ValueError as error:  # e.g. a pdf report asked for a text input
        _say(str(error))
        return 2
    if args.output:
        from pathlib import Path

        Path(args.output).write_bytes(output if isinstance(output, bytes) else output.encode("utf-8"))
    elif isinstance(output, bytes):
        sys.stdout.buffer.write(output)
    else:
        print(output)  # the text report escapes its own lines; json and html escape as their formats do
    if status:
        return status
    return 1 if any(report.errors for report in reports) else 0


def _render(fmt: str, reports):
    from importlib import import_module

    return import_module(f"checker.report.{fmt}").render(reports)


def _rules_command(args: argparse.Namespace) -> int:
    """The catalog, one summary per rule; with codes, each rule's page (what, why, example)."""
    from checker.rules import CATALOG
    from checker.rules.base import FAMILIES

    if args.codes:
        wanted = [code for code in sorted(CATALOG) if any(code.startswith(c.strip().upper()) for c in args.codes)]
        if not wanted:
            _say(f"no rule {', '.join(args.codes)}; `gouji rules` lists them")
            return 2
        for code in wanted:
            rule = CATALOG[code]
            print(f"{code} {rule.name} [{rule.severity}] · {FAMILIES[rule.family]}\n")
            print(rule.description() + "\n")
        return 0
    for family, title in FAMILIES.items():
        print(f"## {title}\n")
        for code, rule in sorted(CATALOG.items()):
            if rule.family == family:
                print(f"{code}  {rule.name}  [{rule.severity}]")
                print("    " + rule.summary().replace("\n", "\n    ") + "\n")
    print("`gouji rules GJnnn` shows a rule's page: what it checks, why, and an example.")
    return 0


def _data_folder(args: argparse.Namespace) -> str:
    import os

    return args.data or os.environ.get("GOUJI_DATA") or "data"


def _chroma_url(args: argparse.Namespace) -> str | None:
    """The shared Chroma server, if one is given: --chroma-url or $GOUJI_CHROMA_URL."""
    import os

    if not hasattr(args, "chroma_url"):  # a command without a text index
        return None
    return args.chroma_url or os.environ.get("GOUJI_CHROMA_URL") or None


def _index_command(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tqdm import tqdm

    from corpus.readers import document_groups
    from retrieval.datafolder import FACTS, StoreReadOnly, one_writer, set_aside, writable
    from retrieval.indexer import index
    from retrieval.store import FactStore

    folder = Path(_data_folder(args))
    if folder.exists() and not writable(folder):
        raise StoreReadOnly(folder)
    with one_writer(folder, say=_say):
        if args.rebuild and (moved := set_aside(folder, (*FACTS, "chroma"))):
            _say(f"{folder}: the store was set aside in {moved}; rebuilding it from the documents")
        store = FactStore(folder, verify=True)
        vectors = None
        if not args.facts_only:
            from retrieval.vectors import VectorIndex

            vectors = VectorIndex(folder, url=_chroma_url(args))
        bar = tqdm(total=len(document_groups(args.paths)), unit="doc", desc="indexing", disable=args.quiet)
        from ui.batch import workers

        with workers(args.jobs, getattr(args, "ray", None)) as run:
            result = index(args.paths, store, progress=lambda path: bar.update(1), vectors=vectors, mapper=run)
        bar.close()
    for path, problem in result.failed:
        _say(f"{path}: {problem}")
    for note in result.notes:  # one disclosure seen in several forms: which one was stored, over which
        _show(note)
    print(f"indexed {len(result.indexed)}, unchanged {len(result.skipped)}, failed {len(result.failed)} "
          f"→ {store.path}")
    return 2 if result.failed else 0


def _vectors(args: argparse.Namespace):
    """The text index on the Chroma server given, else the one built in the data folder, if any."""
    from pathlib import Path

    url = _chroma_url(args)
    if not url and not (Path(_data_folder(args)) / "chroma").exists():
        return None
    from retrieval.vectors import VectorIndex

    return VectorIndex(_data_folder(args), url=url)


def _search_command(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from retrieval.qa import Citation
    from retrieval.search import hybrid_search

    vectors = _vectors(args)
    if vectors is None:
        _say(f"no text index in {_data_folder(args)}: run gouji index first")
        return 2
    filters = {"year": args.year, "department": args.department, "kind": args.kind}
    found = hybrid_search(vectors, args.query, {key: value for key, value in filters.items() if value}, k=args.limit)
    results = [Citation(p.metadata["path"], p.metadata["department"], p.metadata["year"] or None,
                        p.metadata["section"] or None, p.metadata["table"] or None, p.metadata["page"] or None,
                        p.metadata["line"], p.page_content) for p in found]
    if args.format == "json":
        print(json.dumps({"query": args.query, "results": [asdict(r) for r in results]}, ensure_ascii=False, indent=1))
        return 0
    for number, result in enumerate(results, start=1):
        _show(f"[{number}] {result.department} {result.year or ''} {result.path}:{result.line} "
              f"{result.table or result.section or ''}\n    {result.quote[:160]}")
    return 0


def _ask_command(args: argparse.Namespace) -> int:
    from retrieval.phrasing import rephrase
    from retrieval.qa import Answerer
    from retrieval.store import FactStore

    answer = rephrase(Answerer(FactStore(_data_folder(args)), _vectors(args)).ask(args.question))
    if args.format == "json":
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=1))
        return 0
    _show(answer.answer)
    for number, citation in enumerate(answer.citations, start=1):
        where = f"第{citation.page}页 " if citation.page else ""
        _show(f"  [{number}] {citation.path}:{citation.line} {where}{citation.table or citation.section or ''}"
              f" “{citation.quote[:80]}”")
    return 0


def _serve_command(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ui.app import serve

    serve(Path(_data_folder(args)), args.host, args.port, facts_only=args.facts_only, chroma_url=_chroma_url(args))
    return 0


CHROMA_HELP = ("text index on a shared Chroma server, e.g. http://127.0.0.1:8000 (default: $GOUJI_CHROMA_URL; "
               "else DATA/chroma); the facts stay in the data folder")


def _check_arguments(check: argparse.ArgumentParser) -> None:
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or folders; join two files of one document with '+'")
    check.add_argument("--format", choices=["text", "json", "html", "xlsx", "pdf"], default="text")
    check.add_argument("--output", metavar="FILE")
    check.add_argument("--select", metavar="RULES", help="comma-separated codes or prefixes (GJ2, GJ101)")
    check.add_argument("--ignore", metavar="RULES", help="comma-separated codes or prefixes to leave out")
    check.add_argument("--jobs", type=int, default=1, metavar="N", help="check N documents at a time (processes)")
    check.add_argument("--time-limit", type=float, metavar="SECONDS",
                       help="give up on a document after this long (default: $GOUJI_TIME_LIMIT or 120; 0: none)")
    check.set_defaults(handler=_check_command)


def _index_arguments(index: argparse.ArgumentParser) -> None:
    index.add_argument("paths", nargs="+", metavar="PATH")
    index.add_argument("--data", metavar="DIR", help="data folder (default: $GOUJI_DATA or ./data)")
    index.add_argument("--quiet", action="store_true", help="no progress bar")
    index.add_argument("--facts-only", action="store_true", help="skip the text index (no embeddings)")
    index.add_argument("--jobs", type=int, default=1, metavar="N", help="parse and check in N processes")
    index.add_argument("--chroma-url", metavar="URL", help=CHROMA_HELP)
    index.add_argument("--rebuild", action="store_true",
                       help="set the data folder's store aside (damaged-<time>/) and build it again from PATHs")
    index.set_defaults(handler=_index_command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gouji", description="勾稽: budget disclosures, checked and searchable")
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse", help="read disclosures into the document model and print it")
    parse.add_argument("files", nargs="+", metavar="FILE",
                       help="a .txt/.pdf/.json disclosure; join two files of one document with '+'")
    parse.add_argument("--format", choices=["text", "json"], default="text")
    parse.set_defaults(handler=_parse_command)
    check = commands.add_parser("check", help="check disclosures: narrative against tables and itself")
    _check_arguments(check)
    index = commands.add_parser("index", help="parse, check and store documents' facts (unchanged files skipped)")
    _index_arguments(index)
    batch = commands.add_parser("batch", help="check or index many documents as Ray tasks (--ray) or processes")
    batch_commands = batch.add_subparsers(dest="batch_command", required=True)
    for name, arguments, text in (("check", _check_arguments, "check as Ray tasks"),
                                  ("index", _index_arguments, "parse and check as Ray tasks; this process writes")):
        command = batch_commands.add_parser(name, help=text)
        arguments(command)
        command.add_argument("--ray", nargs="?", const="", metavar="ADDRESS",
                             help="run on the Ray cluster at ADDRESS (e.g. ray://head:10001), or a local Ray if none")
    ask = commands.add_parser("ask", help="answer a question from the indexed facts, with citations")
    ask.add_argument("question")
    ask.add_argument("--data", metavar="DIR")
    ask.add_argument("--format", choices=["text", "json"], default="text")
    ask.add_argument("--chroma-url", metavar="URL", help=CHROMA_HELP)
    ask.set_defaults(handler=_ask_command)
    search = commands.add_parser("search", help="ranked passages with citations (hybrid BM25 + embeddings)")
    search.add_argument("query")
    search.add_argument("--year", type=int)
    search.add_argument("--department")
    search.add_argument("--kind", choices=["预算", "决算"])
    search.add_argument("--limit", type=int, default=8)
    search.add_argument("--data", metavar="DIR")
    search.add_argument("--format", choices=["text", "json"], default="text")
    search.add_argument("--chroma-url", metavar="URL", help=CHROMA_HELP)
    search.set_defaults(handler=_search_command)
    serve = commands.add_parser("serve", help="the web app (问答, 校核, 检索, 概览) on this machine")
    serve.add_argument("--data", metavar="DIR")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--facts-only", action="store_true", help="no text index (faster first start)")
    serve.add_argument("--chroma-url", metavar="URL", help=CHROMA_HELP)
    serve.set_defaults(handler=_serve_command)
    rules = commands.add_parser("rules", help="print the rule catalog, or one rule's page")
    rules.add_argument("codes", nargs="*", metavar="GJnnn", help="rules (or code prefixes, GJ2) to show in full")
    rules.set_defaults(handler=_rules_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except (BatchError, UsageError) as error:
        _say(str(error))
        return 2
    except Exception as error:
        from pathlib import Path
        from sqlite3 import DatabaseError, OperationalError

        from retrieval.datafolder import StoreDamaged, StoreReadOnly, StoreUnwritable, no_space

        if isinstance(error, StoreDamaged | StoreReadOnly | StoreUnwritable):
            _say(str(error))
            return 2
        if hasattr(args, "data") and (detail := no_space(error)):
            _say(str(StoreUnwritable(Path(_data_folder(args)), detail)))
            return 2
        if isinstance(error, DatabaseError) and not hasattr(args, "data"):
            raise
        if isinstance(error, OperationalError) and "readonly" in str(error):
            _say(f"{_data_folder(args)}: the data folder is read-only; ask and search work, index cannot write")
            return 2
        if isinstance(error, DatabaseError):  # a page damaged past what opening the store could see
            _say(str(StoreDamaged(Path(_data_folder(args)) / "facts.sqlite", str(error))))
            return 2
        message = _chroma_failure(error, _chroma_url(args))
        if message is None:
            import os

            if os.environ.get("GOUJI_DEBUG"):
                raise
            message = (f"internal error ({type(error).__name__}: {' '.join(str(error).split())[:160]}); "
                       "GOUJI_DEBUG=1 shows where")
        _say(message)
        return 2


def _chroma_failure(error: Exception, url: str | None) -> str | None:
    """One line for a Chroma server that cannot be reached or went away mid-command; None for other errors."""
    if not url:
        return None
    import traceback

    import httpx

    from retrieval.vectors import ChromaServerError

    if isinstance(error, ChromaServerError):
        return str(error)
    if isinstance(error, httpx.TransportError) and any(
            "chromadb" in frame.filename for frame in traceback.extract_tb(error.__traceback__)):
        return f"lost the Chroma server at {url}: {error or type(error).__name__}"
    return None


if __name__ == "__main__":
    sys.exit(main())
