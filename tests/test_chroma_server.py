"""The text index on a shared Chroma server (`chroma run`) instead of DATA/chroma; the facts stay local."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.load_bench import free_port, stop
from tests.conftest import gouji, seed

CHROMA = Path(sys.executable).parent / "chroma"
SEEDS = ["000", "003"]  # two of the smallest seeds (~100 chunks each)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A Chroma server on a free port, stopped at the end of the module."""
    import httpx

    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} not installed")
    folder = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen([str(CHROMA), "run", "--path", str(folder / "db"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"chroma run exited with {process.returncode}: "
                            f"{(folder / 'server.log').read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the Chroma server did not answer its heartbeat within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        stop(process, seconds=10)
        log.close()


@pytest.fixture(scope="module")
def indexed(server, tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    result = gouji("index", "--quiet", "--chroma-url", server, *(str(seed(prefix)) for prefix in SEEDS), data=data)
    assert result.returncode == 0, result.stderr
    assert "indexed 2" in result.stdout
    return data


def test_index_writes_chunks_to_the_server_and_facts_locally(server, indexed):
    import chromadb
    from chromadb.config import Settings

    from retrieval.vectors import COLLECTION, server_address

    host, port, ssl = server_address(server)
    client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=Settings(anonymized_telemetry=False))
    collection = client.get_collection(COLLECTION)
    assert collection.count() > 0
    paths = {metadata["path"] for metadata in collection.get(include=["metadatas"])["metadatas"]}
    assert paths == {str(seed(prefix)) for prefix in SEEDS}
    assert (indexed / "facts.sqlite").exists()
    assert not (indexed / "chroma").exists()


def test_index_again_is_incremental(server, indexed):
    result = gouji("index", "--quiet", "--chroma-url", server, *(str(seed(prefix)) for prefix in SEEDS), data=indexed)
    assert result.returncode == 0 and "indexed 0, unchanged 2" in result.stdout


def test_ask_and_search_use_the_server(server, indexed):
    asked = gouji("ask", "劳模慰问奖用在哪里", "--format", "json", "--chroma-url", server, data=indexed)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["intent"] == "search" and "劳模慰问" in answer["answer"]
    assert any(citation["path"] == str(seed("000")) for citation in answer["citations"])
    # search needs the text index: without the server it would say "no text index" (no DATA/chroma here)
    found = gouji("search", "机关运行经费", "--chroma-url", server, "--format", "json", "--limit", "3", data=indexed)
    assert found.returncode == 0, found.stderr
    results = json.loads(found.stdout)["results"]
    assert results and all(result["path"] in {str(seed(prefix)) for prefix in SEEDS} for result in results)
    assert not (indexed / "chroma").exists()


@pytest.mark.parametrize("command", [["search", "三公经费"], ["ask", "劳模慰问奖"], ["index", "--quiet", "PATH"]])
def test_unreachable_server_is_one_line_and_exit_2(tmp_path, command):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    args = [str(seed("003")) if word == "PATH" else word for word in command]
    result = gouji(*args, "--chroma-url", url, data=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"gouji: cannot reach the Chroma server at {url}: ")
    assert not (tmp_path / "chroma").exists()
