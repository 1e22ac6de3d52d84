import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.*;
import java.util.*;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The k8s backend's pod-status state machine (single_env_bench.PodStatus) on watches recorded through the real kubectl
 * against the API server stand-in: tests/fixtures/pod-watch/record.py wrote them (one file per scenario; each line
 * "AT watch|read LINE" as kubectl printed it, or "AT ended EXIT STDERR" where the server ended the watch).
 */
@org.junit.jupiter.api.Tag("unit")
class PodStatusTest {
    static final Path FIX = TestSupport.repo().resolve("tests/fixtures/pod-watch");
    static final single_env_bench.PodStatus MACHINE = new single_env_bench.PodStatus("mmb-static:latest", single_env_bench.PullPolicy.Never);

    /** A recorded watch replayed: the state after every event, and every lifecycle event, each with the time it was seen. */
    record Replay(List<single_env_bench.PodStatus.State> states, List<String> events, int watchesEnded) {
        single_env_bench.PodStatus.State last() { return states.get(states.size() - 1); }
    }

    static Replay replay(String scenario) throws Exception {
        return replay(MACHINE, scenario);
    }

    static Replay replay(single_env_bench.PodStatus machine, String scenario) throws Exception {
        var state = single_env_bench.PodStatus.State.INITIAL;
        List<single_env_bench.PodStatus.State> states = new ArrayList<>();
        List<String> events = new ArrayList<>();
        int ended = 0;
        for (String line : Files.readAllLines(FIX.resolve(scenario + ".txt"))) {
            String[] f = line.split(" ", 3);
            double at = Double.parseDouble(f[0]);
            if (f[1].equals("ended")) { ended++; continue; }
            JsonNode event = single_env_bench.Json.MAPPER.readTree(f[2]);
            var step = machine.next(state, event, at);
            state = step.state();
            states.add(state);
            for (var e : step.events()) events.add(f[0] + " " + describe(e));
        }
        return new Replay(states, events, ended);
    }

    static String describe(single_env_bench.PodStatus.Event e) {
        if (e instanceof single_env_bench.PodStatus.Observed o) return "observed " + o.transition().phase() + "/" + o.transition().reason();
        if (e instanceof single_env_bench.PodStatus.Running r) return "running" + (r.containerUp() ? " (container up)" : " (container gone)");
        if (e instanceof single_env_bench.PodStatus.Failed f) return (f.overrides() ? "failed! " : "failed ") + f.why();
        return "ended";
    }

    static Double time(String rfc3339) { return single_env_bench.Rfc3339.parse(rfc3339); }

    @Test void aPodThatRunsAndSucceeds() throws Exception {
        Replay r = replay("succeeded");
        assertEquals(List.of("1.655 observed Pending/", "1.923 observed Pending/ContainerCreating", "2.288 observed Running/Running",
                "2.288 running (container up)", "2.580 observed Succeeded/Completed", "2.580 ended"), r.events());
        var s = r.last();
        assertEquals("Succeeded", s.phase());
        assertEquals("Completed", s.reason());
        assertEquals("Succeeded/Completed", s.summary());
        assertEquals(2.288, s.runningAt(), "our time of the first event that shows it running, not the API's whole second");
        assertEquals(0, s.exitCode());
        assertNull(s.failure());
        assertTrue(s.ended());
        assertEquals("containerd://94f9546ac9672f1620d26db8549112ca20200b6166960ff257365e5c61c259c0", s.containerId());
        var pod = s.pod();
        assertEquals("817fe269-5996-4a4c-bc83-dc03938ddb38", pod.uid());
        assertEquals("BestEffort", pod.qosClass());
        assertEquals("vm", pod.node());
        assertEquals(time("2026-12-01T19:43:52Z"), pod.creation());
        assertEquals(time("2026-12-01T19:43:52Z"), pod.podStart());
        assertEquals(time("2026-12-01T19:43:52Z"), pod.containerStarted(), "the CRI's start, from the terminated state");
        assertEquals(time("2026-12-01T19:43:53Z"), pod.containerFinished());
        assertEquals(0, pod.exitCode());
        assertEquals("Completed", pod.terminationReason());
        assertEquals(List.of(Map.of("at", 1.655, "phase", "Pending"), Map.of("at", 1.923, "phase", "Pending", "reason", "ContainerCreating"),
                        Map.of("at", 2.288, "phase", "Running", "reason", "Running"), Map.of("at", 2.580, "phase", "Succeeded", "reason", "Completed")),
                s.observed().stream().map(single_env_bench.PodStatus.Transition::toMap).toList(), "the record's k8s.observed");
        assertEquals(List.of(), MACHINE.gone(s).events(), "the deletion after the end (our clean-up) is no news");
    }

    @Test void whileRunningTheStartTimeIsTheRunningStates() throws Exception {
        var running = replay("succeeded").states().get(4);
        assertEquals("Running/Running", running.summary());
        assertEquals(time("2026-12-01T19:43:52Z"), running.pod().containerStarted());
        assertNull(running.pod().containerFinished());
        assertNull(running.exitCode());
        assertFalse(running.ended());
    }

