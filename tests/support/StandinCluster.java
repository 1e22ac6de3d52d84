import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.*;
import java.util.*;

/**
 * The API server stand-in (tests/k8s/apiserver.py; its kubelet, tests/k8s/cluster.py, runs each pod for real) for tests
 * that drive single_env_bench's kubectl classes in the test's own JVM (PodWatchTest, LogFollowerTest): the real kubectl
 * on PATH through single_env_bench.Kubectl, made from K8sOptions as K8sBackend.preflight makes it. Each cluster has its
 * own state folder and kubectl discovery cache; close() stops the server, then removes every pod, process and cgroup
 * its kubelets made (as K8sBackendTest.Cluster.resetAll and ApiServerStandinTest do).
 */
final class StandinCluster implements AutoCloseable {
    static final String CONTEXT = "mmb-test", NAMESPACE = "default";

    final Path state, kubeconfig;
    final Process server;

    /** A cluster with the faults given (MMB_STANDIN_FAULTS, e.g. "watch-timeout=1,slow-start=1"; "" for none). */
    StandinCluster(Path state, String faults) throws Exception {
        this.state = state;
        this.kubeconfig = state.resolve("kubeconfig");
        Map<String, String> env = new HashMap<>(Map.of("MMB_STANDIN_STATE", state.toString()));
        if (!faults.isEmpty()) env.put("MMB_STANDIN_FAULTS", faults);
        server = startServer(state, kubeconfig, env);
    }

    /**
     * Starts tests/k8s/apiserver.py with `env` (MMB_STANDIN_STATE, faults and the rest), its output appended to
     * STATE/apiserver.log; returns once it has written `kubeconfig`. One that ends or writes none is stopped, and the
     * test fails with its log. ApiServerStandinTest and K8sBackendTest.Cluster start theirs here too.
     */
    static Process startServer(Path state, Path kubeconfig, Map<String, String> env) throws Exception {
        Path log = state.resolve("apiserver.log");
        ProcessBuilder pb = new ProcessBuilder(TestSupport.python(), TestSupport.repo().resolve("tests/k8s/apiserver.py").toString(),
                "--kubeconfig", kubeconfig.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        Process server = pb.start();
        if (!TestSupport.waitFor(() -> Files.exists(kubeconfig) || !server.isAlive(), 30) || !server.isAlive()) {
            server.destroy();
            throw new AssertionError("the API server stand-in did not start: " + Files.readString(log));
        }
        return server;
    }

    /** `cluster.py __standin-reset`: every pod, workload and cgroup the kubelets of the cluster with this state folder left. */
    static TestSupport.Run reset(Path state) throws Exception {
        return TestSupport.exec(List.of(TestSupport.python(), TestSupport.repo().resolve("tests/k8s/cluster.py").toString(), "__standin-reset"),
                Map.of("MMB_STANDIN_STATE", state.toString()), 60);
    }

    /**
     * single_env_bench's Kubectl for this cluster, as the k8s backend makes it (--kubeconfig, --context mmb-test,
     * --namespace default on every call; each call bounded by `timeout` s). Its discovery cache goes to the state folder:
     * kubectl's --cache-dir, the flag KUBECACHEDIR stands for, since this JVM's environment cannot be set per test.
     */
    single_env_bench.Kubectl kubectl(int timeout) {
        single_env_bench.Kubectl k = new single_env_bench.Kubectl(new single_env_bench.K8sOptions(NAMESPACE, kubeconfig.toString(), CONTEXT,
                null, single_env_bench.PullPolicy.Never, 30, false, timeout));
        k.global.addAll(List.of("--cache-dir", state.resolve("kube-cache").toString()));
        return k;
    }

    /**
     * Creates a trial's pod as the k8s backend does (PodManifest.build, then `kubectl create -f -`): mmb-static runs
     * `64 DURATION WARMUP` (MMB_READY, BENCH_START after the warmup, BENCH_PROGRESS every 0.5 s, BENCH_END and the figures).
     */
    void createPod(single_env_bench.Kubectl k, String name, double duration, double warmup) {
        var trial = new single_env_bench.TrialOptions("mmb-static:latest", "default", single_env_bench.BackendKind.k8s, List.of(64), 1,
                duration, warmup > 0, warmup, 0.5, null, null, 5, "run-" + name, Path.of("/sys/fs/cgroup"));
        var opts = new single_env_bench.K8sOptions(NAMESPACE, kubeconfig.toString(), CONTEXT, null, single_env_bench.PullPolicy.Never, 30, false, k.timeout);
        var spec = new single_env_bench.TrialSpec(64, duration, warmup, null, null, new single_env_bench.TrialKey(64, trial.mode(), 1));
        var r = k.call(List.of("create", "-f", "-", "-o", "name"), single_env_bench.Json.pretty(single_env_bench.PodManifest.build(trial, opts, spec, name)), k.timeout);
        if (!r.ok()) throw new AssertionError("kubectl create: " + r.err());
    }

    /** The pod as the cluster holds it now (its state folder: no kubectl, a poll that cannot stall), or null. */
    JsonNode pod(String name) {
        Path f = state.resolve("pods").resolve(NAMESPACE).resolve(name + ".json");
        try { return TestSupport.readJson(f); } catch (IOException e) { return null; }
    }

    /** The pod's phase now ("" if there is no pod). */
    String phase(String name) {
        JsonNode p = pod(name);
        return p == null ? "" : p.path("status").path("phase").asText();
    }

    /** Waits until the pod's phase is one of those given; fails after `seconds`. */
    void awaitPhase(String name, double seconds, String... phases) throws InterruptedException {
        if (!TestSupport.waitFor(() -> Arrays.asList(phases).contains(phase(name)), seconds))
            throw new AssertionError("pod " + name + " not " + String.join("/", phases) + " within " + seconds + " s: " + phase(name));
    }

    /** Every watch event the server journaled for the pod (its events/default.jsonl), in order. */
    List<JsonNode> journal(String name) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        Path j = state.resolve("events").resolve(NAMESPACE + ".jsonl");
        if (!Files.exists(j)) return events;
        for (String line : Files.readAllLines(j)) {
            if (line.isBlank()) continue;
            JsonNode e = TestSupport.JSON.readTree(line);
            if (e.path("object").path("metadata").path("name").asText().equals(name)) events.add(e);
        }
        return events;
    }

    /** The server's request log: "TIME METHOD PATH?QUERY", one request a line. */
    List<String> requests() throws IOException { return Files.readAllLines(state.resolve("requests.log")); }

    /** The server's address as the kubeconfig gives it (host:port of the context mmb-test). */
    String address() throws IOException {
        String k = Files.readString(kubeconfig);
        int at = k.indexOf("server: http://");
        return k.substring(at + "server: http://".length(), k.indexOf('\n', at));
    }

    /** Stops the server, then removes every pod, workload and cgroup of this cluster. */
    @Override public void close() throws Exception {
        server.destroy();
        server.waitFor();
        TestSupport.Run r = reset(state);
        if (r.exit() != 0) throw new AssertionError("__standin-reset: " + r.all());
    }
}
