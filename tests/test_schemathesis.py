"""schemathesis against the app's own OpenAPI schema: generated requests never get a server error
or a response that breaks the documented schema (fake embedder; bounded examples; slow)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from api.app import create_app
from api.service import Service
from tests.conftest import FakeEmbedder, fake_settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_schema(fake_bundled_index: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    index_dir = tmp_path_factory.mktemp("schemathesis") / "index"
    shutil.copytree(fake_bundled_index, index_dir)
    app = create_app(Service(fake_settings(index_dir), FakeEmbedder()))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    # Every response is documented and matches its schema. Not checked: that schema-valid
    # uploads are accepted (a file of an unsupported type is valid multipart but refused, 422,
    # by design) and the Allow header on probes with undeclared methods (Starlette's 405).
    case.validate_response(response, excluded_checks=[checks.positive_data_acceptance,
                                                      checks.allow_header_conformance,
                                                      checks.unsupported_method])
