"""kg/web/openapi.yaml validates, and schemathesis run against the live server finds no failures.

Schemathesis runs through its CLI, bounded in examples and time. /sparql runs
without the positive-data check: a schema cannot describe the SPARQL grammar,
so a schema-valid random string is still (rightly) a 400 syntax error; every
other check applies to it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import LiveServer
from openapi_spec_validator import validate

SPEC = Path(__file__).resolve().parents[1] / "kg" / "web" / "openapi.yaml"
BOUNDS = ["--max-examples", "20", "--max-time", "45", "--seed", "7", "--request-timeout", "30", "--workers", "1"]


def test_openapi_file_validates() -> None:
    validate(yaml.safe_load(SPEC.read_text(encoding="utf-8")))


def _schemathesis(server: LiveServer, *options: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "schemathesis.cli", "run", str(SPEC), "--url", server.url + "/",
               "--checks", "all", *BOUNDS, *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_schemathesis_graph_api_exports_pages(live_server: LiveServer) -> None:
    run = _schemathesis(live_server, "--exclude-path", "/sparql")
    assert run.returncode == 0, run.stdout[-6000:]
    assert live_server.alive()


@pytest.mark.slow
def test_schemathesis_sparql_endpoint(live_server: LiveServer) -> None:
    run = _schemathesis(live_server, "--include-path", "/sparql", "--exclude-checks", "positive_data_acceptance")
    assert run.returncode == 0, run.stdout[-6000:]
    assert live_server.get("/healthz").status_code == 200
