#!/usr/bin/env python3
"""The node of mmb's test cluster: a one-node K3s as its API server, scheduler, kubelet and containerd would keep it.

apiserver.py (beside this file) serves the API over HTTP to the real kubectl; this module holds what it serves and
what the node does: the state folder (pods, the watch journal, logs), admission and defaulting of Pods, the cluster's
objects (namespaces, the node with its images, RuntimeClasses), and the kubelet (`cluster.py __kubelet NS NAME UID`,
one process per pod) that runs each pod's container for real, in a real cgroup laid out as K3s's kubelet and
containerd (or a runwasi shim) lay it out, and writes the pod's status back. See README.md. Standard library only.
"""
import errno
import fcntl
import hashlib
import json
import os
import random
import re
import select
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from fractions import Fraction

# ----------------------------------------------------------------------------------------------------------------------
# versions: K3s ships the kubelet, API server and kubectl of one Kubernetes version (MMB_STANDIN_K8S_VERSION)

GIT_VERSION = os.environ.get("MMB_STANDIN_K8S_VERSION") or "v1.32.5+k3s1"
CONTAINERD_VERSION = "containerd://1.7.23-k3s2"

HERE = os.path.dirname(os.path.abspath(__file__))


class Exit(Exception):
    """Ends the command: message to stderr (if any) and exit code."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.message = message
        self.code = code


def standin_unsupported(what):
    raise ApiError(400, "BadRequest", "the API server stand-in does not model: " + what)


class ApiError(Exception):
    """An API error, sent as a Status object (what kubectl turns into "Error from server (Reason): ...")."""

    def __init__(self, code, reason, message, details=None):
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details

    def status(self):
        s = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": self.message,
             "reason": self.reason, "code": self.code}
        if self.details is not None:
            s["details"] = self.details
        return s


# ----------------------------------------------------------------------------------------------------------------------
# configuration from the environment

def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [x.strip() for x in raw.split(",") if x.strip()]


KNOWN_FAULTS = {"unreachable", "api-lost-at-pod", "flaky", "watch-timeout", "logs-cut", "slow-start", "never-start",
                "missing-image", "exit", "oom", "runwasi-misplaced"}


class Config:
    def __init__(self):
        tmp = os.environ.get("TMPDIR") or "/tmp"
        self.state = os.environ.get("MMB_STANDIN_STATE") or os.path.join(tmp, "mmb-test-cluster")
        self.build = os.environ.get("MMB_STANDIN_BUILD_DIR") or os.path.normpath(os.path.join(HERE, "..", "..", "build"))
        self.images = env_list("MMB_STANDIN_IMAGES", ["mmb-debian", "mmb-static", "mmb-wasm"])
        self.runtimeclasses = env_list("MMB_STANDIN_RUNTIMECLASSES", ["wasmtime", "wasmedge", "wasmer"])
        self.namespaces = ["default", "kube-system", "kube-public", "kube-node-lease"]
        for ns in env_list("MMB_STANDIN_NAMESPACES", []):
            if ns not in self.namespaces:
                self.namespaces.append(ns)
        self.node = os.environ.get("MMB_STANDIN_NODE") or socket.gethostname()
        self.faults = {}
        for item in env_list("MMB_STANDIN_FAULTS", []):
            key, _, value = item.partition("=")
            if key.strip() not in KNOWN_FAULTS:
                raise Exit("error: the test cluster: MMB_STANDIN_FAULTS has an unknown fault %r; known: %s (tests/k8s/README.md)"
                           % (key.strip(), ", ".join(sorted(KNOWN_FAULTS))), 2)
            self.faults[key.strip()] = value.strip()
        driver = os.environ.get("MMB_STANDIN_CGROUP_DRIVER")
        if driver:
            self.driver = driver
        else:
            # a runwasi <= 0.5 shim misplaces cgroups only when the kubelet uses systemd: the fault implies it
            self.driver = "systemd" if "runwasi-misplaced" in self.faults else "cgroupfs"
        if self.driver not in ("cgroupfs", "systemd"):
            raise Exit("error: the test cluster: MMB_STANDIN_CGROUP_DRIVER must be cgroupfs or systemd")

    def fault_float(self, name, default=None):
        if name not in self.faults:
            return default
        try:
            return float(self.faults[name])
        except ValueError:
            raise Exit("error: the test cluster: fault %s needs a number, got %r" % (name, self.faults[name]))

    def artifact(self, image_repo_base):
        return "mmb.wasm" if image_repo_base == "mmb-wasm" else image_repo_base


CFG = None  # set in main()


# ----------------------------------------------------------------------------------------------------------------------
# time and JSON as the API server and kubectl print them

def api_time(t=None):
    """metav1.Time: whole seconds, RFC 3339, UTC."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if t is None else t))


def rfc3339nano(ns):
    """Go's time.RFC3339Nano in UTC (trailing zeros of the fraction dropped), as containerd's CRI logger writes."""
    sec, frac = divmod(ns, 1_000_000_000)
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))
    if frac:
        base += "." + ("%09d" % frac).rstrip("0")
    return base + "Z"


def rfc3339nano_fixed(ts):
    """Kubelet's RFC3339NanoFixed for `--timestamps`: always 9 fractional digits."""
    m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$", ts)
    if not m:
        return ts
    return "%s.%s%s" % (m.group(1), (m.group(2) or "").ljust(9, "0"), m.group(3))


def go_json(obj, indent=None, sort_keys=True):
    """encoding/json output: HTML-safe escapes, UTF-8 kept, sorted map keys (unstructured objects are maps)."""
    if indent:
        s = json.dumps(obj, indent=indent, sort_keys=sort_keys, ensure_ascii=False)
    else:
        s = json.dumps(obj, separators=(",", ":"), sort_keys=sort_keys, ensure_ascii=False)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# ----------------------------------------------------------------------------------------------------------------------
# quantities (k8s.io/apimachinery/pkg/api/resource)

QUANTITY_RE = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
QUANTITY_ERR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
BIN_SUFFIX = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
DEC_SUFFIX = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}


