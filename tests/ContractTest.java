import org.junit.jupiter.api.*;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.*;
import java.util.*;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The contract between the scripts (issue 12, "One contract, enforced"): what metaorchestrator accepts in
 * shared_args, single_env_bench accepts too, and the rules the two scripts each keep (image names, memory
 * quantities, folder names, exit statuses) agree on one table of cases. A value the child would refuse must be a
 * config error with file:line:column before anything runs, never an exit 2 per environment after the start.
 */
@Tag("unit")
class ContractTest {
    @TempDir static Path work;

    // ---- the table of SharedKey: every key a shared_args key, every flag an option of the child ----

    @Test void everySharedKeyIsAConfigKeyAndAFlagOfTheChild() {
        CommandLine.Model.CommandSpec child = new CommandLine(new single_env_bench()).getCommandSpec();
        for (metaorchestrator.SharedKey k : metaorchestrator.SharedKey.values()) {
            assertTrue(metaorchestrator.ConfigLoader.SHARED_KEYS.contains(k.key), k.key + " is a shared_args key");
            assertNotNull(child.findOption(k.flag), k.flag + " is a flag of single_env_bench");
        }
        assertTrue(child.findOption("--warmup").negatable(), "warmup: false is --no-warmup");
    }

    // ---- every boundary the suite accepts reaches the child's --dry-run without exit 2 ----

    /** One accepted value of one key, on the backend that passes the key on. */
    record Accepted(String key, String yaml, String backend) {
        @Override public String toString() { return "shared_args." + key + ": " + yaml + " (" + backend + ")"; }
    }

    static final String LONG_LABEL = "a".repeat(63);
    static final List<Accepted> ACCEPTED = List.of(
            new Accepted("sizes", "[1]", "local"), new Accepted("sizes", "[8192]", "local"),
            new Accepted("trials", "1", "local"), new Accepted("trials", "1000", "local"),
            new Accepted("duration", "0.001", "local"), new Accepted("duration", "86400", "local"),
            new Accepted("warmup", "false", "local"), new Accepted("warmup", "true", "local"),
            new Accepted("warmup_seconds", "0", "local"), new Accepted("warmup_seconds", "3600", "local"),
            new Accepted("interval", "0.01", "local"), new Accepted("interval", "3600", "local"),
            new Accepted("cpu_limit", "0.01", "local"), new Accepted("cpu_limit", "\"10m\"", "local"),
            new Accepted("cpu_limit", "1024", "local"), new Accepted("cpu_limit", "\"1024000m\"", "local"),
            new Accepted("memory_limit", "4Mi", "local"), new Accepted("memory_limit", "4194304", "local"),
            new Accepted("memory_limit", "4096Ki", "local"), new Accepted("memory_limit", "0.00390625Gi", "local"),
            new Accepted("memory_limit", "4.2M", "local"), new Accepted("memory_limit", "1024Ti", "local"),
            new Accepted("results_subfolder_name", "a", "local"), new Accepted("results_subfolder_name", "_x", "local"),
            new Accepted("results_subfolder_name", "-x", "local"), new Accepted("results_subfolder_name", "x..y.", "local"),
            new Accepted("results_subfolder_name", "F".repeat(100), "local"),
            new Accepted("cgroup_root", "'with space/-x'", "local"), new Accepted("build_dir", "'./-x y'", "local"),
            new Accepted("results_dir", "'./results dir'", "local"),
            new Accepted("startup_timeout", "0.001", "local"), new Accepted("startup_timeout", "86400", "k8s"),
            new Accepted("namespace", "a", "k8s"), new Accepted("namespace", LONG_LABEL, "k8s"),
            new Accepted("node", "a", "k8s"), new Accepted("node", "a-1.b-2", "k8s"),
            new Accepted("node", String.join(".", Collections.nCopies(3, LONG_LABEL)) + "." + "b".repeat(61), "k8s"),
            new Accepted("image_pull_policy", "Always", "k8s"), new Accepted("image_pull_policy", "Never", "k8s"),
            new Accepted("kubeconfig", "'-x'", "k8s"), new Accepted("kubeconfig", "'--kubeconfig'", "k8s"),
            new Accepted("context", "'a b ü'", "k8s"), new Accepted("context", "'x-'", "k8s"),
            new Accepted("results_dir", "'-x'", "local"), new Accepted("results_dir", "'--results-dir'", "local"),
            new Accepted("build_dir", "'-h'", "local"));

