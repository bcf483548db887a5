"""The API answers with the core's result classes instead of declaring copies of them.

Every class a route answers with (its response model and the models nested in it) is
defined in the core (``kolgraph.krm.results`` ...), apart from the few answers no core
function produces; and no pydantic class of the API layer has the name of a core class.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import types
import typing
from collections.abc import Iterator

from fastapi.routing import APIRoute
from pydantic import BaseModel

import kolgraph.api.routes
from kolgraph.api import schemas

# Answers the API makes itself: liveness, the caller's own key, and problem+json errors.
API_ONLY = {"Health", "Me", "Problem"}
NOT_CORE = ("kolgraph.api", "kolgraph.cli", "kolgraph.ingest")


def _models(annotation: object) -> Iterator[type[BaseModel]]:
    """Every pydantic class inside a type annotation (lists, unions, dicts ...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _routes() -> Iterator[APIRoute]:
    """The routes of every router under ``kolgraph.api.routes``."""
    for info in pkgutil.iter_modules(kolgraph.api.routes.__path__, "kolgraph.api.routes."):
        router = getattr(importlib.import_module(info.name), "router", None)
        for route in getattr(router, "routes", []):
            if isinstance(route, APIRoute):
                yield route


def _answers() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for route in _routes():
        found.update(_models(route.response_model))
        for extra in route.responses.values():
            found.update(_models(extra.get("model")))
    return found


def _declared_in(prefix: tuple[str, ...], *, inside: bool) -> dict[str, list[type[BaseModel]]]:
    """Pydantic classes defined by the loaded modules inside (or outside) ``prefix``."""
    out: dict[str, list[type[BaseModel]]] = {}
    for name, module in list(sys.modules.items()):
        if not isinstance(module, types.ModuleType) or not name.startswith("kolgraph."):
            continue
        if name.startswith(prefix) != inside:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == name
            ):
                out.setdefault(value.__name__, []).append(value)
    return out


def test_every_answer_is_a_core_class() -> None:
    answers = _answers()
    assert {m.__name__ for m in answers} >= {"Profile", "Contacts", "Kpis", "Hcp", "Health"}
    foreign = sorted(
        f"{m.__module__}.{m.__name__}"
        for m in answers
        if m.__module__.startswith(NOT_CORE) and m.__name__ not in API_ONLY
    )
    assert foreign == [], "declare these in the core and import them in the API"


def test_the_api_declares_no_copy_of_a_core_class() -> None:
    _answers()  # loads every route module and the core modules they use
    api = _declared_in(("kolgraph.api",), inside=True)
    core = _declared_in(NOT_CORE, inside=False)
    assert core, "no core classes found"
    copies = sorted(
        f"{a.__module__}.{name} copies {core[name][0].__module__}.{name}"
        for name, classes in api.items()
        if name in core
        for a in classes
    )
    assert copies == []


def test_schemas_reexports_the_core_objects() -> None:
    for name in schemas.__all__:
        model = getattr(schemas, name)
        if name in API_ONLY or model.__module__ == schemas.__name__:
            continue
        assert model.__module__.startswith("kolgraph.krm.results."), name