    @Test void aContainerThatExitsWithACodeEndsWithThatCodeAndNoFailureOfItsOwn() throws Exception {
        Replay r = replay("exit-code");
        assertEquals(List.of("2.652 observed Running/Running", "2.652 running (container up)", "2.662 observed Failed/Error", "2.662 ended"),
                r.events().subList(2, 6));
        var s = r.last();
        assertEquals(3, s.exitCode());
        assertNull(s.failure(), "the runner words it from the exit code: \"exit status 3\"");
        assertEquals("Failed/Error", s.summary());
        assertTrue(s.ended());
    }

    @Test void anOomKillOverridesAnyEarlierReason() throws Exception {
        Replay r = replay("oom");
        assertEquals(List.of("3.204 observed Failed/OOMKilled",
                "3.204 failed! OOMKilled (exit 137): the container reached its memory limit; raise --memory-limit", "3.204 ended"),
                r.events().subList(r.events().size() - 3, r.events().size()));
        assertEquals(137, r.last().exitCode());
    }

    @Test void anImageTheNodeCannotUseFailsAtOnceWithTheFix() throws Exception {
        Replay r = replay("image-never-pull");
        String why = "image mmb-static:latest cannot be used (ErrImageNeverPull: Container image \"mmb-static:latest\" is not present "
                + "with pull policy of Never): run `make image-build` on the node so K3s's containerd has it";
        assertEquals(List.of("2.204 observed Pending/ErrImageNeverPull", "2.204 failed " + why, "2.204 ended"),
                r.events().subList(r.events().size() - 3, r.events().size()));
        var s = r.last();
        assertEquals(why, s.failure());
        assertNull(s.runningAt(), "it never ran");
        assertTrue(s.ended());
        assertTrue(replay(new single_env_bench.PodStatus("mmb-static:latest", single_env_bench.PullPolicy.Always), "image-never-pull").last().failure()
                .endsWith(", and use --image-pull-policy IfNotPresent"), "Always cannot use an imported image");
    }

    @Test void aContainerThatCannotStartEndsWithoutEverRunning() throws Exception {
        Replay r = replay("start-error");
        assertEquals(List.of("2.846 observed Failed/StartError", "2.846 running (container gone)", "2.846 ended"),
                r.events().subList(r.events().size() - 3, r.events().size()), "no cgroup to look for: the container never ran");
        var s = r.last();
        assertEquals(128, s.exitCode());
        assertNull(s.failure(), "a terminated state is the container's verdict; its exit code says it");
        assertEquals(0.0, s.pod().containerStarted(), "runc's start error reports the epoch");
    }

    @Test void aContainerErrorWhileWaitingFails() throws Exception {
        Replay r = replay("crash-loop");
        assertEquals(List.of("2.516 observed Running/StartError", "2.516 running (container gone)", "2.516 ended",
                "2.526 observed Running/CrashLoopBackOff",
                "2.526 failed container error CrashLoopBackOff: back-off 10s restarting failed container=mmb pod=mmb-rec_default(150aa736-41bb-40ee-8d4e-6c29ce9fcc8b)"),
                r.events().subList(2, 7), "ended once; the second StartError changes nothing");
        var s = r.last();
        assertEquals("containerd://91145be029ffeee262629e48093b9ecc3b69a91194f0ef0ea6ac30d46d7e0712", s.containerId(),
                "the last container id stays known while the kubelet waits (its status has none)");
        assertNull(s.pod().containerId());
        assertEquals(128, s.exitCode(), "the last terminated state's");
    }

    @Test void aPodDeletedWhileRunningFails() throws Exception {
        Replay r = replay("deleted");
        assertEquals(List.of("2.412 observed Running/Running", "2.412 running (container up)",
                "2.710 failed the pod was deleted before it finished", "2.710 ended"), r.events().subList(2, 6));
        var s = r.last();
        assertEquals("Running/Running", s.summary(), "the deletion is no status of the pod");
        assertEquals(3, s.observed().size());
        assertEquals("the pod was deleted before it finished", s.failure());
        assertNull(s.exitCode());
        assertEquals(s, MACHINE.gone(s).state(), "gone twice is gone once");
    }

    @Test void aWatchThatEndsMidWayIsContinuedByTheReadAndTheNextWatch() throws Exception {
        Replay r = replay("watch-ends");
        assertEquals(3, r.watchesEnded(), "the server ended the watch three times");
        assertEquals(List.of("1.514 observed Pending/", "1.783 observed Pending/ContainerCreating", "2.121 observed Running/Running",
                "2.121 running (container up)", "4.615 observed Succeeded/Completed", "4.615 ended"), r.events(),
                "each read and each new watch's ADDED repeat the state: no transition, no second start");
        var s = r.last();
        assertEquals(2.121, s.runningAt());
        assertEquals(0, s.exitCode());
        assertEquals(time("2026-12-01T19:44:16Z"), s.pod().containerFinished(), "the end, seen only in the last watch's first event");
    }
}
