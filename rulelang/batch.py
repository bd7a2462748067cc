"""`rulelang batch`: a rule set evaluated for every row of a CSV or Parquet file, on all cores or a Dask
cluster. Every row ends up in the results or in the errors file (with its row number and the reason);
none is dropped.

The input has one column per input (`invoer`) of the rule set, a column `peildatum` (or `--peildatum` for
all rows) and a column `beslissing.<naam>` per decision of the college. Values are written as in a
scenario (`1200.50` or `€ 1.200,50`, `2026-01-31`, `ja`/`nee`, an enumeration value); an empty cell means
"not given" (then the `standaard` of the rule set applies, or the row fails with RL504/RL505). A list
input (medebewoners, ontvangen_bijdragen) is one JSON column: an array of objects with the record's fields,
`[{"datum": "2026-02-14", "bedrag": "700.00", "soort": "gift_in_geld"}]`. Parquet columns may also be typed
(bool, integers, decimal, date32).

Per chunk of rows the columnar backend (rulelang/columnar.py) computes all rows at once; the rows it does
not answer — a cell it does not read itself, a missing input, a conflict, a blocked outcome, a result it
cannot guarantee to be exact — go to the compiled (untraced) scalar evaluator, which gives the same value
or the reason the row fails. With `--motor scalair` every row goes to the scalar evaluator.
"""
from __future__ import annotations

import csv
import datetime as _dt
import decimal
import hashlib
import io
import json
import os
import time
from collections import deque
from decimal import Decimal
from pathlib import Path

import attrs
import numpy as np

from .runtime.values import SHOW_CONTEXT

SMALL_CSV_BYTES = 2_000_000  # below this (a few thousand rows), `--motor auto` evaluates row by row
DECISION_PREFIX = "beslissing."
ROW = "rij"
ROW_PROBLEM = "__rulelang_rijfout"  # a CSV record that is not a row (wrong number of fields, not UTF-8)
TRUE_WORDS = ("ja", "waar", "true", "yes")
FALSE_WORDS = ("nee", "onwaar", "false", "no")


class BatchError(Exception):
    """The batch cannot start (unreadable input, unknown columns, …): exit code 2."""


# ====================================================================== what a worker needs
@attrs.define
class Bundle:
    """Everything a worker process or Dask worker needs, as plain data (picklable, no paths to read)."""

    name: str
    python_source: str
    outcomes: list[str]
    columnar: tuple | None  # (source, constants) of a ColumnarProgram, or None: scalar only
    key: str = ""

    def __attrs_post_init__(self):
        self.key = hashlib.sha256(self.python_source.encode() + repr(self.outcomes).encode()
                                  + (self.columnar[0].encode() if self.columnar else b"")).hexdigest()[:16]


def make_bundle(rules: str | Path, outcomes: list[str] | None = None, engine: str = "auto"):
    """Compile the rule set; returns (bundle, diagnostics). engine: auto | kolom | scalair."""
    from .compiler import compile_rules, compile_to_python

    rs, diags = compile_rules(rules)
    if rs is None:
        return None, diags
    names = _outcome_names(rs.meta, outcomes)
    columnar = None
    if engine in ("auto", "kolom"):
        from .columnar import ColumnarProgram, Unsupported

        program = rs.program
        if program is None:  # loaded from the cache: the IR is made again (it is not cached)
            _, program, _, _ = compile_to_python(Path(rules))
        try:
            cp = ColumnarProgram(program, names)
            columnar = (cp.source, list(cp.consts.values()))
        except Unsupported as e:
            if engine == "kolom":
                raise BatchError(f"de kolommotor kan deze regels niet doorrekenen: {e}") from None
    return Bundle(rs.root, rs.python_source, names, columnar), diags


def _outcome_names(meta: dict, outcomes: list[str] | None) -> list[str]:
    names = list(outcomes) if outcomes else list(meta["outcomes"])
    unknown = [n for n in names if n not in meta["index"] or
               meta["symbols"][meta["index"][n]]["kind"] not in ("uitkomst", "definitie")]
    if unknown:
        from .diagnostics import suggest

        hint = suggest(unknown[0], [s["name"] for s in meta["symbols"] if s["kind"] in ("uitkomst", "definitie")])
        raise BatchError(f"de regels kennen geen uitkomst '{unknown[0]}'" + (f"; bedoelde u '{hint}'?" if hint else ""))
    return names


_STATE: dict[str, "Worker"] = {}


def worker_for(bundle: Bundle) -> "Worker":
    """One Worker per process and bundle (the module is loaded and the columnar code compiled once)."""
    w = _STATE.get(bundle.key)
    if w is None:
        w = _STATE[bundle.key] = Worker(bundle)
    return w


