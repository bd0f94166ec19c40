"""An extra file store has an id or a directory Glance cannot use.

Each entry of glance_extra_file_stores becomes `<id>:file` in enabled_backends and a section
`[<id>]` in glance-api.conf. Glance refuses to start when an id starts with `os_glance_`
(reserved for its staging and tasks stores); an id already used by another store would merge the
two into one section; an id with characters other than letters, digits, `_` and `-` does not make
a usable section name. The directory must be absolute, and two file stores must not share a
directory (or one lie inside the other): each store deletes files it does not know.
"""
import posixpath
import re

from .base import Problem, RuleContext, Severity, is_within

ID = "file-store-invalid"
SEVERITY = Severity.ERROR
VARIABLES = ("glance_extra_file_stores", "glance_backend_file", "glance_file_datadir")

BUILTIN_IDS = ("file", "http", "rbd", "s3", "swift", "vmware", "cinder")
_ID = re.compile(r"^[A-Za-z0-9_-]+$")
NAME = "glance_extra_file_stores"


def check(context: RuleContext):
    extra = context.settings.value(NAME) or {}
    for store_id, datadir in extra.items():
        where = context.settings.location(NAME)
        if store_id.startswith("os_glance_"):
            yield Problem(NAME, f"store id {store_id!r} starts with os_glance_, which Glance reserves for its "
                                "staging and tasks stores: glance-api refuses to start",
                          "choose another id", location=where)
        elif store_id in BUILTIN_IDS:
            yield Problem(NAME, f"store id {store_id!r} is the id of a built-in store",
                          "choose another id, e.g. file2 or fast", location=where)
        elif not _ID.match(store_id):
            yield Problem(NAME, f"store id {store_id!r} has characters other than letters, digits, '_' and '-'",
                          "use a plain id such as fast or file2", location=where)
        if not datadir.startswith("/"):
            yield Problem(NAME, f"directory {datadir!r} of store {store_id!r} is not an absolute path",
                          "write the full path, e.g. /var/lib/glance/images-fast/", location=where)
    directories = [(store.id, store.datadir) for store in context.settings.stores
                   if store.type == "file" and store.datadir and store.datadir.startswith("/")]
    for index, (first_id, first_dir) in enumerate(directories):
        for second_id, second_dir in directories[index + 1:]:
            if is_within(first_dir, second_dir) or is_within(second_dir, first_dir):
                yield Problem(NAME, f"file stores {first_id!r} ({posixpath.normpath(first_dir)}) and {second_id!r} "
                                    f"({posixpath.normpath(second_dir)}) share a directory",
                              "give each file store a directory of its own", location=context.settings.location(NAME))
