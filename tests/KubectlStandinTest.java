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
 * Tests of the kubectl stand-in (tests/kubectl/kubectl) itself: real processes, real cgroups.
 * Each test has its own state folder and removes its pods afterwards.
 */
@org.junit.jupiter.api.Tag("e2e")
class KubectlStandinTest {
    static Path standinDir;
    static Path buildDir;       // mmb-debian, mmb-static, mmb.wasm (the repo's build/, or stand-ins compiled here)
    static Path ownBuild;

    @TempDir Path state;
    final Map<String, String> env = new HashMap<>();

    static final Pattern API_TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    static final Pattern CONTAINER_ID = Pattern.compile("containerd://([0-9a-f]{64})");
    static final Pattern TIMESTAMPED = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z (.*)$");

    @BeforeAll
    static void workloads() throws Exception {
        standinDir = TestSupport.repo().resolve("tests/kubectl");
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
    }

    @AfterEach
    void cleanUp() throws Exception {
        env.remove("MMB_STANDIN_FAULTS");
        kubectl("__standin-reset");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // running the stand-in

    record Result(int code, String out, String err) {
        String lastErrLine() {
            String[] l = err.strip().split("\n");
            return l[l.length - 1];
        }
    }

    ProcessBuilder builder(List<String> args) {
        List<String> cmd = new ArrayList<>();
        // the stand-in's own path: ProcessBuilder looks a bare name up on the test's PATH, not the child's
        cmd.add(standinDir.resolve("kubectl").toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.environment().put("PATH", standinDir + File.pathSeparator + System.getenv("PATH"));
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

        Streaming(String... args) throws IOException {
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
            Thread te = new Thread(() -> {
                try { err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)); }
                catch (IOException ignored) { }
            });
            te.setDaemon(true);
            te.start();
        }

        /** The next line, or null at the end of the output; fails after the timeout. */
        String next(double seconds) throws InterruptedException {
            String l = lines.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
            assertNotNull(l, "no output within " + seconds + " s; stderr: " + err);
            return l.equals("\u0000EOF") ? null : l;
        }

        int exitCode(double seconds) throws InterruptedException {
            assertTrue(p.waitFor((long) (seconds * 1000), TimeUnit.MILLISECONDS), "did not end; stderr: " + err);
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
        assertEquals(new Result(1, "", "error: unknown flag: --frobnicate\nSee 'kubectl get --help' for usage.\n"), flag);
        Result other = kubectl("apply", "-f", "x.yaml");
        assertEquals(1, other.code());
        assertTrue(other.err().startsWith("error: the kubectl stand-in does not emulate: kubectl apply"), other.err());
        Result empty = kubectl("get", "pods", "-l", "app=none", "-o", "json", "--kubeconfig", "/nowhere", "--context=x");
        assertEquals(0, empty.code(), empty.err());
        assertTrue(empty.out().contains("\"items\": []"));
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
        assertEquals("Error from server (BadRequest): container nope is not valid for pod lw\n", kubectl("logs", "lw", "-c", "nope").err());
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

    @ParameterizedTest(name = "{0} {1} misplaced={2}")
    @CsvSource({
        "cgroupfs, BestEffort, false",
        "cgroupfs, Burstable, false",
        "cgroupfs, Guaranteed, false",
        "systemd, BestEffort, false",
        "systemd, Burstable, false",
        "systemd, Guaranteed, false",
        "systemd, Burstable, true",
    })
    void containerCgroupIsWhereK3sPutsItAndHoldsTheWorkload(String driver, String qos, boolean misplaced) throws Exception {
        env.put("MMB_STANDIN_CGROUP_DRIVER", driver);
        if (misplaced) env.put("MMB_STANDIN_FAULTS", "runwasi-misplaced");
        String resources = switch (qos) {
            case "Guaranteed" -> "{\"limits\":{\"cpu\":\"1\",\"memory\":\"512Mi\"}}";
            case "Burstable" -> "{\"requests\":{\"cpu\":\"250m\"}}";
            default -> null;
        };
        String image = misplaced ? "mmb-wasm" : "mmb-static";
        create(podJson("cg", image, misplaced ? "wasmtime" : null, resources, "64", "1.5", "0"));
        String running = awaitRunning("cg");
        assertEquals(qos, field(running, "qosClass"));
        String uid = field(running, "uid"), id = containerId(running);
        String rel = expectedContainerCgroup(driver, qos, uid, id, misplaced);
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
        awaitDone("cg");
        for (Path h : hierarchies()) assertFalse(Files.exists(h.resolve(rel)), "the container cgroup goes with its process");
        String podRel = rel.contains(":cri-containerd:") ? expectedContainerCgroup(driver, qos, uid, id, false) : rel;
        Path podDir = hierarchies().get(0).resolve(podRel).getParent();
        assertTrue(Files.isDirectory(podDir), "the pod cgroup stays until the pod is deleted: " + podDir);
        assertEquals(0, kubectl("delete", "pod", "cg").code());
        // a pod that has ended is removed from the API at once; the kubelet's clean-up follows shortly
        long end = System.nanoTime() + 5_000_000_000L;
        while (Files.exists(podDir) && System.nanoTime() < end) Thread.sleep(20);
        assertFalse(Files.exists(podDir), podDir.toString());
    }

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
        assertEquals(new Result(0, "No resources found\n", ""), kubectl("delete", "pod", "long", "--ignore-not-found"));
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
        String refused = "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?";
        Result get = kubectl("get", "pod", "x", "-o", "json");
        assertEquals(1, get.code());
        assertEquals(refused, get.lastErrLine());
        Result v = kubectl("version", "-o", "json");
        assertEquals(1, v.code());
        assertTrue(v.out().contains("clientVersion") && !v.out().contains("serverVersion"), v.out());
        assertEquals(refused + "\n", v.err());
        assertEquals(0, kubectl("version", "--client", "-o", "json").code());
        assertEquals(refused, kubectlIn(podJson("p", "mmb-static", null, null), "create", "-f", "-", "-o", "name").lastErrLine());
    }

    @Test
    void faultApiLostAfter() throws Exception {
        env.put("MMB_STANDIN_FAULTS", "api-lost-after=1.5");
        create(podJson("al", "mmb-static", null, null, "64", "2.5", "0"));
        awaitRunning("al");
        try (Streaming watch = new Streaming("get", "pod", "al", "-w", "--output-watch-events", "-o", "json");
             Streaming logs = new Streaming("logs", "-f", "al")) {
            assertEquals(1, logs.exitCode(6));
            assertTrue(logs.err.toString().contains("error: unexpected EOF"), logs.err.toString());
            assertEquals(0, watch.exitCode(6), "a dropped watch ends quietly");
        }
        assertTrue(kubectl("get", "pod", "al", "-o", "json").lastErrLine().startsWith("The connection to the server"));
        env.remove("MMB_STANDIN_FAULTS");
        assertEquals("Succeeded", phase(awaitDone("al")), "the workload kept running");
    }

    @Test
    void faultSlowStartAndExitCode() throws Exception {
        env.put("MMB_STANDIN_FAULTS", "slow-start=1.5,exit=3");
        create(podJson("ss", "mmb-static", null, null, "64", "1", "0"));
        Thread.sleep(600);
        assertTrue(pod("ss").contains("\"reason\": \"ContainerCreating\""));
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
        env.put("MMB_STANDIN_FAULTS", "hang=get");
        try (Streaming hung = new Streaming("get", "namespace", "default", "-o", "name")) {
            assertFalse(hung.p.waitFor(800, TimeUnit.MILLISECONDS), "hangs");
        }
        env.put("MMB_STANDIN_FAULTS", "flaky=2");
        String tls = "Unable to connect to the server: net/http: TLS handshake timeout\n";
        assertEquals(new Result(1, "", tls), kubectl("get", "namespace", "default", "-o", "name"));
        assertEquals(new Result(1, "", tls), kubectl("get", "namespace", "default", "-o", "name"));
        assertEquals(new Result(0, "namespace/default\n", ""), kubectl("get", "namespace", "default", "-o", "name"));
    }
}
