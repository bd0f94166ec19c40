"""Run a real glance-api 33.0.0 on 127.0.0.1 and talk to it, for the end-to-end tests.

Recipe and pitfalls: tests/e2e/README.md. In short:
- Glance 33 has no standalone server; it runs under uWSGI (`glance.wsgi.api:application`) and
  reads its config only from the directory in OS_GLANCE_CONFIG_DIR.
- The stock no-auth pipeline cannot import (tasks need an owner), so the tests use a paste
  flavor `trustedheaders` (the keystone pipeline minus authtoken) and send the identity headers
  keystonemiddleware would normally set.
- Import failures are asynchronous: POST /import answers 202 and the reason is only in the
  task (terse) and the server log, so waiting helpers raise AssertionErrors carrying both.
"""
from __future__ import annotations

import configparser
import ctypes
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TRUSTED_HEADERS_FLAVOR = "trustedheaders"
STARTUP_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0
IMPORT_TIMEOUT = 60.0
POLL_INTERVAL = 0.1
LOG_EXCERPT_LINES = 80
# Lines every start prints that never explain a failure (see the lab's pitfall list).
LOG_NOISE = ("os_brick", "Could not load 'cinder'", "EventletDeprecationWarning", "running uWSGI as root",
             "Could not find schema properties file")
SHIMS_DIR = Path(__file__).resolve().parent / "uwsgi_imports"
SHIMS_MODULE = "xdeploy_e2e_glance_shims"
NO_RELEVANT_LOG_LINES = "(no relevant server-log lines)"
PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_trusted_headers_paste_ini(venv: Path, destination: Path) -> Path:
    """Glance's stock paste ini plus the test-only `trustedheaders` flavor.

    The flavor is derived from the stock `keystone` pipeline at test time, so it follows
    whatever filters this Glance release puts there; only `authtoken` is dropped.
    """
    stock = (venv / "etc" / "glance" / "glance-api-paste.ini").read_text()
    keystone_line = re.search(r"^keystone = (.*\bauthtoken\b.*)$", stock, re.MULTILINE)
    if keystone_line is None:
        raise RuntimeError(f"no 'keystone = ... authtoken ...' pipeline in {venv}/etc/glance/glance-api-paste.ini")
    filters = [name for name in keystone_line.group(1).split() if name != "authtoken"]
    flavor_line = f"{TRUSTED_HEADERS_FLAVOR} = {' '.join(filters)}"
    composite = (
        "# TEST ONLY: no keystone; identity comes from the X-Identity-Status/X-Project-Id/\n"
        "# X-User-Id/X-Roles request headers, as keystonemiddleware would set them.\n"
        f"[composite:glance-api-{TRUSTED_HEADERS_FLAVOR}]\n"
        "paste.composite_factory = glance.api:root_app_factory\n"
        "/: api\n"
        "/healthcheck: healthcheck\n\n"
    )
    text = composite + stock[: keystone_line.end()] + "\n" + flavor_line + stock[keystone_line.end():]
    destination.write_text(text)
    return destination


def _die_with_parent() -> None:
    # uWSGI must not outlive a killed pytest (e.g. a CI timeout): ask the kernel to SIGTERM it.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class GlanceServer:
    """glance-api under uWSGI, configured by the files in `config_dir`.

    `config_dir` must hold glance-api.conf (and optionally glance-image-import.conf) whose
    [database] connection points at a fresh sqlite file; start() runs db_sync on it.
    """

    def __init__(self, venv: Path, config_dir: Path, run_dir: Path) -> None:
        self.venv = venv
        self.config_dir = config_dir
        self.run_dir = run_dir
        self.port = free_port()
        self.uwsgi_log = run_dir / "uwsgi.log"
        self.log_file = _configured_log_file(config_dir / "glance-api.conf")
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._db_sync()
        env = {**os.environ, "OS_GLANCE_CONFIG_DIR": str(self.config_dir)}
        command = [
            str(self.venv / "bin" / "uwsgi"),
            "--http-socket", f"127.0.0.1:{self.port}",
            "--module", "glance.wsgi.api:application",
            "--master", "--processes", "1", "--threads", "4",
            # Glance runs import tasks in native threads; --lazy-apps loads the app per worker.
            "--enable-threads", "--lazy-apps",
            # Without --need-app a broken config leaves uWSGI up answering 500 to everything;
            # without --die-on-term SIGTERM means "reload", which crashes under a venv.
            "--need-app", "--die-on-term",
            "--buffer-size", "65535",
            # Test-only adjustments inside the glance process (SQLite locking, pool errors): see the module.
            "--pythonpath", str(SHIMS_DIR), "--import", SHIMS_MODULE,
        ]
        with self.uwsgi_log.open("ab") as log:
            self._process = subprocess.Popen(
                command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=_die_with_parent,
            )
        self._wait_healthy()

    def _db_sync(self) -> None:
        result = subprocess.run(
            [str(self.venv / "bin" / "glance-manage"), "--config-file", str(self.config_dir / "glance-api.conf"), "db_sync"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"glance-manage db_sync exited {result.returncode}:\n{result.stdout[-4000:]}")

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"glance-api (uWSGI) exited {self._process.returncode} during startup\n{self.log_excerpt()}"
                )
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                connection.request("GET", "/healthcheck")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"glance-api did not answer /healthcheck within {STARTUP_TIMEOUT:.0f} s\n{self.log_excerpt()}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            # The group is the one start_new_session created for this uWSGI: master and workers.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def __enter__(self) -> GlanceServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def log_mark(self) -> dict[Path, int]:
        """Current end of each log, to excerpt only what happens afterwards."""
        return {path: path.stat().st_size for path in self.log_paths() if path.exists()}

    def log_excerpt(self, *needles: str, since: dict[Path, int] | None = None) -> str:
        """Server-log lines that explain a failure: errors, warnings and lines naming a needle."""
        parts = []
        for path in self.log_paths():
            if not path.exists():
                continue
            with path.open("rb") as handle:
                handle.seek((since or {}).get(path, 0))
                lines = handle.read().decode(errors="replace").splitlines()
            relevant = [line for line in lines if _is_relevant(line, needles)]
            if relevant:
                parts.append(f"--- {path} ---\n" + "\n".join(relevant[-LOG_EXCERPT_LINES:]))
        return "\n".join(parts) or NO_RELEVANT_LOG_LINES

    def log_paths(self) -> list[Path]:
        return [path for path in (self.log_file, self.uwsgi_log) if path is not None]


