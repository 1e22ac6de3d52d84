///usr/bin/env jbang "$0" "$@" ; exit $?
// metaorchestrator.java — the suite. Reads bench_config.yaml, runs single_env_bench.java once per
// environment (or once per environment and round, interleaved), shows progress, and then says what
// the numbers mean: a summary that compares every environment with a baseline, and report.html, its charts.
//
//   jbang metaorchestrator.java [--config FILE] [--backend local|k8s] [--only NAME…] [--dry-run] …
//   jbang metaorchestrator.java report RESULTS_FOLDER
//
// Read it top-down, like a table of contents:
//   1. CLI            Exit, Io, Cli (the options), ReportCommand (`report FOLDER`)
//   2. Config         the model (SharedArgs, SharedKey: the contract with the child, EnvironmentSpec,
//                     SuiteConfig), ConfigLoader (walks the YAML nodes, applies overrides), YamlFile (safe reading), NodeValues (typed values),
//                     Problems (file:line:column messages), Names (DNS-1123, images, "did you mean")
//   3. Plan           Plan, ChildArgs (the child's command line), ChildLauncher (which script, which JBang),
//                     Estimate, DryRun
//   4. Suite runner   ChildExit (the child's exit statuses), SuiteRunner (order, exit statuses), ChildRun (one
//                     child, prefixed output), TrialLine,
//                     TrialLedger (which trials exist), Progress (ETA), Interrupts (SIGINT), RunRecord (run.json),
//                     HostInfo, ToolVersions, SudoOwnership
//   5. Summary        ResultsFolder (reads the files), Stats, StudentT, Welch, Summary (the rows), Report
//   6. Output formats SummaryTables, TextFormat, MarkdownFormat, CsvFormat, JsonFormat;
//                     report.html: HtmlReport (writes it), ReportInputs (samples, limits, run.json), ReportCharts
//                     (XChart), ChartStyle, SvgChart (inline SVG), HtmlPage (the sections), Html; Json, Display
// It shares nothing with single_env_bench.java but that script's command line and its JSON result file
// (docs/results.schema.json). docs/suite.md documents the config keys, docs/statistics.md the summary.
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS org.yaml:snakeyaml:2.3
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//DEPS org.zeroturnaround:zt-exec:1.12
//DEPS org.knowm.xchart:xchart:3.8.8
//JAVA_OPTIONS -Djava.awt.headless=true

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;
import org.zeroturnaround.exec.StartedProcess;
import org.zeroturnaround.exec.stream.LogOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

public class metaorchestrator {

    static final String VERSION = "1.0.0";

    public static void main(String[] args) {
        Io io = Io.utf8Console();
        Interrupts interrupts = new Interrupts(io);
        interrupts.handleSignalsWhenRunning();
        System.exit(Cli.run(args, io, interrupts));
    }

    // =============================================================================================
    // 1. CLI
    // =============================================================================================

    /** The meta script's exit statuses (listed by --help and in docs/suite.md). */
    static final class Exit {
        static final int OK = 0;            // every selected environment completed, every trial valid
        static final int FAILED = 1;        // an environment failed or had failed/invalid trials (or was not run: --fail-fast)
        static final int USAGE = 2;         // bad flag, bad config, bad results folder: nothing was run
        static final int SKIPPED = 3;       // nothing failed, but an environment was skipped (runtime not installed)
        static final int SETUP = 4;         // could not start: single_env_bench.java or JBang missing, results exist, …
        static final int INTERRUPTED = 130; // SIGINT/SIGTERM: the running child was stopped, completed trials kept
        private Exit() {}
    }

    /** Where the script writes: the console in production, byte buffers in the tests. */
    record Io(PrintStream out, PrintStream err) {
        static Io utf8Console() {
            // Java 17 picks the console encoding from the locale; sudo and make often run with none (ASCII).
            return new Io(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8),
                    new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        }

        void say(String line) {
            synchronized (this) { out.println(line); out.flush(); }
        }

        void sayf(String format, Object... args) { say(String.format(Locale.ROOT, format, args)); }

        void error(String line) {
            synchronized (this) { err.println("metaorchestrator: " + line); err.flush(); }
        }

        void errLine(String line) {
            synchronized (this) { err.println(line); err.flush(); }
        }
    }

    /** The command line (picocli): options override the config file; `report` summarises a saved folder. */
    @Command(name = "metaorchestrator", mixinStandardHelpOptions = true, sortOptions = false,
            versionProvider = Cli.Version.class, usageHelpAutoWidth = true, subcommands = ReportCommand.class,
            description = {
                    "Runs single_env_bench.java once per environment of bench_config.yaml (a Debian container, a "
                            + "static binary, WebAssembly runtimes…), streams its output, and prints a summary that "
                            + "compares every environment with the baseline. Run with sudo for the k8s backend or "
                            + "cgroups; the result files then belong to the invoking user.",
                    ""},
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {
                    "0:every selected environment completed and every trial is valid",
                    "1:an environment failed, had failed or invalid trials, or was not run (--fail-fast)",
                    "2:bad flag, bad config file or bad results folder (nothing was run)",
                    "3:nothing failed, but an environment was skipped (its runtime is not installed)",
                    "4:could not start: single_env_bench.java or JBang not found, the child does not build, "
                            + "result files exist (use --resume or --overwrite)",
                    "130:interrupted (SIGINT/SIGTERM); completed trials are kept"},
            footerHeading = "%nExamples:%n",
            footer = {
                    "  jbang metaorchestrator.java --dry-run                 # the plan of bench_config.yaml",
                    "  sudo jbang metaorchestrator.java                      # the whole suite on K3s",
                    "  jbang metaorchestrator.java --config bench_local.yaml --backend local --trials 2 --duration 5",
                    "  jbang metaorchestrator.java --only mmb-wasm-wasmtime --resume",
                    "  jbang metaorchestrator.java report results/initial_bm  # the summary again, nothing run"})
    static final class Cli implements Callable<Integer> {

        @Option(names = "--config", paramLabel = "FILE", defaultValue = "bench_config.yaml",
                description = "The suite's config (default: ${DEFAULT-VALUE}).")
        Path configFile;

        @Option(names = "--backend", paramLabel = "local|k8s", description = "Overrides shared_args.backend.")
        String backend;

        @Option(names = "--sizes", paramLabel = "N[,N…]", split = ",", description = "Overrides shared_args.sizes.")
        List<String> sizes;

        @Option(names = "--trials", paramLabel = "N", description = "Overrides shared_args.trials.")
        String trials;

        @Option(names = "--duration", paramLabel = "S", description = "Overrides shared_args.duration (seconds).")
        String duration;

        @Option(names = "--only", paramLabel = "NAME", arity = "1..*", split = ",",
                description = "Runs only these environments (names as in --dry-run).")
        List<String> only;

        @Option(names = "--results-subfolder-name", paramLabel = "NAME",
                description = "Overrides shared_args.results_subfolder_name.")
        String resultsSubfolderName;

        @Option(names = "--order", paramLabel = "sequential|interleaved", description = "Overrides order.")
        String order;

        @Option(names = "--baseline", paramLabel = "NAME", description = "Overrides baseline.")
        String baseline;

        @Option(names = "--dry-run", description = "Prints the plan (each environment's command, its pod spec or "
                + "local command, trial count, estimated time) and runs nothing.")
        boolean dryRun;

        @Option(names = "--fail-fast", description = "Stops the suite at the first environment that fails.")
        boolean failFast;

        @ArgGroup(exclusive = true)
        ResumeChoice resumeChoice;

        static final class ResumeChoice {
            @Option(names = "--resume", description = "Runs only the trials missing from existing result files.")
            boolean resume;
            @Option(names = "--overwrite", description = "Replaces existing result files.")
            boolean overwrite;
        }

        @Option(names = "--single-env-bench", paramLabel = "FILE", description = "The single_env_bench.java to run "
                + "(default: next to this script, else next to the config file, else in the current directory).")
        Path singleEnvBench;

        @Option(names = "--jbang", paramLabel = "FILE", description = "The JBang launcher for the child (default: "
                + "$JBANG_LAUNCHER, else jbang on PATH, else what scripts/install-jbang.sh installs).")
        Path jbang;

        final Io io;
        final Interrupts interrupts;

        Cli(Io io, Interrupts interrupts) { this.io = io; this.interrupts = interrupts; }

        static final class Version implements CommandLine.IVersionProvider {
            @Override public String[] getVersion() { return new String[] {"metaorchestrator " + VERSION}; }
        }

        /** Parses args and runs; returns the exit status. Never throws, never prints a stack trace. */
        static int run(String[] args, Io io, Interrupts interrupts) {
            Quiet.slf4j();
            CommandLine cl = new CommandLine(new Cli(io, interrupts));
            cl.setOut(new PrintWriter(io.out(), true));
            cl.setErr(new PrintWriter(io.err(), true));
            cl.setParameterExceptionHandler((ex, a) -> {
                io.error(ex.getMessage());
                io.errLine("Try 'jbang metaorchestrator.java --help'.");
                return Exit.USAGE;
            });
            cl.setExecutionExceptionHandler((ex, c, parsed) -> {
                io.error("internal error: " + ex + " — please report it (MMB_DEBUG=1 prints the stack trace)");
                if (System.getenv("MMB_DEBUG") != null) ex.printStackTrace(io.err());
                return Exit.FAILED;
            });
            return cl.execute(args);
        }

        ResumeMode resumeMode() {
            if (resumeChoice == null) return ResumeMode.NONE;
            return resumeChoice.resume ? ResumeMode.RESUME : ResumeMode.OVERWRITE;
        }

        CliOverrides overrides() {
            return new CliOverrides(backend, sizes, trials, duration, only, resultsSubfolderName, order, baseline);
        }

        @Override public Integer call() {
            SuiteConfig config;
            try {
                config = ConfigLoader.load(configFile, overrides());
            } catch (ConfigException e) {
                e.print(io);
                return Exit.USAGE;
            }
            Plan plan = Plan.of(config, resumeMode(), failFast, RunId.now());
            interrupts.installSignalHandlers();
            ChildLauncher launcher;
            try {
                launcher = ChildLauncher.locate(singleEnvBench, jbang, config.file(), io);
            } catch (SetupException e) {
                if (dryRun) {
                    new DryRun(plan, null, io, interrupts).print();
                    io.error(e.getMessage());
                    return Exit.SETUP;
                }
                io.error(e.getMessage());
                return Exit.SETUP;
            }
            if (dryRun) return new DryRun(plan, launcher, io, interrupts).print();
            return new SuiteRunner(plan, launcher, io, interrupts).run();
        }
    }