class Worker:
    def __init__(self, bundle: Bundle):
        from .compiler import load_python

        self.bundle = bundle
        module = load_python(bundle.python_source, bundle.name)
        self.cls = module.RuleSet
        self.fast = getattr(self.cls, "UNTRACED", self.cls)
        self.meta = module.META
        meta = self.meta
        self.outcomes = bundle.outcomes
        self.getters = [self.fast.GETTERS[meta["index"][n]] for n in self.outcomes]
        self.types = [meta["symbols"][meta["index"][n]]["type"] for n in self.outcomes]
        self.inputs = {s["name"]: s for s in meta["symbols"] if s["kind"] == "invoer"}
        self.decisions = {s["name"]: s for s in meta["symbols"] if s["kind"] == "beslissing"}
        self.columnar = None
        if bundle.columnar is not None:
            from .columnar import ColumnarProgram

            self.columnar = ColumnarProgram.from_source(bundle.columnar[0], bundle.columnar[1], self.outcomes)

    # -------------------------------------------------------------- one chunk
    def evaluate(self, table, first_row: int, columns: "Layout", fmt: str):
        """Rows first_row+1 … of `table` (a pyarrow Table): (results as a pyarrow Table, error rows)."""
        import pyarrow as pa

        n = table.num_rows
        rows = np.arange(first_row + 1, first_row + n + 1, dtype=np.int64)
        ok = np.ones(n, bool)
        errors: list[tuple] = []
        broken: set[int] = set()
        if ROW_PROBLEM in table.column_names:  # records the CSV reader could not make a row of
            for i, reason in enumerate(table.column(ROW_PROBLEM).to_pylist()):
                if reason is not None:
                    ok[i] = False
                    broken.add(i)
                    ident = table.column(columns.id_column)[i].as_py() if columns.id_column else None
                    errors.append((int(rows[i]), ident, "rij", "RL405", reason))
            table = table.drop_columns([ROW_PROBLEM])
        scalar_rows = np.arange(n)
        col_values = None
        if self.columnar is not None:
            X, bad = _to_columns(self, table, columns)
            out = self.columnar.run(X)
            fallback = bad.copy()
            col_values = []
            for name in self.outcomes:
                v, e = out[name]
                if e is not None:
                    fallback |= np.broadcast_to(e, (n,))
                col_values.append(v)
            scalar_rows = np.nonzero(fallback)[0]
        if broken:
            scalar_rows = np.array([i for i in scalar_rows if int(i) not in broken], dtype=np.int64)
        scalar_out: dict[int, list] = {}
        if len(scalar_rows):
            raw = _raw_rows(table, columns, scalar_rows)
            for i, cells in zip(scalar_rows, raw):
                res, errs = self.evaluate_row(cells, columns)
                if errs:
                    ok[i] = False
                    ident = cells.get(columns.id_column) if columns.id_column else None
                    errors.extend((int(rows[i]), ident, *e) for e in errs)
                else:
                    scalar_out[int(i)] = res
        # assemble the columns: columnar values where they answered, scalar values for the other rows
        keep = np.nonzero(ok)[0]
        arrays = {ROW: pa.array(rows[keep])}
        if columns.id_column:
            arrays[columns.id_column] = table.column(columns.id_column).take(pa.array(keep)).cast(pa.string())
        for k, (name, t) in enumerate(zip(self.outcomes, self.types)):
            arrays[name] = _output_column(t, keep, None if col_values is None else col_values[k], scalar_out, k,
                                          n, fmt)
        errors.sort(key=lambda e: e[0])  # the errors file in row order (stable: a row's own order kept)
        return pa.table(arrays), errors

    def evaluate_row(self, cells: dict, columns: "Layout"):
        """One row with the scalar evaluator: (output values, [(column or outcome, code, reason)])."""
        from .runtime import signals
        from .runtime.values import CONTEXT

        facts, decisions, peil, problems = self.row_case(cells, columns)
        if problems:
            return None, problems
        ev = self.fast(facts, decisions, peil)
        out = []
        with decimal.localcontext(CONTEXT):
            for name, g in zip(self.outcomes, self.getters):
                try:
                    out.append(g(ev))
                except signals.Signal as s:
                    problems.append((name, _code(self.meta, s), _reason(self.meta, s, peil)))
        return (None if problems else out), problems

    def row_case(self, cells: dict, columns: "Layout", decided_by: str = ""):
        """One row as (facts, decisions, peildatum, [(column, code, reason)]): what a scenario would give."""
        from .runtime import Decision

        problems: list[tuple[str, str, str]] = []
        facts, decisions = {}, {}
        peil = cells.get("peildatum")  # an empty cell: --peildatum, if given
        if peil is None:
            peil = columns.peildatum
        if isinstance(peil, str) or peil is not None and not isinstance(peil, _dt.date):
            try:
                from .scenario import parse_date_text

                peil = parse_date_text(_text(peil))
            except (ValueError, TypeError):
                problems.append(("peildatum", "RL405", f"peildatum '{_text(peil)}' is geen datum (schrijf 2026-01-31)"))
                peil = None
        elif isinstance(peil, _dt.datetime):
            problems.append(("peildatum", "RL405", f"peildatum '{peil}' is geen datum (schrijf 2026-01-31)"))
            peil = None
        if peil is None and not problems:
            problems.append(("peildatum", "RL402", "de peildatum ontbreekt (kolom peildatum of --peildatum)"))
        for name in columns.inputs:
            raw = cells.get(name)
            if raw is None:
                continue
            v = self._convert(raw, self.inputs[name]["type"], name, problems)
            if v is not _BAD:
                facts[name] = v
        for name in columns.decisions:
            raw = cells.get(DECISION_PREFIX + name)
            if raw is None:
                continue
            v = self._convert(raw, self.decisions[name]["type"], DECISION_PREFIX + name, problems)
            if v is not _BAD:
                decisions[name] = Decision(v, decided_by, None,
                                           f"kolom {DECISION_PREFIX}{name} van het invoerbestand" if decided_by else "")
        return facts, decisions, peil, problems

    def _convert(self, raw, typ: dict, column: str, problems: list):
        from .scenario import parse_scalar

        kind = typ["kind"]
        t = type(raw)  # a typed Parquet value that is already exact: as it is
        if (t is bool and kind == "bool") or (t is _dt.date and kind == "date") or (t is int and kind == "int") \
                or (t is Decimal and kind in ("money", "dec") and raw.is_finite()):
            return raw
        try:
            if kind == "list":
                return self._list(raw, typ, column)
            if isinstance(raw, float):
                raise ValueError(f"'{raw!r}' is een kommagetal (float); rulelang rekent exact: geef tekst of "
                                 "een decimal-kolom")
            if typ["kind"] in ("record",):
                raise ValueError("een record in één kolom wordt niet ondersteund")
            return parse_scalar(_text(raw), typ, self.meta)
        except ValueError as e:
            problems.append((column, "RL405", f"kolom {column}: {e}"))
            return _BAD

    def _list(self, raw, typ: dict, column: str):
        from .scenario import MAX_LIST_ITEMS, parse_scalar

        if isinstance(raw, str):
            try:
                items = json.loads(raw, parse_float=str, parse_int=str)
            except json.JSONDecodeError as e:
                raise ValueError(f"geen geldige JSON ({e.msg}, teken {e.pos + 1})") from None
        else:
            items = raw
        if items is None:
            raise ValueError("leeg (null); schrijf [] voor een lege lijst")
        if not isinstance(items, list):
            raise ValueError("moet een JSON-lijst zijn: [{…}, …]")
        if len(items) > MAX_LIST_ITEMS:
            raise ValueError(f"{len(items)} items; het maximum is {MAX_LIST_ITEMS}")
        elem = typ["elem"]
        out = []
        for k, item in enumerate(items, 1):
            if elem["kind"] != "record":
                out.append(parse_scalar(_text(item), elem, self.meta))
                continue
            fields = self.meta["records"][elem["name"]]
            if not isinstance(item, dict):
                raise ValueError(f"item {k} moet een object zijn met de velden {', '.join(fields)}")
            extra = [f for f in item if f not in fields]
            if extra:
                raise ValueError(f"item {k}: {elem['name']} heeft geen veld '{extra[0]}'")
            missing = [f for f in fields if item.get(f) is None]
            if missing:
                raise ValueError(f"item {k} mist het veld '{missing[0]}'")
            rec = {}
            for f, ft in fields.items():
                v, t = item[f], type(item[f])
                if (t is bool and ft["kind"] == "bool") or (t is _dt.date and ft["kind"] == "date") or (
                        t is Decimal and ft["kind"] in ("money", "dec") and v.is_finite()):
                    rec[f] = v
                    continue
                try:
                    rec[f] = parse_scalar(_text(v), ft, self.meta)
                except ValueError as e:
                    raise ValueError(f"item {k}, veld {f}: {e}") from None
            out.append(rec)
        return tuple(out)


