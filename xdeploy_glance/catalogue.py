"""Every finding id the tool reports, with its documentation, in one place.

validate's stages and rules (rules.validator_docs), the renderer's findings (render.RENDER_FINDINGS)
and, apart, verify's checks (verify.catalogue). `explain`, docs/reference.md and the reports read
them here, so no lower layer has to import a higher one to list them.
"""
from __future__ import annotations

from .findings import RuleDoc


def finding_docs() -> dict[str, RuleDoc]:
    """Every id `validate`, `render` and the Ansible role can report."""
    from .render import RENDER_FINDINGS
    from .rules import validator_docs

    return {**validator_docs(), **{doc.id: doc for doc in RENDER_FINDINGS}}
