"""The fleet's rules for its contracts, read from every Services/*/openapi.yaml without running
anything: the conventions a new service's document must follow too. Run by ConformanceTests.swift;
exits non-zero naming each document, operation and rule broken.

- Refusals are problem documents: one `Problem` schema per document, with the members every
  problem has, which every `application/problem+json` answer references; the fleet-wide
  responses (BadRequest, Unauthenticated, …) are the same text in every document.
- Every operation documents what the gateway and Shared answer for it: 429 and 503 always; 401
  when it takes a token; 400 when it reads a body, a path or a query parameter; 404 when its path
  names something; 413 when it takes a body; 415 and 422 when that body is JSON; 422 when it
  reads a query.
- Lists (operations taking a `cursor`) answer `{items, nextCursor}`, `nextCursor` always present
  and null on the last page.
- No `default` response: it would document every status and hide an undocumented one."""
import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[4]
METHODS = ("get", "put", "post", "delete", "patch")
SHARED_RESPONSES = ("BadRequest", "Unauthenticated", "Forbidden", "NotFound", "Conflict", "ContentTooLarge",
                    "UnsupportedMediaType", "ValidationFailed", "TooManyRequests", "Unavailable")
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "code"}


def follow(document, node):
    """The node a local `$ref` points to (repeatedly), or the node itself."""
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def problem_refs(document, node, where, broken):
    """Every application/problem+json schema under `node` must be the document's Problem."""
    if isinstance(node, dict):
        for media, content in node.items():
            if media == "application/problem+json" and isinstance(content, dict):
                if content.get("schema") != {"$ref": "#/components/schemas/Problem"}:
                    broken.append(f"{where}: a problem+json answer whose schema is not #/components/schemas/Problem")
            else:
                problem_refs(document, content, where, broken)
    elif isinstance(node, list):
        for item in node:
            problem_refs(document, item, where, broken)


def expected_statuses(document, item, operation):
    parameters = [follow(document, p) for p in (item.get("parameters") or []) + (operation.get("parameters") or [])]
    places = {p["in"] for p in parameters}
    security = operation.get("security", document.get("security")) or []
    body = follow(document, operation.get("requestBody")) if operation.get("requestBody") else None
    expected = {"429", "503"}
    if security:
        expected.add("401")
    if body or places & {"path", "query", "header"}:
        expected.add("400")
    if "path" in places:
        expected.add("404")
    if body:
        expected.add("413")
        if any(media.endswith("json") for media in body.get("content", {})):
            expected |= {"415", "422"}
    if "query" in places:
        expected.add("422")
    return expected


def check_list(document, name, answer, broken):
    for media in (follow(document, answer).get("content") or {}).values():
        schema = follow(document, media.get("schema") or {})
        properties = schema.get("properties") or {}
        if "items" in properties:
            cursor = follow(document, properties.get("nextCursor") or {})
            nullable = "null" in (cursor.get("type") if isinstance(cursor.get("type"), list) else [cursor.get("type")])
            if "nextCursor" not in schema.get("required", []) or not nullable:
                broken.append(f"{name}: a list whose nextCursor is not required and nullable")


def check(path):
    document = yaml.safe_load(path.read_text())
    service = path.parent.name
    broken = []
    components = document.get("components", {})
    problem = components.get("schemas", {}).get("Problem")
    if not problem or not PROBLEM_MEMBERS <= set(problem.get("required", [])):
        broken.append(f"{service}: no Problem schema requiring {sorted(PROBLEM_MEMBERS)}")
    responses = components.get("responses", {})
    for name in SHARED_RESPONSES:
        if name not in responses:
            broken.append(f"{service}: no components.responses.{name}")
    problem_refs(document, components.get("responses", {}), f"{service} components", broken)
    for route, item in document["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            name = f"{service} {method.upper()} {route}"
            answers = operation.get("responses", {})
            if "default" in answers:
                broken.append(f"{name}: a default response hides undocumented statuses")
            missing = expected_statuses(document, item, operation) - set(answers)
            if missing:
                broken.append(f"{name}: does not document {', '.join(sorted(missing))}")
            problem_refs(document, answers, name, broken)
            parameters = [follow(document, p) for p in (item.get("parameters") or []) + (operation.get("parameters") or [])]
            if any(p["name"] == "cursor" and p["in"] == "query" for p in parameters) and "200" in answers:
                check_list(document, name, answers["200"], broken)
    return document, broken


def main():
    documents, broken = {}, []
    for path in sorted(ROOT.glob("Services/*/openapi.yaml")):
        documents[path.parent.name], found = check(path)
        broken += found
    for name in SHARED_RESPONSES:
        texts = {service: document["components"]["responses"].get(name) for service, document in documents.items()}
        if len({repr(text) for text in texts.values()}) > 1:
            broken.append(f"components.responses.{name} differs between documents: {', '.join(sorted(texts))}")
    for line in broken:
        print(line)
    if broken:
        sys.exit(1)
    print(f"contract rules: {len(documents)} documents follow them")


if __name__ == "__main__":
    main()
