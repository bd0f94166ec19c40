#!/usr/bin/env python3
"""Benchmarks for xdeploy-glance (issue 7): each row measured in the same run as its baseline.

Run it with the Python of a venv where the project and its test extra are installed, e.g. after
`bash scripts/test.sh`:

    .venv/bin/python bench/run.py                                  # everything; writes docs/benchmarks.md
    .venv/bin/python bench/run.py --sections validate,files --runs 3 --output /tmp/bench.md

Every timed command is a new process (a cold start: interpreter, imports, work). Commands that
are compared run interleaved, `--runs` rounds, so drift on a shared machine hits both alike. The
table shows the median wall time, the peak RSS of the process (from GNU time) and the ratio to
the baseline. One untimed warm-up run per command comes first, so Python's bytecode caches
exist as they do after `pip install`. Rows for commands the project does not have yet say
"not available yet". Timings are never test assertions: tests/test_bench.py only checks the shape.
"""
from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import importlib.util
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.support: the ansible environment and the SSH test hosts

SECTIONS = ("validate", "files", "inventory", "render", "reconfigure")
KOLLA_GLOBALS = REPO / "tests" / "fixtures" / "kolla-ansible-globals.yml"
SCHEMA = REPO / "schemas" / "xdeploy-glance-globals.schema.json"
IMPORT_GLOBALS = ('glance_enabled_import_methods: "web-download,glance-direct"\n'
                  'glance_image_import_plugins: "image_conversion,inject_image_metadata"\n'
                  'glance_staging_store_uri: "file:///var/lib/glance/staging"\n')
COMMAND_TIMEOUT_SECONDS = 900
GNU_TIME = shutil.which("time", path="/usr/bin:/bin")  # GNU time (apt install time) reports a child's peak RSS
NOT_YET = "not available yet"
COLUMNS = ("what", "wall", "peak RSS", "baseline", "baseline wall", "baseline RSS", "wall ×", "RSS ×",
           "target", "notes")


@dataclass(frozen=True)
class Command:
    label: str  # how the table and the command list name it
    argv: tuple[str, ...]
    ok_codes: frozenset[int] = frozenset({0})


@dataclass(frozen=True)
class Timing:
    wall: float  # median seconds
    rss_kib: int | None  # peak of every run; None without GNU time
    outputs: tuple[str, ...]  # what each timed run printed (stdout and stderr)


@dataclass(frozen=True)
class Missing:
    """A command that was not measured: `status` fills the wall cell, `reason` the notes."""

    status: str
    reason: str


Result = Timing | Missing


@dataclass(frozen=True)
class Row:
    what: str
    subject: Result
    baseline_label: str = ""
    baseline: Result | None = None
    wall_limit: float | None = None  # target: at most this many times the baseline's wall time
    rss_limit: float | None = None
    notes: str = ""


