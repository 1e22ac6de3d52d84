import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.*;

import java.nio.file.*;
import java.util.*;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The k8s backend through the real kubectl against the API server stand-in (tests/k8s/): real workloads in real
 * cgroups laid out as K3s does; kubectl's own requests, texts and exit codes. single_env_bench runs as a subprocess.
 */
@Tag("e2e")
class K8sBackendTest {
    static Path work;

    @BeforeAll static void setUp() throws Exception {
        LocalBackendTest.requireRoot();
        work = Files.createTempDirectory("mmb-k8s");
    }

    @AfterAll static void tearDown() throws Exception { Cluster.resetAll(); }

    /**
     * A test cluster: the API server stand-in (tests/k8s/apiserver.py; its kubelet runs the pods for real) and the real
     * kubectl on PATH, talking to it through a kubeconfig the server writes. Its current context points at a closed
     * port, so every call must carry --kubeconfig and --context mmb-test, as single_env_bench passes them. Each cluster
     * has its own state folder (pods, journal, logs) and its own kubectl discovery cache (KUBECACHEDIR).
     * Environment pairs: MMB_STANDIN_* go to the server and its kubelet; MMB_KUBECTL to single_env_bench.
     */
    static final class Cluster {
        static final List<Cluster> made = Collections.synchronizedList(new ArrayList<>());
        static final String CONTEXT = "mmb-test";

        final Path state, kubeconfig;
        final Map<String, String> env = new HashMap<>();
        final String sub;
        final Process server;

        Cluster(String name, String... standinEnv) throws Exception {
            state = Files.createDirectories(work.resolve("state-" + name));
            kubeconfig = state.resolve("kubeconfig");
            sub = name;
            env.put("MMB_STANDIN_STATE", state.toString());
            env.put("KUBECACHEDIR", state.resolve("kube-cache").toString());
            for (int i = 0; i < standinEnv.length; i += 2) env.put(standinEnv[i], standinEnv[i + 1]);
            server = StandinCluster.startServer(state, kubeconfig, env);
            made.add(this);
        }

        /** Stops the servers, then every pod, workload and cgroup their kubelets left (some tests leave them on purpose). */
        static void resetAll() throws Exception {
            for (Cluster c : new ArrayList<>(made)) {
                c.server.destroy();
                c.server.waitFor();
                StandinCluster.reset(c.state);
            }
            made.clear();
        }

        /** single_env_bench --backend k8s against this cluster, with --kubeconfig and --context (more flags may follow). */
        TestSupport.Run bench(String... args) throws Exception {
            return TestSupport.exec(TestSupport.javaMain("single_env_bench", benchArgs(args)).command(), env, 240);
        }

        List<String> benchArgs(String... args) {
            List<String> a = new ArrayList<>(List.of("--backend", "k8s", "--results-dir", work.toString(), "--results-subfolder-name", sub,
                    "--kubeconfig", kubeconfig.toString(), "--context", CONTEXT));
            a.addAll(List.of(args));
            return a;
        }

        JsonNode file(String name) throws Exception { return TestSupport.readJson(work.resolve(sub).resolve(name)); }

