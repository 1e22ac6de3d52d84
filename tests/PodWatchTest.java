import com.fasterxml.jackson.databind.JsonNode;
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
 * The k8s backend's PodWatch (single_env_bench.PodWatch: `kubectl get pods -l … -w --output-watch-events -o json` on a
 * thread, a read and a new watch when the server ends one, gone / lost) driven on its own: the real kubectl through
 * single_env_bench.Kubectl against the API server stand-in (StandinCluster), whose kubelet runs each pod for real, and a
 * listener that records what the watch reports. The server's journal and request log are the truth it is judged by.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)      // the lost cluster's test last: its run goes on beside the others
class PodWatchTest {
    @TempDir Path dir;
    @TempDir static Path classDir;
    /** The lost cluster's run (~9 s, 7.5 s of it the read's retries) goes on beside the other tests, from the class's start. */
    static CompletableFuture<LostRun> lostRun;

    @BeforeAll static void setUp() {
        LocalBackendTest.requireRoot();
        assertTrue(Files.isExecutable(TestSupport.build().resolve("mmb-static")), "make build first");
        lostRun = TestSupport.inBackground("pod-watch-lost", () -> apiServerLost(classDir));
    }

    @AfterAll static void waitForTheLostRun() {
        if (lostRun != null) try { lostRun.get(60, TimeUnit.SECONDS); } catch (Exception reportedByItsTest) { }
    }

    /** What the watch reported: watch events and reads (the pod object itself), in arrival order; gone and lost. */
    static final class Recorder implements single_env_bench.PodWatch.Listener {
        record Seen(JsonNode node, double at) {
            boolean isRead() { return !node.has("type"); }
            JsonNode pod() { return isRead() ? node : node.path("object"); }
            String type() { return isRead() ? "READ" : node.path("type").asText(); }
            long rv() { return pod().path("metadata").path("resourceVersion").asLong(); }
            String phase() { return pod().path("status").path("phase").asText(); }
        }

        final List<Seen> seen = new CopyOnWriteArrayList<>();
        final List<String> lost = new CopyOnWriteArrayList<>();
        final AtomicInteger gone = new AtomicInteger();
        volatile double goneAt, lostAt;

        public void event(JsonNode event, double at) { seen.add(new Seen(event, at)); }
        public void gone() { goneAt = single_env_bench.Clock.now(); gone.incrementAndGet(); }
        public void lost(String why) { lostAt = single_env_bench.Clock.now(); lost.add(why); }

        List<Seen> watchEvents() { return seen.stream().filter(s -> !s.isRead()).collect(Collectors.toList()); }
        List<Seen> reads() { return seen.stream().filter(Seen::isRead).collect(Collectors.toList()); }
        boolean saw(String phase) { return seen.stream().anyMatch(s -> s.phase().equals(phase)); }

        /** The phases in the order seen, each once where it repeats. */
        List<String> phases() { return collapse(seen.stream().map(Seen::phase).collect(Collectors.toList())); }
    }

