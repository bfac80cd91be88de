"""Target discovery and input strategies for the fuzz suite (test_fuzz.py).

Targets are found, not listed: every URL pattern is fetched as a member with real ids, its
HTML forms are parsed with the standard library, and the query parameters a page reads are
taken from its rendered GET forms and from the view's own source (and the helpers it calls).
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import FunctionType
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.apps import apps
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import strategies as st

from bakeplanner.testing import SNAPSHOT_APPS

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# --- HTML forms ---------------------------------------------------------------------------


@dataclass
class FieldSpec:
    """One named control (or a group of same-named radios/checkboxes) of a form."""

    name: str
    kind: str  # input type, "select", "textarea" or "button"
    options: list[str] = field(default_factory=list)  # select options, radio/checkbox values
    default: list[str] = field(default_factory=list)  # what the browser would submit
    multiple: bool = False


@dataclass
class FormSpec:
    page_name: str
    method: str
    action_url: str  # path and query string
    action_name: str | None  # URL name the form posts to, None if it leaves the app
    fields: dict[str, FieldSpec] = field(default_factory=dict)

    def key(self) -> tuple[str, str | None, tuple[str, ...]]:
        return (self.method, self.action_name, tuple(sorted(self.fields)))

    def default_data(self) -> dict[str, list[str]]:
        return {name: list(spec.default) for name, spec in self.fields.items() if spec.default}


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self.by_id: dict[str, dict[str, Any]] = {}
        self.current: dict[str, Any] | None = None
        self.select: dict[str, Any] | None = None
        self.option: dict[str, Any] | None = None
        self.textarea: dict[str, Any] | None = None

    def _owner(self, attrs: dict[str, str | None]) -> dict[str, Any] | None:
        form_id = attrs.get("form")
        if form_id:
            return self.by_id.get(form_id)
        return self.current

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        if tag == "form":
            self.current = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "controls": [],
            }
            self.forms.append(self.current)
            if attrs.get("id"):
                self.by_id[attrs["id"] or ""] = self.current
        elif tag in {"input", "button"}:
            owner = self._owner(attrs)
            if owner is not None and attrs.get("name"):
                kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
                owner["controls"].append(
                    {
                        "tag": tag,
                        "name": attrs["name"],
                        "type": kind,
                        "value": attrs.get("value") or "",
                        "checked": "checked" in attrs,
                    }
                )
        elif tag == "select":
            owner = self._owner(attrs)
            if owner is not None and attrs.get("name"):
                self.select = {
                    "tag": "select",
                    "name": attrs["name"],
                    "type": "select",
                    "multiple": "multiple" in attrs,
                    "options": [],
                    "selected": [],
                }
                owner["controls"].append(self.select)
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "text": "", "selected": "selected" in attrs}
        elif tag == "textarea":
            owner = self._owner(attrs)
            if owner is not None and attrs.get("name"):
                self.textarea = {"tag": "textarea", "name": attrs["name"], "type": "textarea"}
                self.textarea["value"] = ""
                owner["controls"].append(self.textarea)

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option["text"] += data
        elif self.textarea is not None:
            self.textarea["value"] += data

    def _close_option(self) -> None:
        if self.option is not None and self.select is not None:
            value = self.option["value"]
            value = self.option["text"].strip() if value is None else value
            self.select["options"].append(value)
            if self.option["selected"]:
                self.select["selected"].append(value)
        self.option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None


def _field_specs(controls: Iterable[dict[str, Any]]) -> dict[str, FieldSpec]:
    specs: dict[str, FieldSpec] = {}
    for control in controls:
        name = control["name"]
        spec = specs.setdefault(name, FieldSpec(name=name, kind=control["type"]))
        if control["type"] == "select":
            spec.options += control["options"]
            spec.multiple = control["multiple"]
            chosen = control["selected"] or control["options"][:1]
            spec.default += chosen if spec.multiple else chosen[:1]
        elif control["type"] in {"checkbox", "radio"}:
            spec.options.append(control["value"] or "on")
            spec.multiple = spec.multiple or control["type"] == "checkbox"
            if control["checked"]:
                spec.default.append(control["value"] or "on")
        elif control["type"] in {"submit", "button", "image", "reset", "file"}:
            spec.options.append(control["value"])
        else:
            spec.default.append(control["value"])
    return specs


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def parse_forms(html: str, page_name: str, page_url: str) -> list[FormSpec]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    forms = []
    for raw in parser.forms:
        target = urlsplit(urljoin("http://testserver" + page_url, raw["action"]))
        action_url = target.path + (f"?{target.query}" if target.query else "")
        forms.append(
            FormSpec(
                page_name=page_name,
                method=raw["method"],
                action_url=action_url,
                action_name=_url_name(target.path),
                fields=_field_specs(raw["controls"]),
            )
        )
    return forms


# --- The crawl ----------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    url: str
    status: int
    content_type: str


@dataclass
class Crawl:
    pages: dict[str, Page]
    forms: list[FormSpec]

    def post_forms_for(self, action_name: str) -> list[FormSpec]:
        """Distinct POST forms aimed at `action_name` (one per set of field names)."""
        seen: dict[tuple[Any, ...], FormSpec] = {}
        for form in self.forms:
            if form.method == "post" and form.action_name == action_name:
                seen.setdefault(form.key(), form)
        return list(seen.values())

    def get_field_names_for(self, page_name: str) -> set[str]:
        names: set[str] = set()
        for form in self.forms:
            if form.method == "get" and form.action_name == page_name:
                names |= set(form.fields)
        return names

    def hosts_of(self, action_name: str) -> list[str]:
        return sorted({f.page_name for f in self.forms if f.action_name == action_name})


def crawl(client: Client, urls: dict[str, str], *, only: Iterable[str] | None = None) -> Crawl:
    """GET every page (or `only` those), following nothing, and parse its forms."""
    pages: dict[str, Page] = {}
    forms: list[FormSpec] = []
    for name in only if only is not None else urls:
        url = urls[name]
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        pages[name] = Page(name, url, response.status_code, content_type)
        if response.status_code == 200 and content_type.startswith("text/html"):
            forms += parse_forms(response.content.decode(), name, url)
    return Crawl(pages, forms)


# --- Query parameters a view reads --------------------------------------------------------

_GET_KEY_PATTERNS = [
    re.compile(r"\.GET\.get(?:list)?\(\s*[\"'](\w+)[\"']"),
    re.compile(r"\.GET\[\s*[\"'](\w+)[\"']\s*\]"),
    re.compile(r"[\"'](\w+)[\"']\s+(?:not\s+)?in\s+request\.GET"),
]
_GET_FORM = re.compile(r"([\w.]+)\(\s*request\.GET")


def _project_function(obj: object) -> FunctionType | None:
    obj = inspect.unwrap(obj) if callable(obj) else obj
    if not isinstance(obj, FunctionType):
        return None
    module = inspect.getmodule(obj)
    source_file = getattr(module, "__file__", None) or ""
    inside = source_file.startswith(str(PROJECT_ROOT)) and "/.venv/" not in source_file
    return obj if inside else None


def _resolve_dotted(namespace: dict[str, Any], dotted: str) -> object | None:
    head, *rest = dotted.split(".")
    obj: object | None = namespace.get(head)
    for part in rest:
        obj = getattr(obj, part, None)
    return obj


def query_keys(view: Callable[..., Any], *, depth: int = 2) -> set[str]:
    """Names the view (or a project helper it calls) reads from `request.GET`."""
    keys: set[str] = set()
    seen: set[FunctionType] = set()

    def visit(func: FunctionType, level: int) -> None:
        if func in seen:
            return
        seen.add(func)
        try:
            source = textwrap.dedent(inspect.getsource(func))
        except (OSError, TypeError):
            return
        for pattern in _GET_KEY_PATTERNS:
            keys.update(pattern.findall(source))
        for dotted in _GET_FORM.findall(source):
            form_class = _resolve_dotted(func.__globals__, dotted)
            keys.update(getattr(form_class, "base_fields", {}))
        if level >= depth:
            return
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                callee = _resolve_dotted(func.__globals__, ast.unparse(node.func))
                helper = _project_function(callee)
                if helper is not None:
                    visit(helper, level + 1)
                    if _reads_a_computed_key(helper):
                        # A helper that reads the names it is handed: take those names.
                        keys.update(_string_constants(node.args + [k.value for k in node.keywords]))

    root = _project_function(view)
    if root is not None:
        visit(root, 0)
    return keys


_COMPUTED_KEY = re.compile(r"\.GET(?:\.get\(|\[)\s*[A-Za-z_]")


def _reads_a_computed_key(func: FunctionType) -> bool:
    try:
        return bool(_COMPUTED_KEY.search(inspect.getsource(func)))
    except (OSError, TypeError):
        return False


def _string_constants(nodes: list[ast.expr]) -> set[str]:
    found = set()
    for node in nodes:
        for inner in ast.walk(node):
            if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                if inner.value.isidentifier():
                    found.add(inner.value)
    return found


def view_of(path: str) -> Callable[..., Any]:
    return resolve(urlsplit(path).path).func


def existing_query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


# --- Snapshots ----------------------------------------------------------------------------


Snapshot = dict[str, tuple[int, int]]


def _snapshot_queries() -> list[tuple[str, str]]:
    queries = []
    for app_label in SNAPSHOT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            table = connection.ops.quote_name(model._meta.db_table)
            pk_column = model._meta.pk.column
            assert pk_column is not None  # every concrete model has a primary-key column
            pk = connection.ops.quote_name(pk_column)
            queries.append((model._meta.label, f"SELECT * FROM {table} ORDER BY {pk}"))
    return queries


def household_snapshot(household_id: int) -> Snapshot:
    """The same checksums over one household's rows only (every table but the households'
    own has a household_id): another household may legitimately add rows of its own."""
    result = {}
    with connection.cursor() as cursor:
        for label, sql in _snapshot_queries():
            if label == "bakeplanner.Household":
                continue
            where = f" WHERE {connection.ops.quote_name('household_id')} = %s ORDER BY"
            cursor.execute(sql.replace(" ORDER BY", where), [household_id])
            rows = cursor.fetchall()
            result[label] = (len(rows), hash(tuple(rows)))
    return result


def snapshot() -> Snapshot:
    """Row count and a checksum of the rows of every BakePlanner table (the tables of
    `db_snapshot`), read with one plain statement per table: cheap enough per example."""
    result = {}
    with connection.cursor() as cursor:
        for label, sql in _snapshot_queries():
            cursor.execute(sql)
            rows = cursor.fetchall()
            result[label] = (len(rows), hash(tuple(rows)))
    return result


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


def ids_of(objects: Iterable[Model]) -> list[str]:
    return sorted({str(obj.pk) for obj in objects})


# --- Strategies ---------------------------------------------------------------------------

HUGE_NUMBERS = [
    "1e400000",
    "-1e400000",
    "9999999999999999999999",
    "-9999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "1e20",
    "1e-400000",
]
STRANGE_NUMBERS = [
    "-1",
    "0",
    "-0",
    "-0.0001",
    "NaN",
    "nan",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1234567890123456789012345678901234567890",
    "0.1234567890123456789012345678901234567890",
    "12345678901234567890.12345678901234567890",
    "1_000",
    "1,5",
    " 7 ",
    "0x10",
    "١٢",  # Arabic-Indic digits: isdigit() says yes, int() agrees, the database may not
    "²",  # a superscript: isdigit() says yes, int() refuses
]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "1899-12-31",
    "2201-01-01",
    "2026-12-24",
    "2026-12-24T25:61",
    "2026-03-29T02:30",  # a wall time that does not exist in Europe/Berlin
    "2026-10-25T02:30",  # a wall time that happens twice in Europe/Berlin
    "24.12.2026",
    "12/24/2026",
]
STRANGE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202egnp.exe",
    "\u200b",
    "\ufeff",
    "🎄🍪",
    "👨‍👩‍👧‍👦",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%s%n",
    "{{ 7*7 }}",
    "x" * 10_000,
    "🍪" * 3_000,
    "\r\n\t",
    "null",
    "None",
    "true",
    "[]",
    "{}",
]
# str.isdigit() accepts all of these; int() refuses the superscripts and takes the others.
UNICODE_DIGITS = ["²", "1²", "³", "١٢", "৩", "𝟙", "٠"]
ID_SWAPS = ["²", "-1", "0", "", "x", "999999999", "1e400000", "١"]
PLAUSIBLE = ["1", "2", "3", "10", "0.5", "1.5", "100", "Test", "2026-12-01", "2026-12-01T10:00"]

# Hypothesis' own generators, kept to characters a form post can carry (no lone surrogates).
_generated_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40
)
_generated_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)


DATE_KINDS = {"date", "datetime-local", "datetime", "month", "week", "time"}
_DATE_NAME = re.compile(r"date|_at$|_on$|^start$|^end$|_from$|_to$|^year$|^when$")


def is_date_field(name: str, spec: FieldSpec | None) -> bool:
    return (spec is not None and spec.kind in DATE_KINDS) or bool(_DATE_NAME.search(name))


def date_value() -> st.SearchStrategy[str]:
    """Dates and times across the whole calendar, impossible ones, and wall times that a
    time zone skips or repeats."""
    return st.one_of(
        st.sampled_from(DATES),
        st.dates().map(dt.date.isoformat),
        st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
        st.datetimes().map(lambda moment: moment.isoformat(sep=" ")),
        st.integers(min_value=-10_000, max_value=100_000).map(str),
    )


def garbage() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HUGE_NUMBERS),
        st.sampled_from(STRANGE_NUMBERS),
        st.sampled_from(DATES),
        st.sampled_from(STRANGE_TEXT),
        _generated_text,
        _generated_numbers,
    )


def scalar_value(spec: FieldSpec | None, ids: dict[str, list[str]]) -> st.SearchStrategy[str]:
    """One value for a field: often sensible (so the other fields reach the service),
    often garbage, sometimes an id of this household, of another one, or of nothing."""
    sensible: list[str] = list(PLAUSIBLE)
    if spec is not None:
        sensible = list(dict.fromkeys(spec.options + spec.default)) or sensible
    # An option with its trailing id swapped: "finished_unit:7" becomes "finished_unit:²".
    mutated = st.tuples(st.sampled_from(sensible), st.sampled_from(ID_SWAPS)).map(
        lambda pair: re.sub(r"\d+$", lambda _: pair[1], pair[0])
    )
    foreign = ids.get("foreign", []) or ["0"]
    own = ids.get("own", []) or ["1"]
    return st.one_of(
        st.sampled_from(sensible),
        st.sampled_from(PLAUSIBLE),
        garbage(),
        st.sampled_from(UNICODE_DIGITS),
        mutated,
        st.sampled_from(foreign),
        st.sampled_from(own),
        st.sampled_from(["0", "-1", "999999999", "2147483647", "9223372036854775807"]),
    )


def field_value(spec: FieldSpec | None, ids: dict[str, list[str]]) -> st.SearchStrategy[list[str]]:
    """A field's submitted values: none, one, or several (a list for a single field)."""
    one = scalar_value(spec, ids)
    return st.one_of(
        one.map(lambda value: [value]),
        st.just([]),
        st.lists(one, min_size=2, max_size=3),
    )