        /** The real kubectl against this cluster. */
        TestSupport.Run kubectl(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "--context", CONTEXT));
            cmd.addAll(List.of(args));
            return TestSupport.exec(cmd, env, 60);
        }

        /** Pods the cluster still has (kubectl get pods -o name, every namespace). */
        String pods() throws Exception {
            var r = kubectl("get", "pods", "-A", "-o", "name");
            if (r.exit() != 0) throw new AssertionError("kubectl get pods: " + r.all());
            return r.out().strip();
        }

        /** Whether the cluster holds a pod now, read from its state folder (no kubectl: a poll that cannot stall). */
        boolean hasPods() throws Exception {
            Path pods = state.resolve("pods");
            if (!Files.isDirectory(pods)) return false;
            try (var s = Files.walk(pods)) { return s.anyMatch(f -> f.toString().endsWith(".json")); }
        }

        /** The API server's request log: method, path and query of every request, one a line. */
        String requests() throws Exception { return Files.readString(state.resolve("requests.log")); }
    }

    static void assertSameFieldsAsLocal(JsonNode t) {
        for (String f : List.of("trial", "status", "exit_code", "start", "running_time", "app_start", "bench_start", "end", "iterations",
                "throughput_mflops", "elapsed_s", "valid", "cold_start_time", "time_to_main", "avg_cpu_cores", "peak_mem_bytes",
                "avg_mem_bytes", "throttled_events", "samples"))
            assertTrue(t.has(f), "field " + f);
    }

    @Test void staticImageEndToEnd() throws Exception {
        Cluster c = new Cluster("static");
        var truth = new TaskCpu("mmb-static 128 ");
        var r = truth.around(() -> c.bench("--image", "mmb-static:latest", "--runtime-class", "default", "--sizes", "128", "--trials", "2",
                "--duration", "2", "--warmup-seconds", "1", "--interval", "0.2"));
        assertEquals(0, r.exit(), r.all());
        JsonNode f = c.file("mmb-static_default.json");
        assertEquals("k8s", f.path("environment").path("backend").asText());
        assertTrue(f.path("environment").path("runtime_version").asText().contains("k3s"), "server version recorded");
        assertEquals("Never", f.path("environment").path("pod_spec").path("spec").path("restartPolicy").asText());
        for (JsonNode t : f.path("results").path("128_warm")) {
            assertSameFieldsAsLocal(t);
            assertEquals("ok", t.path("status").asText(), t.toString());
            truth.assertMatches(t, 0.05, false);
            assertTrue(t.path("peak_mem_bytes").asLong() >= 3L * 8 * 128 * 128);
            JsonNode k = t.path("k8s");
            assertTrue(k.path("cgroup").asText().startsWith("kubepods/besteffort/pod"), k.toString());
            assertEquals("BestEffort", k.path("qos_class").asText());
            assertTrue(k.path("container_id").asText().startsWith("containerd://"));
            assertEquals(0, k.path("server_times").path("exit_code").asInt());
            double created = k.path("server_times").path("creation").asDouble();
            assertEquals(Math.floor(created), created, "API times are whole seconds");
            assertTrue(k.path("bench_start_runtime").asDouble() > 0 && k.path("end_runtime").asDouble() > k.path("bench_start_runtime").asDouble());
            assertEquals(t.path("bench_start").asDouble(), k.path("bench_start_runtime").asDouble(), 0.5, "runtime time next to ours");
            assertTrue(t.path("cold_start_time").asDouble() > 0 && t.path("cold_start_time").asDouble() < 10);
            assertTrue(k.path("observed").size() >= 2, "phases observed");
        }
        assertEquals("", c.pods(), "every pod deleted after its trial");
    }

    @Test void wasmRuntimeClassAndDebianImage() throws Exception {
        Cluster c = new Cluster("wasm");
        var w = c.bench("--image", "mmb-wasm:latest", "--runtime-class", "wasmtime", "--sizes", "64", "--trials", "1",
                "--duration", "1", "--no-warmup", "--interval", "0.2");
        assertEquals(0, w.exit(), w.all());
        JsonNode t = c.file("mmb-wasm_wasmtime.json").path("results").path("64_cold").get(0);
        assertEquals("wasm32-wasi", t.path("program").path("target").asText());
        assertEquals("wasmtime", c.file("mmb-wasm_wasmtime.json").path("environment").path("pod_spec").path("spec").path("runtimeClassName").asText());
        assertEquals("", c.pods());
        var d = c.bench("--image", "mmb-debian:latest", "--sizes", "64", "--trials", "1", "--duration", "1", "--no-warmup", "--interval", "0.2",
                "--keep-pods");
        assertEquals(0, d.exit(), d.all());
        assertTrue(c.pods().startsWith("pod/mmb-mmb-debian-default-64-t1-"), "--keep-pods keeps it: " + c.pods());
        assertFalse(c.file("mmb-debian_default.json").path("environment").path("pod_spec").path("spec").has("runtimeClassName"));
    }

    @Test void systemdDriverGuaranteedPodWithLimits() throws Exception {
        Cluster c = new Cluster("systemd", "MMB_STANDIN_CGROUP_DRIVER", "systemd");
        var truth = new TaskCpu("mmb-static 128 ");
        var r = truth.around(() -> c.bench("--image", "mmb-static:latest", "--sizes", "128", "--trials", "1", "--duration", "2", "--no-warmup",
                "--interval", "0.25", "--cpu-limit", "0.5", "--memory-limit", "64Mi"));
        assertEquals(0, r.exit(), r.all());
        JsonNode f = c.file("mmb-static_default.json");
        JsonNode res = f.path("environment").path("pod_spec").path("spec").path("containers").get(0).path("resources");
        assertEquals("500m", res.path("limits").path("cpu").asText());
        assertEquals(res.path("limits"), res.path("requests"), "requests = limits");
        JsonNode t = f.path("results").path("128_cold").get(0);
        assertTrue(t.path("k8s").path("cgroup").asText().startsWith("kubepods.slice/kubepods-pod"), t.path("k8s").toString());
        assertTrue(t.path("k8s").path("cgroup").asText().endsWith(".scope"));
        assertEquals("Guaranteed", t.path("k8s").path("qos_class").asText());
        truth.assertMatches(t, 0.05, false);
        assertTrue(t.path("avg_cpu_cores").asDouble() <= 0.55, "at most the limit: " + t.path("avg_cpu_cores"));
        // throttled only when it wanted more than the limit: a busy machine can give it less than half a core
        if (truth.coresOf(t) >= 0.45) assertTrue(t.path("throttled_events").asLong() > 0, t.toString());
    }

    @Test void runwasiMisplacedCgroupIsFound() throws Exception {
        Cluster c = new Cluster("runwasi", "MMB_STANDIN_FAULTS", "runwasi-misplaced");
        var r = c.bench("--image", "mmb-wasm:latest", "--runtime-class", "wasmedge", "--sizes", "64", "--trials", "1",
                "--duration", "1", "--no-warmup", "--interval", "0.2");
        assertEquals(0, r.exit(), r.all());
        String cg = c.file("mmb-wasm_wasmedge.json").path("results").path("64_cold").get(0).path("k8s").path("cgroup").asText();
        assertTrue(cg.matches("kubepods-besteffort-pod[0-9a-f_]+\\.slice:cri-containerd:[0-9a-f]{64}"), cg);
    }

    @Test void cgroupV2LayoutOnTheUnifiedHierarchy() throws Exception {
        Path v2 = Path.of("/sys/fs/cgroup/unified");
        Assumptions.assumeTrue(Files.exists(v2.resolve("cgroup.procs")), "hybrid host with a separate v2 mount (pure v2 hosts run everything on v2)");
        Cluster c = new Cluster("v2", "MMB_STANDIN_CGROUP_VERSION", "v2", "MMB_STANDIN_CGROUP_DRIVER", "systemd");
        var truth = new TaskCpu("mmb-static 64 ");
        var r = truth.around(() -> c.bench("--image", "mmb-static:latest", "--sizes", "64", "--trials", "1", "--duration", "1", "--no-warmup",
                "--interval", "0.2", "--cgroup-root", v2.toString()));
        assertEquals(0, r.exit(), r.all());
        JsonNode f = c.file("mmb-static_default.json");
        assertEquals("cgroup-v2", f.path("environment").path("sampler").asText());
        JsonNode t = f.path("results").path("64_cold").get(0);
        assertTrue(t.path("k8s").path("cgroup").asText().startsWith("kubepods.slice/kubepods-besteffort.slice/"), t.path("k8s").toString());
        truth.assertMatches(t, 0.05, false);
    }

    @Test void aPodOnAnotherNodeStopsTheRunWithTheFix() throws Exception {
        Path v2 = Path.of("/sys/fs/cgroup/unified");
        Assumptions.assumeTrue(Files.exists(v2.resolve("cgroup.procs")), "needs a cgroup hierarchy the stand-in does not use");
        // The stand-in's node is node-b and it lays cgroups out in the v1 hierarchies; we look in the (empty) v2 one.
        Cluster c = new Cluster("othernode", "MMB_STANDIN_NODE", "node-b");
        var r = c.bench("--image", "mmb-static:latest", "--sizes", "64", "--trials", "2", "--duration", "1", "--no-warmup",
                "--cgroup-root", v2.toString());
        assertEquals(4, r.exit(), r.all());
        assertTrue(r.err().contains("ran on node node-b") && r.err().contains("--node"), r.err());
        assertEquals("", c.pods(), "its pod deleted");
    }

    @Test void kubeconfigContextAndNamespaceGoToEveryKubectlCall() throws Exception {
        // The kubeconfig's current context is a closed port: a call without --context mmb-test would fail.
        Path log = work.resolve("kubectl-calls.log");
        Path wrapper = work.resolve("kubectl-logging");
        Files.writeString(wrapper, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> " + log + "\nexec kubectl \"$@\"\n");
        wrapper.toFile().setExecutable(true);
        Cluster c = new Cluster("globals", "MMB_KUBECTL", wrapper.toString(), "MMB_STANDIN_NAMESPACES", "bench");
        var r = c.bench("--image", "mmb-static:latest", "--sizes", "32", "--trials", "1", "--duration", "0.3", "--no-warmup",
                "--namespace", "bench");
        assertEquals(0, r.exit(), r.all());
        List<String> calls = Files.readAllLines(log);
        assertTrue(calls.size() >= 5, calls.toString());
        for (String call : calls)
            assertTrue(call.contains("--kubeconfig " + c.kubeconfig) && call.contains("--context mmb-test") && call.contains("--namespace bench"), call);
        assertTrue(calls.stream().anyMatch(l -> l.startsWith("create -f -")) && calls.stream().anyMatch(l -> l.startsWith("logs ")));
        String requests = c.requests();
        assertTrue(requests.contains("POST /api/v1/namespaces/bench/pods?"), requests);
        assertFalse(requests.contains("/namespaces/default/pods"), "nothing went to another namespace: " + requests);
    }

    @Test void setupFailuresStopBeforeAnyTrial() throws Exception {
        Cluster c = new Cluster("setup"), noKubectlCluster = new Cluster("nokubectl", "MMB_KUBECTL", "/nonexistent/kubectl"),
                downCluster = new Cluster("down", "MMB_STANDIN_FAULTS", "unreachable");
        // four independent refusals (each a JVM and a few kubectl calls, nothing timed), side by side
        var noKubectlRun = TestSupport.inBackground("nokubectl", () -> noKubectlCluster.bench("--image", "mmb-static:latest"));
        var downRun = TestSupport.inBackground("down", () -> downCluster.bench("--image", "mmb-static:latest"));
        var nsRun = TestSupport.inBackground("ns", () -> c.bench("--image", "mmb-static:latest", "--namespace", "bench"));
        var rc = c.bench("--image", "mmb-wasm:latest", "--runtime-class", "wamr");
        var noKubectl = TestSupport.outcome(noKubectlRun, 240);
        var down = TestSupport.outcome(downRun, 240);
        var ns = TestSupport.outcome(nsRun, 240);

        assertEquals(4, noKubectl.exit(), noKubectl.all());
        assertTrue(noKubectl.err().contains("MMB_KUBECTL"), noKubectl.err());
        assertEquals(4, down.exit());
        assertTrue(down.err().contains("cannot reach the cluster") && down.err().contains("refused"), down.err());
        assertEquals(4, ns.exit());
        assertTrue(ns.err().contains("namespace \"bench\" does not exist") && ns.err().contains("kubectl create namespace bench"), ns.err());
        assertEquals(4, rc.exit());
        assertTrue(rc.err().contains("RuntimeClass \"wamr\" not found") && rc.err().contains("containerd-shim-wamr-v1"), rc.err());
        assertFalse(Files.exists(work.resolve("setup")), "no result file for a run that never started");
    }

    @Test void missingImageFailsEachTrialAtOnceWithTheHint() throws Exception {
        Cluster c = new Cluster("noimage", "MMB_STANDIN_IMAGES", "mmb-debian");
        long t0 = System.nanoTime();
        var r = c.bench("--image", "mmb-static:latest", "--sizes", "64", "--trials", "2", "--duration", "1", "--no-warmup",
                "--image-pull-policy", "Never");
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "fails fast");
        assertEquals(1, r.exit(), r.all());
        JsonNode list = c.file("mmb-static_default.json").path("results").path("64_cold");
        assertEquals(2, list.size(), "the run goes on after a failed trial");
        for (JsonNode t : list) {
            assertEquals("failed", t.path("status").asText());
            assertTrue(t.path("error").asText().contains("ErrImageNeverPull") && t.path("error").asText().contains("make image-build"), t.path("error").asText());
        }
        assertEquals("", c.pods());
    }

    @Test void containerFailuresAreRecorded() throws Exception {
        var exit3 = new Cluster("exit3", "MMB_STANDIN_FAULTS", "exit=3");
        var r = exit3.bench("--image", "mmb-static:latest", "--sizes", "64", "--trials", "1", "--duration", "0.5", "--no-warmup");
        assertEquals(1, r.exit(), r.all());
        JsonNode t = exit3.file("mmb-static_default.json").path("results").path("64_cold").get(0);
        assertEquals("failed", t.path("status").asText());
        assertEquals(3, t.path("exit_code").asInt());

        var oom = new Cluster("oom", "MMB_STANDIN_FAULTS", "oom");
        r = oom.bench("--image", "mmb-static:latest", "--sizes", "64", "--trials", "1", "--duration", "0.5", "--no-warmup");
        t = oom.file("mmb-static_default.json").path("results").path("64_cold").get(0);
        assertEquals("failed", t.path("status").asText());
        assertTrue(t.path("error").asText().contains("OOMKilled"), t.path("error").asText());
        assertEquals(137, t.path("exit_code").asInt());

        var never = new Cluster("never", "MMB_STANDIN_FAULTS", "never-start");
        r = never.bench("--image", "mmb-static:latest", "--sizes", "64", "--trials", "1", "--duration", "0.5", "--no-warmup", "--startup-timeout", "2");
        t = never.file("mmb-static_default.json").path("results").path("64_cold").get(0);
        assertTrue(t.path("error").asText().contains("--startup-timeout") && t.path("error").asText().contains("ContainerCreating"), t.path("error").asText());
        assertEquals("", never.pods());
    }

    @Test void slowStartShowsInColdStart() throws Exception {
        var fast = new Cluster("fast", "MMB_STANDIN_FAULTS", "slow-start=0.2");
        var slow = new Cluster("slow", "MMB_STANDIN_FAULTS", "slow-start=1.7");
        var rf = fast.bench("--image", "mmb-static:latest", "--sizes", "32", "--trials", "2", "--duration", "0.3", "--no-warmup");
        assertEquals(0, rf.exit(), rf.all());
        var rs = slow.bench("--image", "mmb-static:latest", "--sizes", "32", "--trials", "2", "--duration", "0.3", "--no-warmup");
        assertEquals(0, rs.exit(), rs.all());
        JsonNode ft = fast.file("mmb-static_default.json").path("results").path("32_cold");
        JsonNode st = slow.file("mmb-static_default.json").path("results").path("32_cold");
        double f = ft.get(1).path("cold_start_time").asDouble(), s = st.get(1).path("cold_start_time").asDouble();
        // the node's own admitted → exec of the same pods (FidelityTest: the harness adds only its client's overhead)
        double nf = FidelityTest.truth(fast, ft).get(1), ns = FidelityTest.truth(slow, st).get(1);
        assertTrue(ns - nf > 1.2, "the node saw 1.5 s more ContainerCreating: " + nf + " → " + ns);
        assertTrue(s - f > 1.0, "and so does the harness: fast " + f + ", slow " + s + " (node " + nf + ", " + ns + ")");
        assertTrue(f >= nf && s >= ns, "never less than the node saw: fast " + f + " ≥ " + nf + ", slow " + s + " ≥ " + ns);
    }

    @Test void aWatchTheServerEndsIsOpenedAgain() throws Exception {
        // The API server ends every watch after 1 s (a real one after 30-60 min): kubectl get -w exits 0 each time.
        var c = new Cluster("watch-timeout", "MMB_STANDIN_FAULTS", "watch-timeout=1,slow-start=1.5");
        var r = c.bench("--image", "mmb-static:latest", "--sizes", "32", "--trials", "1", "--duration", "2", "--no-warmup");
        assertEquals(0, r.exit(), r.all());
        JsonNode t = c.file("mmb-static_default.json").path("results").path("32_cold").get(0);
        assertEquals("ok", t.path("status").asText(), t.toString());
        assertTrue(c.requests().split("watch=true", -1).length - 1 >= 3, "the watch was opened again: " + c.requests());
    }

    @Test void transientReadFailuresAreRetried() throws Exception {
        var c = new Cluster("flaky", "MMB_STANDIN_FAULTS", "flaky=3");
        var r = c.bench("--image", "mmb-static:latest", "--sizes", "32", "--trials", "1", "--duration", "0.3", "--no-warmup");
        assertEquals(0, r.exit(), r.all());
    }

    @Test void sigintDeletesThePodAndAKilledRunsPodsAreRemovedNextTime() throws Exception {
        Cluster c = new Cluster("sigint");
        // Trials long enough (5 s) that the pod is still running when the test's poll of the node's pods sees it.
        List<String> a = c.benchArgs("--image", "mmb-static:latest", "--sizes", "64", "--trials", "3", "--duration", "5", "--no-warmup",
                "--interval", "0.5");
        ProcessBuilder pb = TestSupport.javaMain("single_env_bench", a).redirectErrorStream(true).redirectOutput(work.resolve("sigint.log").toFile());
        pb.environment().putAll(c.env);
        Process p = pb.start();
        Path json = work.resolve("sigint/mmb-static_default.json");
        try {
            assertTrue(TestSupport.waitFor(() -> Files.exists(json), 60), "first trial saved");
            assertTrue(TestSupport.waitFor(() -> { try { return c.hasPods(); } catch (Exception e) { return false; } }, 30));
            Thread.sleep(800);
            TestSupport.signal(p.pid(), "INT");
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(130, p.exitValue(), Files.readString(work.resolve("sigint.log")));
        } finally { p.destroyForcibly(); }
        assertEquals("", c.pods(), "the current pod deleted on SIGINT");
        assertEquals("interrupted", TestSupport.readJson(json).path("results").path("64_cold").get(1).path("status").asText());

        // SIGKILL leaves the pod; the next run of this environment removes it.
        List<String> resume = new ArrayList<>(a);
        resume.add("--resume");
        ProcessBuilder pbk = TestSupport.javaMain("single_env_bench", resume).redirectErrorStream(true).redirectOutput(work.resolve("sigkill.log").toFile());
        pbk.environment().putAll(c.env);
        Process k = pbk.start();
        try {
            assertTrue(TestSupport.waitFor(() -> { try { return c.hasPods(); } catch (Exception e) { return false; } }, 60));
            TestSupport.signal(k.pid(), "KILL");
            k.waitFor();
        } finally { k.destroyForcibly(); }
        String left = c.pods();
        assertFalse(left.isEmpty(), "a killed run leaves its pod");
        // (the same settings, or the file is refused before the cluster is touched; trial 1 is done: nothing else runs)
        var again = c.bench("--image", "mmb-static:latest", "--sizes", "64", "--trials", "1", "--duration", "5", "--no-warmup", "--resume",
                "--interval", "0.5");
        assertTrue(again.err().contains("earlier run left"), again.all());
        assertEquals("", c.pods());
    }
}
