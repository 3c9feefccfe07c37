"""Lint over spec/, in the manner of botocore's tests/functional/test_paginator_config.py.

The loader checks that the spec is well formed; these checks hold it against the facts it was written
from (copies of the reference data in tests/reference/) and against itself. Each check runs once per method
file, so a failure names the method and what is wrong, and once on a deliberately broken input, to
show that it can fail.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from codegen import checks
from codegen.loader import Loader, load_spec
from codegen.model import Spec
from codegen.naming import camel
from codegen.problems import SpecError
from codegen.yamlfile import SourceFile, load

from ..reference import HINT, REFERENCE, Reference, read_updates
from .specs import BASE, SPEC, spec_copy

METHODS = sorted(path.name.removesuffix(".yaml") for path in (SPEC / "methods").glob("*.yaml"))
per_method = pytest.mark.parametrize("name", METHODS)

OWN = "spec"
Text = tuple[str, str]  # (where it comes from, the description)


def reference(kind: str) -> dict[str, Any]:
    """The reference data of one kind (method-list, methods, method-errors), keyed by method name."""
    return REFERENCE.get(kind)


@cache
def method_file(root: Path, name: str) -> SourceFile:
    return load(root / "methods" / f"{name}.yaml", f"spec/methods/{name}.yaml")


@cache
def shapes_file(root: Path) -> SourceFile:
    return load(root / "shapes.yaml", "spec/shapes.yaml")


def at(source: SourceFile, *where: str | int) -> str:
    """``spec/methods/x.yaml:12 parameters[3]``: where a problem is, for the message."""
    path = "".join(f"[{w}]" if isinstance(w, int) else f".{w}" for w in where).lstrip(".")
    return f"{source.path}:{source.line(tuple(where))} {path}"


def report(problems: list[str]) -> str:
    return "\n".join(problems)


# How a problem reads when a description of the spec contradicts the spec's own declaration.
OWN_WORDS = ": the spec says "
OWN_HINT = "Where the spec says one thing in a description and declares another, fix one of them: the refresh does not."


def against_sources(problems: list[str]) -> str:
    """A report of disagreements with the reference data, naming the command that records an API change
    (and, for a description that contradicts its own declaration, that the spec itself needs the fix)."""
    hints = [HINT] if any(OWN_WORDS not in problem for problem in problems) else []
    hints += [OWN_HINT] if any(OWN_WORDS in problem for problem in problems) else []
    return report([*problems, *hints])


def test_a_self_contradiction_is_not_sent_to_the_refresh() -> None:
    own = "spec/methods/album.create.yaml:8 parameters[0]: title: the spec says 'at most 100 ', but a string has no maximum"
    dump = "spec/methods/doc.get.yaml:12 parameters[1]: extra: the api.methods.get dump says the values ['md5']"
    assert against_sources([own]).endswith(OWN_HINT) and HINT not in against_sources([own])
    assert against_sources([dump]).endswith(HINT) and OWN_HINT not in against_sources([dump])
    assert against_sources([]) == report([])


# ---------------------------------------------------------------------------------------------------
# Examples: the loader matches every example against its response schema (codegen/checks.py,
# _examples) and reports a mismatch with file, line and field (broken examples are cases of
# test_spec_loader.py's table). Run per method on the loaded spec.


@pytest.fixture(scope="module")
def loaded() -> tuple[Loader, Spec]:
    loader = Loader(SPEC)
    return loader, loader.load()


def example_problems(loader: Loader, spec: Spec, name: str) -> list[str]:
    method = next(method for method in spec.methods if method.name == name)
    source = next(source for source in loader.files if source.path == method.file)
    probe = copy.copy(loader)
    probe.problems = []
    checks._examples(probe, source, method)
    return [str(problem) for problem in probe.problems]


@per_method
def test_examples_match_the_response_schema(name: str, loaded: tuple[Loader, Spec]) -> None:
    problems = example_problems(*loaded, name)
    assert problems == [], report(problems)


def copy_with(tmp_path: Path, changes: dict[str, Callable[[str], str]]) -> Path:
    """A spec of the shared files and the method files named in ``changes``, changed to break them."""
    root = spec_copy(tmp_path)
    for path, change in changes.items():
        (root / path).write_text(change((BASE / path).read_text()))
    return root


# ---------------------------------------------------------------------------------------------------
# Authentication flags: exactly those of api.methods.getList, and a token always with a signature.


def flag_problems(source: SourceFile, listed: dict[str, Any] | None) -> list[str]:
    """The method's http, sign, token, permissions and safety, against its api.methods.getList entry."""
    data = source.data
    auth = data["auth"]
    problems = []
    if auth["token"] and not auth["sign"]:
        problems.append(f"{at(source, 'auth')}: a method that needs a token must be signed too")
    if listed is None:
        return [*problems, f"{source.path}: {data['name']} is not in api.methods.getList"]
    flags = listed["authentication"]
    expected = {
        "http": "post" if flags["post"] == "1" else "get",
        "auth.sign": flags["sign"] == "1",
        "auth.token": flags["token"] == "1",
        "auth.permissions": dict(listed["permissions"] or {}),
        "safety": flags.get("safety") == "1",
    }
    declared = {
        "http": data["http"],
        "auth.sign": auth["sign"],
        "auth.token": auth["token"],
        "auth.permissions": dict(auth["permissions"]),
        "safety": bool(data.get("safety")),
    }
    for key, value in expected.items():
        if declared[key] != value:
            problems.append(f"{at(source, *key.split('.'))}: {declared[key]!r}, but api.methods.getList says {value!r}")
    return problems