@dataclass
class Bench:
    work: Path
    runs: int
    env: dict[str, str]
    commands: dict[str, Command] = field(default_factory=dict)  # every command measured, for the docs
    inventory_validate: dict[int, Result] = field(default_factory=dict)  # validate -i by host count, for render
    failed: bool = False
    load_at_start: float = field(default_factory=lambda: os.getloadavg()[0])  # other work on the machine

    def inventory(self, hosts: int) -> Path:
        """kolla's glance-api group with `hosts` hosts, each reachable by the others (no shared staging)."""
        path = self.work / f"inventory-{hosts}.ini"
        if not path.exists():
            lines = ["[glance-api]"]
            for index in range(hosts):
                address = f"10.{index // 65536}.{index // 256 % 256}.{index % 256 + 1}"
                lines.append(f"glance{index:04d} ansible_host={address} "
                             f"glance_worker_self_reference_url=http://{address}:9292")
            path.write_text("\n".join(lines) + "\n")
        return path

    def passwords_file(self) -> Path:
        """kolla's passwords.yml with the secrets glance-api.conf needs (without them: a warning per host)."""
        path = self.work / "passwords.yml"
        if not path.exists():
            path.write_text("glance_database_password: bench-database-secret\n"
                            "glance_keystone_password: bench-keystone-secret\n"
                            "memcache_secret_key: bench-memcache-secret\n")
        return path

    def globals_file(self) -> Path:
        """kolla's globals.yml with the three import globals appended."""
        path = self.work / "kolla-globals.yml"
        if not path.exists():
            path.write_text(kolla_globals())
        return path

    def measure(self, commands: Sequence[Command], warm_up: bool = True,
                runs: int | None = None) -> dict[Command, Result]:
        """Time the commands interleaved, `runs` rounds, after one untimed warm-up run of each."""
        results: dict[Command, Result] = {}
        timed = []
        for command in commands:
            self.commands[command.label] = command
            missing = self._missing_tool(command) or (self._check(command) if warm_up else None)
            if missing:
                results[command] = missing
            else:
                timed.append(command)
        samples: dict[Command, list[tuple[float, int | None, str]]] = {command: [] for command in timed}
        for _ in range(runs or self.runs):
            for command in list(timed):
                seconds, rss, code, output = self._run(command)
                if code not in command.ok_codes:
                    results[command] = self._failure(command, code, output)
                    timed.remove(command)
                    continue
                samples[command].append((seconds, rss, output))
        for command in timed:
            walls, peaks, outputs = zip(*samples[command])
            known_peaks = [peak for peak in peaks if peak is not None]
            results[command] = Timing(statistics.median(walls), max(known_peaks) if known_peaks else None, outputs)
        return results

    def _missing_tool(self, command: Command) -> Missing | None:
        if Path(command.argv[0]).is_file():
            return None
        return Missing("not available", f"{Path(command.argv[0]).name} is not installed "
                                        "(pip install -e '.[test]')")

    def _check(self, command: Command) -> Missing | None:
        _, _, code, output = self._run(command)
        return None if code in command.ok_codes else self._failure(command, code, output)

    def _failure(self, command: Command, code: int, output: str) -> Missing:
        self.failed = True
        tail = " ".join(output.strip().splitlines()[-3:])[-300:]
        print(f"bench: {command.label} failed with exit {code}: {output[-2000:]}", file=sys.stderr)
        return Missing("failed", f"exit {code}: {tail}")

    def _run(self, command: Command) -> tuple[float, int | None, int, str]:
        """One cold run: (wall seconds, peak RSS KiB or None, exit code, output)."""
        # The peak RSS has to come from a small parent: a child forked from this process inherits
        # its resident pages until exec, and the kernel counts them in the child's peak.
        rss_file = self.work / "peak-rss"
        rss_file.unlink(missing_ok=True)
        argv = [GNU_TIME, "--quiet", "-f", "%M", "-o", str(rss_file), *command.argv] if GNU_TIME else command.argv
        with tempfile.TemporaryFile(dir=self.work) as output:
            start = time.perf_counter()
            process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env=self.env, cwd=self.work)
            # not wait(timeout): it polls with sleeps of up to 50 ms, which would swamp a 40 ms start-up
            watchdog = threading.Timer(COMMAND_TIMEOUT_SECONDS, process.kill)
            watchdog.start()
            code = process.wait()
            seconds = time.perf_counter() - start
            watchdog.cancel()
            output.seek(0)
            text = output.read().decode("utf-8", "replace")
        written = re.search(r"(\d+)\s*$", rss_file.read_text()) if rss_file.exists() else None
        return seconds, int(written[1]) if written else None, code, text


# --- inputs -----------------------------------------------------------------------------------

def tool(name: str) -> str:
    """A console script of the venv running this file (where `pip install -e .[test]` put them)."""
    return str(Path(sys.executable).parent / name)


def kolla_globals(extra: str = IMPORT_GLOBALS) -> str:
    return KOLLA_GLOBALS.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + extra