_BAD = object()


def _text(v) -> str:
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if isinstance(v, Decimal):
        return f"{v:f}"
    if isinstance(v, (_dt.date,)):
        return v.isoformat()
    return str(v)


def _code(meta, sig) -> str:
    from .runtime import signals

    if isinstance(sig, signals.Missing):
        return "RL505" if meta["symbols"][sig.symbol]["kind"] == "beslissing" else "RL504"
    return {signals.Conflict: "RL501", signals.NoRule: "RL502", signals.NoVersion: "RL503",
            signals.Fault: "RL506", signals.Blocked: "RL507"}.get(type(sig), "RL901")  # every Signal subclass is listed; RL901 = internal error


def _reason(meta, sig, peil) -> str:
    from .explain import describe_signal

    text = describe_signal(meta, sig, peil)
    return text[6:] if len(text) > 6 and text[:2] == "RL" and text[5] == " " else text


# ====================================================================== input layout
@attrs.define
class Layout:
    """Which columns of the input are inputs, decisions, the peildatum and the id."""

    inputs: list[str]
    decisions: list[str]
    has_peildatum: bool
    peildatum: _dt.date | None
    id_column: str | None
    names: list[str]


def layout(meta: dict, names: list[str], peildatum: _dt.date | None, id_column: str | None) -> Layout:
    from .diagnostics import suggest

    inputs = {s["name"] for s in meta["symbols"] if s["kind"] == "invoer"}
    decisions = {s["name"] for s in meta["symbols"] if s["kind"] == "beslissing"}
    if id_column is None and "id" in names and "id" not in inputs:
        id_column = "id"
    if id_column is not None and id_column not in names:
        raise BatchError(f"de invoer heeft geen kolom '{id_column}' (--id)")
    unknown = []
    for c in names:
        if c in (ROW, "peildatum", id_column) or c in inputs:
            continue
        if c.startswith(DECISION_PREFIX) and c[len(DECISION_PREFIX):] in decisions:
            continue
        unknown.append(c)
    if unknown:
        c = unknown[0]
        if c.startswith(DECISION_PREFIX):
            hint = suggest(c[len(DECISION_PREFIX):], sorted(decisions))
            msg = f"kolom '{c}': de regels kennen geen beslissing '{c[len(DECISION_PREFIX):]}'"
            hint = DECISION_PREFIX + hint if hint else None
        elif c in decisions:
            hint, msg = DECISION_PREFIX + c, f"kolom '{c}' is een beslissing; noem de kolom '{DECISION_PREFIX}{c}'"
        else:
            hint = suggest(c, sorted(inputs) + ["peildatum"])
            msg = f"kolom '{c}': de regels kennen geen invoer '{c}'"
        raise BatchError(msg + (f"; bedoelde u '{hint}'?" if hint and "noem" not in msg else ""))
    if "peildatum" not in names and peildatum is None:
        raise BatchError("de invoer heeft geen kolom 'peildatum'; geef er een, of --peildatum voor alle rijen")
    return Layout([c for c in names if c in inputs], [c[len(DECISION_PREFIX):] for c in names
                                                      if c.startswith(DECISION_PREFIX)],
                  "peildatum" in names, peildatum, id_column, names)


def _raw_rows(table, columns: Layout, idx) -> list[dict]:
    """Some rows as {column: Python value or None} (for the scalar evaluator)."""
    import pyarrow as pa

    sub = table.take(pa.array(np.asarray(idx, np.int64)))
    data = {c: sub.column(c).to_pylist() for c in sub.column_names}
    out = []
    for k in range(sub.num_rows):
        cells = {c: v[k] for c, v in data.items()}
        if not columns.has_peildatum:
            cells.pop("peildatum", None)
        out.append(cells)
    return out


