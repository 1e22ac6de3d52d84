#!/usr/bin/env python3
"""A small Kubernetes API server for mmb's tests, behind the real kubectl.

Serves over plain HTTP on loopback what kubectl asks for when single_env_bench drives a one-node K3s cluster:
/version, discovery (/api, /apis; plain JSON, so kubectl falls back from aggregated discovery), a small OpenAPI v3
index (so that `kubectl create` validates on the server: fieldValidation=Strict) and an empty OpenAPI v2 document (for
older kubectls, which validate on the client), pods (create, get, list and watch
with label and field selectors, logs with follow and timestamps, delete with a grace period), namespaces, nodes (with
status.images as K3s reports imported images) and RuntimeClasses (node.k8s.io/v1), and API errors as Status objects.
The node itself — scheduler, kubelet, containerd, the real processes in real cgroups — is cluster.py beside this file:
the server admits a pod into the state folder and starts cluster.py's kubelet for it, which writes the pod's status
back; watches follow the state folder's journal. See README.md beside this file. Standard library only.

    apiserver.py --kubeconfig FILE [--state DIR]

binds 127.0.0.1 on a free port, writes FILE (contexts `mmb-test`, the server, and `elsewhere`, a closed port, which is
the current context: a client must pass --context mmb-test), then serves until killed.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cluster  # noqa: E402  (the node: store, admission, kubelet)
from cluster import ApiError  # noqa: E402

K8S_VERSION = cluster.GIT_VERSION


def version_info():
    major, minor = K8S_VERSION.lstrip("v").split(".")[:2]
    return {"major": major, "minor": minor, "gitVersion": K8S_VERSION,
            "gitCommit": "8e8f3f3c4b6d0b0ff2e8ac6f8a1f7c7bd3a6f0a1", "gitTreeState": "clean",
            "buildDate": "2025-05-15T00:00:00Z", "goVersion": "go1.23.8", "compiler": "gc", "platform": "linux/amd64"}


VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
CORE_RESOURCES = {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
    {"name": "namespaces", "singularName": "namespace", "namespaced": False, "kind": "Namespace",
     "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": ["ns"]},
    {"name": "nodes", "singularName": "node", "namespaced": False, "kind": "Node", "verbs": VERBS,
     "shortNames": ["no"]},
    {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod", "verbs": VERBS, "shortNames": ["po"],
     "categories": ["all"]},
    {"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get"]},
]}
NODE_GROUP = {"name": "node.k8s.io", "versions": [{"groupVersion": "node.k8s.io/v1", "version": "v1"}],
              "preferredVersion": {"groupVersion": "node.k8s.io/v1", "version": "v1"}}
NODE_RESOURCES = {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "node.k8s.io/v1", "resources": [
    {"name": "runtimeclasses", "singularName": "runtimeclass", "namespaced": False, "kind": "RuntimeClass",
     "verbs": VERBS}]}
# Enough OpenAPI v3 for kubectl (cli-runtime's QueryParamVerifierV3): the Pod's PATCH operation takes the
# fieldValidation parameter, so kubectl leaves validation to the server (fieldValidation=Strict) and needs no schema.
OPENAPI_INDEX = {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=MMB1"}}}
OPENAPI_CORE = {
    "openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "unversioned"},
    "paths": {"/api/v1/namespaces/{namespace}/pods/{name}": {
        "patch": {"operationId": "patchCoreV1NamespacedPod",
                  "parameters": [{"name": "fieldValidation", "in": "query", "schema": {"type": "string"}}],
                  "x-kubernetes-action": "patch",
                  "x-kubernetes-group-version-kind": {"group": "", "version": "v1", "kind": "Pod"}}}},
    "components": {"schemas": {}}}



def openapi_v2_protobuf():
    """The smallest OpenAPI v2 document (gnostic's protobuf: swagger "2.0", info) for kubectl < 1.27 (Debian's
    1.20), which validates on the client: with no schema for a kind, it leaves the object to the server."""
    def field(number, data):
        return bytes([number << 3 | 2, len(data)]) + data
    info = field(1, b"Kubernetes") + field(2, K8S_VERSION.encode())
    return field(1, b"2.0") + field(2, info)


class Faults:
    """The API server's own faults (the kubelet's are read by cluster.py from the same environment).

    api-lost-at-pod=N   the server goes away once the N-th pod's container runs *and* a watch that selects that pod is
                        open: fired by events, never by the clock, so a busy machine sees the same run
    flaky=N             the first N reads of pods get 503 ServiceUnavailable (an API server that lost etcd)
    watch-timeout=S     the server ends every watch after S s (as --min-request-timeout does, at ~30-60 min)
    logs-cut=S          the server cuts every `logs -f` stream after S s, as a dropped connection does (kubectl:
                        `error: unexpected EOF`, exit 1)
    unreachable         nothing listens: the kubeconfig points at a closed port
    """

    def __init__(self, faults):
        self.faults = faults
        self.lost = threading.Event()
        self.lost_at = None
        self.running = []           # uids of pods whose container ran, in order
        self.watches = {}           # id -> predicate(pod)
        self.lock = threading.Lock()
        self.flaky_left = int(faults.get("flaky", 0) or 0)
        n = faults.get("api-lost-at-pod")
        self.lost_at_pod = int(n) if n else None

    def watch_opened(self, key, predicate):
        with self.lock:
            self.watches[key] = predicate
        self.check()

    def watch_closed(self, key):
        with self.lock:
            self.watches.pop(key, None)

    def saw(self, pod):
        cs = ((pod.get("status") or {}).get("containerStatuses") or [{}])[0]
        if "running" in (cs.get("state") or {}) or "terminated" in (cs.get("state") or {}):
            uid = pod["metadata"]["uid"]
            with self.lock:
                if uid not in [u for u, _ in self.running]:
                    self.running.append((uid, pod))
            self.check()

    def check(self):
        if self.lost_at_pod is None or self.lost.is_set():
            return
        with self.lock:
            if len(self.running) < self.lost_at_pod:
                return
            _, pod = self.running[self.lost_at_pod - 1]
            if any(pred(pod) for pred in self.watches.values()):
                self.lost_at = time.time()
                self.lost.set()

    def flaky(self):
        with self.lock:
            if self.flaky_left > 0:
                self.flaky_left -= 1
                return True
        return False


FAULTS = None
SERVER = None


def journal_follower():
    """Reads every namespace's journal as it grows: the event-driven faults see each pod's state."""
    offsets = {}
    while not FAULTS.lost.is_set():
        for f in os.listdir(cluster.STORE.path("events")):
            p = cluster.STORE.path("events", f)
            try:
                with open(p, "rb") as fh:
                    fh.seek(offsets.get(f, 0))
                    data = fh.read()
            except FileNotFoundError:
                continue
            end = data.rfind(b"\n") + 1
            offsets[f] = offsets.get(f, 0) + end
            for line in data[:end].splitlines():
                try:
                    FAULTS.saw(json.loads(line)["object"])
                except (ValueError, KeyError):
                    pass
        time.sleep(0.01)
    lose_api()


def lose_api():
    """The API server goes away: no new connection is accepted; open streams are cut by their handlers."""
    try:
        SERVER.socket.close()
    except OSError:
        pass
    with open(cluster.STORE.path("api-lost"), "w") as f:
        f.write(repr(FAULTS.lost_at))


# ----------------------------------------------------------------------------------------------------------------------
# objects and selectors

def with_type(obj, api_version, kind):
    o = dict(obj)
    o["apiVersion"], o["kind"] = api_version, kind
    return o


def list_of(kind, api_version, items, rv):
    return {"kind": kind, "apiVersion": api_version, "metadata": {"resourceVersion": rv}, "items": items}


def field_predicate(text):
    reqs = []
    for part in [p for p in (text or "").split(",") if p]:
        key, op, val = (part.partition("!=") if "!=" in part else part.partition("=="))[0:3] \
            if ("!=" in part or "==" in part) else part.partition("=")
        if key not in ("metadata.name", "metadata.namespace", "status.phase", "spec.nodeName"):
            raise ApiError(400, "BadRequest", 'field label not supported: %s' % key)
        reqs.append((key, op, val))

    def get(pod, key):
        o = pod
        for k in key.split("."):
            o = (o or {}).get(k)
        return o or ""
    return lambda pod: all((get(pod, k) != v) if op == "!=" else (get(pod, k) == v) for k, op, v in reqs)


def label_predicate(text):
    if not text:
        return lambda pod: True
    try:
        reqs = cluster.parse_selector(text)
    except cluster.Exit as e:
        raise ApiError(400, "BadRequest", "unable to parse requirement: " + e.message)
    return lambda pod: cluster.selector_matches(reqs, pod["metadata"].get("labels"))


def current_rv():
    try:
        with open(cluster.STORE.path("rv")) as f:
            return f.read().strip() or "1000"
    except FileNotFoundError:
        return "1000"


def not_found(resource, name):
    return ApiError(404, "NotFound", '%s "%s" not found' % (resource, name),
                    {"name": name, "group": "node.k8s.io" if resource == "runtimeclasses.node.k8s.io" else None,
                     "kind": resource.split(".")[0]})


# ----------------------------------------------------------------------------------------------------------------------
# the HTTP side

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mmb-apiserver-standin"

    def log_message(self, fmt, *args):
        with open(cluster.STORE.path("requests.log"), "a") as f:
            f.write("%.3f %s %s\n" % (time.time(), self.command, self.path))

    def reply(self, code, obj):
        body = json.dumps(obj, separators=(",", ":")).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def start_stream(self, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_stream(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def cut(self):
        """Drops the connection without an answer (a lost server, a flaky proxy)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def handle_one(self, method):
        url = urlparse(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query).items()}
        parts = [p for p in url.path.split("/") if p]
        if FAULTS.lost.is_set():
            return self.cut()
        try:
            body = None
            n = int(self.headers.get("Content-Length") or 0)
            if n:
                body = self.rfile.read(n)
            self.route(method, parts, q, body)
        except ApiError as e:
            self.reply(e.code, e.status())
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.handle_one("POST")

    def do_DELETE(self):
        self.handle_one("DELETE")

    def do_PUT(self):
        self.handle_one("PUT")

    def do_PATCH(self):
        self.handle_one("PATCH")

    # -- routing
    def route(self, method, parts, q, body):
        if method == "GET" and parts == ["version"]:
            return self.reply(200, version_info())
        if method == "GET" and parts == ["api"]:
            return self.reply(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": "%s:%d" % self.server.server_address[:2]}]})
        if method == "GET" and parts == ["apis"]:
            return self.reply(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [NODE_GROUP]})
        if method == "GET" and parts == ["api", "v1"]:
            return self.reply(200, CORE_RESOURCES)
        if method == "GET" and parts == ["apis", "node.k8s.io"]:
            return self.reply(200, dict(NODE_GROUP, kind="APIGroup", apiVersion="v1"))
        if method == "GET" and parts == ["apis", "node.k8s.io", "v1"]:
            return self.reply(200, NODE_RESOURCES)
        if method == "GET" and parts == ["openapi", "v3"]:
            return self.reply(200, OPENAPI_INDEX)
        if method == "GET" and parts == ["openapi", "v3", "api", "v1"]:
            return self.reply(200, OPENAPI_CORE)
        if method == "GET" and parts == ["openapi", "v2"]:
            body = openapi_v2_protobuf()
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        if parts[:2] == ["api", "v1"]:
            return self.core(method, parts[2:], q, body)
        if parts[:3] == ["apis", "node.k8s.io", "v1"] and parts[3:4] == ["runtimeclasses"] and method == "GET":
            objs = [cluster.runtimeclass_obj(n) for n in cluster.CFG.runtimeclasses]
            return self.get_or_list(parts[4:], objs, "node.k8s.io/v1", "RuntimeClass", "runtimeclasses.node.k8s.io")
        raise ApiError(404, "NotFound", "the server could not find the requested resource")

    def get_or_list(self, rest, objs, api_version, kind, resource):
        if rest:
            for o in objs:
                if o["metadata"]["name"] == rest[0]:
                    return self.reply(200, o)
            raise not_found(resource, rest[0])
        return self.reply(200, list_of(kind + "List", api_version, objs, current_rv()))

    def core(self, method, p, q, body):
        if p[:1] == ["namespaces"] and (len(p) <= 2) and method == "GET":
            objs = [cluster.namespace_obj(n) for n in cluster.CFG.namespaces]
            return self.get_or_list(p[1:], objs, "v1", "Namespace", "namespaces")
        if p[:1] == ["nodes"] and method == "GET":
            return self.get_or_list(p[1:], [cluster.node_obj()], "v1", "Node", "nodes")
        if p == ["pods"] and method == "GET":
            return self.pods(None, q)
        if len(p) >= 3 and p[0] == "namespaces" and p[2] == "pods":
            ns = p[1]
            if len(p) == 3 and method == "GET":
                return self.pods(ns, q)
            if len(p) == 3 and method == "POST":
                return self.create(ns, q, body)
            if len(p) == 4 and method == "GET":
                pod = cluster.STORE.get_pod(ns, p[3])
                if pod is None:
                    raise not_found("pods", p[3])
                return self.reply(200, pod)
            if len(p) == 4 and method == "DELETE":
                return self.delete(ns, p[3], q, body)
            if len(p) == 5 and p[4] == "log" and method == "GET":
                return self.logs(ns, p[3], q)
        raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")

    # -- pods
    def pods(self, ns, q):
        if FAULTS.flaky():      # as an API server without etcd answers (client-go retries a dropped connection itself)
            raise ApiError(503, "ServiceUnavailable", "the server is currently unable to handle the request")
        labels, fields = label_predicate(q.get("labelSelector")), field_predicate(q.get("fieldSelector"))

        def wanted(pod):
            return (ns is None or pod["metadata"]["namespace"] == ns) and labels(pod) and fields(pod)
        if q.get("watch") in ("true", "1"):
            return self.watch(ns, wanted, q)
        with cluster.STORE:
            items = [p for p in cluster.STORE.list_pods(ns) if wanted(p)]
            rv = current_rv()
        return self.reply(200, list_of("PodList", "v1", items, rv))

    def watch(self, ns, wanted, q):
        """Events after resourceVersion (all of them from the journal), then as they come; ends at timeoutSeconds."""
        timeout = float(q.get("timeoutSeconds") or 0) or None
        server_limit = cluster.CFG.fault_float("watch-timeout")
        if server_limit is not None:
            timeout = min(timeout or server_limit, server_limit)
        deadline = time.time() + timeout if timeout else None
        since = q.get("resourceVersion") or "0"
        journals = [cluster.STORE.journal_path(ns)] if ns else [
            cluster.STORE.path("events", f) for f in sorted(os.listdir(cluster.STORE.path("events")))]
        offsets = {}
        initial = []
        with cluster.STORE:
            for j in journals:
                try:
                    offsets[j] = os.path.getsize(j)
                except FileNotFoundError:
                    offsets[j] = 0
            if since == "0":        # "any": the current state as ADDED, then the changes
                initial = [{"type": "ADDED", "object": p} for p in cluster.STORE.list_pods(ns) if wanted(p)]
        replay = []
        if since != "0":
            for j in journals:
                try:
                    with open(j, "rb") as f:
                        data = f.read(offsets[j])
                except FileNotFoundError:
                    continue
                for line in data.splitlines():
                    try:
                        ev = json.loads(line)
                    except ValueError:
                        continue
                    if int(ev["object"]["metadata"]["resourceVersion"]) > int(since) and wanted(ev["object"]):
                        replay.append(ev)
        self.start_stream("application/json")
        key = object()
        FAULTS.watch_opened(key, wanted)
        try:
            for ev in initial + replay:
                self.chunk(json.dumps(ev, separators=(",", ":")).encode() + b"\n")
            bufs = {j: b"" for j in journals}
            while True:
                if FAULTS.lost.is_set():
                    return self.cut()
                if deadline is not None and time.time() >= deadline:
                    return self.end_stream()
                for j in journals:
                    try:
                        with open(j, "rb") as f:
                            f.seek(offsets[j])
                            data = f.read()
                    except FileNotFoundError:
                        continue
                    offsets[j] += len(data)
                    bufs[j] += data
                    while b"\n" in bufs[j]:
                        line, bufs[j] = bufs[j].split(b"\n", 1)
                        try:
                            ev = json.loads(line)
                        except ValueError:
                            continue
                        if wanted(ev["object"]):
                            self.chunk(line + b"\n")
                time.sleep(0.01)
        finally:
            FAULTS.watch_closed(key)

    def create(self, ns, q, body):
        try:
            obj = json.loads(body or b"")
        except ValueError:
            raise ApiError(400, "BadRequest", "the body of the request was in an unknown format")
        if not isinstance(obj, dict) or obj.get("kind") != "Pod" or obj.get("apiVersion") != "v1":
            raise ApiError(400, "BadRequest", "the API server stand-in only creates v1 Pods")
        meta = obj.setdefault("metadata", {}) or {}
        obj["metadata"] = meta
        if meta.get("namespace") and meta["namespace"] != ns:
            raise ApiError(400, "BadRequest", "the namespace of the provided object does not match the namespace "
                                              "sent on the request")
        if q.get("fieldValidation") == "Strict":
            unknown = [k for k in obj if k not in ("apiVersion", "kind", "metadata", "spec", "status")]
            if unknown:
                raise ApiError(400, "BadRequest", 'strict decoding error: unknown field "%s"' % unknown[0])
        with cluster.STORE:
            pod = cluster.admit_pod(obj, ns)
            admitted = time.time()
            pod["metadata"]["creationTimestamp"] = cluster.api_time(admitted)
            cluster.STORE.put_pod(pod, "ADDED")
        cluster.STORE.set_runtime(pod["metadata"]["uid"], admitted=admitted)
        start_kubelet(pod)
        self.reply(201, pod)

    def delete(self, ns, name, q, body):
        opts = {}
        if body:
            try:
                opts = json.loads(body)
            except ValueError:
                raise ApiError(400, "BadRequest", "the body of the request was in an unknown format")
        grace = opts.get("gracePeriodSeconds", q.get("gracePeriodSeconds"))
        grace = -1 if grace is None else int(grace)
        uid = cluster.request_deletion(ns, name, grace)
        if uid is None:
            raise not_found("pods", name)
        pod = cluster.STORE.get_pod(ns, name)
        if pod is None or pod["metadata"]["uid"] != uid:   # gone at once: the last state, as the API answers
            pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns, "uid": uid}}
        self.reply(200, pod)

    def logs(self, ns, name, q):
        """The kubelet's container log: CRI lines from the node's log file; errors while the container waits."""
        pod = cluster.STORE.get_pod(ns, name)
        if pod is None:
            raise not_found("pods", name)
        names = [c["name"] for c in pod["spec"]["containers"]]
        container = q.get("container") or names[0]
        if container not in names:
            raise ApiError(400, "BadRequest", "container %s is not valid for pod %s" % (container, name))
        if not pod["spec"].get("nodeName"):
            raise ApiError(400, "BadRequest", "pod %s does not have a host assigned" % name)
        cs = cluster.container_status(pod, container)
        if cs is None:
            raise ApiError(400, "BadRequest", 'container "%s" in pod "%s" is waiting to start - no logs yet'
                           % (container, name))
        state, last, restart = cs.get("state") or {}, cs.get("lastState") or {}, cs.get("restartCount", 0)
        previous = q.get("previous") in ("true", "1")
        if previous:
            if "terminated" not in last:
                raise ApiError(400, "BadRequest", 'previous terminated container "%s" in pod "%s" not found'
                               % (container, name))
            attempt = restart - 1 if ("running" in state or "terminated" in state) else restart
        elif "running" in state or "terminated" in state or "terminated" in last:
            attempt = restart
        elif "waiting" in state:
            reason = state["waiting"].get("reason", "")
            what = {"ErrImagePull": "image can't be pulled",
                    "ImagePullBackOff": "trying and failing to pull image"}.get(reason, reason)
            raise ApiError(400, "BadRequest", 'container "%s" in pod "%s" is waiting to start: %s'
                           % (container, name, what))
        else:
            raise ApiError(400, "BadRequest", 'container "%s" in pod "%s" is waiting to start - no logs yet'
                           % (container, name))
        path = cluster.log_file_for(pod, container, attempt)
        follow = q.get("follow") in ("true", "1") and not previous
        timestamps = q.get("timestamps") in ("true", "1")
        tail = int(q["tailLines"]) if "tailLines" in q else None
        uid = pod["metadata"]["uid"]
        cut_after = cluster.CFG.fault_float("logs-cut") if follow else None
        cut_at = time.time() + cut_after if cut_after is not None else None

        def render(line):
            parts = line.split(" ", 3)
            if len(parts) < 3:
                return b""
            text = (parts[3] if len(parts) > 3 else "") + ("\n" if parts[2] == "F" else "")
            if timestamps:
                text = cluster.rfc3339nano_fixed(parts[0]) + " " + text
            return text.encode()

        self.start_stream("text/plain")
        try:
            f = open(path, "r", encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return self.end_stream()
        with f:
            lines = f.read().splitlines()
            if tail is not None:
                lines = lines[len(lines) - tail:] if tail > 0 else []
            for line in lines:
                self.chunk(render(line))
            if not follow:
                return self.end_stream()
            pending = ""
            while True:
                if cut_at is not None and time.time() >= cut_at:
                    return self.cut()       # the fault logs-cut: the connection drops mid-stream
                chunk = f.read()
                if chunk:
                    pending += chunk
                    while "\n" in pending:
                        line, pending = pending.split("\n", 1)
                        self.chunk(render(line))
                    continue
                if FAULTS.lost.is_set():
                    return self.cut()
                cur = cluster.STORE.get_pod(ns, name)
                if cur is None or cur["metadata"]["uid"] != uid:
                    return self.end_stream()
                cs = cluster.container_status(cur, container) or {}
                if "running" not in (cs.get("state") or {}) or cs.get("restartCount", 0) != attempt:
                    rest = f.read()         # what was written before it stopped
                    if rest:
                        pending += rest
                        continue
                    return self.end_stream()
                time.sleep(0.01)


def start_kubelet(pod):
    """cluster.py's kubelet for this pod, in a session of its own: it outlives a lost API server, as a node does."""
    m = pod["metadata"]
    log = open(cluster.STORE.path("runtime", m["uid"] + ".supervisor.log"), "ab")
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "cluster.py"), "__kubelet", m["namespace"], m["name"],
                          m["uid"]], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                         start_new_session=True, close_fds=True)
    log.close()
    threading.Thread(target=p.wait, daemon=True).start()