class Quantity:
    def __init__(self, text):
        if not isinstance(text, (str, int, float)) or isinstance(text, bool):
            raise ValueError(QUANTITY_ERR)
        s = str(text) if not isinstance(text, float) else repr(text)
        m = QUANTITY_RE.match(s)
        if not m or not re.fullmatch(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)", m.group(1)):
            raise ValueError(QUANTITY_ERR)
        num, suffix = m.group(1), m.group(2)
        value = Fraction(num)
        if suffix in BIN_SUFFIX:
            self.format = "BinarySI"
            value *= Fraction(1024) ** BIN_SUFFIX[suffix]
        elif suffix in DEC_SUFFIX:
            self.format = "DecimalSI"
            value *= Fraction(10) ** DEC_SUFFIX[suffix]
        elif re.fullmatch(r"[eE][-+]?[0-9]+", suffix):
            self.format = "DecimalExponent"
            value *= Fraction(10) ** int(suffix[1:])
        else:
            raise ValueError(QUANTITY_ERR)
        # the API keeps nano precision, rounding up
        scaled = value * 1_000_000_000
        if scaled.denominator != 1:
            scaled = Fraction(-((-scaled.numerator) // scaled.denominator))
        self.value = scaled / 1_000_000_000

    def milli(self):
        v = self.value * 1000
        return -((-v.numerator) // v.denominator)  # ceil, like MilliValue()

    def integer(self):
        v = self.value
        return -((-v.numerator) // v.denominator)  # ceil, like Value()

    def canonical(self):
        v, fmt = self.value, self.format
        if fmt == "BinarySI" and (-1024 < v < 1024 or v.denominator != 1):
            fmt = "DecimalSI"
        if v == 0:
            return "0"
        sign = "-" if v < 0 else ""
        a = abs(v)
        if fmt == "BinarySI":
            n, exp = int(a), 0
            while exp < 6 and n % 1024 == 0:
                n //= 1024
                exp += 1
            return sign + str(n) + {0: "", 1: "Ki", 2: "Mi", 3: "Gi", 4: "Ti", 5: "Pi", 6: "Ei"}[exp]
        # decimal: integer mantissa, exponent a multiple of 3, as large as possible
        exp = -9
        mant = a * Fraction(10) ** 9
        while exp < 18 and mant % 1000 == 0 and mant != 0:
            mant /= 1000
            exp += 3
        mant = int(mant)
        if fmt == "DecimalExponent":
            return sign + str(mant) + ("" if exp == 0 else "e%d" % exp)
        return sign + str(mant) + {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}[exp]


# ----------------------------------------------------------------------------------------------------------------------
# validation texts (k8s.io/apimachinery/pkg/util/validation)

DNS1123_SUBDOMAIN_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1123_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                         "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                         "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
DNS1123_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                     "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
                     "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")


def qjson(value):
    """Go %q-ish quoting of a value in a validation message."""
    return json.dumps(value if isinstance(value, str) else str(value), ensure_ascii=False)


def invalid_error(kind, name, causes):
    """An Invalid StatusError: kubectl prints it from details.causes as `The Pod "x" is invalid: FIELD: MESSAGE`."""
    seen, msgs = set(), []
    for c in causes:
        if c not in seen:
            seen.add(c)
            msgs.append(c)
    items = []
    for m in msgs:
        field, _, message = m.partition(": ")
        reason = {"Required": "FieldValueRequired", "Unsupported": "FieldValueNotSupported"}.get(
            message.split(" ", 1)[0], "FieldValueInvalid")
        items.append({"reason": reason, "message": message, "field": field})
    text = "%s %s is invalid: %s" % (kind, qjson(name), msgs[0] if len(msgs) == 1 else "[" + ", ".join(msgs) + "]")
    return ApiError(422, "Invalid", text, {"name": name, "kind": kind, "causes": items})


# ----------------------------------------------------------------------------------------------------------------------
# the state folder: objects, the watch journal, counters

class Store:
    def __init__(self, root):
        self.root = root
        for d in ("pods", "events", "runtime", "logs"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        self._held = threading.local()

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    # one lock for every read-modify-write of the store, across processes (flock) and the API server's threads
    def __enter__(self):
        fds = self._held.__dict__.setdefault("fds", [])
        if fds:                      # re-entered by the same thread: already held
            fds.append(None)
            return self
        fd = os.open(self.path(".lock"), os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        fds.append(fd)
        return self

    def __exit__(self, *exc):
        fd = self._held.fds.pop()
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    @staticmethod
    def write_atomic(path, text):
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, path)

    @staticmethod
    def read_json(path):
        try:
            with open(path) as f:
                return json.load(f)
        except FileNotFoundError:
            return None
        except ValueError:
            return None

    def counter(self, name, start=0):
        """Increments and returns a counter (call under the lock)."""
        p = self.path(name)
        try:
            with open(p) as f:
                n = int(f.read().strip() or start)
        except (FileNotFoundError, ValueError):
            n = start
        n += 1
        self.write_atomic(p, str(n))
        return n

    def cluster(self):
        """Creation time and uids of the objects that exist with the cluster (stable for the state folder)."""
        p = self.path("cluster.json")
        c = self.read_json(p)
        if c is None:
            with self:
                c = self.read_json(p)
                if c is None:
                    c = {"created": api_time(), "uids": {}}
                    self.write_atomic(p, go_json(c))
        return c

    def cluster_uid(self, key):
        c = self.cluster()
        if key not in c["uids"]:
            with self:
                c = self.read_json(self.path("cluster.json"))
                c["uids"].setdefault(key, str(uuid.uuid4()))
                self.write_atomic(self.path("cluster.json"), go_json(c))
        return c["uids"][key]

    def next_rv(self):
        return str(self.counter("rv", 1000))

    # pods
    def pod_path(self, ns, name):
        return self.path("pods", ns, name + ".json")

    def get_pod(self, ns, name):
        return self.read_json(self.pod_path(ns, name))

    def list_pods(self, ns=None):
        res = []
        base = self.path("pods")
        for d in sorted(os.listdir(base)) if ns is None else [ns]:
            dd = os.path.join(base, d)
            if not os.path.isdir(dd):
                continue
            for f in sorted(os.listdir(dd)):
                if f.endswith(".json"):
                    p = self.read_json(os.path.join(dd, f))
                    if p is not None:
                        res.append(p)
        return res

    def journal_path(self, ns):
        return self.path("events", ns + ".jsonl")

    def _journal(self, ns, typ, pod):
        with open(self.journal_path(ns), "a") as f:
            f.write(go_json({"type": typ, "object": pod}) + "\n")

    def put_pod(self, pod, typ):
        """Stores a pod (under the lock) with a new resourceVersion and journals the watch event."""
        pod["metadata"]["resourceVersion"] = self.next_rv()
        ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        os.makedirs(self.path("pods", ns), exist_ok=True)
        self.write_atomic(self.pod_path(ns, name), go_json(pod))
        self._journal(ns, typ, pod)
        return pod

    def remove_pod(self, pod):
        """Removes a pod from the API (under the lock): the watch sees DELETED with the last state."""
        ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        pod["metadata"]["resourceVersion"] = self.next_rv()
        try:
            os.unlink(self.pod_path(ns, name))
        except FileNotFoundError:
            pass
        self._journal(ns, "DELETED", pod)

    def update_pod(self, ns, name, uid, fn):
        """Applies fn(pod) to the stored pod with that uid (under the lock); returns the new pod or None."""
        with self:
            pod = self.get_pod(ns, name)
            if pod is None or pod["metadata"]["uid"] != uid:
                return None
            if fn(pod) is False:
                return pod
            return self.put_pod(pod, "MODIFIED")

    # runtime facts of a pod (what crictl inspect would tell): supervisor, process, cgroups
    def runtime_path(self, uid):
        return self.path("runtime", uid + ".json")

    def get_runtime(self, uid):
        return self.read_json(self.runtime_path(uid)) or {}

    def set_runtime(self, uid, **kv):
        with self:
            r = self.get_runtime(uid)
            r.update(kv)
            self.write_atomic(self.runtime_path(uid), go_json(r, indent=2))


STORE = None


# ----------------------------------------------------------------------------------------------------------------------
# label selectors (k8s.io/apimachinery/pkg/labels)

def parse_selector(text):
    reqs = []
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    for p in parts:
        p = p.strip()
        if not p:
            raise Exit('error: unable to parse requirement: found \'\', expected: identifier')
        m = re.fullmatch(r"([A-Za-z0-9_./-]+)\s+(in|notin)\s+\(([^)]*)\)", p)
        if m:
            vals = {v.strip() for v in m.group(3).split(",") if v.strip()}
            reqs.append((m.group(1), m.group(2), vals))
            continue
        m = re.fullmatch(r"([A-Za-z0-9_./-]+)\s*(==|=|!=)\s*([A-Za-z0-9_.-]*)", p)
        if m:
            reqs.append((m.group(1), "!=" if m.group(2) == "!=" else "=", {m.group(3)}))
            continue
        m = re.fullmatch(r"(!?)\s*([A-Za-z0-9_./-]+)", p)
        if m:
            reqs.append((m.group(2), "!" if m.group(1) else "exists", set()))
            continue
        raise Exit("error: unable to parse requirement: %s" % p)
    return reqs


def selector_matches(reqs, labels):
    labels = labels or {}
    for key, op, vals in reqs:
        have = key in labels
        v = labels.get(key)
        if op == "=" and not (have and v in vals):
            return False
        if op == "!=" and have and v in vals:
            return False
        if op == "in" and not (have and v in vals):
            return False
        if op == "notin" and have and v in vals:
            return False
        if op == "exists" and not have:
            return False
        if op == "!" and have:
            return False
    return True


# ----------------------------------------------------------------------------------------------------------------------
# cluster-scoped objects

def node_ip():
    ip = os.environ.get("MMB_STANDIN_NODE_IP")
    if ip:
        return ip
    try:
        ip = socket.gethostbyname(socket.gethostname())
        if not ip.startswith("127."):
            return ip
    except OSError:
        pass
    try:
        with open("/proc/net/fib_trie") as f:
            lines = f.read().splitlines()
        for idx, line in enumerate(lines):
            if "/32 host LOCAL" in line and idx > 0:
                cand = lines[idx - 1].split()[-1]
                if not cand.startswith("127."):
                    return cand
    except OSError:
        pass
    return "127.0.0.1"


def os_image():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return "Linux"


def namespace_obj(name):
    c = STORE.cluster()
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"creationTimestamp": c["created"], "labels": {"kubernetes.io/metadata.name": name},
                         "name": name, "resourceVersion": str(10 + CFG.namespaces.index(name)),
                         "uid": STORE.cluster_uid("namespace/" + name)},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def runtimeclass_obj(name):
    c = STORE.cluster()
    return {"apiVersion": "node.k8s.io/v1", "handler": name, "kind": "RuntimeClass",
            "metadata": {"creationTimestamp": c["created"], "name": name,
                         "resourceVersion": str(300 + CFG.runtimeclasses.index(name)),
                         "uid": STORE.cluster_uid("runtimeclass/" + name)}}


def meminfo_kib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def node_obj():
    c = STORE.cluster()
    name = CFG.node
    cpus = str(os.cpu_count() or 1)
    mem = "%dKi" % meminfo_kib()
    ip = node_ip()
    try:
        with open("/etc/machine-id") as f:
            machine_id = f.read().strip()
    except OSError:
        machine_id = ""
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            boot_id = f.read().strip()
    except OSError:
        boot_id = ""
    now = api_time()
    conds = []
    for typ, status, reason, msg in [
            ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            ("Ready", "True", "KubeletReady", "kubelet is posting ready status")]:
        conds.append({"lastHeartbeatTime": now, "lastTransitionTime": c["created"], "message": msg,
                      "reason": reason, "status": status, "type": typ})
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "annotations": {"alpha.kubernetes.io/provided-node-ip": ip, "k3s.io/hostname": name,
                            "k3s.io/internal-ip": ip, "node.alpha.kubernetes.io/ttl": "0",
                            "volumes.kubernetes.io/controller-managed-attach-detach": "true"},
            "creationTimestamp": c["created"],
            "finalizers": ["wrangler.cattle.io/node"],
            "labels": {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/instance-type": "k3s",
                       "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                       "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                       "node-role.kubernetes.io/control-plane": "true", "node-role.kubernetes.io/master": "true",
                       "node.kubernetes.io/instance-type": "k3s"},
            "name": name, "resourceVersion": STORE.cluster().get("node_rv", "600"),
            "uid": STORE.cluster_uid("node/" + name)},
        "spec": {"podCIDR": "10.42.0.0/24", "podCIDRs": ["10.42.0.0/24"], "providerID": "k3s://" + name},
        "status": {
            "addresses": [{"address": ip, "type": "InternalIP"}, {"address": name, "type": "Hostname"}],
            "allocatable": {"cpu": cpus, "ephemeral-storage": "0", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                            "memory": mem, "pods": "110"},
            "capacity": {"cpu": cpus, "ephemeral-storage": "0", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                         "memory": mem, "pods": "110"},
            "conditions": conds,
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "images": node_images(),
            "nodeInfo": {"architecture": "amd64", "bootID": boot_id, "containerRuntimeVersion": CONTAINERD_VERSION,
                         "kernelVersion": os.uname().release, "kubeProxyVersion": GIT_VERSION,
                         "kubeletVersion": GIT_VERSION, "machineID": machine_id, "operatingSystem": "linux",
                         "osImage": os_image(), "systemUUID": machine_id}}}


def node_images():
    """status.images as K3s reports images imported with `k3s ctr images import`: the containerd name, the size."""
    if "missing-image" in CFG.faults:
        return []
    images = []
    for base in CFG.images:
        artifact = os.path.join(CFG.build, CFG.artifact(base))
        if os.path.exists(artifact):
            images.append({"names": ["docker.io/library/%s:latest" % base],
                           "sizeBytes": os.path.getsize(artifact)})
    return images


# ----------------------------------------------------------------------------------------------------------------------
# admission: what the API server does with a Pod before it stores it

DEFAULT_TOLERATIONS = [
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300},
]


