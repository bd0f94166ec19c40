#!/usr/bin/python
# STAND-IN for kolla-ansible's kolla_container module, installed by the xdeploy-glance test harness
# (tests/support/kolla.py, copy_tree) into a *test copy* of kolla's ansible/ tree. It is not kolla's
# module and talks to no container engine: this machine has none.
#
# A "container" is a directory, <node_config_directory>/../kolla-standin/<name>/ on the host, holding
#   fs/       what the container wrote where kolla's set_configs.py writes (etc/glance, etc/kolla,
#             var/log/kolla, var/lib/glance, run_command, ...): its writable layer;
#   params.json   the parameters it was (re)created with;
#   restarts  one line per (re)start, the counter the tests read.
# Its config comes from the volume kolla mounts at /var/lib/kolla/config_files, i.e. the host's
# {{ node_config_directory }}/<service>/.
#
#   compare_container              changed when the container never started, when image, volumes,
#                                  environment, privileged, dimensions or healthcheck differ from
#                                  params.json, or when kolla's own `kolla_set_configs --check` (run
#                                  as in the container) exits 1: exactly kolla's exit-code contract.
#   recreate_or_restart_container, start_container, restart_container
#                                  append a line to `restarts` and run kolla's set_configs.py with
#                                  KOLLA_CONFIG_STRATEGY=COPY_ALWAYS, as the container's start does.
#   anything else                  a no-op that reports ok.
#
# set_configs.py uses absolute container paths, so it runs in a private mount namespace
# (unshare -m, root only): an overlay whose lower layer is the host's / and whose upper layer is a
# throw-away tmpfs, with the container's fs/ directories and the config directory (read-only)
# bind-mounted at their container paths, kolla's users (kolla 42400, glance 42415, fluentd 42474)
# added to the overlay's /etc/passwd and /etc/group, then chroot. Nothing is written on the host
# outside the container's directory.
#
# tests/support/glance_container.py starts a glance_api stand-in that really runs Glance with this
# same script and namespace_command(), through three optional hooks (empty for this module):
#   NS_IMAGE    a directory copied into the overlay's root first (the image's files: kolla_start,
#               sudoers, ...), so they exist only in the throw-away upper layer, like an image layer;
#   NS_VOLUMES  "host:container[:ro]" lines bind-mounted after the container's own directories
#               (kolla's volumes: the glance volume at /var/lib/glance, kolla_logs, the venv);
#   NS_PROC     non-empty: /sys and a fresh /proc as well, for a long-running service.
import json
import os
import subprocess
import sys
import tempfile
import time

from ansible.module_utils import basic

SET_CONFIGS = "@SET_CONFIGS@"  # filled in by tests/support/kolla.py when it installs the stand-in
CONFIG_MOUNT = "/var/lib/kolla/config_files"
PERSISTENT_DIRS = ("etc/glance", "etc/kolla", "etc/ceph", "var/log/kolla", "var/lib/glance",
                   "var/lib/kolla/share")
PERSISTENT_FILES = ("run_command", "configured")
COMPARED = ("image", "volumes", "environment", "privileged", "dimensions", "healthcheck")
STARTS = ("recreate_or_restart_container", "start_container", "restart_container")
# kolla/common/users.py of the kolla 23.0.0 image builder
PASSWD = ("kolla:x:42400:42400::/home/kolla:/usr/sbin/nologin\n"
          "glance:x:42415:42415::/var/lib/glance:/usr/sbin/nologin\n"
          "fluentd:x:42474:42474::/home/fluentd:/usr/sbin/nologin\n")
GROUP = "kolla:x:42400:glance,fluentd\nglance:x:42415:\nfluentd:x:42474:\n"

NAMESPACE_SCRIPT = r'''
set -eu
t=$1 state=$2 config=$3 set_configs=$4; shift 4
mount -t tmpfs standin "$t"
mkdir "$t/upper" "$t/work" "$t/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$t/upper,workdir=$t/work" "$t/root"
r=$t/root
mount --bind /dev "$r/dev"
if [ -n "${NS_PROC:-}" ]; then mount --rbind /sys "$r/sys"; mount -t proc proc "$r/proc"; fi
if [ -n "${NS_IMAGE:-}" ]; then cp -a "$NS_IMAGE/." "$r/"; fi
for p in "$PYPREFIX" "$PYBASE"; do mkdir -p "$r$p"; mount --rbind "$p" "$r$p"; done
for d in $PERSISTENT_DIRS; do
    mkdir -p "$state/fs/$d" "$r/$d"; mount --bind "$state/fs/$d" "$r/$d"
done
for f in $PERSISTENT_FILES; do
    [ -e "$state/fs/$f" ] && { touch "$r/$f"; mount --bind "$state/fs/$f" "$r/$f"; }
done
printf '%s\n' "${NS_VOLUMES:-}" | while IFS= read -r v; do
    [ -n "$v" ] || continue
    src=${v%%:*}; rest=${v#*:}; dst=${rest%%:*}; opt=${rest#"$dst"}
    mkdir -p "$r$dst"; mount --bind "$src" "$r$dst"
    if [ "$opt" = ":ro" ]; then mount -o remount,bind,ro "$r$dst"; fi
done
mkdir -p "$r/var/lib/kolla/config_files"
mount --bind "$config" "$r/var/lib/kolla/config_files"
mount -o remount,bind,ro "$r/var/lib/kolla/config_files"
mkdir -p "$r/usr/local/bin"
cp "$set_configs" "$r/usr/local/bin/kolla_set_configs"
printf '%s' "$PASSWD_LINES" >> "$r/etc/passwd"
printf '%s' "$GROUP_LINES" >> "$r/etc/group"
# as useradd leaves them: PAM's account check (sudo in kolla_start) needs a shadow entry
printf '%s' "$PASSWD_LINES" | sed 's/:.*/:*:20000:0:99999:7:::/' >> "$r/etc/shadow"
set +e
chroot "$r" env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ "$@"
rc=$?
# /run_command and /configured appear when set_configs first writes them: keep them
for f in $PERSISTENT_FILES; do
    [ -e "$state/fs/$f" ] || { [ -e "$r/$f" ] && cp -p "$r/$f" "$state/fs/$f"; }
done
exit $rc
'''