    /** Environments whose image and runtime class sit at the edges of the name rules. */
    static final List<String[]> ACCEPTED_ENVIRONMENTS = List.of(
            new String[]{"a", "a", "k8s"},
            new String[]{"registry.example.com:5000/team/mmb-wasm:v1.2_3", LONG_LABEL, "k8s"},
            new String[]{"mmb@sha256:" + "0123456789abcdef".repeat(4), "wasmtime", "k8s"},
            new String[]{"a/" + "b".repeat(200) + ":" + "T".repeat(50), "node", "local"});

    @Test void everyBoundaryTheSuiteAcceptsReachesTheChildsDryRunWithoutExit2() throws Exception {
        List<String> refused = new ArrayList<>();
        for (Accepted a : ACCEPTED) {
            String env = "  - image: mmb-static:latest\n    runtime_class: default\n";
            check(a.toString(), env, "  " + a.key() + ": " + a.yaml() + "\n", a.backend(), refused);
        }
        for (String[] e : ACCEPTED_ENVIRONMENTS) {
            String env = "  - image: '" + e[0] + "'\n    runtime_class: " + e[1] + "\n";
            check("image " + e[0] + ", runtime_class " + e[1], env, "", e[2], refused);
        }
        assertEquals(List.of(), refused, "values the suite accepts but single_env_bench refuses (exit 2)");
    }

    private void check(String what, String environments, String sharedLine, String backend, List<String> refused)
            throws Exception {
        Path results = Files.createTempDirectory(work, "results");
        String shared = "shared_args:\n  backend: " + backend + "\n  results_dir: '" + results + "'\n"
                + "  build_dir: '" + TestSupport.build() + "'\n";
        // a key given by the case replaces the default line above
        for (String k : List.of("results_dir", "build_dir")) {
            if (sharedLine.startsWith("  " + k + ":")) shared = shared.replaceAll("(?m)^  " + k + ":.*\n", "");
        }
        Path config = Files.createTempFile(work, "config", ".yaml");
        Files.writeString(config, "environments:\n" + environments + shared + sharedLine);
        metaorchestrator.SuiteConfig c;
        try {
            c = metaorchestrator.ConfigLoader.load(config, metaorchestrator.CliOverrides.none());
        } catch (metaorchestrator.ConfigException e) {
            fail(what + ": the suite refuses it: " + e.problems);
            return;
        }
        List<String> args = new ArrayList<>(metaorchestrator.ChildArgs.of(c.shared(), c.environments().get(0), "contract-1",
                c.shared().trials, metaorchestrator.ResumeMode.OVERWRITE));
        args.add("--dry-run");
        TestSupport.Run r = TestSupport.singleEnv(args.toArray(String[]::new));
        if (r.exit() == metaorchestrator.ChildExit.USAGE.code) refused.add(what + ": " + r.err().strip());
    }

    // ---- what the child would refuse is a config error with file:line:column, before anything runs ----

    @Test void valuesTheChildRefusesAreConfigErrorsAtTheirPlace() throws Exception {
        Path config = work.resolve("refused.yaml");
        Files.writeString(config, """
                environments:
                  - image: mmb-static:latest
                    runtime_class: default
                  - image: mmb-wasm:latest
                    runtime_class: wasm.time
                shared_args:
                  interval: 0.005
                  cpu_limit: 5m
                  memory_limit: 1Mi
                  results_subfolder_name: .hidden
                """);
        var e = assertThrows(metaorchestrator.ConfigException.class,
                () -> metaorchestrator.ConfigLoader.load(config, metaorchestrator.CliOverrides.none()));
        String f = config.toString();
        assertEquals(List.of(
                f + ":5:20: environments[1].runtime_class: 'wasm.time' is not a valid DNS-1123 label: lower-case letters, "
                        + "digits and '-', starting and ending with a letter or digit",
                f + ":7:13: shared_args.interval: expected seconds from 0.01 to 3600 (single_env_bench samples at most "
                        + "every 0.01 s), got 0.005",
                f + ":8:14: shared_args.cpu_limit: expected cores from 0.01 to 1024 (e.g. 1, 0.5 or \"500m\"; at least "
                        + "\"10m\"), got 5m",
                f + ":9:17: shared_args.memory_limit: expected a memory quantity from 4Mi to 1024Ti like 512Mi, 2Gi or "
                        + "a number of bytes, got '1Mi'",
                f + ":10:27: shared_args.results_subfolder_name: expected a plain folder name (letters, digits, '.', "
                        + "'_' or '-'; not starting with '.'; at most 100 characters), got '.hidden'"),
                e.problems.stream().map(Object::toString).collect(Collectors.toList()));
    }

