import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * `report RESULTS_FOLDER` on a results folder written by hand (tests/fixtures/meta/results_basic, following
 * docs/results.schema.json): the statistics, the verdicts, the notes and the three files.
 *
 * The fixture: mmb-debian-default (baseline) 256: 1000, 1010, 990, 1005, 995; 512: 2000, 2010, 1990, 2005, 1500
 * (trial 5 an outlier); mmb-static-default 256: 1000, 1002, 998; mmb-wasm-node 256: 800, 820, 810, 790 and a
 * failed trial; 512: 1600, 1610, 1590; mmb-wasm-wamr 256: 50, 52, 51 and an invalid trial; mmb-wasm-wasmtime
 * skipped (no file). Expected values were computed by hand and checked with SciPy (ttest_ind, equal_var=False).
 */
@Tag("unit")
class MetaReportTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Path copyOfFixture(String name) throws IOException {
        Path src = MetaKit.fixtures().resolve(name);
        Path dst = Files.createTempDirectory("mmb-meta-report").resolve(name);
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, dst.resolve(f.getFileName()));
        }
        return dst;
    }

    static JsonNode row(JsonNode summary, String env, int size) {
        for (JsonNode r : summary.path("rows")) {
            if (r.path("environment").asText().equals(env) && r.path("size").asInt() == size) return r;
        }
        return fail("no row " + env + " " + size);
    }

    @Test void reportReproducesTheSummaryOfASavedFolder() throws IOException {
        Path folder = copyOfFixture("results_basic");
        MetaKit.Run r = MetaKit.meta("report", folder.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());

        // summary.md is exactly the expected one (only the folder's path differs)
        String expected = Files.readString(MetaKit.fixtures().resolve("expected/results_basic.summary.md"))
                .replace("FOLDER", folder.toString());
        assertEquals(expected, Files.readString(folder.resolve("summary.md")));

        // the headline comes first, in plain words; then the table carries the same numbers, aligned
        String out = r.out();
        int headline = out.indexOf("What was found\n- "), table = out.indexOf("Throughput (MFLOPS");
        assertTrue(headline > 0 && headline < table, out);
        assertTrue(out.contains("- mmb-wasm-node, N=256: 0.80× the throughput of mmb-debian-default (20 % slower; 99 % CI "
                + "16–23 % slower).\n"), out);
        assertTrue(out.contains("- mmb-wasm-node, N=512: inconclusive, 0.85× the throughput of mmb-debian-default (99 % CI "
                + "0.65×–1.10×): noise (CV 12 %) hides differences under 38 %; about 13 trials per environment would "
                + "resolve 15 %.\n"), out);
        assertTrue(out.contains("- mmb-static-default, N=256: 1.00× the throughput of mmb-debian-default: the same within "
                + "±5 % (99 % CI 0.98×–1.02×).\n"), out);
        assertTrue(out.contains("- mmb-wasm-node, N=256: starts 78 ms later (time to main 0.090 s vs 0.012 s; cold start 0.020 s "
                + "vs 0.011 s); uses 2.00× the memory (peak 20.0 MiB vs 10.0 MiB).\n"), out);
        assertTrue(out.contains("- mmb-wasm-wamr, N=256: 0.051× the throughput of mmb-debian-default (20 times slower; "
                + "99 % CI 18–21 times slower).\n"), out);
        assertFalse(out.contains("no significant difference"), out);
        assertTrue(out.contains("mmb-wasm-node        256    4/5   805.0    805.0 ± 12.9   1.6         –         0.805  "
                + "  [0.774, 0.837]    4.9 %  slower (p < 0.0001)"), out);
        assertTrue(out.contains("mmb-wasm-node        512    3/3  1600.0   1600.0 ± 10.0   0.6         –         0.847  "
                + "  [0.650, 1.104]     38 %  inconclusive"), out);
        assertTrue(out.contains("- warning (likely interpreter mode): mmb-wasm-wamr 256: likely interpreter mode: 0.0510× "
                + "the throughput of mmb-debian-default (under 0.1×)."), out);
        assertTrue(out.contains("- info (runtime not installed): mmb-wasm-wasmtime: no results (skipped: runtime 'wasmtime' "
                + "is not installed)."), out);
        assertTrue(out.contains("- warning (noisy): mmb-debian-default 512: noisy: CV 12 % between trials (max_cv 5 %)"), out);
        assertTrue(out.contains("Written: " + folder.resolve("summary.md") + ", summary.csv, summary.json"), out);
        // columns line up: the verdict of every row starts under the header "Verdict"
        String header = out.lines().filter(l -> l.startsWith("Environment") && l.contains("Verdict")).findFirst().orElseThrow();
        int col = header.indexOf("Verdict");
        List<String> rows = out.lines().filter(l -> l.startsWith("mmb-") && l.contains("±")).toList();
        assertEquals(6, rows.size(), out);
        for (String l : rows) assertTrue(l.charAt(col) != ' ' && l.charAt(col - 1) == ' ', "aligned:\n" + out);
    }

    @Test void summaryJsonHoldsTheHandComputedStatistics() throws IOException {
        Path folder = copyOfFixture("results_basic");
        assertEquals(0, MetaKit.meta("report", folder.toString()).code());
        JsonNode s = JSON.readTree(folder.resolve("summary.json").toFile());
        assertEquals("mmb-debian-default", s.path("baseline").asText());
        assertEquals("mmb-summary/2", s.path("schema").asText());
        assertEquals(0.01, s.at("/criteria/significance_level").asDouble());
        assertEquals(0.05, s.at("/criteria/min_effect").asDouble());
        assertEquals(0.05, s.at("/criteria/max_cv").asDouble());

        JsonNode deb = row(s, "mmb-debian-default", 256);
        assertEquals(1000.0, deb.at("/throughput_mflops/mean").asDouble(), 1e-9);
        assertEquals(Math.sqrt(62.5), deb.at("/throughput_mflops/stddev").asDouble(), 1e-9);
        assertEquals(Math.sqrt(62.5) / 10, deb.at("/throughput_mflops/cv_percent").asDouble(), 1e-9);
        assertEquals("baseline", deb.at("/vs_baseline/verdict").asText());
        assertEquals(0.011, deb.path("cold_start_median_s").asDouble(), 1e-12);   // median of .010 .012 .011 .013 .009
        assertEquals(0.013, deb.path("cold_start_max_s").asDouble(), 1e-12);
        assertEquals(0.98, deb.path("avg_cpu_cores").asDouble(), 1e-12);           // mean of .98 .99 1 .97 .96
        assertEquals(10 * 1048576, deb.path("peak_mem_bytes").asLong());            // max
        assertEquals(7 * 1048576, deb.path("avg_mem_bytes").asLong());              // mean of 7 7 8 8 5 MiB
        assertEquals(3, deb.path("throttled_events").asLong());                     // sum of 0 1 0 2 0

        // Expected values: SciPy 1.17 on the logs of the throughputs (the computation is in MetaStatsTest):
        // la, lb = np.log(a), np.log(b); stats.ttest_ind(la, lb, equal_var=False); CI = exp(d ± t.ppf(0.995, df)·se)
        // static vs debian 256: the interval [0.9848, 1.0155] lies within ±5 %: the same
        JsonNode st = row(s, "mmb-static-default", 256);
        assertEquals(1.0000236680066517, st.at("/vs_baseline/ratio").asDouble(), 1e-12);
        assertEquals(0.9847986528839914, st.at("/vs_baseline/ci_low").asDouble(), 1e-8);
        assertEquals(1.0154840622952017, st.at("/vs_baseline/ci_high").asDouble(), 1e-8);
        assertEquals(0.9951793446808641, st.at("/vs_baseline/welch/p_value").asDouble(), 1e-9);
        assertEquals(4.7898044449433845, st.at("/vs_baseline/welch/df").asDouble(), 1e-9);
        assertEquals("same", st.at("/vs_baseline/verdict").asText());

        // node vs debian 256 (the failed trial is left out: 4/5)
        JsonNode node = row(s, "mmb-wasm-node", 256);
        assertEquals(5, node.path("trials_total").asInt());
        assertEquals(4, node.path("trials_valid").asInt());
        assertEquals(0.804942475875889, node.at("/vs_baseline/ratio").asDouble(), 1e-12);
        assertEquals(-24.757546583897398, node.at("/vs_baseline/welch/t").asDouble(), 1e-8);
        assertEquals(4.161658571634394, node.at("/vs_baseline/welch/df").asDouble(), 1e-9);
        assertEquals(1.1214581549058527e-05, node.at("/vs_baseline/welch/p_value").asDouble(), 1e-12);
        assertEquals(0.7739206413563594, node.at("/vs_baseline/ci_low").asDouble(), 1e-8);
        assertEquals(0.8372077895915161, node.at("/vs_baseline/ci_high").asDouble(), 1e-8);
        assertEquals(0.04865819130123629, node.at("/vs_baseline/min_detectable_effect").asDouble(), 1e-7);
        assertEquals("slower", node.at("/vs_baseline/verdict").asText());

        // 512: the baseline's outlier widens its spread: the interval [0.650, 1.104] reaches past 1 and past ±5 %
        JsonNode node512 = row(s, "mmb-wasm-node", 512);
        assertEquals(0.04486322077677643, node512.at("/vs_baseline/welch/p_value").asDouble(), 1e-9);
        assertEquals("inconclusive", node512.at("/vs_baseline/verdict").asText());
        assertEquals(13, node512.at("/vs_baseline/trials_needed").asInt());
        JsonNode deb512 = row(s, "mmb-debian-default", 512);
        assertEquals(1, deb512.path("outliers").size());
        assertEquals(5, deb512.at("/outliers/0/trial").asInt());
        assertEquals(0.6745 * -500 / 20, deb512.at("/outliers/0/modified_z").asDouble(), 1e-9);   // MAD 10, floored at 1 % of 2000

        // no interval anywhere contains a value ≤ 0
        for (JsonNode r : s.path("rows")) {
            JsonNode low = r.at("/vs_baseline/ci_low");
            if (low.isNumber()) assertTrue(low.asDouble() > 0, r.toString());
        }
        // notes are data: kind, severity, environment, text; most severe first
        List<String> kinds = new java.util.ArrayList<>();
        for (JsonNode n : s.path("notes")) kinds.add(n.path("kind").asText());
        assertEquals(List.of("environment-failed", "environment-failed", "failed-trials", "failed-trials", "inconclusive",
                "noise", "interpreter", "outlier", "skipped-runtime"), kinds);
        assertEquals("info", s.at("/notes/8/severity").asText());
        assertEquals("mmb-wasm-wasmtime", s.at("/notes/8/environment").asText());
        assertEquals(s.path("headline").get(4).asText(), "mmb-wasm-node, N=256: 0.80× the throughput of mmb-debian-default "
                + "(20 % slower; 99 % CI 16–23 % slower).");

        // wamr: the invalid trial is left out; 0.051× native: likely an interpreter
        JsonNode wamr = row(s, "mmb-wasm-wamr", 256);
        assertEquals(3, wamr.path("trials_valid").asInt());
        assertEquals(0.050994738121190104, wamr.at("/vs_baseline/ratio").asDouble(), 1e-12);
        assertEquals("slower", wamr.at("/vs_baseline/verdict").asText());
        assertTrue(wamr.path("notes").toString().contains("likely interpreter mode"), wamr.toString());
        assertFalse(node.path("notes").toString().contains("interpreter"), node.toString());
    }

    @Test void summaryCsvHasOneLinePerRowAndFullPrecision() throws IOException {
        Path folder = copyOfFixture("results_basic");
        assertEquals(0, MetaKit.meta("report", folder.toString()).code());
        List<String> lines = Files.readAllLines(folder.resolve("summary.csv"));
        assertEquals(String.join(",", metaorchestrator.CsvFormat.HEADER), lines.get(0));
        assertEquals(7, lines.size());
        String node = lines.stream().filter(l -> l.startsWith("mmb-wasm-node,") && l.contains(",256,")).findFirst().orElseThrow();
        assertTrue(node.startsWith("mmb-wasm-node,mmb-wasm:latest,node,256,warm,5,4,805.0,805.0,12.909944487358056,"
                + "790.0,820.0,1.6037198120941683,,0.80494247587588"), node);   // the ratio to 14 digits (SciPy: 0.804942475875889)
        assertTrue(node.contains(",slower,,,"), node);   // no reason, no trials needed
        assertTrue(node.endsWith(",0,,mmb-wasm-node 256: 1 failed trial(s) left out of the statistics."), node);
        String node512 = lines.stream().filter(l -> l.startsWith("mmb-wasm-node,") && l.contains(",512,")).findFirst().orElseThrow();
        assertTrue(node512.contains(",inconclusive,noise (CV 12 %) hides differences under 38 %; about 13 trials per "
                + "environment would resolve 15 %,13,"), node512);
    }

    /**
     * results_slices (make_results_slices.py): result files with single_env_bench's time slices and harness spawn
     * cost, run.json with target_ci and max_trials. The noise is split and explained; the spawn cost is shown.
     */
    @Test void noiseIsSplitIntoWithinAndBetweenTrials() throws IOException {
        Path folder = copyOfFixture("results_slices");
        MetaKit.Run r = MetaKit.meta("report", folder.toString());
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        // static: trials of 800..1200 that each run steadily → placement noise
        assertTrue(out.contains("- warning (noisy): mmb-static-default 256: noisy: CV 16 % between trials (max_cv 5 %), "
                + "0.4 % within a trial: the trials run steadily but differ from one another (placement noise); more "
                + "trials help."), out);
        // node: each trial wobbles by ±20 % → interference
        assertTrue(out.contains("- warning (noisy): mmb-wasm-node 256: noisy: CV 6.4 % between trials (max_cv 5 %), 16 % "
                + "within a trial: throughput varies while a trial runs (interference); a quieter machine or longer "
                + "trials help."), out);
        assertFalse(out.contains("mmb-debian-default 256: noisy"), "the quiet baseline is not flagged:\n" + out);
        // target_ci ±3 % with max_trials 5: neither comparison reached it, and the summary says so
        assertTrue(out.contains("- warning (target not reached): mmb-wasm-node 256: the ratio's interval is ±14 % after 5 "
                + "valid trials, wider than target_ci ±3 % (max_trials 5)."), out);
        // the harness's spawn cost next to cold start, and what the columns mean
        assertTrue(out.contains("Spawn (harness)"), out);
        assertTrue(out.contains("  0.010 s / 0.010 s             0.012 s          0.004 s"), out);
        assertTrue(out.contains("their difference is the program's own start"), out);
        JsonNode s = JSON.readTree(folder.resolve("summary.json").toFile());
        JsonNode node = row(s, "mmb-wasm-node", 256);
        assertEquals(0.004, node.path("harness_spawn_s").asDouble(), 1e-12);
        assertTrue(node.path("within_trial_cv_percent").asDouble() > 15, node.toString());
        assertEquals(0.03, s.at("/criteria/target_ci").asDouble());
        assertEquals(5, s.at("/criteria/max_trials").asInt());
    }

    @Test void anotherBaselineCanBeChosen() throws IOException {
        Path folder = copyOfFixture("results_basic");
        MetaKit.Run r = MetaKit.meta("report", folder.toString(), "--baseline", "mmb-static-default");
        assertEquals(0, r.code(), r.err());
        JsonNode s = JSON.readTree(folder.resolve("summary.json").toFile());
        assertEquals("mmb-static-default", s.path("baseline").asText());
        assertEquals("baseline", row(s, "mmb-static-default", 256).at("/vs_baseline/verdict").asText());
        assertTrue(row(s, "mmb-debian-default", 512).path("vs_baseline").isNull(), "static has no 512 results");
        assertTrue(s.path("headline").toString().contains("mmb-debian-default, N=512: no comparison: the baseline "
                + "mmb-static-default has no valid trial at this size."), s.path("headline").toString());
        // the interpreter label still compares with a native environment
        assertTrue(row(s, "mmb-wasm-wamr", 256).path("notes").toString().contains("mmb-static-default"));

        MetaKit.Run bad = MetaKit.meta("report", folder.toString(), "--baseline", "mmb-static");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--baseline mmb-static: no environment of that name in " + folder
                + "; did you mean 'mmb-static-default'?"), bad.err());
    }

    @Test void withoutRunJsonTheNamesComeFromTheResultFiles() throws IOException {
        Path folder = copyOfFixture("results_basic");
        Files.delete(folder.resolve("run.json"));
        MetaKit.Run r = MetaKit.meta("report", folder.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode s = JSON.readTree(folder.resolve("summary.json").toFile());
        assertEquals("mmb-debian-default", s.path("baseline").asText());   // the first file by name
        assertEquals(6, s.path("rows").size());
        assertFalse(r.out().contains("wasmtime"), "no run.json: nothing is known about skipped environments");
    }

    @Test void badFoldersAndFilesAreUsageErrors() throws IOException {
        MetaKit.Run missing = MetaKit.meta("report", "no/such/folder");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no/such/folder: no such results folder (expected e.g. results/initial_bm)"),
                missing.err());

        Path empty = Files.createTempDirectory("mmb-meta-empty");
        MetaKit.Run none = MetaKit.meta("report", empty.toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains(": no result files"), none.err());

        Path folder = copyOfFixture("results_basic");
        Files.writeString(folder.resolve("mmb-static_default.json"), "{\n  \"results\": {\n    \"256_warm\": [\n");
        Files.writeString(folder.resolve("notes.json"), "[1, 2, 3]\n");
        Path node = folder.resolve("mmb-wasm_node.json");
        Files.writeString(node, Files.readString(node).replaceFirst("\"throughput_mflops\": 800.0", "\"throughput_mflops\": \"fast\""));
        MetaKit.Run broken = MetaKit.meta("report", folder.toString());
        assertEquals(2, broken.code());
        assertTrue(broken.err().contains(folder.resolve("mmb-static_default.json") + ":4:1: not valid JSON: "), broken.err());
        assertTrue(broken.err().contains(folder.resolve("notes.json") + ": results: not a single_env_bench result file"),
                broken.err());
        assertTrue(broken.err().contains(node + ":56:26: results.256_warm[0].throughput_mflops: expected a number"), broken.err());
        MetaKit.assertNoStackTrace(broken);
        assertFalse(Files.exists(folder.resolve("summary.md")), "nothing written when a file is broken");
    }
}
