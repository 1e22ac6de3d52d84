import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * End to end: a real suite on the local backend (the real single_env_bench, the builds of `make build`) leaves
 * a report.html whose charts come from the trials it just ran, and which a real browser shows without an error.
 * As root the trials get a CPU limit of half a core, so the single-threaded program is throttled and the
 * throttling charts appear.
 */
@Tag("e2e")
class ReportSuiteTest {

    @Test void aLocalSuiteLeavesAReport() throws Exception {
        for (String b : List.of("mmb-static", "mmb.wasm")) {
            assertTrue(Files.isRegularFile(TestSupport.build().resolve(b)), "make build first: build/" + b);
        }
        boolean node = MetaSuiteTest.onPath("node");
        boolean limits = TestSupport.isRoot();   // limits need cgroups, cgroups need root
        Path dir = Files.createTempDirectory("mmb-report-suite");
        Files.writeString(dir.resolve("suite.yaml"), "environments:\n"
                + "  - image: mmb-static:latest\n    runtime_class: default\n"
                + "  - image: mmb-debian:latest\n    runtime_class: default\n"
                + (node ? "  - image: mmb-wasm:latest\n    runtime_class: node\n" : "")
                + "shared_args:\n  backend: local\n  sizes: [64]\n  trials: 2\n  duration: 0.6\n  warmup_seconds: 0.2\n"
                + "  interval: 0.1\n" + (limits ? "  cpu_limit: 0.5\n" : "")
                + "  results_dir: " + dir.resolve("results") + "\n  results_subfolder_name: e2e\n");
        MetaKit.Run r = MetaKit.meta("--config", dir.resolve("suite.yaml").toString(), "--jbang", MetaKit.jbang());
        assertEquals(0, r.code(), r.out() + r.err());
        Path folder = dir.resolve("results/e2e");
        assertTrue(r.out().contains("Written: " + folder.resolve("report.html")), r.out());

        String html = Files.readString(folder.resolve("report.html"));
        ReportKit.assertSelfContained(html);
        List<String> envs = new ArrayList<>(List.of("mmb-static-default", "mmb-debian-default"));
        if (node) envs.add("mmb-wasm-node");
        List<String> ids = ReportKit.figures(html).stream().map(ReportKit.Figure::id).collect(Collectors.toList());
        List<String> expected = new ArrayList<>(List.of("throughput-64-warm", "ratio", "startup-64-warm"));
        // throughput over time once single_env_bench records mmb's progress lines (slices); before, a sentence says why not
        boolean slices = Files.readString(folder.resolve("mmb-static_default.json")).contains("\"slices\"");
        if (slices) expected.add("throughput-over-time-64-warm");
        else assertTrue(html.contains("These results predate progress lines"), "says why there is no chart over time");
        for (String e : envs) expected.addAll(List.of("cpu-" + e + "-64-warm", "memory-" + e + "-64-warm"));
        if (limits) expected.add("throttling");
        assertTrue(ids.containsAll(expected), "expected " + expected + ", got " + ids);
        ReportKit.Figure throughput = ReportKit.figures(html).get(0);
        assertEquals(envs, throughput.categories());
        for (ReportKit.Figure f : ReportKit.figures(html)) {
            if (f.id().startsWith("cpu-")) {
                assertEquals(List.of("trial 1", "trial 2"), f.series().subList(0, 2), f.id());
                assertTrue(f.series().stream().anyMatch(s -> s.startsWith("average ")), f.id());
                assertTrue(f.series().stream().anyMatch(s -> s.startsWith("peak ")), f.id());
                if (limits) assertTrue(f.series().contains("limit 0.5 cores"), f.id() + " " + f.series());
            }
        }
        if (limits) {
            assertTrue(ids.stream().anyMatch(i -> i.startsWith("throttling-mmb-")), "half a core throttles mmb: " + ids);
            assertTrue(html.contains("Limits set: CPU 0.5 cores for every environment."), "the limits are named");
        }
        try (var pngs = Files.list(folder.resolve("charts"))) {
            assertEquals(ids.size(), pngs.count(), "a PNG of every chart");
        }

        Path chromium = HeadlessChromium.find();
        if (chromium == null && !"true".equals(System.getenv("CI"))) {
            System.out.println("ReportSuiteTest: chromium is not installed; the page was not opened in a browser");
            return;
        }
        assertNotNull(chromium, "CI installs chromium (.ci/run)");
        try (HeadlessChromium browser = HeadlessChromium.start(chromium)) {
            assertEquals(List.of(), ReportBrowserTest.problems(browser.load(folder.resolve("report.html")), expected));
        }
    }
}