    @Test void justOutsideEachBoundaryIsRefused() throws Exception {
        Map<String, String> outside = new LinkedHashMap<>();
        outside.put("interval", "0.0099");
        outside.put("cpu_limit", "0.0099");
        outside.put("memory_limit", "4194303");
        outside.put("results_subfolder_name", "'" + "F".repeat(101) + "'");
        outside.put("trials", "1001");
        outside.put("duration", "86400.001");
        outside.put("warmup_seconds", "3600.5");
        outside.put("startup_timeout", "0");
        outside.put("kubeconfig", "\"a\\nb\"");
        outside.put("build_dir", "\"a\\0b\"");
        outside.put("context", "'-h'");
        for (var e : outside.entrySet()) {
            Path config = work.resolve("outside-" + e.getKey() + ".yaml");
            Files.writeString(config, "environments:\n  - image: a\n    runtime_class: default\nshared_args:\n  "
                    + e.getKey() + ": " + e.getValue() + "\n");
            var ex = assertThrows(metaorchestrator.ConfigException.class,
                    () -> metaorchestrator.ConfigLoader.load(config, metaorchestrator.CliOverrides.none()), e.toString());
            assertEquals(1, ex.problems.size(), ex.problems.toString());
            assertTrue(ex.problems.get(0).toString().startsWith(config + ":5:"), ex.problems.toString());
            assertTrue(ex.problems.get(0).toString().contains("shared_args." + e.getKey() + ": expected"), ex.problems.toString());
        }
    }

    // ---- the rules the two scripts keep each: one table of cases ----

    /** A rule's verdict on one value: whether the suite accepts it (and then the child must too). */
    record Case(String rule, String value, boolean suiteAccepts) {}

    static final List<Case> CASES = List.of(
            new Case("image", "mmb-debian:latest", true), new Case("image", "a", true),
            new Case("image", "registry.example.com:5000/team/mmb-wasm:v1", true),
            new Case("image", "localhost/mmb-static@sha256:" + "ab".repeat(32), true),
            new Case("image", "Mmb:latest", false), new Case("image", "-mmb", false), new Case("image", "mmb:", false),
            new Case("image", "mmb latest", false), new Case("image", "a/" + "b".repeat(254), false),
            new Case("image", "mmb;rm", false), new Case("image", "../mmb", false),
            new Case("memory", "4Mi", true), new Case("memory", "512Mi", true), new Case("memory", "2Gi", true),
            new Case("memory", "4194304", true), new Case("memory", "4.5M", true), new Case("memory", "1024Ti", true),
            new Case("memory", "0.25Gi", true), new Case("memory", "1Mi", false), new Case("memory", "4194303", false),
            new Case("memory", "1025Ti", false), new Case("memory", "512MB", false), new Case("memory", "512K", false),
            new Case("memory", "-5Mi", false), new Case("memory", "1e9", false), new Case("memory", "", false),
            new Case("folder", "initial_bm", true), new Case("folder", "run-1.2", true), new Case("folder", "-x", true),
            new Case("folder", "_", true), new Case("folder", "F".repeat(100), true), new Case("folder", ".hidden", false),
            new Case("folder", ".", false), new Case("folder", "..", false), new Case("folder", "a/b", false),
            new Case("folder", "a b", false), new Case("folder", "", false), new Case("folder", "F".repeat(101), false),
            new Case("label", "default", true), new Case("label", "a", true), new Case("label", LONG_LABEL, true),
            new Case("label", "wasm.time", false), new Case("label", "Wasm", false), new Case("label", "-a", false),
            new Case("label", "a-", false), new Case("label", LONG_LABEL + "a", false));

