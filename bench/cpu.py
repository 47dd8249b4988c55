"""CPU time from /proc: this process, the servers' process trees, PostgreSQL, the machine."""

import os
import time
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcessTable:
    """CPU seconds, parent and name of every process, read from /proc at one moment."""

    cpu: dict[int, float]
    parent: dict[int, int]
    name: dict[int, str]

    @classmethod
    def read(cls) -> "ProcessTable":
        table = cls({}, {}, {})
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # the process ended while we looked
            pid = int(entry.name)
            # The name is in parentheses and may hold spaces; the fields after it do not.
            name, _, rest = stat.partition(" (")[2].rpartition(")")
            fields = rest.split()
            table.parent[pid], table.name[pid] = int(fields[1]), name
            # Its own time and that of the children it has reaped: PostgreSQL backends and
            # pool connections that closed during a run still count, with their postmaster.
            table.cpu[pid] = sum(int(ticks) for ticks in fields[11:15]) / CLOCK_TICKS
        return table

    def tree(self, pid: int) -> float:
        """Return the CPU seconds of a process and all its live descendants."""
        children: dict[int, list[int]] = {}
        for child, parent in self.parent.items():
            children.setdefault(parent, []).append(child)
        total, stack = 0.0, [pid]
        while stack:
            current = stack.pop()
            total += self.cpu.get(current, 0.0)
            stack.extend(children.get(current, []))
        return total

    def named(self, name: str) -> float:
        """Return the CPU seconds of every process called `name`."""
        return sum(cpu for pid, cpu in self.cpu.items() if self.name[pid] == name)


def machine_busy_seconds() -> float:
    """Return the CPU seconds the whole machine has been busy, all cores together."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields) - idle) / CLOCK_TICKS


@dataclass(frozen=True)
class CpuClock:
    """CPU seconds used so far by this process, the app and platform, PostgreSQL, the machine."""

    wall: float
    own: float
    app: float
    platform: float
    database: float
    machine: float

    @classmethod
    def read(cls, app_pid: int, platform_pid: int | None = None) -> "CpuClock":
        """Read the clocks; without a platform process (the chat bench) its share is 0."""
        table = ProcessTable.read()
        platform = table.tree(platform_pid) if platform_pid is not None else 0.0
        return cls(time.perf_counter(), time.process_time(), table.tree(app_pid),
                   platform, table.named("postgres"), machine_busy_seconds())


@dataclass(frozen=True)
class CpuShares:
    """CPU used between two readings, in cores (1.0 = one core busy for the whole time)."""

    loadgen: float
    app: float
    platform: float
    database: float
    other: float  # every other process on the machine: load the benchmark did not cause

    @classmethod
    def between(cls, before: CpuClock, after: CpuClock) -> "CpuShares":
        wall = after.wall - before.wall
        loadgen, app, platform, database, machine = (
            (getattr(after, name) - getattr(before, name)) / wall
            for name in ("own", "app", "platform", "database", "machine")
        )
        return cls(loadgen, app, platform, database,
                   max(0.0, machine - loadgen - app - platform - database))


def machine_busy(seconds: float) -> float:
    """Return how many cores were busy, on average, over the next `seconds`."""
    before = machine_busy_seconds()
    time.sleep(seconds)
    return (machine_busy_seconds() - before) / seconds
