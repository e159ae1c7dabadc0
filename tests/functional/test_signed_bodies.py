"""Signed requests WITH bodies, checked by the vendor's own signer (huaweicloudsdkcore), not by deskkit's.

- client: the generated client of the corpus spec ``signed.yaml`` sends POST and PUT requests with JSON bodies
  (non-ASCII text, keys holding ``~`` and ``/``) to a loopback HTTP server that records each request as it
  arrived; the vendor's signer, handed that request (raw path, decoded query, the headers received, the body
  bytes received, the same X-Sdk-Date), must compute the same Authorization, and the body received must be the
  JSON of what the caller passed.
- mock: ``deskkit mock --ak --sk`` on the same bindings serves a vendor-signed POST with a JSON body, and refuses
  it once one byte of the body changes (the verifier hashes the body it received).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytest.importorskip("huaweicloudsdkcore", reason="the vendor's signer (huaweicloudsdkcore, test extra) is the oracle")

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest

from generator.mock import MockConfig, create_app

AK, SK = "HPUAXXXXXXXXXXXXXXXX", "deskkit-test-secret-key-0123456789abcdefgh"
PROJECT = "0bec5db98280d2d02fd6c00c2de791ce"
WHEN = datetime(2024, 3, 1, 12, 30, 5, tzinfo=UTC)
#: What deskkit documents as never signed (hop-level headers); the vendor is handed the others as received.
HOP_LEVEL = {"authorization", "accept-encoding", "connection", "content-length"}


class Arrived(NamedTuple):
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes


class _Recorder(BaseHTTPRequestHandler):
    arrived: list[Arrived]

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.arrived.append(Arrived(self.command, self.path, list(self.headers.items()), body))
        answer = b'{"count": 1}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_POST = do_PUT = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[Arrived]]]:
    arrived: list[Arrived] = []
    handler = type("Recorder", (_Recorder,), {"arrived": arrived})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", arrived
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def vendor_authorization(arrived: Arrived) -> str:
    """The vendor SDK's signer over the request as it arrived."""
    path, _, query = arrived.target.partition("?")
    headers = {name: value for name, value in arrived.headers
               if name.lower() not in HOP_LEVEL and "_" not in name}
    # http.server reads header bytes as Latin-1; the vendor hashes text as UTF-8: hand it the text that was sent.
    headers = {name: value.encode("latin-1").decode("utf-8") for name, value in headers.items()}
    request = SdkRequest(method=arrived.method, schema="http", host=headers.get("Host", ""), resource_path=path,
                         query_params=parse_qsl(query, keep_blank_values=True), header_params=headers,
                         body=arrived.body)
    BasicCredentials(AK, SK).sign_request(request)  # project id and X-Sdk-Date: already among the headers
    return str(request.header_params["Authorization"])


KEYS = st.one_of(st.sampled_from(["", "~", "/", "a/b", "~1", "~0/", "名字", "é~/"]), st.text(max_size=6))
specs = st.fixed_dictionaries({"name": st.text(max_size=12)},
                              optional={"labels": st.dictionaries(KEYS, st.text(max_size=6), max_size=3)})
# Ids the client sends (it refuses, before sending, ids that could leave their path segment).
ids = st.one_of(st.sampled_from(["t-1", "a b", "é€", "x~y", "%41"]),
                st.text(st.characters(codec="utf-8", exclude_characters="/\\", exclude_categories=("Cc", "Cs")),
                        min_size=1, max_size=6).filter(lambda s: ".." not in s and s != "."))


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["POST", "PUT"]), spec=specs, thing_id=ids, dry_run=st.none() | st.booleans())
@example(method="POST", spec={"name": "héllo", "labels": {"a/b": "~", "": "/"}}, thing_id="t", dry_run=None)
def test_signed_bodies_agree_with_the_vendor_signer(corpus: Path, server: tuple[str, list[Arrived]], method: str,
                                                    spec: dict[str, Any], thing_id: str, dry_run: bool | None) -> None:
    url, arrived = server
    module = importlib.import_module("corpus_signed.client")
    with module.SignedClient(base_url=url, ak=AK, sk=SK, project_id=PROJECT, clock=lambda: WHEN,
                             max_retries=0) as client:
        if method == "POST":
            client.create_thing(body=spec)
        else:
            client.update_thing(thing_id, body=spec, dry_run=dry_run)
    request = arrived.pop()
    assert request.method == method and request.body, "a request with a body was sent"
    assert json.loads(request.body) == spec  # the JSON of what the caller passed, nothing else
    received = dict((name.lower(), value) for name, value in request.headers)
    assert received["authorization"] == vendor_authorization(request)


def vendor_signed_post(body: bytes, sdk_date: str) -> httpx.Request:
    request = SdkRequest(method="POST", schema="http", host="mock.test", resource_path="/v1/things",
                         query_params=[], header_params={"Content-Type": "application/json", "X-Sdk-Date": sdk_date},
                         body=body)
    BasicCredentials(AK, SK, PROJECT).sign_request(request)
    headers = [(name.encode(), str(value).encode("latin-1")) for name, value in request.header_params.items()]
    return httpx.Request("POST", "http://mock.test" + request.uri, headers=headers, content=body)


def test_the_mock_verifies_a_vendor_signed_body(corpus: Path) -> None:
    app = create_app(MockConfig(package="corpus_signed", ak=AK, sk=SK, seed=1))
    sdk_date = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    body = json.dumps({"name": "é", "labels": {"a/b": "~1"}}).encode()
    signed = vendor_signed_post(body, sdk_date)
    tampered = vendor_signed_post(body, sdk_date)
    tampered.stream = httpx.ByteStream(body.replace(b"a/b", b"a/c"))

    async def send(request: httpx.Request) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app)) as client:
            return await client.send(request)

    served, refused = asyncio.run(send(signed)), asyncio.run(send(tampered))
    assert served.status_code == 200, served.text
    assert refused.status_code == 401 and refused.json()["error_code"] == "APIGW.0301", refused.text
