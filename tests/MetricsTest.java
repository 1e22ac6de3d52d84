import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Derived metrics against hand-computed values. */
@org.junit.jupiter.api.Tag("unit")
class MetricsTest {
    static single_env_bench.Sample s(double t, long usage, long throttled, long mem) {
        return new single_env_bench.Sample(t, usage, usage, 0L, throttled, mem, mem);
    }

    @Test void derivedFromTheWindowSamples() {
        var r = new single_env_bench.TrialRecord(1);
        r.start = 10.0; r.running_time = 10.25; r.app_start = 10.5;
        r.samples = List.of(s(20, 1_000_000, 3, 1000), s(21, 1_500_000, 5, 3000), s(23, 2_500_000, 9, 1000));
        var sampler = new single_env_bench.Sampler(1.0);
        sampler.peak = 2500L;
        single_env_bench.Metrics.derive(r, sampler);
        assertEquals(0.25, r.cold_start_time, 1e-9);
        assertEquals(0.5, r.time_to_main, 1e-9);
        assertEquals(1.5 / 3.0, r.avg_cpu_cores, 1e-4, "1.5 s of CPU over 3 s of wall");
        assertEquals(6L, r.throttled_events);
        // trapezoids: 1 s × 2000 + 2 s × 2000 = 6000 over 3 s
        assertEquals(2000L, r.avg_mem_bytes);
        assertEquals(3000L, r.peak_mem_bytes, "the larger of the samples and the high-water mark");
    }

    /** k8s: the sample after the container's exit comes from its pod, with CPU but no throttling counter of its own. */
    @Test void throttlingCountsToTheLastSampleThatReadIt() {
        var r = new single_env_bench.TrialRecord(1);
        var afterExit = new single_env_bench.Sample(22.1, 2_600_000L, 2_600_000L, 0L, null, null, null);
        r.samples = List.of(s(20, 1_000_000, 0, 1000), s(21, 1_500_000, 4, 1000), s(22, 2_500_000, 13, 1000), afterExit);
        single_env_bench.Metrics.derive(r, new single_env_bench.Sampler(1.0));
        assertEquals(13L, r.throttled_events);
        assertEquals(1.6 / 2.1, r.avg_cpu_cores, 1e-4, "CPU to the end, from the pod's counter");
    }

    @Test void theHighWaterMarkCatchesASpikeBetweenSamples() {
        var r = new single_env_bench.TrialRecord(1);
        r.samples = List.of(s(0, 0, 0, 1000), s(1, 1_000_000, 0, 1000));
        var sampler = new single_env_bench.Sampler(1.0);
        sampler.peak = 50_000L;
        single_env_bench.Metrics.derive(r, sampler);
        assertEquals(50_000L, r.peak_mem_bytes);
        assertEquals(1.0, r.avg_cpu_cores, 1e-9);
    }

    @Test void noSamplesMeansNoDerivedResourceMetrics() {
        var r = new single_env_bench.TrialRecord(1);
        single_env_bench.Metrics.derive(r, new single_env_bench.Sampler(1.0));
        assertNull(r.avg_cpu_cores);
        assertNull(r.peak_mem_bytes);
        assertNull(r.cold_start_time);
    }

    static single_env_bench.ProtocolParser.Progress at(double t, long iterations) {
        return new single_env_bench.ProtocolParser.Progress(t, iterations);
    }

    /** A finished trial of size 100 (2·100³ flops per iteration: MFLOPS of a slice = 2 × iterations / seconds). */
    static single_env_bench.TrialRecord slices(long iterations, double elapsed, single_env_bench.ProtocolParser.Progress... progress) {
        var r = new single_env_bench.TrialRecord(1);
        r.iterations = iterations;
        r.elapsed_s = elapsed;
        single_env_bench.Slices.derive(r, List.of(progress), 100);
        return r;
    }

