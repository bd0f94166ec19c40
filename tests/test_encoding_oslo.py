"""Issue 16 #5: what the encoders write, oslo.config (Glance 33's, in the cached venv) reads back unchanged.

oslo.config substitutes `$name` after parsing; `$debug` became `False` and `$HOME` stopped glance-api.
"""
from __future__ import annotations

import json
import subprocess

import pytest

from xdeploy_glance import oslo_encoding as encoding

pytestmark = pytest.mark.glance

VALUES = {
    "string": "$debug and ${HOME} and $$ and trailing $",
    "bracketed": ["$debug", "${x}", "a$"],
    "plain": ["$debug", "b"],
    "mapping": {"$k": "$debug", "x": "y$"},
}
READER = """
import json, sys
from oslo_config import cfg, types
conf = cfg.ConfigOpts()
conf.register_opts([cfg.BoolOpt("debug", default=False), cfg.StrOpt("string"),
                    cfg.ListOpt("bracketed", item_type=types.String(quotes=True), bounds=True),
                    cfg.ListOpt("plain"), cfg.DictOpt("mapping")])
conf(["--config-file", sys.argv[1]], project="x", default_config_files=[])
print(json.dumps({name: conf[name] for name in ("string", "bracketed", "plain", "mapping")}))
"""


def test_issue16_5_oslo_config_reads_every_dollar_back_as_written(tmp_path, glance_venv):
    config = tmp_path / "x.conf"
    config.write_text("[DEFAULT]\n"
                      f"string = {encoding.string(VALUES['string'])}\n"
                      f"bracketed = {encoding.bracketed_list(VALUES['bracketed'])}\n"
                      f"plain = {encoding.plain_list(VALUES['plain'])}\n"
                      f"mapping = {encoding.mapping(VALUES['mapping'])}\n")
    read = subprocess.run([str(glance_venv / "bin" / "python"), "-c", READER, str(config)],
                          capture_output=True, text=True, check=True)
    assert json.loads(read.stdout) == VALUES


def test_issue16_5_a_raw_dollar_is_what_oslo_config_would_change(tmp_path, glance_venv):
    """The reproduction: written raw, `$debug` comes back as Glance's debug value."""
    config = tmp_path / "x.conf"
    config.write_text("[DEFAULT]\nstring = $debug\nbracketed = []\nplain =\nmapping =\n")
    read = subprocess.run([str(glance_venv / "bin" / "python"), "-c", READER, str(config)],
                          capture_output=True, text=True, check=True)
    assert json.loads(read.stdout)["string"] == "False"
