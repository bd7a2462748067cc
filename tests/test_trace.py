"""The trace and the explanation tree built from it: incremental replay, texts written on first read."""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rulelang.explain import explain
from rulelang.render.explanation import to_json, to_text
from rulelang.run import Runner, scenario_files
from rulelang.runtime import evaluate
from rulelang.runtime.trace import Tracer, _replay

from .conftest import REPO


def _table(nodes) -> dict:
    return {sid: (n.value, n.status, list(n.rules), list(n.deps), list(n.roundings), n.blocked, n.winner)
            for sid, n in nodes.items()}


@pytest.fixture(scope="module")
def library_logs() -> list[list[tuple]]:
    """The trace logs of the first scenario case of every library file (blocked, missing and failing
    outcomes included: those files are part of the library)."""
    runner, logs = Runner(), []
    for f in scenario_files([str(REPO / "scenarios")]):
        scenarios, _ = runner.load(f)
        if scenarios:
            logs.append(list(runner.run(scenarios[0]).tracer.log))
    assert len(logs) > 100
    return logs


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_replay_in_pieces_gives_the_same_nodes_as_in_one_go(library_logs, data):
    """An explanation that looks up a value later extends the log; the replay then continues where it
    stopped. Cutting a log anywhere, any number of times, must give exactly the one-go result."""
    log = library_logs[data.draw(st.integers(0, len(library_logs) - 1), label="log")]
    cuts = sorted(data.draw(st.lists(st.integers(0, len(log)), max_size=6), label="cuts"))
    one_go: dict = {}
    _replay(log, 0, one_go, [])
    whole = _table(one_go)
    nodes, stack, at = {}, [], 0
    for cut in [*cuts, len(log)]:
        assert _replay(log[:cut], at, nodes, stack) == max(at, cut)
        at = max(at, cut)
    assert _table(nodes) == whole


def test_tracer_nodes_follow_a_growing_log():
    tr = Tracer()
    tr.emit((0, 1))  # ENTER 1
    tr.emit((2, 2, Decimal("3")))  # READ 2
    assert tr.nodes[1].status == "bezig" and tr.nodes[1].deps == [2]
    tr.emit((6, 1, Decimal("4"), 0))  # LEAVE 1
    tr.end_outcome()
    assert (tr.nodes[1].status, tr.nodes[1].value) == ("berekend", Decimal("4"))
    assert tr.nodes[2].status == "gelezen" and tr.nodes[2].deps == ()  # only read: no lists of its own


RULES = """
    invoer inkomen: geld per maand
    invoer vermogen: geld
    definitie toeslag: geld per maand
        bron "art. 1"
        uitleg "Inkomen {inkomen}, vermogen {vermogen} (niet gebruikt door de regel): {waarde}."
        regel:
            dan inkomen * 2
    uitkomst hoog: ja/nee
        bron "art. 2"
        regel:
            dan toeslag > € 100
"""


def test_texts_are_written_when_first_read_and_may_evaluate_more(project):
    rs = project.rules(RULES)
    facts = {"inkomen": Decimal("75"), "vermogen": Decimal("1000")}
    ev, res, tracer = evaluate(rs.cls, facts, {}, _dt.date(2026, 1, 1), trace=True)
    logged = len(tracer.log)
    expl = explain(rs.meta, tracer, ev, {}, "hoog", "s")
    (toeslag,) = expl.root.children
    assert "value_text" not in toeslag.__dict__  # the structure is there, the texts are not yet
    assert [c.name for c in toeslag.children] == ["inkomen"]
    # the template names vermogen, which the outcome never read: reading the text evaluates it
    assert toeslag.explanation == ("Inkomen € 75,00 per maand, vermogen € 1.000,00 (niet gebruikt door de "
                                   "regel): € 150,00 per maand.")
    assert len(tracer.log) > logged
    assert toeslag.value_text == "€ 150,00 per maand" and toeslag.source == "art. 1"
    # the tree did not change by it, and the renderers see the same texts
    assert [c.name for c in toeslag.children] == ["inkomen"]
    assert "│   uitleg: Inkomen € 75,00 per maand, vermogen € 1.000,00" in to_text(expl)
    assert '"weergave": "€ 150,00 per maand"' in to_json(expl)


def test_an_unknown_attribute_of_a_node_is_an_attribute_error(project):
    rs = project.rules(RULES)
    ev, res, tracer = evaluate(rs.cls, {"inkomen": Decimal("1"), "vermogen": Decimal("0")}, {},
                               _dt.date(2026, 1, 1), trace=True)
    root = explain(rs.meta, tracer, ev, {}, "hoog", "s").root
    assert not hasattr(root, "bestaat_niet")
    with pytest.raises(AttributeError):
        root.bestaat_niet
    assert root.value_text == "nee"