def globals_variation(index: int) -> str:
    """kolla's globals.yml with a different, valid choice of the import globals in each file."""
    methods = ("web-download,glance-direct", "glance-direct", "web-download", "glance-direct,web-download")
    plugins = ("image_conversion,inject_image_metadata", "", "image_decompression,image_conversion", "no_op")
    return kolla_globals(f'glance_enabled_import_methods: "{methods[index % 4]}"\n'
                         f'glance_image_import_plugins: "{plugins[index // 4 % 4]}"\n'
                         f'glance_staging_store_uri: "file:///var/lib/glance/staging-{index}"\n'
                         f'glance_staging_max_image_size: "{index % 50 + 1}GiB"\n'
                         'glance_inject_image_metadata:\n  imported_by: xdeploy\n')


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def available(command: str) -> bool:
    return importlib.util.find_spec(f"xdeploy_glance.commands.{command}") is not None


# --- sections ---------------------------------------------------------------------------------

def validate_section(bench: Bench, options) -> list[Row]:
    globals_file = bench.globals_file()
    validate = Command("validate", (tool("xdeploy-glance"), "validate", "-c", str(globals_file)), frozenset({0, 1}))
    floor = Command("python -c 'import yaml'", (sys.executable, "-c", "import yaml"))
    yamllint = Command("yamllint", (tool("yamllint"), str(globals_file)), frozenset({0, 1}))
    check_jsonschema = Command("check-jsonschema", (tool("check-jsonschema"), "--schemafile", str(SCHEMA),
                                                    str(globals_file)), frozenset({0, 1}))
    results = bench.measure([validate, floor, yamllint, check_jsonschema])
    what = "`validate` cold, kolla globals.yml + import globals"
    return [
        Row(what, results[validate], floor.label, results[floor], wall_limit=2.0, notes="aim, not a target"),
        Row(what, results[validate], yamllint.label, results[yamllint], wall_limit=1.0, rss_limit=1.5),
        Row(what, results[validate], check_jsonschema.label, results[check_jsonschema], wall_limit=0.5),
    ]


def files_section(bench: Bench, options) -> list[Row]:
    load_all = ('import glob, sys, yaml; '
                '[yaml.load(open(p, "rb"), yaml.CSafeLoader) for p in sorted(glob.glob(sys.argv[1] + "/*.yml"))]')
    groups = []  # (count, validate, floor, yamllint or None)
    for count in options.files:
        directory = bench.work / f"globals-{count}"
        directory.mkdir()
        for index in range(count):
            (directory / f"env{index:04d}.yml").write_text(globals_variation(index))
        files = counted(count, "file")
        validate = Command(f"validate, {files}", (tool("xdeploy-glance"), "validate", "-c", str(directory)),
                           frozenset({0, 1}))
        floor = Command(f"PyYAML C loader, {files}", (sys.executable, "-c", load_all, str(directory)))
        yamllint = Command(f"yamllint, {files}", (tool("yamllint"), str(directory)), frozenset({0, 1}))
        groups.append((count, validate, floor, yamllint if count <= options.yamllint_max_files else None))
    # one interleaved measurement for every count, so the cost per extra file compares like with like
    results = bench.measure([command for group in groups for command in group[1:] if command is not None])
    rows = []
    first_count, first = groups[0][0], results[groups[0][1]]
    for count, validate, floor, yamllint in groups:
        what = f"`validate`, {counted(count, 'globals file')} in one call"
        notes = _per_file_note(first_count, first, count, results[validate], count == groups[-1][0])
        rows.append(Row(what, results[validate], "python + PyYAML loading the same files", results[floor],
                        notes=notes))
        if yamllint is not None:
            rows.append(Row(what, results[validate], "yamllint", results[yamllint]))
    return rows


def _per_file_note(first_count: int, first: Result, count: int, subject: Result, largest: bool) -> str:
    """The cost of each file beyond the first; judged against the target at the largest count only,
    where it is hundreds of times the noise of a shared machine rather than a fraction of it."""
    if count == first_count or not isinstance(subject, Timing) or not isinstance(first, Timing):
        return ""
    per_file = (subject.wall - first.wall) / (count - first_count)
    verdict = f" (target ≤ 2 ms: {_verdict(per_file <= 0.002)})" if largest else ""
    return f"{per_file * 1000:.2f} ms per extra file{verdict}"


