"""Print the benchmark's figures as a table, then one line per target."""

import math
import operator
import os
from collections.abc import Callable
from dataclasses import dataclass

from loadgen import RunResult

OTHER_LOAD_LIMIT = 0.15  # cores of load from outside the benchmark that make a run suspect
# A measurement that is missing (nan) compares false with every goal, so it fails.
GOALS = {"<": operator.lt, ">=": operator.ge, "=": operator.eq}


@dataclass(frozen=True)
class Row:
    """One measured run, labelled for the table."""

    app: str
    database: str
    result: RunResult


@dataclass(frozen=True)
class Target:
    """A goal on one figure of the PostgreSQL tool runs."""

    name: str
    concurrency: int
    figure: Callable[[RunResult], float]
    unit: str
    op: str
    goal: float


TARGETS = [
    Target("launch_p50_c1_postgresql", 1, lambda r: r.percentile_ms(50), "ms", "<", 20),
    Target("launch_rate_c8_postgresql", 8, lambda r: r.rate, "launches/s", ">=", 100),
    Target("launch_p95_c8_postgresql", 8, lambda r: r.percentile_ms(95), "ms", "<", 150),
]


def print_table(rows: list[Row], busy_before: float) -> None:
    """Print every figure: one line per app, database and concurrency."""
    header = (f"{'app':<14}{'database':<11}{'conc':>5}{'ok':>6}{'failed':>7}{'launches/s':>11}"
              f"{'p50 ms':>8}{'p95 ms':>8}   CPU cores: {'loadgen':>7}{'app':>6}{'LMS':>6}"
              f"{'db':>6}{'other':>7}")
    print(header)
    print("-" * len(header))
    for row in rows:
        r, cpu = row.result, row.result.cpu
        print(f"{row.app:<14}{row.database:<11}{r.concurrency:>5}{len(r.latencies):>6}"
              f"{len(r.errors):>7}{r.rate:>11.1f}{r.percentile_ms(50):>8.1f}"
              f"{r.percentile_ms(95):>8.1f}{'':14}{cpu.loadgen:>7.2f}{cpu.app:>6.2f}"
              f"{cpu.platform:>6.2f}{cpu.database:>6.2f}{cpu.other:>7.2f}"
              + (" *" if cpu.other > OTHER_LOAD_LIMIT else ""))
    print(f"CPU in cores of {os.cpu_count()}: loadgen is this process, app the gunicorn master "
          "and workers, LMS the platform process, db the PostgreSQL processes, other the rest "
          "of the machine.")
    if any(row.result.cpu.other > OTHER_LOAD_LIMIT for row in rows) or busy_before > 0.1:
        print(f"* Other load shared the machine ({busy_before:.2f} cores busy before the start):"
              " those figures are low.")
    for row in rows:
        for error in sorted(set(row.result.errors))[:5]:
            print(f"{row.app} on {row.database}, c{row.result.concurrency} failure: {error}")


def print_targets(rows: list[Row]) -> None:
    """Compare the PostgreSQL runs of the tool with the targets; a missing run fails."""
    runs = {r.result.concurrency: r.result for r in rows
            if r.app == "tool" and r.database == "postgresql"}
    for target in TARGETS:
        run = runs.get(target.concurrency)
        value = target.figure(run) if run else math.nan
        print(target_line(target.name, value, target.unit, target.op, target.goal))


def target_line(name: str, value: float, unit: str, op: str, goal: float,
                decimals: int = 1) -> str:
    """Return `target NAME: measured VALUE UNIT, goal OP VALUE UNIT, PASS|FAIL`."""
    verdict = "PASS" if GOALS[op](value, goal) else "FAIL"
    return (f"target {name}: measured {value:.{decimals}f} {unit}, "
            f"goal {op} {goal:g} {unit}, {verdict}")