    /** `report RESULTS_FOLDER`: the summary of a saved results folder, written next to the results. */
    @Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Prints the summary of a results folder (the result files of single_env_bench and the "
                    + "run.json of the suite) and writes summary.md, summary.csv, summary.json and report.html (the "
                    + "charts; their PNG copies in charts/) into it. Runs nothing.",
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:summary printed and written", "1:the summary is written, but the charts of report.html "
                    + "could not be drawn (no fonts?)", "2:no such folder, no result files, a file that is not a "
                    + "readable result file, or the folder is not writable"})
    static final class ReportCommand implements Callable<Integer> {
        @ParentCommand Cli parent;

        @Parameters(paramLabel = "RESULTS_FOLDER", description = "e.g. results/initial_bm")
        Path folder;

        @Option(names = "--baseline", paramLabel = "NAME",
                description = "The environment to compare with (default: the run's baseline, else the first).")
        String baseline;

        @Override public Integer call() {
            return Report.ofFolder(folder, baseline, parent.io, true);
        }
    }

    /** zt-exec logs through SLF4J 1.7, which warns on stderr when no logging backend is present. */
    static final class Quiet {
        private static volatile boolean done;

        static void slf4j() {
            if (done) return;
            synchronized (Quiet.class) {
                PrintStream err = System.err;
                try {
                    System.setErr(new PrintStream(OutputStream.nullOutputStream()));
                    org.slf4j.LoggerFactory.getLogger(metaorchestrator.class);
                    org.slf4j.MDC.get("mmb");   // zt-exec uses MDC, which warns separately
                } catch (Throwable ignored) {
                    // no SLF4J at all: nothing to silence
                } finally {
                    System.setErr(err);
                    done = true;
                }
            }
        }
    }

    // =============================================================================================
    // 2. Config
    // =============================================================================================

    enum Backend { local, k8s }

    enum Order { sequential, interleaved }

    enum ResumeMode {
        NONE(null), RESUME("--resume"), OVERWRITE("--overwrite");
        final String flag;
        ResumeMode(String flag) { this.flag = flag; }
    }

    /** One environment: an image run under a runtime class. `where` is its place in the config file. */
    record EnvironmentSpec(String name, String image, String runtimeClass, String artifact, String where,
                           String runtimeClassWhere, String configKey) {
        /** The result file single_env_bench writes: image name without registry and tag, runtime class. */
        String resultFileName() { return Names.imageName(image) + "_" + runtimeClass + ".json"; }

        boolean isWasm() { return Names.isWasm(image, runtimeClass); }
    }

    /**
     * The shared arguments: every key is a flag of single_env_bench.java (key_name → --key-name). The field
     * initialisers are the defaults, which reproduce the seed's behaviour.
     */
    static final class SharedArgs {
        Backend backend = Backend.k8s;
        List<Integer> sizes = List.of(256, 512);
        int trials = 3;
        double duration = 30;
        boolean warmup = true;
        double warmupSeconds = 5;
        double interval = 1.0;
        String namespace = "default";
        String resultsDir = "results";
        String resultsSubfolderName = "initial_bm";
        Double cpuLimit;           // cores; none = no limit
        String memoryLimit;        // Kubernetes quantity, e.g. 512Mi; none = no limit
        String kubeconfig;
        String context;
        String node;
        String imagePullPolicy;
        Double startupTimeout;
        String cgroupRoot;
        String buildDir;

        String mode() { return warmup ? "warm" : "cold"; }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("backend", backend.name());
            m.put("sizes", sizes);
            m.put("trials", trials);
            m.put("duration", duration);
            m.put("warmup", warmup);
            m.put("warmup_seconds", warmupSeconds);
            m.put("interval", interval);
            m.put("namespace", namespace);
            m.put("results_dir", resultsDir);
            m.put("results_subfolder_name", resultsSubfolderName);
            m.put("cpu_limit", cpuLimit);
            m.put("memory_limit", memoryLimit);
            m.put("kubeconfig", kubeconfig);
            m.put("context", context);
            m.put("node", node);
            m.put("image_pull_policy", imagePullPolicy);
            m.put("startup_timeout", startupTimeout);
            m.put("cgroup_root", cgroupRoot);
            m.put("build_dir", buildDir);
            return m;
        }
    }

    /**
     * The contract with single_env_bench for the shared_args it receives, defined once: each key, its type (the
     * NodeValues reader ConfigLoader uses for it), its range and the child's flag. The ranges are the child's own
     * (its validate()) or narrower, so that a value the suite accepts never makes a child exit 2 after the suite
     * has started; ContractTest runs every boundary value through the child's --dry-run.
     */
    enum SharedKey {
        BACKEND("--backend", "local or k8s", null),
        SIZES("--sizes", "integers", new Range(1, true, 8192, "an integer from 1 to 8192")),   // mmb.c's limit
        TRIALS("--trials", "an integer", new Range(1, true, 1000, "an integer from 1 to 1000")),
        DURATION("--duration", "seconds", new Range(0, false, 86400, "seconds above 0 (at most 86400)")),
        WARMUP("--warmup", "a boolean (false: --no-warmup)", null),
        WARMUP_SECONDS("--warmup-seconds", "seconds", new Range(0, true, 3600, "seconds, 0 or more (at most 3600)")),
        INTERVAL("--interval", "seconds", new Range(0.01, true, 3600,
                "seconds from 0.01 to 3600 (single_env_bench samples at most every 0.01 s)")),
        NAMESPACE("--namespace", "a DNS-1123 label", null),
        RESULTS_DIR("--results-dir", "a path", null),
        RESULTS_SUBFOLDER_NAME("--results-subfolder-name", "a folder name", null),
        CPU_LIMIT("--cpu-limit", "cores", new Range(0.01, true, 1024,
                "cores from 0.01 to 1024 (e.g. 1, 0.5 or \"500m\"; at least \"10m\")")),
        MEMORY_LIMIT("--memory-limit", "bytes", new Range(4 << 20, true, 1L << 50,
                "a memory quantity from 4Mi to 1024Ti like 512Mi, 2Gi or a number of bytes")),
        KUBECONFIG("--kubeconfig", "a path", null),
        CONTEXT("--context", "text", null),
        NODE("--node", "a DNS-1123 subdomain", null),
        IMAGE_PULL_POLICY("--image-pull-policy", "Always, IfNotPresent or Never", null),
        STARTUP_TIMEOUT("--startup-timeout", "seconds", new Range(0, false, 86400, "seconds above 0 (at most 86400)")),
        CGROUP_ROOT("--cgroup-root", "a path", null),
        BUILD_DIR("--build-dir", "a path", null);

        final String key = name().toLowerCase(Locale.ROOT);
        final String flag;
        final String type;
        final Range range;

        SharedKey(String flag, String type, Range range) {
            this.flag = flag;
            this.type = type;
            this.range = range;
        }

        /** A range of numbers, and what to tell the user when a value lies outside it. */
        record Range(double min, boolean minInclusive, double max, String expected) {
            boolean contains(double v) { return (minInclusive ? v >= min : v > min) && v <= max; }
        }
    }

    /** The validated config, command-line overrides applied. */
    record SuiteConfig(Path file, List<EnvironmentSpec> environments, List<String> selected, SharedArgs shared,
                       String baseline, Order order, double significanceLevel) {
        List<EnvironmentSpec> selectedEnvironments() {
            return environments.stream().filter(e -> selected.contains(e.name())).collect(Collectors.toList());
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Map<String, Object>> envs = new ArrayList<>();
            for (EnvironmentSpec e : environments) {
                Map<String, Object> em = new LinkedHashMap<>();
                em.put("name", e.name());
                em.put("image", e.image());
                em.put("runtime_class", e.runtimeClass());
                if (e.artifact() != null) em.put("artifact", e.artifact());
                envs.add(em);
            }
            m.put("environments", envs);
            m.put("shared_args", shared.asMap());
            m.put("baseline", baseline);
            m.put("order", order.name());
            m.put("significance_level", significanceLevel);
            return m;
        }
    }

    /** Command-line values that override the config (strings: validated with the config's own rules). */
    record CliOverrides(String backend, List<String> sizes, String trials, String duration, List<String> only,
                        String resultsSubfolderName, String order, String baseline) {
        static CliOverrides none() { return new CliOverrides(null, null, null, null, null, null, null, null); }
    }

    /** One problem of the config or command line: where, which key, what was expected. */
    record Problem(String location, String key, String message) {
        @Override public String toString() {
            return location + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + message;
        }
    }

    /** Every problem found in the config and command line; nothing runs when there is one. */
    static final class ConfigException extends Exception {
        final List<Problem> problems;
        final String file;

        ConfigException(String file, List<Problem> problems) {
            super(problems.size() + " problem(s)");
            this.file = file;
            this.problems = List.copyOf(problems);
        }

        void print(Io io) {
            for (Problem p : problems) io.errLine(p.toString());
            io.errLine(problems.size() == 1 ? "1 problem in " + file + "; nothing was run."
                    : problems.size() + " problems in " + file + "; nothing was run.");
        }
    }

    /** Walks the config's nodes into a SuiteConfig, applies the command-line overrides, cross-checks. */
    static final class ConfigLoader {
        static final int MAX_SIZE = 8192;   // mmb.c's limit

        static final List<String> TOP_KEYS = List.of("environments", "shared_args", "baseline", "order",
                "significance_level");
        static final List<String> ENVIRONMENT_KEYS = List.of("name", "image", "runtime_class", "artifact");
        static final List<String> SHARED_KEYS = List.of("backend", "sizes", "trials", "duration", "warmup",
                "warmup_seconds", "interval", "namespace", "results_dir", "results_subfolder_name", "cpu_limit",
                "memory_limit", "kubeconfig", "context", "node", "image_pull_policy", "startup_timeout",
                "cgroup_root", "build_dir");
        static final List<String> LOCAL_RUNTIME_CLASSES = List.of("default", "node", "wamr", "wasmedge", "wasmer",
                "wasmtime");
        static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");

        private final Problems problems;
        private final NodeValues values;

        private ConfigLoader(Problems problems) {
            this.problems = problems;
            this.values = new NodeValues(problems);
        }

        /** The validated config, or every problem of the file and the command line at once. */
        static SuiteConfig load(Path file, CliOverrides overrides) throws ConfigException {
            Problems problems = new Problems(file.toString());
            SuiteConfig config = null;
            Node root = YamlFile.read(file, problems);
            if (root != null && !(root instanceof MappingNode)) {
                problems.add(root, "", "expected a mapping at the top (environments: … and shared_args: …), got "
                        + NodeValues.describe(root));
            } else if (root != null) {
                config = new ConfigLoader(problems).walk((MappingNode) root, overrides);
            }
            if (!problems.isEmpty()) throw new ConfigException(problems.file, problems.inFileOrder());
            return config;
        }

        private SuiteConfig walk(MappingNode top, CliOverrides cli) {
            Map<String, NodeTuple> keys = keysOf(top, "", TOP_KEYS, SHARED_KEYS, "under shared_args");
            SharedArgs shared = new SharedArgs();
            if (keys.containsKey("shared_args")) readShared(keys.get("shared_args").getValueNode(), shared);
            List<EnvironmentSpec> envs = keys.containsKey("environments")
                    ? readEnvironments(keys.get("environments").getValueNode())
                    : missing(top, "environments");
            String baseline = null;
            Node baselineNode = null;
            if (keys.containsKey("baseline")) {
                baselineNode = keys.get("baseline").getValueNode();
                baseline = values.string(baselineNode, "baseline", true);
            }
            Order order = Order.sequential;
            if (keys.containsKey("order")) {
                Order o = values.enumValue(keys.get("order").getValueNode(), "order", Order.class);
                if (o != null) order = o;
            }
            double alpha = 0.01;
            if (keys.containsKey("significance_level")) {
                Double a = values.number(keys.get("significance_level").getValueNode(), "significance_level", 0, false,
                        0.5, "a number above 0 and at most 0.5 (0.01 is a 99% confidence level)");
                if (a != null) alpha = a;
            }

            // command-line overrides, validated by the same rules
            String cliBaseline = applyOverrides(cli, shared);
            if (cli.order() != null) {
                Order o = values.enumText(cli.order(), "--order", Order.class);
                if (o != null) order = o;
            }

            List<String> names = envs.stream().map(EnvironmentSpec::name).collect(Collectors.toList());
            if (cliBaseline != null) {
                baseline = checkName(cliBaseline, names, "command line", "--baseline");
            } else if (baseline != null) {
                baseline = checkName(baseline, names, problems.where(baselineNode), "baseline");
            }
            if (baseline == null && !envs.isEmpty()) baseline = envs.get(0).name();

            List<String> selected = new ArrayList<>(names);
            if (cli.only() != null) {
                selected.clear();
                for (String n : cli.only()) {
                    String ok = checkName(n.trim(), names, "command line", "--only");
                    if (ok != null && !selected.contains(ok)) selected.add(ok);
                }
            }
            if (shared.backend == Backend.local) {
                for (EnvironmentSpec e : envs) {
                    if (!LOCAL_RUNTIME_CLASSES.contains(e.runtimeClass())) {
                        problems.add(new Problem(e.runtimeClassWhere(), e.configKey() + ".runtime_class", "'" + e.runtimeClass()
                                + "' is not a runtime class of the local backend; expected one of "
                                + String.join(", ", LOCAL_RUNTIME_CLASSES) + Names.didYouMean(e.runtimeClass(),
                                LOCAL_RUNTIME_CLASSES)));
                    }
                }
            }
            return new SuiteConfig(Paths.get(problems.file), envs, selected, shared, baseline, order, alpha);
        }

        private List<EnvironmentSpec> missing(Node parent, String key) {
            problems.add(parent, key, "missing; expected a list of environments, each with image and runtime_class");
            return List.of();
        }

        private String checkName(String name, List<String> names, String location, String key) {
            if (names.contains(name)) return name;
            if (names.isEmpty()) return null;
            problems.add(new Problem(location, key, "no environment is named '" + name + "'"
                    + Names.didYouMean(name, names) + " (names: " + String.join(", ", names) + ")"));
            return null;
        }

        /** The mapping's keys, with unknown and duplicate keys reported. */
        private Map<String, NodeTuple> keysOf(MappingNode map, String prefix, List<String> known,
                                              List<String> elsewhere, String elsewhereName) {
            Map<String, NodeTuple> keys = new LinkedHashMap<>();
            Map<String, Node> firstSeen = new HashMap<>();
            for (NodeTuple t : map.getValue()) {
                Node k = t.getKeyNode();
                if (!(k instanceof ScalarNode ks) || Tag.NULL.equals(ks.getTag())) {
                    problems.add(k, prefix.isEmpty() ? "(key)" : prefix + "(key)", "expected a key name, got " + NodeValues.describe(k));
                    continue;
                }
                String key = ks.getValue();
                String full = prefix.isEmpty() ? key : prefix + "." + key;
                if (firstSeen.containsKey(key)) {
                    problems.add(k, full, "duplicate key (first at line " + (firstSeen.get(key).getStartMark().getLine() + 1)
                            + "); keep one");
                    continue;
                }
                firstSeen.put(key, k);
                if (!known.contains(key)) {
                    String hint;
                    if (elsewhere != null && elsewhere.contains(key)) {
                        hint = "; this key belongs " + elsewhereName;
                    } else {
                        hint = Names.didYouMean(key, known) + " (known keys: " + String.join(", ", known) + ")";
                    }
                    problems.add(k, full, "unknown key" + hint);
                    continue;
                }
                keys.put(key, t);
            }
            return keys;
        }

        private List<EnvironmentSpec> readEnvironments(Node node) {
            if (!(node instanceof SequenceNode seq)) {
                problems.add(node, "environments", "expected a list of environments (- image: …), got " + NodeValues.describe(node));
                return List.of();
            }
            if (seq.getValue().isEmpty()) {
                problems.add(node, "environments", "the list is empty; expected at least one environment "
                        + "(- image: mmb-debian:latest, runtime_class: default)");
                return List.of();
            }
            List<EnvironmentSpec> envs = new ArrayList<>();
            Map<String, Node> byName = new HashMap<>();
            Map<String, Node> byFile = new HashMap<>();
            int index = 0;
            for (Node item : seq.getValue()) {
                String key = "environments[" + index++ + "]";
                if (!(item instanceof MappingNode m)) {
                    problems.add(item, key, "expected a mapping with image and runtime_class, got " + NodeValues.describe(item));
                    continue;
                }
                Map<String, NodeTuple> keys = keysOf(m, key, ENVIRONMENT_KEYS, null, null);
                String image = null, runtimeClass = null, name = null, artifact = null;
                String rcWhere = problems.where(m);
                if (!keys.containsKey("image")) problems.add(m, key + ".image", "missing; expected an image such as "
                        + "mmb-debian:latest");
                else image = values.image(keys.get("image").getValueNode(), key + ".image");
                if (!keys.containsKey("runtime_class")) problems.add(m, key + ".runtime_class", "missing; expected a "
                        + "runtime class such as default or wasmtime");
                else {
                    Node rc = keys.get("runtime_class").getValueNode();
                    rcWhere = problems.where(rc);
                    runtimeClass = values.dns(rc, key + ".runtime_class", true);   // single_env_bench: a label
                }
                if (keys.containsKey("name")) name = values.dns(keys.get("name").getValueNode(), key + ".name", true);
                if (keys.containsKey("artifact")) artifact = values.path(keys.get("artifact").getValueNode(),
                        key + ".artifact", false);
                if (image == null || runtimeClass == null || (keys.containsKey("name") && name == null)) continue;
                if (name == null) name = Names.defaultName(image, runtimeClass);
                EnvironmentSpec spec = new EnvironmentSpec(name, image, runtimeClass, artifact, problems.where(m), rcWhere, key);
                if (byName.containsKey(name)) {
                    problems.add(m, key, "duplicate environment name '" + name + "' (also at line "
                            + Problems.line(byName.get(name)) + "); give one of them another name (name: …)");
                    continue;
                }
                if (byFile.containsKey(spec.resultFileName())) {
                    problems.add(m, key, "same image and runtime_class as the environment at line "
                            + Problems.line(byFile.get(spec.resultFileName())) + "; both would write "
                            + spec.resultFileName() + " (remove one)");
                    continue;
                }
                byName.put(name, m);
                byFile.put(spec.resultFileName(), m);
                envs.add(spec);
            }
            return envs;
        }

        private void readShared(Node node, SharedArgs s) {
            if (node instanceof ScalarNode sc && Tag.NULL.equals(sc.getTag())) return;   // "shared_args:" alone
            if (!(node instanceof MappingNode m)) {
                problems.add(node, "shared_args", "expected a mapping (trials: 3, duration: 30, …), got " + NodeValues.describe(node));
                return;
            }
            Map<String, NodeTuple> keys = keysOf(m, "shared_args", SHARED_KEYS, TOP_KEYS, "at the top level");
            for (Map.Entry<String, NodeTuple> e : keys.entrySet()) {
                Node v = e.getValue().getValueNode();
                String k = "shared_args." + e.getKey();
                switch (e.getKey()) {
                    case "backend" -> { Backend b = values.enumValue(v, k, Backend.class); if (b != null) s.backend = b; }
                    case "sizes" -> { List<Integer> l = values.sizes(v, k); if (l != null) s.sizes = l; }
                    case "trials" -> { Long t = values.integer(v, k, SharedKey.TRIALS.range); if (t != null) s.trials = t.intValue(); }
                    case "duration" -> { Double d = values.number(v, k, SharedKey.DURATION.range);
                        if (d != null) s.duration = d; }
                    case "warmup" -> { Boolean b = values.bool(v, k); if (b != null) s.warmup = b; }
                    case "warmup_seconds" -> { Double d = values.number(v, k, SharedKey.WARMUP_SECONDS.range);
                        if (d != null) s.warmupSeconds = d; }
                    case "interval" -> { Double d = values.number(v, k, SharedKey.INTERVAL.range);
                        if (d != null) s.interval = d; }
                    case "namespace" -> { String n = values.dns(v, k, true); if (n != null) s.namespace = n; }
                    case "results_dir" -> { String d = values.path(v, k, false); if (d != null) s.resultsDir = d; }
                    case "results_subfolder_name" -> { String n = values.folderName(v, k); if (n != null) s.resultsSubfolderName = n; }
                    case "cpu_limit" -> s.cpuLimit = values.cpu(v, k);
                    case "memory_limit" -> s.memoryLimit = values.memory(v, k);
                    case "kubeconfig" -> s.kubeconfig = values.path(v, k, true);
                    case "context" -> s.context = values.context(v, k);
                    case "node" -> s.node = NodeValues.isNull(v) ? null : values.dns(v, k, false);
                    case "image_pull_policy" -> s.imagePullPolicy = NodeValues.isNull(v) ? null : values.choice(v, k, PULL_POLICIES);
                    case "startup_timeout" -> s.startupTimeout = NodeValues.isNull(v) ? null
                            : values.number(v, k, SharedKey.STARTUP_TIMEOUT.range);
                    case "cgroup_root" -> s.cgroupRoot = values.path(v, k, true);
                    case "build_dir" -> s.buildDir = values.path(v, k, true);
                    default -> throw new AssertionError(e.getKey());
                }
            }
        }

        /** Applies the command-line overrides; returns the --baseline value (checked by the caller). */
        private String applyOverrides(CliOverrides cli, SharedArgs s) {
            if (cli.backend() != null) {
                Backend b = values.enumText(cli.backend(), "--backend", Backend.class);
                if (b != null) s.backend = b;
            }
            if (cli.sizes() != null) {
                List<Integer> sizes = new ArrayList<>();
                for (String item : cli.sizes()) {
                    String t = item.trim();
                    if (!t.matches("[0-9]{1,5}") || Integer.parseInt(t) < 1 || Integer.parseInt(t) > MAX_SIZE) {
                        problems.add(new Problem("command line", "--sizes", "expected integers from 1 to " + MAX_SIZE
                                + " separated by commas (e.g. 256,512), got '" + t + "'"));
                    } else if (sizes.contains(Integer.parseInt(t))) {
                        problems.add(new Problem("command line", "--sizes", "size " + t + " is listed twice"));
                    } else sizes.add(Integer.parseInt(t));
                }
                if (!sizes.isEmpty()) s.sizes = List.copyOf(sizes);
            }
            if (cli.trials() != null) {
                String t = cli.trials().trim();
                if (t.matches("[0-9]{1,4}") && SharedKey.TRIALS.range.contains(Integer.parseInt(t))) {
                    s.trials = Integer.parseInt(t);
                } else {
                    problems.add(new Problem("command line", "--trials", "expected "
                            + SharedKey.TRIALS.range.expected() + ", got '" + t + "'"));
                }
            }
            if (cli.duration() != null) {
                Double d = NodeValues.parseDecimal(cli.duration().trim());
                if (d != null && SharedKey.DURATION.range.contains(d)) s.duration = d;
                else problems.add(new Problem("command line", "--duration", "expected "
                        + SharedKey.DURATION.range.expected() + ", got '" + cli.duration() + "'"));
            }
            if (cli.resultsSubfolderName() != null) {
                String n = cli.resultsSubfolderName();
                if (Names.isFolderName(n)) s.resultsSubfolderName = n;
                else problems.add(new Problem("command line", "--results-subfolder-name", Names.FOLDER_RULE
                        + ", got '" + n + "'"));
            }
            return cli.baseline();
        }

    }

    /**
     * Reads a YAML file into nodes (not objects), so that every later problem can point at its line and
     * column. Refuses what is not a small UTF-8 YAML document; SnakeYAML's limits guard against alias bombs
     * and deep nesting.
     */
    static final class YamlFile {
        static final int MAX_BYTES = 1 << 20;
        static final int MAX_ALIASES = 20;
        static final int MAX_NESTING = 20;

        private YamlFile() {}

        /** The document's root node, or null (with the reason in problems). */
        static Node read(Path file, Problems problems) {
            String text = readText(file, problems);
            return text == null ? null : compose(text, problems);
        }

        private static String readText(Path file, Problems problems) {
            try {
                if (Files.isDirectory(file)) {
                    problems.add(new Problem(problems.file, "", "is a directory; expected a YAML file like "
                            + "bench_config.yaml (name the file itself with --config FILE)"));
                    return null;
                }
                if (!Files.exists(file)) {
                    problems.add(new Problem(problems.file, "", "no such file; run from the repository or name the "
                            + "config with --config FILE"));
                    return null;
                }
                long size = Files.size(file);
                if (size > MAX_BYTES) {
                    problems.add(new Problem(problems.file, "", "is " + size + " bytes; a config is at most "
                            + MAX_BYTES + " bytes (1 MiB)"));
                    return null;
                }
                byte[] bytes = Files.readAllBytes(file);
                String text = decodeUtf8(bytes, problems);
                if (text == null) return null;
                if (text.startsWith("\uFEFF")) text = text.substring(1);
                if (text.isBlank()) {
                    problems.add(new Problem(problems.file + ":1:1", "", "the file is empty; expected a mapping with "
                            + "the keys environments and shared_args (docs/suite.md: Configuration reference)"));
                    return null;
                }
                return text;
            } catch (AccessDeniedException e) {
                problems.add(new Problem(problems.file, "", "cannot be read (permission denied)"));
            } catch (IOException e) {
                problems.add(new Problem(problems.file, "", "cannot be read: " + e.getMessage()));
            }
            return null;
        }

        private static String decodeUtf8(byte[] bytes, Problems problems) {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer in = ByteBuffer.wrap(bytes);
            CharBuffer out = CharBuffer.allocate(bytes.length + 1);
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                int bad = in.position();
                int line = 1, column = 1;
                String before = new String(bytes, 0, bad, StandardCharsets.UTF_8);
                for (int i = 0; i < before.length(); i++) {
                    if (before.charAt(i) == '\n') { line++; column = 1; } else column++;
                }
                problems.add(new Problem(problems.file + ":" + line + ":" + column, "", String.format(Locale.ROOT,
                        "not UTF-8 text (byte 0x%02X); save the file as UTF-8", bytes[bad] & 0xff)));
                return null;
            }
            decoder.flush(out);
            out.flip();
            return out.toString();
        }

        private static Node compose(String text, Problems problems) {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(MAX_ALIASES);
            options.setNestingDepthLimit(MAX_NESTING);
            options.setCodePointLimit(MAX_BYTES);
            options.setAllowRecursiveKeys(false);
            DumperOptions dumper = new DumperOptions();
            Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options);
            try {
                Node root = yaml.compose(new StringReader(text));
                if (root == null) {
                    problems.add(new Problem(problems.file + ":1:1", "", "the file has no YAML content (only comments); "
                            + "expected a mapping with the keys environments and shared_args"));
                }
                return root;
            } catch (MarkedYAMLException e) {
                Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                String where = mark == null ? problems.file : problems.file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
                String what = Objects.toString(e.getProblem(), "");
                if (e.getContext() != null) what = e.getContext() + ": " + what;
                if (what.contains("expected a single document")) what = "more than one YAML document (---); "
                        + "keep one";
                problems.add(new Problem(where, "", "YAML syntax error: " + what));
            } catch (YAMLException e) {
                problems.add(new Problem(limitLocation(text, e.getMessage(), problems), "", limitMessage(e.getMessage())));
            }
            return null;
        }

        /**
         * SnakeYAML's limit errors carry no position; replaying the parser's events (which neither expand
         * aliases nor build nodes) finds where the limit was crossed.
         */
        private static String limitLocation(String text, String snake, Problems problems) {
            boolean aliases = Objects.toString(snake, "").startsWith("Number of aliases");
            boolean nesting = Objects.toString(snake, "").startsWith("Nesting Depth");
            if (!aliases && !nesting) return problems.file;
            try {
                Set<String> collectionAnchors = new HashSet<>();
                int depth = 0, aliasCount = 0;
                for (org.yaml.snakeyaml.events.Event ev : new Yaml(new LoaderOptions()).parse(new StringReader(text))) {
                    Mark m = ev.getStartMark();
                    String at = problems.file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
                    if (ev instanceof org.yaml.snakeyaml.events.CollectionStartEvent c) {
                        if (c.getAnchor() != null) collectionAnchors.add(c.getAnchor());
                        if (nesting && ++depth > MAX_NESTING) return at;
                    } else if (ev instanceof org.yaml.snakeyaml.events.CollectionEndEvent) {
                        depth--;
                    } else if (ev instanceof org.yaml.snakeyaml.events.AliasEvent a) {
                        if (aliases && collectionAnchors.contains(a.getAnchor()) && ++aliasCount > MAX_ALIASES) return at;
                    }
                }
            } catch (RuntimeException ignored) {
                // the file as a whole is named
            }
            return problems.file;
        }

        private static String limitMessage(String snake) {
            String m = Objects.toString(snake, "");
            if (m.startsWith("Number of aliases")) {
                return "YAML: more than " + MAX_ALIASES + " aliases (*name) of lists or mappings — refused "
                        + "(alias bomb); write the values out";
            }
            if (m.startsWith("Nesting Depth")) {
                return "YAML: nested more than " + MAX_NESTING + " levels deep — refused; a config needs 4";
            }
            if (m.contains("code points")) {
                return "YAML: longer than " + MAX_BYTES + " characters — refused";
            }
            return "YAML error: " + m;
        }

    }

    /** Typed values of config nodes: each returns null and adds a problem when the value is not what is expected. */
    static final class NodeValues {
        private final Problems problems;

        NodeValues(Problems problems) { this.problems = problems; }

        Long integer(Node node, String key, long min, long max) {
            String expected = "an integer from " + min + " to " + max;
            if (!(node instanceof ScalarNode s) || !Tag.INT.equals(s.getTag())) {
                wrongType(node, key, expected);
                return null;
            }
            String text = s.getValue().replace("_", "");
            if (!text.matches("[-+]?(0|[1-9][0-9]{0,17})")) {
                problems.add(node, key, "expected " + expected + " in plain decimal digits, got " + s.getValue());
                return null;
            }
            long v = Long.parseLong(text);
            if (v < min || v > max) {
                problems.add(node, key, "expected " + expected + ", got " + v);
                return null;
            }
            return v;
        }

        Double number(Node node, String key, double min, boolean minInclusive, double max, String expected) {
            if (!(node instanceof ScalarNode s) || !(Tag.INT.equals(s.getTag()) || Tag.FLOAT.equals(s.getTag()))) {
                wrongType(node, key, expected);
                return null;
            }
            Double v = parseDecimal(s.getValue().replace("_", ""));
            if (v == null) {
                problems.add(node, key, "expected " + expected + " written as a plain decimal number, got " + s.getValue());
                return null;
            }
            if ((minInclusive ? v < min : v <= min) || v > max) {
                problems.add(node, key, "expected " + expected + ", got " + s.getValue());
                return null;
            }
            return v;
        }

        Long integer(Node node, String key, SharedKey.Range range) {
            return integer(node, key, (long) range.min(), (long) range.max());
        }

        Double number(Node node, String key, SharedKey.Range range) {
            return number(node, key, range.min(), range.minInclusive(), range.max(), range.expected());
        }

        static Double parseDecimal(String text) {
            if (!text.matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?")) return null;
            double v = Double.parseDouble(text);
            return Double.isFinite(v) ? v : null;
        }

        Boolean bool(Node node, String key) {
            if (!(node instanceof ScalarNode s) || !Tag.BOOL.equals(s.getTag())) {
                wrongType(node, key, "true or false");
                return null;
            }
            String v = s.getValue().toLowerCase(Locale.ROOT);
            return v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y");
        }

        /** A text value; numbers count as their text, but YAML booleans (yes/no/on/off) must be quoted. */
        String string(Node node, String key, boolean nullable) {
            if (nullable && isNull(node)) return null;
            if (!(node instanceof ScalarNode s) || Tag.NULL.equals(s.getTag()) || Tag.BOOL.equals(s.getTag())) {
                wrongType(node, key, "a text value");
                return null;
            }
            if (s.getValue().isBlank()) {
                problems.add(node, key, "expected a text value, got an empty string");
                return null;
            }
            return s.getValue();
        }

        String image(Node node, String key) {
            String v = string(node, key, false);
            if (v == null) return null;
            if (!Names.isImageReference(v)) {
                problems.add(node, key, "expected an image reference like mmb-debian:latest or registry:5000/team/mmb-wasm:v1 "
                        + "(lower-case name, optional :tag), got '" + v + "'");
                return null;
            }
            return v;
        }

        /** A DNS-1123 label (names, namespace) or subdomain (runtime classes, nodes), as Kubernetes requires. */
        String dns(Node node, String key, boolean label) {
            String v = string(node, key, false);
            if (v == null) return null;
            String rule = label ? Names.dnsLabelProblem(v) : Names.dnsSubdomainProblem(v);
            if (rule != null) {
                problems.add(node, key, "'" + v + "' is not a valid DNS-1123 " + (label ? "label" : "subdomain") + ": "
                        + rule);
                return null;
            }
            return v;
        }

        String folderName(Node node, String key) {
            String v = string(node, key, false);
            if (v == null) return null;
            if (!Names.isFolderName(v)) {
                problems.add(node, key, Names.FOLDER_RULE + ", got '" + v + "'");
                return null;
            }
            return v;
        }

        Double cpu(Node node, String key) {
            if (isNull(node)) return null;
            SharedKey.Range range = SharedKey.CPU_LIMIT.range;
            if (node instanceof ScalarNode s && Tag.STR.equals(s.getTag()) && s.getValue().matches("[0-9]{1,7}m")) {
                double cores = Integer.parseInt(s.getValue().substring(0, s.getValue().length() - 1)) / 1000.0;
                if (range.contains(cores)) return cores;
                problems.add(node, key, "expected " + range.expected() + ", got " + s.getValue());
                return null;
            }
            return number(node, key, range);
        }

        String memory(Node node, String key) {
            if (isNull(node)) return null;
            String v = string(node, key, false);
            if (v == null) return null;
            Double bytes = Names.quantityBytes(v);
            if (bytes == null || !SharedKey.MEMORY_LIMIT.range.contains(bytes)) {
                problems.add(node, key, "expected " + SharedKey.MEMORY_LIMIT.range.expected() + ", got '" + v + "'");
                return null;
            }
            return v;
        }

        /** A kubeconfig context's name: text that single_env_bench cannot take for one of its options. */
        String context(Node node, String key) {
            String v = text(node, key, true);
            if (v != null && v.startsWith("-")) {
                problems.add(node, key, "expected a context name not starting with '-' (single_env_bench would "
                        + "take it for an option), got '" + v + "'");
                return null;
            }
            return v;
        }

        /** A path: any text without control characters (a NUL cannot reach the child's command line). */
        String path(Node node, String key, boolean nullable) {
            return text(node, key, nullable);
        }

        /** Text that reaches the child's command line as it is: no control characters. */
        String text(Node node, String key, boolean nullable) {
            String v = string(node, key, nullable);
            if (v != null && v.chars().anyMatch(Character::isISOControl)) {
                problems.add(node, key, "expected text without control characters (tabs, newlines, NUL), got '"
                        + v.replaceAll("\\p{Cntrl}", "?") + "'");
                return null;
            }
            return v;
        }

        <E extends Enum<E>> E enumValue(Node node, String key, Class<E> type) {
            String v = string(node, key, false);
            if (v == null) return null;
            List<String> allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.toList());
            if (!allowed.contains(v)) {
                problems.add(node, key, "expected one of " + String.join(", ", allowed) + ", got '" + v + "'"
                        + Names.didYouMean(v, allowed));
                return null;
            }
            return Enum.valueOf(type, v);
        }

        String choice(Node node, String key, List<String> allowed) {
            String v = string(node, key, false);
            if (v == null) return null;
            if (!allowed.contains(v)) {
                problems.add(node, key, "expected one of " + String.join(", ", allowed) + ", got '" + v + "'"
                        + Names.didYouMean(v, allowed));
                return null;
            }
            return v;
        }

        /** The same rule for a command-line value (no node: the location is "command line"). */
        <E extends Enum<E>> E enumText(String value, String flag, Class<E> type) {
            List<String> allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.toList());
            if (allowed.contains(value)) return Enum.valueOf(type, value);
            problems.add(new Problem("command line", flag, "expected one of " + String.join(", ", allowed)
                    + ", got '" + value + "'" + Names.didYouMean(value, allowed)));
            return null;
        }

        List<Integer> sizes(Node node, String key) {
            String expected = "a list of matrix sizes like [256, 512] (integers from 1 to " + ConfigLoader.MAX_SIZE + ")";
            if (!(node instanceof SequenceNode seq)) {
                if (node instanceof ScalarNode s && Tag.INT.equals(s.getTag())) {
                    problems.add(node, key, "expected " + expected + ", got " + s.getValue() + "; write [" + s.getValue() + "]");
                } else wrongType(node, key, expected);
                return null;
            }
            if (seq.getValue().isEmpty()) {
                problems.add(node, key, "the list is empty; expected at least one size, e.g. [256, 512]");
                return null;
            }
            List<Integer> sizes = new ArrayList<>();
            int i = 0;
            boolean ok = true;
            for (Node item : seq.getValue()) {
                Long v = integer(item, key + "[" + i++ + "]", 1, ConfigLoader.MAX_SIZE);
                if (v == null) { ok = false; continue; }
                if (sizes.contains(v.intValue())) {
                    problems.add(item, key, "size " + v + " is listed twice");
                    ok = false;
                    continue;
                }
                sizes.add(v.intValue());
            }
            return ok ? List.copyOf(sizes) : null;
        }

        static boolean isNull(Node node) {
            return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
        }

        void wrongType(Node node, String key, String expected) {
            String hint = "";
            if (node instanceof ScalarNode s && Tag.STR.equals(s.getTag())
                    && s.getValue().matches("[-+]?[0-9.]+|true|false")) {
                hint = "; remove the quotes";
            } else if (node instanceof ScalarNode s && Tag.BOOL.equals(s.getTag()) && expected.startsWith("a text")) {
                hint = "; YAML reads " + s.getValue() + " as a boolean, quote it: '" + s.getValue() + "'";
            }
            problems.add(node, key, "expected " + expected + ", got " + describe(node) + hint);
        }

        static String describe(Node node) {
            if (node instanceof MappingNode) return "a mapping";
            if (node instanceof SequenceNode) return "a list";
            if (node instanceof ScalarNode s) {
                Tag t = s.getTag();
                if (Tag.NULL.equals(t)) return "nothing (null)";
                if (Tag.BOOL.equals(t)) return s.getValue() + " (a boolean)";
                if (Tag.INT.equals(t)) return s.getValue() + " (an integer)";
                if (Tag.FLOAT.equals(t)) return s.getValue() + " (a number)";
                String v = s.getValue().length() > 40 ? s.getValue().substring(0, 40) + "…" : s.getValue();
                return "'" + v + "' (a string)";
            }
            return "a value of an unknown kind";
        }
    }

    /** Every problem found so far, each placed at a node's line and column in the file. */
    static final class Problems {
        final String file;
        private final List<Problem> list = new ArrayList<>();

        Problems(String file) { this.file = file; }

        void add(Problem p) { list.add(p); }

        void add(Node node, String key, String message) { list.add(new Problem(where(node), key, message)); }

        boolean isEmpty() { return list.isEmpty(); }

        String where(Node node) {
            if (node == null) return file;
            Mark m = node.getStartMark();
            return file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
        }

        static int line(Node node) { return node.getStartMark().getLine() + 1; }

        /** Sorted by line and column; those of the command line last. */
        List<Problem> inFileOrder() {
            Pattern pos = Pattern.compile(":(\\d+):(\\d+)$");
            Comparator<Problem> byPosition = Comparator.comparingLong(p -> {
                Matcher m = pos.matcher(p.location());
                if (!p.location().startsWith(file)) return Long.MAX_VALUE;
                return m.find() ? Long.parseLong(m.group(1)) * 100_000 + Long.parseLong(m.group(2)) : 0;
            });
            List<Problem> sorted = new ArrayList<>(list);
            sorted.sort(byPosition);
            return sorted;
        }
    }

    /** Naming rules (Kubernetes, images, folders) and "did you mean" suggestions. */
    static final class Names {
        static final String FOLDER_RULE = "expected a plain folder name (letters, digits, '.', '_' or '-'; not "
                + "starting with '.'; at most 100 characters)";
        private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        private static final Pattern IMAGE = Pattern.compile(
                "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
                        + "(?::[0-9]+)?/)?"
                        + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                        + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?");
        static final Set<String> WASM_RUNTIMES = Set.of("wasmtime", "wasmedge", "wasmer", "wamr", "node", "wasm",
                "crun-wasm", "spin");

        private Names() {}

        static String dnsLabelProblem(String v) {
            if (v.length() > 63) return "at most 63 characters";
            if (!LABEL.matcher(v).matches()) return "lower-case letters, digits and '-', starting and ending with a "
                    + "letter or digit";
            return null;
        }

        static String dnsSubdomainProblem(String v) {
            if (v.length() > 253) return "at most 253 characters";
            for (String part : v.split("\\.", -1)) {
                if (part.length() > 63 || !LABEL.matcher(part).matches()) {
                    return "lower-case letters, digits, '-' and '.', each dot-separated part starting and ending "
                            + "with a letter or digit";
                }
            }
            return null;
        }

        static boolean isImageReference(String v) { return v.length() <= 255 && IMAGE.matcher(v).matches(); }

        /** single_env_bench's folder rule (no leading '.', which also rules out '.' and '..'), at most 100 characters. */
        static boolean isFolderName(String v) {
            return v.length() <= 100 && v.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*");
        }

        /** A Kubernetes memory quantity in bytes (512Mi, 2G, 268435456), or null when it is not one. */
        static Double quantityBytes(String v) {
            Matcher m = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(v);
            if (!m.matches()) return null;
            double unit = switch (Objects.toString(m.group(2), "")) {
                case "Ki" -> 1024d; case "Mi" -> Math.pow(1024, 2); case "Gi" -> Math.pow(1024, 3);
                case "Ti" -> Math.pow(1024, 4); case "k" -> 1e3; case "M" -> 1e6; case "G" -> 1e9; case "T" -> 1e12;
                default -> 1;
            };
            return Double.parseDouble(m.group(1)) * unit;
        }

        /** "registry:5000/team/mmb-wasm:v1@sha256:…" → "mmb-wasm". */
        static String imageName(String image) {
            String s = image;
            int at = s.indexOf('@');
            if (at >= 0) s = s.substring(0, at);
            int slash = s.lastIndexOf('/');
            if (slash >= 0) s = s.substring(slash + 1);
            int colon = s.indexOf(':');
            if (colon >= 0) s = s.substring(0, colon);
            return s;
        }

        /** mmb-wasm:latest + wasmtime → mmb-wasm-wasmtime (a DNS-1123 label). */
        static String defaultName(String image, String runtimeClass) {
            String n = (imageName(image) + "-" + runtimeClass).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-")
                    .replaceAll("-+", "-").replaceAll("^-|-$", "");
            return n.length() > 63 ? n.substring(0, 63).replaceAll("-$", "") : n;
        }

        static boolean isWasm(String image, String runtimeClass) {
            return WASM_RUNTIMES.contains(runtimeClass) || (image != null && imageName(image).contains("wasm"));
        }

        static String didYouMean(String given, List<String> known) {
            String g = given.toLowerCase(Locale.ROOT).replace('-', '_');
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String k : known) {
                int d = levenshtein(g, k.toLowerCase(Locale.ROOT).replace('-', '_'));
                if (d < bestDistance) { bestDistance = d; best = k; }
            }
            if (best != null && bestDistance <= Math.max(2, best.length() / 3)) return "; did you mean '" + best + "'?";
            for (String k : known) {   // a shortened name: "mmb-debian" for "mmb-debian-default"
                if (g.length() >= 3 && k.toLowerCase(Locale.ROOT).replace('-', '_').startsWith(g)) {
                    return "; did you mean '" + k + "'?";
                }
            }
            return "";
        }

        static int levenshtein(String a, String b) {
            int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) prev[j] = j;
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                int[] t = prev; prev = cur; cur = t;
            }
            return prev[b.length()];
        }
    }

    // =============================================================================================
    // 3. Plan
    // =============================================================================================

    /** What the suite will do: the selected environments, their child commands, and how to resume. */
    record Plan(SuiteConfig config, List<EnvironmentSpec> environments, ResumeMode resume, boolean failFast,
                String runId) {
        static Plan of(SuiteConfig config, ResumeMode resume, boolean failFast, String runId) {
            return new Plan(config, config.selectedEnvironments(), resume, failFast, runId);
        }

        SharedArgs shared() { return config.shared(); }

        Path resultsFolder() { return Paths.get(shared().resultsDir).resolve(shared().resultsSubfolderName); }

        int trialsPerEnvironment() { return shared().sizes.size() * shared().trials; }

        /** The child's arguments for one invocation: `trials` trials per size, with this resume flag. */
        List<String> childArgs(EnvironmentSpec env, int trials, ResumeMode resumeFlag) {
            return ChildArgs.of(config.shared(), env, runId, trials, resumeFlag);
        }
    }

    /** single_env_bench.java's command line, built from the shared args (key_name → --key-name). */
    static final class ChildArgs {
        private ChildArgs() {}

        static List<String> of(SharedArgs s, EnvironmentSpec env, String runId, int trials, ResumeMode resume) {
            List<String> a = new ArrayList<>();
            a.addAll(List.of("--image", env.image(), "--runtime-class", env.runtimeClass()));
            a.addAll(List.of(SharedKey.BACKEND.flag, s.backend.name()));
            a.addAll(List.of(SharedKey.SIZES.flag, s.sizes.stream().map(String::valueOf).collect(Collectors.joining(","))));
            a.addAll(List.of(SharedKey.TRIALS.flag, String.valueOf(trials)));
            a.addAll(List.of(SharedKey.DURATION.flag, num(s.duration)));
            a.add(s.warmup ? SharedKey.WARMUP.flag : "--no-" + SharedKey.WARMUP.flag.substring(2));
            if (s.warmup) a.addAll(List.of(SharedKey.WARMUP_SECONDS.flag, num(s.warmupSeconds)));
            a.addAll(List.of(SharedKey.INTERVAL.flag, num(s.interval)));
            a.addAll(List.of(SharedKey.RESULTS_DIR.flag, path(s.resultsDir)));
            a.addAll(List.of(SharedKey.RESULTS_SUBFOLDER_NAME.flag, s.resultsSubfolderName));
            a.addAll(List.of("--run-id", runId));
            if (s.cpuLimit != null) a.addAll(List.of(SharedKey.CPU_LIMIT.flag, num(s.cpuLimit)));
            if (s.memoryLimit != null) a.addAll(List.of(SharedKey.MEMORY_LIMIT.flag, s.memoryLimit));
            if (s.backend == Backend.k8s) {
                a.addAll(List.of(SharedKey.NAMESPACE.flag, s.namespace));
                if (s.kubeconfig != null) a.addAll(List.of(SharedKey.KUBECONFIG.flag, path(s.kubeconfig)));
                if (s.context != null) a.addAll(List.of(SharedKey.CONTEXT.flag, s.context));
                if (s.node != null) a.addAll(List.of(SharedKey.NODE.flag, s.node));
                if (s.imagePullPolicy != null) a.addAll(List.of(SharedKey.IMAGE_PULL_POLICY.flag, s.imagePullPolicy));
                if (s.startupTimeout != null) a.addAll(List.of(SharedKey.STARTUP_TIMEOUT.flag, num(s.startupTimeout)));
            } else {
                if (s.cgroupRoot != null) a.addAll(List.of(SharedKey.CGROUP_ROOT.flag, path(s.cgroupRoot)));
                if (s.buildDir != null) a.addAll(List.of(SharedKey.BUILD_DIR.flag, path(s.buildDir)));
                if (s.startupTimeout != null) a.addAll(List.of(SharedKey.STARTUP_TIMEOUT.flag, num(s.startupTimeout)));
            }
            if (env.artifact() != null) a.addAll(List.of("--artifact", path(env.artifact())));
            if (resume.flag != null) a.add(resume.flag);
            return a;
        }

        /** A relative path starting with '-' as ./-x: the same path, which picocli cannot take for an option. */
        static String path(String value) {
            return value.startsWith("-") ? "./" + value : value;
        }

        /** 30.0 → "30", 0.25 → "0.25". */
        static String num(double v) {
            return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
        }
    }

    /** A run id shared by every child of one suite run (recorded in run.json and the result files). */
    static final class RunId {
        private RunId() {}

        static String now() {
            return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        }
    }

    /** Could not start the suite (exit 4). */
    static final class SetupException extends Exception {
        SetupException(String message) { super(message); }
    }

    /**
     * How the child is started. `command` is `JBANG single_env_bench.java ARGS…`, what the output shows and a user
     * can run. JBang is itself a JVM that starts before the script's, so after the one `jbang build` the suite asks
     * JBang once for the command it would run (`jbang info tools`: the JDK, the script's //RUNTIME_OPTIONS, its jar
     * and class path, its main class) and starts `java` directly (`process`), with class-data sharing: the first
     * child writes an archive of the classes it loaded next to the script's jar in JBang's cache, and every later
     * child maps it instead of loading them again. When JBang cannot answer, every child goes through JBang. JBang 0.132 compiles a script into a cached jar and sets no property naming the
     * source file (newer JBang sets jbang.source), so the script is looked for next to this one when that property
     * exists, then next to the config file, then in the current directory.
     */
    record ChildLauncher(Path jbang, Path script, List<String> direct) {
        static final String SCRIPT = "single_env_bench.java";

        ChildLauncher(Path jbang, Path script) { this(jbang, script, null); }

        /** The command as shown: through JBang. */
        List<String> command(List<String> args) {
            List<String> c = new ArrayList<>();
            c.add(jbang.toString());
            c.add(script.toString());
            c.addAll(args);
            return c;
        }

        /** The command as started: `java` directly when JBang's command was resolved, else through JBang. */
        List<String> process(List<String> args) {
            if (direct == null) return command(args);
            List<String> c = new ArrayList<>(direct);
            c.addAll(1, classDataSharing());
            c.addAll(args);
            return c;
        }

        /**
         * The JVM options of class-data sharing: the archive when it exists; else the child writes it as it exits,
         * to a file of this suite's own, which the next call moves into place (so that no child maps a half-written
         * archive). The JVM's CDS messages are off: they would land in the child's output.
         */
        List<String> classDataSharing() {
            Path archive = Paths.get(direct.get(direct.size() - 2).split(java.io.File.pathSeparator)[0])
                    .resolveSibling(direct.get(direct.size() - 1) + ".jsa");
            Path ours = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid());
            try {
                if (!Files.exists(archive) && Files.isRegularFile(ours)) Files.move(ours, archive, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // another suite moved its archive first, or the cache is read-only: the next child dumps again
            }
            return List.of(Files.isRegularFile(archive) ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + ours,
                    "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        }

        /** This launcher with the JVM command JBang would run, or as it is (through JBang) when that fails. */
        ChildLauncher resolveJava(Io io) {
            try {
                ProcessResult r = new ProcessExecutor().command(jbang.toString(), "info", "tools", script.toString())
                        .readOutput(true).exitValueAny().timeout(5, TimeUnit.MINUTES).execute();
                if (r.getExitValue() != 0) throw new IOException("exit " + r.getExitValue());
                String out = r.outputUTF8();
                return new ChildLauncher(jbang, script, javaCommand(Json.MAPPER.readTree(out.substring(
                        Math.max(0, out.indexOf('{'))))));
            } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
                io.sayf("[suite] could not resolve single_env_bench's java command with `jbang info tools` (%s); "
                        + "starting each child through JBang", e.getMessage());
                return this;
            }
        }

        /** `java OPTIONS -classpath JAR:DEPS MAIN` from `jbang info tools`, as JBang 0.132 itself runs it. */
        static List<String> javaCommand(JsonNode info) throws IOException {
            Path executable = Paths.get(info.path("availableJdkPath").asText(System.getProperty("java.home")), "bin", "java");
            Path jar = Paths.get(info.path("applicationJar").asText());
            String main = info.path("mainClass").asText();
            if (!Files.isExecutable(executable) || !Files.isRegularFile(jar) || main.isEmpty()) {
                throw new IOException("no java, jar or main class in its answer");
            }
            List<String> classPath = new ArrayList<>(List.of(jar.toString()));
            info.path("resolvedDependencies").forEach(d -> classPath.add(d.asText()));
            List<String> c = new ArrayList<>(List.of(executable.toString()));
            info.path("runtimeOptions").forEach(o -> c.add(o.asText()));
            c.addAll(List.of("-classpath", String.join(java.io.File.pathSeparator, classPath), main));
            return List.copyOf(c);
        }

        static ChildLauncher locate(Path explicitScript, Path explicitJbang, Path configFile, Io io)
                throws SetupException {
            Path script = findScript(explicitScript, configFile);
            Path jbang = findJbang(explicitJbang, script.toAbsolutePath().getParent(), io);
            return new ChildLauncher(jbang, script);
        }

        static Path findScript(Path explicit, Path configFile) throws SetupException {
            if (explicit != null) {
                if (Files.isRegularFile(explicit)) return explicit;
                throw new SetupException("--single-env-bench " + explicit + ": no such file");
            }
            List<Path> candidates = new ArrayList<>();
            String source = System.getProperty("jbang.source");
            if (source != null) candidates.add(Paths.get(source).toAbsolutePath().getParent().resolve(SCRIPT));
            Path configDir = configFile.toAbsolutePath().getParent();
            if (configDir != null) candidates.add(configDir.resolve(SCRIPT));
            candidates.add(Paths.get("").toAbsolutePath().resolve(SCRIPT));
            for (Path p : candidates) {
                if (Files.isRegularFile(p)) return Display.path(p);
            }
            throw new SetupException(SCRIPT + " not found (looked in: " + candidates.stream().map(p ->
                    p.getParent().toString()).distinct().collect(Collectors.joining(", ")) + "); run from the "
                    + "repository or name it with --single-env-bench FILE");
        }

        static Path findJbang(Path explicit, Path scriptDir, Io io) throws SetupException {
            if (explicit != null) {
                if (Files.isExecutable(explicit)) return explicit;
                throw new SetupException("--jbang " + explicit + ": not an executable file");
            }
            String env = System.getenv("JBANG_LAUNCHER");
            if (env != null && !env.isBlank()) {
                if (Files.isExecutable(Paths.get(env))) return Paths.get(env);
                throw new SetupException("JBANG_LAUNCHER=" + env + " is not an executable file; unset it or fix it");
            }
            for (String dir : Objects.toString(System.getenv("PATH"), "").split(":")) {
                if (dir.isEmpty()) continue;
                Path p = Paths.get(dir, "jbang");
                if (Files.isExecutable(p) && !Files.isDirectory(p)) return p;
            }
            Path installer = scriptDir == null ? null : scriptDir.resolve("scripts/install-jbang.sh");
            if (installer != null && Files.isExecutable(installer)) {
                io.say("[suite] jbang is not on PATH; asking " + Display.path(installer) + " for it");
                try {
                    ProcessResult r = new ProcessExecutor().command(installer.toString()).readOutput(true)
                            .redirectError(io.err()).exitValueAny().timeout(15, TimeUnit.MINUTES).execute();
                    String out = r.outputUTF8().trim();
                    String last = out.isEmpty() ? "" : out.lines().reduce((a, b) -> b).orElse("");
                    if (r.getExitValue() == 0 && Files.isExecutable(Paths.get(last))) return Paths.get(last);
                    throw new SetupException(installer + " failed (exit " + r.getExitValue() + ")");
                } catch (IOException | InterruptedException | TimeoutException e) {
                    throw new SetupException("could not run " + installer + ": " + e.getMessage());
                }
            }
            throw new SetupException("the JBang launcher was not found: not in $JBANG_LAUNCHER, not on PATH, and no "
                    + "scripts/install-jbang.sh next to " + SCRIPT + "; install JBang or name it with --jbang FILE");
        }

        /** Compiles the child once up front, so that a broken child is one setup error, not one per environment. */
        boolean build(Io io) {
            try {
                ProcessResult r = new ProcessExecutor().command(jbang.toString(), "build", script.toString())
                        .readOutput(true).exitValueAny().timeout(15, TimeUnit.MINUTES).execute();
                if (r.getExitValue() == 0) return true;
                io.error(script + " does not build (jbang build exited " + r.getExitValue() + "):");
                r.outputUTF8().lines().limit(40).forEach(l -> io.errLine("  " + l));
            } catch (IOException | InterruptedException | TimeoutException e) {
                io.error("could not run " + jbang + " build " + script + ": " + e.getMessage());
            }
            return false;
        }
    }

    /** Rough time estimates, for the plan and the first ETA (the runner then measures the real overhead). */
    static final class Estimate {
        static final double LOCAL_TRIAL_OVERHEAD_S = 2;
        static final double K8S_TRIAL_OVERHEAD_S = 10;
        static final double CHILD_START_S = 3;

        private Estimate() {}

        static double measuredSecondsPerTrial(SharedArgs s) { return (s.warmup ? s.warmupSeconds : 0) + s.duration; }

        static double overheadGuess(SharedArgs s) {
            return s.backend == Backend.k8s ? K8S_TRIAL_OVERHEAD_S : LOCAL_TRIAL_OVERHEAD_S;
        }

        static double perEnvironment(Plan p) {
            SharedArgs s = p.shared();
            int invocations = p.config().order() == Order.interleaved ? s.trials : 1;
            return p.trialsPerEnvironment() * (measuredSecondsPerTrial(s) + overheadGuess(s))
                    + invocations * CHILD_START_S;
        }

        static double suite(Plan p) { return p.environments().size() * perEnvironment(p); }
    }

    /** --dry-run: the plan, each child's exact command and its own --dry-run (pod spec or local command). */
    static final class DryRun {
        private final Plan plan;
        private final ChildLauncher launcher;
        private final Io io;
        private final Interrupts interrupts;

        DryRun(Plan plan, ChildLauncher launcher, Io io, Interrupts interrupts) {
            this.plan = plan;
            this.launcher = launcher;
            this.io = io;
            this.interrupts = interrupts;
        }

        int print() {
            SharedArgs s = plan.shared();
            SuiteConfig c = plan.config();
            io.say("Plan (dry run: nothing is run)");
            io.sayf("  config          %s", c.file());
            io.sayf("  backend         %s", s.backend);
            io.sayf("  order           %s%s", c.order(), c.order() == Order.interleaved
                    ? " (round r runs trial r of every environment: --trials r --resume)" : "");
            io.sayf("  sizes           %s, mode %s (%s)", s.sizes.stream().map(String::valueOf)
                    .collect(Collectors.joining(", ")), s.mode(), s.warmup ? Display.seconds(s.warmupSeconds)
                    + " warmup + " + Display.seconds(s.duration) + " measured per trial"
                    : Display.seconds(s.duration) + " measured per trial, no warmup");
            io.sayf("  trials          %d per size, %d per environment, %d in all", s.trials,
                    plan.trialsPerEnvironment(), plan.trialsPerEnvironment() * plan.environments().size());
            io.sayf("  results         %s", plan.resultsFolder());
            io.sayf("  baseline        %s", c.baseline());
            io.sayf("  significance    Welch's t-test, two-sided, alpha %s", ChildArgs.num(c.significanceLevel()));
            io.sayf("  estimated time  ~%s (~%s of overhead per trial assumed)", Display.duration(Estimate.suite(plan)),
                    Display.seconds(Estimate.overheadGuess(s)));
            if (launcher != null) io.sayf("  child           %s %s", launcher.jbang(), launcher.script());
            io.say("");
            io.sayf("Environments (%d)", plan.environments().size());
            int i = 0, worst = Exit.OK;
            for (EnvironmentSpec env : plan.environments()) {
                if (interrupts.stopRequested()) return Exit.INTERRUPTED;
                io.sayf("  %d. %s  image %s  runtime class %s  → %s  %d trials  ~%s", ++i, env.name(), env.image(),
                        env.runtimeClass(), plan.resultsFolder().resolve(env.resultFileName()),
                        plan.trialsPerEnvironment(), Display.duration(Estimate.perEnvironment(plan)));
                List<String> args = plan.childArgs(env, s.trials, plan.resume());
                List<String> command = launcher == null ? prepend(List.of("jbang", ChildLauncher.SCRIPT), args)
                        : launcher.command(args);
                io.say("     $ " + Display.shellQuote(command));
                if (launcher == null) continue;
                List<String> dry = new ArrayList<>(launcher.command(args));
                dry.add("--dry-run");
                ChildRun.Result r = ChildRun.run(dry, "     [" + env.name() + "] ", io, t -> { }, interrupts);
                if (ChildExit.of(r.exitCode()) == ChildExit.RUNTIME_MISSING) io.say("     (would be skipped: its runtime is not installed)");
                else if (r.exitCode() != 0) {
                    io.sayf("     (single_env_bench --dry-run exited %d%s)", r.exitCode(),
                            r.lastError() == null ? "" : ": " + r.lastError());
                    worst = Exit.SETUP;
                }
            }
            return interrupts.stopRequested() ? Exit.INTERRUPTED : worst;
        }

        private static List<String> prepend(List<String> head, List<String> tail) {
            List<String> l = new ArrayList<>(head);
            l.addAll(tail);
            return l;
        }
    }

    // =============================================================================================
    // 4. Suite runner
    // =============================================================================================

    /** How one environment ended. */
    enum Outcome {
        COMPLETED("completed"), FAILED("failed"), SKIPPED("skipped"), INTERRUPTED("interrupted"),
        NOT_RUN("not run"), NOT_SELECTED("not selected");
        final String label;
        Outcome(String label) { this.label = label; }
    }

    /**
     * single_env_bench's exit statuses (its --help footer and docs/single_env_bench.md): the contract SuiteRunner
     * maps to outcomes. NOT_STARTED is the suite's own: the process could not be started at all.
     */
    enum ChildExit {
        OK(0), TRIAL_FAILED(1), USAGE(2), RUNTIME_MISSING(3), SETUP(4), INTERRUPTED(130), NOT_STARTED(-1);

        final int code;
        ChildExit(int code) { this.code = code; }

        /** The status of an exit code, or null for a code single_env_bench does not document (a crash). */
        static ChildExit of(int code) {
            for (ChildExit e : values()) if (e.code == code) return e;
            return null;
        }

        /** The child ran its trials (some may have failed): its result file says how they went. */
        boolean ranItsTrials() { return this == OK || this == TRIAL_FAILED; }
    }

    /** One child invocation, as recorded in run.json. */
    record Invocation(List<String> args, int exitCode, double started, double ended, int trialsReported,
                      String lastError) {}

    /** One environment's state during the suite. */
    static final class EnvironmentRun {
        final EnvironmentSpec spec;
        final List<Invocation> invocations = new ArrayList<>();
        final Map<String, Integer> statusCounts = new TreeMap<>();
        Outcome outcome = Outcome.NOT_RUN;
        String detail = "";
        boolean finished;   // no further rounds: skipped, setup error, stopped

        EnvironmentRun(EnvironmentSpec spec) { this.spec = spec; }
    }

    /**
     * Runs the plan: one child per environment (sequential) or one per environment and round (interleaved),
     * streaming the children's output, counting their trials, and writing run.json and the summary at the end.
     */
    static final class SuiteRunner {
        private final Plan plan;
        private ChildLauncher launcher;   // resolved to `java` directly after the build
        private final Io io;
        private final Interrupts interrupts;
        private final Map<String, EnvironmentRun> runs = new LinkedHashMap<>();
        private TrialLedger ledger;
        private Progress progress;
        private RunRecord record;

        SuiteRunner(Plan plan, ChildLauncher launcher, Io io, Interrupts interrupts) {
            this.plan = plan;
            this.launcher = launcher;
            this.io = io;
            this.interrupts = interrupts;
            for (EnvironmentSpec e : plan.environments()) runs.put(e.name(), new EnvironmentRun(e));
        }

        int run() {
            Path folder = plan.resultsFolder();
            int setup = preflight(folder);
            if (setup != Exit.OK) return setup;
            record = new RunRecord(plan, folder, launcher);
            record.writeStart(runs.values(), io);
            io.sayf("[suite] %d environment(s), %s order, %d trial(s) to run, results in %s, ETA ~%s",
                    runs.size(), plan.config().order(), ledger.missingTotal(plan.shared().trials), folder,
                    Display.duration(Estimate.suite(plan)));
            progress = new Progress(ledger.missingTotal(plan.shared().trials),
                    Estimate.measuredSecondsPerTrial(plan.shared()), Estimate.overheadGuess(plan.shared()),
                    System::nanoTime, io);

            if (plan.config().order() == Order.sequential) {
                for (EnvironmentRun env : runs.values()) {
                    if (stopping()) break;
                    invoke(env, plan.shared().trials, plan.resume());
                }
            } else {
                for (int round = 1; round <= plan.shared().trials && !stopping(); round++) {
                    io.sayf("[suite] round %d of %d", round, plan.shared().trials);
                    for (EnvironmentRun env : runs.values()) {
                        if (stopping()) break;
                        if (env.finished) continue;
                        invoke(env, round, round == 1 ? plan.resume() : ResumeMode.RESUME);
                    }
                }
            }
            return finish(folder);
        }

        private boolean stopping() {
            return interrupts.stopRequested() || (plan.failFast() && runs.values().stream().anyMatch(r ->
                    r.outcome == Outcome.FAILED));
        }

        /** Nothing may run into an existing file by accident; the child itself would refuse (exit 4). */
        private int preflight(Path folder) {
            List<String> existing = new ArrayList<>();
            for (EnvironmentRun r : runs.values()) {
                if (Files.exists(folder.resolve(r.spec.resultFileName()))) existing.add(r.spec.resultFileName());
            }
            if (!existing.isEmpty() && plan.resume() == ResumeMode.NONE) {
                io.error("results exist in " + folder + ": " + String.join(", ", existing)
                        + "; add --resume to run only the missing trials, --overwrite to start again, or "
                        + "--results-subfolder-name NAME for a new folder");
                return Exit.SETUP;
            }
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                io.error("cannot create the results folder " + folder + ": " + e.getMessage());
                return Exit.SETUP;
            }
            ledger = new TrialLedger(plan.shared().sizes, plan.shared().mode());
            if (plan.resume() == ResumeMode.RESUME) {
                for (EnvironmentRun r : runs.values()) {
                    ledger.readExisting(r.spec.name(), folder.resolve(r.spec.resultFileName()));
                }
            }
            for (EnvironmentRun r : runs.values()) ledger.register(r.spec.name());
            if (!launcher.build(io)) return Exit.SETUP;
            launcher = launcher.resolveJava(io);
            return Exit.OK;
        }

        private void invoke(EnvironmentRun env, int trials, ResumeMode resume) {
            String name = env.spec.name();
            List<String> args = plan.childArgs(env.spec, trials, resume);
            io.sayf("[suite] %s: %s", name, Display.shellQuote(launcher.command(args)));
            double started = Display.now();
            int[] reported = {0};
            ChildRun.Result result = ChildRun.run(launcher.process(args), "[" + name + "] ", io, line -> {
                reported[0]++;
                ledger.done(name, line);
                env.statusCounts.merge(line.status(), 1, Integer::sum);
                progress.trialDone(name, line, plan.shared().trials);
            }, interrupts);
            env.invocations.add(new Invocation(args, result.exitCode(), started, Display.now(), reported[0],
                    result.lastError()));
            classify(env, result);
            if (plan.config().order() == Order.sequential) env.finished = true;
            progress.expectRemaining(remainingTrials());
            record.writeProgress(runs.values(), io);
        }

        /** Trials that can still run: those missing for every environment that has rounds left. */
        private int remainingTrials() {
            return runs.values().stream().filter(r -> !r.finished)
                    .mapToInt(r -> ledger.missing(r.spec.name(), plan.shared().trials)).sum();
        }

        /** Maps the child's exit status (the contract) to the environment's state. */
        private void classify(EnvironmentRun env, ChildRun.Result r) {
            String why = r.lastError() == null ? "" : ": " + r.lastError();
            ChildExit status = ChildExit.of(r.exitCode());
            if (interrupts.stopRequested() || status == ChildExit.INTERRUPTED) {
                env.outcome = Outcome.INTERRUPTED;
                env.detail = "stopped by SIGINT/SIGTERM; completed trials are kept";
                env.finished = true;
                interrupts.requestStop();
                return;
            }
            if (status == null) {   // not a documented status: a crash of the child's JVM, say
                env.outcome = Outcome.FAILED; env.finished = true;
                env.detail = "single_env_bench exited " + r.exitCode() + why;
            } else switch (status) {
                case OK -> { env.outcome = Outcome.COMPLETED; env.detail = ""; }
                case TRIAL_FAILED -> { env.outcome = Outcome.FAILED; env.detail = "failed or invalid trials" + why; }
                case USAGE -> { env.outcome = Outcome.FAILED; env.finished = true;
                    env.detail = "single_env_bench rejected its arguments (exit 2)" + why; }
                case RUNTIME_MISSING -> { env.outcome = Outcome.SKIPPED; env.finished = true;
                    env.detail = r.lastError() == null ? "runtime not installed" : r.lastError(); }
                case SETUP -> { env.outcome = Outcome.FAILED; env.finished = true;
                    env.detail = "setup error (exit 4)" + why; }
                case NOT_STARTED -> { env.outcome = Outcome.FAILED; env.finished = true;
                    env.detail = "could not start the child" + why; }
                case INTERRUPTED -> throw new AssertionError("handled above");
            }
            if (env.outcome != Outcome.COMPLETED) {
                io.sayf("[suite] %s: %s — %s", env.spec.name(), env.outcome.label, env.detail);
            }
        }

        private int finish(Path folder) {
            // An exit 0 is only as good as the result file: every planned trial present, ok and valid.
            for (EnvironmentRun env : runs.values()) {
                if (env.invocations.isEmpty()) {
                    env.outcome = interrupts.stopRequested() ? Outcome.INTERRUPTED : Outcome.NOT_RUN;
                    env.detail = interrupts.stopRequested() ? "not started: the suite was interrupted"
                            : "not started: --fail-fast stopped the suite";
                    continue;
                }
                boolean ranItsTrials = env.invocations.stream().allMatch(i -> ChildExit.of(i.exitCode()) != null
                        && ChildExit.of(i.exitCode()).ranItsTrials());
                if (ranItsTrials && (env.outcome == Outcome.COMPLETED || env.outcome == Outcome.FAILED)) {
                    TrialLedger.FileCheck check = TrialLedger.check(folder.resolve(env.spec.resultFileName()),
                            plan.shared().sizes, plan.shared().mode(), plan.shared().trials);
                    if (check.allValid()) {   // e.g. a failed trial of round 1 that --resume could not redo
                        env.outcome = Outcome.COMPLETED;
                        env.detail = "";
                    } else {
                        env.outcome = Outcome.FAILED;
                        env.detail = check.describe();
                    }
                }
            }
            int code = exitCode(runs.values(), interrupts.stopRequested());
            record.writeEnd(runs.values(), code, io);
            io.say("");
            io.say("[suite] outcome per environment:");
            for (EnvironmentRun env : runs.values()) {
                io.sayf("  %-28s %-12s %s", env.spec.name(), env.outcome.label, env.detail);
            }
            io.say("");
            Report.ofFolder(folder, null, io, true);
            SudoOwnership.giveBack(Paths.get(plan.shared().resultsDir), folder, System.getenv(),
                    System.getProperty("user.name"), io);
            io.sayf("[suite] exit status %d (%s)", code, Display.exitMeaning(code));
            return code;
        }

        static int exitCode(java.util.Collection<EnvironmentRun> runs, boolean interrupted) {
            if (interrupted) return Exit.INTERRUPTED;
            if (runs.stream().anyMatch(r -> r.outcome == Outcome.FAILED || r.outcome == Outcome.NOT_RUN)) {
                return Exit.FAILED;
            }
            if (runs.stream().anyMatch(r -> r.outcome == Outcome.SKIPPED)) return Exit.SKIPPED;
            return Exit.OK;
        }
    }

    /**
     * One child process (zt-exec: an argument vector, no shell). Its stdout and stderr are streamed with the
     * environment's name as prefix; the machine-readable "mmb-trial" lines go to `onTrial` instead.
     */
    static final class ChildRun {
        static final int NOT_STARTED = ChildExit.NOT_STARTED.code;

        record Result(int exitCode, String lastError) {}

        private ChildRun() {}

        static Result run(List<String> command, String prefix, Io io, Consumer<TrialLine> onTrial,
                          Interrupts interrupts) {
            Deque<String> errors = new ArrayDeque<>();
            LogOutputStream out = new LogOutputStream() {
                @Override protected void processLine(String line) {
                    TrialLine t = TrialLine.parse(line);
                    if (t != null) onTrial.accept(t);
                    else io.say(prefix + line);
                }
            };
            LogOutputStream err = new LogOutputStream() {
                @Override protected void processLine(String line) {
                    io.errLine(prefix + line);
                    if (!line.isBlank()) {
                        synchronized (errors) {
                            errors.addLast(line.trim());
                            if (errors.size() > 5) errors.removeFirst();
                        }
                    }
                }
            };
            StartedProcess started;
            try {
                started = new ProcessExecutor().command(command).redirectOutput(out).redirectError(err)
                        .exitValueAny().start();
            } catch (IOException e) {
                io.error("could not start " + command.get(0) + ": " + e.getMessage());
                return new Result(NOT_STARTED, e.getMessage());
            }
            if (interrupts != null) interrupts.track(started.getProcess());
            try {
                int code = started.getFuture().get().getExitValue();
                String last;
                synchronized (errors) { last = errors.isEmpty() ? null : errors.peekLast(); }
                return new Result(code, last);
            } catch (ExecutionException e) {
                return new Result(NOT_STARTED, String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                started.getProcess().destroy();
                return new Result(Exit.INTERRUPTED, "interrupted");
            } finally {
                if (interrupts != null) interrupts.untrack();
            }
        }
    }

    /** `mmb-trial size=256 mode=warm trial=2 trials=3 status=ok wall_s=7.312 throughput_mflops=1234.5`. */
    record TrialLine(int size, String mode, int trial, int trials, String status, Double wallSeconds,
                     Double throughputMflops) {
        static final String PREFIX = "mmb-trial ";

        static TrialLine parse(String line) {
            if (!line.startsWith(PREFIX)) return null;
            Map<String, String> kv = new HashMap<>();
            for (String token : line.substring(PREFIX.length()).trim().split("\\s+")) {
                int eq = token.indexOf('=');
                if (eq > 0) kv.put(token.substring(0, eq), token.substring(eq + 1));
            }
            try {
                return new TrialLine(Integer.parseInt(kv.get("size")), kv.getOrDefault("mode", "warm"),
                        Integer.parseInt(kv.get("trial")), Integer.parseInt(kv.getOrDefault("trials", "0")),
                        kv.getOrDefault("status", "ok"), decimal(kv.get("wall_s")), decimal(kv.get("throughput_mflops")));
            } catch (RuntimeException e) {
                return null;   // not a well-formed progress line: shown as text
            }
        }

        private static Double decimal(String v) {
            if (v == null || v.equals("-")) return null;
            try { return Double.parseDouble(v); } catch (NumberFormatException e) { return null; }
        }
    }

    /** Which trial numbers each environment has for each size: what is missing is what will run. */
    static final class TrialLedger {
        private final List<Integer> sizes;
        private final String mode;
        private final Map<String, Map<Integer, Set<Integer>>> present = new LinkedHashMap<>();

        TrialLedger(List<Integer> sizes, String mode) { this.sizes = sizes; this.mode = mode; }

        void register(String env) {
            Map<Integer, Set<Integer>> m = present.computeIfAbsent(env, k -> new TreeMap<>());
            for (int s : sizes) m.computeIfAbsent(s, k -> new TreeSet<>());
        }

        void readExisting(String env, Path file) {
            register(env);
            if (!Files.isRegularFile(file)) return;
            try {
                JsonNode results = Json.MAPPER.readTree(file.toFile()).path("results");
                for (int s : sizes) {
                    for (JsonNode t : results.path(s + "_" + mode)) {
                        if (t.path("trial").isInt()) present.get(env).get(s).add(t.path("trial").asInt());
                    }
                }
            } catch (IOException e) {
                // an unreadable file: the child decides what to do with it; count every trial as missing
            }
        }

        void done(String env, TrialLine t) {
            Map<Integer, Set<Integer>> m = present.get(env);
            if (m != null && m.containsKey(t.size())) m.get(t.size()).add(t.trial());
        }

        /** Trials 1..upTo not yet present, over every size. */
        int missing(String env, int upTo) {
            int n = 0;
            for (Set<Integer> have : present.getOrDefault(env, Map.of()).values()) {
                for (int t = 1; t <= upTo; t++) if (!have.contains(t)) n++;
            }
            return n;
        }

        int missingTotal(int trials) {
            return present.keySet().stream().mapToInt(e -> missing(e, trials)).sum();
        }

        record FileCheck(int expected, int ok, int invalid, int failed, int missing) {
            boolean allValid() { return ok == expected; }

            String describe() {
                List<String> parts = new ArrayList<>();
                if (failed > 0) parts.add(failed + " failed");
                if (invalid > 0) parts.add(invalid + " invalid");
                if (missing > 0) parts.add(missing + " missing");
                return ok + " of " + expected + " trials ok and valid" + (parts.isEmpty() ? ""
                        : " (" + String.join(", ", parts) + ")");
            }
        }

        /** What the result file holds for trials 1..trials of every size. */
        static FileCheck check(Path file, List<Integer> sizes, String mode, int trials) {
            int expected = sizes.size() * trials, ok = 0, invalid = 0, failed = 0;
            JsonNode results;
            try {
                results = Files.isRegularFile(file) ? Json.MAPPER.readTree(file.toFile()).path("results") : null;
            } catch (IOException e) {
                results = null;
            }
            if (results == null) return new FileCheck(expected, 0, 0, 0, expected);
            for (int s : sizes) {
                Map<Integer, JsonNode> byTrial = new HashMap<>();
                for (JsonNode t : results.path(s + "_" + mode)) byTrial.put(t.path("trial").asInt(), t);
                for (int i = 1; i <= trials; i++) {
                    JsonNode t = byTrial.get(i);
                    if (t == null) continue;
                    String status = t.path("status").asText();
                    boolean markedInvalid = t.path("valid").isBoolean() && !t.path("valid").asBoolean();
                    if (status.equals("ok") && !markedInvalid) ok++;
                    else if (status.equals("ok") || status.equals("invalid")) invalid++;
                    else failed++;
                }
            }
            return new FileCheck(expected, ok, invalid, failed, expected - ok - invalid - failed);
        }
    }

    /**
     * One line per finished trial: done/total, elapsed time and the ETA of the whole suite. The ETA assumes
     * every remaining trial takes warmup + duration + the overhead measured so far (everything the suite
     * spent beyond warmup + duration, per finished trial: process and pod start, child JVM start, sampling).
     */
    static final class Progress {
        private int total;
        private int done;
        private final double measuredPerTrial;
        private final double overheadGuess;
        private final LongSupplier nanoTime;
        private final long start;
        private final Io io;

        Progress(int total, double measuredPerTrial, double overheadGuess, LongSupplier nanoTime, Io io) {
            this.total = total;
            this.measuredPerTrial = measuredPerTrial;
            this.overheadGuess = overheadGuess;
            this.nanoTime = nanoTime;
            this.start = nanoTime.getAsLong();
            this.io = io;
        }

        synchronized void trialDone(String env, TrialLine t, int trialsPerSize) {
            done++;
            if (done > total) total = done;
            io.say(line(env, t, trialsPerSize));
        }

        /** After each child: the trials that can still run (skipped and failed environments drop out). */
        synchronized void expectRemaining(int trials) { total = done + trials; }

        synchronized String line(String env, TrialLine t, int trialsPerSize) {
            double elapsed = elapsedSeconds();
            String result = t.throughputMflops() == null ? "" : String.format(Locale.ROOT, " %.1f MFLOPS",
                    t.throughputMflops());
            return String.format(Locale.ROOT, "[suite] %d/%d trials · %s %d %s trial %d/%d %s%s · elapsed %s · ETA %s",
                    done, total, env, t.size(), t.mode(), t.trial(), trialsPerSize, t.status(), result,
                    Display.clock(elapsed), Display.clock(etaSeconds()));
        }

        synchronized double overheadPerTrial() {
            if (done == 0) return overheadGuess;
            return Math.max(0, (elapsedSeconds() - done * measuredPerTrial) / done);
        }

        synchronized double etaSeconds() { return (total - done) * (measuredPerTrial + overheadPerTrial()); }

        double elapsedSeconds() { return (nanoTime.getAsLong() - start) / 1e9; }

        synchronized int total() { return total; }
    }

    /**
     * SIGINT/SIGTERM: stop the running child politely (it cleans up its pods or cgroups and exits 130), keep
     * what finished, write run.json and the summary, exit 130. The child usually gets the terminal's SIGINT
     * itself, so it is given a moment before it is sent SIGTERM; a second signal kills it at once.
     */
    static final class Interrupts {
        static final long GRACE_MS = 2000;
        static final long KILL_AFTER_MS = 120_000;

        private final Io io;
        private volatile boolean stopRequested;
        private volatile Process running;
        private int signals;
        private boolean handleSignals;
        private boolean installed;

        Interrupts(Io io) { this.io = io; }

        /** Only the real program takes over SIGINT/SIGTERM (not the tests, which call Cli.run in their own JVM). */
        void handleSignalsWhenRunning() { handleSignals = true; }

        /**
         * Before a dry run or a suite (not for --help or report, which Ctrl-C simply ends). sun.misc.Signal,
         * through reflection: the supported API has no signal handling, and this avoids javac's warning.
         */
        synchronized void installSignalHandlers() {
            if (!handleSignals || installed) return;
            installed = true;
            try {
                Class<?> signalClass = Class.forName("sun.misc.Signal");
                Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
                Object handler = java.lang.reflect.Proxy.newProxyInstance(handlerClass.getClassLoader(),
                        new Class<?>[] {handlerClass}, (proxy, method, args) -> {
                            if (method.getName().equals("handle")) onSignal(String.valueOf(args[0]));
                            return null;
                        });
                for (String name : List.of("INT", "TERM")) {
                    Object signal = signalClass.getConstructor(String.class).newInstance(name);
                    signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // Without sun.misc the JVM's default applies: the child is still stopped by the hook below.
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                Process p = running;
                if (p != null && p.isAlive()) killTree(p);
            }));
        }

        synchronized void onSignal(String name) {
            signals++;
            stopRequested = true;
            Process p = running;
            if (signals == 1) {
                io.errLine("[suite] " + name + ": stopping" + (p == null ? "" : " the running environment (it "
                        + "cleans up and keeps its finished trials)") + "; press Ctrl-C again to kill it at once");
                if (p != null) {
                    Thread t = new Thread(() -> stopPolitely(p), "mmb-stopper");
                    t.setDaemon(true);
                    t.start();
                }
            } else if (p != null) {
                io.errLine("[suite] " + name + " again: killing the running environment");
                killTree(p);
            }
        }

        private static void stopPolitely(Process p) {
            try {
                if (p.waitFor(GRACE_MS, TimeUnit.MILLISECONDS)) return;
                p.destroy();   // SIGTERM
                if (p.waitFor(KILL_AFTER_MS, TimeUnit.MILLISECONDS)) return;
                killTree(p);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static void killTree(Process p) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }

        void requestStop() { stopRequested = true; }

        boolean stopRequested() { return stopRequested; }

        void track(Process p) {
            running = p;
            if (stopRequested) {   // a signal arrived while the child was being started
                Thread t = new Thread(() -> stopPolitely(p), "mmb-stopper");
                t.setDaemon(true);
                t.start();
            }
        }

        void untrack() { running = null; }
    }

    /** run.json: the config as used, host, versions, start and end, and each environment's outcome. */
    static final class RunRecord {
        private final Plan plan;
        private final Path file;
        private final ChildLauncher launcher;
        private final Map<String, Object> root = new LinkedHashMap<>();

        RunRecord(Plan plan, Path folder, ChildLauncher launcher) {
            this.plan = plan;
            this.file = folder.resolve("run.json");
            this.launcher = launcher;
        }

        void writeStart(java.util.Collection<EnvironmentRun> runs, Io io) {
            root.put("tool", Display.orderedMap("name", "metaorchestrator", "version", VERSION));
            root.put("run_id", plan.runId());
            root.put("status", "running");
            root.put("config_file", plan.config().file().toString());
            root.put("config", plan.config().asMap());
            root.put("selected", plan.environments().stream().map(EnvironmentSpec::name).collect(Collectors.toList()));
            root.put("baseline", plan.config().baseline());
            root.put("significance_level", plan.config().significanceLevel());
            root.put("order", plan.config().order().name());
            root.put("resume", plan.resume().name().toLowerCase(Locale.ROOT));
            root.put("fail_fast", plan.failFast());
            root.put("started", Display.unix(Display.now()));
            root.put("started_utc", Display.iso(Display.now()));
            root.put("host", HostInfo.fingerprint());
            root.put("versions", ToolVersions.collect(plan, launcher));
            writeProgress(runs, io);
        }

        void writeProgress(java.util.Collection<EnvironmentRun> runs, Io io) {
            List<Map<String, Object>> envs = new ArrayList<>();
            for (EnvironmentSpec spec : plan.config().environments()) {
                EnvironmentRun r = runs.stream().filter(x -> x.spec.name().equals(spec.name())).findFirst().orElse(null);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", spec.name());
                m.put("image", spec.image());
                m.put("runtime_class", spec.runtimeClass());
                m.put("result_file", spec.resultFileName());
                m.put("outcome", r == null ? Outcome.NOT_SELECTED.label : r.outcome.label);
                m.put("detail", r == null ? "" : r.detail);
                if (r != null) {
                    m.put("trials_reported", r.statusCounts);
                    List<Map<String, Object>> inv = new ArrayList<>();
                    for (Invocation i : r.invocations) {
                        Map<String, Object> im = new LinkedHashMap<>();
                        im.put("args", i.args());
                        im.put("exit_code", i.exitCode());
                        im.put("started", Display.unix(i.started()));
                        im.put("ended", Display.unix(i.ended()));
                        im.put("trials_reported", i.trialsReported());
                        im.put("last_error", i.lastError());
                        inv.add(im);
                    }
                    m.put("invocations", inv);
                }
                envs.add(m);
            }
            root.put("environments", envs);
            write(io);
        }

        void writeEnd(java.util.Collection<EnvironmentRun> runs, int exitCode, Io io) {
            root.put("ended", Display.unix(Display.now()));
            root.put("ended_utc", Display.iso(Display.now()));
            root.put("status", exitCode == Exit.INTERRUPTED ? "interrupted" : exitCode == Exit.OK ? "completed"
                    : exitCode == Exit.SKIPPED ? "completed with skipped environments" : "failed");
            root.put("exit_code", exitCode);
            Object versions = root.get("versions");
            if (versions instanceof Map<?, ?> vm) {
                @SuppressWarnings("unchecked") Map<String, Object> v = (Map<String, Object>) vm;
                v.put("single_env_bench", ToolVersions.childVersion(file.getParent(), plan.environments()));
            }
            writeProgress(runs, io);
        }

        private void write(Io io) {
            try {
                Json.writeAtomically(file, root);
            } catch (IOException e) {
                io.error("cannot write " + file + ": " + e.getMessage());
            }
        }
    }

    /** The host's fingerprint (hyperfine #711, sightglass's machine fingerprint): what the numbers came from. */
    static final class HostInfo {
        private HostInfo() {}

        static Map<String, Object> fingerprint() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("hostname", firstLine(Paths.get("/etc/hostname"), Objects.toString(System.getenv("HOSTNAME"), "")));
            m.put("cpu_model", grep(Paths.get("/proc/cpuinfo"), "model name"));
            m.put("cores", Runtime.getRuntime().availableProcessors());
            String mem = grep(Paths.get("/proc/meminfo"), "MemTotal");
            m.put("memory_bytes", mem.matches("[0-9]+ kB") ? Long.parseLong(mem.split(" ")[0]) * 1024 : null);
            m.put("kernel", System.getProperty("os.version"));
            m.put("arch", System.getProperty("os.arch"));
            m.put("os", osRelease());
            m.put("cgroup_version", Files.exists(Paths.get("/sys/fs/cgroup/cgroup.controllers")) ? "v2"
                    : Files.isDirectory(Paths.get("/sys/fs/cgroup/cpu")) ? "v1" : "none");
            m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            m.put("user", System.getProperty("user.name"));
            m.put("sudo_user", System.getenv("SUDO_USER"));
            return m;
        }

        private static String osRelease() {
            try {
                for (String l : Files.readAllLines(Paths.get("/etc/os-release"))) {
                    if (l.startsWith("PRETTY_NAME=")) return l.substring(12).replace("\"", "");
                }
            } catch (IOException | RuntimeException ignored) {
                // not Linux, or unreadable
            }
            return System.getProperty("os.name");
        }

        private static String grep(Path file, String key) {
            try {
                for (String l : Files.readAllLines(file)) {
                    if (l.startsWith(key)) return l.substring(l.indexOf(':') + 1).trim();
                }
            } catch (IOException | RuntimeException ignored) {
                // not Linux, or unreadable
            }
            return "";
        }

        private static String firstLine(Path file, String fallback) {
            try {
                return Files.readAllLines(file).stream().findFirst().orElse(fallback).trim();
            } catch (IOException | RuntimeException e) {
                return fallback;
            }
        }
    }

    /** Versions of the tools the numbers depend on: JBang, kubectl and K3s, or the local Wasm runtimes. */
    static final class ToolVersions {
        static final Map<String, List<String>> LOCAL_RUNTIME_COMMANDS = Map.of(
                "wasmtime", List.of("wasmtime", "--version"), "wasmedge", List.of("wasmedge", "--version"),
                "wasmer", List.of("wasmer", "--version"), "wamr", List.of("iwasm", "--version"),
                "node", List.of("node", "--version"));

        private ToolVersions() {}

        static Map<String, Object> collect(Plan plan, ChildLauncher launcher) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("metaorchestrator", VERSION);
            m.put("java", System.getProperty("java.version"));
            if (launcher != null) m.put("jbang", versionOf(List.of(launcher.jbang().toString(), "--version")));
            SharedArgs s = plan.shared();
            if (s.backend == Backend.k8s) {
                List<String> cmd = new ArrayList<>(List.of("kubectl", "version", "-o", "json"));
                if (s.kubeconfig != null) cmd.addAll(List.of("--kubeconfig", s.kubeconfig));
                if (s.context != null) cmd.addAll(List.of("--context", s.context));
                Map<String, Object> k = new LinkedHashMap<>();
                try {
                    ProcessResult r = new ProcessExecutor().command(cmd).readOutput(true).exitValueAny()
                            .timeout(15, TimeUnit.SECONDS).execute();
                    String out = r.outputUTF8();
                    JsonNode json = Json.MAPPER.readTree(out.substring(Math.max(0, out.indexOf('{'))));
                    k.put("client", json.path("clientVersion").path("gitVersion").asText(null));
                    k.put("server", json.path("serverVersion").path("gitVersion").asText(null));
                } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
                    k.put("client", "not available (" + e.getClass().getSimpleName() + ")");
                }
                m.put("kubectl", k);
            } else {
                Map<String, Object> runtimes = new LinkedHashMap<>();
                for (EnvironmentSpec e : plan.environments()) {
                    List<String> cmd = LOCAL_RUNTIME_COMMANDS.get(e.runtimeClass());
                    runtimes.put(e.runtimeClass(), cmd == null ? "native (no runtime)" : versionOf(cmd));
                }
                m.put("runtimes", runtimes);
            }
            return m;
        }

        static String versionOf(List<String> command) {
            try {
                ProcessResult r = new ProcessExecutor().command(command).readOutput(true).exitValueAny()
                        .timeout(15, TimeUnit.SECONDS).execute();
                String first = r.outputUTF8().lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst().orElse("");
                return r.getExitValue() == 0 ? first : "unknown (exit " + r.getExitValue() + ")";
            } catch (IOException e) {
                return "not installed";
            } catch (InterruptedException | TimeoutException e) {
                return "unknown (no answer)";
            }
        }

        static String childVersion(Path folder, List<EnvironmentSpec> envs) {
            for (EnvironmentSpec e : envs) {
                try {
                    Path f = folder.resolve(e.resultFileName());
                    if (Files.isRegularFile(f)) {
                        String v = Json.MAPPER.readTree(f.toFile()).path("tool").path("version").asText(null);
                        if (v != null) return v;
                    }
                } catch (IOException ignored) {
                    // try the next file
                }
            }
            return null;
        }
    }

    /** Under sudo, the result files go back to the invoking user (SUDO_UID/SUDO_GID), not root. */
    static final class SudoOwnership {
        private SudoOwnership() {}

        static void giveBack(Path resultsDir, Path folder, Map<String, String> env, String user, Io io) {
            String uid = env.get("SUDO_UID"), gid = env.get("SUDO_GID");
            if (uid == null || gid == null || !"root".equals(user) || !uid.matches("[0-9]+") || !gid.matches("[0-9]+")) {
                return;
            }
            List<Path> paths = new ArrayList<>(List.of(resultsDir, folder));
            try (var walk = Files.walk(folder)) {
                walk.forEach(paths::add);
            } catch (IOException e) {
                io.error("cannot list " + folder + " to give it back to " + env.get("SUDO_USER") + ": " + e.getMessage());
            }
            for (Path p : new LinkedHashSet<>(paths)) {
                try {
                    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) continue;
                    if (((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)) != 0) continue;
                    Files.setAttribute(p, "unix:uid", Integer.parseInt(uid), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(p, "unix:gid", Integer.parseInt(gid), LinkOption.NOFOLLOW_LINKS);
                } catch (IOException | RuntimeException e) {
                    io.error("cannot give " + p + " to " + env.get("SUDO_USER") + ": " + e.getMessage());
                }
            }
        }
    }

    // =============================================================================================
    // 5. Summary
    // =============================================================================================

    /** One environment of a results folder: its result file and, when run.json says so, its outcome. */
    record EnvRef(String name, String image, String runtimeClass, Path resultFile, String outcome, String detail) {
        boolean isWasm() { return Names.isWasm(image, runtimeClass); }
    }

    /** One trial of a result file, with the fields the summary uses (null when absent). */
    record TrialRecord(int trial, String status, Boolean valid, Double throughput, Double coldStart,
                       Double timeToMain, Double cpuCores, Long peakMem, Long avgMem, Long throttled, Double start) {
        /** The statistics use valid trials only: status ok and not marked invalid. */
        boolean isValid() { return "ok".equals(status) && !Boolean.FALSE.equals(valid) && throughput != null; }
    }

    /** An environment's trials, keyed "<size>_<mode>" as in the result file. */
    record EnvResults(EnvRef ref, Map<String, List<TrialRecord>> byKey) {}

    /** Reads a results folder: run.json (names, order, baseline) when present, and the result files. */
    static final class ResultsFolder {
        record Contents(List<EnvResults> environments, String baseline, double significanceLevel,
                        List<EnvRef> withoutResults) {}

        private ResultsFolder() {}

        static Contents read(Path folder, List<Problem> problems) {
            Path runJson = folder.resolve("run.json");
            List<EnvRef> refs = new ArrayList<>();
            String baseline = null;
            double alpha = 0.01;
            if (Files.isRegularFile(runJson)) {
                try {
                    JsonNode run = Json.MAPPER.readTree(runJson.toFile());
                    baseline = run.path("baseline").asText(null);
                    if (run.path("significance_level").isNumber()) alpha = run.path("significance_level").asDouble();
                    for (JsonNode e : run.path("environments")) {
                        refs.add(new EnvRef(e.path("name").asText(), e.path("image").asText(),
                                e.path("runtime_class").asText(), folder.resolve(e.path("result_file").asText()),
                                e.path("outcome").asText(null), e.path("detail").asText("")));
                    }
                } catch (JsonProcessingException e) {
                    problems.add(Json.problem(runJson, e));
                } catch (IOException e) {
                    problems.add(new Problem(runJson.toString(), "", "cannot be read: " + e.getMessage()));
                }
            }
            Set<Path> known = refs.stream().map(r -> r.resultFile().normalize()).collect(Collectors.toSet());
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder, "*.json")) {
                List<Path> files = new ArrayList<>();
                dir.forEach(files::add);
                Collections.sort(files);
                for (Path f : files) {
                    String n = f.getFileName().toString();
                    if (n.equals("run.json") || n.equals("summary.json") || known.contains(f.normalize())) continue;
                    refs.add(new EnvRef(null, null, null, f, null, ""));
                }
            } catch (IOException e) {
                problems.add(new Problem(folder.toString(), "", "cannot be listed: " + e.getMessage()));
            }

            List<EnvResults> envs = new ArrayList<>();
            List<EnvRef> without = new ArrayList<>();
            for (EnvRef ref : refs) {
                if (!Files.isRegularFile(ref.resultFile())) {
                    without.add(ref);
                    continue;
                }
                EnvResults r = readResultFile(ref, problems);
                if (r != null) envs.add(r);
            }
            return new Contents(envs, baseline, alpha, without);
        }

        static EnvResults readResultFile(EnvRef ref, List<Problem> problems) {
            Path f = ref.resultFile();
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(f.toFile());
            } catch (JsonProcessingException e) {
                problems.add(Json.problem(f, e));
                return null;
            } catch (IOException e) {
                problems.add(new Problem(f.toString(), "", "cannot be read: " + e.getMessage()));
                return null;
            }
            if (root == null || !root.isObject() || !root.path("results").isObject()) {
                problems.add(new Problem(f.toString(), "results", "not a single_env_bench result file: expected an "
                        + "object with \"results\" (docs/results.schema.json)"));
                return null;
            }
            String image = root.path("environment").path("image").asText(ref.image());
            String rc = root.path("environment").path("runtime_class").asText(ref.runtimeClass());
            if (image == null || rc == null) {
                problems.add(new Problem(f.toString(), "environment", "missing environment.image or "
                        + "environment.runtime_class"));
                return null;
            }
            String name = ref.name() != null ? ref.name() : Names.defaultName(image, rc);
            EnvRef full = new EnvRef(name, image, rc, f, ref.outcome(), ref.detail());
            Map<String, List<TrialRecord>> byKey = new TreeMap<>(ResultsFolder::compareKeys);
            var fields = root.path("results").fields();
            while (fields.hasNext()) {
                var e = fields.next();
                if (!e.getKey().matches("[0-9]+_(warm|cold)")) {
                    problems.add(new Problem(f.toString(), "results." + e.getKey(), "expected keys like 256_warm or "
                            + "512_cold"));
                    continue;
                }
                List<TrialRecord> trials = new ArrayList<>();
                for (JsonNode t : e.getValue()) trials.add(trial(t));
                trials.sort(Comparator.comparingInt(TrialRecord::trial));
                byKey.put(e.getKey(), trials);
            }
            return new EnvResults(full, byKey);
        }

        static int compareKeys(String a, String b) {
            int sa = Integer.parseInt(a.substring(0, a.indexOf('_'))), sb = Integer.parseInt(b.substring(0, b.indexOf('_')));
            return sa != sb ? Integer.compare(sa, sb) : a.compareTo(b);
        }

        private static TrialRecord trial(JsonNode t) {
            return new TrialRecord(t.path("trial").asInt(), t.path("status").asText("failed"),
                    t.path("valid").isBoolean() ? t.path("valid").asBoolean() : null, dbl(t, "throughput_mflops"),
                    dbl(t, "cold_start_time"), dbl(t, "time_to_main"), dbl(t, "avg_cpu_cores"),
                    lng(t, "peak_mem_bytes"), lng(t, "avg_mem_bytes"), lng(t, "throttled_events"), dbl(t, "start"));
        }

        private static Double dbl(JsonNode t, String k) { return t.path(k).isNumber() ? t.path(k).asDouble() : null; }

        private static Long lng(JsonNode t, String k) { return t.path(k).isNumber() ? t.path(k).asLong() : null; }
    }

    /** Descriptive statistics. Sample standard deviation (n − 1); median of an even count is the mean of the middle two. */
    static final class Stats {
        private Stats() {}

        static double mean(double[] x) {
            double s = 0;
            for (double v : x) s += v;
            return s / x.length;
        }

        static double variance(double[] x) {
            if (x.length < 2) return 0;
            double m = mean(x), s = 0;
            for (double v : x) s += (v - m) * (v - m);
            return s / (x.length - 1);
        }

        static double stddev(double[] x) { return Math.sqrt(variance(x)); }

        static double median(double[] x) {
            double[] s = x.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        static double min(double[] x) { return Arrays.stream(x).min().orElse(Double.NaN); }

        static double max(double[] x) { return Arrays.stream(x).max().orElse(Double.NaN); }

        /** Coefficient of variation in percent: stddev / mean × 100. */
        static double cvPercent(double[] x) { return stddev(x) / mean(x) * 100; }

        /** Median absolute deviation from the median (unscaled). */
        static double mad(double[] x) {
            double m = median(x);
            double[] d = new double[x.length];
            for (int i = 0; i < x.length; i++) d[i] = Math.abs(x[i] - m);
            return median(d);
        }

        /**
         * Iglewicz and Hoaglin's modified Z-score, M = 0.6745 (x − median) / MAD. When MAD is 0 (half the
         * values equal), the mean absolute deviation stands in: M = (x − median) / (1.253314 · MeanAD).
         */
        static double[] modifiedZ(double[] x) {
            double m = median(x), mad = mad(x);
            double[] z = new double[x.length];
            if (mad > 0) {
                for (int i = 0; i < x.length; i++) z[i] = 0.6745 * (x[i] - m) / mad;
                return z;
            }
            double meanAd = 0;
            for (double v : x) meanAd += Math.abs(v - m);
            meanAd /= x.length;
            if (meanAd == 0) return z;
            for (int i = 0; i < x.length; i++) z[i] = (x[i] - m) / (1.253314 * meanAd);
            return z;
        }

        /** hyperfine's propagated uncertainty of a ratio of means: r · √((σa/μa)² + (σb/μb)²). */
        static double ratioUncertainty(double meanA, double sdA, double meanB, double sdB) {
            double r = meanA / meanB;
            return Math.abs(r) * Math.sqrt(Math.pow(sdA / meanA, 2) + Math.pow(sdB / meanB, 2));
        }
    }

    /**
     * Student's t distribution: CDF through the regularized incomplete beta function (Lentz's continued
     * fraction, as in Numerical Recipes §6.4), quantiles by bisection on the CDF. Accurate to ~1e-12.
     */
    static final class StudentT {
        private StudentT() {}

        /** P(T ≤ t) for ν degrees of freedom (ν may be fractional, as Welch's is). */
        static double cdf(double t, double df) {
            if (Double.isInfinite(t)) return t > 0 ? 1 : 0;
            double tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
            return t >= 0 ? 1 - tail : tail;
        }

        /** P(|T| ≥ |t|). */
        static double twoSidedP(double t, double df) {
            if (Double.isInfinite(t)) return 0;
            return regularizedBeta(df / (df + t * t), df / 2, 0.5);
        }

        /** The t with P(T ≤ t) = p, for 0 < p < 1. */
        static double quantile(double p, double df) {
            if (p <= 0 || p >= 1) throw new IllegalArgumentException("p must be in (0, 1): " + p);
            if (p < 0.5) return -quantile(1 - p, df);
            if (p == 0.5) return 0;
            double lo = 0, hi = 1;
            while (cdf(hi, df) < p) { lo = hi; hi *= 2; if (hi > 1e12) return hi; }
            for (int i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, hi); i++) {
                double mid = (lo + hi) / 2;
                if (cdf(mid, df) < p) lo = mid; else hi = mid;
            }
            return (lo + hi) / 2;
        }

        /** I_x(a, b). */
        static double regularizedBeta(double x, double a, double b) {
            if (x <= 0) return 0;
            if (x >= 1) return 1;
            double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
            if (x < (a + 1) / (a + b + 2)) return front * betaContinuedFraction(x, a, b) / a;
            return 1 - front * betaContinuedFraction(1 - x, b, a) / b;
        }

        private static double betaContinuedFraction(double x, double a, double b) {
            final double tiny = 1e-300, eps = 1e-15;
            double qab = a + b, qap = a + 1, qam = a - 1;
            double c = 1, d = 1 - qab * x / qap;
            if (Math.abs(d) < tiny) d = tiny;
            d = 1 / d;
            double h = d;
            for (int m = 1; m <= 1000; m++) {
                int m2 = 2 * m;
                double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
                d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
                c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
                d = 1 / d;
                h *= d * c;
                aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
                d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
                c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
                d = 1 / d;
                double del = d * c;
                h *= del;
                if (Math.abs(del - 1) < eps) break;
            }
            return h;
        }

        /** ln Γ(x) for x > 0: Lanczos' series with γ = 671/128 and 14 terms (Numerical Recipes, 3rd ed., §6.1). */
        static double logGamma(double x) {
            final double[] c = {57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
                    .339946499848118887e-4, .465236289270485756e-4, -.983744753048795646e-4, .158088703224912494e-3,
                    -.210264441724104883e-3, .217439618115212643e-3, -.164318106536763890e-3, .844182239838527433e-4,
                    -.261908384015814087e-4, .368991826595316234e-5};
            if (x <= 0) throw new IllegalArgumentException("logGamma needs x > 0: " + x);
            double t = x + 671.0 / 128;
            t = (x + 0.5) * Math.log(t) - t;
            double series = 0.999999999999997092, y = x;
            for (double ci : c) series += ci / ++y;
            return t + Math.log(2.5066282746310005 * series / x);
        }
    }

    /** Three-state verdict of a comparison with the baseline. */
    enum Verdict {
        BASELINE("baseline"), FASTER("faster"), SLOWER("slower"),
        NO_SIGNIFICANT_DIFFERENCE("no significant difference"), NOT_ENOUGH_DATA("not enough valid trials");
        final String label;
        Verdict(String label) { this.label = label; }
    }

    /**
     * Welch's two-sided t-test of the mean throughputs (unequal variances) and the matching confidence
     * interval of the difference, turned into a ratio interval by dividing by the baseline mean (as
     * sightglass does). Verdict: faster or slower when p < α (the interval excludes 0), else no significant
     * difference. Needs two valid trials on each side.
     */
    record Welch(double meanDifference, double t, double df, double pValue, double halfWidth, double alpha) {
        static Welch test(double[] a, double[] b, double alpha) {
            if (a.length < 2 || b.length < 2) return null;
            double va = Stats.variance(a) / a.length, vb = Stats.variance(b) / b.length;
            double diff = Stats.mean(a) - Stats.mean(b);
            double se2 = va + vb;
            if (se2 == 0) {   // both perfectly steady: any difference is certain, none is none
                double t = diff == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, diff);
                return new Welch(diff, t, a.length + b.length - 2, diff == 0 ? 1 : 0, 0, alpha);
            }
            double se = Math.sqrt(se2);
            double df = se2 * se2 / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
            double t = diff / se;
            return new Welch(diff, t, df, StudentT.twoSidedP(t, df), StudentT.quantile(1 - alpha / 2, df) * se, alpha);
        }

        Verdict verdict() {
            if (pValue >= alpha) return Verdict.NO_SIGNIFICANT_DIFFERENCE;
            return meanDifference > 0 ? Verdict.FASTER : Verdict.SLOWER;
        }
    }

    /** A trial flagged by the modified Z-score; it stays in every statistic. */
    record Outlier(int trial, double throughput, double modifiedZ) {}

    record Describe(int n, double median, double mean, double stddev, double min, double max, double cvPercent) {
        static Describe of(double[] x) {
            if (x.length == 0) return null;
            boolean spread = x.length >= 2;   // one trial has no standard deviation
            return new Describe(x.length, Stats.median(x), Stats.mean(x), spread ? Stats.stddev(x) : Double.NaN,
                    Stats.min(x), Stats.max(x), spread ? Stats.cvPercent(x) : Double.NaN);
        }
    }

    /** The comparison of one row with the baseline row of the same size and mode. */
    record Comparison(double ratio, double ratioUncertainty, double ciLow, double ciHigh, Welch welch,
                      Verdict verdict) {}

    /** One row of the summary: an environment at one size and mode. */
    record Row(String environment, String image, String runtimeClass, boolean wasm, int size, String mode,
               int trialsTotal, int trialsValid, Describe throughput, Comparison vsBaseline, Double coldStartMedian,
               Double coldStartMax, Double timeToMainMedian, Double avgCpuCores, Long peakMemBytes, Long avgMemBytes,
               Long throttledEvents, List<Outlier> outliers, List<String> notes) {}

    /** The summary of a results folder. */
    record Summary(String folder, String baseline, double significanceLevel, List<Row> rows, List<String> notes) {
        static final double OUTLIER_THRESHOLD = 3.5;
        static final double INTERPRETER_RATIO = 0.1;

        static Summary of(String folder, List<EnvResults> envs, String wantedBaseline, double alpha,
                          List<EnvRef> withoutResults) {
            List<String> notes = new ArrayList<>();
            String baseline = wantedBaseline;
            if (envs.stream().noneMatch(e -> e.ref().name().equals(wantedBaseline))) {
                baseline = envs.isEmpty() ? null : envs.get(0).ref().name();
                if (wantedBaseline != null && baseline != null) {
                    notes.add("The baseline " + wantedBaseline + " has no results; comparing with " + baseline
                            + " instead.");
                }
            }
            EnvResults base = null;
            for (EnvResults e : envs) if (e.ref().name().equals(baseline)) base = e;
            EnvResults nativeRef = base != null && !base.ref().isWasm() ? base
                    : envs.stream().filter(e -> !e.ref().isWasm()).findFirst().orElse(null);

            List<Row> rows = new ArrayList<>();
            for (EnvResults e : envs) {
                for (Map.Entry<String, List<TrialRecord>> k : e.byKey().entrySet()) {
                    rows.add(row(e, k.getKey(), k.getValue(), base, nativeRef, alpha, notes));
                }
                if (e.ref().outcome() != null && !e.ref().outcome().equals(Outcome.COMPLETED.label)
                        && !e.ref().outcome().equals(Outcome.NOT_SELECTED.label)) {
                    notes.add(e.ref().name() + ": " + e.ref().outcome() + (e.ref().detail().isEmpty() ? ""
                            : " — " + e.ref().detail()) + ".");
                }
            }
            for (EnvRef r : withoutResults) {
                if (Outcome.NOT_SELECTED.label.equals(r.outcome())) continue;
                notes.add(r.name() + ": no results" + (r.outcome() == null ? "" : " (" + r.outcome()
                        + (r.detail().isEmpty() ? "" : ": " + r.detail()) + ")") + ".");
            }
            return new Summary(folder, baseline, alpha, rows, notes);
        }

        private static Row row(EnvResults e, String key, List<TrialRecord> trials, EnvResults base,
                               EnvResults nativeRef, double alpha, List<String> notes) {
            int size = Integer.parseInt(key.substring(0, key.indexOf('_')));
            String mode = key.substring(key.indexOf('_') + 1);
            List<TrialRecord> valid = trials.stream().filter(TrialRecord::isValid).collect(Collectors.toList());
            double[] x = valid.stream().mapToDouble(TrialRecord::throughput).toArray();
            Describe d = Describe.of(x);

            Comparison cmp = null;
            List<TrialRecord> baseTrials = base == null ? null : base.byKey().get(key);
            if (base != null && e.ref().name().equals(base.ref().name())) {
                cmp = new Comparison(1, 0, Double.NaN, Double.NaN, null, Verdict.BASELINE);
            } else if (baseTrials != null && d != null) {
                double[] y = baseTrials.stream().filter(TrialRecord::isValid).mapToDouble(TrialRecord::throughput).toArray();
                if (y.length > 0 && Stats.mean(y) > 0) {
                    double my = Stats.mean(y);
                    double ratio = d.mean() / my;
                    double unc = Stats.ratioUncertainty(d.mean(), d.n() < 2 ? 0 : d.stddev(), my, Stats.stddev(y));
                    Welch w = Welch.test(x, y, alpha);
                    cmp = w == null ? new Comparison(ratio, unc, Double.NaN, Double.NaN, null, Verdict.NOT_ENOUGH_DATA)
                            : new Comparison(ratio, unc, ratio - w.halfWidth() / my, ratio + w.halfWidth() / my, w,
                            w.verdict());
                }
            }

            List<Outlier> outliers = new ArrayList<>();
            if (x.length >= 3) {
                double[] z = Stats.modifiedZ(x);
                for (int i = 0; i < z.length; i++) {
                    if (Math.abs(z[i]) > OUTLIER_THRESHOLD) outliers.add(new Outlier(valid.get(i).trial(), x[i], z[i]));
                }
            }
            List<String> rowNotes = new ArrayList<>();
            String label = e.ref().name() + " " + size + (mode.equals("warm") ? "" : " " + mode);
            for (Outlier o : outliers) {
                rowNotes.add(String.format(Locale.ROOT, "trial %d is an outlier (%.1f MFLOPS, modified Z %.2f, |Z| > %.1f); "
                        + "kept in every statistic", o.trial(), o.throughput(), o.modifiedZ(), OUTLIER_THRESHOLD));
            }
            if (e.ref().isWasm() && nativeRef != null && d != null) {
                List<TrialRecord> nt = nativeRef.byKey().get(key);
                double[] n = nt == null ? new double[0]
                        : nt.stream().filter(TrialRecord::isValid).mapToDouble(TrialRecord::throughput).toArray();
                if (n.length > 0 && d.mean() < INTERPRETER_RATIO * Stats.mean(n)) {
                    rowNotes.add(String.format(Locale.ROOT, "likely interpreter mode: %.3f× the throughput of %s "
                            + "(under %.1f×)", d.mean() / Stats.mean(n), nativeRef.ref().name(), INTERPRETER_RATIO));
                }
            }
            if (valid.size() < trials.size()) {
                Map<String, Long> left = new TreeMap<>();
                for (TrialRecord t : trials) {
                    if (!t.isValid()) left.merge("ok".equals(t.status()) ? "invalid" : t.status(), 1L, Long::sum);
                }
                rowNotes.add(left.entrySet().stream().map(en -> en.getValue() + " " + en.getKey())
                        .collect(Collectors.joining(", ")) + " trial(s) left out of the statistics");
            }
            for (String n : rowNotes) notes.add(label + ": " + n + ".");

            return new Row(e.ref().name(), e.ref().image(), e.ref().runtimeClass(), e.ref().isWasm(), size, mode,
                    trials.size(), valid.size(), d, cmp,
                    med(valid, TrialRecord::coldStart), max(valid, TrialRecord::coldStart),
                    med(valid, TrialRecord::timeToMain), mean(valid, TrialRecord::cpuCores),
                    maxLong(valid, TrialRecord::peakMem), meanLong(valid, TrialRecord::avgMem),
                    sumLong(valid, TrialRecord::throttled), outliers, rowNotes);
        }

        private static double[] values(List<TrialRecord> t, java.util.function.Function<TrialRecord, ? extends Number> f) {
            return t.stream().map(f).filter(Objects::nonNull).mapToDouble(Number::doubleValue).toArray();
        }

        private static Double med(List<TrialRecord> t, java.util.function.Function<TrialRecord, Double> f) {
            double[] v = values(t, f);
            return v.length == 0 ? null : Stats.median(v);
        }

        private static Double max(List<TrialRecord> t, java.util.function.Function<TrialRecord, Double> f) {
            double[] v = values(t, f);
            return v.length == 0 ? null : Stats.max(v);
        }

        private static Double mean(List<TrialRecord> t, java.util.function.Function<TrialRecord, Double> f) {
            double[] v = values(t, f);
            return v.length == 0 ? null : Stats.mean(v);
        }

        private static Long maxLong(List<TrialRecord> t, java.util.function.Function<TrialRecord, Long> f) {
            return t.stream().map(f).filter(Objects::nonNull).max(Long::compare).orElse(null);
        }

        private static Long meanLong(List<TrialRecord> t, java.util.function.Function<TrialRecord, Long> f) {
            double[] v = values(t, f);
            return v.length == 0 ? null : Math.round(Stats.mean(v));
        }

        private static Long sumLong(List<TrialRecord> t, java.util.function.Function<TrialRecord, Long> f) {
            List<Long> v = t.stream().map(f).filter(Objects::nonNull).collect(Collectors.toList());
            return v.isEmpty() ? null : v.stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The summary of a folder: printed, and written as summary.md, summary.csv, summary.json and report.html. */
    static final class Report {
        private Report() {}

        static int ofFolder(Path folder, String baseline, Io io, boolean write) {
            if (!Files.isDirectory(folder)) {
                io.error(folder + ": no such results folder (expected e.g. results/initial_bm)");
                return Exit.USAGE;
            }
            List<Problem> problems = new ArrayList<>();
            ResultsFolder.Contents contents = ResultsFolder.read(folder, problems);
            for (Problem p : problems) io.errLine(p.toString());
            if (!problems.isEmpty()) {
                io.error(problems.size() + " problem(s) in " + folder + "; fix or remove those files");
                return Exit.USAGE;
            }
            if (contents.environments().isEmpty()) {
                io.error(folder + ": no result files (the <image>_<runtime class>.json files of single_env_bench)");
                return Exit.USAGE;
            }
            String wanted = baseline != null ? baseline : contents.baseline();
            if (baseline != null && contents.environments().stream().noneMatch(e -> e.ref().name().equals(baseline))) {
                List<String> names = contents.environments().stream().map(e -> e.ref().name()).collect(Collectors.toList());
                io.error("--baseline " + baseline + ": no environment of that name in " + folder
                        + Names.didYouMean(baseline, names) + " (names: " + String.join(", ", names) + ")");
                return Exit.USAGE;
            }
            Summary s = Summary.of(folder.toString(), contents.environments(), wanted, contents.significanceLevel(),
                    contents.withoutResults());
            io.say(TextFormat.render(s));
            if (write) {
                try {
                    Files.writeString(folder.resolve("summary.md"), MarkdownFormat.render(s), StandardCharsets.UTF_8);
                    Files.writeString(folder.resolve("summary.csv"), CsvFormat.render(s), StandardCharsets.UTF_8);
                    Json.writeAtomically(folder.resolve("summary.json"), JsonFormat.tree(s));
                    io.say("Written: " + folder.resolve("summary.md") + ", summary.csv, summary.json");
                } catch (IOException e) {
                    io.error("cannot write the summary into " + folder + ": " + e.getMessage());
                    return Exit.USAGE;
                }
                return HtmlReport.writeAndSay(folder, contents, s, io);
            }
            return Exit.OK;
        }
    }

    // =============================================================================================
    // 6. Output formats
    // =============================================================================================

    /** A table: headers, right-aligned columns, rows of cells (built once, rendered as text or Markdown). */
    record Table(String title, List<String> headers, Set<Integer> rightAligned, List<List<String>> rows) {}

    /** The two tables of every format: throughput and comparison; start-up and resources. */
    static final class SummaryTables {
        private SummaryTables() {}

        static String heading(Summary s) {
            return "Summary of " + s.folder() + " (baseline " + s.baseline() + "; verdicts from Welch's t-test, "
                    + "two-sided, α = " + ChildArgs.num(s.significanceLevel()) + ")";
        }

        static List<Table> of(Summary s) {
            String ci = Display.percent(1 - s.significanceLevel()) + " CI";
            List<List<String>> a = new ArrayList<>(), b = new ArrayList<>();
            for (Row r : s.rows()) {
                Describe d = r.throughput();
                Comparison c = r.vsBaseline();
                String size = r.size() + (r.mode().equals("warm") ? "" : " " + r.mode());
                a.add(List.of(r.environment(), size, r.trialsValid() + "/" + r.trialsTotal(),
                        d == null ? "–" : Display.mflops(d.median()),
                        d == null ? "–" : Double.isNaN(d.stddev()) ? Display.mflops(d.mean())
                                : Display.mflops(d.mean()) + " ± " + Display.mflops(d.stddev()),
                        d == null ? "–" : Display.mflops(d.min()) + "–" + Display.mflops(d.max()),
                        d == null || Double.isNaN(d.cvPercent()) ? "–" : Display.oneDecimal(d.cvPercent()),
                        c == null ? "–" : c.verdict() == Verdict.BASELINE ? "1 (baseline)"
                                : Display.ratio(c.ratio()) + " ± " + Display.ratio(c.ratioUncertainty()),
                        c == null || Double.isNaN(c.ciLow()) ? "–"
                                : "[" + Display.ratio(c.ciLow()) + ", " + Display.ratio(c.ciHigh()) + "]",
                        c == null ? "–" : verdictText(c),
                        r.outliers().isEmpty() ? "" : r.outliers().stream().map(o -> "#" + o.trial())
                                .collect(Collectors.joining(" "))));
                b.add(List.of(r.environment(), size,
                        Display.secondsOrDash(r.coldStartMedian()) + " / " + Display.secondsOrDash(r.coldStartMax()),
                        Display.secondsOrDash(r.timeToMainMedian()),
                        r.avgCpuCores() == null ? "–" : String.format(Locale.ROOT, "%.2f", r.avgCpuCores()),
                        Display.mib(r.peakMemBytes()), Display.mib(r.avgMemBytes()),
                        r.throttledEvents() == null ? "–" : String.valueOf(r.throttledEvents())));
            }
            return List.of(
                    new Table("Throughput (MFLOPS over valid trials) and comparison with " + s.baseline(),
                            List.of("Environment", "Size", "Valid", "Median", "Mean ± SD", "Min–Max", "CV %",
                                    "Ratio ± unc.", ci, "Verdict", "Outliers"),
                            Set.of(1, 2, 3, 4, 5, 6, 7, 8), a),
                    new Table("Start-up and resources (valid trials)",
                            List.of("Environment", "Size", "Cold start med / max", "Time to main (med)", "CPU cores (avg)",
                                    "Peak mem", "Avg mem", "Throttled"),
                            Set.of(1, 2, 3, 4, 5, 6, 7), b));
        }

        static String verdictText(Comparison c) {
            if (c.welch() == null) return c.verdict().label;
            return c.verdict().label + " (p " + Display.pValue(c.welch().pValue()) + ")";
        }
    }

    /** The aligned table printed on the console. */
    static final class TextFormat {
        private TextFormat() {}

        static String render(Summary s) {
            StringBuilder sb = new StringBuilder(SummaryTables.heading(s)).append("\n");
            for (Table t : SummaryTables.of(s)) {
                sb.append("\n").append(t.title()).append("\n");
                int[] w = new int[t.headers().size()];
                for (int i = 0; i < w.length; i++) w[i] = Display.width(t.headers().get(i));
                for (List<String> r : t.rows()) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], Display.width(r.get(i)));
                sb.append(line(t.headers(), w, t.rightAligned())).append("\n");
                for (List<String> r : t.rows()) sb.append(line(r, w, t.rightAligned())).append("\n");
            }
            if (!s.notes().isEmpty()) {
                sb.append("\nNotes\n");
                for (String n : s.notes()) sb.append("- ").append(n).append("\n");
            }
            return sb.toString();
        }

        private static String line(List<String> cells, int[] w, Set<Integer> right) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cells.size(); i++) {
                String c = cells.get(i);
                String pad = " ".repeat(w[i] - Display.width(c));
                if (i > 0) sb.append("  ");
                sb.append(right.contains(i) ? pad + c : c + pad);
            }
            return sb.toString().replaceAll("\\s+$", "");
        }
    }

    /** summary.md: the same tables as GitHub-flavoured Markdown. */
    static final class MarkdownFormat {
        private MarkdownFormat() {}

        static String render(Summary s) {
            StringBuilder sb = new StringBuilder("# ").append(SummaryTables.heading(s)).append("\n");
            for (Table t : SummaryTables.of(s)) {
                sb.append("\n## ").append(t.title()).append("\n\n| ");
                sb.append(String.join(" | ", t.headers())).append(" |\n|");
                for (int i = 0; i < t.headers().size(); i++) sb.append(t.rightAligned().contains(i) ? " ---: |" : " --- |");
                sb.append("\n");
                for (List<String> r : t.rows()) {
                    sb.append("| ").append(r.stream().map(c -> c.isEmpty() ? " " : c.replace("|", "\\|"))
                            .collect(Collectors.joining(" | "))).append(" |\n");
                }
            }
            if (!s.notes().isEmpty()) {
                sb.append("\n## Notes\n\n");
                for (String n : s.notes()) sb.append("- ").append(n).append("\n");
            }
            sb.append("\nStatistics: docs/statistics.md.\n");
            return sb.toString();
        }
    }

    /** summary.csv: one line per row, full precision, empty cells for missing values. */
    static final class CsvFormat {
        static final List<String> HEADER = List.of("environment", "image", "runtime_class", "size", "mode",
                "trials_total", "trials_valid", "throughput_median_mflops", "throughput_mean_mflops",
                "throughput_stddev_mflops", "throughput_min_mflops", "throughput_max_mflops", "throughput_cv_percent",
                "ratio_to_baseline", "ratio_uncertainty", "ratio_ci_low", "ratio_ci_high", "welch_t", "welch_df",
                "p_value", "verdict", "cold_start_median_s", "cold_start_max_s", "time_to_main_median_s",
                "avg_cpu_cores", "peak_mem_bytes", "avg_mem_bytes", "throttled_events", "outlier_trials", "notes");

        private CsvFormat() {}

        static String render(Summary s) {
            StringBuilder sb = new StringBuilder(String.join(",", HEADER)).append("\n");
            for (Row r : s.rows()) {
                Describe d = r.throughput();
                Comparison c = r.vsBaseline();
                Welch w = c == null ? null : c.welch();
                List<Object> cells = Arrays.asList(r.environment(), r.image(), r.runtimeClass(), r.size(), r.mode(),
                        r.trialsTotal(), r.trialsValid(), d == null ? null : d.median(), d == null ? null : d.mean(),
                        d == null ? null : d.stddev(), d == null ? null : d.min(), d == null ? null : d.max(),
                        d == null ? null : d.cvPercent(), c == null ? null : c.ratio(), c == null ? null : c.ratioUncertainty(),
                        c == null ? null : c.ciLow(), c == null ? null : c.ciHigh(), w == null ? null : w.t(),
                        w == null ? null : w.df(), w == null ? null : w.pValue(), c == null ? null : c.verdict().label,
                        r.coldStartMedian(), r.coldStartMax(), r.timeToMainMedian(), r.avgCpuCores(), r.peakMemBytes(),
                        r.avgMemBytes(), r.throttledEvents(),
                        r.outliers().stream().map(o -> String.valueOf(o.trial())).collect(Collectors.joining(" ")),
                        String.join("; ", r.notes()));
                sb.append(cells.stream().map(CsvFormat::cell).collect(Collectors.joining(","))).append("\n");
            }
            return sb.toString();
        }

        static String cell(Object v) {
            if (v == null) return "";
            if (v instanceof Double x) return Double.isFinite(x) ? Double.toString(x) : "";
            String s = v.toString();
            return s.matches(".*[,\"\n].*") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
        }
    }

    /** summary.json: the rows with every statistic (NaN and infinities as null). */
    static final class JsonFormat {
        private JsonFormat() {}

        static Map<String, Object> tree(Summary s) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("schema", "mmb-summary/1");
            m.put("results_folder", s.folder());
            m.put("baseline", s.baseline());
            m.put("test", "Welch's t-test, two-sided");
            m.put("significance_level", s.significanceLevel());
            m.put("outlier_rule", "modified Z-score (Iglewicz-Hoaglin), |M| > " + Summary.OUTLIER_THRESHOLD);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Row r : s.rows()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("environment", r.environment());
                row.put("image", r.image());
                row.put("runtime_class", r.runtimeClass());
                row.put("wasm", r.wasm());
                row.put("size", r.size());
                row.put("mode", r.mode());
                row.put("trials_total", r.trialsTotal());
                row.put("trials_valid", r.trialsValid());
                Describe d = r.throughput();
                if (d != null) {
                    Map<String, Object> t = new LinkedHashMap<>();
                    t.put("median", f(d.median()));
                    t.put("mean", f(d.mean()));
                    t.put("stddev", f(d.stddev()));
                    t.put("min", f(d.min()));
                    t.put("max", f(d.max()));
                    t.put("cv_percent", f(d.cvPercent()));
                    row.put("throughput_mflops", t);
                } else row.put("throughput_mflops", null);
                Comparison c = r.vsBaseline();
                if (c != null) {
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("ratio", f(c.ratio()));
                    v.put("ratio_uncertainty", f(c.ratioUncertainty()));
                    v.put("ci_low", f(c.ciLow()));
                    v.put("ci_high", f(c.ciHigh()));
                    v.put("verdict", c.verdict().label);
                    if (c.welch() != null) {
                        v.put("welch_t", f(c.welch().t()));
                        v.put("welch_df", f(c.welch().df()));
                        v.put("p_value", f(c.welch().pValue()));
                        v.put("mean_difference_mflops", f(c.welch().meanDifference()));
                        v.put("ci_half_width_mflops", f(c.welch().halfWidth()));
                    }
                    row.put("vs_baseline", v);
                } else row.put("vs_baseline", null);
                row.put("cold_start_median_s", r.coldStartMedian());
                row.put("cold_start_max_s", r.coldStartMax());
                row.put("time_to_main_median_s", r.timeToMainMedian());
                row.put("avg_cpu_cores", r.avgCpuCores());
                row.put("peak_mem_bytes", r.peakMemBytes());
                row.put("avg_mem_bytes", r.avgMemBytes());
                row.put("throttled_events", r.throttledEvents());
                List<Map<String, Object>> out = new ArrayList<>();
                for (Outlier o : r.outliers()) {
                    out.add(Display.orderedMap("trial", o.trial(), "throughput_mflops", o.throughput(),
                            "modified_z", o.modifiedZ()));
                }
                row.put("outliers", out);
                row.put("notes", r.notes());
                rows.add(row);
            }
            m.put("rows", rows);
            m.put("notes", s.notes());
            return m;
        }

        private static Double f(double v) { return Double.isFinite(v) ? v : null; }
    }

    // ---- report.html: the summary as a page of charts ---------------------------------------------

    /**
     * report.html, written next to summary.md: one self-contained page (inline CSS, charts as inline SVG, no
     * script, no external resource; a Content-Security-Policy forbids loading any) for people who look before
     * they read, and a 300 DPI PNG of every chart in charts/ for papers. Every statistic on it is the Summary's
     * (the numbers of summary.md); only the curves over time come straight from the trials' samples.
     */
    static final class HtmlReport {
        static final String FILE = "report.html";
        static final String CHART_FOLDER = "charts";
        static final int PNG_DPI = 300;

        private HtmlReport() {}

        /** Writes report.html and charts/*.png, says where; returns an exit status (the summary files are written by then). */
        static int writeAndSay(Path folder, ResultsFolder.Contents contents, Summary s, Io io) {
            Headless.ensure();
            try {
                ReportInputs in = ReportInputs.read(folder, contents, s);
                List<ChartFigure> charts = ReportCharts.all(in);
                Path chartFolder = folder.resolve(CHART_FOLDER);
                Files.createDirectories(chartFolder);
                try (DirectoryStream<Path> old = Files.newDirectoryStream(chartFolder, "*.png")) {
                    for (Path p : old) Files.delete(p);   // an earlier report's charts (e.g. of an environment since removed)
                }
                Map<String, String> svgs = new LinkedHashMap<>();
                for (ChartFigure c : charts) svgs.put(c.id(), SvgChart.inline(c));
                writePngs(charts, chartFolder);
                String html = HtmlPage.render(in, charts, svgs, Display.iso(Display.now()));
                Path tmp = folder.resolve(FILE + ".tmp");
                Files.writeString(tmp, html, StandardCharsets.UTF_8);
                Files.move(tmp, folder.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                io.say("Written: " + folder.resolve(FILE) + " (open it in a browser, it works offline) and " + charts.size()
                        + " charts as " + PNG_DPI + " DPI PNG in " + chartFolder);
                return Exit.OK;
            } catch (IOException e) {
                io.error("cannot write " + FILE + " into " + folder + ": " + e.getMessage());
                return Exit.USAGE;
            } catch (RuntimeException | LinkageError | java.awt.AWTError | InternalError e) {
                if (fontTrouble(e)) {   // Java draws text with the system's fonts even headless: a bare container has none
                    io.error("cannot draw the charts of " + FILE + ": Java finds no usable font (" + e + "); apt-get "
                            + "install fonts-dejavu-core. The summary files are written.");
                } else {
                    io.error("internal error while drawing " + FILE + ": " + e + " — please report it (MMB_DEBUG=1 "
                            + "prints the stack trace). The summary files are written.");
                }
                if (System.getenv("MMB_DEBUG") != null) e.printStackTrace(io.err());
                return Exit.FAILED;
            }
        }

        /** A 300 DPI PNG takes longer than its SVG (about 0.15 s a chart here): one chart per core at a time. */
        static void writePngs(List<ChartFigure> charts, Path chartFolder) throws IOException {
            try {
                charts.parallelStream().forEach(c -> {
                    try {
                        org.knowm.xchart.BitmapEncoder.saveBitmapWithDPI(c.chart(), chartFolder.resolve(c.id() + ".png").toString(),
                                org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG, PNG_DPI);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        }

        /** AWT's font setup fails in many ways (NPE in FontConfiguration, InternalError, a missing libfontmanager). */
        static boolean fontTrouble(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof LinkageError || t instanceof java.awt.AWTError) return true;
                for (StackTraceElement f : t.getStackTrace()) {
                    String c = f.getClassName();
                    if (c.startsWith("sun.font.") || c.startsWith("sun.awt.FontConfiguration") || c.startsWith("sun.awt.X11FontManager")
                            || c.equals("java.awt.Font")) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /** XChart draws with AWT; on a server (no display) AWT must be told it is headless before its first use. */
    static final class Headless {
        private Headless() {}

        static void ensure() {
            if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        }
    }

    /** One sample of a trial, time in seconds since the timed loop started (null: not read). */
    record Sample(double seconds, Long usageUsec, Long memBytes, Long nrThrottled) {}

    /** A trial's samples, for the curves over time. Validity is the Summary's (TrialRecord.isValid). */
    record TrialTrace(String key, int trial, String status, boolean valid, List<Sample> samples) {
        String label() {
            return "trial " + trial + (valid ? "" : " (" + ("ok".equals(status) ? "invalid" : status) + ")");
        }

        /**
         * CPU cores over each sampling interval (Δusage_usec / Δwall), plotted at the interval's end. An interval
         * under a quarter of the usual one (the last, cut short by BENCH_END) joins the one before: over a few
         * milliseconds the ratio is scheduler noise, not a level.
         */
        double[][] cpuCores() {
            List<Sample> used = samples.stream().filter(p -> p.usageUsec() != null).collect(Collectors.toList());
            double[] gaps = new double[Math.max(0, used.size() - 1)];
            for (int i = 1; i < used.size(); i++) gaps[i - 1] = used.get(i).seconds() - used.get(i - 1).seconds();
            double shortest = gaps.length == 0 ? 0 : Stats.median(gaps) / 4;
            List<double[]> points = new ArrayList<>();
            int from = 0, previousFrom = 0;
            for (int i = 1; i < used.size(); i++) {
                boolean last = i == used.size() - 1;
                if (used.get(i).seconds() - used.get(from).seconds() < shortest) {
                    if (!last) continue;
                    if (!points.isEmpty()) { points.remove(points.size() - 1); from = previousFrom; }
                }
                double dt = used.get(i).seconds() - used.get(from).seconds();
                if (dt > 0) {
                    points.add(new double[] {used.get(i).seconds(), (used.get(i).usageUsec() - used.get(from).usageUsec()) / 1e6 / dt});
                }
                previousFrom = from;
                from = i;
            }
            return columns(points);
        }

        double[][] memoryMiB() {
            List<double[]> points = new ArrayList<>();
            for (Sample p : samples) if (p.memBytes() != null) points.add(new double[] {p.seconds(), p.memBytes() / 1048576.0});
            return columns(points);
        }

        /** CFS periods throttled since the first sample (cumulative). */
        double[][] throttledPeriods() {
            List<double[]> points = new ArrayList<>();
            Long first = null;
            for (Sample p : samples) {
                if (p.nrThrottled() == null) continue;
                if (first == null) first = p.nrThrottled();
                points.add(new double[] {p.seconds(), p.nrThrottled() - first});
            }
            return columns(points);
        }

        private static double[][] columns(List<double[]> points) {
            double[][] xy = new double[2][points.size()];
            for (int i = 0; i < points.size(); i++) { xy[0][i] = points.get(i)[0]; xy[1][i] = points.get(i)[1]; }
            return xy;
        }
    }

    /** One environment as the report needs it: its results, its result file, its limits, its traces. */
    record EnvDetails(EnvResults results, JsonNode file, Double cpuLimit, String memoryLimit, List<TrialTrace> traces) {
        String name() { return results.ref().name(); }

        List<TrialTrace> traces(String key) {
            return traces.stream().filter(t -> t.key().equals(key)).collect(Collectors.toList());
        }

        Long memoryLimitBytes() { return memoryLimit == null ? null : ReportInputs.bytes(memoryLimit); }

        boolean limited() { return cpuLimit != null || memoryLimit != null; }

        /** Throttled in any sampling interval of any trial. */
        boolean throttled() {
            return traces.stream().anyMatch(t -> Arrays.stream(t.throttledPeriods()[1]).anyMatch(v -> v > 0));
        }
    }

    /** What the page shows: the Summary, each environment's details, and run.json (null when absent). */
    record ReportInputs(Path folder, Summary summary, List<EnvDetails> envs, JsonNode run) {

        static ReportInputs read(Path folder, ResultsFolder.Contents contents, Summary s) throws IOException {
            JsonNode run = null;
            Path runJson = folder.resolve("run.json");
            if (Files.isRegularFile(runJson)) run = Json.MAPPER.readTree(runJson.toFile());
            JsonNode shared = run == null ? null : run.path("config").path("shared_args");
            List<EnvDetails> envs = new ArrayList<>();
            for (EnvResults e : contents.environments()) {
                JsonNode file = Json.MAPPER.readTree(e.ref().resultFile().toFile());
                JsonNode flags = file.path("flags");
                Double cpu = flags.path("cpu_limit").isNumber() ? Double.valueOf(flags.path("cpu_limit").asDouble())
                        : shared != null && shared.path("cpu_limit").isNumber() ? Double.valueOf(shared.path("cpu_limit").asDouble())
                        : null;
                String mem = flags.path("memory_limit").isTextual() ? flags.path("memory_limit").asText()
                        : shared != null && shared.path("memory_limit").isValueNode() && !shared.path("memory_limit").isNull()
                        ? shared.path("memory_limit").asText() : null;
                List<TrialTrace> traces = new ArrayList<>();
                for (Map.Entry<String, List<TrialRecord>> k : e.byKey().entrySet()) {
                    for (JsonNode t : file.path("results").path(k.getKey())) {
                        int n = t.path("trial").asInt();
                        boolean valid = k.getValue().stream().anyMatch(r -> r.trial() == n && r.isValid());
                        traces.add(new TrialTrace(k.getKey(), n, t.path("status").asText("failed"), valid, samples(t)));
                    }
                }
                traces.sort(Comparator.comparing(TrialTrace::key, ResultsFolder::compareKeys).thenComparingInt(TrialTrace::trial));
                envs.add(new EnvDetails(e, file, cpu, mem, traces));
            }
            return new ReportInputs(folder, s, envs, run);
        }

        /** Time zero is BENCH_START (the timed loop); without it, the first sample. */
        private static List<Sample> samples(JsonNode trial) {
            JsonNode list = trial.path("samples");
            double zero = trial.path("bench_start").isNumber() ? trial.path("bench_start").asDouble()
                    : list.size() > 0 ? list.get(0).path("timestamp").asDouble() : 0;
            List<Sample> out = new ArrayList<>();
            for (JsonNode p : list) {
                if (!p.path("timestamp").isNumber()) continue;
                out.add(new Sample(p.path("timestamp").asDouble() - zero, lng(p, "usage_usec"), lng(p, "mem_bytes"),
                        lng(p, "nr_throttled")));
            }
            out.sort(Comparator.comparingDouble(Sample::seconds));
            return out;
        }

        private static Long lng(JsonNode n, String k) { return n.path(k).isNumber() ? n.path(k).asLong() : null; }

        /** "512Mi", "2Gi", "1G", "268435456" → bytes (null when not a quantity). */
        static Long bytes(String quantity) {
            Matcher m = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(Ki|Mi|Gi|Ti|k|K|M|G|T)?").matcher(quantity.trim());
            if (!m.matches()) return null;
            double v = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "" : m.group(2);
            double factor = switch (unit) {
                case "Ki" -> 1024.0; case "Mi" -> 1048576.0; case "Gi" -> 1073741824.0; case "Ti" -> 1099511627776.0;
                case "k", "K" -> 1e3; case "M" -> 1e6; case "G" -> 1e9; case "T" -> 1e12;
                default -> 1.0;
            };
            return Math.round(v * factor);
        }

        List<String> keys() {
            return summary.rows().stream().map(r -> r.size() + "_" + r.mode()).distinct()
                    .sorted(ResultsFolder::compareKeys).collect(Collectors.toList());
        }

        Row row(String env, String key) {
            return summary.rows().stream().filter(r -> r.environment().equals(env) && key.equals(r.size() + "_" + r.mode()))
                    .findFirst().orElse(null);
        }

        boolean anyLimit() { return envs.stream().anyMatch(EnvDetails::limited); }

        static String cores(double n) { return ChildArgs.num(n) + (n == 1 ? " core" : " cores"); }

        /** "N = 256", "N = 512 (cold)": how a size and mode is named on the page. */
        static String keyLabel(String key) {
            String size = key.substring(0, key.indexOf('_')), mode = key.substring(key.indexOf('_') + 1);
            return "N = " + size + (mode.equals("warm") ? "" : " (" + mode + ")");
        }
    }

    /** One chart of the page: where it goes, what it is called, how to read it, its series, the XChart chart. */
    record ChartFigure(String id, String section, String environment, String title, String howToRead, List<String> series,
                       List<String> categories, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {}

    /** The charts, built with XChart from the Summary's rows and the trials' samples. */
    static final class ReportCharts {
        static final int WIDE = 1000, NARROW = 600;

        private ReportCharts() {}

        static List<ChartFigure> all(ReportInputs in) {
            List<ChartFigure> charts = new ArrayList<>();
            for (String key : in.keys()) charts.add(throughput(in, key));
            ChartFigure ratio = ratio(in);
            if (ratio != null) charts.add(ratio);
            ChartFigure cold = perTrial(in, "cold-start", "Cold start per trial",
                    "Cold start = from asking for the workload (process spawned, or pod created) to seeing it run. Each "
                            + "point is one valid trial, in the order the trials ran (all sizes); lower is better. A first "
                            + "trial far above the others usually paid for a cold cache (image, files, page cache).",
                    "cold start (ms)", TrialRecord::coldStart);
            if (cold != null) charts.add(cold);
            ChartFigure main = perTrial(in, "time-to-main", "Time to main per trial",
                    "Time to main = from asking for the workload to the program's first line (MMB_READY); for Wasm it "
                            + "includes loading and compiling the module. Each point is one valid trial, in the order the "
                            + "trials ran; lower is better.",
                    "time to main (ms)", TrialRecord::timeToMain);
            if (main != null) charts.add(main);
            for (EnvDetails e : in.envs()) {
                for (String key : e.results().byKey().keySet()) {
                    ChartFigure cpu = cpu(in, e, key);
                    if (cpu != null) charts.add(cpu);
                    ChartFigure mem = memory(in, e, key);
                    if (mem != null) charts.add(mem);
                }
            }
            if (in.anyLimit()) {
                ChartFigure total = throttledTotals(in);
                if (total != null) charts.add(total);
                for (EnvDetails e : in.envs()) {
                    ChartFigure t = throttledOverTime(e);
                    if (t != null) charts.add(t);
                }
            }
            return charts;
        }

        static String id(String... parts) {
            return String.join("-", parts).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        }

        /** Bars: mean of the valid trials ± 1 SD; dots: each valid trial; red dots: the flagged outliers. */
        static ChartFigure throughput(ReportInputs in, String key) {
            List<Row> rows = in.summary().rows().stream().filter(r -> key.equals(r.size() + "_" + r.mode()))
                    .collect(Collectors.toList());
            List<String> envs = rows.stream().map(Row::environment).collect(Collectors.toList());
            String title = "Throughput at " + ReportInputs.keyLabel(key) + " (MFLOPS, higher is better)";
            var chart = new org.knowm.xchart.CategoryChartBuilder().width(WIDE).height(420).title(title)
                    .xAxisTitle("environment").yAxisTitle("throughput (MFLOPS)").build();
            ChartStyle.category(chart);
            chart.getStyler().setOverlapped(true);   // the dots sit on their bar, not beside it
            List<Double> means = new ArrayList<>(), sds = new ArrayList<>();
            List<List<Double>> trialValues = new ArrayList<>();
            List<Double> outliers = new ArrayList<>();
            int most = 0;
            for (Row r : rows) {
                Describe d = r.throughput();
                means.add(d == null ? null : d.mean());
                sds.add(d == null || Double.isNaN(d.stddev()) ? 0.0 : d.stddev());
                Set<Integer> flagged = r.outliers().stream().map(Outlier::trial).collect(Collectors.toSet());
                EnvDetails e = in.envs().stream().filter(x -> x.name().equals(r.environment())).findFirst().orElseThrow();
                List<Double> values = e.results().byKey().get(key).stream().filter(TrialRecord::isValid)
                        .filter(t -> !flagged.contains(t.trial())).map(TrialRecord::throughput).collect(Collectors.toList());
                trialValues.add(values);
                most = Math.max(most, values.size());
                outliers.add(r.outliers().isEmpty() ? null : r.outliers().get(0).throughput());
            }
            List<String> series = new ArrayList<>();
            if (means.stream().anyMatch(Objects::nonNull)) {
                var bars = chart.addSeries("mean ± SD", envs, zeroForMissing(means), sds);
                bars.setFillColor(ChartStyle.BAR);
                series.add("mean ± SD");
            }
            // One series per trial index (a category series has one value per category), drawn alike, named once.
            for (int i = 0; i < most; i++) {
                final int n = i;
                List<Double> v = trialValues.stream().map(l -> n < l.size() ? l.get(n) : null).collect(Collectors.toList());
                var dots = chart.addSeries(i == 0 ? "each valid trial" : "trial value " + (i + 1), envs, v);
                dots.setChartCategorySeriesRenderStyle(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Scatter);
                dots.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
                dots.setMarkerColor(ChartStyle.DOT);
                dots.setShowInLegend(i == 0);
                if (i == 0) series.add("each valid trial");
            }
            if (outliers.stream().anyMatch(Objects::nonNull)) {
                var out = chart.addSeries("outlier (kept in the statistics)", envs, outliers);
                out.setChartCategorySeriesRenderStyle(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Scatter);
                out.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.DIAMOND);
                out.setMarkerColor(ChartStyle.ALERT);
                series.add("outlier (kept in the statistics)");
            }
            return new ChartFigure(id("throughput", key), "throughput", null, title,
                    "Each bar is the mean throughput of an environment's valid trials, its whisker ± 1 standard deviation; "
                            + "each dot is one trial (a red diamond: a trial flagged as an outlier, still counted). Higher "
                            + "is better. Failed and invalid trials are left out (see Warnings).", series, envs, chart);
        }

        /** Ratio of the means to the baseline's, per size, with the 99% confidence interval of Welch's test. */
        static ChartFigure ratio(ReportInputs in) {
            Summary s = in.summary();
            List<String> envs = s.rows().stream().map(Row::environment).distinct().collect(Collectors.toList());
            String ci = Display.percent(1 - s.significanceLevel());
            String title = "Throughput relative to " + s.baseline() + " (ratio of means, " + ci + " confidence interval)";
            var chart = new org.knowm.xchart.CategoryChartBuilder().width(WIDE).height(420).title(title)
                    .xAxisTitle("environment").yAxisTitle("throughput ÷ baseline's (×)").build();
            ChartStyle.category(chart);
            List<String> series = new ArrayList<>();
            int colour = 0;
            double top = 1;
            for (String key : in.keys()) {
                List<Double> ratio = new ArrayList<>(), half = new ArrayList<>();
                for (String env : envs) {
                    Row r = in.row(env, key);
                    Comparison c = r == null ? null : r.vsBaseline();
                    ratio.add(c == null ? null : c.ratio());
                    half.add(c == null || Double.isNaN(c.ciHigh()) ? 0.0 : c.ciHigh() - c.ratio());
                    if (c != null) top = Math.max(top, Double.isNaN(c.ciHigh()) ? c.ratio() : c.ciHigh());
                }
                if (ratio.stream().allMatch(Objects::isNull)) continue;
                String name = ReportInputs.keyLabel(key);
                chart.addSeries(name, envs, zeroForMissing(ratio), half).setFillColor(ChartStyle.color(colour++));
                series.add(name);
            }
            if (series.isEmpty()) return null;
            chart.getStyler().setYAxisMax(Math.max(1.1, top * 1.05));   // room above 1, so that the line at 1 shows
            chart.addAnnotation(new org.knowm.xchart.AnnotationLine(1.0, false, false));
            return new ChartFigure("ratio", "throughput", null, title,
                    "1 = as fast as the baseline (" + s.baseline() + "), 0.5 = half its throughput; the horizontal line "
                            + "marks 1. The whisker is the " + ci + " confidence interval of the ratio from Welch's t-test: "
                            + "when it does not reach 1 the difference is significant (the Verdict column below). No "
                            + "whisker: fewer than two valid trials on a side.", series, envs, chart);
        }

        /** XChart's error bars take no gaps (null): a missing bar is drawn as 0, its whisker as 0. */
        private static List<Double> zeroForMissing(List<Double> values) {
            return values.stream().map(v -> v == null ? 0.0 : v).collect(Collectors.toList());
        }

        /** One line per environment: a trial statistic in the order the trials ran (all sizes), valid trials. */
        static ChartFigure perTrial(ReportInputs in, String id, String title, String how, String yTitle,
                                    java.util.function.Function<TrialRecord, Double> value) {
            var chart = new org.knowm.xchart.XYChartBuilder().width(WIDE).height(380).title(title)
                    .xAxisTitle("trial, in the order run (all sizes)").yAxisTitle(yTitle).build();
            ChartStyle.xy(chart);
            chart.getStyler().setYAxisMin(0.0);
            List<String> series = new ArrayList<>();
            int colour = 0;
            for (EnvDetails e : in.envs()) {
                List<TrialRecord> trials = e.results().byKey().values().stream().flatMap(List::stream)
                        .filter(TrialRecord::isValid).filter(t -> value.apply(t) != null)
                        .sorted(Comparator.comparing(t -> t.start() == null ? Double.MAX_VALUE : t.start()))
                        .collect(Collectors.toList());
                int c = colour++;
                if (trials.isEmpty()) continue;
                double[] x = new double[trials.size()], y = new double[trials.size()];
                for (int i = 0; i < x.length; i++) { x[i] = i + 1; y[i] = value.apply(trials.get(i)) * 1000; }
                var line = chart.addSeries(e.name(), x, y);
                line.setLineColor(ChartStyle.color(c));
                line.setMarkerColor(ChartStyle.color(c));
                line.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
                series.add(e.name());
            }
            if (series.isEmpty()) return null;
            chart.getStyler().setxAxisTickLabelsFormattingFunction(v -> v == Math.rint(v) ? String.valueOf(v.longValue()) : "");
            return new ChartFigure(id, "startup", null, title, how, series, List.of(), chart);
        }

        static ChartFigure cpu(ReportInputs in, EnvDetails e, String key) {
            List<TrialTrace> traces = e.traces(key).stream().filter(t -> t.cpuCores()[0].length > 0).collect(Collectors.toList());
            if (traces.isEmpty()) return null;
            Row row = in.row(e.name(), key);
            String title = e.name() + ", " + ReportInputs.keyLabel(key) + ": CPU cores used";
            var chart = timeChart(title, "CPU (cores)");
            List<String> series = traceSeries(chart, traces, TrialTrace::cpuCores);
            double[] range = xRange(traces, TrialTrace::cpuCores);
            double peak = traces.stream().filter(TrialTrace::valid).flatMapToDouble(t -> Arrays.stream(t.cpuCores()[1]))
                    .max().orElse(Double.NaN);
            if (row != null && row.avgCpuCores() != null) {
                series.add(level(chart, String.format(Locale.ROOT, "average %.2f cores", row.avgCpuCores()),
                        row.avgCpuCores(), range, ChartStyle.AVERAGE, ChartStyle.DASHED));
            }
            if (!Double.isNaN(peak)) {
                series.add(level(chart, String.format(Locale.ROOT, "peak %.2f cores", peak), peak, range, ChartStyle.ALERT,
                        ChartStyle.DOTTED));
            }
            if (e.cpuLimit() != null) {
                series.add(level(chart, "limit " + ReportInputs.cores(e.cpuLimit()), e.cpuLimit(), range, ChartStyle.LIMIT,
                        ChartStyle.SOLID));
            }
            double top = Math.max(Double.isNaN(peak) ? 0 : peak, e.cpuLimit() == null ? 0 : e.cpuLimit());
            if (top > 0) chart.getStyler().setYAxisMax(top * 1.15);   // room above, so the lines at the top stay apart from the frame
            return new ChartFigure(id("cpu", e.name(), key), "resources", e.name(), title,
                    "CPU time used per second of wall time over each sampling interval, for each trial (1 = one core busy; "
                            + "mmb is single-threaded, so about 1). Dashed: the average of the valid trials (the summary's "
                            + "CPU cores); dotted: the highest interval of a valid trial.", series, List.of(), chart);
        }

        static ChartFigure memory(ReportInputs in, EnvDetails e, String key) {
            List<TrialTrace> traces = e.traces(key).stream().filter(t -> t.memoryMiB()[0].length > 0).collect(Collectors.toList());
            if (traces.isEmpty()) return null;
            Row row = in.row(e.name(), key);
            String title = e.name() + ", " + ReportInputs.keyLabel(key) + ": memory in use";
            var chart = timeChart(title, "memory (MiB)");
            List<String> series = traceSeries(chart, traces, TrialTrace::memoryMiB);
            double[] range = xRange(traces, TrialTrace::memoryMiB);
            if (row != null && row.avgMemBytes() != null) {
                double v = row.avgMemBytes() / 1048576.0;
                series.add(level(chart, String.format(Locale.ROOT, "average %.1f MiB", v), v, range, ChartStyle.AVERAGE,
                        ChartStyle.DASHED));
            }
            if (row != null && row.peakMemBytes() != null) {
                double v = row.peakMemBytes() / 1048576.0;
                series.add(level(chart, String.format(Locale.ROOT, "peak %.1f MiB", v), v, range, ChartStyle.ALERT,
                        ChartStyle.DOTTED));
            }
            Long limit = e.memoryLimitBytes();
            double highest = Math.max(row == null || row.peakMemBytes() == null ? 0 : row.peakMemBytes() / 1048576.0,
                    traces.stream().flatMapToDouble(t -> Arrays.stream(t.memoryMiB()[1])).max().orElse(0));
            String limitNote = "";
            if (limit != null && limit / 1048576.0 <= 2 * highest) {
                series.add(level(chart, "limit " + e.memoryLimit(), limit / 1048576.0, range, ChartStyle.LIMIT, ChartStyle.SOLID));
            } else if (limit != null) {   // drawn, it would squash the curves into the bottom of the chart
                limitNote = " The memory limit, " + e.memoryLimit() + ", is far above and not drawn.";
            }
            return new ChartFigure(id("memory", e.name(), key), "resources", e.name(), title,
                    "Memory charged to the workload (cgroup memory.current, or the process tree's RSS) at each sample. "
                            + "Dashed: the time-weighted average of the valid trials; dotted: the peak, which includes the "
                            + "cgroup's own high-water mark, so it can sit above every sample." + limitNote, series, List.of(), chart);
        }

        /** Summed throttled periods per environment and size (the summary's Throttled column). */
        static ChartFigure throttledTotals(ReportInputs in) {
            List<String> envs = in.summary().rows().stream().map(Row::environment).distinct().collect(Collectors.toList());
            String title = "CPU throttling: CFS periods throttled (sum over the valid trials)";
            var chart = new org.knowm.xchart.CategoryChartBuilder().width(WIDE).height(380).title(title)
                    .xAxisTitle("environment").yAxisTitle("throttled periods (count)").build();
            ChartStyle.category(chart);
            List<String> series = new ArrayList<>();
            int colour = 0;
            double most = 0;
            for (String key : in.keys()) {
                List<Double> v = new ArrayList<>();
                for (String env : envs) {
                    Row r = in.row(env, key);
                    v.add(r == null || r.throttledEvents() == null ? null : r.throttledEvents().doubleValue());
                }
                if (v.stream().allMatch(Objects::isNull)) continue;
                String name = ReportInputs.keyLabel(key);
                chart.addSeries(name, envs, v).setFillColor(ChartStyle.color(colour++));
                series.add(name);
                most = Math.max(most, v.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).max().orElse(0));
            }
            if (series.isEmpty()) return null;
            if (most == 0) chart.getStyler().setYAxisMax(1.0);   // all 0: XChart would put 0 in the middle of the plot
            return new ChartFigure("throttling", "throttling", null, title,
                    "With a CPU limit the kernel gives the workload a quota per 100 ms period and stops it for the rest "
                            + "of a period once the quota is used: each such period counts once, summed over the trials. "
                            + "0 = never held back; about trials × seconds per trial ÷ 0.1 s = held back in every period.",
                    series, envs, chart);
        }

        /** Only for a limited environment that was throttled at all (the others are named in a sentence). */
        static ChartFigure throttledOverTime(EnvDetails e) {
            if (!e.limited() || !e.throttled()) return null;
            List<TrialTrace> traces = e.traces().stream().filter(t -> t.throttledPeriods()[0].length > 0).collect(Collectors.toList());
            String title = e.name() + ": throttled periods (cumulative)";
            var chart = timeChart(title, "throttled periods (count)");
            List<String> series = new ArrayList<>();
            boolean manyKeys = traces.stream().map(TrialTrace::key).distinct().count() > 1;
            int i = 0;
            for (TrialTrace t : traces) {
                String name = (manyKeys ? ReportInputs.keyLabel(t.key()) + " " : "") + t.label();
                double[][] xy = t.throttledPeriods();
                var line = chart.addSeries(name, xy[0], xy[1]);
                ChartStyle.trace(line, i++, traces.size(), xy[0].length);
                if (line.isShowInLegend()) series.add(name);
            }
            return new ChartFigure(id("throttling", e.name()), "throttling", e.name(), title,
                    "How many 100 ms CFS periods the workload had been throttled in since its timed loop started, per "
                            + "trial. A flat line: never held back; a steady climb: the CPU limit caps it.", series, List.of(), chart);
        }

        private static org.knowm.xchart.XYChart timeChart(String title, String yTitle) {
            var chart = new org.knowm.xchart.XYChartBuilder().width(NARROW).height(360).title(title)
                    .xAxisTitle("seconds since the timed loop started (s)").yAxisTitle(yTitle).build();
            ChartStyle.xy(chart);
            ChartStyle.fitTitle(chart);
            chart.getStyler().setXAxisMin(0.0);
            chart.getStyler().setYAxisMin(0.0);
            return chart;
        }

        /** A line per trial (coloured and named up to 8 trials; beyond that grey and named once). */
        private static List<String> traceSeries(org.knowm.xchart.XYChart chart, List<TrialTrace> traces,
                                                java.util.function.Function<TrialTrace, double[][]> values) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < traces.size(); i++) {
                double[][] xy = values.apply(traces.get(i));
                String name = traces.size() > ChartStyle.NAMED_TRACES && i == 0 ? "each trial (" + traces.size() + ")"
                        : traces.get(i).label();
                var line = chart.addSeries(name, xy[0], xy[1]);
                ChartStyle.trace(line, i, traces.size(), xy[0].length);
                if (line.isShowInLegend()) names.add(name);
            }
            return names;
        }

        private static double[] xRange(List<TrialTrace> traces, java.util.function.Function<TrialTrace, double[][]> values) {
            double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
            for (TrialTrace t : traces) for (double x : values.apply(t)[0]) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
            return hi > lo ? new double[] {lo, hi} : new double[] {lo - 0.5, lo + 0.5};
        }

        /** A horizontal reference line as a named series, so that the legend says what it is. */
        private static String level(org.knowm.xchart.XYChart chart, String name, double y, double[] range, java.awt.Color c,
                                    java.awt.BasicStroke stroke) {
            var line = chart.addSeries(name, range, new double[] {y, y});
            line.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            line.setLineColor(c);
            line.setLineStyle(stroke);
            return name;
        }
    }

    /** One look for every chart: white, a colour-blind-safe palette (Okabe and Ito), the legend below the plot. */
    static final class ChartStyle {
        static final java.awt.Color[] PALETTE = {new java.awt.Color(0x0072B2), new java.awt.Color(0xE69F00),
                new java.awt.Color(0x009E73), new java.awt.Color(0xCC79A7), new java.awt.Color(0x56B4E9),
                new java.awt.Color(0xD55E00), new java.awt.Color(0x999933), new java.awt.Color(0x332288)};
        static final java.awt.Color BAR = new java.awt.Color(0x9ECAE9), DOT = new java.awt.Color(0x1F3B57),
                ALERT = new java.awt.Color(0xC0392B), AVERAGE = new java.awt.Color(0x333333),
                LIMIT = new java.awt.Color(0x7B2CBF), GRID = new java.awt.Color(0xE3E3E3), GREY = new java.awt.Color(0xB0B0B0);
        static final java.awt.BasicStroke SOLID = new java.awt.BasicStroke(1.5f),
                DASHED = new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f,
                        new float[] {6f, 4f}, 0f),
                DOTTED = new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_ROUND, java.awt.BasicStroke.JOIN_ROUND, 10f,
                        new float[] {1f, 4f}, 0f);
        static final int NAMED_TRACES = 8;

        private ChartStyle() {}

        static java.awt.Color color(int i) { return PALETTE[Math.floorMod(i, PALETTE.length)]; }

        static void category(org.knowm.xchart.CategoryChart chart) {
            common(chart.getStyler());
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setErrorBarsColor(new java.awt.Color(0x222222));
            chart.getStyler().setPlotGridVerticalLinesVisible(false);
        }

        static void xy(org.knowm.xchart.XYChart chart) {
            common(chart.getStyler());
            chart.getStyler().setMarkerSize(6);
            // XChart does not wrap a legend: below the plot a long one is cut off, to its right it takes the room it needs.
            chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
            chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Vertical);
        }

        static void common(org.knowm.xchart.style.AxesChartStyler s) {
            s.setChartBackgroundColor(java.awt.Color.WHITE);
            s.setPlotBackgroundColor(java.awt.Color.WHITE);
            s.setPlotBorderColor(GREY);
            s.setPlotGridLinesColor(GRID);
            s.setLegendBorderColor(java.awt.Color.WHITE);
            s.setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
            s.setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
            s.setChartTitleBoxVisible(false);
            s.setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 15));
            s.setAxisTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
            s.setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
            s.setLegendFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
            s.setSeriesColors(PALETTE);
            s.setAntiAlias(true);
        }

        /** XChart centres the title over the plot and never wraps it: a long one (a long environment name) gets a smaller font. */
        static void fitTitle(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
            var styler = chart.getStyler();
            var context = new java.awt.font.FontRenderContext(null, true, true);
            java.awt.Font font = styler.getChartTitleFont();
            while (font.getSize() > 9 && font.getStringBounds(chart.getTitle(), context).getWidth() > chart.getWidth() - 60) {
                font = font.deriveFont((float) font.getSize() - 1);
            }
            styler.setChartTitleFont(font);
        }

        /** A trial's line: coloured up to NAMED_TRACES trials, else grey and in the legend once; markers on short lines. */
        static void trace(org.knowm.xchart.XYSeries line, int i, int count, int points) {
            java.awt.Color c = count > NAMED_TRACES ? GREY : color(i);
            line.setLineColor(c);
            line.setMarkerColor(c);
            line.setMarker(points <= 30 ? org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE
                    : org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            line.setShowInLegend(count <= NAMED_TRACES || i == 0);
        }
    }

    /** A chart as SVG to inline in HTML: no XML prolog, ids unique on the page, coordinates to 1/100 px, a title. */
    static final class SvgChart {
        private SvgChart() {}

        static String inline(ChartFigure c) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            org.knowm.xchart.VectorGraphicsEncoder.saveVectorGraphic(c.chart(), out,
                    org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            String svg = out.toString(StandardCharsets.UTF_8);
            svg = svg.substring(svg.indexOf("<svg")).strip();   // drop <?xml …?> and the DOCTYPE (a DTD URL): not allowed inline
            if (svg.indexOf("xlink:", svg.indexOf("xmlns:xlink") + 1) < 0) svg = svg.replaceFirst(" xmlns:xlink=\"[^\"]*\"", "");
            // VectorGraphics2D names clip paths by hash code: prefix them so that two charts never share one.
            svg = svg.replaceAll("id=\"([^\"]+)\"", "id=\"" + c.id() + "-$1\"").replaceAll("url\\(#([^)]+)\\)", "url(#" + c.id() + "-$1)");
            svg = svg.replaceAll("(\\d\\.\\d{2})\\d+", "$1");   // 1/100 px is finer than any screen; halves the size
            svg = svg.replaceFirst("<svg ", "<svg class=\"chart\" role=\"img\" aria-labelledby=\"" + c.id() + "-title\" ")
                    .replaceFirst("height=\"([0-9.]+)px\"", "height=\"$1\"").replaceFirst("width=\"([0-9.]+)px\"", "width=\"$1\"");
            int open = svg.indexOf('>') + 1;
            return svg.substring(0, open) + "\n  <title id=\"" + c.id() + "-title\">" + Html.esc(c.title()) + "</title>"
                    + svg.substring(open);
        }
    }

    /** The page itself: sections in the order a reader asks their questions. Everything from the files is escaped. */
    static final class HtmlPage {
        private HtmlPage() {}

        static String render(ReportInputs in, List<ChartFigure> charts, Map<String, String> svgs, String generatedUtc) {
            Summary s = in.summary();
            String folderName = in.folder().toAbsolutePath().normalize().getFileName().toString();
            StringBuilder h = new StringBuilder();
            h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                    // Offline by construction: the browser may load nothing at all, only inline styles and images.
                    .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
                    .append("<title>mmb benchmark report: ").append(Html.esc(folderName)).append("</title>\n")
                    .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
            header(h, in, folderName, generatedUtc);
            warnings(h, s);
            h.append("<section id=\"throughput\">\n<h2>Throughput</h2>\n<p>How many floating-point operations per second each "
                    + "environment achieved in its timed loop (MFLOPS = millions per second; one multiplication of two N×N "
                    + "matrices is 2·N³ operations). Higher is better.</p>\n");
            for (ChartFigure c : charts) if (c.section().equals("throughput")) figure(h, c, svgs);
            h.append("</section>\n");
            h.append("<section id=\"startup\">\n<h2>Start-up</h2>\n<p>How long each environment takes to start the program, "
                    + "trial by trial. Lower is better.</p>\n");
            boolean any = false;
            for (ChartFigure c : charts) if (c.section().equals("startup")) { figure(h, c, svgs); any = true; }
            if (!any) h.append("<p class=\"empty\">No valid trial recorded a start-up time.</p>\n");
            h.append("</section>\n");
            resources(h, in, charts, svgs);
            throttling(h, in, charts, svgs);
            summaryTables(h, s);
            metadata(h, in);
            glossary(h, s);
            h.append("<footer><p>Written by metaorchestrator ").append(Html.esc(VERSION)).append(" (")
                    .append(Html.esc(generatedUtc)).append(") next to summary.md, summary.csv and summary.json, which hold "
                            + "the same statistics. Charts drawn with XChart; a 300 DPI PNG of each is in <code>")
                    .append(HtmlReport.CHART_FOLDER).append("/</code>.</p></footer>\n</main>\n</body>\n</html>\n");
            return h.toString();
        }

        private static void header(StringBuilder h, ReportInputs in, String folderName, String generatedUtc) {
            Summary s = in.summary();
            long envs = s.rows().stream().map(Row::environment).distinct().count();
            h.append("<header>\n<h1>mmb benchmark report: <span class=\"folder\">").append(Html.esc(folderName)).append("</span></h1>\n")
                    .append("<p class=\"lead\">The same program — mmb, which multiplies two N×N matrices of doubles over "
                            + "and over for a fixed time — was run in each environment below: a Debian container, a static "
                            + "binary, WebAssembly under different runtimes, … Each environment ran several <em>trials</em> per "
                            + "matrix size N. This page compares their speed (throughput), their start-up, and the CPU and "
                            + "memory they used, with <strong>")
                    .append(Html.esc(s.baseline())).append("</strong> as the baseline every other environment is compared "
                            + "with.</p>\n<p class=\"meta\">")
                    .append(envs).append(" environment(s) with results");
            JsonNode run = in.run();
            if (run != null) {
                h.append(" · run ").append(Html.esc(run.path("run_id").asText("?"))).append(" · ")
                        .append(Html.esc(run.path("status").asText("?")));
                if (run.path("started_utc").isTextual()) h.append(" · started ").append(Html.esc(run.path("started_utc").asText()));
                String host = run.path("host").path("hostname").asText("");
                if (!host.isEmpty()) h.append(" · host ").append(Html.esc(host));
            }
            h.append(" · report written ").append(Html.esc(generatedUtc)).append("</p>\n<nav><strong>Contents:</strong> ")
                    .append("<a href=\"#warnings\">Warnings (").append(s.notes().size()).append(")</a> · ")
                    .append("<a href=\"#throughput\">Throughput</a> · <a href=\"#startup\">Start-up</a> · ")
                    .append("<a href=\"#resources\">CPU and memory over time</a> · <a href=\"#throttling\">Throttling</a> · ")
                    .append("<a href=\"#summary\">Summary table</a> · <a href=\"#run\">Run details</a> · ")
                    .append("<a href=\"#glossary\">How to read this page</a></nav>\n</header>\n");
        }

        /** The Summary's notes, each with what kind of warning it is. */
        private static void warnings(StringBuilder h, Summary s) {
            h.append("<section id=\"warnings\">\n<h2>Warnings</h2>\n");
            if (s.notes().isEmpty()) {
                h.append("<p class=\"ok\">None: every trial is valid, no outliers, no environment skipped or failed, and "
                        + "no Wasm environment looks like it ran in an interpreter.</p>\n</section>\n");
                return;
            }
            h.append("<p>Read these before the numbers: they say which numbers to distrust or where some are missing.</p>\n<ul class=\"warnings\">\n");
            List<String> bySeverity = new ArrayList<>(s.notes());   // missing environments first, a single odd trial last
            bySeverity.sort(Comparator.comparingInt(n -> SEVERITY.indexOf(warningKind(n)[0])));
            for (String n : bySeverity) {
                String[] kind = warningKind(n);
                h.append("<li class=\"warning ").append(kind[0]).append("\"><span class=\"tag\">").append(Html.esc(kind[1]))
                        .append("</span> ").append(Html.esc(n)).append("</li>\n");
            }
            h.append("</ul>\n</section>\n");
        }

        static final List<String> SEVERITY = List.of("skipped", "missing", "environment", "interpreter", "trials", "outlier", "other");

        /** {css class, label} of a Summary note, from its wording (Summary.of writes them). */
        static String[] warningKind(String note) {
            if (note.contains("likely interpreter mode")) return new String[] {"interpreter", "likely interpreter mode"};
            if (note.contains("is an outlier")) return new String[] {"outlier", "outlier"};
            if (note.contains("left out of the statistics")) return new String[] {"trials", "failed or invalid trials"};
            if (note.contains("(skipped")) return new String[] {"skipped", "skipped environment"};
            if (note.contains("no results")) return new String[] {"missing", "no results"};
            if (note.contains(": interrupted")) return new String[] {"environment", "interrupted"};
            if (note.contains(": failed") || note.contains(": not run")) return new String[] {"environment", "environment failed"};
            return new String[] {"other", "note"};
        }

        private static void resources(StringBuilder h, ReportInputs in, List<ChartFigure> charts, Map<String, String> svgs) {
            h.append("<section id=\"resources\">\n<h2>CPU and memory over time</h2>\n<p>Per environment and size, one line "
                    + "per trial from its samples, time 0 being the start of the timed loop (BENCH_START). The average "
                    + "and the peak are marked as horizontal lines.</p>\n");
            for (EnvDetails e : in.envs()) {
                EnvRef ref = e.results().ref();
                h.append("<h3 id=\"env-").append(ReportCharts.id(e.name())).append("\">").append(Html.esc(e.name()))
                        .append(" <small>").append(Html.esc(ref.image())).append(" · runtime class ")
                        .append(Html.esc(ref.runtimeClass())).append("</small></h3>\n");
                List<String> notes = in.summary().notes().stream()
                        .filter(n -> n.startsWith(e.name() + " ") || n.startsWith(e.name() + ":")).collect(Collectors.toList());
                for (String n : notes) h.append("<p class=\"inline-warning\">⚠ ").append(Html.esc(n)).append("</p>\n");
                List<ChartFigure> mine = charts.stream().filter(c -> c.section().equals("resources") && e.name().equals(c.environment()))
                        .collect(Collectors.toList());
                if (mine.isEmpty()) {
                    h.append("<p class=\"empty\">No samples in this environment's result file.</p>\n");
                    continue;
                }
                h.append("<div class=\"grid\">\n");
                for (ChartFigure c : mine) figure(h, c, svgs);
                h.append("</div>\n");
            }
            h.append("</section>\n");
        }

        private static void throttling(StringBuilder h, ReportInputs in, List<ChartFigure> charts, Map<String, String> svgs) {
            h.append("<section id=\"throttling\">\n<h2>Throttling</h2>\n");
            if (!in.anyLimit()) {
                h.append("<p class=\"empty\">No CPU or memory limit was set in this run (config <code>cpu_limit</code>, "
                        + "<code>memory_limit</code>), so nothing held the workloads back and there is no throttling to "
                        + "show. The summary table still lists the throttled periods the kernel counted.</p>\n</section>\n");
                return;
            }
            Map<String, List<String>> byLimits = new LinkedHashMap<>();   // usually one set of limits for every environment
            for (EnvDetails e : in.envs()) {
                String limits = !e.limited() ? "none" : Stream.of(e.cpuLimit() == null ? null : "CPU " + ReportInputs.cores(e.cpuLimit()),
                        e.memoryLimit() == null ? null : "memory " + e.memoryLimit()).filter(Objects::nonNull)
                        .collect(Collectors.joining(", "));
                byLimits.computeIfAbsent(limits, k -> new ArrayList<>()).add(e.name());
            }
            h.append("<p>Limits set: ").append(byLimits.size() == 1 ? Html.esc(byLimits.keySet().iterator().next())
                    + " for every environment" : byLimits.entrySet().stream().map(x -> Html.esc(x.getKey()) + " for "
                    + Html.esc(String.join(", ", x.getValue()))).collect(Collectors.joining("; ")));
            h.append(". A memory limit is drawn on the memory charts above when it is near the curves, a CPU limit on the "
                    + "CPU charts.</p>\n");
            for (ChartFigure c : charts) if (c.section().equals("throttling") && c.environment() == null) figure(h, c, svgs);
            List<String> never = in.envs().stream().filter(e -> e.limited() && !e.throttled()).map(EnvDetails::name)
                    .collect(Collectors.toList());
            if (!never.isEmpty()) {
                h.append("<p>Never throttled in any sample: ").append(Html.esc(String.join(", ", never))).append(".</p>\n");
            }
            h.append("<div class=\"grid\">\n");
            for (ChartFigure c : charts) if (c.section().equals("throttling") && c.environment() != null) figure(h, c, svgs);
            h.append("</div>\n</section>\n");
        }

        private static void figure(StringBuilder h, ChartFigure c, Map<String, String> svgs) {
            h.append("<figure class=\"chart\" id=\"chart-").append(c.id()).append("\" data-chart=\"").append(c.id())
                    .append("\" data-series=\"").append(Html.esc(String.join("|", c.series()))).append("\"");
            if (!c.categories().isEmpty()) {
                h.append(" data-categories=\"").append(Html.esc(String.join("|", c.categories()))).append("\"");
            }
            h.append(">\n").append(svgs.get(c.id())).append("\n<figcaption><span class=\"how\">How to read: ")
                    .append(Html.esc(c.howToRead())).append("</span> <span class=\"png\">PNG: <code>")
                    .append(HtmlReport.CHART_FOLDER).append("/").append(c.id()).append(".png</code></span></figcaption>\n</figure>\n");
        }

        /** The Summary's two tables (SummaryTables, as in summary.md), verdicts coloured. */
        private static void summaryTables(StringBuilder h, Summary s) {
            h.append("<section id=\"summary\">\n<h2>Summary table</h2>\n<p>").append(Html.esc(SummaryTables.heading(s)))
                    .append(". The same numbers as summary.md.</p>\n");
            for (Table t : SummaryTables.of(s)) {
                int verdict = t.headers().indexOf("Verdict");
                h.append("<div class=\"table\"><table>\n<caption>").append(Html.esc(t.title())).append("</caption>\n<thead><tr>");
                for (String head : t.headers()) h.append("<th>").append(Html.esc(head)).append("</th>");
                h.append("</tr></thead>\n<tbody>\n");
                for (List<String> r : t.rows()) {
                    h.append("<tr>");
                    for (int i = 0; i < r.size(); i++) {
                        List<String> cls = new ArrayList<>();
                        if (t.rightAligned().contains(i)) cls.add("num");
                        if (i == verdict) cls.add("verdict-" + r.get(i).replaceAll(" \\(.*", "").replaceAll("[^a-z]+", "-"));
                        h.append(cls.isEmpty() ? "<td>" : "<td class=\"" + String.join(" ", cls) + "\">")
                                .append(Html.esc(r.get(i))).append("</td>");
                    }
                    h.append("</tr>\n");
                }
                h.append("</tbody></table></div>\n");
            }
            h.append("</section>\n");
        }

        /** run.json (run, environments, host, versions, config as used) and what each result file says about itself. */
        private static void metadata(StringBuilder h, ReportInputs in) {
            h.append("<section id=\"run\">\n<h2>Run details</h2>\n");
            JsonNode run = in.run();
            if (run == null) {
                h.append("<p class=\"empty\">This folder has no run.json (the suite writes one; single_env_bench alone does "
                        + "not), so the run's outcome, skipped environments and versions are unknown. What each result file "
                        + "says about itself is below.</p>\n");
            } else {
                h.append("<h3>Run</h3>\n<table class=\"kv\">\n");
                kv(h, "run id", run.path("run_id"));
                kv(h, "status", run.path("status"));
                if (run.path("exit_code").isInt()) {
                    int code = run.path("exit_code").asInt();
                    h.append("<tr><th>exit status</th><td>").append(code).append(" (").append(Html.esc(Display.exitMeaning(code)))
                            .append(")</td></tr>\n");
                }
                kv(h, "started", run.path("started_utc"));
                kv(h, "ended", run.path("ended_utc"));
                if (run.path("started").isNumber() && run.path("ended").isNumber()) {
                    h.append("<tr><th>duration</th><td>").append(Html.esc(Display.duration(run.path("ended").asDouble()
                            - run.path("started").asDouble()))).append("</td></tr>\n");
                }
                for (String k : List.of("config_file", "order", "baseline", "significance_level", "resume", "fail_fast")) {
                    kv(h, k.replace('_', ' '), run.path(k));
                }
                kv(h, "selected", run.path("selected"));
                h.append("</table>\n<h3>Environments</h3>\n<div class=\"table\"><table>\n<thead><tr><th>Environment</th>"
                        + "<th>Image</th><th>Runtime class</th><th>Result file</th><th>Outcome</th><th>Detail</th>"
                        + "<th>Trials reported</th><th>Child runs</th></tr></thead>\n<tbody>\n");
                for (JsonNode e : run.path("environments")) {
                    String outcome = e.path("outcome").asText("");
                    h.append("<tr class=\"outcome-").append(outcome.replaceAll("[^a-z]+", "-")).append("\"><td>")
                            .append(Html.esc(e.path("name").asText())).append("</td><td>").append(Html.esc(e.path("image").asText()))
                            .append("</td><td>").append(Html.esc(e.path("runtime_class").asText())).append("</td><td>")
                            .append(Html.esc(e.path("result_file").asText())).append("</td><td>").append(Html.esc(outcome))
                            .append("</td><td>").append(Html.esc(e.path("detail").asText(""))).append("</td><td>")
                            .append(Html.esc(Html.inline(e.path("trials_reported")))).append("</td><td class=\"num\">")
                            .append(e.path("invocations").size()).append("</td></tr>\n");
                }
                h.append("</tbody></table></div>\n");
                h.append("<h3>Host</h3>\n");
                Html.tree(h, run.path("host"));
                h.append("<h3>Versions</h3>\n");
                Html.tree(h, run.path("versions"));
                h.append("<h3>Configuration as used</h3>\n");
                Html.tree(h, run.path("config").path("shared_args"));
            }
            h.append("<h3>Result files</h3>\n<div class=\"table\"><table>\n<thead><tr><th>Environment</th><th>File</th>"
                    + "<th>single_env_bench</th><th>Backend</th><th>Sampler</th><th>Runtime version</th><th>Program</th>"
                    + "<th>Duration / warmup / interval</th><th>Limits</th><th>Host</th></tr></thead>\n<tbody>\n");
            for (EnvDetails e : in.envs()) {
                JsonNode f = e.file(), env = f.path("environment"), flags = f.path("flags"), host = f.path("host");
                JsonNode program = null;
                for (JsonNode list : f.path("results")) for (JsonNode t : list) if (program == null && t.path("program").isObject()) program = t.path("program");
                String prog = program == null ? "–" : program.path("compiler").asText("?") + " " + program.path("flags").asText("")
                        + " → " + program.path("target").asText("?");
                String limits = (e.cpuLimit() == null ? "" : "CPU " + ReportInputs.cores(e.cpuLimit()) + ", ")
                        + (e.memoryLimit() == null ? "" : "memory " + e.memoryLimit());
                h.append("<tr><td>").append(Html.esc(e.name())).append("</td><td>")
                        .append(Html.esc(e.results().ref().resultFile().getFileName().toString())).append("</td><td>")
                        .append(Html.esc(f.path("tool").path("version").asText("?"))).append("</td><td>")
                        .append(Html.esc(env.path("backend").asText("?"))).append("</td><td>")
                        .append(Html.esc(env.path("sampler").asText("?"))).append("</td><td>")
                        .append(Html.esc(env.path("runtime_version").asText("–"))).append("</td><td>").append(Html.esc(prog))
                        .append("</td><td>").append(Html.esc(Html.inline(flags.path("duration")) + " s / "
                                + Html.inline(flags.path("warmup_seconds")) + " s / " + Html.inline(flags.path("interval")) + " s"))
                        .append("</td><td>").append(Html.esc(limits.isBlank() ? "none" : limits.replaceAll(", $", ""))).append("</td><td>")
                        .append(Html.esc(host.path("hostname").asText("?") + " · " + host.path("cpu_model").asText("?") + " · "
                                + host.path("cores").asText("?") + " cores · " + host.path("kernel").asText("?")))
                        .append("</td></tr>\n");
            }
            h.append("</tbody></table></div>\n</section>\n");
        }

        private static void kv(StringBuilder h, String key, JsonNode value) {
            if (value.isMissingNode() || value.isNull()) return;
            h.append("<tr><th>").append(Html.esc(key)).append("</th><td>").append(Html.esc(Html.inline(value))).append("</td></tr>\n");
        }

        private static void glossary(StringBuilder h, Summary s) {
            String ci = Display.percent(1 - s.significanceLevel());
            h.append("<section id=\"glossary\">\n<h2>How to read this page</h2>\n<dl>\n")
                    .append("<dt>Environment</dt><dd>An image (what runs) and a runtime class (how it runs): a native binary, "
                            + "a static binary, or the same WebAssembly module under wasmtime, WasmEdge, Wasmer, WAMR or Node.js.</dd>\n")
                    .append("<dt>Trial</dt><dd>One start of the program: a warmup, then a timed loop of whole multiplications. "
                            + "<em>Valid</em> trials finished and passed mmb's own check of the result; only those count.</dd>\n")
                    .append("<dt>Throughput (MFLOPS)</dt><dd>2·N³ floating-point operations per multiplication × multiplications "
                            + "÷ seconds, in millions. Higher is better. CV % is the trial-to-trial noise (standard deviation ÷ mean).</dd>\n")
                    .append("<dt>Ratio to the baseline</dt><dd>Mean throughput ÷ the baseline's mean at the same size: 0.8 = 80 % "
                            + "of the baseline's speed. The ± is the spread of one trial's ratio; the ").append(ci)
                    .append(" CI is the interval the true ratio lies in with ").append(ci).append(" confidence.</dd>\n")
                    .append("<dt>Verdict</dt><dd>Welch's t-test, two-sided, α = ").append(Html.esc(ChildArgs.num(s.significanceLevel())))
                    .append(": <em>faster</em> or <em>slower</em> when the difference is significant, <em>no significant "
                            + "difference</em> otherwise — which means not shown to differ with these few trials, not equal.</dd>\n")
                    .append("<dt>Outlier</dt><dd>A trial far from the others (modified Z-score above 3.5). It is flagged, never "
                            + "dropped: it still counts in every statistic.</dd>\n")
                    .append("<dt>Likely interpreter mode</dt><dd>A Wasm environment under 0.1× the native throughput: JIT and "
                            + "AOT engines reach 0.4–0.95× native, interpreters far less, so the runtime probably interpreted the "
                            + "module.</dd>\n")
                    .append("<dt>Cold start, time to main</dt><dd>From asking for the workload to seeing it run, and to the "
                            + "program's first line of output.</dd>\n")
                    .append("<dt>CPU cores, memory</dt><dd>Read from the workload's cgroup (or its processes) every sampling "
                            + "interval during the timed loop. 1 core = one CPU busy all the time. MiB = 1,048,576 bytes.</dd>\n")
                    .append("<dt>Throttling</dt><dd>With a CPU limit, the number of 100 ms scheduler periods in which the "
                            + "workload used up its quota and had to wait.</dd>\n</dl>\n</section>\n");
        }

        static final String CSS = """
                :root { color-scheme: light; --ink: #1d2430; --muted: #5b6573; --line: #d9dee5; --warn: #fff4e0; --bad: #fdeceb; }
                * { box-sizing: border-box; }
                body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                       color: var(--ink); background: #f5f6f8; }
                main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
                h1 { font-size: 26px; margin: 0 0 8px; } h1 .folder { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
                h2 { font-size: 21px; margin: 36px 0 8px; padding-top: 8px; border-top: 2px solid var(--line); }
                h3 { font-size: 17px; margin: 24px 0 6px; } h3 small { font-weight: normal; color: var(--muted); }
                .lead { font-size: 16px; max-width: 70em; } .meta { color: var(--muted); }
                nav { background: #eef2f7; padding: 8px 12px; border-radius: 6px; }
                a { color: #0b5cad; }
                ul.warnings { list-style: none; padding: 0; }
                li.warning { background: var(--warn); border-left: 4px solid #e69f00; margin: 4px 0; padding: 6px 10px; }
                li.warning.interpreter, li.warning.environment, li.warning.missing, li.warning.skipped { background: var(--bad); border-color: #c0392b; }
                .tag { display: inline-block; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .03em;
                       background: #fff; border: 1px solid currentColor; border-radius: 3px; padding: 0 5px; margin-right: 6px; }
                .inline-warning { background: var(--warn); padding: 4px 10px; margin: 4px 0; }
                .ok { background: #e8f6ee; padding: 6px 10px; } .empty { color: var(--muted); font-style: italic; }
                figure.chart { margin: 12px 0 20px; }
                svg.chart { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); }
                figcaption { color: var(--muted); font-size: 13.5px; margin-top: 4px; max-width: 1000px; }
                figcaption .png { white-space: nowrap; }
                .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 0 20px; }
                .table { overflow-x: auto; }
                table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13.5px; }
                caption { text-align: left; font-weight: 600; padding: 4px 0; }
                th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
                thead th { background: #eef2f7; } tbody td:first-child { white-space: nowrap; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
                table.kv th { font-weight: 600; color: var(--muted); white-space: nowrap; }
                td.verdict-faster { background: #e8f6ee; } td.verdict-slower { background: var(--bad); }
                td.verdict-baseline { font-weight: 600; }
                tr.outcome-failed td, tr.outcome-skipped td, tr.outcome-interrupted td, tr.outcome-not-run td { background: var(--bad); }
                dt { font-weight: 600; margin-top: 8px; } dd { margin: 0 0 0 1.5em; max-width: 70em; }
                code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 90%; }
                footer { margin-top: 36px; color: var(--muted); font-size: 13px; }
                """;
    }

    /** HTML text: escaping, and JSON values as readable text or nested key/value tables. */
    static final class Html {
        private Html() {}

        static String esc(String s) {
            if (s == null) return "";
            StringBuilder b = new StringBuilder(s.length());
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '<' -> b.append("&lt;");
                    case '>' -> b.append("&gt;");
                    case '&' -> b.append("&amp;");
                    case '"' -> b.append("&quot;");
                    case '\'' -> b.append("&#39;");
                    default -> b.append(c);
                }
            }
            return b.toString();
        }

        /** A JSON value on one line: scalars as text, lists joined, objects as key=value. */
        static String inline(JsonNode v) {
            if (v == null || v.isMissingNode() || v.isNull()) return "–";
            if (v.isValueNode()) return v.asText();
            List<String> parts = new ArrayList<>();
            if (v.isArray()) for (JsonNode x : v) parts.add(inline(x));
            else v.fields().forEachRemaining(f -> parts.add(f.getKey() + " " + inline(f.getValue())));
            return String.join(", ", parts);
        }

        /** An object as a key/value table, nested objects as nested tables. */
        static void tree(StringBuilder h, JsonNode v) {
            if (v == null || !v.isObject() || v.size() == 0) {
                h.append("<p class=\"empty\">not recorded</p>\n");
                return;
            }
            h.append("<table class=\"kv\">\n");
            v.fields().forEachRemaining(f -> {
                h.append("<tr><th>").append(esc(f.getKey().replace('_', ' '))).append("</th><td>");
                if (f.getValue().isObject() && f.getValue().size() > 0) tree(h, f.getValue());
                else if (f.getKey().endsWith("_bytes") && f.getValue().canConvertToLong()) {
                    h.append(f.getValue().asLong()).append(String.format(Locale.ROOT, " (%.1f GiB)", f.getValue().asLong() / 1073741824.0));
                } else h.append(esc(inline(f.getValue())));
                h.append("</td></tr>\n");
            });
            h.append("</table>\n");
        }
    }

    /** Jackson, shared: pretty output, atomic writes, parse errors as file:line:column problems. */
    static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        private Json() {}

        static void writeAtomically(Path file, Object tree) throws IOException {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            MAPPER.writeValue(tmp.toFile(), tree);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        static Problem problem(Path file, JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? file.toString() : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
            return new Problem(where, "", "not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Formatting for people: numbers, durations, paths, shell quoting. Locale.ROOT: a dot, always. */
    static final class Display {
        private Display() {}

        static double now() { return System.currentTimeMillis() / 1000.0; }

        /** Unix seconds with milliseconds, written as a plain decimal (not 1.7E9). */
        static java.math.BigDecimal unix(double seconds) { return java.math.BigDecimal.valueOf(Math.round(seconds * 1000), 3); }

        static Map<String, Object> orderedMap(Object... keyValues) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
            return m;
        }

        static String iso(double unixSeconds) {
            return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(Math.round(unixSeconds * 1000)));
        }

        static String mflops(double v) { return String.format(Locale.ROOT, "%.1f", v); }

        static String oneDecimal(double v) { return String.format(Locale.ROOT, "%.1f", v); }

        static String ratio(double v) {
            return Math.abs(v) < 0.1 && v != 0 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.3f", v);
        }

        static String percent(double fraction) { return ChildArgs.num(Math.round(fraction * 10000) / 100.0) + "%"; }

        static String pValue(double p) {
            if (p < 0.0001) return "< 0.0001";
            return "= " + String.format(Locale.ROOT, "%.2g", p);
        }

        static String secondsOrDash(Double s) { return s == null ? "–" : String.format(Locale.ROOT, "%.3f s", s); }

        static String seconds(double s) { return ChildArgs.num(s) + " s"; }

        static String mib(Long bytes) {
            return bytes == null ? "–" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
        }

        /** 75 → "1 min 15 s"; 4000 → "1 h 7 min". */
        static String duration(double seconds) {
            long s = Math.round(seconds);
            if (s < 60) return s + " s";
            if (s < 3600) return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
            return (s / 3600) + " h " + ((s % 3600) / 60) + " min";
        }

        /** 75 → "1:15"; 3725 → "1:02:05". */
        static String clock(double seconds) {
            long s = Math.max(0, Math.round(seconds));
            return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60)
                    : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }

        static int width(String s) { return s.codePointCount(0, s.length()); }

        static Path path(Path p) {
            Path cwd = Paths.get("").toAbsolutePath();
            Path abs = p.toAbsolutePath().normalize();
            return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs) : abs;
        }

        static String shellQuote(List<String> argv) {
            return argv.stream().map(a -> a.matches("[A-Za-z0-9_./:=,@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
                    .collect(Collectors.joining(" "));
        }

        static String exitMeaning(int code) {
            return switch (code) {
                case Exit.OK -> "every environment completed with valid results";
                case Exit.FAILED -> "an environment failed or has failed/invalid trials";
                case Exit.SKIPPED -> "no failure, but an environment was skipped";
                case Exit.INTERRUPTED -> "interrupted; completed trials kept";
                default -> "see --help";
            };
        }
    }
}
