"""Optional: an LLM rephrases a rule-based answer (OpenAI-compatible endpoint in GOUJI_LLM_URL, through
LangChain). Off by default. The rephrased text is used only if every figure in it is a figure of the
facts-based answer, so the model can reword but never invent or alter a number."""

from __future__ import annotations

import os
import re
from dataclasses import replace

from retrieval.qa import Answer

FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?")
PROMPT = ("请把下面的预算问答改写得更通顺，用中文回答，不得增加、删除或改动任何数字，不要编造信息。\n"
          "问题：{question}\n答案：{answer}")


def figures(text: str) -> set[str]:
    return {figure.replace(",", "") for figure in FIGURE.findall(text)}


def rephrase(answer: Answer) -> Answer:
    url = os.environ.get("GOUJI_LLM_URL")
    if not url:
        return answer
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        return answer  # the optional extra is not installed: the rule-based answer stands
    model = ChatOpenAI(base_url=url, api_key=os.environ.get("GOUJI_LLM_KEY", "none"),
                       model=os.environ.get("GOUJI_LLM_MODEL", "default"), temperature=0, timeout=20)
    try:
        text = model.invoke(PROMPT.format(question=answer.question, answer=answer.answer)).content
    except Exception:  # noqa: BLE001 - any endpoint failure falls back to the facts-based answer
        return answer
    if not isinstance(text, str) or not text.strip() or not figures(text) <= figures(answer.answer):
        return answer
    return replace(answer, answer=text.strip())