    @Test void slicesBetweenProgressLinesTheLastEndingAtElapsed() {
        var r = slices(700, 2.0, at(0.5, 100), at(1.0, 300), at(1.5, 475));
        assertEquals(List.of(new single_env_bench.Slice(0.5, 100, 400), new single_env_bench.Slice(1.0, 200, 800),
                new single_env_bench.Slice(1.5, 175, 700), new single_env_bench.Slice(2.0, 225, 900)), r.slices);
        assertEquals(800, r.steady_mflops, 1e-9, "median of the slices after the first");
        assertEquals(12.5, r.within_cv_percent, 1e-9, "SD 100 / mean 800");
        // 400 is below 800 by more than 10 % and than 3 CVs (37.5 %)
        assertEquals(true, r.warmup_slow_start);
    }

    @Test void aSlowFirstSliceWithinTheTrialsOwnNoiseIsNoWarmup() {
        var r = slices(750, 2.0, at(0.5, 150), at(1.0, 350), at(1.5, 525));
        assertEquals(600, r.slices.get(0).mflops(), 1e-9);
        assertEquals(12.5, r.within_cv_percent, 1e-9);
        assertEquals(false, r.warmup_slow_start, "600 is 25 % below 800, inside 3 CVs of the rest");
        var quiet = slices(625, 2.0, at(0.5, 25), at(1.0, 225), at(1.5, 425));
        assertEquals(0.0, quiet.within_cv_percent, 1e-9);
        assertEquals(100, quiet.slices.get(0).mflops(), 1e-9);
        assertEquals(true, quiet.warmup_slow_start);
        var barely = slices(790, 2.0, at(0.5, 190), at(1.0, 390), at(1.5, 590));
        assertEquals(760, barely.slices.get(0).mflops(), 1e-9);
        assertEquals(false, barely.warmup_slow_start, "5 % below a noiseless steady state is not much slower");
    }

    @Test void withTwoSlicesThereIsASteadyStateButNoSpread() {
        var r = slices(300, 1.2, at(0.5, 100));
        assertEquals(2, r.slices.size());
        assertEquals(Math.round(2 * 200 / 0.7 * 1000) / 1000.0, r.steady_mflops, 1e-9);
        assertNull(r.within_cv_percent, "a CV needs two slices after the first");
        assertEquals(true, r.warmup_slow_start, "400 against 571.4: below by more than 10 %");
    }

    @Test void withoutProgressLinesTheWholeLoopIsOneSlice() {
        var r = slices(246, 2.021148);
        assertEquals(1, r.slices.size(), "older builds (or a loop shorter than the cadence): one slice, nothing derived");
        assertEquals(2.021148, r.slices.get(0).t());
        assertEquals(246, r.slices.get(0).iterations());
        assertEquals(Math.round(2e6 * 246 / 2.021148 / 1e6 * 1000) / 1000.0, r.slices.get(0).mflops(), 1e-9, "= the program's throughput");
        assertNull(r.steady_mflops);
        assertNull(r.within_cv_percent);
        assertNull(r.warmup_slow_start);
        var failed = new single_env_bench.TrialRecord(1);
        single_env_bench.Slices.derive(failed, List.of(at(0.5, 10)), 100);
        assertNull(failed.slices, "no result lines, no slices");
        assertNull(slices(10, 0.0).slices, "a loop of no time has no slices");
        assertNull(slices(10, 1.0, at(0.5, 12)).slices, "more iterations at a progress line than in the end: no slices");
    }

    @Test void quantitiesAndImageNames() {
        assertEquals(512L << 20, single_env_bench.Quantity.bytes("512Mi"));
        assertEquals(1_000_000_000L, single_env_bench.Quantity.bytes("1G"));
        assertEquals(268435456L, single_env_bench.Quantity.bytes("268435456"));
        assertNull(single_env_bench.Quantity.bytes("12 parsecs"));
        assertNull(single_env_bench.Quantity.bytes("-5Mi"));
        assertEquals("mmb-wasm", single_env_bench.Names.imageName("docker.io/library/mmb-wasm:latest"));
        assertEquals("mmb-wasm", single_env_bench.Names.imageName("registry:5000/team/mmb-wasm@sha256:abc"));
        assertEquals("mmb-static", single_env_bench.Names.imageName("mmb-static"));
    }
}
