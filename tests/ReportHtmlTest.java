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
import java.util.Collections;
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
        // the ratio chart: one bar per compared environment and size, a series per kind of verdict
        assertEquals(List.of("faster or slower", "same within ±5 %", "inconclusive"), f.get("ratio").series());
        assertEquals(List.of("mmb-static-default · N=256", "mmb-wasm-node · N=256", "mmb-wasm-wamr · N=256",
                "mmb-static-default · N=512", "mmb-wasm-node · N=512", "mmb-wasm-wamr · N=512"), f.get("ratio").categories());
        assertTrue(f.get("ratio").title().contains("log scale"), f.get("ratio").title());
        for (String size : List.of("256", "512")) {
            ReportKit.Figure startup = f.get("startup-" + size + "-warm");
            assertEquals(List.of("time to main", "cold start"), startup.series(), "no harness spawn cost in these files");
            assertEquals(ENVS, startup.categories(), "a group per environment");
        }
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
        assertEquals(10, summary.path("notes").size());
        for (JsonNode n : summary.path("notes")) {
            assertTrue(page.contains(ReportKit.esc(n.path("text").asText())), n.toString());
        }
        assertTrue(page.contains("<a href=\"#warnings\">Warnings (10)</a>"));
        Map<String, String> kinds = Map.of(
                "likely interpreter mode", "mmb-wasm-wamr 256: likely interpreter mode: 0.0499× the throughput of mmb-debian-default",
                "outlier", "mmb-static-default 512: trial 3 is an outlier (1500.0 MFLOPS",
                "failed or invalid trials", "mmb-wasm-wamr 256: 1 invalid trial(s) left out of the statistics.",
                "runtime not installed", "mmb-wasm-wasmtime: no results (skipped: single_env_bench: runtime &#39;wasmtime&#39;",
                "environment failed", "mmb-wasm-node: failed — 5 of 6 trials ok and valid (1 failed).",
                "inconclusive", "mmb-static-default 512: inconclusive against mmb-debian-default: noise (CV 16 %)",
                "noisy", "mmb-static-default 512: noisy: CV 16 % between trials (max_cv 5 %)");
        for (Map.Entry<String, String> k : kinds.entrySet()) {
            assertTrue(page.contains("<span class=\"tag\">" + k.getKey() + "</span> " + k.getValue()), k.toString());
        }
        // sorted by kind, coloured by severity: errors, then warnings, then information (a missing runtime is no alarm)
        List<String> severities = new ArrayList<>();
        Matcher li = Pattern.compile("<li class=\"warning (error|warning|info) ([a-z-]+)\" data-kind=\"\\2\">").matcher(page);
        while (li.find()) severities.add(li.group(1));
        assertEquals(List.of("error", "error", "error", "error", "warning", "warning", "warning", "warning", "info", "info"),
                severities);
        assertTrue(page.contains("<li class=\"warning info skipped-runtime\" data-kind=\"skipped-runtime\">"), "information");
        // and next to the environment's own charts, matched by the note's environment (not its wording)
        assertTrue(page.contains("<p class=\"inline-warning warning\">⚠ mmb-wasm-wamr 256: likely interpreter mode"), "inline");
        assertTrue(page.contains("<p class=\"inline-warning info\">ℹ mmb-static-default 512: trial 3 is an outlier"), "inline");
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
        assertTrue(md.contains("| mmb-static-default | 512 | 3/3 | 2000.0 | 1835.0 ± 290.1 | 15.8 | – | 0.481 | [0.186, 1.248] "
                + "| 187 % | inconclusive | #3 |"), md);
        assertTrue(page.contains("<td>mmb-static-default</td><td class=\"num\">512</td><td class=\"num\">3/3</td>"
                + "<td class=\"num\">2000.0</td><td class=\"num\">1835.0 ± 290.1</td><td class=\"num\">15.8</td>"
                + "<td class=\"num\">–</td><td class=\"num\">0.481</td><td class=\"num\">[0.186, 1.248]</td>"
                + "<td class=\"num\">187 %</td><td class=\"verdict-inconclusive\">inconclusive</td><td>#3</td>"), "summary row");
        assertTrue(page.contains("<td class=\"verdict-baseline\">baseline</td>"));
        assertTrue(page.contains("<td class=\"verdict-same\">same within ±5 %</td>"));
        assertFalse(page.contains("no significant difference"));
        // the headline, first on the page, is the Summary's
        int headline = page.indexOf("<section id=\"headline\">"), warnings = page.indexOf("<section id=\"warnings\">");
        assertTrue(headline > 0 && headline < warnings, "the headline comes before the warnings");
        for (JsonNode line : summary.path("headline")) assertTrue(page.contains("<li>" + ReportKit.esc(line.asText()) + "</li>"), line.asText());
        assertTrue(page.contains("<li>mmb-wasm-node, N=256: 0.65× the throughput of mmb-debian-default (35 % slower; 99 % CI "
                + "34–37 % slower).</li>"), "headline");
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
        assertTrue(ids.containsAll(List.of("throughput-256-warm", "throughput-512-warm", "ratio", "startup-256-warm", "startup-512-warm",
                "memory-mmb-wasm-node-512-warm")), ids.toString());
        assertTrue(ids.stream().noneMatch(i -> i.startsWith("cpu-")), "one sample: no interval, no CPU curve");
        assertTrue(ids.stream().noneMatch(i -> i.startsWith("throttling")), ids.toString());
        assertTrue(html.contains("No CPU or memory limit was set in this run"), "says why there is no throttling chart");
        assertTrue(html.contains("These results predate progress lines"), "says why there is no chart over time");
        assertTrue(html.contains("<span class=\"tag\">runtime not installed</span> mmb-wasm-wasmtime: no results"));
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

    /** The template escapes every value it is given: an environment's name, and the notes that quote it, stay text. */
    @Test void anEnvironmentNameWithMarkupIsEscapedEverywhere() throws IOException {
        Path folder = ReportKit.copy(ReportKit.fixture("results_limits"));
        Path run = folder.resolve("run.json");
        String name = "node<script>alert(3)</script>&co";
        Files.writeString(run, Files.readString(run).replace("\"name\": \"mmb-wasm-node\"", "\"name\": \"" + name + "\""));
        MetaKit.Run r = MetaKit.meta("report", folder.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        String html = Files.readString(folder.resolve("report.html"));
        ReportKit.assertSelfContained(html);
        assertFalse(html.toLowerCase(Locale.ROOT).contains("<script"), "no markup from the files");
        String escaped = "node&lt;script&gt;alert(3)&lt;/script&gt;&amp;co";
        assertTrue(html.contains("<h3 id=\"env-node-script-alert-3-script-co\">" + escaped + " <small>"), "the heading");
        assertTrue(html.contains("<td>" + escaped + "</td>"), "the tables");
        ReportKit.Figure throughput = ReportKit.figures(html).stream().filter(f -> f.id().equals("throughput-256-warm"))
                .findFirst().orElseThrow();
        assertTrue(throughput.categories().contains(name), "an attribute, unescaped by the reader: " + throughput.categories());
        JsonNode notes = JSON.readTree(folder.resolve("summary.json").toFile()).path("notes");
        List<String> quoting = new ArrayList<>();
        for (JsonNode n : notes) if (n.path("text").asText().contains(name)) quoting.add(n.path("text").asText());
        assertFalse(quoting.isEmpty(), "a note names the environment");
        for (String text : quoting) {
            assertTrue(html.contains("</span> " + ReportKit.esc(text) + "</li>"), "in Warnings: " + text);
            assertTrue(html.contains(" " + ReportKit.esc(text) + "</p>"), "and above its charts: " + text);
        }
    }

    // ---- results_progress: slices per trial and the harness's spawn cost (make_results_progress.py) ----

    static final List<String> PROGRESS_ENVS = List.of("mmb-debian-default", "mmb-static-default", "mmb-wasm-node",
            "mmb-wasm-wasmtime", "mmb-wasm-wamr");
    static final Map<String, String> PROGRESS_FILES = Map.of("mmb-debian-default", "mmb-debian_default.json",
            "mmb-static-default", "mmb-static_default.json", "mmb-wasm-node", "mmb-wasm_node.json",
            "mmb-wasm-wasmtime", "mmb-wasm_wasmtime.json", "mmb-wasm-wamr", "mmb-wasm_wamr.json");

    /** results_progress after `report`, shared by the tests that only read it. */
    static Path progress;
    static String progressPage;

    @BeforeAll static void writeTheProgressReportOnce() throws IOException {
        progress = ReportKit.copy(ReportKit.fixture("results_progress"));
        MetaKit.Run r = MetaKit.meta("report", progress.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals("", r.err());
        progressPage = Files.readString(progress.resolve("report.html"));
    }

    static JsonNode progressFile(String env) throws IOException {
        return JSON.readTree(progress.resolve(PROGRESS_FILES.get(env)).toFile());
    }

    /** The valid trials of a file at a size (status ok, valid, a throughput), in trial order. */
    static List<JsonNode> validTrials(JsonNode file, String key) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode t : file.path("results").path(key)) {
            boolean valid = t.path("status").asText().equals("ok") && !(t.path("valid").isBoolean() && !t.path("valid").asBoolean())
                    && t.path("throughput_mflops").isNumber();
            if (valid) out.add(t);
        }
        return out;
    }

    /** The report's inputs read straight from a folder (the charts below need no summary). */
    static metaorchestrator.ReportInputs inputs(Path folder) throws IOException {
        List<metaorchestrator.Problem> problems = new ArrayList<>();
        metaorchestrator.ResultsFolder.Contents contents = metaorchestrator.ResultsFolder.read(folder, problems);
        assertEquals(List.of(), problems);
        return metaorchestrator.ReportInputs.read(folder, contents, null);
    }

    @Test void theProgressPageHasEveryChart() {
        List<String> ids = ReportKit.figures(progressPage).stream().map(ReportKit.Figure::id).collect(Collectors.toList());
        assertEquals(ReportKit.expectedProgressCharts(), ids);
        ReportKit.assertSelfContained(progressPage);
        assertTrue(progressPage.contains("<a href=\"#over-time\">Throughput over time</a>"), "in the contents");
    }

    @Test void throughputOverTimeShowsEveryValidTrialsSlices() throws IOException {
        Map<String, ReportKit.Figure> f = new LinkedHashMap<>();
        for (ReportKit.Figure x : ReportKit.figures(progressPage)) f.put(x.id(), x);
        List<String> withSlices = PROGRESS_ENVS.subList(0, 4);
        for (String key : List.of("256_warm", "512_warm")) {
            ReportKit.Figure fig = f.get("throughput-over-time-" + key.replace('_', '-'));
            List<String> legend = new ArrayList<>(withSlices);
            legend.add("slow start (warm-up)");
            assertEquals(legend, fig.series(), "one entry per environment with slices, and the warm-up mark");
            assertTrue(fig.caption().contains("steady-state"), fig.caption());

            // the chart's lines are the files' slices: one per valid trial, none for the failed one
            var chart = (org.knowm.xchart.XYChart) metaorchestrator.ReportCharts.overTime(inputs(progress), key).chart();
            List<String> slow = new ArrayList<>();
            int slowMarks = 0;
            for (String env : withSlices) {
                List<JsonNode> valid = validTrials(progressFile(env), key);
                for (int i = 0; i < valid.size(); i++) {
                    JsonNode t = valid.get(i);
                    String name = i == 0 ? env : env + " trial " + t.path("trial").asInt();
                    var line = chart.getSeriesMap().get(name);
                    assertNotNull(line, name + " in " + chart.getSeriesMap().keySet());
                    double[] want = new double[t.path("slices").size()], at = new double[want.length];
                    for (int k = 0; k < want.length; k++) {
                        want[k] = t.path("slices").get(k).path("mflops").asDouble();
                        at[k] = t.path("slices").get(k).path("t").asDouble();
                    }
                    assertArrayEquals(want, line.getYData(), 1e-9, name);
                    assertArrayEquals(at, line.getXData(), 1e-9, name);
                    var steady = chart.getSeriesMap().get(env + " trial " + t.path("trial").asInt() + " steady state");
                    assertEquals(t.path("steady_mflops").asDouble(), steady.getYData()[0], 1e-9, name);
                    if (t.path("warmup_slow_start").asBoolean()) {
                        slow.add(env + " trial " + t.path("trial").asInt());
                        slowMarks++;
                    }
                    // the page's table holds the file's derived values
                    assertTrue(progressPage.contains("<tr><td>" + env + "</td><td class=\"num\">" + t.path("trial").asInt()
                            + "</td><td class=\"num\">" + want.length + "</td><td class=\"num\">"
                            + String.format(Locale.ROOT, "%.1f", t.path("steady_mflops").asDouble()) + "</td><td class=\"num\">"
                            + String.format(Locale.ROOT, "%.1f", t.path("within_cv_percent").asDouble()) + "</td><td>"
                            + (t.path("warmup_slow_start").asBoolean() ? "yes" : "no") + "</td></tr>"), name);
                }
            }
            long trialLines = chart.getSeriesMap().keySet().stream().filter(n -> n.startsWith("mmb-") && !n.endsWith("steady state")).count();
            assertEquals(withSlices.stream().mapToLong(e -> {
                try { return validTrials(progressFile(e), key).size(); } catch (IOException x) { throw new AssertionError(x); }
            }).sum(), trialLines, "a line per valid trial with slices, nothing else");
            assertEquals(slowMarks, chart.getSeriesMap().get("slow start (warm-up)").getYData().length);
            assertFalse(slow.isEmpty(), "node starts slow in the fixture");
            String label = key.startsWith("256") ? "N = 256" : "N = 512";
            assertTrue(progressPage.contains("Slow start (the first slices much slower than the rest) at " + label + ": "
                    + String.join(", ", slow) + "."), slow.toString());
        }
        assertFalse(chartSeriesNames(progress, "512_warm").contains("mmb-wasm-node trial 2"), "the failed trial is not drawn");
        assertTrue(progressPage.contains("Not drawn, their result files predate progress lines (no slices): mmb-wasm-wamr."));
    }

    @Test void environmentsTenTimesApartGetALogAxis() throws IOException {
        Path folder = ReportKit.copy(ReportKit.fixture("results_progress"));
        var linear = metaorchestrator.ReportCharts.overTime(inputs(folder), "256_warm");
        assertFalse(((org.knowm.xchart.XYChart) linear.chart()).getStyler().isYAxisLogarithmic(), "within 10×: linear");
        assertFalse(linear.howToRead().contains("logarithmic"));
        // wasmtime as an interpreter would run it: every slice at 4% of its speed
        Path file = folder.resolve("mmb-wasm_wasmtime.json");
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(file.toFile());
        for (JsonNode t : root.path("results").path("256_warm")) {
            for (JsonNode x : t.path("slices")) ((com.fasterxml.jackson.databind.node.ObjectNode) x).put("mflops", x.path("mflops").asDouble() * 0.04);
        }
        JSON.writeValue(file.toFile(), root);
        var log = metaorchestrator.ReportCharts.overTime(inputs(folder), "256_warm");
        assertTrue(((org.knowm.xchart.XYChart) log.chart()).getStyler().isYAxisLogarithmic(), "25× apart: logarithmic");
        assertTrue(log.howToRead().contains("The axis is logarithmic"), log.howToRead());
        assertEquals("throughput of the slice (MFLOPS, log scale)", ((org.knowm.xchart.XYChart) log.chart()).getYAxisTitle());
        assertTrue(metaorchestrator.SvgChart.inline(log).contains("<path"), "and it draws");
    }

    static java.util.Set<String> chartSeriesNames(Path folder, String key) throws IOException {
        return metaorchestrator.ReportCharts.overTime(inputs(folder), key).chart().getSeriesMap().keySet();
    }

    @Test void startUpIsPerSizeWithTheHarnessSpawnCost() throws IOException {
        Map<String, ReportKit.Figure> f = new LinkedHashMap<>();
        for (ReportKit.Figure x : ReportKit.figures(progressPage)) f.put(x.id(), x);
        for (String key : List.of("256_warm", "512_warm")) {
            ReportKit.Figure fig = f.get("startup-" + key.replace('_', '-'));
            assertEquals(List.of(metaorchestrator.ReportCharts.SPAWN, "time to main", "cold start"), fig.series());
            assertEquals(PROGRESS_ENVS, fig.categories());
            var chart = (org.knowm.xchart.XYChart) metaorchestrator.ReportCharts.startup(inputs(progress), key).chart();
            List<Double> cold = new ArrayList<>(), main = new ArrayList<>();
            int joins = 0;
            for (int i = 0; i < PROGRESS_ENVS.size(); i++) {
                JsonNode file = progressFile(PROGRESS_ENVS.get(i));
                for (JsonNode t : validTrials(file, key)) {
                    cold.add(t.path("cold_start_time").asDouble() * 1000);
                    main.add(t.path("time_to_main").asDouble() * 1000);
                    joins++;
                }
                // the spawn cost: a line at the file's spawn_s over the environment's own group
                if (file.has("harness")) {
                    double ms = file.path("harness").path("spawn_s").asDouble() * 1000;
                    final int group = i;
                    var spawn = chart.getSeriesMap().values().stream().filter(s -> s.getName().equals(metaorchestrator.ReportCharts.SPAWN)
                            || s.getName().equals("harness spawn " + group)).filter(s -> Math.abs(s.getXData()[0] - (group - 0.4)) < 1e-9)
                            .findFirst().orElseThrow(() -> new AssertionError("no spawn line for " + PROGRESS_ENVS.get(group)));
                    assertArrayEquals(new double[] {ms, ms}, spawn.getYData(), 1e-9);
                    assertTrue(progressPage.contains(PROGRESS_ENVS.get(i) + " " + String.format(Locale.ROOT, "%.1f ms", ms)
                            + " (median of " + file.path("harness").path("spawn_samples").size() + " spawns, after "
                            + file.path("harness").path("warmed_spawns").asInt() + " to warm up)"), PROGRESS_ENVS.get(i));
                }
            }
            assertEquals(sorted(cold), sorted(chart.getSeriesMap().get("cold start").getYData()), "every valid trial's cold start");
            assertEquals(sorted(main), sorted(chart.getSeriesMap().get("time to main").getYData()), "and its time to main");
            assertEquals(joins, chart.getSeriesMap().keySet().stream().filter(n -> n.startsWith("before main ")).count());
            assertTrue(chart.getStyler().getYAxisMax() >= Collections.max(main), "the highest dot is inside the plot");
        }
        assertTrue(progressPage.contains("No harness spawn cost recorded for mmb-wasm-wamr"), "the old file says nothing");
        // explained where it is shown
        for (String s : List.of("<dt>Cold start</dt>", "<dt>Time to main</dt>", "<dt>Their difference</dt>",
                "For the local backend it includes the harness&#39;s own cost", "(<code>MMB_READY</code>",
                "loading, validating and compiling the module")) {
            assertTrue(progressPage.contains(s) || progressPage.contains(s.replace("&#39;", "'")), s);
        }
    }

    static List<Double> sorted(List<Double> v) { return v.stream().sorted().collect(Collectors.toList()); }

    static List<Double> sorted(double[] v) { return java.util.Arrays.stream(v).sorted().boxed().collect(Collectors.toList()); }

    @Test void resultsFromBeforeProgressLinesSaySo() throws IOException {
        assertFalse(page.contains("id=\"chart-throughput-over-time"), "results_limits has no slices");
        assertTrue(page.contains("These results predate progress lines"), "the chart is replaced by a sentence");
        assertTrue(page.contains("No harness spawn cost recorded for mmb-debian-default, mmb-static-default, mmb-wasm-node, "
                + "mmb-wasm-wamr"), "nor a spawn cost");
        assertNull(metaorchestrator.ReportCharts.overTime(inputs(limits), "256_warm"));
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

    /** The PNG copies are encoded by PngChart, not ImageIO: the same pixels as XChart's own 300 DPI PNG, and 300 DPI. */
    @Test void pngChartsHaveThePixelsAndDpiOfXChartsOwnPng() throws Exception {
        Path folder = ReportKit.copy(ReportKit.fixture("results_progress"));
        List<metaorchestrator.Problem> problems = new ArrayList<>();
        metaorchestrator.ResultsFolder.Contents contents = metaorchestrator.ResultsFolder.read(folder, problems);
        assertEquals(List.of(), problems);
        metaorchestrator.Summary s = metaorchestrator.Summary.of(folder.toString(), contents.environments(), contents.baseline(),
                contents.criteria(), contents.withoutResults());
        // Each side gets its own chart, drawn as in the report: the SVG, then the PNG (XChart's second paint of a chart
        // can differ from its first by a few pixels).
        var in = metaorchestrator.ReportInputs.read(folder, contents, s);
        List<metaorchestrator.ChartFigure> charts = metaorchestrator.ReportCharts.all(in), again = metaorchestrator.ReportCharts.all(in);
        // bars with error bars and dots, a log-scale category chart, lines with a legend to the right
        for (String id : List.of("throughput-512-warm", "ratio", "throughput-over-time-256-warm")) {
            metaorchestrator.ChartFigure c = charts.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            metaorchestrator.ChartFigure d = again.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            Path xchart = folder.resolve(id + "-xchart.png"), ours = folder.resolve(id + ".png");
            metaorchestrator.SvgChart.inline(c);
            org.knowm.xchart.BitmapEncoder.saveBitmapWithDPI(c.chart(), xchart.toString(), org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG, 300);
            metaorchestrator.SvgChart.inline(d);
            metaorchestrator.PngChart.write(d.chart(), ours, 300);
            BufferedImage expected = ImageIO.read(xchart.toFile()), actual = ImageIO.read(ours.toFile());
            assertEquals((int) (c.chart().getWidth() * 300 / 72.0), actual.getWidth(), id + ": the chart's width at 300 DPI");
            assertEquals(expected.getWidth(), actual.getWidth(), id);
            assertEquals(expected.getHeight(), actual.getHeight(), id);
            int w = expected.getWidth(), h = expected.getHeight();
            int[] want = expected.getRGB(0, 0, w, h, null, 0, w), got = actual.getRGB(0, 0, w, h, null, 0, w);
            int differ = 0;
            for (int i = 0; i < want.length; i++) if (want[i] != got[i]) differ++;
            assertEquals(0, differ, id + ": pixels that differ from XChart's PNG");
            assertEquals(List.of("11811", "11811", "meter"), pHYs(xchart), "XChart's PNG: 300 DPI is 11811 pixels a metre");
            assertEquals(pHYs(xchart), pHYs(ours), id);
        }
    }

    /** A PNG's pHYs chunk as ImageIO reads it: pixels per unit across and down, and the unit. */
    static List<String> pHYs(Path png) throws IOException {
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(png.toFile())) {
            javax.imageio.ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
            reader.setInput(in);
            org.w3c.dom.Node root = reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
            for (org.w3c.dom.Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (!n.getNodeName().equals("pHYs")) continue;
                org.w3c.dom.NamedNodeMap a = n.getAttributes();
                return List.of(a.getNamedItem("pixelsPerUnitXAxis").getNodeValue(), a.getNamedItem("pixelsPerUnitYAxis").getNodeValue(),
                        a.getNamedItem("unitSpecifier").getNodeValue());
            }
            return List.of();
        }
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
