"""Secret values never appear in a diff or a message: they are replaced by MASK.

Three nets, because a secret can reach a line three ways: the known secret values themselves
(and their URL-quoted form, as in [database] connection), any option whose name says it holds a
secret (password, secret, key, token, credential), and the password part of any URL with
credentials (e.g. a transport_url or connection set in an override).
"""
from __future__ import annotations

import re
from typing import Iterable
from urllib.parse import quote

MASK = "********"
_SECRET_OPTION = re.compile(
    r"^(?P<head>\s*[^=:\s]*(?:password|secret|_key|token|credential)[^=:\s]*\s*[=:]\s*)(?P<value>\S.*)$",
    re.IGNORECASE)
_URL_CREDENTIALS = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@\s]+)(?P<at>@)")


def mask_line(line: str, secrets: Iterable[str] = ()) -> str:
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        for form in {secret, quote(secret, safe="")}:
            line = line.replace(form, MASK)
    line = _URL_CREDENTIALS.sub(lambda m: m["head"] + MASK + m["at"], line)
    match = _SECRET_OPTION.match(line)
    return match["head"] + MASK if match else line


def mask_text(text: str, secrets: Iterable[str] = ()) -> str:
    secrets = tuple(secrets)
    return "\n".join(mask_line(line, secrets) for line in text.split("\n"))
