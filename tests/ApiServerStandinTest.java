import org.junit.jupiter.api.*;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.regex.*;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Tests of the API server stand-in (tests/k8s/apiserver.py) and its kubelet (tests/k8s/cluster.py), through the real
 * kubectl: real processes, real cgroups, kubectl's own requests, texts and exit codes. Each test has its own state
 * folder and server (restarted when the test changes the cluster's environment; the state folder persists), and
 * removes its pods afterwards.
 */
@Tag("e2e")
class ApiServerStandinTest {
    static Path buildDir;       // mmb-debian, mmb-static, mmb.wasm (the repo's build/, or stand-ins compiled here)
    static Path ownBuild;

    @TempDir Path state;
    final Map<String, String> env = new HashMap<>();
    Process server;
    Map<String, String> serverEnv;

    static final Pattern API_TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    static final Pattern CONTAINER_ID = Pattern.compile("containerd://([0-9a-f]{64})");
    static final Pattern TIMESTAMPED = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z (.*)$");

    @BeforeAll
    static void workloads() throws Exception {
        Path repoBuild = TestSupport.repo().resolve("build");
        if (Files.isExecutable(repoBuild.resolve("mmb-static")) && Files.isExecutable(repoBuild.resolve("mmb-debian"))
                && Files.exists(repoBuild.resolve("mmb.wasm"))) {
            buildDir = repoBuild;
            return;
        }
        // the real programs are not built: a tiny program with the same protocol
        ownBuild = Files.createTempDirectory("mmb-standin-build");
        Path c = ownBuild.resolve("w.c");
        Files.writeString(c, String.join("\n",
            "#include <stdio.h>", "#include <stdlib.h>", "#include <time.h>",
            "static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}",
            "int main(int c,char**v){if(c<3){fprintf(stderr,\"usage: mmb SIZE DURATION_S [WARMUP_S]\\n\");return 2;}",
            " double d=atof(v[2]),w=c>3?atof(v[3]):0;printf(\"MMB_READY size=%s duration=%s warmup=%s compiler=cc flags=\\\"-O2\\\" target=standin\\n\",v[1],v[2],c>3?v[3]:\"0\");fflush(stdout);",
            " volatile double x=0;double s=now();while(now()-s<w)x+=1;puts(\"BENCH_START\");fflush(stdout);long it=0;s=now();",
            " while(now()-s<d){for(int i=0;i<100000;i++)x+=i;it++;}double e=now()-s;",
            " printf(\"BENCH_END\\niterations=%ld\\nthroughput_mflops=%.3f\\nelapsed_s=%.6f\\nvalid=true\\n\",it,it*0.1/e,e);return 0;}", ""));
        exec(List.of("gcc", "-O1", "-o", ownBuild.resolve("mmb-debian").toString(), c.toString()));
        exec(List.of("gcc", "-O1", "-static", "-o", ownBuild.resolve("mmb-static").toString(), c.toString()));
        exec(List.of("clang", "--target=wasm32-wasi", "--sysroot=/usr", "-O1", "-o", ownBuild.resolve("mmb.wasm").toString(), c.toString()));
        buildDir = ownBuild;
    }

    static void exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), cmd + ": " + out);
    }

    @AfterAll
    static void removeOwnBuild() throws IOException {
        if (ownBuild != null) {
            try (var s = Files.walk(ownBuild)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @BeforeEach
    void environment() {
        env.put("MMB_STANDIN_STATE", state.toString());
        env.put("MMB_STANDIN_BUILD_DIR", buildDir.toString());
        env.put("KUBECACHEDIR", state.resolve("kube-cache").toString());
    }

    @AfterEach
    void cleanUp() throws Exception {
        stopServer();
        TestSupport.Run reset = StandinCluster.reset(state);
        assertEquals(0, reset.exit(), reset.all());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the API server, and the real kubectl against it

    Path kubeconfig() { return state.resolve("kubeconfig"); }

    /** Starts the server with the test's environment, or restarts it when the environment changed. */
    void ensureServer() throws Exception {
        if (server != null && server.isAlive() && env.equals(serverEnv)) return;
        stopServer();
        Files.deleteIfExists(kubeconfig());
        server = StandinCluster.startServer(state, kubeconfig(), env);
        serverEnv = new HashMap<>(env);
    }

    void stopServer() throws InterruptedException {
        if (server == null) return;
        server.destroy();
        server.waitFor();
        server = null;
    }

    /** Lines of the server's request log (method, path and query). */
    List<String> requests() throws IOException { return Files.readAllLines(state.resolve("requests.log")); }

    record Result(int code, String out, String err) {
        String lastErrLine() {
            String[] l = err.strip().split("\n");
            return l[l.length - 1];
        }
    }

    /** The real kubectl (on PATH, or MMB_KUBECTL: tests/kubectl/kubectl for client faults) with this cluster's config. */
    ProcessBuilder builder(List<String> args) throws Exception {
        ensureServer();
        List<String> cmd = new ArrayList<>();
        cmd.add(env.getOrDefault("MMB_KUBECTL", "kubectl"));
        cmd.addAll(args);
        cmd.addAll(List.of("--kubeconfig", kubeconfig().toString(), "--context", "mmb-test"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return pb;
    }

    Result kubectlIn(String stdin, String... args) throws Exception {
        ProcessBuilder pb = builder(List.of(args));
        Path o = Files.createTempFile(state, "out", ".txt"), e = Files.createTempFile(state, "err", ".txt");
        pb.redirectOutput(o.toFile()).redirectError(e.toFile());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("kubectl " + String.join(" ", args) + " did not end");
        }
        Result r = new Result(p.exitValue(), Files.readString(o), Files.readString(e));
        Files.delete(o);
        Files.delete(e);
        return r;
    }

    Result kubectl(String... args) throws Exception {
        return kubectlIn(null, args);
    }

    /** A kubectl that keeps running (watch, logs -f): its stdout lines arrive in a queue. */
    final class Streaming implements AutoCloseable {
        final Process p;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuffer err = new StringBuffer();
        final Thread errReader;

        Streaming(String... args) throws Exception {
            p = builder(List.of(args)).start();
            p.getOutputStream().close();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) lines.add(l);
                } catch (IOException ignored) { }
                lines.add("\u0000EOF");
            });
            t.setDaemon(true);
            t.start();
            errReader = new Thread(() -> {
                try { err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)); }
                catch (IOException ignored) { }
            });
            errReader.setDaemon(true);
            errReader.start();
        }

        /** The next line, or null at the end of the output; fails after the timeout. */
        String next(double seconds) throws InterruptedException {
            String l = lines.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
            assertNotNull(l, "no output within " + seconds + " s; stderr: " + err);
            return l.equals("\u0000EOF") ? null : l;
        }

        /** The exit status, once the process has ended and all of its stderr is in {@link #err}. */
        int exitCode(double seconds) throws InterruptedException {
            assertTrue(p.waitFor((long) (seconds * 1000), TimeUnit.MILLISECONDS), "did not end; stderr: " + err);
            errReader.join(5000); // the process can end before its last stderr bytes are read
            return p.exitValue();
        }

        @Override public void close() {
            p.destroyForcibly();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // pods

    static String podJson(String name, String image, String runtimeClass, String resources, String... args) {
        StringBuilder a = new StringBuilder();
        for (String s : args) a.append(a.length() == 0 ? "" : ",").append('"').append(s).append('"');
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":\"mmb\",\"run\":\"" + name + "\"}},"
            + "\"spec\":{\"restartPolicy\":\"Never\"" + (runtimeClass == null ? "" : ",\"runtimeClassName\":\"" + runtimeClass + "\"")
            + ",\"containers\":[{\"name\":\"bench\",\"image\":\"" + image + "\",\"imagePullPolicy\":\"Never\",\"args\":[" + a + "]"
            + (resources == null ? "" : ",\"resources\":" + resources) + "}]}}";
    }

    void create(String json) throws Exception {
        Result r = kubectlIn(json, "create", "-f", "-", "-o", "name");
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("\"name\":\"([^\"]+)\"").matcher(json);
        assertTrue(m.find());
        assertEquals("pod/" + m.group(1) + "\n", r.out());
    }

    String pod(String name) throws Exception {
        Result r = kubectl("get", "pod", name, "-o", "json");
        assertEquals(0, r.code(), r.err());
        return r.out();
    }

    static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":\\s*(\"([^\"]*)\"|(-?\\d+))").matcher(json);
        if (!m.find()) return null;
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    static String phase(String json) { return field(json, "phase"); }

    /** Polls the pod until the predicate holds; returns its JSON. */
    String awaitPod(String name, java.util.function.Predicate<String> p, double seconds) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        String last = null;
        while (System.nanoTime() < end) {
            last = pod(name);
            if (p.test(last)) return last;
            Thread.sleep(20);
        }
        fail("pod " + name + " did not get there in " + seconds + " s: " + last);
        return null;
    }

    String awaitRunning(String name) throws Exception {
        return awaitPod(name, j -> "Running".equals(phase(j)) && j.contains("\"running\""), 10);
    }

    String awaitDone(String name) throws Exception {
        return awaitPod(name, j -> "Succeeded".equals(phase(j)) || "Failed".equals(phase(j)), 20);
    }

    static String containerId(String json) {
        Matcher m = CONTAINER_ID.matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // cgroups as the tests see them

    /** The mountpoints of the cpu and memory hierarchies (v1), or the unified one (v2). */
    static List<Path> hierarchies() throws IOException {
        Map<String, Path> v1 = new LinkedHashMap<>();
        Path v2 = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] halves = line.split(" - ", 2);
            String[] f = halves[0].split(" "), r = halves[1].split(" ");
            if (r[0].equals("cgroup")) {
                for (String c : List.of("cpu", "memory"))
                    if (Arrays.asList(r[2].split(",")).contains(c)) v1.putIfAbsent(c, Path.of(f[4]));
            } else if (r[0].equals("cgroup2") && v2 == null) v2 = Path.of(f[4]);
        }
        if (!v1.isEmpty()) return new ArrayList<>(new LinkedHashSet<>(v1.values()));
        return List.of(v2);
    }

    static boolean v2() throws IOException {
        return Files.exists(hierarchies().get(0).resolve("cgroup.controllers"));
    }

    static String expectedContainerCgroup(String driver, String qos, String uid, String id, boolean misplaced) {
        String u = uid.replace('-', '_');
        if (misplaced)
            return (qos.equals("Guaranteed") ? "kubepods-pod" + u : "kubepods-" + qos.toLowerCase() + "-pod" + u) + ".slice:cri-containerd:" + id;
        if (driver.equals("cgroupfs"))
            return (qos.equals("Guaranteed") ? "kubepods/pod" + uid : "kubepods/" + qos.toLowerCase() + "/pod" + uid) + "/" + id;
        return qos.equals("Guaranteed")
            ? "kubepods.slice/kubepods-pod" + u + ".slice/cri-containerd-" + id + ".scope"
            : "kubepods.slice/kubepods-" + qos.toLowerCase() + ".slice/kubepods-" + qos.toLowerCase() + "-pod" + u + ".slice/cri-containerd-" + id + ".scope";
    }

    static String cmdline(String pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", pid, "cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the tests

    @Test
    void versionNamespacesRuntimeClassesNodes() throws Exception {
        Result v = kubectl("version", "-o", "json");
        assertEquals(0, v.code(), v.err());
        assertTrue(v.out().contains("\"clientVersion\": {"), v.out());
        assertTrue(v.out().matches("(?s).*\"serverVersion\": \\{.*\"gitVersion\": \"v1\\.\\d+\\.\\d+\\+k3s1\".*"), v.out());
        Result c = kubectl("version", "--client", "-o", "json");
        assertEquals(0, c.code());
        assertFalse(c.out().contains("serverVersion"));

        assertEquals(new Result(0, "namespace/default\n", ""), kubectl("get", "namespace", "default", "-o", "name"));
        assertTrue(kubectl("-n", "kube-system", "get", "ns", "default", "-o", "json").out().contains("\"kind\": \"Namespace\""));
        Result nsMissing = kubectl("get", "namespace", "nope", "-o", "name");
        assertEquals(1, nsMissing.code());
        assertEquals("Error from server (NotFound): namespaces \"nope\" not found\n", nsMissing.err());
        env.put("MMB_STANDIN_NAMESPACES", "bench");
        assertEquals("namespace/bench\n", kubectl("get", "namespace", "bench", "-o", "name").out());

        assertEquals("runtimeclass.node.k8s.io/wasmtime\n", kubectl("get", "runtimeclass", "wasmtime", "-o", "name").out());
        assertEquals("wasmedge", field(kubectl("get", "runtimeclass", "wasmedge", "-o", "json").out(), "handler"));
        Result rcMissing = kubectl("get", "runtimeclass", "wamr", "-o", "name");
        assertEquals(1, rcMissing.code());
        assertEquals("Error from server (NotFound): runtimeclasses.node.k8s.io \"wamr\" not found\n", rcMissing.err());
        env.put("MMB_STANDIN_RUNTIMECLASSES", "wasmtime,wamr");
        assertEquals(0, kubectl("get", "runtimeclass", "wamr", "-o", "name").code());

        env.put("MMB_STANDIN_NODE", "node-a");
        String nodes = kubectl("get", "nodes", "-o", "json").out();
        assertTrue(nodes.contains("\"kind\": \"List\"") && nodes.contains("\"name\": \"node-a\""), nodes);
        assertEquals(0, kubectl("get", "node", "node-a", "-o", "json").code());
        assertEquals("Error from server (NotFound): nodes \"node-b\" not found\n", kubectl("get", "node", "node-b", "-o", "json").err());

        Result flag = kubectl("get", "pods", "--frobnicate", "-o", "json");
        assertEquals(new Result(1, "", "Error: unknown flag: --frobnicate\nSee 'kubectl get --help' for usage.\n"), flag);
        Result other = kubectl("get", "deployments", "-o", "name");
        assertEquals(new Result(1, "", "error: the server doesn't have a resource type \"deployments\"\n"), other, "not modelled");
        Result empty = kubectl("get", "pods", "-l", "app=none", "-o", "json");
        assertEquals(0, empty.code(), empty.err());
        assertTrue(empty.out().contains("\"items\": []"));
    }

    @Test
    void theServersVersionPicksTheClientAndEitherDrivesAPod() throws Exception {
        // The machine's kubectl is a dispatcher that runs the kubectl.1.NN matching the server's minor version.
        for (String version : List.of("v1.31.9+k3s1", "v1.32.5+k3s1")) {
            env.put("MMB_STANDIN_K8S_VERSION", version);
            Result v = kubectl("version", "-o", "json");
            assertEquals(0, v.code(), v.err());
            String minor = version.substring(1, 5);
            assertTrue(v.out().contains("\"gitVersion\": \"" + version + "\""), v.out());
            System.out.println("kubectl for " + version + ": " + field(v.out(), "gitVersion"));
            String name = "ver" + minor.replace(".", "");
            create(podJson(name, "mmb-static", null, null, "64", "0.2", "0"));
            assertEquals("Succeeded", phase(awaitDone(name)));
            assertTrue(kubectl("logs", name, "--timestamps").out().contains("BENCH_END"));
            assertEquals(new Result(0, "pod \"" + name + "\" deleted\n", ""), kubectl("delete", "pod", name, "--wait=true"));
        }
        // kubectl ≥ 1.27 leaves validation to the server; older ones (Debian 12's 1.20) validate from OpenAPI v2 themselves
        int clientMinor = Integer.parseInt(field(kubectl("version", "--client", "-o", "json").out(), "minor").replaceAll("\\D", ""));
        boolean strict = requests().stream().anyMatch(l -> l.contains("POST /api/v1/namespaces/default/pods?") && l.contains("fieldValidation=Strict"));
        assertEquals(clientMinor >= 27, strict, "kubectl 1." + clientMinor + " validates on the " + (strict ? "server" : "client"));
    }

    @Test
    void theServerEndsAWatchAtItsTimeoutAndKubectlEndsQuietly() throws Exception {
        env.put("MMB_STANDIN_FAULTS", "watch-timeout=1.5");
        create(podJson("wt", "mmb-static", null, null, "64", "5", "0"));
        try (Streaming watch = new Streaming("get", "pods", "-l", "run=wt", "-w", "--output-watch-events", "-o", "json")) {
            assertTrue(watch.next(10).startsWith("{\"type\":\"ADDED\""));
            assertEquals(0, watch.exitCode(10), "kubectl get -w ends when the server ends the watch: " + watch.err);
        }
    }

    @Test
    void createErrorsAreTheApiServers() throws Exception {
        env.put("MMB_STANDIN_FAULTS", "never-start");
        create(podJson("p", "mmb-static", null, null, "64", "1", "0"));
        Result again = kubectlIn(podJson("p", "mmb-static", null, null, "64", "1", "0"), "create", "-f", "-", "-o", "name");
        assertEquals(new Result(1, "", "Error from server (AlreadyExists): error when creating \"STDIN\": pods \"p\" already exists\n"), again);
        Result ns = kubectlIn(podJson("q", "mmb-static", null, null), "create", "-n", "nowhere", "-f", "-", "-o", "name");
        assertEquals("Error from server (NotFound): error when creating \"STDIN\": namespaces \"nowhere\" not found\n", ns.err());
        Result rc = kubectlIn(podJson("q", "mmb-wasm", "wamr", null), "create", "-f", "-", "-o", "name");
        assertEquals("Error from server (Forbidden): error when creating \"STDIN\": pods \"q\" is forbidden: pod rejected: RuntimeClass \"wamr\" not found\n", rc.err());
        Result bad = kubectlIn(podJson("Bad_Name", "mmb-static", null, null), "create", "-f", "-", "-o", "name");
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("The Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"), bad.err());
        Result qty = kubectlIn(podJson("q", "mmb-static", null, "{\"limits\":{\"cpu\":\"half\"}}"), "create", "-f", "-", "-o", "name");
        assertEquals(1, qty.code());
        assertTrue(qty.err().startsWith("Error from server (BadRequest): error when creating \"STDIN\": Pod in version \"v1\" cannot be handled as a Pod: quantities must match"), qty.err());
        Result missing = kubectl("get", "pod", "nope", "-o", "json");
        assertEquals(new Result(1, "", "Error from server (NotFound): pods \"nope\" not found\n"), missing);
        // defaulting: requests from limits, canonical quantities
        create(podJson("r", "mmb-static", null, "{\"limits\":{\"cpu\":\"0.5\",\"memory\":\"1Gi\"}}"));
        String r = pod("r");
        assertTrue(r.contains("\"requests\": {\n                        \"cpu\": \"500m\",\n                        \"memory\": \"1Gi\""), r);
        assertEquals("Guaranteed", field(r, "qosClass"));
        assertEquals("pod/p\npod/r\n", kubectl("get", "pods", "-l", "app=mmb", "-o", "name").out());
    }

    @Test
    void watchSeesPendingRunningSucceededThenDeleted() throws Exception {
        env.put("MMB_STANDIN_FAULTS", "slow-start=1");
        create(podJson("w", "mmb-static", null, null, "64", "0.5", "0"));
        List<String> events = new ArrayList<>();
        try (Streaming watch = new Streaming("get", "pod", "w", "-w", "--output-watch-events", "-o", "json")) {
            String line;
            while ((line = watch.next(15)) != null) {
                events.add(line);
                if (line.contains("\"phase\":\"Succeeded\"")) break;
            }
            assertTrue(events.get(0).startsWith("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\""), events.get(0));
            assertTrue(events.get(0).contains("\"phase\":\"Pending\""), events.get(0));
            assertTrue(events.stream().skip(1).allMatch(e -> e.startsWith("{\"type\":\"MODIFIED\"")), events.toString());
            assertTrue(events.stream().anyMatch(e -> e.contains("\"reason\":\"ContainerCreating\"")));
            String running = events.stream().filter(e -> e.contains("\"phase\":\"Running\"")).findFirst().orElseThrow();
            String done = events.get(events.size() - 1);
            assertEquals(containerId(running), containerId(done));
            assertTrue(done.contains("\"exitCode\":0") && done.contains("\"reason\":\"Completed\""), done);
            for (String e : events) {
                Matcher m = Pattern.compile("\"(creationTimestamp|startTime|startedAt|finishedAt|lastTransitionTime)\":\"([^\"]*)\"").matcher(e);
                while (m.find()) assertTrue(API_TIME.matcher(m.group(2)).matches(), m.group());
            }
            long prev = 0;
            for (String e : events) {
                long rv = Long.parseLong(field(e, "resourceVersion"));
                assertTrue(rv > prev, "resourceVersion grows");
                prev = rv;
            }
            assertEquals("pod \"w\" deleted\n", kubectl("delete", "pod", "w").out());
            String last;
            do { last = watch.next(5); } while (last != null && !last.startsWith("{\"type\":\"DELETED\""));
            assertNotNull(last, "a DELETED event");
            assertTrue(watch.p.isAlive(), "like kubectl, the watch goes on after DELETED (until the request timeout)");
        }
        // --request-timeout ends a watch with exit 0
        create(podJson("w2", "mmb-static", null, null, "64", "0.2", "0"));
        try (Streaming watch = new Streaming("get", "pod", "w2", "-w", "--output-watch-events", "-o", "json", "--request-timeout=2s")) {
            assertEquals(0, watch.exitCode(8));
        }
    }

    @Test
    void logsBeforeStartIsTheKubeletsBadRequest() throws Exception {
        env.put("MMB_STANDIN_FAULTS", "never-start");
        create(podJson("lw", "mmb-static", null, null, "64", "1", "0"));
        awaitPod("lw", j -> j.contains("ContainerCreating"), 5);
        String msg = "Error from server (BadRequest): container \"bench\" in pod \"lw\" is waiting to start: ContainerCreating\n";
        assertEquals(new Result(1, "", msg), kubectl("logs", "lw"));
        long t0 = System.nanoTime();
        assertEquals(new Result(1, "", msg), kubectl("logs", "-f", "lw", "-c", "bench"));
        assertTrue(System.nanoTime() - t0 < 5e9, "-f does not wait");
        // kubectl checks the container's name itself, before asking the kubelet
        assertEquals(new Result(1, "", "error: container nope is not valid for pod lw\n"), kubectl("logs", "lw", "-c", "nope"));
    }

    @Test
    void logsFollowWithTimestampsGivesTheProtocol() throws Exception {
        create(podJson("lf", "mmb-debian", null, null, "64", "1", "0.2"));
        awaitRunning("lf");
        List<String> msgs = new ArrayList<>();
        try (Streaming logs = new Streaming("logs", "lf", "-f", "--timestamps")) {
            for (String l; (l = logs.next(15)) != null; ) {
                Matcher m = TIMESTAMPED.matcher(l);
                assertTrue(m.matches(), l);
                msgs.add(m.group(1));
            }
            assertEquals(0, logs.exitCode(5));
        }
        assertTrue(msgs.get(0).startsWith("MMB_READY size=64 duration=1 warmup=0.2"), msgs.toString());
        for (String want : List.of("BENCH_START", "BENCH_END", "valid=true"))
            assertTrue(msgs.contains(want), msgs.toString());
        assertTrue(msgs.stream().anyMatch(s -> s.startsWith("iterations=")) && msgs.stream().anyMatch(s -> s.startsWith("throughput_mflops=")));
        // after the end: the whole log, at once, also with -f
        awaitDone("lf");
        Result again = kubectl("logs", "lf", "-f");
        assertEquals(0, again.code());
        assertEquals(String.join("\n", msgs) + "\n", again.out());
    }

    /** Each QoS class of a row runs as its own pod, side by side (where they are is the point here, not their speed). */
    @ParameterizedTest(name = "{0} {1} misplaced={2}")
    @CsvSource({
        "cgroupfs, BestEffort Burstable Guaranteed, false",
        "systemd, BestEffort Burstable Guaranteed, false",
        "systemd, Burstable, true",
    })
    void containerCgroupIsWhereK3sPutsItAndHoldsTheWorkload(String driver, String qosClasses, boolean misplaced) throws Exception {
        env.put("MMB_STANDIN_CGROUP_DRIVER", driver);
        if (misplaced) env.put("MMB_STANDIN_FAULTS", "runwasi-misplaced");
        List<String> classes = List.of(qosClasses.split(" "));
        String image = misplaced ? "mmb-wasm" : "mmb-static";
        for (String qos : classes) {
            String resources = switch (qos) {
                case "Guaranteed" -> "{\"limits\":{\"cpu\":\"1\",\"memory\":\"512Mi\"}}";
                case "Burstable" -> "{\"requests\":{\"cpu\":\"250m\"}}";
                default -> null;
            };
            create(podJson(podName(qos), image, misplaced ? "wasmtime" : null, resources, "64", "3", "0"));   // all still running when checked
        }
        Map<String, String> rels = new LinkedHashMap<>(), podRels = new LinkedHashMap<>();
        for (String qos : classes) {
            String running = awaitRunning(podName(qos));
            assertEquals(qos, field(running, "qosClass"));
            String uid = field(running, "uid"), id = containerId(running);
            String rel = expectedContainerCgroup(driver, qos, uid, id, misplaced);
            rels.put(qos, rel);
            podRels.put(qos, rel.contains(":cri-containerd:") ? expectedContainerCgroup(driver, qos, uid, id, false) : rel);
            for (Path h : hierarchies()) {
                Path dir = h.resolve(rel);
                assertTrue(Files.isDirectory(dir), dir.toString());
                List<String> pids = Files.readAllLines(dir.resolve("cgroup.procs"));
                assertFalse(pids.isEmpty(), "the workload is in " + dir);
                String cmd = cmdline(pids.get(0));
                assertTrue(misplaced ? cmd.contains("node") && cmd.contains("mmb.wasm") : cmd.contains("mmb-static"), cmd);
            }
            if (qos.equals("Guaranteed")) {
                Path cpu = hierarchies().get(0).resolve(rel);
                if (v2()) assertEquals("100000 100000", Files.readString(cpu.resolve("cpu.max")).strip());
                else assertEquals("100000", Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip());
            }
        }
        for (String qos : classes) {
            awaitDone(podName(qos));
            for (Path h : hierarchies()) assertFalse(Files.exists(h.resolve(rels.get(qos))), "the container cgroup goes with its process");
            Path podDir = hierarchies().get(0).resolve(podRels.get(qos)).getParent();
            assertTrue(Files.isDirectory(podDir), "the pod cgroup stays until the pod is deleted: " + podDir);
            assertEquals(0, kubectl("delete", "pod", podName(qos)).code());
            // a pod that has ended is removed from the API at once; the kubelet's clean-up follows shortly
            long end = System.nanoTime() + 5_000_000_000L;
            while (Files.exists(podDir) && System.nanoTime() < end) Thread.sleep(20);
            assertFalse(Files.exists(podDir), podDir.toString());
        }
    }

    static String podName(String qos) { return "cg-" + qos.toLowerCase(Locale.ROOT); }

    @Test
    void cgroupV2PathOnTheUnifiedHierarchy() throws Exception {
        Path unified = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] halves = line.split(" - ", 2);
            if (halves[1].startsWith("cgroup2 ")) { unified = Path.of(halves[0].split(" ")[4]); break; }
        }
        Assumptions.assumeTrue(unified != null, "no cgroup2 mount");
        env.put("MMB_STANDIN_CGROUP_VERSION", "v2");
        env.put("MMB_STANDIN_CGROUP_DRIVER", "systemd");
        create(podJson("v2", "mmb-static", null, "{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},\"requests\":{\"cpu\":\"100m\"}}", "64", "1", "0"));
        String running = awaitRunning("v2");
        Path dir = unified.resolve(expectedContainerCgroup("systemd", "Burstable", field(running, "uid"), containerId(running), false));
        List<String> pids = Files.readAllLines(dir.resolve("cgroup.procs"));
        assertFalse(pids.isEmpty(), dir.toString());
        assertTrue(cmdline(pids.get(0)).contains("mmb-static"));
        assertTrue(Files.readAllLines(Path.of("/proc", pids.get(0), "cgroup")).contains("0::/" + unified.relativize(dir)));
        if (Files.exists(dir.resolve("cpu.max"))) assertEquals("50000 100000", Files.readString(dir.resolve("cpu.max")).strip());
        if (Files.exists(dir.resolve("memory.max"))) assertEquals(String.valueOf(256L << 20), Files.readString(dir.resolve("memory.max")).strip());
        awaitDone("v2");
        assertFalse(Files.exists(dir));
        assertEquals(0, kubectl("delete", "pod", "v2").code());
        Path podDir = dir.getParent();
        long end = System.nanoTime() + 5_000_000_000L;
        while (Files.exists(podDir) && System.nanoTime() < end) Thread.sleep(20);
        assertFalse(Files.exists(podDir));
    }

    @Test
    void cpuLimitOfHalfACoreThrottles() throws Exception {
        create(podJson("th", "mmb-static", null, "{\"limits\":{\"cpu\":\"0.5\"}}", "64", "1.5", "0"));
        String running = awaitRunning("th");
        Path dir = hierarchies().get(0).resolve(expectedContainerCgroup("cgroupfs", "Burstable", field(running, "uid"), containerId(running), false));
        long throttled = 0;
        long end = System.nanoTime() + 3_000_000_000L;
        while (throttled == 0 && System.nanoTime() < end) {
            try {
                for (String l : Files.readAllLines(dir.resolve("cpu.stat")))
                    if (l.startsWith("nr_throttled ")) throttled = Long.parseLong(l.substring(13).strip());
            } catch (NoSuchFileException gone) {
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(throttled > 0, "nr_throttled in " + dir);
    }

    @Test
    void deleteTerminatesTheWorkloadAndRemovesItsCgroups() throws Exception {
        create(podJson("long", "mmb-static", null, null, "64", "60", "0"));
        String running = awaitRunning("long");
        String rel = expectedContainerCgroup("cgroupfs", "BestEffort", field(running, "uid"), containerId(running), false);
        Path dir = hierarchies().get(0).resolve(rel);
        assertTrue(Files.isDirectory(dir));
        long t0 = System.nanoTime();
        assertEquals(new Result(0, "pod \"long\" deleted\n", ""), kubectl("delete", "pod", "long", "--timeout=20s"));
        assertTrue(System.nanoTime() - t0 < 10e9, "SIGTERM ends it long before the grace period");
        assertFalse(Files.exists(dir.getParent()), "pod cgroup removed");
        assertEquals(1, kubectl("get", "pod", "long", "-o", "json").code());
        assertEquals(new Result(1, "", "Error from server (NotFound): pods \"long\" not found\n"), kubectl("delete", "pod", "long"));
        assertEquals(new Result(0, "", ""), kubectl("delete", "pod", "long", "--ignore-not-found"));
        assertEquals("No resources found\n", kubectl("delete", "pods", "-l", "app=mmb").out());
    }

    @Test
    void wasmUnderRuncFailsWithExecFormatError() throws Exception {
        create(podJson("wr", "mmb-wasm", null, null, "64", "0.5", "0"));
        String done = awaitDone("wr");
        assertEquals("Failed", phase(done));
        assertEquals("1", field(done, "exitCode"));
        assertEquals("exec /mmb.wasm: exec format error\n", kubectl("logs", "wr").out());
        // under a wasm runtime class the same image runs
        create(podJson("ww", "mmb-wasm", "wasmedge", null, "64", "0.3", "0"));
        assertEquals("Succeeded", phase(awaitDone("ww")));
        assertTrue(kubectl("logs", "ww").out().contains("valid=true"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // faults

    @Test
    void faultUnreachable() throws Exception {
        env.put("MMB_STANDIN_FAULTS", "unreachable");
        Pattern refused = Pattern.compile("The connection to the server 127\\.0\\.0\\.1:\\d+ was refused - did you specify the right host or port\\?");
        Result get = kubectl("get", "pod", "x", "-o", "json");
        assertEquals(1, get.code());
        assertTrue(refused.matcher(get.lastErrLine()).matches(), get.err());
        Result v = kubectl("version", "-o", "json");
        assertEquals(1, v.code());
        assertTrue(v.out().contains("clientVersion") && !v.out().contains("serverVersion"), v.out());
        assertTrue(refused.matcher(v.lastErrLine()).matches(), v.err());
        // create first asks for the OpenAPI document (validation); kubectl 1.32 says so ("failed to download openapi"
        // … "connection refused"), 1.20 prints the refused connection as above
        Result create = kubectlIn(podJson("p", "mmb-static", null, null), "create", "-f", "-", "-o", "name");
        assertTrue(create.code() == 1 && (create.err().contains("connection refused") || refused.matcher(create.lastErrLine()).matches()), create.err());
    }

    @Test
    void faultApiLostAtPodFiresOnceItsWatchIsOpen() throws Exception {
        // Lost when the first pod runs *and* a watch selects it: on a busy machine the run is the same.
        env.put("MMB_STANDIN_FAULTS", "api-lost-at-pod=1");
        create(podJson("al", "mmb-static", null, null, "64", "2.5", "0"));
        awaitRunning("al");
        assertEquals(0, kubectl("get", "pod", "al", "-o", "name").code(), "no watch yet: the server still answers");
        try (Streaming logs = new Streaming("logs", "-f", "al")) {
            assertTrue(logs.next(10).startsWith("MMB_READY"), "logs -f is connected");
            Streaming watch = new Streaming("get", "pods", "-l", "run=al", "-w", "--output-watch-events", "-o", "json");
            int watchExit = watch.exitCode(10), logsExit = logs.exitCode(10);
            System.out.println("api lost: kubectl get -w exit " + watchExit + " (" + watch.err.toString().strip() + "), logs -f exit "
                    + logsExit + " (" + logs.err.toString().strip() + ")");
            assertTrue(Files.exists(state.resolve("api-lost")));
            assertEquals(0, watchExit, "a dropped watch ends kubectl get -w quietly: " + watch.err);
            assertEquals(1, logsExit);
            assertTrue(logs.err.toString().contains("error: unexpected EOF"), logs.err.toString());
            watch.close();
        }
        assertTrue(kubectl("get", "pod", "al", "-o", "json").lastErrLine().startsWith("The connection to the server"));
        // the node goes on: the kubelet finishes the pod without the API server's clients
        env.remove("MMB_STANDIN_FAULTS");
        assertEquals("Succeeded", phase(awaitDone("al")), "the workload kept running");
    }

    @Test
    void faultSlowStartAndExitCode() throws Exception {
        env.put("MMB_STANDIN_FAULTS", "slow-start=1.5,exit=3");
        create(podJson("ss", "mmb-static", null, null, "64", "1", "0"));
        awaitPod("ss", j -> j.contains("\"reason\": \"ContainerCreating\""), 10);
        String done = awaitDone("ss");
        assertEquals("Failed", phase(done));
        assertEquals("3", field(done, "exitCode"));
        assertTrue(done.contains("\"reason\": \"Error\""));
        assertTrue(kubectl("logs", "ss").out().startsWith("MMB_READY"));
    }

    @Test
    void faultOom() throws Exception {
        env.put("MMB_STANDIN_FAULTS", "oom");
        create(podJson("oo", "mmb-static", null, "{\"limits\":{\"memory\":\"256Mi\"}}", "64", "1", "0"));
        String done = awaitDone("oo");
        assertEquals("Failed", phase(done));
        assertEquals("137", field(done, "exitCode"));
        assertTrue(done.contains("\"reason\": \"OOMKilled\""), done);
    }

    @Test
    void faultMissingImage() throws Exception {
        env.put("MMB_STANDIN_FAULTS", "missing-image");
        create(podJson("mi", "mmb-static:v1", null, null, "64", "1", "0"));
        String never = awaitPod("mi", j -> j.contains("ErrImageNeverPull"), 5);
        assertTrue(never.contains("Container image \\\"mmb-static:v1\\\" is not present with pull policy of Never"), never);
        assertEquals("Error from server (BadRequest): container \"bench\" in pod \"mi\" is waiting to start: ErrImageNeverPull\n", kubectl("logs", "mi").err());
        create(podJson("mp", "mmb-static:v1", null, null, "64", "1", "0").replace("\"Never\",\"args\"", "\"IfNotPresent\",\"args\""));
        awaitPod("mp", j -> j.contains("\"ErrImagePull\""), 5);
        awaitPod("mp", j -> j.contains("\"ImagePullBackOff\""), 5);
        assertEquals("Error from server (BadRequest): container \"bench\" in pod \"mp\" is waiting to start: trying and failing to pull image\n", kubectl("logs", "mp").err());
    }

    @Test
    void faultHangAndFlaky() throws Exception {
        env.put("MMB_KUBECTL", TestSupport.repo().resolve("tests/kubectl/kubectl").toString());
        env.put("MMB_KUBECTL_FAULT", "hang=get");
        try (Streaming hung = new Streaming("get", "namespace", "default", "-o", "name")) {
            assertFalse(hung.p.waitFor(800, TimeUnit.MILLISECONDS), "hangs");
        }
        env.remove("MMB_KUBECTL_FAULT");
        assertEquals(new Result(0, "namespace/default\n", ""), kubectl("get", "namespace", "default", "-o", "name"), "the real kubectl behind it");
        env.remove("MMB_KUBECTL");
        env.put("MMB_STANDIN_FAULTS", "flaky=2");
        Result unavailable = new Result(1, "", "Error from server (ServiceUnavailable): the server is currently unable to handle the request\n");
        assertEquals(unavailable, kubectl("get", "pods", "-o", "name"));
        assertEquals(unavailable, kubectl("get", "pods", "-o", "name"));
        assertEquals(new Result(0, "", ""), kubectl("get", "pods", "-o", "name"));
    }
}