def _configured_log_file(glance_api_conf: Path) -> Path | None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(glance_api_conf)
    value = parser.get("DEFAULT", "log_file", fallback="").strip()
    return Path(value) if value else None


_UWSGI_REQUEST_LINE = re.compile(r"^\[pid: \d+\|app: ")
_OSLO_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d [\d:.]+ \d+ (?P<level>[A-Z]+) ")
_ERROR_WORDS = re.compile(r"Error|Exception|Traceback|GAME OVER|exited", re.IGNORECASE)


def _is_relevant(line: str, needles: tuple[str, ...]) -> bool:
    if any(noise in line for noise in LOG_NOISE):
        return False
    if _UWSGI_REQUEST_LINE.match(line):
        return " (HTTP/1.1 5" in line
    oslo = _OSLO_LOG_LINE.match(line)
    if oslo:
        level = oslo.group("level")
        return level in ("WARNING", "ERROR", "CRITICAL") or (level == "INFO" and any(n in line for n in needles))
    # Unprefixed lines: uWSGI's own messages, startup tracebacks on stderr, multi-line continuations.
    return any(needle in line for needle in needles) or bool(_ERROR_WORDS.search(line))


@dataclass(frozen=True)
class Identity:
    """Who the request claims to be (what keystonemiddleware would have put in the headers)."""

    project_id: str = "e2e-project"
    user_id: str = "e2e-user"
    roles: tuple[str, ...] = ("member", "reader")

    def headers(self) -> dict[str, str]:
        return {
            "X-Identity-Status": "Confirmed",
            "X-Project-Id": self.project_id,
            "X-User-Id": self.user_id,
            "X-Roles": ",".join(self.roles),
        }


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class StageInterrupted(AssertionError):
    """The server closed the connection before the whole staging body was sent."""

    def __init__(self, sent: int, cause: OSError) -> None:
        super().__init__(f"connection closed by glance-api after {sent} bytes of the stage body: {cause!r}")
        self.sent = sent


