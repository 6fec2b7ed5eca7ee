"""Offline checks of deploy/kubernetes/ (no cluster, no helm needed).

    .venv/bin/python deploy/kubernetes/check_values.py [roster-values.yaml]

1. Every YAML file here parses (``yaml.safe_load_all``).
2. Every key path of values.yaml (and of a generated roster-values.yaml, if given) is one the
   Zero to JupyterHub chart's schema declares. The list below was transcribed by hand from
   ``jupyterhub/values.schema.yaml`` of jupyterhub/zero-to-jupyterhub-k8s (commit 02dd73df,
   a 3.x/4.x schema: it documents 3.0.0 changes); it covers only the keys used here. Below a
   pass-through key (``hub.config``, ``hub.extraConfig``, ``custom``, k8s-native objects) the
   chart checks nothing, and neither does this.
3. The per-role Jupyter server and lab page config in jupyter-config/ equals what
   deploy/jupyterhub/setup.sh writes for one machine (its here-documents), so the two
   deployments give each role the same extensions.
4. hub.extraConfig compiles as Python; given a roster-values.yaml, it also runs (with a
   stand-in ``c`` and ``get_config``) and gives a student and the instructor the uid,
   groups, role config and volumes they should get.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SETUP = HERE.parent / "jupyterhub" / "setup.sh"

# Key paths the schema declares (properties), for the sections used here.
SCHEMA_KEYS = {
    "hub", "hub.config", "hub.extraConfig", "hub.loadRoles", "hub.concurrentSpawnLimit",
    "hub.consecutiveFailureLimit", "hub.activeServerLimit", "hub.resources", "hub.db",
    "hub.db.type", "hub.db.pvc", "hub.db.pvc.storage", "hub.extraEnv",
    "hub.networkPolicy", "hub.networkPolicy.enabled",
    "proxy", "proxy.chp", "proxy.chp.resources", "proxy.https", "proxy.https.enabled",
    "proxy.https.type", "proxy.https.hosts", "proxy.https.letsencrypt",
    "proxy.https.letsencrypt.contactEmail", "proxy.service", "proxy.service.type",
    "singleuser", "singleuser.image", "singleuser.image.name", "singleuser.image.tag",
    "singleuser.image.pullPolicy", "singleuser.cpu", "singleuser.cpu.limit",
    "singleuser.cpu.guarantee", "singleuser.memory", "singleuser.memory.limit",
    "singleuser.memory.guarantee", "singleuser.storage", "singleuser.storage.type",
    "singleuser.storage.capacity", "singleuser.storage.homeMountPath",
    "singleuser.storage.dynamic", "singleuser.storage.dynamic.storageClass",
    "singleuser.storage.extraVolumes", "singleuser.storage.extraVolumeMounts",
    "singleuser.defaultUrl", "singleuser.startTimeout", "singleuser.cmd",
    "singleuser.uid", "singleuser.fsGid", "singleuser.allowPrivilegeEscalation",
    "singleuser.extraFiles", "singleuser.extraEnv", "singleuser.networkPolicy",
    "singleuser.networkPolicy.enabled", "singleuser.networkPolicy.egressAllowRules",
    "singleuser.networkPolicy.egressAllowRules.privateIPs",
    "singleuser.networkPolicy.egressAllowRules.nonPrivateIPs",
    "singleuser.cloudMetadata", "singleuser.cloudMetadata.blockWithIptables",
    "singleuser.extraPodConfig",
    "cull", "cull.enabled", "cull.users", "cull.adminUsers", "cull.removeNamedServers",
    "cull.timeout", "cull.every", "cull.concurrency", "cull.maxAge",
    "scheduling", "scheduling.userScheduler", "scheduling.userScheduler.enabled",
    "scheduling.podPriority", "scheduling.podPriority.enabled",
    "scheduling.userPlaceholder", "scheduling.userPlaceholder.enabled",
    "scheduling.userPlaceholder.replicas", "scheduling.corePods",
    "scheduling.corePods.nodeAffinity", "scheduling.corePods.nodeAffinity.matchNodePurpose",
    "scheduling.userPods", "scheduling.userPods.nodeAffinity",
    "scheduling.userPods.nodeAffinity.matchNodePurpose",
    "prePuller", "prePuller.hook", "prePuller.hook.enabled", "prePuller.continuous",
    "prePuller.continuous.enabled",
    "custom",
}
# Objects whose content the chart passes through unchecked (additionalProperties: true, or
# k8s-native arrays and objects), and the extraFiles map (any file key; its fields below).
PASSTHROUGH = {"hub.config", "hub.extraConfig", "hub.loadRoles", "hub.resources",
               "hub.extraEnv", "proxy.chp.resources", "singleuser.storage.extraVolumes",
               "singleuser.storage.extraVolumeMounts", "singleuser.extraEnv",
               "singleuser.extraPodConfig", "custom", "proxy.https.hosts"}
EXTRA_FILE_FIELDS = {"mountPath", "data", "stringData", "binaryData", "mode"}


def key_paths(node, prefix=""):
    if prefix in PASSTHROUGH or not isinstance(node, dict):
        return
    for k, v in node.items():
        path = f"{prefix}.{k}" if prefix else str(k)
        if prefix == "singleuser.extraFiles":   # <file key>: {mountPath, stringData, ...}
            for field in v:
                if field not in EXTRA_FILE_FIELDS:
                    yield f"{path}.{field}"
            continue
        yield path
        yield from key_paths(v, path)


def heredocs(text: str) -> list[dict]:
    """The JSON here-documents of setup.sh, in order."""
    return [json.loads(m) for m in re.findall(r"<<'EOF'\n(.*?)\nEOF\n", text, re.S)
            if m.lstrip().startswith("{")]


def run_extra_config(values: dict, roster_values: dict) -> list[str]:
    """Run hub.extraConfig as the chart would (``c``, ``get_config``) against a generated
    roster and check what it gives a student's and the instructor's spawner."""
    from types import SimpleNamespace

    from traitlets.config import Config

    custom = roster_values["custom"]

    def get_config(key, default=None):
        section, _, name = key.partition(".")
        return custom.get(name, default) if section == "custom" else default

    c = Config()
    for code in values["hub"]["extraConfig"].values():
        exec(compile(code, "hub.extraConfig", "exec"), {"c": c, "get_config": get_config})
    groups = c.JupyterHub.load_groups
    problems = []

    def spawner(name):
        member = [SimpleNamespace(name=g) for g, v in groups.items() if name in v["users"]]
        return SimpleNamespace(user=SimpleNamespace(name=name, groups=member),
                               environment={"X": "1"}, volumes=[], volume_mounts=[])

    instructor = next(r["name"] for r in custom["roster"] if r["uid"] == custom["instructorUid"])
    student = next(r["name"] for r in custom["roster"] if r["name"] not in custom["staff"])
    for name, role, mounts in ((student, "student", 0), (instructor, "staff", 1)):
        sp = spawner(name)
        c.KubeSpawner.pre_spawn_hook(sp)
        uid = next(r["uid"] for r in custom["roster"] if r["name"] == name)
        got = (c.KubeSpawner.uid(sp), c.KubeSpawner.gid(sp), c.KubeSpawner.supplemental_gids(sp),
               sp.environment.get("JUPYTER_CONFIG_PATH"), len(sp.volume_mounts))
        want = (uid, uid, [custom["staffGid"]] if role == "staff" else [],
                f"/etc/jupyter-{role}", mounts)
        if got != want or sp.environment.get("X") != "1":
            problems.append(f"hub.extraConfig for {role} {name}: got {got}, want {want}")
    if not problems:
        print(f"hub.extraConfig: {len(c.Authenticator.allowed_users)} allowed users; a student "
              "gets their uid, no staff group, the student config, no course volume; the "
              "instructor the staff group, staff config and the course volume")
    return problems


def main(argv: list[str]) -> int:
    problems = []
    docs = {}
    for f in sorted(HERE.glob("*.yaml")) + [Path(a) for a in argv]:
        try:
            docs[f.name] = list(yaml.safe_load_all(f.read_text()))
        except yaml.YAMLError as exc:
            problems.append(f"{f.name}: does not parse: {exc}")
    print(f"parsed: {', '.join(f'{k} ({len(v)} document(s))' for k, v in docs.items())}")

    values_files = ["values.yaml"] + [Path(a).name for a in argv]
    checked = 0
    for name in values_files:
        for doc in docs.get(name, []):
            for path in key_paths(doc or {}):
                checked += 1
                if path not in SCHEMA_KEYS:
                    problems.append(f"{name}: {path} is not a key this check knows from the "
                                    "chart's schema")
    print(f"schema keys checked: {checked} in {', '.join(values_files)}")

    values = docs["values.yaml"][0]
    for name, code in values["hub"]["extraConfig"].items():
        try:
            compile(code, f"hub.extraConfig.{name}", "exec")
        except SyntaxError as exc:
            problems.append(f"hub.extraConfig.{name}: {exc}")

    if len(argv) == 1 and not problems:
        problems += run_extra_config(values, docs[Path(argv[0]).name][0])

    want = heredocs(SETUP.read_text())   # student server, student page, staff server, staff page
    have = [json.loads((HERE / "jupyter-config" / role / f).read_text())
            for role in ("student", "staff")
            for f in ("jupyter_server_config.json", "labconfig/page_config.json")]
    if len(want) != 4:
        problems.append(f"setup.sh: expected 4 JSON here-documents, found {len(want)}")
    elif want != have:
        problems.append("jupyter-config/ differs from what deploy/jupyterhub/setup.sh writes")
    else:
        print("jupyter-config/ matches deploy/jupyterhub/setup.sh (both roles)")

    for p in problems:
        print("PROBLEM:", p)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