def exit_with_parent(parent):
    """A test JVM that dies must not leave its server behind (its pods are cleaned up by __standin-reset)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def kubeconfig(port, closed_port):
    """Two clusters: the server (context mmb-test) and a closed port (context elsewhere, the current one)."""
    def cluster_entry(name, p):
        return "- cluster:\n    server: http://127.0.0.1:%d\n  name: %s\n" % (p, name)
    return ("apiVersion: v1\nkind: Config\nclusters:\n" + cluster_entry("mmb-test", port)
            + cluster_entry("elsewhere", closed_port)
            + "contexts:\n- context:\n    cluster: mmb-test\n    user: mmb-test\n  name: mmb-test\n"
            + "- context:\n    cluster: elsewhere\n    user: mmb-test\n  name: elsewhere\n"
            + "current-context: elsewhere\npreferences: {}\nusers:\n- name: mmb-test\n  user: {}\n")


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    global FAULTS, SERVER
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kubeconfig", required=True, help="where to write the kubeconfig for this server")
    ap.add_argument("--state", help="state folder (default MMB_STANDIN_STATE)")
    a = ap.parse_args()
    if a.state:
        os.environ["MMB_STANDIN_STATE"] = a.state
    try:
        cluster.CFG = cluster.Config()
    except cluster.Exit as e:
        sys.exit(e.message)
    cluster.STORE = cluster.Store(cluster.CFG.state)
    FAULTS = Faults(cluster.CFG.faults)
    SERVER = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    SERVER.daemon_threads = True
    port = SERVER.server_address[1]
    if "unreachable" in cluster.CFG.faults:
        SERVER.socket.close()
    tmp = a.kubeconfig + ".tmp"
    with open(tmp, "w") as f:
        f.write(kubeconfig(closed_port() if "unreachable" in cluster.CFG.faults else port, closed_port()))
    os.rename(tmp, a.kubeconfig)
    if "unreachable" in cluster.CFG.faults:
        exit_with_parent(os.getppid())
    threading.Thread(target=journal_follower, daemon=True).start()
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    try:
        SERVER.serve_forever(poll_interval=0.05)
    except (OSError, ValueError):
        exit_with_parent(os.getppid())      # the listening socket was closed: the API is lost, the node goes on


if __name__ == "__main__":
    main()
