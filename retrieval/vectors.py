"""The text index: chromadb on disk (data folder) or on a shared Chroma server, with the offline embeddings
computed here either way (the server never needs a model); telemetry off."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from retrieval.chunks import Chunk

COLLECTION = "gouji_chunks"
CONNECT_TIMEOUT = 10.0  # seconds; chromadb's own HTTP client waits forever


class ChromaServerError(ValueError):
    """The Chroma server URL is malformed, or the server cannot be reached: a one-line message."""


def server_address(url: str) -> tuple[str, int, bool]:
    """host, port and ssl of http(s)://HOST[:PORT] (port 80/443 when left out)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise ChromaServerError(f"bad Chroma server URL {url!r}: {error}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/") \
            or parts.query or parts.fragment:
        raise ChromaServerError(f"bad Chroma server URL {url!r}: expected http(s)://HOST:PORT")
    ssl = parts.scheme == "https"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname  # IPv6
    return host, port or (443 if ssl else 80), ssl


def _reason(error: BaseException) -> str:
    """The network cause behind chromadb's generic 'Could not connect' message, when there is one."""
    import httpx

    cause = error.__cause__ or error.__context__
    if isinstance(cause, httpx.HTTPError) and not isinstance(error, httpx.HTTPError):
        error = cause
    return str(error) or type(error).__name__


def _private_copy(place: Path) -> Path:
    """A copy of a read-only text index in a temporary folder removed at exit (chroma writes to its
    files even to read them)."""
    import atexit
    import shutil
    import tempfile

    copy = Path(tempfile.mkdtemp(prefix="gouji-chroma-")) / "chroma"
    atexit.register(shutil.rmtree, copy.parent, ignore_errors=True)
    shutil.copytree(place, copy)
    for path in [copy, *copy.rglob("*")]:  # the copy keeps the originals' read-only modes otherwise
        path.chmod(path.stat().st_mode | 0o200)
    return copy


class VectorIndex:
    def __init__(self, folder: str | Path, url: str | None = None):
        """The index in `folder`/chroma, or on the Chroma server at `url` (then nothing is written to
        `folder`). An unreachable server raises ChromaServerError."""
        import chromadb
        from chromadb.config import Settings

        from retrieval.embeddings import E5Embeddings

        self.embeddings = E5Embeddings()
        self.url = url
        settings = Settings(anonymized_telemetry=False)
        if url:
            host, port, ssl = server_address(url)
            self._heartbeat(url, host, port, ssl)
            try:
                self.client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
                self.collection = self._collection()
            except Exception as error:  # chromadb turns connection errors into ValueError and others
                raise ChromaServerError(f"cannot reach the Chroma server at {url}: {_reason(error)}") from error
        else:
            self._open_local(Path(folder), chromadb, settings)

    def _open_local(self, folder: Path, chromadb, settings) -> None:
        """The on-disk index, verified: one that chroma cannot load (an unclean stop, a damaged file) is set
        aside and started again empty, with a message; `gouji index` then finds every document's chunks
        missing and embeds them again. Never left broken for every later command. A data folder that
        cannot be written (a read-only mount) is read from a private copy: chroma cannot open its files
        read-only."""
        from chromadb.api.client import SharedSystemClient

        from retrieval.datafolder import StoreDamaged, StoreUnwritable, no_space, set_aside, writable

        place = folder / "chroma"
        read_only = place.exists() and not (writable(folder) and writable(place))
        if read_only:
            place = _private_copy(place)
        for attempt in range(2):
            try:
                self.client = chromadb.PersistentClient(path=str(place), settings=settings)
                self.collection = self._collection()
                self.collection.count()
                self.collection.peek(1)
                return
            except Exception as error:  # noqa: BLE001 - chromadb raises its own internal error types
                if detail := no_space(error):  # a full disk is not damage: nothing is set aside
                    raise StoreUnwritable(folder, detail) from None
                # chromadb keeps one system per path in a process: a stale one is dropped and tried again
                SharedSystemClient.clear_system_cache()
                if attempt == 0:
                    continue
                if read_only:
                    raise StoreDamaged(folder / "chroma", f"chroma cannot load it: {type(error).__name__}") from None
                moved = set_aside(folder, ("chroma",))
                print(f"gouji: {place}: the text index could not be loaded ({type(error).__name__}); "
                      f"set aside in {moved}, started again empty: `gouji index` embeds the documents again",
                      file=sys.stderr)
        self.client = chromadb.PersistentClient(path=str(place), settings=settings)
        self.collection = self._collection()

    def _collection(self):
        # the embedding function is always passed: without it chromadb would fetch its default model
        return self.client.get_or_create_collection(COLLECTION, embedding_function=self.embeddings,
                                                    metadata={"hnsw:space": "cosine"})

    @staticmethod
    def _heartbeat(url: str, host: str, port: int, ssl: bool) -> None:
        """Fail fast (chromadb's client has no connect timeout) and say why."""
        import httpx

        address = f"{'https' if ssl else 'http'}://{host}:{port}/api/v2/heartbeat"
        try:
            response = httpx.get(address, timeout=CONNECT_TIMEOUT)
        except httpx.HTTPError as error:
            raise ChromaServerError(f"cannot reach the Chroma server at {url}: {_reason(error)}") from None
        if response.status_code != 200:
            raise ChromaServerError(f"cannot reach the Chroma server at {url}: HTTP {response.status_code} "
                                    "from /api/v2/heartbeat (not a Chroma 1.x server?)")

    def replace(self, path: str, chunks: list[Chunk]) -> None:
        """A document's chunks, replacing what an earlier run stored for the same path."""
        self.collection.delete(where={"path": path})
        if not chunks:
            return
        ids = [hashlib.sha1(f"{path}#{i}".encode()).hexdigest() for i in range(len(chunks))]
        for start in range(0, len(chunks), 256):
            batch = chunks[start:start + 256]
            self.collection.add(ids=ids[start:start + 256], documents=[c.text for c in batch],
                                metadatas=[c.metadata for c in batch])

    def chunk_count(self, path: str) -> int:
        """How many chunks of `path` the index holds (ids only)."""
        return len(self.collection.get(where={"path": path}, include=[])["ids"])

    def paths(self) -> set[str]:
        return {m["path"] for m in self.collection.get(include=["metadatas"])["metadatas"]}

    def count(self) -> int:
        return self.collection.count()