    static List<String> collapse(List<String> l) {
        List<String> out = new ArrayList<>();
        for (String s : l) if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) out.add(s);
        return out;
    }

    /** The watch's loop on a thread of the test's (PodWatch.start() runs the same on a daemon thread), to join it. */
    static Thread run(single_env_bench.PodWatch w) {
        Thread t = new Thread(w::run, "test-watch");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Ends a watch that a failed assertion left running: over, then kill, as PodWorkload.cleanup does. */
    static void stop(AtomicBoolean over, single_env_bench.PodWatch w, Thread t) throws InterruptedException {
        over.set(true);
        w.kill();
        t.join(5000);
    }

    /** "W" for each watch of the pod by label, "R" for each read of it by name, in the order the server got them. */
    static String watchesAndReads(StandinCluster c, String pod) {
        StringBuilder sb = new StringBuilder();
        List<String> requests;
        try { requests = c.requests(); } catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }
        for (String l : requests) {
            String[] f = l.split(" ");
            if (!f[1].equals("GET")) continue;
            if (f[2].contains("watch=true") && f[2].contains("labelSelector=mmb.dev%2Fpod%3D" + pod + "&")) sb.append('W');
            else if (f[2].equals("/api/v1/namespaces/default/pods/" + pod)) sb.append('R');
        }
        return sb.toString();
    }

    @Test @Order(1)
    void aPodsLifeArrivesInOrderThroughItsEndThenOverAndKillEndTheWatch() throws Exception {
        try (var c = new StandinCluster(dir, "")) {
            var k = c.kubectl(10);
            var rec = new Recorder();
            AtomicBoolean over = new AtomicBoolean(), created = new AtomicBoolean();
            var w = new single_env_bench.PodWatch(k, "life", over::get, created::get, rec);
            Thread t = run(w);      // watching before the pod exists, as PodWorkload.start does
            try {
                c.createPod(k, "life", 0.3, 0);
                created.set(true);
                assertTrue(TestSupport.waitFor(() -> rec.saw("Succeeded"), 20), "the pod's end arrives: " + rec.phases());
                // every event the server journaled for the pod arrives, once, in its order
                List<String> journal = new ArrayList<>();
                assertTrue(TestSupport.waitFor(() -> {
                    try {
                        journal.clear();
                        c.journal("life").forEach(e -> journal.add(e.path("type").asText() + " " + e.path("object").path("metadata").path("resourceVersion").asText()));
                    } catch (Exception e) { throw new RuntimeException(e); }
                    return rec.watchEvents().size() >= journal.size();
                }, 5), "all of the journal arrives: " + journal);
                List<String> got = rec.watchEvents().stream().map(s -> s.type() + " " + s.rv()).collect(Collectors.toList());
                assertEquals(journal, got, "the watch's events are the server's, in order");
                assertEquals(List.of("Pending", "Running", "Succeeded"), rec.phases());
                assertTrue(rec.watchEvents().size() >= 4, "Pending, scheduled, ContainerCreating, Running, Succeeded: " + got);
                assertEquals("ADDED", rec.seen.get(0).type());
                for (int i = 1; i < rec.seen.size(); i++)
                    assertTrue(rec.seen.get(i).at() >= rec.seen.get(i - 1).at(), "arrival times in order");
                assertTrue(rec.reads().isEmpty() && rec.gone.get() == 0 && rec.lost.isEmpty(), "one watch, nothing else");

                // the pod ended; the watch stays open (kubectl get -w goes on) until the trial is over and kill() ends it
                Process kubectl = w.stream.started.getProcess();
                assertTrue(kubectl.isAlive(), "kubectl get -w still runs");
                over.set(true);
                w.kill();
                t.join(5000);
                assertFalse(t.isAlive(), "over: the watch's thread ends");
                assertTrue(kubectl.waitFor(5, TimeUnit.SECONDS), "kill() stopped kubectl");
                assertEquals("W", watchesAndReads(c, "life"), "one watch; no read once over");
            } finally {
                stop(over, w, t);
            }
        }
    }

    @Test @Order(2)
    void killAtTheMomentAWatchStartsStillStopsIt() throws Exception {
        // The trial ends (over, then kill(), on the runner's thread) just after the watch's loop found it not over and
        // before the new kubectl is its stream: kill() finds no stream to stop. Here that moment is made certain by
        // ending the trial from inside that check. No pod: the watch would wait for one for ever.
        try (var c = new StandinCluster(dir, "")) {
            var k = c.kubectl(10);
            AtomicBoolean over = new AtomicBoolean();
            AtomicReference<single_env_bench.PodWatch> watch = new AtomicReference<>();
            BooleanSupplier endsDuringTheCheck = () -> {
                if (over.get()) return true;
                over.set(true);             // cleanup(): stopped, then watch.kill()
                watch.get().kill();
                return false;               // what the loop had already read
            };
            var w = new single_env_bench.PodWatch(k, "never", endsDuringTheCheck, () -> true, new Recorder());
            watch.set(w);
            Thread t = run(w);
            try {
                t.join(5000);
                assertFalse(t.isAlive(), "the watch ends although kill() came before its kubectl started");
                assertKubectlEnded(w);
            } finally {
                stop(over, w, t);
            }
        }
    }

    static void assertKubectlEnded(single_env_bench.PodWatch w) throws InterruptedException {
        var s = w.stream;
        assertNotNull(s, "a kubectl was started");
        assertTrue(s.started.getProcess().waitFor(5, TimeUnit.SECONDS), "and stopped");
    }

    @Test @Order(3)
    void aWatchTheServerEndsIsFollowedByOneReadAndANewWatchAndNoPhaseIsLost() throws Exception {
        // the server ends every watch after 0.5 s; the pod runs 1.2 s (each ended watch leaves it unwatched ~0.6 s)
        try (var c = new StandinCluster(dir, "watch-timeout=0.5")) {
            var k = c.kubectl(10);
            c.createPod(k, "wt", 1.2, 0);
            var rec = new Recorder();
            AtomicBoolean over = new AtomicBoolean();
            var w = new single_env_bench.PodWatch(k, "wt", over::get, () -> true, rec);
            Thread t = run(w);
            try {
                assertTrue(TestSupport.waitFor(() -> rec.saw("Succeeded") && watchesAndReads(c, "wt").contains("RW"), 20),
                        "the end seen, and a watch after a read: " + rec.phases() + ", " + watchesAndReads(c, "wt"));
            } finally {
                stop(over, w, t);
            }
            assertFalse(t.isAlive());
            String order = watchesAndReads(c, "wt");
            assertTrue(order.matches("W(RW)+R?"), "each ended watch: one read, then a new watch: " + order);
            assertEquals(order.chars().filter(ch -> ch == 'R').count(), rec.reads().size(), "each read reported");
            for (int i = 1; i < rec.seen.size(); i++)
                assertTrue(rec.seen.get(i).rv() >= rec.seen.get(i - 1).rv(), "never an older state after a newer one: " + rec.seen.get(i).type());
            List<String> phases = collapse(c.journal("wt").stream().map(e -> e.path("object").path("status").path("phase").asText()).collect(Collectors.toList()));
            assertEquals(List.of("Pending", "Running", "Succeeded"), phases);
            assertEquals(phases, rec.phases(), "every phase of the pod's life seen across the watches");
            assertTrue(rec.gone.get() == 0 && rec.lost.isEmpty());
        }
    }

    @Test @Order(4)
    void aPodDeletedWhileWatchedIsGone() throws Exception {
        try (var c = new StandinCluster(dir, "watch-timeout=0.5")) {
            var k = c.kubectl(10);
            c.createPod(k, "del", 20, 0);
            var rec = new Recorder();
            AtomicBoolean over = new AtomicBoolean();
            var w = new single_env_bench.PodWatch(k, "del", over::get, () -> true, rec);
            Thread t = run(w);
            try {
                assertTrue(TestSupport.waitFor(() -> rec.saw("Running"), 15), rec.phases().toString());
                var d = k.call(List.of("delete", "pod", "del", "--ignore-not-found", "--wait=true", "--timeout=20s"), null, 30);
                assertTrue(d.ok(), d.err());
                double deleted = single_env_bench.Clock.now();
                t.join(10_000);
                assertFalse(t.isAlive(), "gone: the watch ends by itself");
                assertEquals(1, rec.gone.get(), "gone() once");
                assertTrue(rec.goneAt - deleted < 0.5 + 3, "at the next read, after the watch's timeout (0.5 s): " + (rec.goneAt - deleted));
                assertTrue(rec.lost.isEmpty(), rec.lost.toString());
                assertTrue(rec.seen.stream().allMatch(s -> s.at() <= rec.goneAt), "nothing after gone");
                String order = watchesAndReads(c, "del");
                assertTrue(order.startsWith("W") && order.endsWith("R"), "the read that found no pod was the last request: " + order);
            } finally {
                stop(over, w, t);
            }
        }
    }

    /** What the lost cluster's watch did: lost() messages and times, the server's own moment of loss, the thread. */
    record LostRun(List<String> lost, double lostAt, double apiLostAt, int gone, boolean threadEnded, String address, String phasesSeen) {}

    /** api-lost-at-pod=1: the server goes away once the pod runs and its watch is open (an event, not a time). */
    static LostRun apiServerLost(Path dir) throws Exception {
        try (var c = new StandinCluster(dir, "api-lost-at-pod=1,slow-start=0.05")) {
            var k = c.kubectl(10);
            var rec = new Recorder();
            AtomicBoolean over = new AtomicBoolean(), created = new AtomicBoolean();
            var w = new single_env_bench.PodWatch(k, "lost", over::get, created::get, rec);
            Thread t = run(w);
            try {
                c.createPod(k, "lost", 3, 0);
                created.set(true);
                TestSupport.waitFor(() -> !rec.lost.isEmpty() || !t.isAlive(), 40);
                t.join(2000);
                Path at = dir.resolve("api-lost");
                double apiLostAt = Files.exists(at) ? Double.parseDouble(Files.readString(at).strip()) : Double.NaN;
                return new LostRun(List.copyOf(rec.lost), rec.lostAt, apiLostAt, rec.gone.get(), !t.isAlive(), c.address(), rec.phases().toString());
            } finally {
                stop(over, w, t);
            }
        }
    }

    @Test @Order(5)
    void theApiServerLostIsReportedAsLostAfterTheReadsRetries() throws Exception {
        LostRun r = TestSupport.outcome(lostRun, 60);
        assertFalse(Double.isNaN(r.apiLostAt()), "the fault fired (the pod ran with its watch open): " + r.phasesSeen());
        assertEquals(1, r.lost().size(), "lost() once: " + r.lost());
        String why = r.lost().get(0);
        assertTrue(why.startsWith("lost the cluster while following pod lost: ") && why.contains(r.address()) && why.contains("refused"), why);
        assertTrue(r.threadEnded(), "the watch ends");
        assertEquals(0, r.gone());
        // the watch ended at the loss; the read that followed was retried 0.5 + 1 + 2 + 4 s before the loss was reported
        double after = r.lostAt() - r.apiLostAt();
        assertTrue(after >= 7.5 && after < 7.5 + 6, "reported after the read's retries: " + after + " s after the loss");
    }
}