# ====================================================================== vectorised conversion
_PLAIN_NUMBER = r"^-?\d{1,15}(\.\d{1,9})?$"
_AMBIGUOUS = r"^-?\d{1,3}(\.\d{3})+$"
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _to_columns(worker: Worker, table, columns: Layout):
    """The chunk as columnar.Columns, and the rows it could not convert itself (-> scalar)."""
    from .columnar import Columns

    n = table.num_rows
    bad = np.zeros(n, bool)
    meta = worker.meta
    if columns.has_peildatum:
        peil, present, b = _parse(table.column("peildatum"), {"kind": "date"}, meta)
        if columns.peildatum is not None:
            peil = np.where(present, peil, columns.peildatum.toordinal())
            present = np.ones(n, bool)
        bad |= b | ~present
    else:
        peil = np.full(n, columns.peildatum.toordinal() if columns.peildatum else 0, np.int64)
    scalars, lists = {}, {}
    for name in columns.inputs:
        typ = worker.inputs[name]["type"]
        if typ["kind"] == "list":
            lists[name], b = _parse_list(table.column(name), typ, meta)
        else:
            v, present, b = _parse(table.column(name), typ, meta)
            scalars[name] = (v, present)
        bad |= b
    for name in columns.decisions:
        typ = worker.decisions[name]["type"]
        v, present, b = _parse(table.column(DECISION_PREFIX + name), typ, meta)
        scalars[name] = (v, present)
        bad |= b
    return Columns(n, peil, scalars, lists), bad


def _parse(col, typ: dict, meta: dict):
    """(values, present, bad) of one column; bad rows are left to the scalar evaluator."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = typ["kind"]
    col = col.combine_chunks() if hasattr(col, "combine_chunks") else col
    n = len(col)
    present = ~np.asarray(col.is_null().to_numpy(zero_copy_only=False), bool)
    t = col.type
    zero = (np.zeros(n, np.int64), 1) if kind in ("money", "dec", "pct") else np.zeros(
        n, bool if kind == "bool" else np.int64)
    if pa.types.is_null(t):
        return zero, np.zeros(n, bool), np.zeros(n, bool)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        s = pc.utf8_trim_whitespace(col)
        if kind == "bool":
            low = pc.utf8_lower(s)
            yes = _np(pc.is_in(low, value_set=pa.array(TRUE_WORDS)))
            no = _np(pc.is_in(low, value_set=pa.array(FALSE_WORDS)))
            return yes, present, present & ~(yes | no)
        if kind == "int":
            ok = _np(pc.match_substring_regex(s, r"^-?\d{1,17}$")) & present
            vals = pc.cast(pc.if_else(pa.array(ok), s, "0"), pa.int64())
            return _np(vals).astype(np.int64), present, present & ~ok
        if kind in ("money", "dec"):
            ok = (_np(pc.match_substring_regex(s, _PLAIN_NUMBER)) & ~_np(pc.match_substring_regex(s, _AMBIGUOUS))
                  & present)
            return _fixed_point(s, ok), present, present & ~ok
        if kind == "date":
            ok = _np(pc.match_substring_regex(s, _ISO_DATE)) & present
            ts = pc.strptime(pc.if_else(pa.array(ok), s, "2000-01-01"), format="%Y-%m-%d", unit="s",
                             error_is_null=True)
            days = pc.cast(pc.cast(ts, pa.date32()), pa.int32())
            ok &= ~_np(pc.is_null(days))
            vals = np.asarray(pc.fill_null(days, 0).to_numpy(zero_copy_only=False), np.int64) + 719163
            return vals, present, present & ~ok
        if kind == "enum":
            members = meta["enums"][typ["name"]]
            idx = pc.index_in(s, value_set=pa.array(members))
            ok = ~_np(pc.is_null(idx)) & present
            return np.asarray(pc.fill_null(idx, 0).to_numpy(zero_copy_only=False), np.int64), present, present & ~ok
        return zero, present, present.copy()  # percentages, durations, text: the scalar evaluator reads them
    if pa.types.is_boolean(t) and kind == "bool":
        return _np(col), present, np.zeros(n, bool)
    if pa.types.is_integer(t) and kind in ("int", "money", "dec"):
        vals = np.asarray(pc.fill_null(col, 0).to_numpy(zero_copy_only=False), np.int64)
        return ((vals, 1) if kind != "int" else vals), present, np.zeros(n, bool)
    if pa.types.is_date32(t) and kind == "date":
        days = np.asarray(pc.fill_null(pc.cast(col, pa.int32()), 0).to_numpy(zero_copy_only=False), np.int64)
        return days + 719163, present, np.zeros(n, bool)
    if pa.types.is_decimal(t) and kind in ("money", "dec") and t.scale <= 9 and t.byte_width == 16:
        words = np.frombuffer(col.buffers()[1], dtype=np.int64)[2 * col.offset: 2 * (col.offset + n)].reshape(-1, 2)
        low, high = words[:, 0], words[:, 1]
        ok = (high == (low >> 63)) & (np.abs(low) < (1 << 62))
        return (np.where(ok, low, 0), 10 ** t.scale), present, present & ~ok
    return zero, present, present.copy()


def _np(arr) -> np.ndarray:
    import pyarrow.compute as pc

    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), bool)


def _fixed_point(s, ok: np.ndarray):
    """Plain decimal text (validated by `ok`) as (numerators, 10^scale), exactly."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(s)
    if not ok.any():
        return (np.zeros(n, np.int64), 1)
    parts = pc.extract_regex(pc.if_else(pa.array(ok), s, "0"), r"^(?P<sign>-?)(?P<whole>\d+)(?:\.(?P<frac>\d+))?$")
    frac = pc.fill_null(parts.field("frac"), "")
    lengths = np.asarray(pc.utf8_length(frac).to_numpy(zero_copy_only=False), np.int64)
    scale = int(lengths.max()) if n else 0
    whole = np.asarray(pc.cast(parts.field("whole"), pa.int64()).to_numpy(zero_copy_only=False), np.int64)
    if scale:
        padded = pc.utf8_rpad(frac, width=scale, padding="0")
        fr = np.asarray(pc.cast(padded, pa.int64()).to_numpy(zero_copy_only=False), np.int64)
    else:
        fr = np.zeros(n, np.int64)
    if int(np.abs(whole).max()) * 10 ** scale >= (1 << 62):
        ok &= np.abs(whole) * float(10 ** scale) < 2.0 ** 61
        whole = np.where(ok, whole, 0)
    num = whole * 10 ** scale + fr
    neg = np.asarray(pc.equal(parts.field("sign"), "-").to_numpy(zero_copy_only=False), bool)
    return (np.where(neg, -num, num), 10 ** scale)


