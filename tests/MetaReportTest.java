import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
@org.junit.jupiter.api.Tag("unit")
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

        // the printed table carries the same numbers, aligned
        String out = r.out();
        assertTrue(out.contains("Summary of " + folder + " (baseline mmb-debian-default; verdicts from Welch's t-test, "
                + "two-sided, α = 0.01)"), out);
        assertTrue(out.contains("mmb-wasm-node        256    4/5   805.0    805.0 ± 12.9    790.0–820.0   1.6   "
                + "0.805 ± 0.0144    [0.775, 0.835]  slower (p < 0.0001)"), out);
        assertTrue(out.contains("mmb-wasm-node        512    3/3  1600.0   1600.0 ± 10.0  1590.0–1610.0   0.6   "
                + "0.842 ± 0.0994    [0.599, 1.084]  no significant difference (p = 0.040)"), out);
        assertTrue(out.contains("- mmb-wasm-wamr 256: likely interpreter mode: 0.051× the throughput of "
                + "mmb-debian-default (under 0.1×)."), out);
        assertTrue(out.contains("- mmb-wasm-wasmtime: no results (skipped: runtime 'wasmtime' is not installed)."), out);
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
        assertEquals(0.01, s.path("significance_level").asDouble());

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

        // static vs debian: equal means → t = 0, p = 1, ratio 1 ± 1·√((2/1000)² + (7.9057/1000)²)
        JsonNode st = row(s, "mmb-static-default", 256);
        assertEquals(1.0, st.at("/vs_baseline/ratio").asDouble(), 1e-12);
        assertEquals(Math.sqrt(4e-6 + 62.5e-6), st.at("/vs_baseline/ratio_uncertainty").asDouble(), 1e-12);
        assertEquals(1.0, st.at("/vs_baseline/p_value").asDouble(), 1e-12);
        assertEquals("no significant difference", st.at("/vs_baseline/verdict").asText());
        assertEquals(4.789848774552408, st.at("/vs_baseline/welch_df").asDouble(), 1e-9);

        // node vs debian 256 (the failed trial is left out: 4/5)
        JsonNode node = row(s, "mmb-wasm-node", 256);
        assertEquals(5, node.path("trials_total").asInt());
        assertEquals(4, node.path("trials_valid").asInt());
        assertEquals(0.805, node.at("/vs_baseline/ratio").asDouble(), 1e-12);
        assertEquals(-26.49528259898354, node.at("/vs_baseline/welch_t").asDouble(), 1e-9);
        assertEquals(4.749414519906323, node.at("/vs_baseline/welch_df").asDouble(), 1e-9);
        assertEquals(2.413241987294425e-06, node.at("/vs_baseline/p_value").asDouble(), 1e-14);
        assertEquals(0.7745019177667775, node.at("/vs_baseline/ci_low").asDouble(), 1e-9);
        assertEquals(0.8354980822332226, node.at("/vs_baseline/ci_high").asDouble(), 1e-9);
        assertEquals(0.014393339750268757, node.at("/vs_baseline/ratio_uncertainty").asDouble(), 1e-12);
        assertEquals("slower", node.at("/vs_baseline/verdict").asText());

        // 512: the baseline's outlier widens its spread, so the difference is not significant at 99%
        JsonNode node512 = row(s, "mmb-wasm-node", 512);
        assertEquals(0.039768409189873566, node512.at("/vs_baseline/p_value").asDouble(), 1e-10);
        assertEquals("no significant difference", node512.at("/vs_baseline/verdict").asText());
        JsonNode deb512 = row(s, "mmb-debian-default", 512);
        assertEquals(1, deb512.path("outliers").size());
        assertEquals(5, deb512.at("/outliers/0/trial").asInt());
        assertEquals(0.6745 * -500 / 10, deb512.at("/outliers/0/modified_z").asDouble(), 1e-9);   // MAD 10

        // wamr: the invalid trial is left out; 0.051× native: likely an interpreter
        JsonNode wamr = row(s, "mmb-wasm-wamr", 256);
        assertEquals(3, wamr.path("trials_valid").asInt());
        assertEquals(0.051, wamr.at("/vs_baseline/ratio").asDouble(), 1e-12);
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
                + "790.0,820.0,1.6037198120941683,0.805,0.014393339750268757,"), node);
        assertTrue(node.contains(",slower,"), node);
        assertTrue(node.endsWith(",0,,1 failed trial(s) left out of the statistics"), node);   // no outliers, one note
    }

    @Test void anotherBaselineCanBeChosen() throws IOException {
        Path folder = copyOfFixture("results_basic");
        MetaKit.Run r = MetaKit.meta("report", folder.toString(), "--baseline", "mmb-static-default");
        assertEquals(0, r.code(), r.err());
        JsonNode s = JSON.readTree(folder.resolve("summary.json").toFile());
        assertEquals("mmb-static-default", s.path("baseline").asText());
        assertEquals("baseline", row(s, "mmb-static-default", 256).at("/vs_baseline/verdict").asText());
        assertTrue(row(s, "mmb-debian-default", 512).path("vs_baseline").isNull(), "static has no 512 results");
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
        MetaKit.Run broken = MetaKit.meta("report", folder.toString());
        assertEquals(2, broken.code());
        assertTrue(broken.err().contains(folder.resolve("mmb-static_default.json") + ":4:1: not valid JSON: "), broken.err());
        assertTrue(broken.err().contains(folder.resolve("notes.json") + ": results: not a single_env_bench result file"),
                broken.err());
        MetaKit.assertNoStackTrace(broken);
        assertFalse(Files.exists(folder.resolve("summary.md")), "nothing written when a file is broken");
    }
}