    @Test void theCopiedRulesAgreeOnOneTableOfCases() {
        List<String> disagreements = new ArrayList<>();
        for (Case c : CASES) {
            boolean suite = switch (c.rule()) {
                case "image" -> metaorchestrator.Names.isImageReference(c.value());
                case "memory" -> metaorchestrator.Names.quantityBytes(c.value()) != null
                        && metaorchestrator.SharedKey.MEMORY_LIMIT.range.contains(metaorchestrator.Names.quantityBytes(c.value()));
                case "folder" -> metaorchestrator.Names.isFolderName(c.value());
                case "label" -> metaorchestrator.Names.dnsLabelProblem(c.value()) == null;
                default -> throw new AssertionError(c.rule());
            };
            if (suite != c.suiteAccepts()) disagreements.add(c + ": the suite says " + suite);
            if (!suite) continue;
            boolean child = switch (c.rule()) {
                case "image" -> single_env_bench.Names.IMAGE.matcher(c.value()).matches();
                case "memory" -> single_env_bench.Quantity.bytes(c.value()) != null
                        && single_env_bench.Quantity.bytes(c.value()) >= 4L << 20;
                case "folder" -> single_env_bench.Names.FOLDER.matcher(c.value()).matches();
                case "label" -> single_env_bench.Names.DNS_LABEL.matcher(c.value()).matches();
                default -> throw new AssertionError(c.rule());
            };
            if (!child) disagreements.add(c + ": the suite accepts it, single_env_bench does not");
            // the same value means the same thing on both sides: the result file's name, the limit in bytes
            if (c.rule().equals("image") && !metaorchestrator.Names.imageName(c.value()).equals(single_env_bench.Names.imageName(c.value())))
                disagreements.add(c + ": result file names differ: " + metaorchestrator.Names.imageName(c.value()) + " vs "
                        + single_env_bench.Names.imageName(c.value()));
            if (c.rule().equals("memory") && metaorchestrator.Names.quantityBytes(c.value()).longValue() != single_env_bench.Quantity.bytes(c.value()))
                disagreements.add(c + ": bytes differ: " + metaorchestrator.Names.quantityBytes(c.value()) + " vs "
                        + single_env_bench.Quantity.bytes(c.value()));
        }
        assertEquals(List.of(), disagreements);
    }

    @Test void theChildsExitStatusesAreTheEnumsCodes() {
        assertEquals(single_env_bench.EXIT_OK, metaorchestrator.ChildExit.OK.code);
        assertEquals(single_env_bench.EXIT_TRIAL_FAILED, metaorchestrator.ChildExit.TRIAL_FAILED.code);
        assertEquals(single_env_bench.EXIT_USAGE, metaorchestrator.ChildExit.USAGE.code);
        assertEquals(single_env_bench.EXIT_RUNTIME_MISSING, metaorchestrator.ChildExit.RUNTIME_MISSING.code);
        assertEquals(single_env_bench.EXIT_SETUP, metaorchestrator.ChildExit.SETUP.code);
        assertEquals(single_env_bench.EXIT_INTERRUPTED, metaorchestrator.ChildExit.INTERRUPTED.code);
        // the child documents exactly these in its --help footer; the suite knows each of them
        TestSupport.Run help = TestSupport.singleEnv("--help");
        List<Integer> documented = help.out().lines().map(String::strip).filter(l -> l.matches("[0-9]{1,3}\\s+.*"))
                .map(l -> Integer.parseInt(l.split("\\s+")[0])).collect(Collectors.toList());
        assertEquals(List.of(0, 1, 2, 3, 4, 130), documented, help.out());
        for (int code : documented) assertNotNull(metaorchestrator.ChildExit.of(code), "exit " + code);
        assertNull(metaorchestrator.ChildExit.of(137), "a crash is not a documented status");
    }

    // ---- result files match docs/results.schema.json ----

    @Test void aRealLocalResultFileMatchesTheSchema() throws Exception {
        Path results = Files.createTempDirectory(work, "schema");
        TestSupport.Run r = TestSupport.singleEnv("--backend", "local", "--image", "mmb-static:latest", "--build-dir",
                TestSupport.build().toString(), "--results-dir", results.toString(), "--results-subfolder-name", "s",
                "--sizes", "16,32", "--trials", "2", "--duration", "0.2", "--warmup-seconds", "0.1", "--interval", "0.05");
        assertEquals(0, r.exit(), r.all());
        Path file = results.resolve("s/mmb-static_default.json");
        assertEquals(List.of(), ResultSchema.problems(file));
        // the check can fail: a file without its results is refused
        var broken = (com.fasterxml.jackson.databind.node.ObjectNode) TestSupport.readJson(file);
        broken.remove("results");
        assertFalse(ResultSchema.problems(broken).isEmpty());
    }

    @Test void theResultFilesAmongTheFixturesMatchTheSchema() throws Exception {
        List<Path> files;
        try (var s = Files.walk(TestSupport.repo().resolve("tests/fixtures"))) {
            files = s.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().startsWith("summary")
                    && !p.getFileName().toString().equals("run.json") && p.toString().contains("results")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        List<String> problems = new ArrayList<>();
        for (Path f : files) ResultSchema.problems(f).forEach(p -> problems.add(TestSupport.repo().relativize(f) + ": " + p));
        assertEquals(List.of(), problems);
    }
}
