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

The genconfig section runs kolla-ansible 22.2.0's own site.yml (tests/support/kolla.py: the suite's
venv after `bash scripts/test.sh`, or $XDEPLOY_KOLLA_VENV_22 with this project installed in it),
kolla alone and with the plugin integrated; without it, its rows say "skipped" and why.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.support: the ansible environment and the SSH test hosts

SECTIONS = ("validate", "files", "inventory", "render", "genconfig")
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
    # runs the command itself when set, returning (exit code, output): the kolla harness's run_site
    runner: Callable[[], tuple[int, str]] | None = field(default=None, compare=False)


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
    kolla: str = ""  # the kolla-ansible the genconfig section ran, for the docs
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
        if command.runner is not None or Path(command.argv[0]).is_file():
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
        if command.runner is not None:  # its process is started elsewhere: no peak RSS from GNU time
            start = time.perf_counter()
            code, text = command.runner()
            return time.perf_counter() - start, None, code, text
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


# kolla-ansible's own site.yml --tags glance, kolla_action=config (genconfig), as tests/support/kolla.py
# runs it on local hosts: kolla alone next to the same tree with the plugin integrated.
KOLLA_VERSION = "22.2.0"  # the kolla-ansible in the suite's venv (bash scripts/test.sh)
GENCONFIG_TARGET = 1.15  # the plugin adds at most 15 % wall time to kolla's genconfig
KOLLA_ALONE = "kolla-ansible alone"


def genconfig_section(bench: Bench, options) -> list[Row]:
    labels = {hosts: f"`genconfig` no change, {counted(hosts, 'local host')}" for hosts in options.genconfig_hosts}
    directory = bench.work / "genconfig"
    prepared = _kolla_trees(bench, directory)
    if isinstance(prepared, Missing):
        if prepared.status == "skipped":
            print(f"bench: genconfig skipped: {prepared.reason}", file=sys.stderr)
            prepared = Missing(prepared.status, f"skipped: {prepared.reason}")
        return [Row(label, prepared, KOLLA_ALONE, wall_limit=GENCONFIG_TARGET) for label in labels.values()]
    kolla, trees, globals_file, passwords = prepared
    rows = []
    for hosts, label in labels.items():
        names = [f"api{index}" for index in range(1, hosts + 1)]
        commands, first_runs = [], {}
        for variant, tree in trees.items():
            place = directory / f"{variant}-{hosts}"
            # its own hosts, node_config_directory per host and node_custom_config: the variants never
            # see each other's files, so every timed run of each is a run with nothing to change
            inventory = kolla.local_inventory(place / "inventory" / "hosts", names, version=KOLLA_VERSION)
            custom = place / "config"
            custom.mkdir(parents=True)

            def run(tree=tree, inventory=inventory, custom=custom) -> tuple[int, str, tuple[str, ...]]:
                site = kolla.run_site(tree, KOLLA_VERSION, inventory, globals_file, passwords, "config",
                                      custom_config=custom, timeout=COMMAND_TIMEOUT_SECONDS)
                return site.returncode, site.stdout + site.stderr, site.command

            # the untimed warm-up: the first genconfig writes every file
            start = time.perf_counter()
            code, output, argv = run()
            first_runs[variant] = (time.perf_counter() - start, _changed(output))
            command = Command(f"genconfig, {_variant_name(variant)}, {counted(hosts, 'host')}", argv,
                              runner=lambda run=run: run()[:2])
            bench.commands[command.label] = command
            commands.append((variant, command, None if code == 0 else bench._failure(command, code, output)))
        timed = bench.measure([command for _, command, failure in commands if failure is None], warm_up=False,
                              runs=options.genconfig_runs)
        results = {variant: failure or timed[command] for variant, command, failure in commands}
        rows.append(Row(label, results["plugin"], KOLLA_ALONE, results["kolla"], wall_limit=GENCONFIG_TARGET,
                        notes=_genconfig_notes(results, first_runs)))
    return rows