def random_suffix(n):
    return "".join(random.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(n))


def image_parts(image):
    """-> (normalized reference, repository base name, tag-or-digest, has_digest)."""
    ref = image
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
    last = ref.rsplit("/", 1)[-1]
    tag = None
    if ":" in last:
        ref, tag = ref.rsplit(":", 1)
    repo = ref
    first = repo.split("/", 1)[0]
    if "/" not in repo or not ("." in first or ":" in first or first == "localhost"):
        repo = "docker.io/" + (repo if "/" in repo else "library/" + repo)
    base = repo.rsplit("/", 1)[-1]
    norm = repo + ((":" + tag) if tag else (":latest" if not digest else "")) + (("@" + digest) if digest else "")
    return norm, base, tag, digest is not None


def default_pull_policy(image):
    _, _, tag, has_digest = image_parts(image)
    if has_digest:
        return "IfNotPresent"
    return "Always" if tag in (None, "latest") else "IfNotPresent"


def admit_pod(obj, ns):
    """Decoding, admission, defaulting and validation as the API server does them for a Pod."""
    meta = obj["metadata"]
    spec = obj.get("spec") or {}
    name = meta.get("name") or ""
    if not name and meta.get("generateName"):
        name = meta["generateName"] + random_suffix(5)
    shown = name or meta.get("generateName", "")
    # decoding: quantities must parse
    containers = spec.get("containers") or []
    if spec.get("initContainers") or spec.get("ephemeralContainers"):
        standin_unsupported("init or ephemeral containers")
    if len(containers) > 1:
        standin_unsupported("pods with more than one container")
    parsed_res = []
    for c in containers:
        res = c.get("resources") or {}
        pr = {}
        for kind in ("limits", "requests"):
            for rname, val in (res.get(kind) or {}).items():
                try:
                    pr[(kind, rname)] = Quantity(val)
                except ValueError:
                    raise ApiError(400, "BadRequest", 'Pod in version "v1" cannot be handled as a Pod: %s'
                                   % QUANTITY_ERR)
        parsed_res.append(pr)
    # admission: NamespaceLifecycle, then RuntimeClass
    if ns not in CFG.namespaces:
        raise ApiError(404, "NotFound", 'namespaces "%s" not found' % ns, {"name": ns, "kind": "namespaces"})
    rc = spec.get("runtimeClassName")
    if rc is not None and rc not in CFG.runtimeclasses:
        raise ApiError(403, "Forbidden", 'pods "%s" is forbidden: pod rejected: RuntimeClass "%s" not found'
                       % (shown, rc), {"name": shown, "kind": "pods"})
    # validation
    causes = []
    if not name:
        causes.append("metadata.name: Required value: name or generateName is required")
    elif len(name) > 253:
        causes.append("metadata.name: Invalid value: %s: must be no more than 253 characters" % qjson(name))
    elif not DNS1123_SUBDOMAIN_RE.match(name):
        causes.append("metadata.name: Invalid value: %s: %s" % (qjson(name), DNS1123_SUBDOMAIN_MSG))
    for k, v in (meta.get("labels") or {}).items():
        if not isinstance(v, str) or len(v) > 63 or (v and not re.fullmatch(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?", v)):
            causes.append("metadata.labels: Invalid value: %s: a valid label must be an empty string or consist of "
                          "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                          "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                          "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')" % qjson(v))
    rp = spec.get("restartPolicy", "Always")
    if rp not in ("Always", "OnFailure", "Never"):
        causes.append('spec.restartPolicy: Unsupported value: %s: supported values: "Always", "OnFailure", "Never"'
                      % qjson(rp))
    if not containers:
        causes.append("spec.containers: Required value")
    for i, c in enumerate(containers):
        p = "spec.containers[%d]" % i
        cname = c.get("name") or ""
        if not cname:
            causes.append(p + ".name: Required value")
        elif not DNS1123_LABEL_RE.match(cname) or len(cname) > 63:
            causes.append("%s.name: Invalid value: %s: %s" % (p, qjson(cname), DNS1123_LABEL_MSG))
        if not (c.get("image") or "").strip():
            causes.append(p + ".image: Required value")
        ipp = c.get("imagePullPolicy")
        if ipp is not None and ipp not in ("Always", "IfNotPresent", "Never"):
            causes.append('%s.imagePullPolicy: Unsupported value: %s: supported values: "Always", "IfNotPresent", '
                          '"Never"' % (p, qjson(ipp)))
        pr = parsed_res[i]
        for (kind, rname), q in pr.items():
            if rname not in ("cpu", "memory", "ephemeral-storage") and not rname.startswith("hugepages-") and "/" not in rname:
                causes.append("%s.resources.%s[%s]: Invalid value: %s: must be a standard resource type or fully "
                              "qualified" % (p, kind, rname, qjson(rname)))
            if q.value < 0:
                causes.append("%s.resources.%s[%s]: Invalid value: %s: must be greater than or equal to 0"
                              % (p, kind, rname, qjson(q.canonical())))
        for rname in ("cpu", "memory"):
            req, lim = pr.get(("requests", rname)), pr.get(("limits", rname))
            if req is not None and lim is not None and req.value > lim.value:
                causes.append("%s.resources.requests: Invalid value: %s: must be less than or equal to %s limit of %s"
                              % (p, qjson(req.canonical()), rname, lim.canonical()))
    if causes:
        raise invalid_error("Pod", shown, causes)
    if STORE.get_pod(ns, name) is not None:
        raise ApiError(409, "AlreadyExists", 'pods "%s" already exists' % name, {"name": name, "kind": "pods"})

    # defaulting (pkg/apis/core/v1/defaults.go) and canonical quantities
    pod = json.loads(json.dumps(obj))
    m = pod["metadata"]
    m["name"] = name
    m["namespace"] = ns
    m["uid"] = str(uuid.uuid4())
    for k in ("resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
              "managedFields", "selfLink"):
        m.pop(k, None)
    s = pod.setdefault("spec", {})
    vol = "kube-api-access-" + random_suffix(5)
    for i, c in enumerate(s["containers"]):
        c.setdefault("imagePullPolicy", default_pull_policy(c["image"]))
        c.setdefault("terminationMessagePath", "/dev/termination-log")
        c.setdefault("terminationMessagePolicy", "File")
        res = {}
        pr = parsed_res[i]
        for kind in ("limits", "requests"):
            vals = {rname: q.canonical() for (k2, rname), q in pr.items() if k2 == kind}
            if vals:
                res[kind] = vals
        if "limits" in res:  # requests default to limits
            req = res.setdefault("requests", {})
            for rname, v in res["limits"].items():
                req.setdefault(rname, v)
        c["resources"] = res
        c.setdefault("volumeMounts", []).append({"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                                                "name": vol, "readOnly": True})
    s.setdefault("restartPolicy", "Always")
    s.setdefault("dnsPolicy", "ClusterFirst")
    s.setdefault("enableServiceLinks", True)
    s.setdefault("preemptionPolicy", "PreemptLowerPriority")
    s.setdefault("priority", 0)
    s.setdefault("schedulerName", "default-scheduler")
    s.setdefault("securityContext", {})
    s.setdefault("serviceAccountName", s.get("serviceAccount", "default"))
    s.setdefault("serviceAccount", s["serviceAccountName"])
    s.setdefault("terminationGracePeriodSeconds", 30)
    s.setdefault("tolerations", [])
    s["tolerations"] += [t for t in DEFAULT_TOLERATIONS if t not in s["tolerations"]]
    s.setdefault("volumes", []).append({"name": vol, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                    "path": "namespace"}]}}]}})
    pod["status"] = {"phase": "Pending", "qosClass": qos_class(s["containers"])}
    return pod


