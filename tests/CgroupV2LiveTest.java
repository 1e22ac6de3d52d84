import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.*;

import java.nio.file.*;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The cgroup v2 code path on a real v2 hierarchy. On a v2 host the other end-to-end tests already run on v2;
 * on a hybrid v1 host (like the CI machine) the empty v2 mount still has cpu.stat (usage, user, system), so a
 * run with --cgroup-root pointing at it exercises creation, joining before exec, sampling and removal for real.
 */
@Tag("e2e")
class CgroupV2LiveTest {
    @Test void aTrialInARealV2Cgroup() throws Exception {
        LocalBackendTest.requireRoot();
        String mountinfo = Files.readString(Path.of("/proc/self/mountinfo"));
        Path v2 = null;
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            if (dash > 0 && f[dash + 1].equals("cgroup2")) v2 = Path.of(f[4]);
        }
        Assumptions.assumeTrue(v2 != null, "no cgroup2 mount on this machine");
        Path results = Files.createTempDirectory("mmb-v2"), root = v2;
        var truth = new TaskCpu("mmb-static 128 ");
        var r = truth.around(() -> TestSupport.singleEnv("--backend", "local", "--image", "mmb-static:latest", "--build-dir", TestSupport.build().toString(),
                "--cgroup-root", root.toString(), "--sampler", "cgroup", "--results-dir", results.toString(),
                "--sizes", "128", "--trials", "1", "--duration", "1", "--no-warmup", "--interval", "0.2"));
        assertEquals(0, r.exit(), r.all());
        JsonNode f = TestSupport.readJson(results.resolve("initial_bm/mmb-static_default.json"));
        assertEquals("cgroup-v2", f.path("environment").path("sampler").asText());
        JsonNode t = f.path("results").path("128_cold").get(0);
        truth.assertMatches(t, 0.05, false);
        // read from v2's cpu.stat at both ends: at BENCH_START of a cold trial it may still be 0 (the kernel
        // attributes the first milliseconds late), at the end it holds the whole window
        JsonNode samples = t.path("samples");
        assertTrue(samples.get(0).path("usage_usec").isNumber(), samples.get(0).toString());
        assertTrue(samples.get(samples.size() - 1).path("usage_usec").asLong() > 100_000, samples.toString());
        try (var s = Files.list(v2.resolve("mmb"))) {
            assertEquals(0, s.filter(Files::isDirectory).count(), "trial cgroup removed");
        }
    }
}
