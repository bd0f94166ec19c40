"""Accepted findings: `--skip RULE`, per-rule levels in `.xdeploy-glance.yml`, and inline comments.

The three ways yamllint and ansible-lint offer, applied after the checks and before the report:
the checks never know about them, and a suppressed finding is kept (JSON shows it with
`"suppressed": true`) but never counts toward the exit status.

    # .xdeploy-glance.yml (kolla users keep one per environment)
    rules:
      staging-volatile: disable      # or info, warning, error: the severity it is reported with

    glance_staging_store_uri: "file:///tmp/staging"  # xdeploy-glance: disable=staging-volatile
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Collection, Iterable, Mapping

import yaml

from .findings import Finding, Severity
from .schema import did_you_mean

CONFIG_FILE = ".xdeploy-glance.yml"
DISABLE = "disable"
LEVELS = (DISABLE, *(str(level) for level in reversed(Severity)))
HOW_TO = f"""\
Accepting its findings (they stay in `--format json` with "suppressed": true and never count
toward the exit status):
- on the command line: --skip {{rule}}
- in {CONFIG_FILE} (current directory, or --config FILE): rules: {{{{{{rule}}: disable}}}}
  (or one of {', '.join(LEVELS[1:])} to report it at that level)
- on the variable's line in the globals file: # xdeploy-glance: disable={{rule}}
"""
_INLINE = re.compile(r"#\s*xdeploy-glance:\s*disable=(?P<rules>[\w,-]+)")
_TOP_LEVEL_KEY = re.compile(r"""^(?P<quote>["']?)(?P<key>[A-Za-z_]\w*)(?P=quote)\s*:""")


class PolicyError(Exception):
    """The suppression configuration names an unknown rule or level, or cannot be read: exit 2."""


@dataclass(frozen=True)
class Policy:
    """Per-rule levels: a severity the rule's findings are reported with, or DISABLE."""

    levels: Mapping[str, str]


def load_policy(config: str | None, skip: Iterable[str], known_rules: Collection[str]) -> Policy:
    """The levels of `config` (else ./.xdeploy-glance.yml when present), with every --skip rule disabled."""
    levels: dict[str, str] = {}
    path = Path(config) if config is not None else Path(CONFIG_FILE)
    if config is not None or path.is_file():
        levels.update(_read_levels(path, known_rules))
    for rule in skip:
        _check_rule(rule, known_rules, "--skip")
        levels[rule] = DISABLE
    return Policy(levels)


def _read_levels(path: Path, known_rules: Collection[str]) -> dict[str, str]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise PolicyError(f"{path}: no such file or directory") from exc
    except OSError as exc:
        raise PolicyError(f"{path}: {exc.strerror or exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: not a YAML file: {exc}") from exc
    rules = document.get("rules", {}) if isinstance(document, dict) else None
    if not isinstance(rules, dict):
        raise PolicyError(f"{path}: rules must be a mapping of rule ids to one of {', '.join(LEVELS)}")
    for rule, level in rules.items():
        _check_rule(rule, known_rules, str(path))
        if level not in LEVELS:
            raise PolicyError(f"{path}: {rule}: level {level!r} is not one of {', '.join(LEVELS)}")
    return dict(rules)


def _check_rule(rule, known_rules: Collection[str], where: str) -> None:
    if rule not in known_rules:
        raise PolicyError(f"{where}: unknown rule {rule!r}{did_you_mean(str(rule), known_rules)}; "
                          "`xdeploy-glance explain` lists them")


def inline_disables(text: str) -> tuple[dict[int, set[str]], dict[str, set[str]]]:
    """The rules disabled on each line, and on each top-level key's whole value (a block list's
    items sit on the lines below the key, where the comment cannot go)."""
    by_line: dict[int, set[str]] = {}
    by_key: dict[str, set[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = _INLINE.search(line)
        if not match:
            continue
        rules = {rule for rule in match["rules"].split(",") if rule}
        by_line[number] = rules
        key = _TOP_LEVEL_KEY.match(line)
        if key:
            by_key.setdefault(key["key"], set()).update(rules)
    return by_line, by_key


def apply(findings: Iterable[Finding], policy: Policy,
          texts: Mapping[str, str]) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(kept, suppressed): each finding at its configured level; `texts` maps a file to its text."""
    inline = {path: inline_disables(text) for path, text in texts.items()}
    kept, suppressed = [], []
    for finding in findings:
        level = policy.levels.get(finding.rule)
        if level is not None and level != DISABLE:
            finding = replace(finding, severity=Severity[level.upper()])
        by_line, by_key = inline.get(finding.file, ({}, {}))
        disabled = (level == DISABLE or finding.rule in by_line.get(finding.line, ())
                    or finding.rule in by_key.get(finding.variable, ()))
        (suppressed if disabled else kept).append(finding)
    return tuple(kept), tuple(suppressed)