def qos_class(containers):
    """pkg/apis/core/helper/qos GetPodQOS for cpu and memory."""
    requests, limits = {}, {}
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req = {k: Quantity(v).value for k, v in (res.get("requests") or {}).items() if k in ("cpu", "memory")}
        lim = {k: Quantity(v).value for k, v in (res.get("limits") or {}).items() if k in ("cpu", "memory")}
        for k, v in req.items():
            if v != 0:
                requests[k] = requests.get(k, 0) + v
        for k, v in lim.items():
            if v != 0:
                limits[k] = limits.get(k, 0) + v
        if set(lim) != {"cpu", "memory"}:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and requests == limits:
        return "Guaranteed"
    return "Burstable"


# ----------------------------------------------------------------------------------------------------------------------
# the kubelet's container logs

def container_status(pod, cname):
    for cs in (pod.get("status") or {}).get("containerStatuses") or []:
        if cs["name"] == cname:
            return cs
    return None


def log_file_for(pod, cname, restart):
    m = pod["metadata"]
    return STORE.path("logs", "%s_%s_%s" % (m["namespace"], m["name"], m["uid"]), cname, "%d.log" % restart)


# ----------------------------------------------------------------------------------------------------------------------
# deletion: the API server's side of DELETE


def request_deletion(ns, name, grace):
    """The API server's side of DELETE: graceful (deletionTimestamp) or immediate. Returns the uid or None."""
    with STORE:
        pod = STORE.get_pod(ns, name)
        if pod is None:
            return None
        uid = pod["metadata"]["uid"]
        if grace < 0:
            grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
        phase = pod["status"].get("phase")
        immediate = (grace == 0 or not pod["spec"].get("nodeName") or phase in ("Succeeded", "Failed"))
        if "deletionTimestamp" in pod["metadata"]:
            # already terminating: a shorter grace period may be given
            old = pod["metadata"].get("deletionGracePeriodSeconds", 0)
            if not immediate and grace >= old:
                return uid
        if immediate:
            pod["metadata"]["deletionTimestamp"] = api_time()
            pod["metadata"]["deletionGracePeriodSeconds"] = 0
            STORE.remove_pod(pod)
        else:
            pod["metadata"]["deletionTimestamp"] = api_time(time.time() + grace)
            pod["metadata"]["deletionGracePeriodSeconds"] = grace
            STORE.put_pod(pod, "MODIFIED")
    if not supervisor_alive(uid):
        # no kubelet works on this pod (another node, or its supervisor is gone): finish here
        finish_without_supervisor(pod)
    return uid


