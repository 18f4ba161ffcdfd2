"""Simulated calls per second through the rules engine, on one core.

Run: ``python bench/engine.py [seconds-per-row]`` (from the repository root). Each row runs
complete calls through ``ivrd.engine.simulate.simulate`` — the same ``CallSession`` the runtime
uses, in virtual time — and prints calls/s and µs per call.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from ivrd.engine import actions as a
from ivrd.engine.menu import CallInfo, Context, IvrSettings, Menu, Rule
from ivrd.engine.session import CallSession
from ivrd.engine.simulate import simulate

CALL = CallInfo(
    call_id="0123456789abcdef0123456789abcdef",
    caller_id_number="+78121234567",
    caller_id_name="Ann",
    called_did="74950000000",
    called_extension="000*071",
    called_extension_id=204,
    called_number="74950000000",
)


def seed_menu() -> Menu:
    """The seed's worked example (issue 4)."""
    options = {
        "start": (Rule(1, a.PlaySound(52, "foreground")), Rule(2, a.PlaySound(51, "background"))),
        "timeout": (Rule(5, a.Transfer("050")),),
        "invalid": (),
        "1": (Rule(3, a.Transfer("+7987654321")),),
        "2": (Rule(4, a.Transfer("002")),),
    }
    ctx = Context(1, "main", options, timeout=5000, inter_digit_timeout=2000, digit_len=3)
    return Menu(
        IvrSettings(entry_context=1, sleep_time=5000, lifetime=1800),
        {1: ctx},
        {51: 4000, 52: 7000},
        extensions=frozenset({"002", "050", "101", "200"}),
    )


def big_menu(count: int = 50) -> Menu:
    """``count`` contexts; each plays a prompt, offers 1-9 (jump to the next contexts),
    0 (transfer) and loops on timeout; one context in ten checks a variable first."""
    contexts = {}
    for cid in range(1, count + 1):
        options: dict[str, tuple[Rule, ...]] = {
            "start": (
                Rule(cid * 100, a.SetVariable("visited", str(cid))),
                Rule(cid * 100 + 1, a.PlaySound(60 + cid % 5, "background")),
            ),
            "timeout": (Rule(cid * 100 + 2, a.JumpToContext(cid)),),
            "invalid": (
                Rule(cid * 100 + 3, a.PlayDigits(str(cid), "iterated")),
                Rule(cid * 100 + 4, a.JumpToContext(cid)),
            ),
            "0": (Rule(cid * 100 + 5, a.Transfer(f"{cid:03d}")),),
        }
        for digit in range(1, 10):
            options[str(digit)] = (
                Rule(cid * 100 + 10 + digit, a.JumpToContext((cid + digit - 1) % count + 1)),
            )
        contexts[cid] = Context(
            cid, f"c{cid}", options, timeout=3000, inter_digit_timeout=1500, digit_len=1
        )
    return Menu(
        IvrSettings(entry_context=1, lifetime=600),
        contexts,
        {60 + i: 1500 + 500 * i for i in range(5)},
    )


# press a digit 700 ms into each context's prompt, ten times, then 0 (transfer)
NAVIGATE = [{"after_ms": 700, "digits": str(1 + i % 9)} for i in range(10)]
NAVIGATE.append({"after_ms": 700, "digits": "0"})


def rate(run: Callable[[], object], seconds: float, rounds: int = 10) -> float:
    """Best calls per CPU-second of this process over ``rounds`` slices of ``seconds``.

    CPU time (not wall time) because the machine is shared: another process taking the core
    does not count against the engine; the best slice is the least disturbed one (cache,
    frequency), as timeit reports the minimum.
    """
    best = 0.0
    for _ in range(rounds):
        calls, start = 0, time.process_time()
        deadline = start + seconds / rounds
        while time.process_time() < deadline:
            for _ in range(20):
                run()
            calls += 20
        best = max(best, calls / (time.process_time() - start))
    return best


def session_only(menu: Menu) -> Callable[[], object]:
    """The engine alone: a no-input seed call driven by hand (no simulator bookkeeping)."""
    from ivrd.engine.events import BridgeEnded, PromptFinished, TimerFired, TransferEnded

    def run() -> object:
        s = CallSession(menu, CALL)
        s.start(0.0)
        s.handle(TimerFired(2), 5.0)
        s.handle(PromptFinished(1), 12.0)
        s.handle(PromptFinished(2), 16.0)
        s.handle(TimerFired(3), 21.0)
        s.handle(TransferEnded(1, "answered"), 24.0)
        return s.handle(BridgeEnded(1), 84.0)

    return run


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    seed, big = seed_menu(), big_menu()
    rows = [
        ("seed: no input → 050 (CallSession only)", session_only(seed)),
        ("seed: no input → 050", lambda: simulate(seed, CALL)),
        (
            "seed: '1' during hello → mobile",
            lambda: simulate(seed, CALL, [{"when_playing": 51, "after_ms": 1000, "digits": "1"}]),
        ),
        (
            "seed: '200' → extension",
            lambda: simulate(seed, CALL, [{"when_playing": 51, "digits": "200"}]),
        ),
        ("50 contexts: 10 menus deep → transfer", lambda: simulate(big, CALL, NAVIGATE)),
        ("50 contexts: no input until lifetime", lambda: simulate(big, CALL)),
    ]
    print(f"{'scenario':<44} {'calls/s':>10} {'µs/call':>9}")
    for name, run in rows:
        per_second = rate(run, seconds)
        print(f"{name:<44} {per_second:>10,.0f} {1e6 / per_second:>9.1f}")


if __name__ == "__main__":
    main()