def _variant_name(variant: str) -> str:
    return "plugin integrated" if variant == "plugin" else "kolla alone"


def _kolla_trees(bench: Bench, directory: Path):
    """(tests.support.kolla, {"kolla": tree, "plugin": integrated tree}, globals, passwords), or Missing."""
    try:
        from tests.support import kolla
    except ImportError as error:
        return Missing("skipped", f"tests.support.kolla cannot be imported ({error}); run with the venv's python")
    try:
        install = kolla.kolla_install(KOLLA_VERSION)
        probe = subprocess.run([str(install.python), "-c", "import importlib.metadata as m, xdeploy_glance; "
                                "print(m.version('ansible-core'))"], capture_output=True, text=True, timeout=120)
        if probe.returncode != 0:
            return Missing("skipped", f"xdeploy-glance is not installed in kolla-ansible's venv {install.venv} "
                                      "(pip install -e . with its pip)")
        bench.kolla = f"kolla-ansible {KOLLA_VERSION} with ansible-core {probe.stdout.strip()} ({install.venv})"
        trees = {"kolla": kolla.copy_tree(KOLLA_VERSION, directory / "kolla-alone" / "ansible"),
                 "plugin": kolla.copy_tree(KOLLA_VERSION, directory / "plugin" / "ansible")}
    except kolla.KollaUnavailable as error:
        return Missing("skipped", f"kolla-ansible {KOLLA_VERSION} is not available: {error}")
    integrate = Command("integrate (once, before any run; untimed)",
                        (str(install.python), "-m", "xdeploy_glance", "integrate", "--ansible-dir",
                         str(trees["plugin"])))
    bench.commands[integrate.label] = integrate
    done = subprocess.run(integrate.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=COMMAND_TIMEOUT_SECONDS)
    if done.returncode != 0:
        return bench._failure(integrate, done.returncode, done.stdout)
    # kolla runs glance-api (and the plugin's play) on every glance-api host only when images are
    # not on the named volume `glance` of the file backend: a host path here, as a shared mount
    # would be (genconfig creates nothing there); staging on it, under /var/lib/glance/ in the container
    values = {**kolla.IMPORT_GLOBALS, "glance_staging_store_uri": "file:///var/lib/glance/staging",
              "glance_staging_shared": True, "glance_file_datadir_volume": str(directory / "glance-images")}
    globals_file = kolla.write_globals(directory / "etc" / "globals.yml", values)
    passwords = kolla.write_passwords(KOLLA_VERSION, directory / "etc" / "passwords.yml")
    return kolla, trees, globals_file, passwords


def _genconfig_notes(results: dict[str, Result], first_runs: dict[str, tuple[float, int | None]]) -> str:
    notes = []
    plugin, alone = results["plugin"], results["kolla"]
    if isinstance(plugin, Timing) and isinstance(alone, Timing):
        notes.append(f"the plugin adds {(plugin.wall / alone.wall - 1) * 100:+.0f} % (target ≤ 15 %: "
                     f"{_verdict(plugin.wall <= GENCONFIG_TARGET * alone.wall)})")
    for variant in ("plugin", "kolla"):
        result = results[variant]
        if isinstance(result, Timing):
            changed = sorted({_changed(output) for output in result.outputs}, key=str)
            notes.append(f"{_variant_name(variant)}: changed={changed[0]} in every run" if len(changed) == 1
                         else f"{_variant_name(variant)}: changed differs between runs: {changed}")
    if all(variant in first_runs for variant in ("plugin", "kolla")):
        notes.append("first runs (untimed warm-up): " + ", ".join(
            f"{_variant_name(variant)} {_seconds(first_runs[variant][0])} changed={first_runs[variant][1]}"
            for variant in ("plugin", "kolla")))
    return "; ".join(notes)


_RECAP = re.compile(r"^\S+\s+:\s+ok=\d+\s+changed=(?P<changed>\d+)", re.MULTILINE)


