"""Calls a mock BlueKing through BlueKing's own Python client core (PyPI `bkapi-client-core`), as its generated
SDKs do: operations bound to an ESB client (`ESBClient`) and to a gateway client (`APIGatewayClient`).

Reads {"url": ..., "calls": [{"client": "esb" | "gateway", "gateway": ..., "method": ..., "path": ...,
"data": ...}]} on stdin; prints one JSON list: per call {"status": ..., "body": ...}. The Rust test
(tests/tests/python_client.rs) decides what is right.
"""
import json
import sys

from bkapi_client_core.apigateway import APIGatewayClient
from bkapi_client_core.esb import ESBClient, Operation, bind_property
from bkapi_client_core.exceptions import HTTPResponseError


def operations(calls):
    return {
        "op%d" % i: bind_property(Operation, name="op%d" % i, method=c["method"], path=c["path"])
        for i, c in enumerate(calls)
    }


def main():
    spec = json.load(sys.stdin)
    url = spec["url"]
    results = []
    for i, call in enumerate(spec["calls"]):
        ops = operations([call])
        if call["client"] == "esb":
            client = type("MockEsb", (ESBClient,), ops)(endpoint=url, bk_api_ver="v2")
        else:
            attrs = dict(ops, _api_name=call["gateway"])
            client = type("MockGateway", (APIGatewayClient,), attrs)(endpoint=url + "/api/{api_name}", stage="prod")
        client.update_bkapi_authorization(bk_app_code="py-app", bk_app_secret="py-secret", bk_username="admin")
        try:
            body = getattr(client, "op0")(data=call["data"])
            results.append({"status": 200, "body": body})
        except HTTPResponseError as error:
            response = error.response
            results.append({"status": response.status_code, "body": response.json()})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
