"""Random menus: the analysis never fails, and what it calls impossible the engine never does.

Soundness against the engine's own simulator, for random menus and random callers:
- every option a simulated call runs is one the flow graph reaches from the entry (so
  "unreachable context" and "option never offered" are never wrong);
- a call only trips the engine's loop guard when the checks reported a jump spin.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivrd.analysis import CHECKS, analyze
from ivrd.analysis.dot import to_dot
from ivrd.analysis.flow import build_flow
from ivrd.analysis.mermaid import to_mermaid
from ivrd.analysis.picture import picture
from ivrd.engine import actions as a
from ivrd.engine.menu import Conditions, Context, IvrSettings, Menu, Rule
from ivrd.engine.simulate import simulate
from tests.engine.menus import CALL, DURATIONS

CONTEXT_IDS = (1, 2, 3)
KEYS = ("start", "timeout", "invalid", "1", "2", "12", "#", "123")
SOUNDS = (60, 61, 999)  # 999 is not a sound of the client

conditions = st.one_of(
    st.just(Conditions()),
    st.builds(Conditions, call_status=st.sampled_from(["busy", "no_answer"])),
    st.builds(Conditions, caller_id_action=st.just("anonymous")),
    st.builds(Conditions, match_variable_name=st.just("v"), match_variable_value=st.just("1")),
)
jumps = st.builds(a.JumpToContext, st.sampled_from((*CONTEXT_IDS, 9)),
                  st.sampled_from((None, None, "1", "timeout")))
actions = st.one_of(
    jumps,
    jumps,  # jumps twice as likely: loops are what the spin checks are about
    st.builds(a.PlaySound, st.sampled_from(SOUNDS), st.sampled_from(["background", "foreground"])),
    st.builds(a.PlaySilence, st.sampled_from([0, 500])),
    st.builds(a.Transfer, st.sampled_from(["+74951234567", "101", "", "x"])),
    st.builds(a.Hangup),
    st.builds(a.SetVariable, st.just("v"), st.sampled_from(["0", "1"])),
    st.builds(a.TransferFromVariable, st.sampled_from(["v", "w"])),
)


instant = st.one_of(  # actions that take no time: menus of these loop in an instant
    jumps,
    jumps,
    jumps,
    st.builds(a.SetVariable, st.just("v"), st.sampled_from(["0", "1"])),
    st.builds(a.PlaySound, st.just(999)),
    st.builds(a.PlaySound, st.just(60)),
)


@st.composite
def menus(
    draw: st.DrawFn,
    actions: st.SearchStrategy[a.Action] = actions,
    keys: tuple[str, ...] = KEYS,
    conditions: st.SearchStrategy[Conditions] = conditions,
) -> Menu:
    next_id = iter(range(1, 1000))
    contexts = {}
    for cid in draw(st.lists(st.sampled_from(CONTEXT_IDS), min_size=1, max_size=3, unique=True)):
        options: dict[str, tuple[Rule, ...]] = {}
        for key in draw(st.lists(st.sampled_from(keys), max_size=5, unique=True)):
            rules = draw(st.lists(st.tuples(actions, conditions, st.booleans()),
                                  min_size=1, max_size=3))
            options[key] = tuple(Rule(next(next_id), act, final=final, conditions=cond)
                                 for act, cond, final in rules)
        contexts[cid] = Context(cid, f"context {cid}", options,
                                timeout=draw(st.sampled_from([0, 1000])),
                                inter_digit_timeout=500,
                                digit_len=draw(st.sampled_from([0, 1, 2, 3])),
                                allow_any_dial=draw(st.booleans()))
    entry = draw(st.sampled_from([*contexts, 9]))
    return Menu(IvrSettings(entry_context=entry, lifetime=draw(st.sampled_from([0, 60]))),
                contexts, sound_durations_ms=DURATIONS,
                extensions=frozenset({"101", "12"}))


scripts = st.lists(
    st.fixed_dictionaries({"after_ms": st.integers(0, 3000),
                           "digits": st.sampled_from(["1", "2", "12", "123", "#", "9"])}),
    max_size=4,
)
PROPERTY = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# The engine's loop guard also ends a silent cycle of timeouts (no prompt time, no input),
# which the analysis reports as an endless loop.
LOOP_FINDINGS = {"E006-jump-spin", "W007-jump-may-spin", "W008-endless-loop"}


@PROPERTY
@given(menus())
def test_analysis_and_pictures_never_fail(menu: Menu) -> None:
    findings = analyze(menu)
    assert all(f.code in CHECKS for f in findings)
    drawing = picture(menu)
    text, chart = to_dot(drawing), to_mermaid(drawing)
    for cid in menu.contexts:
        assert f'"c{cid}" [' in text and f"  c{cid}[" in chart


@PROPERTY
@given(menus(), scripts, st.sampled_from(["answer", "busy"]))
def test_the_engine_never_runs_what_the_analysis_calls_unreachable(
    menu: Menu, script: list[dict[str, Any]], outcome: str
) -> None:
    result = simulate(menu, CALL, script, transfers={"+74951234567": outcome, "101": outcome},
                      talk_ms=1000, max_ms=120_000)
    reached = build_flow(menu).from_entry()
    ran = {(e["context"], e["option"]) for e in result["trace"]
           if e["kind"] == "option" and e["context"] in menu.contexts}
    assert ran <= reached
    if result["outcome"]["reason"] == "loop guard":
        codes = {f.code for f in analyze(menu)}
        assert codes & LOOP_FINDINGS


@PROPERTY
@given(menus(instant, ("start", "timeout"), st.one_of(st.just(Conditions()), conditions)))
def test_a_call_trips_the_loop_guard_only_where_a_spin_was_reported(menu: Menu) -> None:
    result = simulate(menu, CALL, max_ms=60_000)
    codes = {f.code for f in analyze(menu)}
    if result["outcome"]["reason"] == "loop guard":
        assert codes & LOOP_FINDINGS
