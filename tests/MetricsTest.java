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
