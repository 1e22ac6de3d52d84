import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The statistical keys of the config (min_effect, max_cv, max_trials, target_ci) and their flags: defaults that
 * change nothing, overrides, and every bad value reported with file:line:column, the key and what was expected.
 */
@Tag("unit")
class MetaCriteriaConfigTest {

    static final String ENVIRONMENTS = "environments:\n  - image: mmb-debian:latest\n    runtime_class: default\n"
            + "shared_args:\n  backend: local\n  trials: 3\n";

    static Path file(String extra) throws IOException {
        Path f = Files.createTempDirectory("mmb-criteria").resolve("suite.yaml");
        Files.writeString(f, ENVIRONMENTS + extra);
        return f;
    }

    static metaorchestrator.SuiteConfig load(Path f, metaorchestrator.StatsOverrides cli) throws metaorchestrator.ConfigException {
        return metaorchestrator.ConfigLoader.load(f, metaorchestrator.CliOverrides.none(), cli);
    }

    static List<String> problems(Path f, metaorchestrator.StatsOverrides cli) {
        try {
            load(f, cli);
        } catch (metaorchestrator.ConfigException e) {
            return e.problems.stream().map(Object::toString).collect(Collectors.toList());
        }
        return fail(f + " was accepted");
    }

    @Test void withoutTheKeysNothingChanges() throws Exception {
        metaorchestrator.SuiteConfig c = load(file(""), metaorchestrator.StatsOverrides.none());
        assertEquals(0.05, c.minEffect());
        assertEquals(0.05, c.maxCv());
        assertNull(c.maxTrials());
        assertNull(c.targetCi());
        assertFalse(c.adaptive());
        assertEquals(3, c.maxTrialsPerSize(), "not adaptive: trials is the count");
    }

    @Test void keysAndFlags() throws Exception {
        Path f = file("order: interleaved\nmin_effect: 0.1\nmax_cv: 0.08\nmax_trials: 10\ntarget_ci: 0.02\n");
        metaorchestrator.SuiteConfig c = load(f, metaorchestrator.StatsOverrides.none());
        assertEquals(0.1, c.minEffect());
        assertEquals(0.08, c.maxCv());
        assertEquals(10, c.maxTrials());
        assertEquals(0.02, c.targetCi());
        assertTrue(c.adaptive());
        assertEquals(10, c.maxTrialsPerSize());
        assertEquals(new metaorchestrator.Criteria(0.01, 0.1, 0.08, 0.02, 10), c.criteria());
        metaorchestrator.SuiteConfig o = load(f, new metaorchestrator.StatsOverrides("0.02", "0.1", "12", "0.05"));
        assertEquals(new metaorchestrator.Criteria(0.01, 0.02, 0.1, 0.05, 12), o.criteria());
        // run.json records them, so that `report` judges a saved folder by the same rules
        assertEquals(0.02, o.asMap().get("min_effect"));
        assertEquals(12, o.asMap().get("max_trials"));
    }

    @Test void badValuesPointAtTheirLine() throws Exception {
        Path f = file("order: interleaved\nmin_effect: 2\nmax_cv: 0\nmax_trials: 2\ntarget_ci: lots\n");
        List<String> p = problems(f, metaorchestrator.StatsOverrides.none());
        assertTrue(p.contains(f + ":8:13: min_effect: expected a fraction above 0 and at most 0.5 (0.05 = 5 %), got 2"), p.toString());
        assertTrue(p.contains(f + ":9:9: max_cv: expected a fraction above 0 and at most 1 (0.05 = a CV of 5 %), got 0"), p.toString());
        assertTrue(p.contains(f + ":10:13: max_trials: is 2, below trials (3): trials is the minimum, max_trials the most; "
                + "raise max_trials or lower trials"), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.startsWith(f + ":11:12: target_ci: expected a fraction above 0 and at most 0.5")),
                p.toString());
    }

    @Test void adaptiveNeedsBothKeysAndInterleavedOrder() throws Exception {
        Path alone = file("order: interleaved\ntarget_ci: 0.03\n");
        assertEquals(List.of(alone + ":8:12: target_ci: adaptive trials need both target_ci (e.g. 0.03) and max_trials (e.g. 20); "
                + "add the missing one or remove this one"), problems(alone, metaorchestrator.StatsOverrides.none()));
        Path sequential = file("max_trials: 10\ntarget_ci: 0.03\n");
        assertEquals(List.of(sequential + ":7:13: max_trials: adaptive trials add rounds, which needs order: interleaved "
                + "(or --order interleaved)"), problems(sequential, metaorchestrator.StatsOverrides.none()));
    }

    @Test void badFlagsAreUsageErrorsWithoutAStackTrace() throws Exception {
        Path f = file("order: interleaved\n");
        MetaKit.Run r = MetaKit.meta("--config", f.toString(), "--target-ci", "3%", "--max-trials", "1", "--min-effect", "x");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("command line: --target-ci: expected a fraction above 0 and at most 0.5 (0.03 = an "
                + "interval of ±3 %), got '3%'"), r.err());
        assertTrue(r.err().contains("command line: --max-trials: expected an integer from 2 to 1000, got '1'"), r.err());
        assertTrue(r.err().contains("command line: --min-effect: expected a fraction above 0 and at most 0.5"), r.err());
        MetaKit.assertNoStackTrace(r);
        MetaKit.Run help = MetaKit.meta("--help");
        for (String flag : List.of("--min-effect", "--max-cv", "--max-trials", "--target-ci")) {
            assertTrue(help.out().contains(flag), flag);
        }
        assertTrue(help.out().contains("(0.05 = 5 %)"), "a literal percent in picocli's text: " + help.out());
    }
}