def proc_start_time(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
        return data.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def supervisor_alive(uid):
    r = STORE.get_runtime(uid)
    pid, start = r.get("supervisor_pid"), r.get("supervisor_start")
    return bool(pid) and proc_start_time(pid) == start


def finish_without_supervisor(pod):
    uid = pod["metadata"]["uid"]
    r = STORE.get_runtime(uid)
    wpid, wstart = r.get("workload_pid"), r.get("workload_start")
    if wpid and proc_start_time(wpid) == wstart:
        try:
            os.kill(wpid, signal.SIGKILL)
        except OSError:
            pass
    for d in r.get("container_cgroups", []) + r.get("sandbox_cgroups", []) + r.get("pod_cgroups", []):
        rmdir_retry(d, tries=20)
    with STORE:
        cur = STORE.get_pod(pod["metadata"]["namespace"], pod["metadata"]["name"])
        if cur is not None and cur["metadata"]["uid"] == uid:
            STORE.remove_pod(cur)
    remove_logs(pod)
    try:
        os.unlink(STORE.runtime_path(uid))
    except FileNotFoundError:
        pass


def remove_logs(pod):
    m = pod["metadata"]
    d = STORE.path("logs", "%s_%s_%s" % (m["namespace"], m["name"], m["uid"]))
    for root, dirs, files in os.walk(d, topdown=False):
        for f in files:
            try:
                os.unlink(os.path.join(root, f))
            except OSError:
                pass
        for dd in dirs:
            try:
                os.rmdir(os.path.join(root, dd))
            except OSError:
                pass
    try:
        os.rmdir(d)
    except OSError:
        pass


# ----------------------------------------------------------------------------------------------------------------------
# cgroups, laid out as K3s's kubelet (pod) and containerd/runc or a runwasi shim (container) do

V1_CONTROLLERS = ("cpu", "cpuacct", "memory", "pids")


def cgroup_hierarchies():
    """-> ("v1", [mountpoints of cpu, cpuacct, memory, pids (deduplicated)]) or ("v2", [mountpoint])."""
    v1, v2 = {}, None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields, rfields = left.split(), right.split()
            if len(fields) < 5 or len(rfields) < 3:
                continue
            mountpoint = fields[4].replace("\\040", " ")
            fstype, superopts = rfields[0], rfields[2].split(",")
            if fstype == "cgroup":
                for c in V1_CONTROLLERS:
                    if c in superopts and c not in v1:
                        v1[c] = mountpoint
            elif fstype == "cgroup2" and v2 is None:
                v2 = mountpoint
    forced = os.environ.get("MMB_STANDIN_CGROUP_VERSION", "")
    if forced == "v2" and v2:
        return "v2", [v2]  # test hook: the v2 code path on a hybrid host's unified hierarchy
    if ("cpu" in v1 or "memory" in v1) and forced != "v2":
        mps = []
        for c in V1_CONTROLLERS:
            if c in v1 and v1[c] not in mps:
                mps.append(v1[c])
        return "v1", mps
    if v2:
        return "v2", [v2]
    raise OSError(errno.ENOENT, "no cgroup hierarchy is mounted")


def pod_cgroup_parts(qos, uid):
    """Relative path (as a list) of the pod cgroup for the kubelet's driver."""
    if CFG.driver == "cgroupfs":
        base = ["kubepods"] if qos == "Guaranteed" else ["kubepods", qos.lower()]
        return base + ["pod" + uid]
    u = uid.replace("-", "_")
    if qos == "Guaranteed":
        return ["kubepods.slice", "kubepods-pod%s.slice" % u]
    q = qos.lower()
    return ["kubepods.slice", "kubepods-%s.slice" % q, "kubepods-%s-pod%s.slice" % (q, u)]


def container_cgroup_parts(qos, uid, cid, misplaced):
    if misplaced:
        # runwasi <= 0.5 (cgroupfs inside the shim) takes the systemd cgroupsPath literally
        u = uid.replace("-", "_")
        slice_ = ("kubepods-pod%s.slice" % u) if qos == "Guaranteed" else ("kubepods-%s-pod%s.slice" % (qos.lower(), u))
        return ["%s:cri-containerd:%s" % (slice_, cid)]
    pod = pod_cgroup_parts(qos, uid)
    if CFG.driver == "cgroupfs":
        return pod + [cid]
    return pod + ["cri-containerd-%s.scope" % cid]


def write_cg(path, fname, value):
    p = os.path.join(path, fname)
    if os.path.exists(p):
        with open(p, "w") as f:
            f.write(value)


def enable_v2_controllers(mount, parts):
    """cgroup v2: each parent delegates cpu, memory and pids to its children."""
    cur = mount
    for part in parts:
        try:
            with open(os.path.join(cur, "cgroup.controllers")) as f:
                avail = f.read().split()
            with open(os.path.join(cur, "cgroup.subtree_control")) as f:
                enabled = f.read().split()
            want = [c for c in ("cpu", "memory", "pids") if c in avail and c not in enabled]
            if want:
                with open(os.path.join(cur, "cgroup.subtree_control"), "w") as f:
                    f.write(" ".join("+" + c for c in want))
        except OSError:
            pass
        cur = os.path.join(cur, part)
        os.makedirs(cur, exist_ok=True)


def make_cgroup(parts, limits):
    """Creates the cgroup in every hierarchy; limits: dict(cpu_milli=, memory=, shares=). Returns the paths."""
    version, mounts = cgroup_hierarchies()
    paths = []
    for mount in mounts:
        if version == "v2":
            enable_v2_controllers(mount, parts)
        path = os.path.join(mount, *parts)
        os.makedirs(path, exist_ok=True)
        paths.append(path)
        shares = limits.get("shares")
        cpu_milli = limits.get("cpu_milli")
        mem = limits.get("memory")
        if version == "v1":
            if shares is not None:
                write_cg(path, "cpu.shares", str(shares))
            if cpu_milli is not None:
                write_cg(path, "cpu.cfs_period_us", "100000")
                write_cg(path, "cpu.cfs_quota_us", str(max(1000, cpu_milli * 100000 // 1000)))
            if mem is not None:
                write_cg(path, "memory.limit_in_bytes", str(mem))
        else:
            if shares is not None:
                write_cg(path, "cpu.weight", str(1 + ((shares - 2) * 9999) // 262142))
            if cpu_milli is not None:
                write_cg(path, "cpu.max", "%d 100000" % max(1000, cpu_milli * 100000 // 1000))
            if mem is not None:
                write_cg(path, "memory.max", str(mem))
    return paths


def rmdir_retry(path, tries=50):
    for _ in range(tries):
        try:
            os.rmdir(path)
            return True
        except FileNotFoundError:
            return True
        except OSError as e:
            if e.errno != errno.EBUSY:
                return False
            time.sleep(0.02)
    return False


def oom_kills(paths):
    n = 0
    for p in paths:
        for fname, key in (("memory.oom_control", "oom_kill"), ("memory.events", "oom_kill")):
            try:
                with open(os.path.join(p, fname)) as f:
                    for line in f:
                        k, _, v = line.partition(" ")
                        if k == key:
                            n += int(v)
            except (OSError, ValueError):
                pass
    return n


# ----------------------------------------------------------------------------------------------------------------------
# the pod supervisor (scheduler + kubelet + containerd for one pod), a process of its own

def run_kubelet(ns, name, uid):
    """The kubelet of one pod, started by the API server in a session of its own (apiserver.py start_kubelet)."""
    for sig in (signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    try:
        Supervisor(ns, name, uid).run()
    except Exception:  # noqa: BLE001 - the supervisor must report, not vanish
        traceback.print_exc()
        return 1
    return 0


class Gone(Exception):
    """The pod was removed from the API (forced deletion) while the supervisor worked on it."""


class Supervisor:
    POLL = 0.01

    def __init__(self, ns, name, uid):
        self.ns, self.name, self.uid = ns, name, uid
        STORE.set_runtime(uid, supervisor_pid=os.getpid(), supervisor_start=proc_start_time(os.getpid()))
        self.pod_cgroups = []
        self.sandbox_cgroups = []

    # -- API helpers
    def pod(self):
        p = STORE.get_pod(self.ns, self.name)
        if p is None or p["metadata"]["uid"] != self.uid:
            raise Gone()
        return p

    def update(self, fn):
        p = STORE.update_pod(self.ns, self.name, self.uid, fn)
        if p is None:
            raise Gone()
        return p

    def deleting(self):
        try:
            return "deletionTimestamp" in self.pod()["metadata"]
        except Gone:
            return True

    def sleep(self, seconds):
        """Sleeps, but returns early (True) when the pod is being deleted."""
        end = time.time() + seconds
        while time.time() < end:
            if self.deleting():
                return True
            time.sleep(min(0.02, max(0.0, end - time.time())))
        return self.deleting()

    # -- main
    def run(self):
        try:
            self.lifecycle()
        except Gone:
            pass
        self.teardown()

    def lifecycle(self):
        pod = self.pod()
        spec = pod["spec"]
        if spec.get("nodeName") and spec["nodeName"] != CFG.node:
            return  # bound to another node: that node's kubelet owns it
        # the scheduler binds it
        def bind(p):
            p["spec"]["nodeName"] = CFG.node
            p["status"]["conditions"] = [cond("PodScheduled", "True")]
        if not spec.get("nodeName"):
            pod = self.update(bind)
        else:
            pod = self.update(lambda p: p["status"].__setitem__("conditions", [cond("PodScheduled", "True")]))
        c = pod["spec"]["containers"][0]
        self.cname = c["name"]
        self.qos = pod["status"]["qosClass"]
        self.restart_policy = pod["spec"].get("restartPolicy", "Always")
        ip = node_ip()
        now = api_time()
        self.start_time = now

        def kubelet_sees(p):
            st = p["status"]
            st["hostIP"] = ip
            st["hostIPs"] = [{"ip": ip}]
            st["startTime"] = now
            st["conditions"] = [
                cond("PodReadyToStartContainers", "False"), cond("Initialized", "True"),
                cond("Ready", "False", "ContainersNotReady", "containers with unready status: [%s]" % self.cname),
                cond("ContainersReady", "False", "ContainersNotReady",
                     "containers with unready status: [%s]" % self.cname),
                cond("PodScheduled", "True")]
            st["containerStatuses"] = [self.status_waiting(c, "ContainerCreating", None, 0, {})]
        self.update(kubelet_sees)
        # the pod cgroup and the sandbox (kubelet + containerd), then the log folder
        self.make_pod_cgroup(pod)
        os.makedirs(os.path.dirname(log_file_for(pod, self.cname, 0)), exist_ok=True)
        slow = CFG.fault_float("slow-start", 0.3)
        if "never-start" in CFG.faults:
            slow = float("inf")
        if self.sleep(slow):
            return
        pod_ip = "10.42.0.%d" % (2 + (STORE_counter("pod-ip") % 250))

        def sandbox_ready(p):
            st = p["status"]
            set_cond(st, "PodReadyToStartContainers", "True")
            st["podIP"] = pod_ip
            st["podIPs"] = [{"ip": pod_ip}]
        self.update(sandbox_ready)
        self.run_container(c)

    def status_waiting(self, c, reason, message, restarts, last):
        s = {"image": c["image"], "imageID": "", "lastState": last, "name": c["name"], "ready": False,
             "restartCount": restarts, "started": False, "state": {"waiting": {"reason": reason}}}
        if message:
            s["state"]["waiting"]["message"] = message
        return s

    # -- images
    def image_present(self, c):
        norm, base, _, _ = image_parts(c["image"])
        if "missing-image" in CFG.faults or base not in CFG.images:
            return None
        path = os.path.join(CFG.build, CFG.artifact(base))
        return path if os.path.isfile(path) else None

    def pull_failure_message(self, c):
        norm, base, tag, _ = image_parts(c["image"])
        host = norm.split("/", 1)[0]
        registry = "registry-1.docker.io" if host == "docker.io" else host
        repo_path = norm.split("/", 1)[1].split(":")[0].split("@")[0]
        ref = tag or "latest"
        return ('rpc error: code = Unknown desc = failed to pull and unpack image "%s": failed to resolve reference '
                '"%s": failed to do request: Head "https://%s/v2/%s/manifests/%s": dial tcp: lookup %s: no such host'
                % (norm, norm, registry, repo_path, ref, registry))

    def wait_for_image(self, c, restarts, last):
        """Returns the artifact path, or None when the pod is being deleted. Keeps the pull errors in the status."""
        policy = c.get("imagePullPolicy", "IfNotPresent")
        present = self.image_present(c)
        if policy == "Never":
            if present:
                return present
            msg = 'Container image "%s" is not present with pull policy of Never' % c["image"]
            self.update(lambda p: p["status"].__setitem__(
                "containerStatuses", [self.status_waiting(c, "ErrImageNeverPull", msg, restarts, last)]))
            while not self.sleep(1.0):
                pass
            return None
        if policy == "IfNotPresent" and present:
            return present
        # a pull: the images exist only on this node (imported), no registry is reachable
        backoff = 10.0
        while True:
            msg = self.pull_failure_message(c)
            self.update(lambda p: p["status"].__setitem__(
                "containerStatuses", [self.status_waiting(c, "ErrImagePull", msg, restarts, last)]))
            if self.sleep(1.0):
                return None
            bmsg = 'Back-off pulling image "%s"' % c["image"]
            self.update(lambda p: p["status"].__setitem__(
                "containerStatuses", [self.status_waiting(c, "ImagePullBackOff", bmsg, restarts, last)]))
            if self.sleep(backoff):
                return None
            backoff = min(backoff * 2, 300.0)

    # -- cgroups
    def limits_for(self, containers):
        cpu_lim = mem_lim = 0
        all_cpu = all_mem = True
        cpu_req = 0
        for c in containers:
            res = c.get("resources") or {}
            lim, req = res.get("limits") or {}, res.get("requests") or {}
            if "cpu" in lim:
                cpu_lim += Quantity(lim["cpu"]).milli()
            else:
                all_cpu = False
            if "memory" in lim:
                mem_lim += Quantity(lim["memory"]).integer()
            else:
                all_mem = False
            if "cpu" in req:
                cpu_req += Quantity(req["cpu"]).milli()
        shares = 2 if cpu_req == 0 else max(2, cpu_req * 1024 // 1000)
        return {"cpu_milli": cpu_lim if all_cpu else None, "memory": mem_lim if all_mem else None, "shares": shares}

    def make_pod_cgroup(self, pod):
        try:
            lim = self.limits_for(pod["spec"]["containers"])
            if self.qos == "BestEffort":
                lim = {"shares": 2}
            self.pod_cgroups = make_cgroup(pod_cgroup_parts(self.qos, self.uid), lim)
            self.sandbox_id = hashlib.sha256(("sandbox" + self.uid).encode()).hexdigest()
            self.sandbox_cgroups = make_cgroup(container_cgroup_parts(self.qos, self.uid, self.sandbox_id,
                                                                      self.misplaced(pod)), {})
            STORE.set_runtime(self.uid, pod_cgroups=self.pod_cgroups, sandbox_cgroups=self.sandbox_cgroups,
                              sandbox_id=self.sandbox_id)
            self.cgroup_error = None
        except OSError as e:
            self.cgroup_error = e

    def misplaced(self, pod):
        return ("runwasi-misplaced" in CFG.faults and CFG.driver == "systemd"
                and pod["spec"].get("runtimeClassName") is not None)

    # -- the container
    def command_for(self, pod, c, artifact):
        """argv, the in-image entry path and whether a wasm engine runs it; or raises StartError."""
        norm, base, _, _ = image_parts(c["image"])
        entry = IMAGE_ENTRYPOINT.get(base, "/" + CFG.artifact(base))
        cmd = [str(x) for x in (c.get("command") or [])]
        args = [str(a) for a in (c.get("args") or [])]
        if cmd:
            # the image's own file system: the program at its ENTRYPOINT path, and for the Debian image
            # the rest of Debian (the host's, Debian 12 like the image's base)
            args = cmd[1:] + args
            path_dirs = ["/usr/local/bin"] if base == "mmb-debian" else []
            if cmd[0] == entry or ("/" not in cmd[0] and cmd[0] == os.path.basename(entry) and path_dirs
                                   and os.path.dirname(entry) in path_dirs):
                pass
            elif base == "mmb-debian" and (cmd[0].startswith("/") and os.path.isfile(cmd[0])
                                           or "/" not in cmd[0] and which_in(cmd[0], DEBIAN_PATH)):
                prog = cmd[0] if cmd[0].startswith("/") else which_in(cmd[0], DEBIAN_PATH)
                return [prog] + args, cmd[0], False
            elif cmd[0].startswith("/"):
                raise StartError('failed to create containerd task: failed to create shim task: OCI runtime create '
                                 'failed: runc create failed: unable to start container process: exec: "%s": stat %s: '
                                 'no such file or directory: unknown' % (cmd[0], cmd[0]))
            else:
                raise StartError('failed to create containerd task: failed to create shim task: OCI runtime create '
                                 'failed: runc create failed: unable to start container process: exec: "%s": '
                                 'executable file not found in $PATH: unknown' % cmd[0])
        with open(artifact, "rb") as f:
            magic = f.read(4)
        is_wasm = magic == b"\0asm"
        rc = pod["spec"].get("runtimeClassName")
        if not is_wasm or rc is None:
            return [artifact] + args, entry, False
        return wasm_command(rc, artifact, entry, args), entry, True

    def run_container(self, c):
        restarts = 0
        last = {}
        backoff = 10.0
        while True:
            artifact = self.wait_for_image(c, restarts, last)
            if artifact is None:
                return
            cid = hashlib.sha256(("%s/%d/%f" % (self.uid, restarts, time.time())).encode()).hexdigest()
            term = self.run_once(c, artifact, cid, restarts, last)
            if term is None:
                return
            exit_code = term["exitCode"]
            restart = (self.restart_policy == "Always"
                       or (self.restart_policy == "OnFailure" and exit_code != 0))
            if not restart or self.deleting():
                return
            # the kubelet restarts it: at once the first time, then with a doubling back-off
            last = {"terminated": term}
            if restarts > 0:
                msg = "back-off %s restarting failed container=%s pod=%s_%s(%s)" % (
                    go_dur_text(backoff), self.cname, self.name, self.ns, self.uid)
                self.update(lambda p: self.set_status(
                    p, "Running", self.status_waiting(c, "CrashLoopBackOff", msg, restarts, last), ready=False))
                if self.sleep(backoff):
                    return
                backoff = min(backoff * 2, 300.0)
            restarts += 1

    def set_status(self, p, phase, cstatus, ready, reason=None):
        st = p["status"]
        st["phase"] = phase
        st["containerStatuses"] = [cstatus]
        if ready:
            set_cond(st, "Ready", "True")
            set_cond(st, "ContainersReady", "True")
        else:
            r = reason or "ContainersNotReady"
            msg = None if r == "PodCompleted" else "containers with unready status: [%s]" % self.cname
            set_cond(st, "Ready", "False", r, msg)
            set_cond(st, "ContainersReady", "False", r, msg)

    def run_once(self, c, artifact, cid, restarts, last):
        pod = self.pod()
        started = api_time()
        image_id = "sha256:" + file_sha256(artifact)
        norm = image_parts(c["image"])[0]
        base_status = {"containerID": "containerd://" + cid, "image": norm, "imageID": image_id,
                       "lastState": last, "name": c["name"], "restartCount": restarts}
        logpath = log_file_for(pod, self.cname, restarts)
        os.makedirs(os.path.dirname(logpath), exist_ok=True)
        try:
            if self.cgroup_error is not None:
                raise StartError("failed to create containerd task: failed to create shim task: OCI runtime create "
                                 "failed: runc create failed: unable to start container process: unable to apply "
                                 "cgroup configuration: %s: unknown" % self.cgroup_error)
            argv, entry, is_wasm = self.command_for(pod, c, artifact)
            try:
                lim = self.limits_for([c])
                if self.qos == "BestEffort":
                    lim = {"shares": 2}
                cg = make_cgroup(container_cgroup_parts(self.qos, self.uid, cid, self.misplaced(pod)), lim)
            except OSError as e:
                raise StartError("failed to create containerd task: failed to create shim task: OCI runtime create "
                                 "failed: runc create failed: unable to start container process: unable to apply "
                                 "cgroup configuration: %s: unknown" % e)
            env = container_env(pod, c)
            exec_at = time.time()
            try:
                proc = Workload(argv, env, cg, logpath, entry, is_wasm)
            except StartError:
                for d in cg:
                    rmdir_retry(d)
                raise
        except StartError as e:
            finished = api_time()
            term = {"containerID": "containerd://" + cid, "exitCode": 128, "finishedAt": finished,
                    "message": str(e), "reason": "StartError", "startedAt": "1970-01-01T00:00:00Z"}
            self.finish(c, base_status, term)
            return term
        STORE.set_runtime(self.uid, container_id=cid, container_cgroups=cg, workload_pid=proc.pid,
                          workload_start=proc_start_time(proc.pid), log_path=logpath)
        record_timeline(self.uid, restarts, exec_at)
        running = dict(base_status, ready=True, started=True, state={"running": {"startedAt": started}})
        try:
            self.update(lambda p: self.set_status(p, "Running", running, ready=True))
        except Gone:
            pass  # force-deleted meanwhile: the loop below kills it
        # follow the process: log its output, react to faults and to deletion
        exit_fault = CFG.faults.get("exit")
        oom_fault = "oom" in CFG.faults
        killed_for = None
        term_sent = None
        grace_end = None
        while proc.alive():
            proc.pump(self.POLL)
            if killed_for is None and (exit_fault is not None or oom_fault) and proc.saw_ready:
                killed_for = "oom" if oom_fault else "exit"
                proc.kill(signal.SIGKILL)
            try:
                p = self.pod()
                dts = "deletionTimestamp" in p["metadata"]
            except Gone:
                p, dts = None, True
            if dts:
                if term_sent is None:
                    grace = p["metadata"].get("deletionGracePeriodSeconds", 30) if p else 0
                    term_sent = time.time()
                    grace_end = term_sent + max(grace, 0)
                    proc.kill(signal.SIGKILL if grace <= 0 else signal.SIGTERM)
                elif time.time() >= grace_end:
                    proc.kill(signal.SIGKILL)
        proc.drain()
        status = proc.status
        oomed = oom_kills(cg) > 0
        # containerd deletes the task: the container cgroup goes at once
        for d in cg:
            rmdir_retry(d)
        STORE.set_runtime(self.uid, container_cgroups=[], workload_pid=None)
        finished = api_time()
        if killed_for == "exit":
            code, reason = int(exit_fault), None
        elif killed_for == "oom" or (oomed and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
            code, reason = 137, "OOMKilled"
        elif os.WIFSIGNALED(status):
            code = 128 + os.WTERMSIG(status)
            reason = None
        else:
            code = os.WEXITSTATUS(status)
            reason = None
        if reason is None:
            reason = "Completed" if code == 0 else "Error"
        term = {"containerID": "containerd://" + cid, "exitCode": code, "finishedAt": finished, "reason": reason,
                "startedAt": started}
        try:
            self.finish(c, base_status, term)
        except Gone:
            return None
        return term

    def finish(self, c, base_status, term):
        code = term["exitCode"]
        will_restart = (self.restart_policy == "Always"
                        or (self.restart_policy == "OnFailure" and code != 0)) and not self.deleting()
        cs = dict(base_status, ready=False, started=False, state={"terminated": term})
        if will_restart:
            phase = "Running"
        else:
            phase = "Succeeded" if code == 0 else "Failed"

        def upd(p):
            self.set_status(p, phase, cs, ready=False,
                            reason="PodCompleted" if phase == "Succeeded" else None)
            if phase in ("Succeeded", "Failed"):
                set_cond(p["status"], "PodReadyToStartContainers", "False")
        self.update(upd)

    def teardown(self):
        """After the container: wait for deletion, finish it (the kubelet's final delete), remove the pod cgroup."""
        final_delete = False
        try:
            while True:
                p = self.pod()
                if "deletionTimestamp" in p["metadata"]:
                    final_delete = True
                    break
                time.sleep(0.05)
        except Gone:
            pass  # removed by the API server at once (forced, or a pod that had already ended)
        # the kubelet deletes the pod from the API only once its cgroup is gone (podResourcesAreReclaimed)
        r = STORE.get_runtime(self.uid)
        for d in r.get("container_cgroups", []) + self.sandbox_cgroups + list(reversed(self.pod_cgroups)):
            rmdir_retry(d)
        if final_delete:
            with STORE:
                cur = STORE.get_pod(self.ns, self.name)
                if cur is not None and cur["metadata"]["uid"] == self.uid:
                    STORE.remove_pod(cur)
        try:
            pod = {"metadata": {"namespace": self.ns, "name": self.name, "uid": self.uid}}
            remove_logs(pod)
            os.unlink(STORE.runtime_path(self.uid))
        except OSError:
            pass
        try:
            os.unlink(STORE.path("runtime", self.uid + ".supervisor.log"))
        except OSError:
            pass


def record_timeline(uid, restarts, exec_at):
    """The node's own truth, for the fidelity tests: when the API server admitted the pod and when the kubelet started
    its process (wall clock, sub-millisecond), one JSON line per container start in timeline.jsonl."""
    admitted = STORE.get_runtime(uid).get("admitted")
    line = go_json({"uid": uid, "restart": restarts, "admitted": admitted, "exec": exec_at}) + "\n"
    with open(STORE.path("timeline.jsonl"), "a") as f:
        f.write(line)


class StartError(Exception):
    pass


# where each image has its program (the Dockerfile's ENTRYPOINT)
IMAGE_ENTRYPOINT = {"mmb-debian": "/usr/local/bin/mmb", "mmb-static": "/mmb", "mmb-wasm": "/mmb.wasm"}
DEBIAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def which_in(prog, path):
    for d in path.split(":"):
        p = os.path.join(d, prog)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def STORE_counter(name):
    with STORE:
        return STORE.counter(name, 0)


def go_dur_text(seconds):
    s = int(seconds)
    if s >= 60:
        return "%dm%ds" % (s // 60, s % 60)
    return "%ds" % s


def cond(typ, status, reason=None, message=None):
    c = {"lastProbeTime": None, "lastTransitionTime": api_time(), "status": status, "type": typ}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def set_cond(st, typ, status, reason=None, message=None):
    conds = st.setdefault("conditions", [])
    for c in conds:
        if c["type"] == typ:
            if c["status"] != status:
                c["lastTransitionTime"] = api_time()
            c["status"] = status
            c.pop("reason", None)
            c.pop("message", None)
            if reason:
                c["reason"] = reason
            if message:
                c["message"] = message
            return
    conds.append(cond(typ, status, reason, message))


_SHA_CACHE = {}


def file_sha256(path):
    if path not in _SHA_CACHE:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _SHA_CACHE[path] = h.hexdigest()
    return _SHA_CACHE[path]


def container_env(pod, c):
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME": pod["metadata"]["name"]}
    for e in c.get("env") or []:
        if "value" in e:
            env[e["name"]] = str(e["value"])
        elif "valueFrom" in e:
            standin_unsupported("env valueFrom")
        else:
            env[e["name"]] = ""
    if pod["spec"].get("enableServiceLinks", True):
        env.update({"KUBERNETES_SERVICE_HOST": "10.43.0.1", "KUBERNETES_SERVICE_PORT": "443",
                    "KUBERNETES_SERVICE_PORT_HTTPS": "443", "KUBERNETES_PORT": "tcp://10.43.0.1:443",
                    "KUBERNETES_PORT_443_TCP": "tcp://10.43.0.1:443", "KUBERNETES_PORT_443_TCP_PROTO": "tcp",
                    "KUBERNETES_PORT_443_TCP_PORT": "443", "KUBERNETES_PORT_443_TCP_ADDR": "10.43.0.1"})
    return env


NODE_WASI = (
    "import { WASI } from 'node:wasi';"
    "import { readFile } from 'node:fs/promises';"
    "const [file, arg0, ...args] = process.argv.slice(1);"
    "const env = JSON.parse(process.env.MMB_STANDIN_WASI_ENV || '{}');"
    "const wasi = new WASI({ version: 'preview1', args: [arg0, ...args], env, returnOnExit: true });"
    "const mod = await WebAssembly.compile(await readFile(file));"
    "const inst = await WebAssembly.instantiate(mod, wasi.getImportObject());"
    "process.exitCode = wasi.start(inst);"
)


def which(prog):
    for d in os.environ.get("PATH", "").split(os.pathsep):
        p = os.path.join(d, prog)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def wasm_command(rc, artifact, entry, args):
    """The runwasi shim's engine: the real runtime CLI if installed, else Node.js's WASI."""
    cli = {"wasmtime": ("wasmtime", lambda b: [b, "run", artifact] + args),
           "wasmedge": ("wasmedge", lambda b: [b, artifact] + args),
           "wasmer": ("wasmer", lambda b: [b, "run", artifact, "--"] + args),
           "wamr": ("iwasm", lambda b: [b, artifact] + args)}.get(rc)
    if cli:
        binary = which(cli[0])
        if binary:
            return cli[1](binary)
    node = which("node") or which("nodejs")
    if not node:
        raise StartError("failed to create containerd task: failed to start shim: no wasm engine: neither %s nor "
                         "node is on PATH: unknown" % (cli[0] if cli else rc))
    return [node, "--no-warnings", "--input-type=module", "-e", NODE_WASI, "--", artifact, entry] + args


class Workload:
    """The container's process: placed in its cgroup before it executes; stdout/stderr go to the CRI log file."""

    MAX_LINE = 16 * 1024  # containerd's max_container_log_line_size

    def __init__(self, argv, env, cgroups, logpath, entry, is_wasm):
        self.log = open(logpath, "ab", buffering=0)
        self.saw_ready = False
        self.status = None
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        st_r, st_w = os.pipe()
        if is_wasm and "--input-type=module" in argv:
            env = dict(env)
            wasi_env = dict(env)
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "MMB_STANDIN_WASI_ENV": json.dumps(wasi_env)}
        pid = os.fork()
        if pid == 0:
            try:
                os.close(out_r)
                os.close(err_r)
                os.close(st_r)
                os.setsid()
                for cg in cgroups:
                    with open(os.path.join(cg, "cgroup.procs"), "w") as f:
                        f.write("0")
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGHUP, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGPIPE, signal.SIG_DFL)
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)
                os.dup2(out_w, 1)
                os.dup2(err_w, 2)
                fcntl.fcntl(st_w, fcntl.F_SETFD, fcntl.FD_CLOEXEC)
                for fd in range(3, 1024):
                    if fd != st_w:
                        try:
                            os.close(fd)
                        except OSError:
                            pass
                os.chdir("/")
                try:
                    os.execve(argv[0], argv, env)
                except OSError as e:
                    if e.errno == errno.ENOEXEC:
                        # runc has started the container; the exec of its process fails
                        os.write(2, ("exec %s: exec format error\n" % entry).encode())
                        os._exit(1)
                    os.write(st_w, ("exec: %s: %s" % (json.dumps(entry), os.strerror(e.errno))).encode())
                    os._exit(127)
            except BaseException as e:  # noqa: BLE001
                try:
                    os.write(st_w, ("unable to apply cgroup configuration: %s" % e).encode())
                except OSError:
                    pass
                os._exit(127)
        self.pid = pid
        os.close(out_w)
        os.close(err_w)
        os.close(st_w)
        failure = b""
        while True:
            chunk = os.read(st_r, 4096)
            if not chunk:
                break
            failure += chunk
        os.close(st_r)
        if failure:
            _, self.status = os.waitpid(pid, 0)
            os.close(out_r)
            os.close(err_r)
            self.log.close()
            raise StartError("failed to create containerd task: failed to create shim task: OCI runtime create "
                             "failed: runc create failed: unable to start container process: %s: unknown"
                             % failure.decode(errors="replace"))
        self.fds = {out_r: ["stdout", b""], err_r: ["stderr", b""]}

    def alive(self):
        if self.status is not None:
            return False
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid:
            self.status = status
            return False
        return True

    def write_line(self, stream, data, partial):
        ts = rfc3339nano(time.time_ns())
        text = data.decode("utf-8", errors="replace")
        self.log.write(("%s %s %s %s\n" % (ts, stream, "P" if partial else "F", text)).encode())
        if stream == "stdout" and text.startswith("MMB_READY"):
            self.saw_ready = True

    def pump(self, timeout):
        if not self.fds:
            time.sleep(timeout)
            return
        ready, _, _ = select.select(list(self.fds), [], [], timeout)
        for fd in ready:
            stream, buf = self.fds[fd]
            chunk = os.read(fd, 65536)
            if not chunk:
                if buf:
                    self.write_line(stream, buf, False)
                os.close(fd)
                del self.fds[fd]
                continue
            buf += chunk
            while True:
                nl = buf.find(b"\n")
                if nl < 0:
                    break
                line, buf = buf[:nl], buf[nl + 1:]
                while len(line) > self.MAX_LINE:
                    self.write_line(stream, line[:self.MAX_LINE], True)
                    line = line[self.MAX_LINE:]
                self.write_line(stream, line, False)
            while len(buf) > self.MAX_LINE:
                self.write_line(stream, buf[:self.MAX_LINE], True)
                buf = buf[self.MAX_LINE:]
            self.fds[fd][1] = buf

    def drain(self):
        end = time.time() + 2.0
        while self.fds and time.time() < end:
            self.pump(0.05)
        for fd in list(self.fds):
            os.close(fd)
        self.fds = {}
        self.log.close()

    def kill(self, sig):
        if self.status is None:
            try:
                os.killpg(self.pid, sig)
            except OSError:
                try:
                    os.kill(self.pid, sig)
                except OSError:
                    pass


# ----------------------------------------------------------------------------------------------------------------------
# maintenance: stop every pod of the state folder at once, for test clean-up

def kill_supervisor(runtime):
    """Kills a pod's kubelet process if it is still the one that was started (not a reused pid)."""
    sp = runtime.get("supervisor_pid")
    if sp and proc_start_time(sp) == runtime.get("supervisor_start"):
        try:
            os.kill(sp, signal.SIGKILL)
        except OSError:
            pass


def cmd_standin_reset(args, flags):
    for pod in STORE.list_pods():
        kill_supervisor(STORE.get_runtime(pod["metadata"]["uid"]))
        finish_without_supervisor(pod)
    for f in os.listdir(STORE.path("runtime")):
        if f.endswith(".json"):
            kill_supervisor(STORE.read_json(STORE.path("runtime", f)) or {})
            finish_without_supervisor({"metadata": {"uid": f[:-5], "namespace": "", "name": ""}})


# ----------------------------------------------------------------------------------------------------------------------


def main(argv):
    """`cluster.py __kubelet NS NAME UID` (started by apiserver.py) or `cluster.py __standin-reset` (test clean-up)."""
    global CFG, STORE
    try:
        CFG = Config()
        STORE = Store(CFG.state)
        if argv[:1] == ["__kubelet"] and len(argv) == 4:
            return run_kubelet(*argv[1:4])
        if argv == ["__standin-reset"]:
            cmd_standin_reset([], {})
            return 0
        raise Exit("usage: cluster.py __kubelet NAMESPACE NAME UID | cluster.py __standin-reset", 2)
    except Exit as e:
        if e.message:
            sys.stderr.write(e.message + "\n")
        return e.code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
        sys.stdout.flush()
    except BrokenPipeError:
        code = 1
    os._exit(code)