def _parse_list(col, typ: dict, meta: dict):
    """A list column (JSON text, or Parquet list<struct>): ((offsets, present, fields), bad rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    fields = meta["records"][typ["elem"]["name"]]
    target = pa.large_list(pa.struct([(f, pa.large_string()) for f in fields]))  # JSON: every value as text
    col = col.combine_chunks() if hasattr(col, "combine_chunks") else col
    n = len(col)
    present = ~np.asarray(col.is_null().to_numpy(zero_copy_only=False), bool)
    # nothing read here (every given row to the scalar evaluator), but with every field present and empty:
    # the columnar code still runs over the whole chunk
    no_items = {f: ((np.zeros(0, np.int64), 1) if ft["kind"] in ("money", "dec", "pct")
                    else np.zeros(0, bool if ft["kind"] == "bool" else np.int64)) for f, ft in fields.items()}
    empty = (np.zeros(n + 1, np.int64), np.zeros(n, bool), no_items), present.copy()
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        try:
            import polars as pl
        except ImportError:  # without polars the scalar evaluator reads the JSON
            return empty

        st = pl.from_arrow(col).str.strip_chars()
        # read here only plain JSON: an array of objects whose values are all strings; anything else (a
        # number, true, null, a nested value) goes to the scalar evaluator, which reads it or says why not
        looks = st.str.starts_with("[") & st.str.ends_with("]")
        nonstring = st.str.contains(r':\s*[^\s"]')
        keys = st.str.count_matches(r'"\s*:')
        ok = (looks.fill_null(False) & ~nonstring.fill_null(True)).to_numpy() & present
        cleaned = pl.Series(np.where(ok, st.fill_null("[]").to_numpy(), "[]"), dtype=pl.String)
        try:
            decoded = cleaned.str.json_decode(dtype=pl.List(pl.Struct({f: pl.String for f in fields})))
        except Exception:  # some JSON polars does not read: the scalar evaluator reads (or rejects) it
            return empty
        # json_decode drops keys that are not fields: every item must have exactly the record's keys
        ok &= (keys.fill_null(0).to_numpy() == decoded.list.len().fill_null(0).to_numpy() * len(fields))
        bad = present & ~ok
        lists = decoded.to_arrow().cast(target)
    elif (pa.types.is_list(col.type) or pa.types.is_large_list(col.type)) and pa.types.is_struct(
            col.type.value_type) and {f.name for f in col.type.value_type} == set(fields):
        lists = col  # Parquet list<struct>: typed fields are read as they are (bool, date32, decimal, text)
        bad = np.zeros(n, bool)
    else:
        return empty
    lens = np.asarray(pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False), np.int64)
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lens, out=offsets[1:])
    items = lists.flatten()
    owner = np.repeat(np.arange(n), lens)
    out_fields = {}
    for f, ft in fields.items():
        v, pres, b = _parse(items.field(f), ft, meta)
        item_bad = b | ~pres  # a missing field: the scalar evaluator names it
        if item_bad.any():
            bad[owner[item_bad]] = True
        out_fields[f] = v
    return (offsets, present & ~bad, out_fields), bad


# ====================================================================== output
def _output_column(t: dict, keep, col_value, scalar_out: dict, k: int, n: int, fmt: str):
    """One outcome column for the rows `keep`: columnar values, replaced by scalar ones where those exist."""
    import pyarrow as pa

    kind = t["kind"]
    texts_from_scalar = {i: vals[k] for i, vals in scalar_out.items()}
    if col_value is None:
        py = [texts_from_scalar[int(i)] for i in keep]
        return _py_column(py, kind, fmt)
    from .columnar import Num

    if kind in ("money", "dec", "pct") and isinstance(col_value, Num):
        col = _num_text(col_value, kind, n)
    else:
        arr = np.broadcast_to(np.asarray(col_value), (n,))
        if kind == "bool":
            col = np.where(arr, "ja", "nee").astype(object) if fmt == "csv" else arr.astype(bool).astype(object)
        elif kind == "int":
            col = arr.astype(np.int64).astype(object)
        elif kind == "date":
            col = np.array([_dt.date.fromordinal(int(o)) for o in arr], object) if n else np.zeros(0, object)
            if fmt == "csv":
                col = np.array([d.isoformat() for d in col], object)
        elif kind == "enum":
            members = np.array(_ENUM_MEMBERS[t["name"]], object)
            col = members[arr.astype(np.int64)]
        else:
            col = arr.astype(object)
    col = np.asarray(col, object).copy()
    for i, v in texts_from_scalar.items():
        col[i] = _py_cell(v, kind, fmt)
    return _typed(list(col[keep]), kind, fmt)


_ENUM_MEMBERS: dict[str, list[str]] = {}


def _num_text(x, kind: str, n: int) -> np.ndarray:
    """Exact decimal text of a Num column (money: at least two decimals), as scalar_text would write it."""
    nn = np.broadcast_to(np.asarray(x.n, np.int64), (n,))
    d = x.d
    out = np.empty(n, object)
    if isinstance(d, int) and TEN_POWERS.get(d) is not None and kind == "money" and x.r is None:
        k = TEN_POWERS[d]
        if k <= 2:
            cents = nn * 10 ** (2 - k)
            exact = np.ones(n, bool)
        else:
            f = 10 ** (k - 2)
            exact = nn % f == 0
            cents = nn // f
        neg = cents < 0
        a = np.abs(cents)
        whole = (a // 100).astype(str)
        frac = np.char.zfill((a % 100).astype(str), 2)
        text = np.char.add(np.char.add(np.where(neg, "-", ""), whole), np.char.add(".", frac))
        out[:] = text
        for i in np.nonzero(~exact)[0]:
            out[i] = scalar_text(Decimal(int(nn[i])) / Decimal(d), kind)
        return out
    dd = np.broadcast_to(np.asarray(d, np.int64), (n,))
    with decimal.localcontext(_context()):
        for i in range(n):
            out[i] = scalar_text(Decimal(int(nn[i])) / Decimal(int(dd[i])), kind)
    return out


TEN_POWERS = {10 ** k: k for k in range(19)}


def _context():
    from .runtime.values import CONTEXT

    return CONTEXT


_CENT = Decimal("0.01")


def scalar_text(v, kind: str) -> str:
    """A value as it is written in a results file (the same for both engines)."""
    if v is None:
        return ""
    if kind == "bool":
        return "ja" if v else "nee"
    if kind in ("money", "dec", "pct"):
        v = Decimal(v)
        cents = v.quantize(_CENT, context=SHOW_CONTEXT) if kind == "money" else None  # every digit kept
        if cents is not None and v == cents:
            v = cents
        elif v == v.to_integral_value():
            v = v.quantize(Decimal(1), context=SHOW_CONTEXT)
        else:
            v = v.normalize(SHOW_CONTEXT)
        text = f"{v:f}"
        return text[1:] if text.startswith("-") and v == 0 else text
    if kind == "date":
        return v.isoformat()
    return str(v)


def _py_cell(v, kind: str, fmt: str):
    if fmt == "csv" or kind in ("money", "dec", "pct", "enum", "text"):
        return scalar_text(v, kind)
    return v


def _py_column(values: list, kind: str, fmt: str):
    return _typed([_py_cell(v, kind, fmt) for v in values], kind, fmt)


def _typed(values: list, kind: str, fmt: str):
    import pyarrow as pa

    if fmt == "csv" or kind in ("money", "dec", "pct", "enum", "text"):
        return pa.array(values, pa.string())
    return pa.array(values, {"bool": pa.bool_(), "int": pa.int64(), "date": pa.date32()}[kind])


# ====================================================================== reading and writing files
def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if path.is_dir() or suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise BatchError(f"'{path}': gebruik een .csv- of .parquet-bestand (of een map met .parquet-bestanden)")


def parquet_parts(path: Path) -> list[tuple[str, list[int], int, int]]:
    """The partitions of Parquet input: (file, row groups, first row, rows), in row order."""
    files = sorted(p for p in path.rglob("*") if p.suffix in (".parquet", ".pq")) if path.is_dir() else [path]
    if not files:
        raise BatchError(f"'{path}' bevat geen .parquet-bestanden")
    parts, first = [], 0
    for f in files:
        md = _parquet_file(f).metadata
        for g in range(md.num_row_groups):
            rows = md.row_group(g).num_rows
            if rows:
                parts.append((str(f), [g], first, rows))
                first += rows
    return parts


def _read_part(part) -> "object":
    import pyarrow.parquet as pq

    return pq.ParquetFile(part[0]).read_row_groups(part[1])


def _csv_chunks(path: Path, chunk: int):
    """(first row, table) per chunk of a CSV file, every column as text (empty cell = not given).

    pyarrow reads well-formed files fast. A file with a record pyarrow cannot read (a different number of
    fields, bytes that are not UTF-8, a stray carriage return) is read with Python's csv module instead: a
    broken record keeps its row number and goes to the errors file (column ROW_PROBLEM), and every other
    row is evaluated. Which reader is used is decided before the first row is handed out (a quick pass of
    pyarrow over the file), so the row numbers of one file always come from one reader."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = _header(path, "csv")  # the same column names the layout was made from
    opts = pacsv.ConvertOptions(column_types={c: pa.string() for c in names}, strings_can_be_null=True,
                                null_values=[""], quoted_strings_can_be_null=True)

    def batches():
        return pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 22), convert_options=opts)

    try:
        for _ in batches():
            pass
    except pa.ArrowInvalid:
        yield from _csv_chunks_python(path, names, chunk)
        return
    first, pending = 0, []
    size = 0
    for batch in batches():
        pending.append(batch)
        size += batch.num_rows
        while size >= chunk:
            table = pa.Table.from_batches(pending)
            yield first, table.slice(0, chunk)
            rest = table.slice(chunk)
            pending, size = ([b for b in rest.to_batches()] if rest.num_rows else []), rest.num_rows
            first += chunk
    if size:
        yield first, pa.Table.from_batches(pending)