@per_method
def test_auth_flags_are_those_of_the_method_list(name: str) -> None:
    source = method_file(SPEC, name)
    problems = flag_problems(source, reference("method-list").get(name))
    assert problems == [], against_sources(problems)


def test_method_files_are_the_method_list() -> None:
    listed = set(reference("method-list"))
    assert sorted(set(METHODS) - listed) == [], f"method files for methods api.methods.getList does not have. {HINT}"
    assert sorted(listed - set(METHODS)) == [], f"methods of api.methods.getList without a method file. {HINT}"


def test_flag_check_finds_a_wrong_flag_and_a_token_without_signature(tmp_path: Path) -> None:
    root = copy_with(
        tmp_path,
        {
            "methods/doc.delete.yaml": lambda s: s.replace("sign: true", "sign: false").replace(
                "doc: delete", "doc: write"
            )
        },
    )
    found = flag_problems(method_file(root, "doc.delete"), reference("method-list")["doc.delete"])
    assert [p.split(": ", 1)[1] for p in found] == [
        "a method that needs a token must be signed too",
        "False, but api.methods.getList says True",
        "{'doc': 'write'}, but api.methods.getList says {'doc': 'delete'}",
    ]
    assert found[1].startswith("spec/methods/doc.delete.yaml:6 auth.sign")
    assert flag_problems(method_file(root, "doc.delete"), None)[-1].endswith("not in api.methods.getList")


# ---------------------------------------------------------------------------------------------------
# What the descriptions say about a parameter: a maximum, a range, a default, a fixed set of values,
# a 0/1 flag. Read from our own description and from the source data: the 2014 api.methods.get dump
# and the archived help pages (their extra parameters, and notes that start with the parameter name).

LI = "\n\u2022 "  # a list item of the HTML descriptions, kept as a line of its own
CROSS_REFERENCE = re.compile(
    r"\([^()]*\b[a-z]+\.[a-z]\w*(?:\.\w+)*[^()]*\)"  # (doc.setPerms uses 0 only you, ...)
    r"|\bAs in [a-z]+\.[\w.]*\w"  # As in doc.setPerms.
    r"|\be\.g\. .*?(?=;|\.\s|\.$|$)"  # e.g. 1,3,7
)
MAXIMUM = (
    re.compile(r"\bmax(?:imum)?(?: value)?(?: is| of)?:? (?P<n>\d+)\s*(?P<unit>km)?\b", re.I),
    re.compile(r"\blist of (?P<n>\d+) \w+ is a maximum\b", re.I),
    re.compile(r"\b(?:up to|at most) (?P<n>\d+)\s*(?P<unit>km)?\b", re.I),
)
RANGE = re.compile(r"(?<![\w.-])(?P<low>-?\d+) to (?P<high>-?\d+)\b")
DEFAULT = (
    re.compile(r"\bdefault is (?P<n>\d+)\s*(?P<unit>km)?\b", re.I),
    re.compile(r"(?<![\w.])(?P<n>\d+)\s*(?P<unit>km)? by default\b", re.I),
    re.compile(r"\bvalue is (?P<n>\w+) by default\b", re.I),
)
VALUE_LIST = re.compile(
    r"(?:\b(?:values?|parameters?|sorts?) (?:are|is)\s*:|\btype is|\btype of tags?(?: to return)?\s*:"
    r"|\bsize for [\w ]+:)\s*(?P<list>[^.(\n\u2022]+)",
    re.I,
)
PARENTHESISED_LIST = re.compile(r"\((?P<list>[\w-]+(?:, [\w-]+)*,? or [\w-]+)\)")
LIST_ITEM = re.compile(r"^\u2022 (?P<value>[\w-]+) ?[:=]", re.M)  # <li>0: only you</li>
NUMBERED = re.compile(r"(?<![\w.+-])(?P<value>\d+) ?[:=] ?(?=[A-Za-z])")  # 0: private, 1=family
VALUES_NOTE = re.compile(r"\bvalues:\s*(?P<list>.*)", re.I)  # values: 0 only you, 3 friends & family
FLAG = re.compile(r"\bset(?:ting)?(?: \w+){0,2} to 1\b|\([01]\)|\btrue\b", re.I)
UNITS = {"km": 1000}  # the spec gives distances in meters
NOTE_TARGET = re.compile(r"^(?P<names>[a-z_]+(?: ?/ ?[a-z_]+)*)(?: values)?:\s")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Za-z(])")


