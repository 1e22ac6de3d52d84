import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.*;

import java.nio.file.*;
import java.util.*;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Faults: nothing lost, nothing leaked, every wait bounded. */
@Tag("e2e")
class FaultTest {
    static Path work;

    @BeforeAll static void setUp() throws Exception {
        LocalBackendTest.requireRoot();
        work = Files.createTempDirectory("mmb-faults");
    }

    @AfterAll static void tearDown() throws Exception { K8sBackendTest.Cluster.resetAll(); }

    static List<String> local(String sub, String... more) {
        List<String> a = new ArrayList<>(List.of("--backend", "local", "--image", "mmb-static:latest", "--build-dir", TestSupport.build().toString(),
                "--results-dir", work.toString(), "--results-subfolder-name", sub));
        a.addAll(List.of(more));
        return a;
    }

    @Test void aKilledOrchestratorsCgroupAndWorkloadAreRemovedByTheNextRunAndResumeWorks() throws Exception {
        List<String> a = local("sigkill", "--sizes", "128", "--trials", "3", "--duration", "2", "--no-warmup", "--interval", "0.5",
                "--run-id", "killed-run");
        Path json = work.resolve("sigkill/mmb-static_default.json");
        Process p = TestSupport.javaMain("single_env_bench", a).redirectErrorStream(true).redirectOutput(work.resolve("sigkill.log").toFile()).start();
        try {
            assertTrue(TestSupport.waitFor(() -> Files.exists(json), 30));
            Thread.sleep(600);
            TestSupport.signal(p.pid(), "KILL");
            p.waitFor();
        } finally { p.destroyForcibly(); }
        List<Path> left = LocalBackendTest.trialCgroups("killed-run");
        assertFalse(left.isEmpty(), "a SIGKILLed run leaves its trial cgroup");

        List<String> again = new ArrayList<>(a);
        again.add("--resume");
        var r = TestSupport.exec(TestSupport.javaMain("single_env_bench", again).command(), Map.of(), 120);
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.err().contains("removed leftover cgroup"), r.err());
        for (Path d : left) assertFalse(Files.exists(d), "removed: " + d);
        assertTrue(r.out().contains("trial=2 ") && r.out().contains("trial=3 ") && !r.out().contains("trial=1 "), r.out());
        assertEquals(3, TestSupport.readJson(json).path("results").path("128_cold").size());
        assertTrue(ProcessHandle.allProcesses().noneMatch(h -> h.info().commandLine().orElse("").contains("mmb-static 128 2 0")), "orphan killed");
    }

    @Test void aFullResultsFolderGivesAClearErrorAndKeepsThePreviousFile() throws Exception {
        Path mnt = Files.createTempDirectory("mmb-small");
        assertEquals(0, new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt.toString()).inheritIO().start().waitFor(),
                "mount a small tmpfs (root)");
        try {
            String[] common = {"--backend", "local", "--image", "mmb-static:latest", "--build-dir", TestSupport.build().toString(),
                    "--results-dir", mnt.toString(), "--sizes", "32", "--duration", "0.3", "--no-warmup", "--interval", "0.05"};
            var first = TestSupport.singleEnv(concat(common, "--trials", "1"));
            assertEquals(0, first.exit(), first.all());
            Path json = mnt.resolve("initial_bm/mmb-static_default.json");
            String before = Files.readString(json);
            new ProcessBuilder("sh", "-c", "head -c 10M /dev/zero > " + mnt.resolve("filler") + " 2>/dev/null; true").start().waitFor();
            var full = TestSupport.singleEnv(concat(common, "--trials", "2", "--resume"));
            assertEquals(4, full.exit(), full.all());
            assertTrue(full.err().contains("cannot write") && full.err().contains("intact"), full.err());
            assertEquals(before, Files.readString(json), "the previous file is untouched");
            try (Stream<Path> s = Files.list(json.getParent())) {
                assertTrue(s.noneMatch(f -> f.getFileName().toString().contains(".tmp-")), "no temp file left");
            }

            Files.delete(mnt.resolve("filler"));
            assertEquals(0, new ProcessBuilder("mount", "-o", "remount,ro", mnt.toString()).inheritIO().start().waitFor());
            var ro = TestSupport.singleEnv(concat(common, "--trials", "2", "--resume"));
            assertEquals(4, ro.exit(), ro.all());
            assertTrue(ro.err().contains("cannot write"), ro.err());
            assertEquals(before, Files.readString(json));
        } finally {
            new ProcessBuilder("umount", "-l", mnt.toString()).inheritIO().start().waitFor();
        }
    }

    @Test void aCgroupThatVanishesMidRunEndsSamplingQuietly() {
        int[] reads = {0};
        var vanishing = new single_env_bench.CgroupFiles() {
            public single_env_bench.CgroupReading read() {
                return ++reads[0] > 3 ? null : new single_env_bench.CgroupReading(1000L * reads[0], 0L, 0L, 0L, 4096L, 4096L, 8192L);
            }
            public Long peak() { return null; }
        };
        var workload = new single_env_bench.Workload() {
            public void start() {}
            public single_env_bench.CgroupFiles cgroup() { return vanishing; }
            public single_env_bench.WorkloadExit await(double b, java.util.function.Supplier<Double> r) { return null; }
            public void stop() {}
            public void cleanup() {}
        };
        var sampler = new single_env_bench.Sampler(0.02);
        sampler.attach(workload);
        sampler.openWindow();
        assertDoesNotThrow(() -> Thread.sleep(200));
        sampler.closeWindow();
        sampler.stop();
        assertEquals(3, sampler.samples().size(), "sampling stopped when the files went away");
        assertTrue(sampler.endMissed);
        assertEquals(8192L, sampler.peak);
    }

    /** Faults of the cluster: the API server stand-in's and its kubelet's (tests/k8s/README.md). */
    static K8sBackendTest.Cluster cluster(String name, String faults) throws Exception {
        if (K8sBackendTest.work == null) K8sBackendTest.work = Files.createTempDirectory("mmb-k8s");
        return new K8sBackendTest.Cluster(name, "MMB_STANDIN_FAULTS", faults);
    }

    /** A fault of the client: the real kubectl behind tests/kubectl/kubectl, which hangs on one command. */
    /** A cluster whose kubectl hangs on COMMAND (fault "hang=COMMAND", or "hang-first=COMMAND": only its first call). */
    static K8sBackendTest.Cluster hangingKubectl(String name, String fault) throws Exception {
        if (K8sBackendTest.work == null) K8sBackendTest.work = Files.createTempDirectory("mmb-k8s");
        return new K8sBackendTest.Cluster(name, "MMB_KUBECTL", TestSupport.repo().resolve("tests/kubectl/kubectl").toString(),
                "MMB_KUBECTL_FAULT", fault, "MMB_KUBECTL_FAULT_MARK", K8sBackendTest.work.resolve("hung-" + name).toString());
    }

    @Test void aHungKubectlIsBoundedByTheTimeout() throws Exception {
        long t0 = System.nanoTime();
        var preflight = hangingKubectl("hang-get", "hang=version").bench("--image", "mmb-static:latest", "--kubectl-timeout", "3");
        assertEquals(4, preflight.exit(), preflight.all());
        assertTrue(preflight.err().contains("did not answer within 3 s"), preflight.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 30, "bounded");

        // The other calls go to the real kubectl, which needs more than 3 s on a busy machine: a wider timeout here.
        // Only the first delete hangs: the second trial shows the run goes on after it (and costs no second wait).
        var c = hangingKubectl("hang-delete", "hang-first=delete");
        t0 = System.nanoTime();
        var del = c.bench("--image", "mmb-static:latest", "--sizes", "32", "--trials", "2", "--duration", "0.3", "--no-warmup", "--kubectl-timeout", "6");
        assertTrue((System.nanoTime() - t0) / 1e9 < 90, "bounded: one delete of 2 × 6 + 10 s");
        assertTrue(del.err().contains("could not delete pod"), del.all());
        assertEquals(1, del.err().split("could not delete pod", -1).length - 1, "only the first delete hung: " + del.err());
        assertEquals(2, c.file("mmb-static_default.json").path("results").path("32_cold").size(), "the run went on");
    }

    @Test void losingTheApiServerMidRunEndsTheRunAndKeepsCompletedTrials() throws Exception {
        // The server goes away when the third pod runs and its watch is open: an event, not a time, so a busy machine
        // sees the same run (two trials completed, the third cut off).
        var c = cluster("api-lost", "api-lost-at-pod=3");
        var r = c.bench("--image", "mmb-static:latest", "--sizes", "32", "--trials", "6", "--duration", "0.5", "--no-warmup",
                "--kubectl-timeout", "5", "--timeout-margin", "3");
        assertEquals(4, r.exit(), r.all());
        assertTrue(r.err().contains("lost the cluster") || r.err().contains("refused"), r.err());
        JsonNode list = c.file("mmb-static_default.json").path("results").path("32_cold");
        assertTrue(list.size() >= 2, "completed trials kept: " + list);
        assertEquals("ok", list.get(0).path("status").asText());
        assertEquals("ok", list.get(1).path("status").asText());
    }

    static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