def _csv_chunks_python(path: Path, names: list[str], chunk: int):
    """The careful reader: every record a row, a broken record with its reason."""
    import pyarrow as pa

    width = len(names)

    def table(records, problems):
        cols = {name: pa.array([r[k] or None for r in records], pa.string()) for k, name in enumerate(names)}
        cols[ROW_PROBLEM] = pa.array(problems, pa.string())
        return pa.table(cols)

    # surrogateescape: a byte that is not UTF-8 becomes a lone surrogate, so the record can be recognised
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh)
        try:
            next(reader, None)  # the header
        except csv.Error:
            pass  # _header() has read it already
        records, problems, first = [], [], 0
        while True:
            try:
                rec = next(reader)
                error = None
            except StopIteration:
                break
            except csv.Error as e:  # e.g. a carriage return inside an unquoted field: this line is no row
                rec, error = None, str(e)
            if rec is not None and not rec:
                continue  # an empty line is no row (as pyarrow reads it)
            problem = None
            if error is not None:
                problem = f"de rij is geen geldige CSV ({error}); de rij is niet gelezen (regel {reader.line_num} van het bestand)"
            elif len(rec) != width:
                problem = (f"de rij heeft {len(rec)} {'veld' if len(rec) == 1 else 'velden'}, de kop "
                           f"{width}; de rij is niet gelezen (regel {reader.line_num} van het bestand)")
            elif any("\udc80" <= ch <= "\udcff" for field in rec for ch in field):
                problem = (f"de rij bevat bytes die geen UTF-8 zijn; de rij is niet gelezen (regel "
                           f"{reader.line_num} van het bestand)")
            if problem is not None:
                rec = [""] * width
            records.append(rec)
            problems.append(problem)
            if len(records) == chunk:
                yield first, table(records, problems)
                first += chunk
                records, problems = [], []
        if records:
            yield first, table(records, problems)