@dataclass
class Facts:
    """What one description names, each with the words that name it."""

    maxima: dict[float, str] = field(default_factory=dict)
    ranges: dict[tuple[int, int], str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    values: set[str] = field(default_factory=set)
    flag: bool = False


def plain(text: str) -> str:
    text = re.sub(r"<li>", LI, text, flags=re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"[ \t]+", " ", text)


def number(match: re.Match[str]) -> float:
    return int(match["n"]) * UNITS.get(match.groupdict().get("unit") or "", 1)


def named_values(text: str) -> set[str]:
    """A fixed set of values: list items, numbered values, a ``values:`` note or a list after a lead-in."""
    items = {m["value"] for m in LIST_ITEM.finditer(text)}
    numbered = {m["value"] for m in NUMBERED.finditer(text)}
    note = VALUES_NOTE.search(text)
    leading = [re.match(r"\s*(\d+) ", item) for item in note["list"].split(",")] if note else []
    if items:
        return items
    if len(numbered) > 1:
        return numbered
    if len(leading) > 1 and all(leading):
        return {m[1] for m in leading if m}
    listed = (m["list"] for pattern in (VALUE_LIST, PARENTHESISED_LIST) for m in pattern.finditer(text))
    return {value.strip(" '\"") for words in listed for value in re.split(r",|\bor\b|\band\b", words)} - {""}


def facts(text: str, *, own: bool = False) -> Facts:
    """Limits and values one description names; in our own, references to other methods are left out."""
    text = plain(CROSS_REFERENCE.sub("", text) if own else text)
    return Facts(
        maxima={number(m): m[0] for pattern in MAXIMUM for m in pattern.finditer(text)},
        ranges={(int(m["low"]), int(m["high"])): m[0] for m in RANGE.finditer(text)},
        defaults={f"{number(m):g}" if m["n"].isdigit() else m["n"]: m[0] for p in DEFAULT for m in p.finditer(text)},
        values=named_values(text),
        flag=bool(FLAG.search(text)),
    )


def note_sentences(note: str, param: str) -> Iterator[str]:
    """The sentences of a help-page note about ``param``: from ``param:`` or ``param values:`` on."""
    target: set[str] = set()
    for sentence in SENTENCE.split(note):
        match = NOTE_TARGET.match(sentence)
        if match:
            target = {name.strip() for name in match["names"].split("/")}
        if param in target:
            yield sentence


def param_texts(method: str, param: dict[str, Any], ref: Reference = REFERENCE) -> list[Text]:
    """Every description of one parameter: the dump's, the help page's, its notes', and ours."""
    found: list[Text] = []
    for entry in (ref.get("methods").get(method) or {}).get("parameters", []):
        if entry["name"] == param["name"] and entry.get("value"):
            found.append(("api.methods.get dump", entry["value"]))
    page = ref.get("method-errors").get(method) or {}
    for entry in page.get("extra_params") or []:
        if entry["name"] == param["name"]:
            found.append(("help page", entry["description"]))
    for note in page.get("notes") or []:
        found.extend(("help page note", sentence) for sentence in note_sentences(note, param["name"]))
    found.append((OWN, param["description"]))
    return found


def declared_values(param: dict[str, Any]) -> set[str]:
    return {str(v["value"] if isinstance(v, dict) else v) for v in param.get("values", [])}


def limit_problems(param: dict[str, Any], texts: list[Text]) -> list[str]:
    """Every maximum, range, default and value list a description names must be declared, exactly."""
    name, kind = param["name"], param["type"]
    item = param.get("items") if kind == "list" else kind
    numeric = kind in {"int", "float", "timestamp"}
    bounds = f"minimum/maximum {param.get('minimum')}/{param.get('maximum')}"
    problems = []
    for origin, text in texts:
        said = facts(text, own=origin == OWN)
        by = f"{name}: the {origin} says"
        for n, words in sorted(said.maxima.items()):
            declared = param.get("max_items") if kind == "list" else param.get("maximum")
            if not (kind == "list" or numeric):
                problems.append(f"{by} {words!r}, but a {kind} has no maximum")
            elif declared != n:
                problems.append(f"{by} {words!r}, but {'max_items' if kind == 'list' else 'maximum'} is {declared}")
        for (low, high), words in sorted(said.ranges.items()):
            values = [int(v) for v in declared_values(param) if v.lstrip("-").isdigit()]
            if numeric and (param.get("minimum"), param.get("maximum")) != (low, high):
                problems.append(f"{by} {words!r}, but {bounds}")
            elif item == "enum" and not all(low <= v <= high for v in values):
                problems.append(f"{by} {words!r}, but the values are {sorted(declared_values(param))}")
            elif not numeric and item != "enum":
                problems.append(f"{by} {words!r}, but a {kind} has no range")
        for default, words in sorted(said.defaults.items()):
            if str(param.get("default")) not in {default, f"{default}.0"}:
                problems.append(f"{by} {words!r}, but default is {param.get('default')}")
        if said.values and (item != "enum" or declared_values(param) != said.values):
            declared = sorted(declared_values(param)) if item == "enum" else f"a {kind}, not an enum"
            problems.append(f"{by} the values {sorted(said.values)}, but it declares {declared}")
    return problems


def parameter_problems(
    name: str,
    check: Callable[[dict[str, Any], list[Text]], list[str]],
    root: Path = SPEC,
    ref: Reference = REFERENCE,
) -> list[str]:
    """``check``'s problems with each parameter of method ``name``, each prefixed with file, line and field."""
    source = method_file(root, name)
    return [
        f"{at(source, 'parameters', index)}: {problem}"
        for index, param in enumerate(source.data["parameters"])
        for problem in check(param, param_texts(name, param, ref))
    ]


@per_method
def test_limits_and_values_named_in_descriptions_are_declared(name: str) -> None:
    problems = parameter_problems(name, limit_problems)
    assert problems == [], against_sources(problems)


DESCRIBED = [
    # (a description from the sources or the spec, whether it is ours, what it names)
    ("A comma separated list of document IDs. (List may contain a maximum of 20 IDs)", False, "maxima", {20}),
    ("The MD5 checksum to check or a comma seperated list of MD5 checksums (maximum is 20).", False, "maxima", {20}),
    ("A comma delimited list of upload tickets. (A list of 50 tickets is a maximum).", False, "maxima", {50}),
    ("Radius search size in meters (5 km by default, maximum 30 km).", False, "maxima", {30000}),
    ("Radius search size in meters (5 km by default, maximum 30 km).", False, "defaults", {"5000"}),
    ("The maximum value is 744 (31 days).", False, "maxima", {744}),
    ("Tags to look for, up to 50.", True, "maxima", {50}),
    ("Only return some previous (oldest) documents. (Value is from 1 to 50)", False, "ranges", {(1, 50)}),
    ("Permissions run from 0 to 5.", True, "ranges", {(0, 5)}),
    ("The number of docs to return on each page. (Default is 20, maximum is 100)", False, "defaults", {"20"}),
    (
        "Choose your prefered size for thumbnails: <code>75x, 100 or 240</code>. (Value is <code>75x</code> by default)",
        False,
        "values",
        {"75x", "100", "240"},
    ),
    (
        "Choose your prefered size for thumbnails: <code>75x, 100 or 240</code>. (Value is <code>75x</code> by default)",
        False,
        "defaults",
        {"75x"},
    ),
    ("media values are : <code>photo</code>, <code>audio</code>.", False, "values", {"photo", "audio"}),
    (
        "The possible sorts are : <code>relevance</code>, ''created-desc' and 'created-asc'.",
        False,
        "values",
        {"relevance", "created-desc", "created-asc"},
    ),
    ("Extra parameter is: embed.", False, "values", {"embed"}),
    ("The type is <code>keyword</code> or <code>member</code>", False, "values", {"keyword", "member"}),
    ("Who can comment :<ul>\n<li>0: only you</li>\n<li>5: everybody</li></ul>", False, "values", {"0", "5"}),
    ("Values are : 0: private posts, 1: posts visible to family.", False, "values", {"0", "1"}),
    ("share: 0=private, 1=family, 4=public.", False, "values", {"0", "1", "4"}),
    ("perm_comment values: 0 only you, 3 friends & family, 5 every member.", False, "values", {"0", "3", "5"}),
    ("Only return this kind of media (photo or video).", True, "values", {"photo", "video"}),
    ("Set to 1 to list empty albums.", False, "flag", True),
    ("Wait (0) or don't wait (1) for doc to be complete", False, "flag", True),
    ("Setting anywhere to 1 will perform a search anywhere in the word.", False, "flag", True),
    # Texts that name no limit and no values.
    ("Size of the thumbnails; sizes above 800 depend on the owner's preferences.", True, None, None),
    ("The ID of the document. By default 10 previous and 10 next documents are returned.", False, None, None),
    ("The maximum number of tags has been reached for this document.", False, None, None),
    ("One license code or several, e.g. 1,3,7.", True, None, None),
    ("Set to 1 to flag this document as public, 0 to make it private.", False, "values", set()),
    ("Specify a minimum creation date (using the YYYY-MM-DD HH:MM:SS format).", False, None, None),
    ("Who may comment (doc.setPerms uses 0 only you, 3 friends and family, 4 contacts).", True, None, None),
    ("Latitude; -999 with lng -999 removes the location. As in doc.setGeo.", True, None, None),
    ("The Group ID (or Group Alias) to get details about.", False, None, None),
    ('Keywords using the syntax: <code>holidays,beach</code> or <code>"blue sky",sunset</code>.', False, None, None),
]


@pytest.mark.parametrize(("text", "own", "what", "expected"), DESCRIBED, ids=[d[0][:40] for d in DESCRIBED])
def test_what_a_description_names(text: str, own: bool, what: str | None, expected: object) -> None:
    found = facts(text, own=own)
    if what is None:
        assert found == Facts()
    else:
        named = getattr(found, what)
        assert (named if isinstance(named, (bool, set)) else set(named)) == expected


def test_limit_check_finds_a_missing_maximum_a_wrong_value_set_and_a_wrong_default() -> None:
    params = {p["name"]: p for p in method_file(SPEC, "network.docs.getRecent").data["parameters"]}
    hours = {k: v for k, v in params["hours"].items() if k != "maximum"}
    assert limit_problems(hours, param_texts("network.docs.getRecent", hours)) == [
        "hours: the api.methods.get dump says 'maximum value is 744', but maximum is None"
    ]
    relation = {**params["relation"], "values": [0, 1, 2, 3]}
    assert limit_problems(relation, param_texts("network.docs.getRecent", relation)) == [
        "relation: the api.methods.get dump says the values ['0', '1', '2', '3', '4'], but it declares "
        "['0', '1', '2', '3']"
    ]
    limit = {**params["limit"], "default": 10}
    assert limit_problems(limit, param_texts("network.docs.getRecent", limit)) == [
        "limit: the api.methods.get dump says 'Default is 5', but default is 10"
    ]
    tickets = dict(method_file(SPEC, "upload.checkTickets").data["parameters"][0])
    del tickets["max_items"]
    assert limit_problems(tickets, param_texts("upload.checkTickets", tickets)) == [
        "tickets: the api.methods.get dump says 'list of 50 tickets is a maximum', but max_items is None",
        "tickets: the help page note says 'list of 50 tickets is a maximum', but max_items is None",
    ]
    prev = {**params["limit"], "name": "prev", "minimum": 0}
    assert limit_problems(prev, [(OWN, "From 1 to 50 documents.")]) == [
        "prev: the spec says '1 to 50', but minimum/maximum 0/10"
    ]
    media = {"name": "media", "type": "string", "description": "Only return this kind of media (photo or video)."}
    assert limit_problems(media, [(OWN, media["description"])]) == [
        "media: the spec says the values ['photo', 'video'], but it declares a string, not an enum"
    ]


# ---------------------------------------------------------------------------------------------------
# Parameter types that follow from names and descriptions.

TIMESTAMP_TEXT = re.compile(r"\btimestamp\b|\bunix time\b", re.I)
DATE_TEXT = re.compile(r"\bYYYY-MM-DD\b|\bdate\b", re.I)
TIME_NAME = re.compile(r"_at$|^(?:created|posted|modified|updated)_|(?:^|_)(?:date|time)$")
GEO_LIMIT = {"lat": 90, "lng": 180}
NO_LOCATION = -999  # lat and lng -999 together clear or skip the location (doc.setGeo, upload.file)


def type_problems(param: dict[str, Any], texts: list[Text]) -> list[str]:
    """0/1 flags are bool, ids are id, lat/lng are bounded floats, times are timestamps or date strings."""
    name, kind = param["name"], param["type"]
    items = param.get("items")
    said = " ".join(plain(text) for _, text in texts)
    problems = []
    if any(facts(text, own=origin == OWN).flag for origin, text in texts) and kind != "bool":
        problems.append(f"{name}: described as a 0/1 flag, but typed {kind}")
    if (name == "id" or name.endswith(("_id", "_ids"))) and not (kind == "id" or (kind == "list" and items == "id")):
        problems.append(f"{name}: an id parameter typed {kind}{f' of {items}' if items else ''}, not id or list of id")
    if name in GEO_LIMIT:
        limit = GEO_LIMIT[name]
        low = NO_LOCATION if str(NO_LOCATION) in said else -limit
        if kind != "float" or (param.get("minimum"), param.get("maximum")) != (low, limit):
            problems.append(
                f"{name}: typed {kind} from {param.get('minimum')} to {param.get('maximum')}; "
                f"expected a float from {low} to {limit}"
            )
    timestamp = bool(TIMESTAMP_TEXT.search(said))
    if timestamp and kind != "timestamp":
        problems.append(f"{name}: described as a timestamp, but typed {kind}")
    if kind == "timestamp" and not timestamp:
        problems.append(f"{name}: typed timestamp, but no description says it is a unix timestamp")
    if TIME_NAME.search(name) and not timestamp and not (kind == "string" and DATE_TEXT.search(said)):
        problems.append(f"{name}: a time, typed {kind}; it must be a timestamp or a string described as a date")
    return problems


@per_method
def test_parameter_types_follow_names_and_descriptions(name: str) -> None:
    problems = parameter_problems(name, type_problems)
    assert problems == [], against_sources(problems)


@pytest.mark.parametrize(
    ("param", "problem"),
    [
        ({"name": "async", "type": "int", "description": "Wait (0) or don't wait (1)."}, "a 0/1 flag, but typed int"),
        ({"name": "user_id", "type": "string", "description": "The member."}, "typed string, not id"),
        ({"name": "doc_ids", "type": "list", "items": "int", "description": "Docs."}, "list of int, not id"),
        ({"name": "lat", "type": "string", "description": "Latitude."}, "expected a float from -90 to 90"),
        (
            {"name": "lng", "type": "float", "minimum": -180, "maximum": 180, "description": "-999 clears it."},
            "expected a float from -999 to 180",
        ),
        ({"name": "posted_min", "type": "int", "description": "Unix time."}, "a timestamp, but typed int"),
        ({"name": "taken", "type": "timestamp", "description": "When."}, "no description says it is a unix"),
        ({"name": "created_at", "type": "string", "description": "When."}, "a time, typed string"),
    ],
    ids=lambda value: value["name"] if isinstance(value, dict) else "",
)
def test_type_check_finds(param: dict[str, Any], problem: str) -> None:
    assert problem in report(type_problems(param, [(OWN, param["description"])]))


# ---------------------------------------------------------------------------------------------------
# Reply shapes: each structure defined once. Elements are compared by structure (attribute types,
# text, children, with shapes resolved), descriptions and order ignored. An inline element is one
# with its own attributes or children instead of a `shape:`.


@dataclass(frozen=True)
class Struct:
    attributes: frozenset[tuple[str, str]]
    text: str | None
    children: tuple[tuple[str, bool, str | Struct], ...]

    @property
    def size(self) -> int:
        return len(self.attributes) + len(self.children) + (self.text is not None)

    def within(self, other: Struct) -> bool:
        """Every attribute, child and text of self is in other, with the same types."""
        theirs = {tag: (repeated, kind) for tag, repeated, kind in other.children}
        return (
            self.attributes <= other.attributes
            and self.text in {None, other.text}
            and all(tag in theirs and within(kind, theirs[tag], repeated) for tag, repeated, kind in self.children)
        )


def within(kind: str | Struct, theirs: tuple[bool, str | Struct], repeated: bool) -> bool:
    other_repeated, other = theirs
    if repeated != other_repeated:
        return False
    if isinstance(kind, Struct) and isinstance(other, Struct):
        return kind.within(other)
    return kind == other


@dataclass(frozen=True)
class Definition:
    """One element with a structure of its own: a shared shape, or an inline element and its class."""

    name: str
    where: str
    struct: Struct
    kind: str  # shape, in shapes (nested in a shape), in method
    attributes: tuple[tuple[str, str], ...]


def structure(data: dict[str, Any], shapes: dict[str, Any]) -> str | Struct:
    if "shape" in data:
        return structure(shapes[data["shape"]], shapes)
    if "type" in data:
        return str(data["type"])
    attributes = {(name, spec if isinstance(spec, str) else spec["type"]) for name, spec in attribute_items(data)}
    children = sorted(
        (
            (tag, bool(child.get("list")), structure(child, shapes))
            for tag, child in (data.get("children") or {}).items()
        ),
        key=lambda child: child[0],
    )
    return Struct(frozenset(attributes), data.get("text"), tuple(children))


def attribute_items(data: dict[str, Any]) -> list[tuple[str, Any]]:
    return list((data.get("attributes") or {}).items())


def elements(
    source: SourceFile, where: tuple[str | int, ...], name: str, data: dict[str, Any], kind: str, shapes: dict[str, Any]
) -> Iterator[Definition]:
    """The element at ``where`` (class ``name``) and the inline ones below it, named as the loader names them."""
    if "shape" in data or "type" in data:
        return
    struct = structure(data, shapes)
    assert isinstance(struct, Struct)
    attributes = tuple((a, spec if isinstance(spec, str) else spec["type"]) for a, spec in attribute_items(data))
    yield Definition(name, at(source, *where), struct, kind, attributes)
    inner = "in shapes" if kind == "shape" else kind
    for tag, child in (data.get("children") or {}).items():
        yield from elements(
            source, (*where, "children", tag), child.get("class") or name + camel(tag), child, inner, shapes
        )


@cache
def shape_data(root: Path) -> dict[str, Any]:
    return dict(shapes_file(root).data["shapes"])


def method_definitions(root: Path, name: str) -> list[Definition]:
    source = method_file(root, name)
    parent = camel(source.data["name"])
    return [
        definition
        for tag, data in (source.data.get("response") or {}).items()
        for definition in elements(
            source, ("response", tag), data.get("class") or parent + camel(tag), data, "in method", shape_data(root)
        )
    ]


def shape_definitions(root: Path) -> list[Definition]:
    source = shapes_file(root)
    return [
        definition
        for shape, data in shape_data(root).items()
        for definition in elements(source, ("shapes", shape), shape, data, "shape", shape_data(root))
    ]


@cache
def all_definitions(root: Path) -> list[Definition]:
    methods = sorted(path.name.removesuffix(".yaml") for path in (root / "methods").glob("*.yaml"))
    return shape_definitions(root) + [d for name in methods for d in method_definitions(root, name)]


def shape_problems(root: Path, mine: list[Definition]) -> list[str]:
    """Class names with two structures; copies of a structure defined elsewhere; in a method, subsets of a shape."""
    everything = all_definitions(root)
    problems = []
    for definition in mine:
        for other in everything:
            if other.where == definition.where:
                continue
            if other.name == definition.name and other.struct != definition.struct:
                problems.append(f"{definition.where}: class {definition.name} is defined differently at {other.where}")
            elif other.struct == definition.struct and definition.struct.size:
                problems.append(
                    f"{definition.where}: class {definition.name} is shape {other.name}; use `shape: {other.name}`"
                    if other.kind == "shape"
                    else f"{definition.where}: class {definition.name} has the structure of {other.name} at "
                    f"{other.where}; define it once in spec/shapes.yaml"
                )
        if definition.kind != "in method" or not definition.struct.size:
            continue
        problems.extend(
            f"{definition.where}: class {definition.name} is a subset of shape {shape.name}; use `shape: {shape.name}`"
            for shape in everything
            if shape.kind == "shape" and shape.struct != definition.struct and definition.struct.within(shape.struct)
        )
    return problems


@per_method
def test_reply_elements_are_defined_once(name: str) -> None:
    problems = shape_problems(SPEC, method_definitions(SPEC, name))
    assert problems == [], report(problems)


def test_shapes_file_defines_each_structure_once() -> None:
    problems = shape_problems(SPEC, shape_definitions(SPEC))
    assert problems == [], report(problems)


def time_attribute_problems(definitions: list[Definition]) -> list[str]:
    return [
        f"{d.where}: attribute {attribute} is a time, typed {kind}; expected timestamp"
        for d in definitions
        for attribute, kind in d.attributes
        if attribute.endswith("_at") and kind != "timestamp"
    ]


@per_method
def test_reply_times_are_timestamps(name: str) -> None:
    problems = time_attribute_problems(method_definitions(SPEC, name))
    assert problems == [], report(problems)


def test_shared_reply_times_are_timestamps() -> None:
    problems = time_attribute_problems(shape_definitions(SPEC))
    assert problems == [], report(problems)


INLINE_TAGS = """  tags:
    class: TagsAdded
    attributes:
      added: int
      dropped: int
    children:
      tag:
        class: AddedTag
        list: true
        attributes:
          type: str
          id: int
          user_id: int
          tag: str
"""


def test_shape_check_finds_an_inline_copy_of_a_shared_shape(tmp_path: Path) -> None:
    root = copy_with(
        tmp_path, {"methods/doc.tags.add.yaml": lambda s: re.sub(r"  tags: \{shape: TagList\}\n", INLINE_TAGS, s)}
    )
    found = shape_problems(root, method_definitions(root, "doc.tags.add"))
    assert [p.split(": ", 1)[1] for p in found] == [
        "class TagsAdded is a subset of shape TagList; use `shape: TagList`",
        "class AddedTag is a subset of shape TagEntry; use `shape: TagEntry`",
    ]
    assert found[0].startswith("spec/methods/doc.tags.add.yaml:")


def test_shape_check_finds_twins_and_a_name_with_two_structures(tmp_path: Path) -> None:
    twin = "  twin:\n    class: DocCanTwin\n    attributes: {fave: bool, comment: bool, zoom: bool}\n"
    root = copy_with(
        tmp_path,
        {
            "methods/doc.getExif.yaml": lambda s: s.replace("response:\n", "response:\n" + twin),
            "methods/test.echo.yaml": lambda s: s.replace("response:\n", "response:\n" + twin),
            "methods/doc.getPerms.yaml": lambda s: s.replace(
                "response:\n", "response:\n" + twin.replace("zoom", "tag")
            ),
        },
    )
    found = report(shape_problems(root, method_definitions(root, "test.echo")))
    assert "class DocCanTwin has the structure of DocCanTwin at spec/methods/doc.getExif.yaml:" in found
    assert "class DocCanTwin is defined differently at spec/methods/doc.getPerms.yaml:" in found
    with pytest.raises(SpecError, match="class DocCanTwin is defined differently"):
        load_spec(root)


def test_time_check_finds_a_reply_time_that_is_not_a_timestamp(tmp_path: Path) -> None:
    root = copy_with(tmp_path, {"shapes.yaml": lambda s: s.replace("joined_at: timestamp", "joined_at: str")})
    found = time_attribute_problems(shape_definitions(root))
    assert len(found) == 1 and "attribute joined_at is a time, typed str" in found[0]


# ---------------------------------------------------------------------------------------------------
# Method errors: the help page's table, as archived (ipernity-method-errors.json), or marked unknown.

# Codes a method may list although no archived help page shows its table, with where they come from.
KNOWN_ELSEWHERE = {
    ("doc.get", 1): "notes section 5: lef73/ipernity-for-lightroom reads code 1 from doc.get as document not found",
}


def error_problems(source: SourceFile, page: dict[str, Any] | None) -> list[str]:
    """The page's codes, labels and messages exactly, in its order; none at all where no page showed them."""
    data = source.data
    name = data["name"]
    known = data.get("errors_known", True)
    declared = {e["code"]: (e["label"], e["message"], bool(e.get("truncated"))) for e in data["errors"]}
    table = None if page is None else page["errors"]
    problems = []
    if table is None:
        if known:
            problems.append(
                f"{at(source, 'errors')}: no archived help page shows the error table; say errors_known: false"
            )
        problems.extend(
            f"{at(source, 'errors')}: code {code} is on no archived help page"
            for code in declared
            if (name, code) not in KNOWN_ELSEWHERE
        )
        return problems
    if not known:
        problems.append(
            f"{at(source, 'errors_known')}: the help page's error table is known ({(page or {}).get('page')})"
        )
    expected = {e["code"]: (e["label"], e["message"], bool(e.get("truncated"))) for e in table}
    for code in sorted(declared.keys() | expected.keys()):
        if code not in expected:
            problems.append(f"{at(source, 'errors')}: code {code} is not on the help page")
        elif code not in declared:
            problems.append(f"{at(source, 'errors')}: code {code} {expected[code]} of the help page is missing")
        elif declared[code] != expected[code]:
            problems.append(
                f"{at(source, 'errors')}: code {code} is {declared[code]}, the help page says {expected[code]}"
            )
    if list(declared) != [e["code"] for e in table] and declared.keys() == expected.keys():
        problems.append(f"{at(source, 'errors')}: the codes are not in the help page's order")
    return problems


@per_method
def test_errors_are_those_of_the_help_page_or_marked_unknown(name: str) -> None:
    problems = error_problems(method_file(SPEC, name), reference("method-errors").get(name))
    assert problems == [], against_sources(problems)


def test_error_check_finds_an_invented_code_a_changed_message_and_a_wrong_mark(tmp_path: Path) -> None:
    root = copy_with(
        tmp_path,
        {
            "methods/album.delete.yaml": lambda s: s.replace(
                "errors: []", "errors:\n  - {code: 1, label: Gone, message: null}"
            ),
            "methods/test.echo.yaml": lambda s: s.replace("was empty", "is empty").replace(
                "errors:", "errors_known: false\nerrors:"
            ),
        },
    )
    pages = reference("method-errors")
    assert [
        p.split(": ", 1)[1] for p in error_problems(method_file(root, "album.delete"), pages.get("album.delete"))
    ] == ["code 1 is on no archived help page"]
    echo = report(error_problems(method_file(root, "test.echo"), pages["test.echo"]))
    assert "the help page's error table is known (http://www.ipernity.com/help/api/method/test.echo)" in echo
    assert "code 1 is ('Nothing was sent', 'We could not echo back as the echo parameter is empty" in echo


# ---------------------------------------------------------------------------------------------------
# When the API changes: `python -m tests.reference.refresh` records the spec's facts where they depart
# from the archived sources, and the lint then holds the spec against the sources so updated.


def test_the_recorded_api_changes_are_current() -> None:
    from ..reference.refresh import refreshed

    assert refreshed() == read_updates(), HINT


def test_refresh_records_an_api_change_and_the_lint_then_agrees(tmp_path: Path) -> None:
    from ..reference.refresh import refreshed

    echo = (SPEC / "methods" / "test.echo.yaml").read_text()
    root = copy_with(
        tmp_path,
        {
            "methods/network.docs.getRecent.yaml": lambda s: s.replace("maximum: 744", "maximum: 500"),
            "methods/album.create.yaml": lambda s: s.replace("label: Title is missing", "label: No title"),
        },
    )
    (root / "methods" / "test.ping.yaml").write_text(echo.replace("name: test.echo", "name: test.ping"))

    def lint(ref: Reference) -> list[str]:
        recent = parameter_problems("network.docs.getRecent", limit_problems, root, ref)
        album = error_problems(method_file(root, "album.create"), ref.get("method-errors").get("album.create"))
        ping = flag_problems(method_file(root, "test.ping"), ref.get("method-list").get("test.ping"))
        ping += error_problems(method_file(root, "test.ping"), ref.get("method-errors").get("test.ping"))
        return recent + album + ping

    before = against_sources(lint(Reference()))
    assert before.endswith(
        "If the API changed, run `python -m tests.reference.refresh` and review the diff of tests/reference/updates.json."
    )
    assert "the api.methods.get dump says 'maximum value is 744', but maximum is 500" in before
    assert "code 1 is ('No title'" in before and "test.ping is not in api.methods.getList" in before
    updates = refreshed(root)
    assert lint(Reference(updates)) == []
    assert updates["method-list"]["test.ping"]["authentication"] == {"post": "0", "sign": "0", "token": "0"}
    assert updates["method-list"]["doc.get"] is None  # not in this copy of the spec: gone from the API
    hours = next(p for p in updates["methods"]["network.docs.getRecent"]["parameters"] if p["name"] == "hours")
    assert hours["value"] == ""