def config_source(volumes):
    for volume in volumes or ():
        parts = str(volume).split(":")
        if len(parts) >= 2 and parts[1].rstrip("/") == CONFIG_MOUNT:
            return parts[0]
    return None


def normalized(params):
    result = {}
    for key in COMPARED:
        value = params.get(key)
        if key == "volumes" and value is not None:
            value = [v for v in value if v]
        if value is not None:
            result[key] = value
    return result


def namespace_command(scratch, state, config, set_configs, command, image=None, volumes=(), proc=False):
    """argv and environment that run `command` chrooted into the stand-in container's namespace.

    `scratch` is an empty directory (the tmpfs holding the overlay is mounted on it, in the private
    namespace only), `state` the container directory, `config` the host directory mounted read-only
    at /var/lib/kolla/config_files, `set_configs` kolla's set_configs.py. See NS_* above.
    """
    if os.geteuid() != 0:
        raise RuntimeError("the kolla_container stand-in runs in a private mount namespace, which needs root")
    env = dict(os.environ, PERSISTENT_DIRS=" ".join(PERSISTENT_DIRS),
               PERSISTENT_FILES=" ".join(PERSISTENT_FILES), PASSWD_LINES=PASSWD, GROUP_LINES=GROUP,
               PYPREFIX=os.path.realpath(sys.prefix), PYBASE=os.path.realpath(sys.base_prefix),
               NS_IMAGE=image or "", NS_VOLUMES="\n".join(volumes), NS_PROC="1" if proc else "")
    argv = ["unshare", "--mount", "--propagation", "private", "sh", "-c", NAMESPACE_SCRIPT, "sh",
            scratch, state, config, set_configs, *command]
    return argv, env


def run_set_configs(state, config, *args, strategy=None):
    command = [sys.executable, "/usr/local/bin/kolla_set_configs", *args]
    if strategy:
        command[:0] = [f"KOLLA_CONFIG_STRATEGY={strategy}"]
    scratch = tempfile.mkdtemp(prefix="kolla-standin-")
    try:
        argv, env = namespace_command(scratch, state, config, SET_CONFIGS, command)
        return subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    finally:
        os.rmdir(scratch)


def main():
    raw = basic._load_params()
    spec = {key: {"type": "raw"} for key in raw if not key.startswith("_ansible")}
    module = basic.AnsibleModule(argument_spec=spec, supports_check_mode=True)
    params = module.params
    action = params.get("action")
    name = params.get("name")
    config = config_source(params.get("volumes"))
    result = {"changed": False, "standin": True, "action": action}
    if not name or not config:
        module.exit_json(**result)
    config = config.rstrip("/")
    state = os.path.join(os.path.dirname(os.path.dirname(config)), "kolla-standin", name)
    started = os.path.join(state, "params.json")

    if action == "compare_container":
        if not os.path.exists(started):
            result.update(changed=True, standin_reason="container does not exist")
            module.exit_json(**result)
        with open(started) as f:
            before = json.load(f)
        now = normalized(params)
        differ = sorted(key for key in now if key in before and before[key] != now[key])
        if differ:
            result.update(changed=True, standin_reason="parameters differ: " + ", ".join(differ))
            module.exit_json(**result)
        check = run_set_configs(state, config, "--check")
        if check.returncode == 0:
            module.exit_json(**result)
        if check.returncode == 1:
            result.update(changed=True, standin_reason="kolla_set_configs --check exited 1",
                          config_diff=check.stdout)
            module.exit_json(**result)
        module.fail_json(msg="Failed to compare container configuration: ExitCode: %s Message: %s"
                         % (check.returncode, check.stdout), **result)

    if action in STARTS:
        result["changed"] = True
        if module.check_mode:
            module.exit_json(**result)
        os.makedirs(os.path.join(state, "fs"), exist_ok=True)
        start = run_set_configs(state, config, strategy="COPY_ALWAYS")
        result["set_configs_output"] = start.stdout
        if start.returncode != 0:
            module.fail_json(msg="kolla_set_configs (COPY_ALWAYS) failed in the stand-in container "
                             "%s: exit %s" % (name, start.returncode), **result)
        with open(os.path.join(state, "restarts"), "a") as f:
            f.write("%s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), action))
        with open(started, "w") as f:
            json.dump(normalized(params), f, indent=1, sort_keys=True)
        module.exit_json(**result)

    module.exit_json(**result)


if __name__ == "__main__":
    main()