def _count_csv_rows(path: Path) -> int:
    n = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 24):
            n += block.count(b"\n")
    with open(path, "rb") as fh:
        fh.seek(max(0, path.stat().st_size - 1))
        last = fh.read(1)
    return max(0, n - 1 + (1 if last not in (b"\n", b"") else 0))


def _header(path: Path, fmt: str) -> list[str]:
    if fmt == "csv":
        with open(path, "rb") as fh:  # bytes: a bad byte further on must not stop the header from being read
            line = fh.readline()
        try:
            text = line.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BatchError(f"de kopregel van '{path}' is geen UTF-8; sla het bestand op als UTF-8") from None
        try:
            return next(csv.reader([text.rstrip("\r\n")]), [])
        except csv.Error as e:
            raise BatchError(f"de kopregel van '{path}' is geen geldige CSV ({e})") from None
    import pyarrow.parquet as pq

    first = parquet_parts(path)[0][0] if path.is_dir() else path
    return _parquet_file(first).schema_arrow.names


def _parquet_file(path):
    """A Parquet file, or a BatchError that says which file cannot be read (not an internal error)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as e:
        raise BatchError(f"'{path}' is geen leesbaar Parquet-bestand ({e})") from None


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ',"\r\n') else text


class _Writer:
    """Results (CSV or Parquet, in row order) and the errors file (CSV)."""

    def __init__(self, path: Path, errors_path: Path, id_column: str | None):
        self.path, self.fmt = path, _format(path)
        self.errors_path, self.id_column = errors_path, id_column
        self.writer = None
        self.rows = 0
        self.failed_rows: set[int] = set()
        self.err_fh = open(errors_path, "w", newline="", encoding="utf-8")
        self.err = csv.writer(self.err_fh)
        self.err.writerow([ROW] + ([id_column] if id_column else []) + ["kolom_of_uitkomst", "code", "reden"])

    def write(self, table, errors):
        if self.fmt == "csv":
            self._write_csv(table)
        else:
            import pyarrow.parquet as pq

            if self.writer is None:
                self.writer = pq.ParquetWriter(self.path, table.schema)
            self.writer.write_table(table)
        self.rows += table.num_rows
        for row, ident, what, code, reason in errors:
            self.err.writerow([row] + ([ident if ident is not None else ""] if self.id_column else [])
                              + [what, code, reason])
            self.failed_rows.add(row)

    def _write_csv(self, table):
        """Plain CSV: quotes only where a value needs them (a comma, quote or line break in an id)."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv

        if self.writer is None:
            self.writer = open(self.path, "wb")
            self.writer.write((",".join(_csv_field(c) for c in table.column_names) + "\n").encode())
        plain = all(not pc.any(pc.match_substring_regex(table.column(c), r'[,"\r\n]')).as_py()
                    for c in table.column_names if pa.types.is_string(table.schema.field(c).type))
        if plain:
            pacsv.write_csv(table, self.writer, pacsv.WriteOptions(include_header=False, quoting_style="none"))
            return
        text = io.StringIO()
        w = csv.writer(text, lineterminator="\n")
        cols = [table.column(c).to_pylist() for c in table.column_names]
        w.writerows(zip(*cols))
        self.writer.write(text.getvalue().encode())

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.err_fh.close()


# ====================================================================== the run
@attrs.define
class Summary:
    rows: int
    ok: int
    failed: int
    seconds: float
    output: str
    errors: str
    engine: str
    scalar_rows: int = 0

    def text(self) -> str:
        rate = f"{self.rows / self.seconds:,.0f}".replace(",", ".") if self.seconds else "?"
        fail = (f"{self.failed} {'rij' if self.failed == 1 else 'rijen'} mislukt (zie {self.errors})"
                if self.failed else "geen enkele rij mislukt")
        return (f"{self.rows} {'rij' if self.rows == 1 else 'rijen'} in {self.seconds:.1f} s ({rate} per seconde, "
                f"{self.engine}): {self.ok} berekend, {fail}; resultaten in {self.output}")


def _process(args):
    """Worker entry point (process pool and Dask): one chunk or partition."""
    bundle, part, columns, fmt = args
    worker = worker_for(bundle)
    first, table = (part[2], _read_part(part)) if isinstance(part, tuple) and isinstance(part[0], str) else part
    return worker.evaluate(table, first, columns, fmt)


def run(rules, input_path, output_path, errors_path=None, outcomes=None, peildatum=None, id_column=None,
        workers=None, chunk_size=50_000, engine="auto", dask=None, progress=None, echo=print):
    """Evaluate the rule set for every row of input_path. Returns (Summary, diagnostics)."""
    started = time.perf_counter()
    input_path, output_path = Path(input_path), Path(output_path)
    in_fmt, out_fmt = _input_format(input_path), _format(output_path)
    _need_parquet(out_fmt)
    if engine == "auto" and in_fmt == "csv" and input_path.stat().st_size < SMALL_CSV_BYTES:
        engine = "scalair"  # a small file: building the columnar code costs more than it saves
    bundle, diags = make_bundle(rules, outcomes, engine)
    if bundle is None:
        return None, diags
    from .compiler import load_python

    meta = load_python(bundle.python_source, bundle.name).META
    columns = _input_layout(meta, input_path, in_fmt, peildatum, id_column)
    errors_path = Path(errors_path) if errors_path else output_path.with_name(output_path.stem + ".fouten.csv")
    if dask is not None and in_fmt != "parquet":
        raise BatchError("--dask leest Parquet (een bestand met rijgroepen of een map met .parquet-bestanden)")
    total = (sum(p[3] for p in parquet_parts(input_path)) if in_fmt == "parquet" else _count_csv_rows(input_path))
    writer = _Writer(output_path, errors_path, columns.id_column)
    engine_text = "kolommotor + scalair" if bundle.columnar else "scalair"
    try:
        with (progress(total) if progress else _NoBar()) as bar:
            if dask is not None:
                results = _run_dask(dask, bundle, input_path, columns, out_fmt, workers)
                engine_text += f", Dask ({dask})"
            else:
                chunks = _input_chunks(input_path, in_fmt, chunk_size)
                # one chunk: no processes to start (that takes longer than the chunk)
                results = _run_local(bundle, chunks, columns, out_fmt, 1 if total <= chunk_size else workers)
            for table, errs in results:
                writer.write(table, errs)
                bar.update(table.num_rows + len({e[0] for e in errs}))
    finally:
        writer.close()
    failed = len(writer.failed_rows)
    return Summary(writer.rows + failed, writer.rows, failed, time.perf_counter() - started, str(output_path),
                   str(errors_path), engine_text), diags


