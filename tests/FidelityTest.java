import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.*;

import java.nio.file.*;
import java.util.*;

import static org.junit.jupiter.api.Assertions.*;

/** Measurement fidelity against known truth (issue: "Prove it"): what the harness reports vs what is so. */
@Tag("e2e")
class FidelityTest {
    static Path work;

    @BeforeAll static void setUp() throws Exception {
        LocalBackendTest.requireRoot();
        work = Files.createTempDirectory("mmb-fidelity");
    }

    @AfterAll static void tearDown() throws Exception { K8sBackendTest.Cluster.resetAll(); }

    static JsonNode trials(String sub, String... more) {
        List<String> a = new ArrayList<>(List.of("--backend", "local", "--image", "mmb-static:latest", "--build-dir", TestSupport.build().toString(),
                "--results-dir", work.toString(), "--results-subfolder-name", sub));
        a.addAll(List.of(more));
        var r = TestSupport.singleEnv(a.toArray(String[]::new));
        assertEquals(0, r.exit(), r.all());
        try {
            JsonNode results = TestSupport.readJson(work.resolve(sub).resolve("mmb-static_default.json")).path("results");
            return results.elements().next();
        } catch (Exception e) { throw new AssertionError(e); }
    }

    @Test void aSingleThreadedKernelUsesOneCore() {
        for (JsonNode t : trials("onecore", "--sizes", "256", "--trials", "2", "--duration", "3", "--warmup-seconds", "0.5", "--interval", "0.5")) {
            System.out.printf("fidelity: avg_cpu_cores %.4f (expected 1.00 ± 0.03), harness %.4f cores%n",
                    t.path("avg_cpu_cores").asDouble(), t.path("harness_cpu_cores").asDouble());
            assertEquals(1.00, t.path("avg_cpu_cores").asDouble(), 0.03, t.toString());
            assertTrue(t.path("harness_cpu_cores").asDouble() < 0.02, "harness stays out of the way: " + t.path("harness_cpu_cores"));
        }
    }

    @Test void halfACoreLimitMeasuresHalfACoreAndThrottles() {
        for (JsonNode t : trials("halfcore", "--sizes", "256", "--trials", "2", "--duration", "3", "--warmup-seconds", "0.5", "--interval", "0.5",
                "--cpu-limit", "0.5")) {
            System.out.printf("fidelity: avg_cpu_cores %.4f under --cpu-limit 0.5 (expected 0.50 ± 0.05), throttled_events %d%n",
                    t.path("avg_cpu_cores").asDouble(), t.path("throttled_events").asLong());
            assertEquals(0.50, t.path("avg_cpu_cores").asDouble(), 0.05, t.toString());
            assertTrue(t.path("throttled_events").asLong() > 0);
        }
    }

    @Test void peakMemoryCoversTheMatricesAndEverySample() {
        int n = 1024;
        for (JsonNode t : trials("peak", "--sizes", String.valueOf(n), "--trials", "1", "--duration", "2", "--no-warmup", "--interval", "0.5")) {
            long peak = t.path("peak_mem_bytes").asLong();
            System.out.printf("fidelity: peak_mem_bytes %d at N=%d (3·8·N² = %d)%n", peak, n, 3L * 8 * n * n);
            assertTrue(peak >= 3L * 8 * n * n, "peak " + peak + " >= 3·8·N²");
            for (JsonNode s : t.path("samples")) assertTrue(peak >= s.path("mem_bytes").asLong());
        }
    }

    @Test void theObservedWindowMatchesTheProgramsOwnClock() {
        for (JsonNode t : trials("window", "--sizes", "128", "--trials", "3", "--duration", "2", "--no-warmup", "--interval", "0.5")) {
            double observed = t.path("end").asDouble() - t.path("bench_start").asDouble();
            System.out.printf("fidelity: end − bench_start − elapsed_s = %+.2f ms%n", (observed - t.path("elapsed_s").asDouble()) * 1000);
            assertEquals(t.path("elapsed_s").asDouble(), observed, 0.020, "end − bench_start vs elapsed_s");
        }
    }

    @Test void anInjectedContainerCreatingDelayIsRecoveredInColdStart() throws Exception {
        if (K8sBackendTest.work == null) K8sBackendTest.work = Files.createTempDirectory("mmb-k8s");
        var base = new K8sBackendTest.Cluster("cs-base", "MMB_STANDIN_FAULTS", "slow-start=0.3");
        var slow = new K8sBackendTest.Cluster("cs-slow", "MMB_STANDIN_FAULTS", "slow-start=1.8");
        String[] a = {"--image", "mmb-static:latest", "--sizes", "32", "--trials", "5", "--duration", "0.3", "--no-warmup"};
        assertEquals(0, base.bench(a).exit());
        assertEquals(0, slow.bench(a).exit());
        double b = median(base.file("mmb-static_default.json").path("results").path("32_cold"), "cold_start_time");
        double s = median(slow.file("mmb-static_default.json").path("results").path("32_cold"), "cold_start_time");
        System.out.printf("fidelity: cold start medians %.3f s (0.3 s ContainerCreating) and %.3f s (1.8 s): difference %.3f s (expected 1.5 ± 0.05)%n", b, s, s - b);
        assertEquals(1.5, s - b, 0.05, "cold start medians: base " + b + " s, slow " + s + " s");
    }

    static double median(JsonNode list, String field) {
        List<Double> v = new ArrayList<>();
        list.forEach(t -> v.add(t.path(field).asDouble()));
        Collections.sort(v);
        return v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
    }
}