def _changed(output: str) -> int | None:
    counts = [int(match["changed"]) for match in _RECAP.finditer(output.split("PLAY RECAP")[-1])]
    return sum(counts) if "PLAY RECAP" in output and counts else None


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


def document(rows: Sequence[Row], bench: Bench, argv: Sequence[str], genconfig_runs: int) -> str:
    command = shlex.join(["python", "bench/run.py", *argv])
    commands = "\n".join(f"- {label}: `{_shown(c.argv, bench.work)}`" for label, c in bench.commands.items())
    kolla = f"; {bench.kolla}" if bench.kolla else ""
    return f"""# Benchmarks

Generated by `{command}` on {datetime.date.today().isoformat()}.

- Code: {_revision()}.
- Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.
- Other work on the machine: load average {bench.load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.
- Tools: {_versions()}{kolla}.

Each time is the median of {counted(bench.runs, 'cold run')}, each a new process, after one
untimed warm-up run so that bytecode caches exist as they do after `pip install`. Peak RSS is the
largest resident set of the process over the runs, as GNU time reports it ("n/a" without
/usr/bin/time). A row and its baseline are measured in the same run, interleaved, so the ratios
hold even when a shared machine drifts. Targets are those of issue 7; "aim" marks a goal, not a
target. See `python bench/run.py --help` for the options.

The `genconfig` rows run kolla-ansible's own `site.yml --tags glance` with `kolla_action=config`
on local hosts (tests/support/kolla.py): the plugin integrated into a copy of kolla's tree against
kolla alone in another copy, same globals, passwords and hosts. Each is the median of
{counted(genconfig_runs, 'second run')} with nothing to change, after an untimed first run that wrote
every file (its time is in the notes); peak RSS is "n/a" there, as the harness starts
`ansible-playbook` itself. Target (issue 11): the plugin adds at most 15 % wall time.

{table(rows)}
## Commands

`$WORK` is the scratch directory the script makes and removes. `kolla-globals.yml` is kolla-ansible's
`globals.yml` (tests/fixtures) with the three import globals appended; `globals-N/` holds N
variations of it (import methods, plugins, staging path and size differ per file). `inventory-N.ini`
puts N hosts in `glance-api`, each with its own `glance_worker_self_reference_url`. For genconfig,
`genconfig/etc/globals.yml` is the harness's globals with the plugin's import settings and
`glance_file_datadir_volume` set to a host path (with the file backend on the named volume kolla
configures glance-api on the first host only); `genconfig/<variant>-N/` holds the N hosts'
inventory (kolla's all-in-one groups, `ansible_connection=local`, a `node_config_directory` per
host) and an empty `node_custom_config`; the seed play (tests/support/kolla.py) sets the facts
kolla reads before `site.yml`. Every row's command, as run (tools from the venv):

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
    parser.add_argument("--genconfig-hosts", type=_counts, default=[1, 5], metavar="LIST",
                        help="local hosts in glance-api for kolla's genconfig (1,5)")
    parser.add_argument("--genconfig-runs", type=int, default=3, metavar="N",
                        help="timed no-change genconfig runs per variant (3): each takes 20 s to a minute")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "benchmarks.md", metavar="FILE",
                        help="markdown file to write (docs/benchmarks.md)")
    args = parser.parse_args(argv)
    if min(args.runs, args.genconfig_runs) < 1:
        parser.error("--runs and --genconfig-runs must be at least 1")
    return args


SECTION_FUNCTIONS: dict[str, Callable[[Bench, argparse.Namespace], list[Row]]] = {
    "validate": validate_section,
    "files": files_section,
    "inventory": inventory_section,
    "render": render_section,
    "genconfig": genconfig_section,
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
        text = document(rows, bench, argv, options.genconfig_runs)
    sys.stdout.write(table(rows))
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text, encoding="utf-8")
    print(f"bench: wrote {options.output}", file=sys.stderr)
    return 1 if bench.failed else 0


if __name__ == "__main__":
    sys.exit(main())