def inventory_section(bench: Bench, options) -> list[Row]:
    globals_file = bench.globals_file()
    rows = []
    for hosts in options.hosts:
        inventory = bench.inventory(hosts)
        validate = Command(f"validate -i, {counted(hosts, 'host')}",
                           (tool("xdeploy-glance"), "validate", "-c", str(globals_file), "-i", str(inventory)),
                           frozenset({0, 1}))
        listing = Command(f"ansible-inventory --list, {counted(hosts, 'host')}",
                          (tool("ansible-inventory"), "-i", str(inventory), "--list"))
        results = bench.measure([validate, listing])
        bench.inventory_validate[hosts] = results[validate]
        rows.append(Row(f"`validate -i`, {counted(hosts, 'host')} in glance-api", results[validate],
                        "ansible-inventory --list", results[listing]))
    return rows


def render_section(bench: Bench, options) -> list[Row]:
    largest = max(options.hosts)
    if not available("render"):
        missing = Missing(NOT_YET, "`xdeploy-glance render` does not exist yet")
        return [Row(f"`render`, {counted(hosts, 'host')}", missing) for hosts in options.hosts] + [
            Row(f"`validate -i` + `render`, {counted(largest, 'host')}", missing)]
    globals_file = bench.globals_file()
    passwords = bench.passwords_file()
    rows, rendered = [], {}
    for hosts in options.hosts:
        inventory = bench.inventory(hosts)
        render = Command(f"render, {counted(hosts, 'host')}",
                         (tool("xdeploy-glance"), "render", "-c", str(globals_file), "-p", str(passwords),
                          "-i", str(inventory), "-o", str(bench.work / f"rendered-{hosts}")))
        listing = Command(f"ansible-inventory --list, {counted(hosts, 'host')}",
                          (tool("ansible-inventory"), "-i", str(inventory), "--list"))
        results = bench.measure([render, listing])
        rendered[hosts] = results[render]
        rows.append(Row(f"`render`, {counted(hosts, 'host')}", results[render],
                        "ansible-inventory --list", results[listing],
                        notes="the files of the warm-up run are in place: nothing to rewrite"))
    # The same render, but every run writes every file: into a new directory, as a CI job would.
    inventory = bench.inventory(largest)
    empty = Command(f"render into an empty directory, {counted(largest, 'host')}",
                    ("/bin/sh", "-c", 'exec "$0" "$@" -o "$(mktemp -d "$PWD/rendered-empty-XXXXXX")"',
                     tool("xdeploy-glance"), "render", "-c", str(globals_file), "-p", str(passwords),
                     "-i", str(inventory)))
    listing = Command(f"ansible-inventory --list, {counted(largest, 'host')}",
                      (tool("ansible-inventory"), "-i", str(inventory), "--list"))
    results = bench.measure([empty, listing])
    rows.append(Row(f"`render` into an empty directory, {counted(largest, 'host')}", results[empty],
                    "ansible-inventory --list", results[listing], notes="every file written and synced"))
    validated = bench.inventory_validate.get(largest)
    for what, render in (("`render`", rendered[largest]), ("`render` into an empty directory", results[empty])):
        label = f"`validate -i` + {what}, {counted(largest, 'host')}"
        if isinstance(validated, Timing) and isinstance(render, Timing):
            total = validated.wall + render.wall
            peak = max(validated.rss_kib or 0, render.rss_kib or 0) or None
            rows.append(Row(label, Timing(total, peak, ()),
                            notes=f"sum of the two medians (target ≤ 2 s: {_verdict(total <= 2.0)})"))
        else:
            rows.append(Row(label, Missing("not measured", "needs the inventory section and both commands")))
    return rows


PING_PLAY = """\
- name: One task, the baseline for reconfigure
  hosts: glance-api
  gather_facts: false
  tasks:
    - name: Ping
      ansible.builtin.ping:
"""


