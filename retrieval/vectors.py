"""The text index: chromadb on disk (data folder) with the offline embeddings; telemetry off."""

from __future__ import annotations

import hashlib
from pathlib import Path

from retrieval.chunks import Chunk

COLLECTION = "gouji_chunks"


class VectorIndex:
    def __init__(self, folder: str | Path):
        import chromadb
        from chromadb.config import Settings

        from retrieval.embeddings import E5Embeddings

        self.embeddings = E5Embeddings()
        self.client = chromadb.PersistentClient(path=str(Path(folder) / "chroma"),
                                                settings=Settings(anonymized_telemetry=False))
        # the embedding function is always passed: without it chromadb would fetch its default model
        self.collection = self.client.get_or_create_collection(COLLECTION, embedding_function=self.embeddings,
                                                               metadata={"hnsw:space": "cosine"})

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

    def paths(self) -> set[str]:
        return {m["path"] for m in self.collection.get(include=["metadatas"])["metadatas"]}

    def count(self) -> int:
        return self.collection.count()