class GlanceClient:
    """A minimal Images v2 client (stdlib http.client) speaking to a GlanceServer."""

    def __init__(self, server: GlanceServer, identity: Identity = Identity()) -> None:
        self.server = server
        self.identity = identity

    def as_identity(self, identity: Identity) -> GlanceClient:
        return GlanceClient(self.server, identity)

    def request(self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None) -> Response:
        all_headers = {"Accept": "application/json", **self.identity.headers(), **(headers or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            connection.request(method, path, body=payload, headers=all_headers)
            reply = connection.getresponse()
            return Response(reply.status, reply.read(), dict(reply.getheaders()))
        finally:
            connection.close()

    def _expect(self, expected: int, response: Response, what: str, *needles: str) -> Response:
        if response.status != expected:
            raise AssertionError(
                f"{what}: expected HTTP {expected}, got {response.status}: {response.text[:2000]}\n"
                f"{self.server.log_excerpt(*needles)}"
            )
        return response

    def create_image(self, **properties: object) -> dict:
        body = {"disk_format": "raw", "container_format": "bare", **properties}
        return self._expect(201, self.request("POST", "/v2/images", body), "create image").json()

    def get_image(self, image_id: str) -> dict:
        return self._expect(200, self.request("GET", f"/v2/images/{image_id}"), "get image", image_id).json()

    def image_tasks(self, image_id: str) -> list[dict]:
        response = self.request("GET", f"/v2/images/{image_id}/tasks")
        return self._expect(200, response, "list image tasks", image_id).json()["tasks"]

    def download(self, image_id: str) -> bytes:
        return self._expect(200, self.request("GET", f"/v2/images/{image_id}/file"), "download", image_id).body

    def stage(self, image_id: str, chunks: Iterable[bytes], size: int) -> Response:
        """PUT /stage, sending `chunks` one by one as they are produced.

        A generator body lets the caller look at the staging directory between chunks, i.e.
        while the upload is in flight. Raises StageInterrupted when glance-api answers (and
        closes) before the body is complete, the way it refuses a stage early.
        """
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=120)
        sent = 0
        try:
            connection.putrequest("PUT", f"/v2/images/{image_id}/stage")
            headers = {**self.identity.headers(), "Content-Type": "application/octet-stream",
                       "Content-Length": str(size), "Accept": "application/json"}
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            try:
                for chunk in chunks:
                    connection.send(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError) as error:
                response = _read_response_if_any(connection)
                if response is None:
                    raise StageInterrupted(sent, error) from error
                return response
            reply = connection.getresponse()
            return Response(reply.status, reply.read(), dict(reply.getheaders()))
        finally:
            connection.close()

    def import_image(self, image_id: str, method: dict, **extra: object) -> Response:
        return self.request("POST", f"/v2/images/{image_id}/import", {"method": method, **extra})

    def import_and_wait(self, image_id: str, method: dict, timeout: float = IMPORT_TIMEOUT, **extra: object) -> tuple[dict, dict]:
        """Start an import and wait until its task succeeded and the image is active.

        Returns (image, task). Raises AssertionError with the task message and the server-log
        lines of this import when the task fails or the deadline passes.
        """
        known_tasks = {task["id"] for task in self.image_tasks(image_id)}
        mark = self.server.log_mark()
        response = self.import_image(image_id, method, **extra)
        self._expect(202, response, f"import {method.get('name')}", image_id)
        task = self.wait_for_task(image_id, known_tasks, timeout, mark)
        if task["status"] != "success":
            raise AssertionError(
                f"import {method.get('name')} of image {image_id} failed: task {task['id']} "
                f"status={task['status']} message={task.get('message')!r}\n"
                f"{self.server.log_excerpt(image_id, task['id'], since=mark)}"
            )
        return self._wait_image_status(image_id, "active", time.monotonic() + timeout, mark), task

    def wait_for_task(self, image_id: str, known_tasks: set[str], timeout: float = IMPORT_TIMEOUT,
                      mark: dict[Path, int] | None = None) -> dict:
        """Wait for a task of `image_id` not in `known_tasks` to finish; returns it, either way.

        Tasks are polled rather than the image status: a fast failure can flip the image
        importing -> queued between two polls and look like "not started yet".
        """
        deadline = time.monotonic() + timeout
        while True:
            new_tasks = [task for task in self.image_tasks(image_id) if task["id"] not in known_tasks]
            finished = [task for task in new_tasks if task["status"] in ("success", "failure")]
            if finished:
                return finished[0]
            if time.monotonic() > deadline:
                states = [(task["id"], task["status"], task.get("message")) for task in new_tasks]
                raise AssertionError(
                    f"no import task of image {image_id} finished within {timeout:.0f} s; new tasks: {states}; "
                    f"image status {self.get_image(image_id)['status']}\n"
                    f"{self.server.log_excerpt(image_id, since=mark)}"
                )
            time.sleep(POLL_INTERVAL)

    def _wait_image_status(self, image_id: str, status: str, deadline: float, mark: dict[Path, int]) -> dict:
        while True:
            image = self.get_image(image_id)
            if image["status"] == status:
                return image
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"image {image_id} is {image['status']}, not {status}\n"
                    f"{self.server.log_excerpt(image_id, since=mark)}"
                )
            time.sleep(POLL_INTERVAL)


def _read_response_if_any(connection: http.client.HTTPConnection) -> Response | None:
    try:
        reply = connection.getresponse()
        return Response(reply.status, reply.read(), dict(reply.getheaders()))
    except (OSError, http.client.HTTPException):
        return None


def error_message(response: Response) -> str:
    """The message of a Glance error body, without the HTML line breaks webob appends."""
    return response.json()["message"].split("<br />")[0]


def payload(size: int, seed: int) -> bytes:
    """Deterministic, incompressible test data."""
    return random.Random(seed).randbytes(size)


def chunked(data: bytes, chunk_size: int) -> Iterator[bytes]:
    for offset in range(0, len(data), chunk_size):
        yield data[offset:offset + chunk_size]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class FileServer:
    """Serves a directory on 127.0.0.1 (a free port) from a thread: web-download sources."""

    def __init__(self, directory: Path) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(directory)))
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="e2e-file-server", daemon=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def __enter__(self) -> FileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
