"""Pictures of a menu: the drawing, DOT, Mermaid, SVG through Graphviz, and the trace overlay."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from ivrd.analysis.dot import quote, to_dot
from ivrd.analysis.mermaid import escape, to_mermaid
from ivrd.analysis.overlay import overlay, read_trace
from ivrd.analysis.picture import Picture, picture
from ivrd.config.checks.svg import render_svg
from ivrd.engine import actions as a
from ivrd.engine.menu import Conditions
from ivrd.engine.simulate import simulate
from tests.engine.menus import CALL, context, menu_of, rule, seed_menu

SVG = "{http://www.w3.org/2000/svg}"
BG = a.PlaySound(61, "background")


def two_contexts() -> Picture:
    main = context(1, (rule(1, BG),), options={
        "1": (rule(2, a.JumpToContext(2)),),
        "2": (rule(3, a.Transfer("+74951234567"), conditions=Conditions(interval=4)),
              rule(4, a.Hangup())),
    })
    sales = context(2, (rule(5, BG),), options={"timeout": (rule(6, a.Transfer("050")),)})
    sales = type(sales)(2, 'Sales "EU" <b>', sales.options, timeout=3000)
    return picture(menu_of(main, sales))


def arrow_labels(drawing: Picture) -> list[tuple[str, str, str]]:
    return [(w.src, w.dst, w.label) for w in drawing.arrows]


def test_contexts_are_boxes_options_are_labelled_arrows_endings_terminals() -> None:
    drawing = two_contexts()
    kinds = {b.id: b.kind for b in drawing.boxes}
    assert kinds["c1"] == kinds["c2"] == "context"
    labels = arrow_labels(drawing)
    assert ("entry", "c1", "start") in labels
    assert ("c1", "c2", "1") in labels
    transfer = next(w for w in drawing.arrows if w.rule == 3)
    assert transfer.label == "2 [interval 4]" and kinds[transfer.dst] == "transfer"
    hangup = next(w for w in drawing.arrows if w.rule == 4)
    assert kinds[hangup.dst] == "hangup"
    assert ("c1", "h1", "invalid (default)") in labels  # an option without rules hangs up


def test_options_that_only_play_loop_back_and_unanswered_transfers_end() -> None:
    ctx = context(1, (rule(1, BG),), options={"3": (rule(2, BG),),
                                              "4": (rule(3, a.Transfer("+74951234567")),)})
    labels = arrow_labels(picture(menu_of(ctx, vm_enabled=True)))
    assert ("c1", "c1", "3: then waits") in labels
    assert ("c1", "vm1", "4 (unanswered)") in labels


def test_dot_names_every_context_and_escapes_labels() -> None:
    text = to_dot(two_contexts())
    assert text.startswith('digraph "ivr" {') and text.rstrip().endswith("}")
    assert '"c1" [shape="box", style="rounded", label="context 1\\n#1' in text
    assert quote('Sales "EU" <b>') == '"Sales \\"EU\\" <b>"'
    assert '"c1" -> "c2" [label="1", id="a' in text


def test_mermaid_flowchart_names_every_context_and_escapes_labels() -> None:
    text = to_mermaid(two_contexts())
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert 'c2["Sales #quot;EU#quot; #lt;b#gt;<br/>#35;2' in text
    assert re.search(r'^  c1 -->\|"1"\| c2$', text, re.MULTILINE)
    assert escape("a|b;c") == "a#124;b#59;c"
    assert "visited" not in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_parses_as_xml_and_names_every_context() -> None:
    drawing = two_contexts()
    root = ET.fromstring(render_svg(to_dot(drawing)))
    assert root.tag == f"{SVG}svg"
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for name in ("context 1", 'Sales "EU" <b>'):
        assert name in texts
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert {"c1", "c2", "entry"} <= ids


def test_overlay_marks_the_path_the_simulated_call_took() -> None:
    menu = seed_menu()
    # "1" during the background hello (after 5 s sleep + 7 s advertising)
    result = simulate(menu, CALL, [{"after_ms": 13_000, "digits": "1"}])
    drawn = overlay(picture(menu), result["trace"])
    visited = {(w.src, w.dst, w.label) for w in drawn.arrows if w.visited}
    transfer_box = next(b for b in drawn.boxes if b.label == "transfer\n+7987654321")
    assert visited == {("entry", "c1", "start after 5000 ms"), ("c1", transfer_box.id, "1")}
    assert {b.id for b in drawn.boxes if b.visited} == {"entry", "c1", transfer_box.id}
    dot = to_dot(drawn)
    assert dot.count('class="visited"') == 5
    mermaid = to_mermaid(drawn)
    assert "  class c1,entry," in mermaid or "  class entry,c1," in mermaid
    assert re.search(r"^  linkStyle \d+,\d+ stroke:#d62728", mermaid, re.MULTILINE)


def test_overlay_of_a_silent_call_and_of_a_default_ending() -> None:
    menu = menu_of(context(1, (rule(1, BG),), options={"7": ()}))
    silent = overlay(picture(menu), simulate(menu, CALL)["trace"])
    assert {w.label for w in silent.arrows if w.visited} == {"start", "timeout (default)"}
    pressed = simulate(menu, CALL, [{"after_ms": 100, "digits": "7"}])
    drawn = overlay(picture(menu), pressed["trace"])
    assert {w.label for w in drawn.arrows if w.visited} == {"start", "7 (default)"}


def test_trace_reading_skips_what_is_not_an_engine_entry() -> None:
    path = read_trace([1, "x", {"kind": "option", "context": "1"}, {"kind": "rule", "rule": 5},
                       {"kind": "option", "context": 2, "option": "start", "why": "entry"},
                       {"kind": "rule", "rule": 9}])
    assert path.entered == {(2, "start")} and path.ran == {(2, "start", 9)} and path.entry


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_of_an_overlay_marks_the_visited_elements() -> None:
    menu = seed_menu()
    result = simulate(menu, CALL, [{"after_ms": 13_000, "digits": "1"}])
    root = ET.fromstring(render_svg(to_dot(overlay(picture(menu), result["trace"]))))
    marked = {g.get("id") for g in root.iter(f"{SVG}g") if "visited" in (g.get("class") or "")}
    assert {"entry", "c1"} <= marked
    assert len(marked) == 5


def test_parallel_arrows_merge_into_one() -> None:
    same = {str(d): (rule(d + 10, a.JumpToContext(2)),) for d in range(1, 4)}
    drawing = picture(menu_of(context(1, (rule(1, BG),), options=same), context(2, (rule(2, BG),))))
    assert len([w for w in drawing.arrows if w.dst == "c2"]) == 3
    [merged] = [w for w in drawing.grouped() if w.dst == "c2"]
    assert merged.label == "1, 2, 3"
    assert '"c1" -> "c2" [label="1, 2, 3"' in to_dot(drawing)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_a_large_menu_is_drawn_with_bounded_layout_effort() -> None:
    from ivrd.analysis.dot import LARGE_GRAPH_ARROWS

    contexts = []
    for c in range(1, 41):
        options = {str(d): (rule(c * 100 + d, a.JumpToContext((c + d) % 40 + 1)),)
                   for d in range(1, 5)}
        contexts.append(context(c, (rule(c * 100, BG),), options=options))
    drawing = picture(menu_of(*contexts))
    assert len(drawing.grouped()) > LARGE_GRAPH_ARROWS
    text = to_dot(drawing)
    assert "mclimit=0.1" in text and 'xlabel="1"' in text
    root = ET.fromstring(render_svg(text))
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert all(f"context {c}" in texts for c in range(1, 41))
