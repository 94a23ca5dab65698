"""Hybrid search: a jieba + BM25 leg (bm25s) and an embedding leg (chromadb), fused by LangChain's
EnsembleRetriever (reciprocal rank fusion), with metadata filters (year, department, kind, section, table)."""

from __future__ import annotations

from functools import cache

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as Passage
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from retrieval.vectors import VectorIndex


def _tokens(text: str) -> list[str]:
    import logging

    import jieba

    jieba.setLogLevel(logging.ERROR)
    return [token for token in jieba.lcut(text) if token.strip() and len(token) > 1 or token.isdigit()]


def _matches(metadata: dict, filters: dict) -> bool:
    for key, wanted in filters.items():
        value = metadata.get(key)
        if key == "department" and wanted and wanted not in str(value):
            return False
        if key != "department" and wanted not in (None, "") and value != wanted:
            return False
    return True


class VectorRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    index: VectorIndex
    filters: dict = Field(default_factory=dict)
    k: int = 8

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Passage]:
        exact = {key: value for key, value in self.filters.items() if key in ("year", "kind") and value}
        where = {"$and": [{key: value} for key, value in exact.items()]} if len(exact) > 1 else (exact or None)
        found = self.index.collection.query(query_embeddings=[self.index.embeddings.embed_query(query)],
                                            n_results=self.k * 3, where=where)
        passages = [Passage(page_content=text, metadata=metadata)
                    for text, metadata in zip(found["documents"][0], found["metadatas"][0])
                    if _matches(metadata, self.filters)]
        return passages[: self.k]


class Bm25Retriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    texts: list[str]
    metadatas: list[dict]
    engine: object
    filters: dict = Field(default_factory=dict)
    k: int = 8

    @classmethod
    def build(cls, index: VectorIndex, filters: dict, k: int) -> Bm25Retriever:
        texts, metadatas, engine = _bm25(index, index.count())
        return cls(texts=texts, metadatas=metadatas, engine=engine, filters=filters, k=k)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Passage]:
        if not self.texts:
            return []
        results, scores = self.engine.retrieve([_tokens(query)], k=min(len(self.texts), self.k * 5),
                                               show_progress=False)
        passages = [Passage(page_content=self.texts[i], metadata=self.metadatas[i])
                    for i, score in zip(results[0], scores[0]) if score > 0 and _matches(self.metadatas[i], self.filters)]
        return passages[: self.k]


@cache
def _bm25(index: VectorIndex, count: int):
    """The BM25 index over every chunk, built once per process and collection size."""
    import bm25s

    stored = index.collection.get(include=["documents", "metadatas"])
    texts, metadatas = stored["documents"], stored["metadatas"]
    engine = bm25s.BM25()
    if texts:
        engine.index([_tokens(text) for text in texts], show_progress=False)
    return texts, metadatas, engine


def hybrid_search(index: VectorIndex, query: str, filters: dict | None = None, k: int = 8) -> list[Passage]:
    from langchain_classic.retrievers import EnsembleRetriever

    filters = filters or {}
    retriever = EnsembleRetriever(retrievers=[Bm25Retriever.build(index, filters, k),
                                              VectorRetriever(index=index, filters=filters, k=k)],
                                  weights=[0.5, 0.5])
    return retriever.invoke(query)[:k]
