"""Property-based API fuzzing with schemathesis against ivrd's own OpenAPI schema.

Every operation gets bounded, derandomised examples (positive and negative), sent over real
HTTP with a configuring token. The checks: no 5xx ever, and every documented answer matches
its schema. ``IVRD_FUZZ_EXAMPLES`` raises the bound for a longer hand run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from .conftest import Server, Tenant, make_tenant

EXAMPLES = int(os.environ.get("IVRD_FUZZ_EXAMPLES", "15"))


@pytest.fixture(scope="module")
def fuzz_tenant(server: Server) -> Tenant:
    return make_tenant(server)


@pytest.fixture(scope="module")
def api_schema(server: Server) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{server.base_url}/api/ver1.0/openapi.json")


def _fuzz_operation(operation: schemathesis.APIOperation, server: Server, token: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(
            base_url=server.base_url,
            headers={"Authorization": f"Bearer {token}"},
            checks=[not_a_server_error, response_schema_conformance],
        )

    run()


def test_no_server_errors_and_answers_match_schema(
    api_schema: schemathesis.BaseSchema, server: Server, fuzz_tenant: Tenant
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 10
    for operation in operations:
        _fuzz_operation(operation, server, fuzz_tenant.token)