def reconfigure_section(bench: Bench, options) -> list[Row]:
    places = ("1 local host", f"{options.ssh_hosts} SSH hosts")
    if not available("reconfigure"):
        missing = Missing(NOT_YET, "`xdeploy-glance reconfigure` does not exist yet")
        return [Row(f"`reconfigure` {kind}, {place}", missing)
                for place in places for kind in ("first run", "no change")]
    rows = _reconfigure_rows(bench, "local", places[0], _local_target(bench), options.reconfigure_runs)
    from tests.support.ssh_hosts import unavailable_reason

    reason = unavailable_reason()
    if reason:
        missing = Missing("not available", reason)
        return rows + [Row(f"`reconfigure` {kind}, {places[1]}", missing) for kind in ("first run", "no change")]
    with _ssh_target(bench, options.ssh_hosts) as target:
        return rows + _reconfigure_rows(bench, "ssh", places[1], target, options.reconfigure_runs)


@dataclass(frozen=True)
class Target:
    """Where reconfigure runs: an inventory, and globals whose every path lies in a scratch place."""

    inventory: Path
    globals_file: Path


def _target_globals(path: Path, root: Path) -> Path:
    path.write_text(kolla_globals(
        'glance_enabled_import_methods: "web-download,glance-direct"\n'
        'glance_image_import_plugins: "image_conversion,inject_image_metadata"\n'
        f'glance_staging_store_uri: "file://{root}/staging"\n'
        'glance_staging_max_image_size: "1M"\n'
        'glance_staging_rotational_policy: ignore\n'
        f'glance_file_datadir: "{root}/images/"\n'
        f'glance_tasks_store_dir: "{root}/tasks_work_dir"\n'
        f'glance_image_cache_dir: "{root}/image-cache/"\n'
        f'node_config_directory: "{root}/kolla"\n'
        'glance_api_restart_command: ""\n'))
    return path


def _local_target(bench: Bench) -> Target:
    from tests.support.ansible_run import local_inventory

    directory = bench.work / "reconfigure-local"
    directory.mkdir()
    return Target(local_inventory(directory), _target_globals(directory / "globals.yml", directory / "host"))


@contextmanager
def _ssh_target(bench: Bench, count: int) -> Iterator[Target]:
    """`count` sshd hosts in mount namespaces (tests/support/ssh_hosts), stopped on the way out."""
    from tests.support.ssh_hosts import ssh_host_starter

    directory = bench.work / "reconfigure-ssh"
    directory.mkdir()
    staging_parent = directory / "glance"  # a tmpfs of its own on every host
    names = [f"api{index + 1}" for index in range(count)]
    with ssh_host_starter(directory) as start:
        hosts = start({name: "64m" for name in names}, staging_parent=staging_parent,
                      host_vars={name: {"glance_worker_self_reference_url": f"http://{name}.invalid:9292"}
                                 for name in names})
        yield Target(hosts.inventory, _target_globals(directory / "globals.yml", staging_parent))


_RECAP = re.compile(r"^\S+\s+:\s+ok=\d+\s+changed=(?P<changed>\d+)", re.MULTILINE)


def _changed(output: str) -> int | None:
    counts = [int(match["changed"]) for match in _RECAP.finditer(output.split("PLAY RECAP")[-1])]
    return sum(counts) if "PLAY RECAP" in output and counts else None


