import org.junit.jupiter.api.*;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The k8s backend's LogFollower (single_env_bench.LogFollower: `kubectl logs -f --timestamps` on a thread, retried while
 * the container waits to start or the stream breaks, lines seen before a reconnect skipped by their runtime time) driven
 * on its own: the real kubectl through single_env_bench.Kubectl against the API server stand-in (StandinCluster), whose
 * kubelet runs mmb-static for real, and a listener that records every line. The truth is the container's whole log as
 * the real kubectl gives it once the pod has ended.
 *
 * The three cases mostly wait (for a container to start, to run, for a cut stream's retry): they run side by side from
 * the class's start, each with its own cluster and pod, and each test waits for its own case (~4 s, not ~9 s).
 */
@Tag("e2e")
class LogFollowerTest {
    @TempDir static Path dir;
    static CompletableFuture<Void> early, cut, stop;

    @BeforeAll static void startTheCases() {
        LocalBackendTest.requireRoot();
        assertTrue(Files.isExecutable(TestSupport.build().resolve("mmb-static")), "make build first");
        early = inBackground("early", LogFollowerTest::startedBeforeTheContainerRuns);
        cut = inBackground("cut", LogFollowerTest::aStreamCutMidway);
        stop = inBackground("stop", LogFollowerTest::stopped);
    }

    @AfterAll static void waitForTheCases() {
        for (var f : Arrays.asList(early, cut, stop))
            if (f != null) try { f.get(60, TimeUnit.SECONDS); } catch (Exception reportedByItsTest) { }
    }

    interface Case { void run(Path dir) throws Exception; }

    static CompletableFuture<Void> inBackground(String name, Case c) {
        return TestSupport.inBackground("log-follower-" + name, () -> { c.run(Files.createDirectories(dir.resolve(name))); return null; });
    }

    @Test void startedBeforeTheContainerRunsItRetriesThenDeliversEveryLineOnce() throws Exception { TestSupport.outcome(early, 60); }

    @Test void aStreamCutMidwayIsFollowedAgainAndEachLineDeliveredOnce() throws Exception { TestSupport.outcome(cut, 60); }

    @Test void aStoppedFollowerEndsAndKillStopsItsStream() throws Exception { TestSupport.outcome(stop, 60); }

    /** A line as the follower reported it. */
    record Line(String text, Double runtimeTs, double arrival) {
        String withTs() { return runtimeTs + " " + text; }
    }

    static final class Recorder implements single_env_bench.LogFollower.Listener {
        final List<Line> lines = new CopyOnWriteArrayList<>();

        public void line(String line, Double runtimeTs, double arrival) { lines.add(new Line(line, runtimeTs, arrival)); }

        boolean has(String prefix) { return lines.stream().anyMatch(l -> l.text().startsWith(prefix)); }
    }

    /** The container's whole log once it has ended, with the kubelet's times: "runtime-seconds line" each. */
    static List<String> wholeLog(single_env_bench.Kubectl k, String pod) {
        var r = k.read(List.of("logs", pod, "-c", single_env_bench.PodManifest.CONTAINER, "--timestamps"), k.timeout);
        assertTrue(r.ok(), r.err());
        return r.out().lines().map(l -> {
            int sp = l.indexOf(' ');
            return single_env_bench.Rfc3339.parse(l.substring(0, sp)) + " " + l.substring(sp + 1);
        }).collect(Collectors.toList());
    }

    /** The times of the followers' `logs -f` requests ("--timestamps": a test's own kubectl logs calls have none). */
    static List<Double> followRequests(StandinCluster c, String pod) {
        try {
            return c.requests().stream().filter(l -> l.contains(" /api/v1/namespaces/default/pods/" + pod + "/log?") && l.contains("follow=true")
                    && l.contains("timestamps=true")).map(l -> Double.parseDouble(l.split(" ")[0])).collect(Collectors.toList());
        } catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }
    }

    /** Every line of the container's log delivered once, in order, with its runtime time, on arrival or later. */
    static void assertEveryLineOnce(Recorder rec, List<String> whole) {
        assertEquals(whole, rec.lines.stream().map(Line::withTs).collect(Collectors.toList()), "the whole log, each line once, in order");
        assertTrue(whole.size() >= 7, "MMB_READY, BENCH_START, BENCH_END and the figures: " + whole);
        for (Line l : rec.lines) assertTrue(l.arrival() >= l.runtimeTs() - 0.001, "arrives after the kubelet wrote it: " + l);
    }

    /** When the kubelet started the pod's (first) container: the node's own truth (timeline.jsonl). */
    static double execAt(Path state) throws Exception {
        return TestSupport.JSON.readTree(Files.readAllLines(state.resolve("timeline.jsonl")).get(0)).path("exec").asDouble();
    }

    static void startedBeforeTheContainerRuns(Path dir) throws Exception {
        // the container waits 1.5 s in ContainerCreating: the kubelet answers logs with 400 "… is waiting to start"
        try (var c = new StandinCluster(dir, "slow-start=1.5")) {
            var k = c.kubectl(10);
            var rec = new Recorder();
            var ended = new CountDownLatch(1);
            AtomicBoolean stopped = new AtomicBoolean();
            var f = new single_env_bench.LogFollower(k, "early", ended, stopped::get, rec);
            c.createPod(k, "early", 0.4, 0.1);
            f.start();
            try {
                c.awaitPhase("early", 20, "Succeeded");
                ended.countDown();              // what the watch tells PodWorkload
                assertTrue(TestSupport.waitFor(f::done, 10), "done once the container has ended and its log is read");
                assertEveryLineOnce(rec, wholeLog(k, "early"));
                double exec = execAt(dir);
                List<Double> asked = followRequests(c, "early");
                assertTrue(asked.stream().filter(t -> t < exec).count() >= 2,
                        "asked before the container ran, and again: " + asked + ", it ran at " + exec);
            } finally {
                stopped.set(true);
                f.kill();
            }
        }
    }

    static void aStreamCutMidway(Path dir) throws Exception {
        // the server cuts every logs -f after 0.2 s, and the follower waits 0.5 s after a broken stream: lines come
        // while it is away (the program's BENCH_PROGRESS after 0.5 s); each new stream begins at the log's start
        try (var c = new StandinCluster(dir, "logs-cut=0.2")) {
            var k = c.kubectl(10);
            var rec = new Recorder();
            var ended = new CountDownLatch(1);
            AtomicBoolean stopped = new AtomicBoolean();
            var f = new single_env_bench.LogFollower(k, "cut", ended, stopped::get, rec);
            c.createPod(k, "cut", 1.2, 0.2);
            c.awaitPhase("cut", 15, "Running");
            f.start();                          // as PodWorkload does, once the container runs
            try {
                // the fault as kubectl sees it: the stream ends with "unexpected EOF" (exit 1) after the lines it got
                long t0 = System.nanoTime();
                var plain = k.call(List.of("logs", "cut", "-c", single_env_bench.PodManifest.CONTAINER, "-f"), null, 10);
                double took = (System.nanoTime() - t0) / 1e9;
                assertEquals(1, plain.exit(), plain.err());
                assertTrue(plain.err().contains("error: unexpected EOF") && plain.out().startsWith("MMB_READY"), plain.err() + plain.out());
                assertTrue(took >= 0.2 && took < 3, "cut after 0.2 s: " + took);
                c.awaitPhase("cut", 20, "Succeeded");
                ended.countDown();
                assertTrue(TestSupport.waitFor(f::done, 10), "done");
                List<String> whole = wholeLog(k, "cut");
                assertEveryLineOnce(rec, whole);
                assertTrue(rec.has("BENCH_PROGRESS"), whole.toString());
                // followed again after the cut (the container ran on for 1 s and more): its first lines came twice, and were skipped
                List<Double> asked = followRequests(c, "cut");
                double firstLine = rec.lines.get(0).runtimeTs();
                assertTrue(asked.size() >= 2 && asked.get(1) > firstLine + 0.05, "followed again, with lines already seen: " + asked);
            } finally {
                stopped.set(true);
                f.kill();
            }
        }
    }

    static void stopped(Path dir) throws Exception {
        try (var c = new StandinCluster(dir, "slow-start=1.5")) {
            var k = c.kubectl(10);
            c.createPod(k, "stop", 20, 0);
            // stopped while the container waits to start (a trial stopped early): it ends between its attempts
            AtomicBoolean stoppedEarly = new AtomicBoolean();
            var waiting = new single_env_bench.LogFollower(k, "stop", new CountDownLatch(1), stoppedEarly::get, new Recorder());
            waiting.start();
            var rec = new Recorder();
            AtomicBoolean stopped = new AtomicBoolean();
            var f = new single_env_bench.LogFollower(k, "stop", new CountDownLatch(1), stopped::get, rec);
            // and one stopped, with kill(), at the moment a stream starts: the loop has read "not stopped", the new
            // stream is not yet the follower's, so kill() finds none (made certain by stopping it from inside that check)
            AtomicBoolean stoppedLate = new AtomicBoolean();
            AtomicReference<single_env_bench.LogFollower> late = new AtomicReference<>();
            BooleanSupplier stopsDuringTheCheck = () -> {
                if (stoppedLate.get()) return true;
                stoppedLate.set(true);          // PodWorkload.cleanup(): stopped, then logs.kill()
                late.get().kill();
                return false;                   // what the loop had already read
            };
            var g = new single_env_bench.LogFollower(k, "stop", new CountDownLatch(1), stopsDuringTheCheck, new Recorder());
            late.set(g);
            try {
                assertTrue(TestSupport.waitFor(() -> followRequests(c, "stop").size() >= 2, 10), "retrying: " + followRequests(c, "stop"));
                assertNotEquals("Running", c.phase("stop"), "still waiting to start");
                stoppedEarly.set(true);
                assertTrue(TestSupport.waitFor(waiting::done, 2), "a follower stopped while it waits ends");

                c.awaitPhase("stop", 15, "Running");
                f.start();
                assertTrue(TestSupport.waitFor(() -> rec.has("BENCH_START"), 10), "following: " + rec.lines);
                Process kubectl = f.stream.started.getProcess();
                assertFalse(f.done());
                stopped.set(true);              // as PodWorkload.cleanup does: stopped, then kill()
                f.kill();
                assertTrue(TestSupport.waitFor(f::done, 2), "stopped and killed: done");
                assertTrue(kubectl.waitFor(2, TimeUnit.SECONDS), "kill() ended kubectl logs -f");
                assertEquals("Running", c.phase("stop"), "while the container still runs");

                g.start();
                assertTrue(TestSupport.waitFor(g::done, 3), "ends although kill() came before its kubectl started");
                assertTrue(g.stream.started.getProcess().waitFor(2, TimeUnit.SECONDS), "and that kubectl was stopped");
            } finally {
                stoppedEarly.set(true);
                stopped.set(true);
                stoppedLate.set(true);
                waiting.kill();
                f.kill();
                g.kill();
            }
        }
    }
}
