"""kolla-ansible's config directory, as its CLI reads it: globals.yml, globals.d/, passwords.yml, config/.

kolla-ansible passes `-e @<dir>/globals.yml`, then every `<dir>/globals.d/*.yml` file in sorted
order, then `-e @<dir>/passwords.yml`, and sets `CONFIG_DIR=<dir>` (default /etc/kolla).
"""
from __future__ import annotations

from pathlib import Path

DEFAULT_DIR = Path("/etc/kolla")


def globals_sources(config_dir: Path) -> list[str]:
    """globals.yml, then globals.d when it exists (a directory means its *.yml/*.yaml files, sorted)."""
    sources = [str(config_dir / "globals.yml")]
    if (config_dir / "globals.d").is_dir():
        sources.append(str(config_dir / "globals.d"))
    return sources