def _reconfigure_rows(bench: Bench, name: str, place: str, target: Target, runs: int) -> list[Row]:
    reconfigure = Command(f"reconfigure, {name}",
                          (tool("xdeploy-glance"), "reconfigure", "-c", str(target.globals_file),
                           "-p", str(bench.passwords_file()), "-i", str(target.inventory)))
    playbook = bench.work / f"ping-{name}.yml"
    playbook.write_text(PING_PLAY)
    ping = Command(f"ansible-playbook ping play, {name}", (tool("ansible-playbook"), "-i", str(target.inventory),
                                                           str(playbook)))
    play_only = Command(f"reconfigure --no-verify, {name}", (*reconfigure.argv, "--no-verify"))
    first = bench.measure([reconfigure], warm_up=False, runs=1)[reconfigure]
    again = bench.measure([reconfigure, play_only, ping], runs=runs)
    first_notes = f"changed={_changed(first.outputs[0])} (one run)" if isinstance(first, Timing) else ""
    again_notes = ""
    if isinstance(again[reconfigure], Timing):
        changed = sorted({_changed(output) for output in again[reconfigure].outputs}, key=str)
        again_notes = (f"changed={changed[0]} in every run" if len(changed) == 1
                       else f"changed differs between runs: {changed}")
    return [
        Row(f"`reconfigure` first run, {place}", first, "one-task ping play", again[ping], notes=first_notes),
        Row(f"`reconfigure` no change, {place}", again[reconfigure], "one-task ping play", again[ping],
            wall_limit=2.5, notes=again_notes),
        Row(f"`reconfigure --no-verify` no change, {place}", again[play_only], "one-task ping play", again[ping],
            notes="the play alone: the row above minus this one is what `verify` adds"),
    ]


# --- output -----------------------------------------------------------------------------------

def _verdict(ok: bool) -> str:
    return "met" if ok else "missed"


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def _mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"


def _cells(row: Row) -> list[str]:
    subject, baseline = row.subject, row.baseline
    cells = [row.what]
    cells += [_seconds(subject.wall), _mib(subject.rss_kib)] if isinstance(subject, Timing) else [subject.status, ""]
    cells.append(row.baseline_label)
    if isinstance(baseline, Timing):
        cells += [_seconds(baseline.wall), _mib(baseline.rss_kib)]
    else:
        cells += [baseline.status if baseline else "", ""]
    targets, notes = [], [row.notes] if row.notes else []
    if isinstance(subject, Timing) and isinstance(baseline, Timing):
        wall = subject.wall / baseline.wall
        rss = subject.rss_kib / baseline.rss_kib if subject.rss_kib and baseline.rss_kib else None
        cells += [f"{wall:.2f}×", "n/a" if rss is None else f"{rss:.2f}×"]
        if row.wall_limit is not None:
            targets.append(f"wall ≤ {row.wall_limit}×: {_verdict(wall <= row.wall_limit)}")
        if row.rss_limit is not None:
            targets.append(f"RSS ≤ {row.rss_limit}×: " + ("n/a" if rss is None else _verdict(rss <= row.rss_limit)))
    else:
        cells += ["", ""]
        notes += [result.reason for result in (subject, baseline) if isinstance(result, Missing)]
    cells += ["; ".join(targets), "; ".join(notes)]
    return [cell.replace("|", "\\|") for cell in cells]


def table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _versions() -> str:
    names = ("xdeploy-glance", "PyYAML", "yamllint", "check-jsonschema", "ansible-core")
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def _shown(argv: Sequence[str], work: Path) -> str:
    """A command as a reader would type it: venv tools by name, paths relative to $WORK or the repo."""
    text = shlex.join(argv).replace(str(work), "$WORK")
    return text.replace(f"{Path(sys.executable).parent}/", "").replace(f"{REPO}/", "")


def _revision() -> str:
    """The commit measured, and whether the working tree differed from it."""
    def git(*arguments: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *arguments], capture_output=True, text=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except OSError:
        return "outside git"
    return f"commit {commit}{' with local changes' if dirty else ''}" if commit else "outside git"


