import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.*;

/**
 * The CPU the program really got, recorded in the same run: its task's on-CPU time from /proc/PID/schedstat (the
 * scheduler's nanosecond clock, independent of the cgroup's cpuacct the harness reads), between the trial's first
 * and last sample. On a busy machine a single-threaded kernel gets less than a core; this is the truth then.
 */
final class TaskCpu {
    final List<double[]> readings = Collections.synchronizedList(new ArrayList<>());   // {pid, unix s, on-CPU s}
    private volatile boolean stop;
    private final Thread thread;

    TaskCpu(String commandPart) {
        thread = new Thread(() -> {
            long pid = -1;
            while (!stop) {
                String s = pid < 0 ? "" : TestSupport.readOrEmpty(Path.of("/proc", String.valueOf(pid), "schedstat"));
                if (s.indexOf(' ') > 0) {
                    readings.add(new double[]{pid, single_env_bench.Clock.now(), Long.parseLong(s.substring(0, s.indexOf(' '))) / 1e9});
                } else {   // not found yet, or ended: the next trial's program
                    // this JVM's descendants only: another checkout's tests on the same machine run the same command
                pid = ProcessHandle.current().descendants().filter(h -> h.info().commandLine().orElse("").contains(commandPart))
                            .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
                }
                try { Thread.sleep(20); } catch (InterruptedException e) { return; }
            }
        }, "task-cpu");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException { stop = true; thread.join(); }

    /** Runs `run` while recording, then stops (the readings stay for the checks). */
    <T> T around(java.util.concurrent.Callable<T> run) throws Exception {
        try { return run.call(); } finally { stop(); }
    }

    /** The cores the program got over a trial's sampled window (its first to its last sample). */
    double coresOf(JsonNode trial) {
        JsonNode s = trial.path("samples");
        return cores(s.get(0).path("timestamp").asDouble(), s.get(s.size() - 1).path("timestamp").asDouble());
    }

    /**
     * avg_cpu_cores of a single-threaded kernel's trial equals what its task really got (± tolerance), and is at most a
     * core: on a quiet machine both are 1, on a busy one both are lower together. For a runtime with helper threads
     * (node) the main thread's time is a floor only (`floorOnly`).
     */
    void assertMatches(JsonNode trial, double tolerance, boolean floorOnly) {
        double cores = trial.path("avg_cpu_cores").asDouble(), truth = coresOf(trial);
        String what = "avg_cpu_cores " + cores + ", the task's own schedstat " + truth;
        if (floorOnly) org.junit.jupiter.api.Assertions.assertTrue(cores >= truth - tolerance, what);
        else org.junit.jupiter.api.Assertions.assertEquals(truth, cores, tolerance, what);
        org.junit.jupiter.api.Assertions.assertTrue(cores <= 1.05 || floorOnly && cores <= 1.5, what + ": one thread uses at most a core");
    }

    /** Cores between two instants, each interpolated between the readings around it. */
    double cores(double from, double to) {
        return (at(to, false) - at(from, true)) / (to - from);
    }

    /** The task's CPU seconds at t; `start`: t opens a window (BENCH_START), else it closes one (BENCH_END). */
    private double at(double t, boolean start) {
        synchronized (readings) {
            for (int i = 1; i < readings.size(); i++) {
                double[] a = readings.get(i - 1), b = readings.get(i);
                if (a[0] == b[0] && a[1] <= t && t <= b[1]) return a[2] + (b[2] - a[2]) * (t - a[1]) / (b[1] - a[1]);
            }
            // the last sample is taken at BENCH_END, and the program exits right after: from the last two
            // readings of a program that ended at most 0.1 s before, at its last rate
            for (int i = readings.size() - 1; !start && i >= 1; i--) {
                double[] a = readings.get(i - 1), b = readings.get(i);
                if (a[0] == b[0] && b[1] < t && t - b[1] <= 0.1 && (i + 1 == readings.size() || readings.get(i + 1)[0] != b[0]))
                    return b[2] + (b[2] - a[2]) * (t - b[1]) / (b[1] - a[1]);
            }
            // the first sample is taken at BENCH_START, which in a cold trial can come before the program was found
            // (a scan of the processes takes a while): from the first two readings of a program found at most
            // 0.5 s later, at its first rate
            for (int i = 1; start && i < readings.size(); i++) {
                double[] a = readings.get(i - 1), b = readings.get(i);
                if (a[0] == b[0] && t < a[1] && a[1] - t <= 0.5 && (i == 1 || readings.get(i - 2)[0] != a[0]))
                    return a[2] - (b[2] - a[2]) * (a[1] - t) / (b[1] - a[1]);
            }
        }
        throw new AssertionError("no schedstat readings around " + t + " (" + readings.size() + " readings)");
    }
}