def _input_format(input_path: Path) -> str:
    """csv | parquet, for an input that exists (and pyarrow, which Parquet needs)."""
    if not input_path.exists():
        raise BatchError(f"invoer '{input_path}' bestaat niet")
    fmt = _format(input_path)
    _need_parquet(fmt)
    return fmt


def _need_parquet(fmt: str) -> None:
    if fmt == "parquet":
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise BatchError("Parquet vraagt pyarrow: pip install 'rulelang[batch]'") from None


def _input_layout(meta: dict, input_path: Path, fmt: str, peildatum, id_column) -> "Layout":
    """The input's columns checked against the rules (and the enumerations the readers need)."""
    for name, members in meta["enums"].items():
        _ENUM_MEMBERS[name] = list(members)
    return layout(meta, _header(input_path, fmt), peildatum, id_column)


def _input_chunks(input_path: Path, fmt: str, chunk_size: int):
    """(first row, pyarrow Table) in row order: Parquet row groups, or CSV chunks of chunk_size rows."""
    if fmt == "parquet":
        return ((p[2], _read_part(p)) for p in parquet_parts(input_path))
    return _csv_chunks(input_path, chunk_size)


def explain_row(rules, input_path, row: int, outcomes=None, peildatum=None, id_column=None, fmt: str = "text"):
    """Why one row of a batch input came out as it did: the explanation tree of each outcome, as
    `rulelang explain` gives it for a scenario. `row` is numbered as in the output and the errors file
    (the first data row is 1). Returns (text or None, the row's problems [(column, code, reason)],
    diagnostics); an input that cannot be read raises BatchError."""
    from .compiler import compile_rules
    from .explain import explain
    from .render.explanation import RENDERERS
    from .runtime import evaluate

    input_path = Path(input_path)
    in_fmt = _input_format(input_path)
    rs, diags = compile_rules(rules)
    if rs is None:
        return None, [], diags
    names = _outcome_names(rs.meta, outcomes)
    columns = _input_layout(rs.meta, input_path, in_fmt, peildatum, id_column)
    seen = 0
    for first, table in _input_chunks(input_path, in_fmt, 50_000):
        seen = first + table.num_rows
        if first < row <= seen:
            break
    else:
        raise BatchError(f"rij {row} bestaat niet: de invoer heeft {seen} rijen (de eerste is rij 1)")
    cells = _raw_rows(table, columns, [row - 1 - first])[0]
    worker = Worker(Bundle(rs.root, rs.python_source, names, None))
    where = f"{input_path.name}, rij {row}"
    ident = cells.get(columns.id_column) if columns.id_column else None
    if cells.get(ROW_PROBLEM):
        return None, [("rij", "RL405", cells[ROW_PROBLEM])], diags
    facts, decisions, peil, problems = worker.row_case(cells, columns, decided_by=where)
    if problems:
        return None, problems, diags
    ev, results, tracer = evaluate(worker.cls, facts, decisions, peil, names, trace=True)
    title = where + (f" (id {ident})" if ident is not None else "")
    expls = [explain(rs.meta, tracer, ev, decisions, name, title, results[name].signal) for name in names]
    if fmt == "json":  # one document: {"rij": …, "id": …, "uitleg": {uitkomst: boom}}
        doc = {"rij": row, "id": ident, "uitleg": {name: e.to_json() for name, e in zip(names, expls)}}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n", [], diags
    return "\n".join(RENDERERS[fmt](e) for e in expls), [], diags


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

    def update(self, n):
        pass


def _run_local(bundle, chunks, columns, fmt, workers):
    """Chunks in order, on a pool of processes (at most 2 chunks per process in flight)."""
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        for first, table in chunks:
            yield _process((bundle, (first, table), columns, fmt))
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # not fork: this process may already run the thread pools of pyarrow and polars, and a forked child
    # would wait forever on their locks. A fork server starts clean (and preloads the batch module).
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["rulelang.batch", "rulelang.columnar", "numpy", "pyarrow", "polars"])
    else:
        ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        pending: deque = deque()
        for first, table in chunks:
            pending.append(pool.submit(_process, (bundle, (first, table), columns, fmt)))
            while len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _run_dask(address, bundle, input_path, columns, fmt, workers):
    """Partitions (row groups of the Parquet input) on a Dask cluster; results come back in row order."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BatchError("--dask vraagt dask[distributed]: pip install 'rulelang[batch]'") from None
    parts = parquet_parts(input_path)
    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(address)
    try:
        b = client.scatter(bundle, broadcast=True)
        futures = [client.submit(_dask_task, b, part, columns, fmt, pure=False) for part in parts]
        for fut in futures:  # in row order; the cluster computes them all at once
            yield fut.result()
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_task(bundle, part, columns, fmt):
    return _process((bundle, part, columns, fmt))