def document(rows: Sequence[Row], bench: Bench, argv: Sequence[str], reconfigure_runs: int) -> str:
    command = shlex.join(["python", "bench/run.py", *argv])
    commands = "\n".join(f"- {label}: `{_shown(c.argv, bench.work)}`" for label, c in bench.commands.items())
    return f"""# Benchmarks

Generated by `{command}` on {datetime.date.today().isoformat()}.

- Code: {_revision()}.
- Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.
- Other work on the machine: load average {bench.load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.
- Tools: {_versions()}.

Each time is the median of {counted(bench.runs, 'cold run')} ({reconfigure_runs} for `reconfigure` and its
ping play), each a new process, after one untimed warm-up run so that bytecode caches exist as
they do after `pip install`; the first run of `reconfigure` is a single run. Peak RSS is the
largest resident set of the process over the runs, as GNU time reports it ("n/a" without
/usr/bin/time). A row and its baseline are measured in the same run, interleaved, so the ratios
hold even when a shared machine drifts. Targets are those of issue 7; "aim" marks a goal, not a
target. See `python bench/run.py --help` for the options.

{table(rows)}
## Commands

`$WORK` is the scratch directory the script makes and removes. `kolla-globals.yml` is kolla-ansible's
`globals.yml` (tests/fixtures) with the three import globals appended; `globals-N/` holds N
variations of it (import methods, plugins, staging path and size differ per file). `inventory-N.ini`
puts N hosts in `glance-api`, each with its own `glance_worker_self_reference_url`. Every row's
command, as run (tools from the venv):

{commands}
"""


def child_environment(work: Path) -> dict[str, str]:
    from tests.support.ansible_run import ansible_env

    env = ansible_env(work)  # Ansible's state under the scratch directory, never in $HOME
    # an installed package has its bytecode compiled; without caches every run would recompile
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("counts start at 1")
    return sorted(set(counts))


def _sections(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in SECTIONS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown section {', '.join(unknown) or '(none)'}; "
                                         f"choose from {', '.join(SECTIONS)}")
    return names


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", type=_sections, default=list(SECTIONS), metavar="LIST",
                        help=f"comma-separated rows to measure (default: all): {', '.join(SECTIONS)}")
    parser.add_argument("--runs", type=int, default=5, help="timed cold runs per command; the median is shown (5)")
    parser.add_argument("--files", type=_counts, default=[1, 10, 100, 1000], metavar="LIST",
                        help="globals files per validate call (1,10,100,1000)")
    parser.add_argument("--yamllint-max-files", type=int, default=100, metavar="N",
                        help="compare with yamllint up to N files; it takes ~30 ms a file (100)")
    parser.add_argument("--hosts", type=_counts, default=[1, 100, 1000], metavar="LIST",
                        help="hosts in the glance-api group for validate -i and render (1,100,1000)")
    parser.add_argument("--ssh-hosts", type=int, default=5, metavar="N", help="SSH hosts for reconfigure (5)")
    parser.add_argument("--reconfigure-runs", type=int, default=3, metavar="N",
                        help="timed no-change runs of reconfigure and of its ping baseline (3): each takes seconds")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "benchmarks.md", metavar="FILE",
                        help="markdown file to write (docs/benchmarks.md)")
    args = parser.parse_args(argv)
    if min(args.runs, args.reconfigure_runs, args.ssh_hosts) < 1:
        parser.error("--runs, --reconfigure-runs and --ssh-hosts must be at least 1")
    return args


SECTION_FUNCTIONS: dict[str, Callable[[Bench, argparse.Namespace], list[Row]]] = {
    "validate": validate_section,
    "files": files_section,
    "inventory": inventory_section,
    "render": render_section,
    "reconfigure": reconfigure_section,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    options = parse_arguments(argv)
    if importlib.util.find_spec("xdeploy_glance") is None:
        print("bench: xdeploy_glance is not importable; run this with the venv's python "
              "(bash scripts/test.sh makes .venv)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="xdeploy-bench-") as scratch:
        work = Path(scratch)
        bench = Bench(work, options.runs, child_environment(work))
        rows = []
        for name in SECTIONS:
            if name in options.sections:
                print(f"bench: measuring {name} ...", file=sys.stderr)
                rows += SECTION_FUNCTIONS[name](bench, options)
        text = document(rows, bench, argv, options.reconfigure_runs)
    sys.stdout.write(table(rows))
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text, encoding="utf-8")
    print(f"bench: wrote {options.output}", file=sys.stderr)
    return 1 if bench.failed else 0


if __name__ == "__main__":
    sys.exit(main())
