"""The template context: every option value of both files, encoded, from Settings and secrets.

Templates only print what is built here. A value that cannot be encoded is reported
(render-unsafe-value) and its option left out; since any such finding is an error, nothing is
written at all. A missing value or secret an option needs is a warning (render-value-missing,
render-secret-missing) and the option is left out: the tool never invents one. The warning is
dropped when an override file supplies the option.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping
from urllib.parse import quote

from .. import __version__
from ..findings import Finding, Severity
from ..loading import VaultedText
from ..settings import Settings
from .. import oslo_encoding as encoding
from ..oslo_encoding import Encoded, UnsafeValue

GENERATOR = f"xdeploy-glance {__version__}"

# Secrets, by their kolla-ansible names; read from passwords.yml (or the globals, as kolla passes both).
DATABASE_PASSWORD = "glance_database_password"
KEYSTONE_PASSWORD = "glance_keystone_password"
MEMCACHE_SECRET_KEY = "memcache_secret_key"
S3_ACCESS_KEY = "glance_backend_s3_access_key"
S3_SECRET_KEY = "glance_backend_s3_secret_key"
VMWARE_PASSWORD = "vmware_vcenter_host_password"
SECRET_NAMES = (DATABASE_PASSWORD, KEYSTONE_PASSWORD, MEMCACHE_SECRET_KEY, S3_ACCESS_KEY, S3_SECRET_KEY,
                VMWARE_PASSWORD)

UNSAFE = "render-unsafe-value"
VALUE_MISSING = "render-value-missing"
SECRET_MISSING = "render-secret-missing"


@dataclass
class _Builder:
    settings: Settings
    secrets: Mapping[str, Any]
    host: str | None
    findings: list[Finding] = field(default_factory=list)
    # Missing-value warnings by the option they leave out: an override that sets it makes them moot.
    missing: list[tuple[str, str, Finding]] = field(default_factory=list)

    def _missing(self, option: str, finding: Finding) -> None:
        section, _, key = option.partition("] ")
        self.missing.append((section.lstrip("["), key, finding))

    def encode(self, encoder: Callable[[Any], Encoded], value: Any, variable: str, option: str) -> Encoded | None:
        if value is None:
            return None
        try:
            return encoder(value)
        except UnsafeValue as exc:
            self.findings.append(Finding(UNSAFE, Severity.ERROR, f"{option}: {exc}; nothing was written",
                                         "fix the value (`xdeploy-glance validate` reports it as ini-unsafe-value)",
                                         variable=variable, location=self.settings.location(variable)
                                         if variable in self.settings else None, host=self.host))
            return None

    def setting(self, encoder: Callable[[Any], Encoded], variable: str, option: str) -> Encoded | None:
        """An option written only when its variable has a value."""
        value = self.settings.value(variable)
        return self.encode(encoder, None if value == "" else value, variable, option)

    def required(self, encoder: Callable[[Any], Encoded], variable: str, option: str,
                 value: Any = None) -> Encoded | None:
        """An option the template always writes: no value is an error (the validator's value-empty)."""
        value = self.settings.value(variable) if value is None else value
        if value is None or value == "":
            self.findings.append(Finding(VALUE_MISSING, Severity.ERROR, f"{option} needs a value, but {variable} "
                                         "gives none; nothing was written", f"set {variable}",
                                         variable=variable, host=self.host))
            return None
        return self.encode(encoder, value, variable, option)

    def needed(self, variable: str, option: str, consequence: str) -> str | None:
        """A plain setting an option cannot do without; None (and an error) when unset: Glance would not start."""
        value = self.settings.value(variable)
        if value in (None, ""):
            self._missing(option, Finding(VALUE_MISSING, Severity.ERROR, f"{variable} is not set, so {option} is "
                                          f"left out: {consequence}", f"set {variable} in the globals",
                                          variable=variable, host=self.host))
            return None
        return value

    def secret(self, name: str, option: str, consequence: str,
               severity: Severity = Severity.ERROR) -> str | None:
        """The secret's text, or None when it is missing: an error where glance-api cannot start without it
        (`severity` says otherwise). Never shown in a message."""
        value = self.secrets.get(name)
        if value is None or value == "":
            self._missing(option, Finding(SECRET_MISSING, severity, f"secret {name} is missing, so {option} "
                                          f"is left out: {consequence}", f"add {name} to passwords.yml (-p)",
                                          variable=name, host=self.host))
            return None
        if isinstance(value, VaultedText):  # like a file encrypted as a whole: only Ansible can read it
            self._missing(option, Finding(SECRET_MISSING, Severity.WARNING, f"secret {name} is vault-encrypted "
                                          f"(!vault), so {option} is left out: {consequence}",
                                          "Ansible decrypts it at deploy time; the roles write the option there",
                                          variable=name, host=self.host))
            return None
        if not isinstance(value, str):  # str() would write a list as its Python repr (issue 16 #18)
            self.findings.append(Finding(UNSAFE, Severity.ERROR, f"secret {name} is {_kind(value)}, not a string, "
                                         f"so it cannot be written to {option}; nothing was written",
                                         f"write {name} in passwords.yml as one quoted string",
                                         variable=name, host=self.host))
            return None
        return value

    def secret_value(self, name: str, option: str, consequence: str,
                     severity: Severity = Severity.ERROR) -> Encoded | None:
        text = self.secret(name, option, consequence, severity)
        if text is None:
            return None
        try:
            return encoding.string(text)
        except UnsafeValue as exc:
            reason = str(exc).replace("the value", "it", 1)
            self.findings.append(Finding(UNSAFE, Severity.ERROR, f"secret {name} cannot be written to {option}: "
                                         f"{reason}; nothing was written", "change the secret in passwords.yml",
                                         variable=name, host=self.host))
            return None


def build(settings: Settings, secrets: Mapping[str, Any],
          host: str | None) -> tuple[dict, dict, list[Finding], list[tuple[str, str, Finding]]]:
    """The standalone full files: (glance-api.conf context, glance-image-import.conf context, findings, missing).

    `missing` holds the warnings about options left out, as (section, option, finding): they only
    stand if no override file sets that option.
    """
    b = _Builder(settings, secrets, host)
    owned = _owned_api(b)
    api = {
        "generator": Encoded(GENERATOR),
        "default": {
            **owned["default"],
            "debug": b.required(encoding.boolean, "glance_logging_debug", "[DEFAULT] debug"),
            "log_file": b.required(encoding.string, "glance_log_file", "[DEFAULT] log_file"),
            "enabled_backends": b.required(encoding.mapping, "glance_extra_file_stores", "[DEFAULT] enabled_backends",
                                           {store.id: store.type for store in settings.stores}),
            "worker_self_reference_url": b.setting(encoding.string, "glance_worker_self_reference_url",
                                                   "[DEFAULT] worker_self_reference_url"),
        },
        "database": {"connection": _database_connection(b)},
        "keystone": _keystone(b),
        "paste": {
            "flavor": b.required(encoding.string, "glance_paste_flavor", "[paste_deploy] flavor"),
            "config_file": b.setting(encoding.string, "glance_paste_config_file", "[paste_deploy] config_file"),
        },
        "stores": _stores(b),
        "staging_dir": owned["staging_dir"],
        "tasks_dir": b.required(encoding.string, "glance_tasks_store_dir",
                               "[os_glance_tasks_store] filesystem_store_datadir"),
        "filters": owned["filters"],
        "lock_path": b.required(encoding.string, "glance_lock_path", "[oslo_concurrency] lock_path"),
        "wsgi": owned["wsgi"],
    }
    return api, _image_import(b), b.findings, b.missing


def build_owned(settings: Settings, host: str | None = None) -> tuple[dict, dict, list[Finding]]:
    """What the plugin feeds kolla's glance role: (glance-api.conf options it owns, glance-image-import.conf, findings).

    Only the options kolla-ansible does not write itself; every other glance-api.conf option is kolla's.
    """
    b = _Builder(settings, {}, host)
    image_import = {key: None if GLANCE_IMPORT_DEFAULTS.get(key) == value else value
                    for key, value in _image_import(b).items()}
    return _owned_api(b), image_import, b.findings


# Glance's own defaults of the import options. glance-image-import.conf lands in glance.conf.d/ and
# is read after every glance-api.conf source, so the plugin leaves these out: a value nobody chose
# must not override an operator's setting in glance-api.conf.
GLANCE_IMPORT_DEFAULTS = {"image_import_plugins": "[]", "output_format": "raw", "ignore_user_roles": "admin",
                          "inject": ""}


def _owned_api(b: _Builder) -> dict:
    settings = b.settings
    return {
        "generator": Encoded(GENERATOR),
        "default": {
            "enabled_import_methods": b.required(encoding.bracketed_list, "glance_enabled_import_methods",
                                                "[DEFAULT] enabled_import_methods"),
            "image_size_cap": b.required(encoding.integer, "glance_image_size_cap", "[DEFAULT] image_size_cap"),
        },
        "staging_dir": b.required(encoding.string, "glance_staging_store_uri",
                                  "[os_glance_staging_store] filesystem_store_datadir", settings.staging_path or ""),
        "filters": {option: b.required(encoding.bracketed_list, f"glance_web_download_{option}",
                                      f"[import_filtering_opts] {option}")
                    for option in ("allowed_schemes", "disallowed_schemes", "allowed_hosts", "disallowed_hosts",
                                   "allowed_ports", "disallowed_ports")},
        "wsgi": {
            "python_interpreter": b.required(encoding.string, "glance_wsgi_python_interpreter",
                                            "[wsgi] python_interpreter"),
            "task_pool_threads": b.required(encoding.integer, "glance_wsgi_task_pool_threads",
                                           "[wsgi] task_pool_threads"),
        },
    }


def _image_import(b: _Builder) -> dict:
    s = b.settings.value
    return {
        "generator": Encoded(GENERATOR),
        "image_import_plugins": b.required(encoding.bracketed_list, "glance_image_import_plugins",
                                          "[image_import_opts] image_import_plugins"),
        "output_format": b.required(encoding.string, "glance_image_conversion_output_format",
                                   "[image_conversion] output_format"),
        "ignore_user_roles": b.encode(encoding.plain_list, s("glance_inject_image_metadata_ignore_user_roles") or (),
                                      "glance_inject_image_metadata_ignore_user_roles",
                                      "[inject_metadata_properties] ignore_user_roles"),
        "inject": b.setting(encoding.mapping, "glance_inject_image_metadata", "[inject_metadata_properties] inject"),
    }


def _database_connection(b: _Builder) -> Encoded | None:
    option = "[database] connection"
    consequence = "glance-api cannot start without a database (an override file can supply it)"
    address = b.needed("glance_database_address", option, consequence)
    password = b.secret(DATABASE_PASSWORD, option, consequence)
    if address is None or password is None:
        return None
    user, name = b.settings.value("glance_database_user"), b.settings.value("glance_database_name")
    # SQLAlchemy URL-decodes the password, so any character a password may hold survives quoting.
    url = f"mysql+pymysql://{quote(user, safe='')}:{quote(password, safe='')}@{address}/{quote(name, safe='')}"
    return b.encode(encoding.string, url, "glance_database_address", option)


def _keystone(b: _Builder) -> dict:
    section = "[keystone_authtoken]"
    consequence = "glance-api cannot validate tokens, and cannot proxy imports to another glance-api host"
    url = b.needed("keystone_internal_url", f"{section} auth_url", consequence)
    keystone = {
        "url": b.encode(encoding.string, url, "keystone_internal_url", f"{section} auth_url"),
        "project_domain_id": b.required(encoding.string, "default_project_domain_id", f"{section} project_domain_id"),
        "user_domain_id": b.required(encoding.string, "default_user_domain_id", f"{section} user_domain_id"),
        "username": b.required(encoding.string, "glance_keystone_user", f"{section} username"),
        "password": b.secret_value(KEYSTONE_PASSWORD, f"{section} password",
                                   "glance-api cannot authenticate its service user"),
        "cafile": b.setting(encoding.string, "openstack_cacert", f"{section} cafile"),
        "region_name": b.required(encoding.string, "openstack_region_name", f"{section} region_name"),
        "memcached_servers": None,
        "memcache_secret_key": None,
    }
    servers = b.settings.value("glance_memcached_servers")
    if servers:
        keystone["memcached_servers"] = b.encode(encoding.plain_list, servers, "glance_memcached_servers",
                                                 f"{section} memcached_servers")
        keystone["memcache_secret_key"] = b.secret_value(
            MEMCACHE_SECRET_KEY, f"{section} memcache_secret_key",
            "cached tokens are not protected, so memcache_security_strategy is left out too", Severity.WARNING)
    return keystone


def _stores(b: _Builder) -> dict:
    settings = b.settings
    stores: dict[str, Any] = {
        "default_backend": b.required(encoding.string, "glance_default_backend", "[glance_store] default_backend",
                                      settings.default_backend or ""),
        "file": [],
        "rbd": None, "s3": None, "swift": None, "vmware": None,
    }
    for store in settings.stores:
        if store.type == "file":
            variable = "glance_file_datadir" if store.id == "file" else "glance_extra_file_stores"
            section = b.encode(_section_name, store.id, variable, f"[{store.id}]")
            datadir = b.required(encoding.string, variable, f"[{store.id}] filesystem_store_datadir", store.datadir)
            if section is not None and datadir is not None:
                stores["file"].append({"id": section, "datadir": datadir})
        elif store.type == "rbd":
            cluster = settings.value("ceph_cluster")
            stores["rbd"] = {
                "user": b.required(encoding.string, "ceph_glance_user", "[rbd] rbd_store_user"),
                "pool": b.required(encoding.string, "ceph_glance_pool_name", "[rbd] rbd_store_pool"),
                "ceph_conf": b.encode(encoding.string, f"/etc/ceph/{cluster}.conf", "ceph_cluster",
                                      "[rbd] rbd_store_ceph_conf"),
            }
        elif store.type == "s3":
            stores["s3"] = {
                "host": b.encode(encoding.string, b.needed("glance_backend_s3_url", "[s3] s3_store_host",
                                                           "the s3 store cannot work"),
                                 "glance_backend_s3_url", "[s3] s3_store_host"),
                "bucket": b.encode(encoding.string, b.needed("glance_backend_s3_bucket", "[s3] s3_store_bucket",
                                                             "the s3 store cannot work"),
                                   "glance_backend_s3_bucket", "[s3] s3_store_bucket"),
                "access_key": b.secret_value(S3_ACCESS_KEY, "[s3] s3_store_access_key", "the s3 store cannot work"),
                "secret_key": b.secret_value(S3_SECRET_KEY, "[s3] s3_store_secret_key", "the s3 store cannot work"),
            }
        elif store.type == "swift":
            stores["swift"] = {"region": b.required(encoding.string, "openstack_region_name",
                                                   "[swift] swift_store_region")}
        elif store.type == "vmware":
            stores["vmware"] = _vmware(b)
    return stores


def _vmware(b: _Builder) -> dict:
    consequence = "the vmware store cannot work"
    datacenter = b.needed("vmware_vcenter_name", "[vmware] vmware_datastores", consequence)
    datastore = b.needed("vmware_datastore_name", "[vmware] vmware_datastores", consequence)
    host = b.needed("vmware_vcenter_host_ip", "[vmware] vmware_server_host", consequence)
    username = b.needed("vmware_vcenter_host_username", "[vmware] vmware_server_username", consequence)
    return {
        "host": b.encode(encoding.string, host, "vmware_vcenter_host_ip", "[vmware] vmware_server_host"),
        "username": b.encode(encoding.string, username, "vmware_vcenter_host_username",
                             "[vmware] vmware_server_username"),
        "password": b.secret_value(VMWARE_PASSWORD, "[vmware] vmware_server_password", consequence),
        "datastores": b.encode(encoding.string, f"{datacenter}:{datastore}", "vmware_datastore_name",
                               "[vmware] vmware_datastores") if datacenter and datastore else None,
    }


def _kind(value: Any) -> str:
    """What a YAML value is, in words, without showing it."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return f"a {type(value).__name__}"


def _section_name(value: str) -> Encoded:
    """A section header `[id]`: store ids are plain words (rule file-store-invalid)."""
    if not value or not all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in value):
        raise UnsafeValue(f"store id {value!r} is not a plain word (letters, digits, '_' and '-')")
    return Encoded(value)