@st.composite
def form_data(
    draw: st.DrawFn,
    form: FormSpec,
    ids: dict[str, list[str]],
    *,
    keep: frozenset[str] = frozenset(),
    dates_only: bool = False,
) -> dict[str, list[str]]:
    """The form's defaults with some fields replaced; `keep` fields are never fuzzed, and
    with `dates_only` only the date and time fields are, with dates."""
    data = form.default_data()
    fuzzable = sorted(
        name
        for name, spec in form.fields.items()
        if name not in keep and (not dates_only or is_date_field(name, spec))
    )
    if fuzzable:
        chosen = draw(st.lists(st.sampled_from(fuzzable), unique=True, max_size=len(fuzzable)))
        for name in chosen:
            if dates_only:
                data[name] = [draw(date_value())]
                continue
            values = draw(field_value(form.fields[name], ids))
            if values:
                data[name] = values
            else:
                data.pop(name, None)
    if (
        not dates_only and draw(st.integers(0, 9)) == 0
    ):  # now and then, a field the form does not have
        data[draw(st.sampled_from(["id", "pk", "household", "household_id", "__proto__"]))] = [
            draw(scalar_value(None, ids))
        ]
    return data


@st.composite
def query_data(
    draw: st.DrawFn,
    names: list[str],
    ids: dict[str, list[str]],
    fields: dict[str, FieldSpec],
    *,
    dates_only: bool = False,
) -> dict[str, list[str]]:
    chosen = draw(st.lists(st.sampled_from(names), unique=True, min_size=1, max_size=5))
    data: dict[str, list[str]] = {}
    for name in chosen:
        if dates_only and is_date_field(name, fields.get(name)):
            data[name] = [draw(date_value())]
            continue
        values = draw(field_value(fields.get(name), ids))
        data[name] = values or [""]
    return data
