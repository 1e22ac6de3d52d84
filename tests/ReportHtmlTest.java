import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * report.html from saved results folders: self-contained, every chart present with its series, every warning
 * shown, the summary's numbers (not recomputed ones), the run's metadata. The main fixture is
 * tests/fixtures/report/results_limits (made by make_results_limits.py beside it: four environments with results,
 * one skipped, CPU and memory limits, an outlier, a failed and an invalid trial, an interpreter-speed runtime).
 */
@org.junit.jupiter.api.Tag("unit")
class ReportHtmlTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> ENVS = List.of("mmb-debian-default", "mmb-static-default", "mmb-wasm-node", "mmb-wasm-wamr");

    /** The folder after `report`, shared by the tests that only read it. */
    static Path limits;
    static String page;

    @BeforeAll static void writeTheReportOnce() throws IOException {
        limits = ReportKit.copy(ReportKit.fixture("results_limits"));
        MetaKit.Run r = MetaKit.meta("report", limits.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals("", r.err());
        page = Files.readString(limits.resolve("report.html"));
    }

    @Test void reportWritesThePageAndAPngOfEveryChart() throws IOException {
        Path folder = ReportKit.copy(ReportKit.fixture("results_limits"));
        MetaKit.Run r = MetaKit.meta("report", folder.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("Written: " + folder.resolve("summary.md") + ", summary.csv, summary.json"), r.out());
        assertTrue(r.out().contains("Written: " + folder.resolve("report.html") + " (open it in a browser, it works offline) "
                + "and 23 charts as 300 DPI PNG in " + folder.resolve("charts")), r.out());
        List<String> figures = ReportKit.figures(Files.readString(folder.resolve("report.html"))).stream()
                .map(ReportKit.Figure::id).collect(Collectors.toList());
        List<String> pngs;
        try (Stream<Path> s = Files.list(folder.resolve("charts"))) {
            pngs = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertEquals(figures.stream().map(f -> f + ".png").sorted().collect(Collectors.toList()), pngs);
        // 300 DPI: a 600-pixel-wide chart is 2500 pixels wide as PNG
        BufferedImage png = ImageIO.read(folder.resolve("charts/cpu-mmb-wasm-node-256-warm.png").toFile());
        assertEquals(2500, png.getWidth());
        assertEquals(1500, png.getHeight());

        // a stale chart of an earlier report goes; a second report gives the same page but for its date
        Files.writeString(folder.resolve("charts/cpu-gone-256-warm.png"), "old");
        String first = Files.readString(folder.resolve("report.html"));
        assertEquals(0, MetaKit.meta("report", folder.toString()).code());
        assertFalse(Files.exists(folder.resolve("charts/cpu-gone-256-warm.png")));
        assertEquals(ReportKit.withoutDates(first), ReportKit.withoutDates(Files.readString(folder.resolve("report.html"))));
    }

    @Test void thePageLoadsNothingFromOutside() {
        ReportKit.assertSelfContained(page);
        assertTrue(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                + "style-src 'unsafe-inline'; img-src data:\">"), "the browser is told to load nothing");
    }

    @Test void theSelfContainedCheckCatchesWhatItShould() {
        for (String bad : List.of("<script src=\"x.js\"></script>", "<img src=\"https://example.org/a.png\">",
                "<link rel=\"stylesheet\" href=\"style.css\">", "<style>@import url(a.css);</style>",
                "<style>@font-face { font-family: x; src: url(x.woff2); }</style>",
                "<div style=\"background: url('http://example.org/a.png')\"></div>", "<iframe src=\"a.html\"></iframe>",
                "<a href=\"http://example.org/\">x</a>", "<svg><image href=\"a.png\"/></svg>",
                "<p style=\"color: red\" data-x=\"//example.org/p.svg\">x</p>")) {
            assertThrows(AssertionError.class, () -> ReportKit.assertSelfContained("<html><body>" + bad + "</body></html>"), bad);
        }
    }

    @Test void everyChartIsThereWithItsSeries() {
        Map<String, ReportKit.Figure> f = new LinkedHashMap<>();
        for (ReportKit.Figure x : ReportKit.figures(page)) f.put(x.id(), x);
        assertEquals(ReportKit.expectedCharts(), new ArrayList<>(f.keySet()));

        for (String size : List.of("256", "512")) {
            ReportKit.Figure t = f.get("throughput-" + size + "-warm");
            assertEquals(ENVS, t.categories(), "one bar per environment with results");
            assertEquals("Throughput at N = " + size + " (MFLOPS, higher is better)", t.title());
        }
        assertEquals(List.of("mean ± SD", "each valid trial"), f.get("throughput-256-warm").series());
        assertEquals(List.of("mean ± SD", "each valid trial", "outlier (kept in the statistics)"),
                f.get("throughput-512-warm").series(), "static's trial 3 at 512 is an outlier");
        assertEquals(List.of("N = 256", "N = 512"), f.get("ratio").series());
        assertEquals(ENVS, f.get("ratio").categories());
        assertEquals(ENVS, f.get("cold-start").series(), "one line per environment");
        assertEquals(ENVS, f.get("time-to-main").series());
        assertEquals(List.of("trial 1", "trial 2 (failed)", "trial 3", "average 0.99 cores", "peak 1.00 cores", "limit 1 core"),
                f.get("cpu-mmb-wasm-node-512-warm").series());
        assertEquals(List.of("trial 1", "trial 2", "trial 3 (invalid)", "average 3.0 MiB", "peak 3.3 MiB"),
                f.get("memory-mmb-wasm-wamr-256-warm").series(), "256Mi is far above 3 MiB: not drawn");
        assertEquals(List.of("N = 256", "N = 512"), f.get("throttling").series());
        assertEquals(List.of("N = 256 trial 1", "N = 256 trial 2", "N = 256 trial 3", "N = 512 trial 1",
                "N = 512 trial 2 (failed)", "N = 512 trial 3"), f.get("throttling-mmb-wasm-node").series());

        for (ReportKit.Figure x : f.values()) {
            assertTrue(x.svg().startsWith("<svg class=\"chart\" role=\"img\" aria-labelledby=\"" + x.id() + "-title\""), x.id());
            assertTrue(x.svg().contains("viewBox="), x.id());
            assertTrue(ReportKit.count(x.svg(), "<path") > 20, x.id() + ": drawn (text is outlines, so many paths)");
            assertTrue(x.caption().startsWith("How to read: "), x.id());
            assertTrue(x.caption().contains("PNG: charts/" + x.id() + ".png"), x.id());
        }
        assertTrue(page.contains("The memory limit, 256Mi, is far above and not drawn."));
        assertTrue(page.contains("Never throttled in any sample: mmb-debian-default, mmb-static-default, mmb-wasm-wamr."));
        assertTrue(page.contains("Limits set: CPU 1 core, memory 256Mi for every environment."));
    }

    @Test void svgIdsAreUniqueOnThePage() {
        Matcher m = Pattern.compile(" id=\"([^\"]+)\"").matcher(page);
        List<String> ids = new ArrayList<>();
        while (m.find()) ids.add(m.group(1));
        assertEquals(ids.size(), ids.stream().distinct().count(), "duplicate ids: two charts would share a clip path");
        Matcher refs = Pattern.compile("url\\(#([^)]+)\\)").matcher(page);
        while (refs.find()) assertTrue(ids.contains(refs.group(1)), "a reference to a missing id: " + refs.group(1));
        assertFalse(page.contains("<?xml") || page.contains("<!DOCTYPE svg"), "no XML prolog inside HTML");
    }

    @Test void everyWarningIsShownWithItsKind() throws IOException {
        JsonNode summary = JSON.readTree(limits.resolve("summary.json").toFile());
        assertEquals(8, summary.path("notes").size());
        for (JsonNode n : summary.path("notes")) assertTrue(page.contains(ReportKit.esc(n.asText())), n.asText());
        assertTrue(page.contains("<a href=\"#warnings\">Warnings (8)</a>"));
        Map<String, String> kinds = Map.of(
                "likely interpreter mode", "mmb-wasm-wamr 256: likely interpreter mode: 0.050× the throughput of mmb-debian-default",
                "outlier", "mmb-static-default 512: trial 3 is an outlier (1500.0 MFLOPS",
                "failed or invalid trials", "mmb-wasm-wamr 256: 1 invalid trial(s) left out of the statistics.",
                "skipped environment", "mmb-wasm-wasmtime: no results (skipped: single_env_bench: runtime &#39;wasmtime&#39;",
                "environment failed", "mmb-wasm-node: failed — 5 of 6 trials ok and valid (1 failed).");
        for (Map.Entry<String, String> k : kinds.entrySet()) {
            assertTrue(page.contains("<span class=\"tag\">" + k.getKey() + "</span> " + k.getValue()), k.toString());
        }
        // and next to the environment's own charts
        assertTrue(page.contains("<p class=\"inline-warning\">⚠ mmb-wasm-wamr 256: likely interpreter mode"), "inline");
    }

    @Test void theNumbersAreTheSummarys() throws IOException {
        JsonNode summary = JSON.readTree(limits.resolve("summary.json").toFile());
        Map<String, ReportKit.Figure> f = new LinkedHashMap<>();
        for (ReportKit.Figure x : ReportKit.figures(page)) f.put(x.id(), x);
        for (JsonNode row : summary.path("rows")) {
            String id = row.path("environment").asText() + "-" + row.path("size").asInt() + "-" + row.path("mode").asText();
            assertTrue(f.get("cpu-" + id).series().contains(String.format(Locale.ROOT, "average %.2f cores",
                    row.path("avg_cpu_cores").asDouble())), id);
            assertTrue(f.get("memory-" + id).series().contains(String.format(Locale.ROOT, "average %.1f MiB",
                    row.path("avg_mem_bytes").asLong() / 1048576.0)), id);
            assertTrue(f.get("memory-" + id).series().contains(String.format(Locale.ROOT, "peak %.1f MiB",
                    row.path("peak_mem_bytes").asLong() / 1048576.0)), id);
        }
        // the summary table is SummaryTables' (as in summary.md), verdicts marked
        String md = Files.readString(limits.resolve("summary.md"));
        assertTrue(md.contains("| mmb-static-default | 512 | 3/3 | 2000.0 | 1835.0 ± 290.1 | 1500.0–2005.0 | 15.8 | 0.486 ± 0.0768 |"), md);
        assertTrue(page.contains("<td>mmb-static-default</td><td class=\"num\">512</td><td class=\"num\">3/3</td>"
                + "<td class=\"num\">2000.0</td><td class=\"num\">1835.0 ± 290.1</td><td class=\"num\">1500.0–2005.0</td>"
                + "<td class=\"num\">15.8</td><td class=\"num\">0.486 ± 0.0768</td><td class=\"num\">[0.0520, 0.919]</td>"
                + "<td class=\"verdict-slower\">slower (p = 0.0071)</td><td>#3</td>"), "summary row");
        assertTrue(page.contains("<td class=\"verdict-baseline\">baseline</td>"));
        assertTrue(page.contains("<td class=\"verdict-no-significant-difference\">no significant difference (p = 0.13)</td>"));
    }

    @Test void theRunsMetadataIsShown() {
        for (String s : List.of("<tr><th>run id</th><td>20261130-101500</td></tr>",
                "<tr><th>exit status</th><td>1 (an environment failed or has failed/invalid trials)</td></tr>",
                "<tr><th>duration</th><td>3 min 3 s</td></tr>", "<tr><th>order</th><td>interleaved</td></tr>",
                "<tr><th>hostname</th><td>bench-node-1</td></tr>", "<tr><th>memory bytes</th><td>25276502016 (23.5 GiB)</td></tr>",
                "<tr><th>cpu model</th><td>AMD EPYC 7B13</td></tr>",
                "<tr><th>jbang</th><td>0.132.1</td></tr>", "<tr><th>wasmtime</th><td>not installed</td></tr>",
                "<tr><th>cpu limit</th><td>1.0</td></tr>", "<tr><th>memory limit</th><td>256Mi</td></tr>",
                "<tr class=\"outcome-skipped\"><td>mmb-wasm-wasmtime</td>",
                "<td>clang-14.0.6 -O2 → wasm32-wasi</td>", "<td>iwasm 2.1.0</td>")) {
            assertTrue(page.contains(s), s);
        }
        assertTrue(page.contains("<title>mmb benchmark report: "), "a title for the tab");
        assertTrue(page.contains("with <strong>mmb-debian-default</strong> as the baseline"), "the lead names the baseline");
    }

    @Test void withoutRunJsonTheResultFilesTellWhatTheyCan() throws IOException {
        Path folder = ReportKit.copy(ReportKit.fixture("results_limits"));
        Files.delete(folder.resolve("run.json"));
        MetaKit.Run r = MetaKit.meta("report", folder.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        String html = Files.readString(folder.resolve("report.html"));
        ReportKit.assertSelfContained(html);
        assertTrue(html.contains("This folder has no run.json"), "says so");
        assertEquals(ReportKit.expectedCharts(), ReportKit.figures(html).stream().map(ReportKit.Figure::id).collect(Collectors.toList()),
                "the limits come from the result files' flags");
        assertFalse(html.contains("mmb-wasm-wasmtime"), "nothing is known about the skipped environment");
    }

    @Test void aFolderWithOneSamplePerTrialAndNoLimits() throws IOException {
        Path folder = ReportKit.copy(MetaKit.fixtures().resolve("results_basic"));
        MetaKit.Run r = MetaKit.meta("report", folder.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        String html = Files.readString(folder.resolve("report.html"));
        ReportKit.assertSelfContained(html);
        List<String> ids = ReportKit.figures(html).stream().map(ReportKit.Figure::id).collect(Collectors.toList());
        assertTrue(ids.containsAll(List.of("throughput-256-warm", "throughput-512-warm", "ratio", "cold-start", "time-to-main",
                "memory-mmb-wasm-node-512-warm")), ids.toString());
        assertTrue(ids.stream().noneMatch(i -> i.startsWith("cpu-")), "one sample: no interval, no CPU curve");
        assertTrue(ids.stream().noneMatch(i -> i.startsWith("throttling")), ids.toString());
        assertTrue(html.contains("No CPU or memory limit was set in this run"), "says why there is no throttling chart");
        assertTrue(html.contains("<span class=\"tag\">skipped environment</span> mmb-wasm-wasmtime: no results"));
    }

    @Test void textFromTheFilesIsEscaped() throws IOException {
        Path folder = ReportKit.copy(ReportKit.fixture("results_limits"));
        Path run = folder.resolve("run.json");
        Files.writeString(run, Files.readString(run).replace("bench_limits.yaml", "<script>alert(1)</script>")
                .replace("\"hostname\": \"bench-node-1\"", "\"hostname\": \"<img src=x onerror=alert(2)>\""));
        assertEquals(0, MetaKit.meta("report", folder.toString()).code());
        String html = Files.readString(folder.resolve("report.html"));
        ReportKit.assertSelfContained(html);
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    }

    @Test void aShortLastIntervalJoinsTheOneBefore() {
        // 0.5 s intervals, then BENCH_END 0.02 s after the last one: 1 core throughout, but 0.02 s of it measured 0.5
        List<metaorchestrator.Sample> samples = List.of(new metaorchestrator.Sample(0, 0L, null, null),
                new metaorchestrator.Sample(0.5, 500_000L, null, null), new metaorchestrator.Sample(1.0, 1_000_000L, null, null),
                new metaorchestrator.Sample(1.02, 1_010_000L, null, null));
        double[][] cores = new metaorchestrator.TrialTrace("256_warm", 1, "ok", true, samples).cpuCores();
        assertArrayEquals(new double[] {0.5, 1.02}, cores[0], 1e-12);
        assertArrayEquals(new double[] {1.0, 510_000 / 0.52 / 1e6}, cores[1], 1e-12);
        // even intervals stay as they are; one sample gives no interval at all
        double[][] even = new metaorchestrator.TrialTrace("256_warm", 1, "ok", true, samples.subList(0, 3)).cpuCores();
        assertArrayEquals(new double[] {1.0, 1.0}, even[1], 1e-12);
        assertEquals(0, new metaorchestrator.TrialTrace("256_warm", 1, "ok", true, samples.subList(0, 1)).cpuCores()[0].length);
    }

    @Test void fontTroubleIsToldApartFromABug() {
        RuntimeException font = new NullPointerException("no fonts");
        font.setStackTrace(new StackTraceElement[] {new StackTraceElement("sun.awt.FontConfiguration", "getVersion", null, 1)});
        assertTrue(metaorchestrator.HtmlReport.fontTrouble(font));
        assertTrue(metaorchestrator.HtmlReport.fontTrouble(new UnsatisfiedLinkError("libfontmanager.so")));
        assertFalse(metaorchestrator.HtmlReport.fontTrouble(new IllegalStateException("a bug")));
    }

    @Test void reportHelpNamesThePage() {
        MetaKit.Run r = MetaKit.meta("report", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().replaceAll("\\s+", " ").contains("summary.json and report.html (the charts; their PNG copies in charts/)"),
                r.out());
    }
}

/** Helpers of the report tests (in a *Test.java file: the test runner compiles only those). */
final class ReportKit {
    private ReportKit() {}

    static Path fixture(String name) { return TestSupport.repo().resolve("tests/fixtures/report").resolve(name); }

    static Path copy(Path src) throws IOException {
        Path dst = Files.createTempDirectory("mmb-report").resolve(src.getFileName().toString());
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) if (Files.isRegularFile(f)) Files.copy(f, dst.resolve(f.getFileName()));
        }
        return dst;
    }

    /** The charts of the results_limits fixture, in page order. */
    static List<String> expectedCharts() {
        List<String> ids = new ArrayList<>(List.of("throughput-256-warm", "throughput-512-warm", "ratio", "cold-start", "time-to-main"));
        for (String env : ReportHtmlTest.ENVS) {
            for (String size : List.of("256", "512")) {
                ids.add("cpu-" + env + "-" + size + "-warm");
                ids.add("memory-" + env + "-" + size + "-warm");
            }
        }
        ids.addAll(List.of("throttling", "throttling-mmb-wasm-node"));
        return ids;
    }

    record Figure(String id, List<String> series, List<String> categories, String svg, String title, String caption) {}

    static final Pattern FIGURE = Pattern.compile("<figure class=\"chart\" id=\"chart-([^\"]+)\" data-chart=\"\\1\" "
            + "data-series=\"([^\"]*)\"(?: data-categories=\"([^\"]*)\")?>\\n(<svg .*?</svg>)\\n<figcaption>(.*?)</figcaption>\\n</figure>",
            Pattern.DOTALL);

    static List<Figure> figures(String html) {
        List<Figure> out = new ArrayList<>();
        Matcher m = FIGURE.matcher(html);
        while (m.find()) {
            Matcher title = Pattern.compile("<title id=\"[^\"]+\">(.*?)</title>").matcher(m.group(4));
            out.add(new Figure(m.group(1), split(m.group(2)), m.group(3) == null ? List.of() : split(m.group(3)), m.group(4),
                    title.find() ? unesc(title.group(1)) : null, unesc(m.group(5).replaceAll("<[^>]+>", ""))));
        }
        return out;
    }

    private static List<String> split(String s) { return s.isEmpty() ? List.of() : List.of(unesc(s).split("\\|")); }

    static String unesc(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    static String withoutDates(String html) { return html.replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "DATE"); }

    /**
     * Nothing on the page can make a browser fetch anything: no script, no stylesheet or font file, no frame,
     * no image or link that is not inline or on the page itself (namespace names such as xmlns="http://…" are
     * only names, never fetched).
     */
    static void assertSelfContained(String html) {
        String lower = html.toLowerCase(Locale.ROOT);
        for (String tag : List.of("<script", "<link", "<iframe", "<object", "<embed", "<img", "<image", "<use", "<video",
                "<audio", "<source", "<base", "<form", "<frame")) {
            assertFalse(lower.contains(tag), "no " + tag + " element");
        }
        assertFalse(lower.contains("@import"), "no @import");
        assertFalse(lower.contains("@font-face"), "no web fonts");
        Matcher url = Pattern.compile("url\\(\\s*['\"]?([^)'\"]*)").matcher(lower);
        while (url.find()) assertTrue(url.group(1).startsWith("#") || url.group(1).startsWith("data:"), "url(" + url.group(1) + ")");
        Matcher tag = Pattern.compile("<[a-z][^>]*>").matcher(lower);   // attributes are inside tags; escaped text has no '<'
        while (tag.find()) {
            Matcher ref = Pattern.compile("\\s(?:src|href|xlink:href|srcset|poster|action|data)\\s*=\\s*['\"]?([^'\"\\s>]*)")
                    .matcher(tag.group());
            while (ref.find()) assertTrue(ref.group(1).startsWith("#") || ref.group(1).startsWith("data:"), "a reference: " + ref.group());
        }
        // An address in a tag or a style sheet (not in text: a warning may name a project's web site).
        Matcher code = Pattern.compile("(?s)<[a-z][^>]*>|<style>.*?</style>").matcher(lower);
        while (code.find()) {
            Matcher http = Pattern.compile("(https?:)?//[a-z0-9.-]+").matcher(code.group());
            while (http.find()) {
                String before = code.group().substring(Math.max(0, http.start() - 20), http.start());
                assertTrue(before.matches("(?s).*xmlns(:xlink)?=\"$"), "an address outside a namespace name: " + http.group());
            }
        }
    }
}
