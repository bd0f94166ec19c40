"""The deep check: read rendered files with Glance's own option definitions and convert every value.

oslo-config-validator only checks option names. This loads each file the way glance-api does
(oslo.config's parser, Glance's options and types, one ConfigOpts per file so a value shadowed
by the other file is still checked) and reads every option the file sets, which makes oslo.config
convert it: bad choices, integers, booleans, unbracketed lists and malformed dicts all fail here
exactly as they would in glance-api. Store sections get the options of their driver type, as
glance_store registers them at startup.

Needs Glance (`pip install 'xdeploy-glance[glance]'`); `available()` says whether it is
importable. Only the standard library, oslo.config and Glance are imported, so the module also
runs inside a plain Glance venv:

    PYTHONPATH=<repo> <glance venv>/bin/python -m xdeploy_glance.deep_check CONFIG_DIR

prints one problem per line and exits 1 when there are any.
"""
from __future__ import annotations

import copy
import importlib.util
import sys
import tempfile
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import glance_options, ini

API_CONF = "glance-api.conf"
IMPORT_CONF = "glance-image-import.conf"
# Options there depend on the auth plugin configured in the section itself.
_DYNAMIC_GROUPS = ("keystone_authtoken",)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    section: str
    option: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: [{self.section}] {self.option}: {self.message}"


def available() -> bool:
    return importlib.util.find_spec("glance") is not None and importlib.util.find_spec("oslo_config") is not None


def check_texts(api_text: str, import_text: str) -> list[Problem]:
    with tempfile.TemporaryDirectory(prefix="xdeploy-glance-deep-check.") as directory:
        Path(directory, API_CONF).write_text(api_text, encoding="utf-8")
        Path(directory, IMPORT_CONF).write_text(import_text, encoding="utf-8")
        problems = check_directory(Path(directory))
    return [Problem(Path(p.file).name, p.line, p.section, p.option, p.message) for p in problems]


def check_directory(config_dir: Path) -> list[Problem]:
    """Problems in config_dir's glance-image-import.conf (if present) and glance-api.conf."""
    api = config_dir / API_CONF
    image_import = config_dir / IMPORT_CONF
    groups, driver_opts = _glance_options()
    backends, problems = _enabled_backends(api, groups)
    for path in (image_import, api):
        if path.exists():
            problems.extend(_check_file(path, groups, driver_opts, backends))
    return problems


@lru_cache(maxsize=1)
def _glance_options():
    """Glance's options by group, and the options of each store driver type (read-only; loaded once)."""
    from importlib.metadata import entry_points

    namespaces = {ep.name: ep for ep in entry_points(group="oslo.config.opts")}
    groups: dict[str, list] = {}
    driver_opts: dict[str, list] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for namespace in glance_options.NAMESPACES:
            if namespace not in namespaces:
                continue
            for group, opts in namespaces[namespace].load()():
                name = getattr(group, "name", group) or "DEFAULT"
                if namespace == glance_options.MULTI_STORE_NAMESPACE and name != "glance_store":
                    driver_opts.setdefault(glance_options.driver_type(name), []).extend(opts)
                else:
                    groups.setdefault(glance_options.normalize_group(name), []).extend(opts)
    return groups, driver_opts


def _new_conf(groups: dict[str, list], extra: dict[str, list]):
    from oslo_config import cfg

    conf = cfg.ConfigOpts()
    for group, opts in list(groups.items()) + list(extra.items()):
        for opt in opts:
            mine = copy.copy(opt)
            mine.required = False  # a file may leave out what another file or a default provides
            try:
                conf.register_opt(mine, group=None if group == "DEFAULT" else group)
            except cfg.DuplicateOptError:
                pass  # the same option listed by two namespaces
    return conf


def _load(conf, path: Path) -> None:
    conf(args=[], project="glance", prog="glance-api", default_config_files=[str(path)], default_config_dirs=[],
         use_env=False, validate_default_values=False)


def _enabled_backends(api: Path, groups: dict[str, list]) -> tuple[dict[str, str], list[Problem]]:
    if not api.exists():
        return {}, []
    from oslo_config import cfg

    conf = _new_conf(groups, {})
    _load(conf, api)
    try:
        return dict(conf.enabled_backends or {}), []
    except (cfg.ConfigFileValueError, ValueError) as exc:
        return {}, [Problem(str(api), 0, "DEFAULT", "enabled_backends", _reason(exc))]


def _check_file(path: Path, groups, driver_opts, backends: dict[str, str]) -> list[Problem]:
    from oslo_config import cfg

    try:
        document = ini.parse(path.read_text(encoding="utf-8"), str(path))
    except ini.IniSyntaxError as exc:
        return [Problem(str(path), exc.line, "", "", f"oslo.config cannot parse the file: {exc.message}")]
    stores = {store_id: driver_opts.get(kind, []) for store_id, kind in backends.items()}
    for reserved in glance_options.RESERVED_STORES:
        stores[reserved] = driver_opts.get("file", [])
    conf = _new_conf(groups, {glance_options.normalize_group(k): v for k, v in stores.items()})
    try:
        _load(conf, path)
    except cfg.Error as exc:
        return [Problem(str(path), 0, "", "", f"oslo.config refuses the file: {exc}")]
    problems = []
    for section, key, setting in document.items():
        group = glance_options.normalize_group(section)
        try:
            getattr(conf if group == "DEFAULT" else conf[group], key)
        except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
            if group not in _DYNAMIC_GROUPS:
                problems.append(Problem(str(path), setting.line, section, key,
                                        "Glance 33 has no such option in this section"))
        except (cfg.ConfigFileValueError, ValueError) as exc:
            problems.append(Problem(str(path), setting.line, section, key, _reason(exc)))
    return problems


def _reason(exc: Exception) -> str:
    """oslo.config's message without its LocationInfo(...) preamble."""
    text = str(exc)
    marker = " is not valid: "
    return "not valid: " + text.split(marker, 1)[1] if marker in text else text


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m xdeploy_glance.deep_check CONFIG_DIR", file=sys.stderr)
        return 2
    problems = check_directory(Path(args[0]))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
