"""The committed reference documents every variable and rule, exactly as generated."""
from pathlib import Path

from xdeploy_glance.docs import reference_markdown

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference.md"


def test_reference_is_up_to_date():
    assert REFERENCE.read_text(encoding="utf-8") == reference_markdown(), (
        "docs/reference.md is stale: run `python -m xdeploy_glance.docs > docs/reference.md`")


def test_every_finding_id_written_in_the_code_is_documented():
    import re

    from xdeploy_glance.catalogue import finding_docs

    package = Path(__file__).resolve().parent.parent / "xdeploy_glance"
    written = set()
    for source in package.rglob("*.py"):
        written |= set(re.findall(r'"((?:render|override)-[a-z-]+|glance-deep-check)"', source.read_text()))
    assert written and written <= set(finding_docs())
