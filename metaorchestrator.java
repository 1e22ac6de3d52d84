///usr/bin/env jbang "$0" "$@" ; exit $?
// metaorchestrator.java — the suite. Reads bench_config.yaml, runs single_env_bench.java once per
// environment (interleaved: the same child runs each of its rounds), shows progress, and then says what
// the numbers mean: a summary that compares every environment with a baseline, and report.html, its charts.
//
//   jbang metaorchestrator.java [--config FILE] [--backend local|k8s] [--only NAME…] [--dry-run] …
//   jbang metaorchestrator.java report RESULTS_FOLDER
//
// Read it top-down, like a table of contents:
//   1. CLI            Exit, Io, Cli (the options), FlagErrors (all at once), ReportCommand (`report FOLDER`)
//   2. Config         the model (SharedArgs, SharedKey: the contract with the child, EnvironmentSpec,
//                     SuiteConfig), ConfigLoader (walks the YAML nodes, applies overrides), YamlFile (safe
//                     reading), NodeValues (typed values),
//                     Problems (file:line:column messages), Names (DNS-1123, images, "did you mean")
//   3. Plan           Plan, ChildArgs (the child's command line), ChildLauncher (which script, which JBang),
//                     Estimate, RuntimeProbe (which runtimes are installed), ClusterCheck (kubectl answers?), DryRun
//   4. Suite runner   ClusterPreflight (k8s: the cluster checked once, before anything runs),
//                     ChildExit (the child's exit statuses), SuiteRunner (order, exit statuses), AdaptiveRounds (who needs another round),
//                     ChildRun (one child, prefixed output), KeptChild (one child for all rounds), TrialLine,
//                     TrialLedger (which trials exist), Progress (ETA), Interrupts (SIGINT), RunRecord (run.json),
//                     HostInfo, ToolVersions, SudoOwnership
//   5. Summary        ResultFile, RunJson (the two JSON files, typed), ResultsFolder (reads each once), Stats,
//                     StudentT, Welch (on logs), Comparison (ratio, verdict), NoteKind/Note, Criteria, Summary (the
//                     rows), Headline (plain words), Report
//   6. Output formats SummaryTables, TextFormat, MarkdownFormat, CsvFormat, JsonFormat;
//                     report.html: HtmlReport (writes it), ReportInputs (samples, slices, limits, the harness's
//                     spawn cost, run.json), ReportCharts
//                     (XChart), ChartStyle, SvgChart (inline SVG), HtmlPage (the Mustache template), View (its
//                     view records), Html; Json, Display
// It shares nothing with single_env_bench.java but that script's command line and its JSON result file
// (docs/results.schema.json). docs/suite.md documents the config keys, docs/statistics.md the summary.
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS org.yaml:snakeyaml:2.3
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//DEPS org.zeroturnaround:zt-exec:1.12
//DEPS org.knowm.xchart:xchart:3.8.8
//DEPS org.apache.commons:commons-math3:3.6.1
//DEPS com.samskivert:jmustache:1.16
// C1 only and the serial GC: the script's one busy stretch is report.html, a few seconds of drawing, in which C2's
// compiling and G1 cost more than they save (`report` of results/demo: 8-10 s of CPU → 5; single_env_bench does the same).
//JAVA_OPTIONS -Djava.awt.headless=true -XX:+UseSerialGC -XX:TieredStopAtLevel=1

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
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
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
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

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.Writer;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
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
            synopsisHeading = "", customSynopsis = {   // as the README writes it; picocli's breaks inside "N[,N…]"
                    "Usage: metaorchestrator [--config FILE] [--backend local|k8s] [--sizes N,N]",
                    "         [--trials N] [--duration S] [--only NAME,NAME] [--baseline NAME]",
                    "         [--order sequential|interleaved] [--results-subfolder-name NAME]",
                    "         [--resume | --overwrite] [--fail-fast] [--dry-run [--verbose]]",
                    "         [--single-env-bench FILE] [--jbang FILE]",
                    "       metaorchestrator report RESULTS_FOLDER [--baseline NAME]",
                    "       metaorchestrator --help | --version", ""},
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
            footerHeading = "%nExamples:%n")
    static final class Cli implements Callable<Integer> {

        /** Printed as is, never wrapped: a command broken over two lines cannot be copied. */
        static final String EXAMPLES = String.join("\n",
                "  # the plan of bench_config.yaml: what would run, how long; does K3s answer?",
                "  jbang metaorchestrator.java --dry-run",
                "  # the whole suite on K3s, as root (with sudo: sudo \"$(command -v jbang)\" …)",
                "  jbang metaorchestrator.java",
                "  # the demo of make bench: local processes, short trials",
                "  jbang metaorchestrator.java --config bench_local.yaml --trials 2",
                "  # fill in what is missing for one environment",
                "  jbang metaorchestrator.java --only mmb-wasm-wasmtime --resume",
                "  # the summary and report.html of a results folder again, nothing run",
                "  jbang metaorchestrator.java report results/initial_bm", "");

        @Option(names = "--config", paramLabel = "FILE", defaultValue = "bench_config.yaml",
                description = "The suite's config (default: ${DEFAULT-VALUE}).")
        Path configFile;

        @Option(names = "--backend", paramLabel = "local|k8s", description = "Overrides shared_args.backend.")
        String backend;

        @Option(names = "--sizes", paramLabel = "N[,N…]", split = ",", hideParamSyntax = true,
                description = "Overrides shared_args.sizes.")
        List<String> sizes;

        @Option(names = "--trials", paramLabel = "N", description = "Overrides shared_args.trials.")
        String trials;

        @Option(names = "--duration", paramLabel = "S", description = "Overrides shared_args.duration (seconds).")
        String duration;

        @Option(names = "--only", paramLabel = "NAME[,NAME…]", arity = "1..*", split = ",", hideParamSyntax = true,
                description = "Runs only these environments (names as in --dry-run).")
        List<String> only;

        @Option(names = "--results-subfolder-name", paramLabel = "NAME",
                description = "Overrides shared_args.results_subfolder_name.")
        String resultsSubfolderName;

        @Option(names = "--order", paramLabel = "sequential|interleaved", description = "Overrides order.")
        String order;

        @Option(names = "--baseline", paramLabel = "NAME", description = "Overrides baseline.")
        String baseline;

        @Option(names = "--min-effect", paramLabel = "FRACTION", description = "Overrides min_effect: the smallest "
                + "difference of interest (0.05 = 5 %%): within it, two environments are called the same.")
        String minEffect;

        @Option(names = "--max-cv", paramLabel = "FRACTION", description = "Overrides max_cv: a CV above it (0.05 = "
                + "5 %%) is warned about as noise.")
        String maxCv;

        @Option(names = "--max-trials", paramLabel = "N", description = "Overrides max_trials: with target_ci, adaptive "
                + "rounds (order interleaved) go on up to N trials per size.")
        String maxTrials;

        @Option(names = "--target-ci", paramLabel = "FRACTION", description = "Overrides target_ci: adaptive rounds stop "
                + "once every ratio's interval is within ±FRACTION (0.03 = ±3 %%).")
        String targetCi;

        @Option(names = "--dry-run", description = "Prints the plan and runs nothing: per environment its trials, "
                + "estimated time and exact command; the skipped ones; whether kubectl and the cluster answer (k8s).")
        boolean dryRun;

        @Option(names = "--verbose", description = "With --dry-run: also each child's own --dry-run (its local "
                + "command or the manifest of a trial's pod).")
        boolean verbose;

        @Option(names = "--fail-fast", description = "Stops the suite at the first environment that fails.")
        boolean failFast;

        @Option(names = "--no-preflight", description = "k8s: skips the suite's check of the cluster before anything "
                + "runs (each child still checks its own environment when it starts).")
        boolean noPreflight;

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
            cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help -> EXAMPLES);
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
            FlagErrors.collectAll(cl);
            CommandLine.ParseResult parsed = cl.parseArgs(args);
            if (FlagErrors.any(parsed)) return FlagErrors.report(parsed, cl.getCommand(), io);
            FlagErrors.collectNone(cl);
            return cl.execute(args);
        }

        ResumeMode resumeMode() {
            if (resumeChoice == null) return ResumeMode.NONE;
            return resumeChoice.resume ? ResumeMode.RESUME : ResumeMode.OVERWRITE;
        }

        CliOverrides overrides() {
            return new CliOverrides(backend, sizes, trials, duration, only, resultsSubfolderName, order, baseline);
        }

        StatsOverrides statsOverrides() { return new StatsOverrides(minEffect, maxCv, maxTrials, targetCi); }

        @Override public Integer call() {
            SuiteConfig config;
            try {
                config = ConfigLoader.load(configFile, overrides(), statsOverrides());
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
                    new DryRun(plan, null, io, interrupts, verbose).print();
                    io.error(e.getMessage());
                    return Exit.SETUP;
                }
                io.error(e.getMessage());
                return Exit.SETUP;
            }
            if (dryRun) return new DryRun(plan, launcher, io, interrupts, verbose).print();
            if (plan.shared().backend == Backend.k8s && !noPreflight) {     // once, before any folder or child
                int cluster = ClusterPreflight.check(plan, io);
                if (cluster != Exit.OK) return cluster;
            }
            return new SuiteRunner(plan, launcher, io, interrupts).run();
        }
    }

    /**
     * picocli's own errors (unknown flags, missing values, --resume with --overwrite), all at once, each naming
     * its flag with the nearest known flag, listed together with the config's problems and the overrides' values.
     */
    static final class FlagErrors {
        private FlagErrors() {}

        static void collectAll(CommandLine cl) { collect(cl, true); }

        static void collectNone(CommandLine cl) { collect(cl, false); }

        private static void collect(CommandLine cl, boolean on) {
            cl.getCommandSpec().parser().collectErrors(on);
            cl.getSubcommands().values().forEach(sub -> collect(sub, on));
        }

        static boolean any(CommandLine.ParseResult parsed) {
            for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) if (!p.errors().isEmpty()) return true;
            return false;
        }

        /** Prints every problem of the command line (and of the config, for the suite itself); exit 2. */
        static int report(CommandLine.ParseResult parsed, Cli cli, Io io) {
            List<Problem> problems = new ArrayList<>();
            CommandLine.ParseResult last = parsed;
            for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
                problems.addAll(describe(p));
                last = p;
            }
            String help = last == parsed ? "jbang metaorchestrator.java --help" : "jbang metaorchestrator.java report --help";
            if (last != parsed) {   // `report …`: no config involved
                problems.forEach(p -> io.errLine(p.toString()));
                io.errLine(ConfigException.summary(problems, null) + "; nothing was run.");
                io.errLine(help + " lists the options.");
                return Exit.USAGE;
            }
            String file = cli.configFile == null ? "bench_config.yaml" : cli.configFile.toString();
            List<Problem> all = new ArrayList<>();
            try {
                ConfigLoader.load(cli.configFile == null ? Paths.get(file) : cli.configFile, cli.overrides());
            } catch (ConfigException e) {
                all.addAll(e.problems);
            }
            all.addAll(problems);
            new ConfigException(file, all).print(io);
            io.errLine(help + " lists the options.");
            return Exit.USAGE;
        }

        static List<Problem> describe(CommandLine.ParseResult parsed) {
            List<String> known = new ArrayList<>();
            for (CommandLine.Model.OptionSpec o : parsed.commandSpec().options()) known.add(o.longestName());
            List<Problem> problems = new ArrayList<>();
            for (Exception e : parsed.errors()) {
                if (e instanceof CommandLine.UnmatchedArgumentException u) {
                    boolean afterUnknownFlag = false;
                    for (String arg : u.getUnmatched()) {
                        if (arg.startsWith("-") && arg.length() > 1) {
                            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                            problems.add(new Problem("command line", flag, "unknown option" + Names.didYouMean(flag, known)));
                            afterUnknownFlag = !arg.contains("=");
                        } else if (afterUnknownFlag) {
                            afterUnknownFlag = false;   // most likely the value of the unknown flag before it
                        } else {
                            problems.add(new Problem("command line", "'" + arg + "'", "unexpected argument (the suite "
                                    + "takes only flags; the one subcommand is `report RESULTS_FOLDER`)"));
                        }
                    }
                } else if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                        && m.getMissing().get(0) instanceof CommandLine.Model.OptionSpec o) {
                    problems.add(new Problem("command line", o.longestName(), "expects a value (" + o.paramLabel() + ")"));
                } else {
                    problems.add(new Problem("command line", "", e.getMessage().replaceFirst("^Error: ", "")));
                }
            }
            return problems;
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
                       String baseline, Order order, double significanceLevel, double minEffect, double maxCv,
                       Integer maxTrials, Double targetCi) {
        Criteria criteria() { return new Criteria(significanceLevel, minEffect, maxCv, targetCi, maxTrials); }

        /** Adaptive: rounds beyond `trials` until every ratio's interval reaches target_ci, up to max_trials. */
        boolean adaptive() { return targetCi != null && maxTrials != null; }

        /** The most trials per size a run may take. */
        int maxTrialsPerSize() { return adaptive() ? maxTrials : shared.trials; }

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
            m.put("min_effect", minEffect);
            m.put("max_cv", maxCv);
            m.put("max_trials", maxTrials);
            m.put("target_ci", targetCi);
            return m;
        }
    }

    /** Command-line values that override the config (strings: validated with the config's own rules). */
    record CliOverrides(String backend, List<String> sizes, String trials, String duration, List<String> only,
                        String resultsSubfolderName, String order, String baseline) {
        static CliOverrides none() { return new CliOverrides(null, null, null, null, null, null, null, null); }
    }

    /** Command-line values of the statistical keys (min_effect, max_cv, max_trials, target_ci). */
    record StatsOverrides(String minEffect, String maxCv, String maxTrials, String targetCi) {
        static StatsOverrides none() { return new StatsOverrides(null, null, null, null); }
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
            io.errLine(summary(problems, file) + "; nothing was run.");
        }

        /** "2 problems in bench_local.yaml", "1 problem on the command line", or both counted. */
        static String summary(List<Problem> problems, String file) {
            long onCommandLine = problems.stream().filter(p -> p.location().equals("command line")).count();
            long inFile = problems.size() - onCommandLine;
            String n = problems.size() == 1 ? "1 problem" : problems.size() + " problems";
            if (inFile == 0) return n + " on the command line";
            if (onCommandLine == 0) return n + " in " + file;
            return n + ": " + inFile + " in " + file + ", " + onCommandLine + " on the command line";
        }
    }

    /** Walks the config's nodes into a SuiteConfig, applies the command-line overrides, cross-checks. */
    static final class ConfigLoader {
        static final int MAX_SIZE = 8192;   // mmb.c's limit

        static final List<String> TOP_KEYS = List.of("environments", "shared_args", "baseline", "order",
                "significance_level", "min_effect", "max_cv", "max_trials", "target_ci");
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
            return load(file, overrides, StatsOverrides.none());
        }

        static SuiteConfig load(Path file, CliOverrides overrides, StatsOverrides stats) throws ConfigException {
            Problems problems = new Problems(file.toString());
            SuiteConfig config = null;
            Node root = YamlFile.read(file, problems);
            if (root != null && !(root instanceof MappingNode)) {
                problems.add(root, "", "expected a mapping at the top (environments: … and shared_args: …), got "
                        + NodeValues.describe(root));
            } else if (root != null) {
                config = new ConfigLoader(problems).walk((MappingNode) root, overrides, stats);
            }
            if (!problems.isEmpty()) throw new ConfigException(problems.file, problems.inFileOrder());
            return config;
        }

        private SuiteConfig walk(MappingNode top, CliOverrides cli, StatsOverrides stats) {
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
            Criteria criteria = criteria(keys, stats, alpha, shared.trials, order, top);
            return new SuiteConfig(Paths.get(problems.file), envs, selected, shared, baseline, order, alpha,
                    criteria.minEffect(), criteria.maxCv(), criteria.maxTrials(), criteria.targetCi());
        }

        static final String MIN_EFFECT_RULE = "a fraction above 0 and at most 0.5 (0.05 = 5 %)";
        static final String MAX_CV_RULE = "a fraction above 0 and at most 1 (0.05 = a CV of 5 %)";
        static final String TARGET_CI_RULE = "a fraction above 0 and at most 0.5 (0.03 = an interval of ±3 %)";

        /** min_effect, max_cv, max_trials and target_ci: from the file, then the command line; checked together. */
        private Criteria criteria(Map<String, NodeTuple> keys, StatsOverrides cli, double alpha, int trials, Order order,
                                  MappingNode top) {
            Double minEffect = fraction(keys, "min_effect", cli.minEffect(), "--min-effect", 0.5, MIN_EFFECT_RULE);
            Double maxCv = fraction(keys, "max_cv", cli.maxCv(), "--max-cv", 1, MAX_CV_RULE);
            Double targetCi = fraction(keys, "target_ci", cli.targetCi(), "--target-ci", 0.5, TARGET_CI_RULE);
            Integer maxTrials = null;
            String maxTrialsWhere = null;
            if (keys.containsKey("max_trials")) {
                Node n = keys.get("max_trials").getValueNode();
                Long v = values.integer(n, "max_trials", 2, 1000);
                if (v != null) maxTrials = v.intValue();
                maxTrialsWhere = problems.where(n);
            }
            if (cli.maxTrials() != null) {
                String t = cli.maxTrials().trim();
                maxTrialsWhere = "command line";
                if (t.matches("[0-9]{1,4}") && Integer.parseInt(t) >= 2 && Integer.parseInt(t) <= 1000) maxTrials = Integer.parseInt(t);
                else problems.add(new Problem("command line", "--max-trials", "expected an integer from 2 to 1000, got '" + t + "'"));
            }
            String targetCiWhere = cli.targetCi() != null ? "command line"
                    : keys.containsKey("target_ci") ? problems.where(keys.get("target_ci").getValueNode()) : null;
            String where = maxTrialsWhere != null ? maxTrialsWhere : targetCiWhere != null ? targetCiWhere : problems.where(top);
            if (maxTrials != null && maxTrials < trials) {
                problems.add(new Problem(where, "max_trials", "is " + maxTrials + ", below trials (" + trials + "): trials "
                        + "is the minimum, max_trials the most; raise max_trials or lower trials"));
            }
            boolean anyAdaptive = maxTrials != null || targetCi != null;
            if (anyAdaptive && (maxTrials == null || targetCi == null)) {
                problems.add(new Problem(where, maxTrials == null ? "target_ci" : "max_trials", "adaptive trials need both "
                        + "target_ci (e.g. 0.03) and max_trials (e.g. 20); add the missing one or remove this one"));
            }
            if (anyAdaptive && order != Order.interleaved) {
                problems.add(new Problem(where, maxTrials != null ? "max_trials" : "target_ci", "adaptive trials add "
                        + "rounds, which needs order: interleaved (or --order interleaved)"));
            }
            return new Criteria(alpha, minEffect == null ? Criteria.MIN_EFFECT : minEffect,
                    maxCv == null ? Criteria.MAX_CV : maxCv, targetCi, maxTrials);
        }

        /** A fraction key: the file's value, replaced by the flag's when given. */
        private Double fraction(Map<String, NodeTuple> keys, String key, String flagValue, String flag, double max, String rule) {
            Double v = null;
            if (keys.containsKey(key)) v = values.number(keys.get(key).getValueNode(), key, 0, false, max, rule);
            if (flagValue != null) {
                Double d = NodeValues.parseDecimal(flagValue.trim());
                if (d != null && d > 0 && d <= max) v = d;
                else problems.add(new Problem("command line", flag, "expected " + rule + ", got '" + flagValue + "'"));
            }
            return v;
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
     * can run. JBang is itself a JVM that starts before the script's, so the suite asks JBang once for the command it
     * would run (`jbang info tools`: the JDK, the script's //RUNTIME_OPTIONS, its jar and class path, its main class),
     * runs `jbang build` only when that jar is missing, and starts `java` directly (`process`), with class-data sharing: the first
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
         * `java` directly like a child, mapping the class-data archive when there is one but never writing it: for a
         * question that runs no trial (`--list-runtimes`; its archive would hold only the question's classes, and every
         * trial's child would load the rest again) and for the kept children after the first (one writes it).
         */
        List<String> query(List<String> args) {
            if (direct == null) return command(args);
            List<String> c = new ArrayList<>(direct);
            Path archive = archive();
            if (Files.isRegularFile(archive)) c.addAll(1, List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            c.addAll(args);
            return c;
        }

        /** Where the class-data archive lives: next to the script's jar in JBang's cache, named after the main class. */
        Path archive() {
            return jar().resolveSibling(direct.get(direct.size() - 1) + ".jsa");
        }

        /**
         * The JVM options of class-data sharing: the archive when it exists; else the child writes it as it exits,
         * to a file of this suite's own, which the next call moves into place (so that no child maps a half-written
         * archive). The JVM's CDS messages are off: they would land in the child's output.
         */
        List<String> classDataSharing() {
            Path archive = archive();
            settleArchive();
            return List.of(Files.isRegularFile(archive) ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + ours(),
                    "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        }

        private Path ours() {
            return archive().resolveSibling(archive().getFileName() + "." + ProcessHandle.current().pid());
        }

        /**
         * Moves the archive a child of this suite wrote as it exited into place; call it only when that child has
         * ended (a kept child writes it at the suite's end). No-op without the direct command.
         */
        void settleArchive() {
            if (direct == null) return;
            try {
                if (!Files.exists(archive()) && Files.isRegularFile(ours())) Files.move(ours(), archive(), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // another suite moved its archive first, or the cache is read-only: the next child dumps again
            }
            // archives other suites wrote and never moved (their writer gone: maybe cut short) are removed, not adopted
            try (DirectoryStream<Path> left = Files.newDirectoryStream(archive().getParent(), archive().getFileName() + ".*")) {
                for (Path p : left) {
                    String pid = p.getFileName().toString().substring(archive().getFileName().toString().length() + 1);
                    if (pid.matches("\\d+") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) Files.deleteIfExists(p);
                }
            } catch (IOException | RuntimeException e) {
                // a read-only cache: they stay
            }
        }

        /**
         * This launcher with the JVM command JBang would run, or as it is (through JBang) when that fails. JBang's
         * answer is kept between suites (InfoToolsCache): asking costs a JBang start, ~1 s of every suite.
         */
        ChildLauncher resolveJava(Io io) { return resolveJava(io, InfoToolsCache.of(jbang, script)); }

        /** The same with this cache (null: none, ask every time). */
        ChildLauncher resolveJava(Io io, InfoToolsCache cache) {
            try {
                JsonNode cached = cache == null ? null : cache.read();
                if (cached != null) return new ChildLauncher(jbang, script, javaCommand(cached));
                ProcessResult r = new ProcessExecutor().command(jbang.toString(), "info", "tools", script.toString())
                        .readOutput(true).exitValueAny().timeout(5, TimeUnit.MINUTES).execute();
                if (r.getExitValue() != 0) throw new IOException("exit " + r.getExitValue());
                String out = r.outputUTF8();
                JsonNode info = Json.MAPPER.readTree(out.substring(Math.max(0, out.indexOf('{'))));
                ChildLauncher resolved = new ChildLauncher(jbang, script, javaCommand(info));
                if (cache != null) cache.write(info);
                return resolved;
            } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
                io.sayf("[suite] could not resolve single_env_bench's java command with `jbang info tools` (%s); "
                        + "starting each child through JBang", e.getMessage());
                return this;
            }
        }

        /**
         * `jbang info tools`'s answer for one script, in a file next to JBang's own cache (JBANG_CACHE_DIR, else
         * JBANG_DIR/cache, else ~/.jbang/cache: what it names lives there too, and a user who clears JBang's cache
         * clears it). It is used while its key is the same — the script's bytes, JBang's version, the JDK this suite
         * runs on (JBang picks the child's by the same settings) — and while the java and the dependencies it names
         * exist; the jar may be missing: built() then has it built. Written to a temporary file and renamed; a file
         * that cannot be read or written is ignored (the suite asks JBang, as without it).
         */
        record InfoToolsCache(Path file, Map<String, String> key) {
            /** The cache of this script, or null when JBang's version cannot be read from its jar (no JBang start for it). */
            static InfoToolsCache of(Path jbang, Path script) {
                try {
                    String version = jbangVersion(jbang);
                    if (version == null) return null;
                    Path source = script.toRealPath();
                    Map<String, String> key = new LinkedHashMap<>();
                    key.put("script_sha256", sha256(Files.readAllBytes(source)));
                    key.put("jbang", version);
                    key.put("java_home", System.getProperty("java.home"));
                    key.put("java_version", System.getProperty("java.runtime.version"));
                    key.put("JAVA_HOME", Objects.toString(System.getenv("JAVA_HOME"), ""));
                    return new InfoToolsCache(folder().resolve("info-tools-" + sha256(source.toString()
                            .getBytes(StandardCharsets.UTF_8)).substring(0, 16) + ".json"), Collections.unmodifiableMap(key));
                } catch (IOException | RuntimeException e) {
                    return null;
                }
            }

            /** mmb's folder in JBang's cache. */
            static Path folder() {
                String cache = System.getenv("JBANG_CACHE_DIR"), dir = System.getenv("JBANG_DIR");
                Path jbangCache = cache != null && !cache.isBlank() ? Paths.get(cache)
                        : dir != null && !dir.isBlank() ? Paths.get(dir, "cache")
                        : Paths.get(System.getProperty("user.home"), ".jbang", "cache");
                return jbangCache.resolve("mmb");
            }

            /** JBang-Version from the manifest of bin/jbang.jar (JBang's distribution) or lib/jbang-cli-*.jar (install-jbang.sh). */
            static String jbangVersion(Path jbang) throws IOException {
                Path bin = jbang.toRealPath().getParent();
                List<Path> jars = new ArrayList<>(List.of(bin.resolve("jbang.jar")));
                if (Files.isDirectory(bin.resolveSibling("lib"))) {
                    try (var l = Files.list(bin.resolveSibling("lib"))) {
                        l.filter(f -> f.getFileName().toString().matches("jbang-cli-.*\\.jar")).sorted().forEach(jars::add);
                    }
                }
                for (Path jar : jars) {
                    if (!Files.isRegularFile(jar)) continue;
                    try (var j = new java.util.jar.JarFile(jar.toFile())) {
                        String v = j.getManifest() == null ? null : j.getManifest().getMainAttributes().getValue("JBang-Version");
                        if (v != null && !v.isBlank()) return v.strip();
                    }
                }
                return null;
            }

            static String sha256(byte[] bytes) {
                try {
                    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);   // every JDK has SHA-256
                }
            }

            /** The cached answer when its key is this one and what it names exists (the jar excepted); else null. */
            JsonNode read() {
                try {
                    JsonNode saved = Json.MAPPER.readTree(file.toFile());
                    if (saved == null || !Json.MAPPER.valueToTree(key).equals(saved.path("key"))) return null;
                    JsonNode answer = saved.path("answer");
                    javaCommand(answer);   // its java exists, it names a jar and a main class
                    for (JsonNode dependency : answer.path("resolvedDependencies")) {
                        if (!Files.exists(Paths.get(dependency.asText()))) return null;
                    }
                    return answer;
                } catch (IOException | RuntimeException e) {
                    return null;   // none yet, unreadable or not ours: ask JBang
                }
            }

            /** Saves JBang's answer under this key: a temporary file of this process, renamed over the old one. */
            void write(JsonNode answer) {
                Path temporary = null;
                try {
                    Files.createDirectories(file.getParent());
                    temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
                    Map<String, Object> saved = new LinkedHashMap<>();
                    saved.put("key", key);
                    saved.put("answer", answer);
                    Json.MAPPER.writeValue(temporary.toFile(), saved);
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException | RuntimeException e) {
                    // a read-only or foreign cache: the next suite asks JBang again
                } finally {
                    try {
                        if (temporary != null) Files.deleteIfExists(temporary);
                    } catch (IOException ignored) {
                        // left behind in the cache folder, harmless
                    }
                }
            }
        }

        /** Whether the jar of the direct command exists: then it is the build of this source (JBang hashes it into the path). */
        boolean built() { return direct != null && Files.isRegularFile(jar()); }

        /** The script's jar: first on the direct command's class path. */
        Path jar() { return Paths.get(direct.get(direct.size() - 2).split(java.io.File.pathSeparator)[0]); }

        /**
         * `java OPTIONS -classpath JAR:DEPS MAIN` from `jbang info tools`, as JBang 0.132 itself runs it. The jar may
         * not exist yet (`info tools` does not build): see built().
         */
        static List<String> javaCommand(JsonNode info) throws IOException {
            Path executable = Paths.get(info.path("availableJdkPath").asText(System.getProperty("java.home")), "bin", "java");
            Path jar = Paths.get(info.path("applicationJar").asText());
            String main = info.path("mainClass").asText();
            if (!Files.isExecutable(executable) || info.path("applicationJar").asText().isEmpty() || main.isEmpty()) {
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

        /** One environment with `trials` trials still to run: the trials plus its one child start (all its rounds). */
        static double environment(Plan p, int trials) {
            if (trials == 0) return 0;
            SharedArgs s = p.shared();
            return trials * (measuredSecondsPerTrial(s) + overheadGuess(s)) + CHILD_START_S;
        }

        /** Adaptive runs: the trials per environment that rounds beyond `trials` may add (0 when not adaptive). */
        static int adaptiveExtra(Plan p) {
            return Math.max(0, p.config().maxTrialsPerSize() - p.shared().trials) * p.shared().sizes.size();
        }

        /** The most one environment may take: its missing trials plus every adaptive round up to max_trials. */
        static double environmentAtMost(Plan p, int trials) {
            return environment(p, trials + adaptiveExtra(p));
        }

        /** What will run: trials still missing, of the environments that are not skipped. */
        static double suite(Plan p, Map<String, Integer> trialsToRun) {
            return trialsToRun.values().stream().mapToDouble(t -> environment(p, t)).sum();
        }

        /** "~2 min" or, adaptive, "~2 min – ~6 min": at least the missing trials, at most up to max_trials. */
        static String range(Plan p, Map<String, Integer> trialsToRun) {
            String least = "~" + Display.duration(suite(p, trialsToRun));
            if (!p.config().adaptive()) return least;
            return least + " – ~" + Display.duration(trialsToRun.values().stream().mapToDouble(t -> environmentAtMost(p, t)).sum());
        }
    }

    /**
     * Which local runtime classes are installed here, asked of the child itself (`--list-runtimes`): the same
     * detection its trials use (PATH, MMB_WASMTIME & co., Node's WASI), in one child start. Environments whose
     * runtime is missing are skipped before the plan, so the plan and its ETA count only what will run.
     */
    record RuntimeProbe(Map<String, String> missing) {
        static RuntimeProbe none() { return new RuntimeProbe(Map.of()); }

        /** Unknown when the child cannot answer: then every environment is planned, and a child says exit 3 itself. */
        static RuntimeProbe ask(ChildLauncher launcher, Io io) {
            try {
                ProcessResult r = new ProcessExecutor().command(launcher.query(List.of("--list-runtimes")))
                        .readOutput(true).redirectError(OutputStream.nullOutputStream()).exitValueAny()
                        .timeout(2, TimeUnit.MINUTES).execute();
                Map<String, String> missing = new TreeMap<>();
                for (String line : r.outputUTF8().split("\n")) {
                    String[] f = line.trim().split(" ", 4);
                    if (f.length == 4 && f[0].equals("mmb-runtime") && f[2].equals("missing")) missing.put(f[1], f[3]);
                }
                if (r.getExitValue() == 0) return new RuntimeProbe(missing);
            } catch (IOException | InterruptedException | TimeoutException e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            }
            io.say("[suite] (could not ask " + ChildLauncher.SCRIPT + " which runtimes are installed; planning every "
                    + "environment)");
            return none();
        }

        /** Why this environment cannot run here, or null. */
        String whyMissing(EnvironmentSpec env) { return missing.get(env.runtimeClass()); }
    }

    /**
     * --dry-run: does kubectl answer, and the cluster behind it? One `kubectl version` bounded to a few seconds,
     * found as the child finds it (MMB_KUBECTL, else PATH); the real run's pre-flight checks far more.
     */
    record ClusterCheck(String summary, boolean ok) {
        /** One `kubectl version` (ClusterPreflight's bounded call), said in a line; never retried. */
        static ClusterCheck of(SharedArgs s) {
            String kubectl = ClusterPreflight.kubectl();
            if (kubectl == null) {
                return new ClusterCheck("kubectl: not found on PATH (K3s links /usr/local/bin/kubectl to k3s; or set "
                        + "MMB_KUBECTL=/path/to/kubectl)", false);
            }
            ClusterPreflight.Call r = ClusterPreflight.call(s, kubectl, "version", "-o", "json");
            JsonNode v;
            try { v = Json.MAPPER.readTree(r.out()); } catch (IOException e) { v = Json.MAPPER.nullNode(); }
            if (v == null) v = Json.MAPPER.nullNode();
            String client = v.path("clientVersion").path("gitVersion").asText("");
            String server = v.path("serverVersion").path("gitVersion").asText("");
            String who = "kubectl " + Display.path(Paths.get(kubectl)) + (client.isEmpty() ? "" : " (" + client + ")");
            if (!server.isEmpty()) return new ClusterCheck(who + " answers; the cluster answers (" + server + ")", true);
            if (r.exit() == 124) return new ClusterCheck("kubectl " + kubectl + " " + r.firstErrorLine().replaceFirst("^kubectl ", ""), false);
            return new ClusterCheck(who + (client.isEmpty() ? " does not answer: " : " answers; the cluster does not: ")
                    + r.firstErrorLine(), false);
        }
    }

    /**
     * --dry-run: a table of what would run (environment, trials, estimated time, its exact child command), the
     * environments that would be skipped, and whether kubectl and the cluster answer (k8s). --verbose adds each
     * child's own --dry-run: its local command vector or the manifest of a trial's pod.
     */
    static final class DryRun {
        private final Plan plan;
        private final ChildLauncher launcher;
        private final Io io;
        private final Interrupts interrupts;
        private final boolean verbose;

        DryRun(Plan plan, ChildLauncher launcher, Io io, Interrupts interrupts, boolean verbose) {
            this.plan = plan;
            this.launcher = launcher;
            this.io = io;
            this.interrupts = interrupts;
            this.verbose = verbose;
        }

        int print() {
            SharedArgs s = plan.shared();
            SuiteConfig c = plan.config();
            RuntimeProbe probe = launcher != null && s.backend == Backend.local ? RuntimeProbe.ask(launcher, io)
                    : RuntimeProbe.none();
            TrialLedger ledger = new TrialLedger(s.sizes, s.mode());
            List<String> existing = new ArrayList<>();
            for (EnvironmentSpec env : plan.environments()) {
                Path file = plan.resultsFolder().resolve(env.resultFileName());
                if (Files.exists(file)) existing.add(env.resultFileName());
                if (plan.resume() == ResumeMode.RESUME) ledger.readExisting(env.name(), file);
                else ledger.register(env.name());
            }
            io.sayf("Plan of %s (dry run: nothing is run)", c.file());
            io.sayf("  %s backend, %s order, sizes %s, %d trial(s) per size of %s", s.backend, c.order(),
                    s.sizes.stream().map(String::valueOf).collect(Collectors.joining(", ")), s.trials,
                    s.warmup ? Display.seconds(s.warmupSeconds) + " warmup + " + Display.seconds(s.duration) + " measured"
                            : Display.seconds(s.duration) + " measured, no warmup");
            io.sayf("  results in %s, baseline %s", plan.resultsFolder(), c.baseline());
            io.sayf("  verdicts: Welch's t-test on log throughput, two-sided, alpha %s; the same within ±%s (min_effect); "
                    + "noisy above a CV of %s (max_cv)", ChildArgs.num(c.significanceLevel()),
                    Display.percentValue(c.minEffect() * 100), Display.percentValue(c.maxCv() * 100));
            if (c.adaptive()) {
                io.sayf("  adaptive: then more rounds until every ratio's interval is within ±%s (target_ci), at most %d "
                        + "trials per size (max_trials)", Display.percentValue(c.targetCi() * 100), c.maxTrials());
            }
            io.say("");

            List<List<String>> rows = new ArrayList<>();
            List<String> commands = new ArrayList<>();
            Map<String, String> skipped = new LinkedHashMap<>();
            Map<String, Integer> toRun = new LinkedHashMap<>();
            for (EnvironmentSpec env : plan.environments()) {
                String why = probe.whyMissing(env);
                int missing = ledger.missing(env.name(), s.trials);
                if (why != null) skipped.put(env.name(), why);
                else toRun.put(env.name(), missing);
                boolean none = why != null || (missing == 0 && !c.adaptive());
                rows.add(List.of(env.name(), env.image(), env.runtimeClass(), why != null ? "skipped"
                        : c.adaptive() ? missing + "–" + (missing + Estimate.adaptiveExtra(plan)) : String.valueOf(missing),
                        none ? "–" : Estimate.range(plan, Map.of(env.name(), missing))));
                List<String> args = plan.childArgs(env, s.trials, plan.resume());
                if (c.order() == Order.interleaved) args.add("--rounds-from-stdin");   // later rounds: 'trials N' on its stdin
                commands.add(why != null ? null : Display.shellQuote(launcher == null
                        ? prepend(List.of("jbang", ChildLauncher.SCRIPT), args) : launcher.command(args)));
            }
            int total = toRun.values().stream().mapToInt(Integer::intValue).sum();
            rows.add(List.of("total", "", "", c.adaptive() ? total + "–" + (total + toRun.size() * Estimate.adaptiveExtra(plan))
                    : String.valueOf(total), Estimate.range(plan, toRun)));
            List<String> headers = List.of("environment", "image", "runtime class", "trials", "estimated time");
            int[] w = new int[headers.size()];
            for (int i = 0; i < w.length; i++) w[i] = Display.width(headers.get(i));
            for (List<String> r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], Display.width(r.get(i)));
            io.say(row(headers, w));
            for (int i = 0; i < rows.size(); i++) {
                io.say(row(rows.get(i), w));
                if (i < commands.size() && commands.get(i) != null) io.say("    $ " + commands.get(i));
            }
            io.sayf("  (~%s of overhead per trial assumed: %s, sampling, result checks; plus ~%s per child start)",
                    Display.seconds(Estimate.overheadGuess(s)), s.backend == Backend.k8s ? "pod start" : "process start",
                    Display.seconds(Estimate.CHILD_START_S));
            if (c.order() == Order.interleaved) {
                io.say("  (interleaved: each child above runs all rounds of its environment; round N is the line "
                        + "'trials N' on its stdin)");
            }
            if (!skipped.isEmpty()) {
                io.say("");
                io.say("Skipped, their runtime is not installed here:");
                skipped.forEach((name, why) -> io.sayf("  %s: %s", name, why));
            }
            if (!existing.isEmpty() && plan.resume() == ResumeMode.NONE) {
                io.say("");
                io.sayf("Results exist in %s (%s): the run needs --resume (only the missing trials) or --overwrite.",
                        plan.resultsFolder(), String.join(", ", existing));
            }
            if (s.backend == Backend.k8s) {
                io.say("");
                io.say(ClusterCheck.of(s).summary());
            }
            if (launcher == null) return Exit.SETUP;
            if (!verbose) {
                io.say("");
                io.say("--verbose adds each child's own --dry-run: its " + (s.backend == Backend.k8s
                        ? "pod manifest" : "local command") + " and trials.");
                return interrupts.stopRequested() ? Exit.INTERRUPTED : Exit.OK;
            }
            int worst = Exit.OK;
            for (EnvironmentSpec env : plan.environments()) {
                if (interrupts.stopRequested()) return Exit.INTERRUPTED;
                if (skipped.containsKey(env.name())) continue;
                io.say("");
                io.sayf("%s: single_env_bench --dry-run", env.name());
                List<String> dry = new ArrayList<>(launcher.command(plan.childArgs(env, s.trials, plan.resume())));
                dry.add("--dry-run");
                ChildRun.Result r = ChildRun.run(dry, "  ", io, t -> { }, interrupts);
                if (ChildExit.of(r.exitCode()) == ChildExit.RUNTIME_MISSING) io.say("  (would be skipped: its runtime is not installed)");
                else if (r.exitCode() != 0) {
                    io.sayf("  (single_env_bench --dry-run exited %d%s)", r.exitCode(),
                            r.lastError() == null ? "" : ": " + r.lastError());
                    worst = Exit.SETUP;
                }
            }
            return interrupts.stopRequested() ? Exit.INTERRUPTED : worst;
        }

        private static String row(List<String> cells, int[] w) {
            StringBuilder sb = new StringBuilder(" ");
            for (int i = 0; i < cells.size(); i++) {
                String c = cells.get(i);
                String pad = " ".repeat(w[i] - Display.width(c));
                sb.append(' ').append(i >= 3 ? pad + c : c + pad).append(i < cells.size() - 1 ? " " : "");
            }
            return sb.toString().replaceAll("\\s+$", "");
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
                      String lastError, Long pid) {}

    /** One environment's state during the suite. */
    static final class EnvironmentRun {
        final EnvironmentSpec spec;
        final List<Invocation> invocations = new ArrayList<>();
        final Map<String, Integer> statusCounts = new TreeMap<>();
        Outcome outcome = Outcome.NOT_RUN;
        String detail = "";
        boolean finished;   // no further rounds: skipped, setup error, stopped
        int trialsAskedFor;   // the --trials of its last child: what its result file should hold per size

        EnvironmentRun(EnvironmentSpec spec) { this.spec = spec; }
    }

    /**
     * The k8s suite's one check of the cluster, before anything runs or any folder is made: kubectl answers, the
     * namespace exists, every RuntimeClass the config names exists, and every image is on the node(s) unless its pull
     * policy lets the node fetch it. Every missing item is named with its fix in one report (docs/suite.md).
     */
    static final class ClusterPreflight {
        static final int CALL_TIMEOUT_S = 4;    // a cluster that does not answer ends the suite within ~5 s
        static final int KUBELET_MAX_IMAGES = 50;   // --node-status-max-images: a node reports at most this many
        private final SharedArgs shared;
        private final List<EnvironmentSpec> environments;
        private final List<String> problems = new ArrayList<>(), notes = new ArrayList<>();

        private ClusterPreflight(Plan plan) {
            this.shared = plan.shared();
            this.environments = plan.environments();
        }

        /** Exit.OK, or Exit.SETUP after one report of what is missing. */
        static int check(Plan plan, Io io) {
            return new ClusterPreflight(plan).run(io);
        }

        private int run(Io io) {
            String kubectl = kubectl();
            if (kubectl == null) {
                io.error(System.getenv("MMB_KUBECTL") != null
                        ? "MMB_KUBECTL=" + System.getenv("MMB_KUBECTL") + " is not an executable file"
                        : "kubectl not found on PATH: install it, or on a K3s node use the one K3s ships (`k3s kubectl`; "
                          + "/usr/local/bin/kubectl links to k3s), or set MMB_KUBECTL=/path/to/kubectl");
                return Exit.SETUP;
            }
            Call version = call(kubectl, "version", "-o", "json");
            JsonNode versions = version.json();
            String server = versions == null ? null : versions.path("serverVersion").path("gitVersion").asText(null);
            if (server == null) {
                io.error("cannot reach the cluster through kubectl (" + version.firstErrorLine().replaceAll("[.?]+$", "")
                        + "): is K3s running (`systemctl status k3s`), and is this kubectl's config the cluster's? Set "
                        + "shared_args.kubeconfig (e.g. /etc/rancher/k3s/k3s.yaml) or shared_args.context if not. "
                        + "Nothing was run");
                return Exit.SETUP;
            }
            checkNamespace(kubectl);
            checkRuntimeClasses(kubectl);
            checkImages(kubectl);
            if (!problems.isEmpty()) {
                io.error("the cluster is not ready for this suite; nothing was run:");
                for (String p : problems) io.errLine("  - " + p);
                return Exit.SETUP;
            }
            io.sayf("[suite] cluster: %s (kubectl %s), namespace %s: ready (runtime classes and images checked)", server,
                    versions.path("clientVersion").path("gitVersion").asText("?"), shared.namespace);
            for (String n : notes) io.sayf("[suite] note: %s", n);
            return Exit.OK;
        }

        private void checkNamespace(String kubectl) {
            Call ns = call(kubectl, "get", "namespace", shared.namespace, "-o", "name");
            if (ns.notFound()) problems.add("namespace \"" + shared.namespace + "\" does not exist: `kubectl create namespace "
                    + shared.namespace + "`, or set shared_args.namespace");
            else if (!ns.ok()) problems.add("cannot read namespace " + shared.namespace + ": " + ns.firstErrorLine());
        }

        private void checkRuntimeClasses(String kubectl) {
            Map<String, List<String>> wanted = new TreeMap<>();
            for (EnvironmentSpec e : environments)
                if (!e.runtimeClass().equals("default")) wanted.computeIfAbsent(e.runtimeClass(), k -> new ArrayList<>()).add(e.name());
            if (wanted.isEmpty()) return;
            Call list = call(kubectl, "get", "runtimeclasses", "-o", "json");
            JsonNode json = list.json();
            if (list.forbidden()) { notes.add("RuntimeClasses not checked: " + list.firstErrorLine()); return; }
            if (json == null) { problems.add("cannot list RuntimeClasses: " + list.firstErrorLine()); return; }
            Set<String> present = new HashSet<>();
            json.path("items").forEach(i -> present.add(i.path("metadata").path("name").asText()));
            wanted.forEach((rc, envs) -> {
                if (!present.contains(rc)) problems.add("RuntimeClass \"" + rc + "\" not found (" + String.join(", ", envs)
                        + "): " + runtimeClassHint(rc));
            });
        }

        /** As docs/k3s.md "Runtime classes" says. */
        static String runtimeClassHint(String rc) {
            return switch (rc) {
                case "wasmtime", "wasmedge", "wasmer" -> "K3s creates it when containerd-shim-" + rc + "-v1 is installed "
                        + "(e.g. in /opt/kwasm/bin or /usr/local/bin) and K3s is restarted";
                case "wamr" -> "install containerd-shim-wamr-v1, add a containerd runtime entry 'wamr' (runtime_type "
                        + "io.containerd.wamr.v1, SystemdCgroup as kubelet) and create a RuntimeClass wamr with handler wamr";
                default -> "create a RuntimeClass named " + rc + " whose handler is a containerd runtime of this node";
            } + " (docs/k3s.md: \"Runtime classes\")";
        }

        /** Images the pods need from the node's store: status.images of the node(s) the pods may run on. */
        private void checkImages(String kubectl) {
            String policy = shared.imagePullPolicy == null ? "IfNotPresent" : shared.imagePullPolicy;
            Map<String, List<String>> wanted = new TreeMap<>();
            for (EnvironmentSpec e : environments)
                if (mustBeOnNode(e.image(), policy)) wanted.computeIfAbsent(e.image(), k -> new ArrayList<>()).add(e.name());
            if (wanted.isEmpty()) return;
            Call nodes = call(kubectl, "get", "nodes", "-o", "json");
            JsonNode json = nodes.json();
            if (nodes.forbidden()) { notes.add("images not checked: " + nodes.firstErrorLine()); return; }
            if (json == null) { problems.add("cannot list the nodes: " + nodes.firstErrorLine()); return; }
            Map<String, Set<String>> imagesByNode = new TreeMap<>();
            for (JsonNode n : json.path("items")) {
                String name = n.path("metadata").path("name").asText();
                if (shared.node != null && !shared.node.equals(name)) continue;
                JsonNode images = n.path("status").path("images");
                if (images.size() >= KUBELET_MAX_IMAGES) {      // the list is cut: absence proves nothing
                    notes.add("images not checked on node " + name + ": it reports " + images.size() + " images, the kubelet's limit");
                    continue;
                }
                Set<String> names = new HashSet<>();
                images.forEach(i -> i.path("names").forEach(x -> names.add(x.asText())));
                imagesByNode.put(name, names);
            }
            if (imagesByNode.isEmpty() && !notes.isEmpty()) return;
            if (imagesByNode.isEmpty()) {
                problems.add(shared.node != null ? "node \"" + shared.node + "\" (shared_args.node) is not in the cluster"
                        : "the cluster has no node");
                return;
            }
            wanted.forEach((image, envs) -> {
                List<String> lacking = imagesByNode.entrySet().stream().filter(n -> !n.getValue().contains(reference(image)))
                        .map(Map.Entry::getKey).toList();
                if (!lacking.isEmpty()) problems.add("image " + image + " (" + reference(image) + ") is not on node "
                        + String.join(", ", lacking) + " (" + String.join(", ", envs) + "): run `make image-build` on the node "
                        + "to build and import it (docs/k3s.md: \"Images and K3s import\")");
            });
        }

        /**
         * Never: the node must have it. Always: the node pulls it. IfNotPresent: the node pulls it only from a registry
         * the reference names; a bare name (mmb-static:latest) is an image built here, which no registry serves.
         */
        static boolean mustBeOnNode(String image, String policy) {
            return switch (policy) {
                case "Never" -> true;
                case "Always" -> false;
                default -> !namesRegistry(image);
            };
        }

        static boolean namesRegistry(String image) {
            int slash = image.indexOf('/');
            if (slash < 0) return false;
            String first = image.substring(0, slash);
            return first.contains(".") || first.contains(":") || first.equals("localhost");
        }

        /** The name containerd (and so status.images) gives an image: docker.io/library/mmb-static:latest. */
        static String reference(String image) {
            String repo = image, suffix = "";
            int at = repo.indexOf('@');
            if (at >= 0) { suffix = repo.substring(at); repo = repo.substring(0, at); }
            int colon = repo.lastIndexOf(':');
            if (colon > repo.lastIndexOf('/')) { suffix = repo.substring(colon) + suffix; repo = repo.substring(0, colon); }
            else if (suffix.isEmpty()) suffix = ":latest";
            if (!namesRegistry(repo)) repo = "docker.io/" + (repo.contains("/") ? repo : "library/" + repo);
            return repo + suffix;
        }

        /** MMB_KUBECTL, else kubectl on PATH (as single_env_bench finds it); null if neither is executable. */
        static String kubectl() {
            String env = System.getenv("MMB_KUBECTL");
            if (env != null) return Files.isExecutable(Paths.get(env)) ? env : null;
            for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path p = Paths.get(dir, "kubectl");
                if (Files.isExecutable(p)) return p.toString();
            }
            return null;
        }

        record Call(int exit, String out, String err) {
            boolean ok() { return exit == 0; }

            boolean notFound() { return err.contains("(NotFound)"); }

            boolean forbidden() { return err.contains("(Forbidden)"); }

            JsonNode json() {
                if (!ok()) return null;
                try { return Json.MAPPER.readTree(out); } catch (IOException e) { return null; }
            }

            String firstErrorLine() {
                return (err.isBlank() ? out : err).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.matches("^E\\d{4} .*"))
                        .findFirst().orElse("exit status " + exit);
            }
        }

        /** One kubectl call with the suite's --kubeconfig/--context, bounded (never retried: the suite asks once). */
        private Call call(String kubectl, String... args) { return call(shared, kubectl, args); }

        static Call call(SharedArgs shared, String kubectl, String... args) {
            List<String> cmd = new ArrayList<>(List.of(kubectl));
            cmd.addAll(List.of(args));
            if (shared.kubeconfig != null) cmd.addAll(List.of("--kubeconfig", shared.kubeconfig));
            if (shared.context != null) cmd.addAll(List.of("--context", shared.context));
            cmd.add("--request-timeout=" + (CALL_TIMEOUT_S - 1) + "s");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try {
                ProcessResult r = new ProcessExecutor().command(cmd).readOutput(true).redirectError(err).exitValueAny()
                        .redirectInput(java.io.InputStream.nullInputStream()).timeout(CALL_TIMEOUT_S, TimeUnit.SECONDS).destroyOnExit().execute();
                return new Call(r.getExitValue(), r.outputUTF8(), err.toString(StandardCharsets.UTF_8));
            } catch (TimeoutException e) {
                return new Call(124, "", "kubectl " + String.join(" ", args) + " did not answer within " + CALL_TIMEOUT_S + " s");
            } catch (IOException e) {
                return new Call(127, "", "cannot run " + kubectl + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Call(130, "", "interrupted");
            }
        }
    }

    /**
     * Runs the plan: one child per environment (interleaved: kept for all its rounds, a KeptChild), streaming
     * the children's output, counting their trials, and writing run.json and the summary at the end.
     */
    static final class SuiteRunner {
        private final Plan plan;
        private ChildLauncher launcher;   // resolved to `java` directly after the build
        private final Io io;
        private final Interrupts interrupts;
        private final Map<String, EnvironmentRun> runs = new LinkedHashMap<>();
        private final Map<String, KeptChild> kept = new HashMap<>();   // interleaved: each environment's one child
        private int roundTarget;   // trials per size the current rounds aim at: `trials`, then the adaptive round
        private Set<String> roundEnvironments;   // adaptive rounds: who runs in them (null: everyone)
        private TrialLedger ledger;
        private Progress progress;
        private RunRecord record;

        SuiteRunner(Plan plan, ChildLauncher launcher, Io io, Interrupts interrupts) {
            this.plan = plan;
            this.launcher = launcher;
            this.io = io;
            this.interrupts = interrupts;
            for (EnvironmentSpec e : plan.environments()) runs.put(e.name(), new EnvironmentRun(e));
            roundTarget = plan.shared().trials;
        }

        int run() {
            Path folder = plan.resultsFolder();
            int setup = preflight(folder);
            if (setup != Exit.OK) return setup;
            record = new RunRecord(plan, folder, launcher);
            record.writeStart(runs.values(), io);
            SuiteConfig c = plan.config();
            Map<String, Integer> toRun = new LinkedHashMap<>();
            for (EnvironmentRun r : runs.values()) {
                if (!r.finished) toRun.put(r.spec.name(), ledger.missing(r.spec.name(), plan.shared().trials));
            }
            int trials = toRun.values().stream().mapToInt(Integer::intValue).sum();
            if (trials == 0 && !c.adaptive()) {
                io.say(toRun.isEmpty() ? "[suite] nothing to run: no selected environment can run here"
                        : "[suite] nothing to run: every planned trial of " + toRun.size() + " environment(s) is already in "
                        + folder + "; the summary of the folder follows");
                return finish(folder);
            }
            int most = trials + toRun.size() * Estimate.adaptiveExtra(plan);
            io.sayf("[suite] %d environment(s), %s order, %s trial(s) to run, results in %s, ETA %s",
                    toRun.values().stream().filter(t -> t > 0 || c.adaptive()).count(), c.order(),
                    c.adaptive() ? trials + "–" + most : String.valueOf(trials), folder, Estimate.range(plan, toRun));
            if (c.adaptive()) {
                io.sayf("[suite] adaptive: after %d round(s), more rounds until every ratio's %s interval is within ±%s, "
                        + "at most %d", plan.shared().trials, Display.percent(1 - c.significanceLevel()),
                        Display.percentValue(c.targetCi() * 100), c.maxTrials());
            }
            progress = new Progress(trials, Estimate.measuredSecondsPerTrial(plan.shared()),
                    Estimate.overheadGuess(plan.shared()), System::nanoTime, io);
            if (c.adaptive()) progress.atMost(most);

            if (plan.config().order() == Order.sequential) {
                for (EnvironmentRun env : runs.values()) {
                    if (stopping()) break;
                    if (env.finished || ledger.missing(env.spec.name(), plan.shared().trials) == 0) continue;
                    invoke(env, plan.shared().trials, plan.resume());
                }
            } else {
                int rounds = plan.shared().trials, last = c.maxTrialsPerSize();
                for (int round = 1; round <= last && !stopping(); round++) {
                    Set<String> wanted = null;   // null: every environment
                    if (round > rounds) {
                        wanted = AdaptiveRounds.stillNeeded(folder, plan, runs.values());
                        if (wanted.isEmpty()) {
                            io.sayf("[suite] every ratio's interval is within ±%s after %d round(s): no more rounds",
                                    Display.percentValue(c.targetCi() * 100), round - 1);
                            break;
                        }
                        roundTarget = round;
                        roundEnvironments = wanted;
                        progress.expectRemaining(remainingTrials());
                        io.sayf("[suite] round %d of at most %d (adaptive): %s", round, last, String.join(", ", wanted));
                    } else {
                        io.sayf("[suite] round %d of %s", round, c.adaptive() ? rounds + "–" + last : String.valueOf(rounds));
                    }
                    for (EnvironmentRun env : runs.values()) {
                        if (stopping()) break;
                        if (env.finished || (wanted != null && !wanted.contains(env.spec.name()))
                                || ledger.missing(env.spec.name(), round) == 0) continue;   // nothing new for this round
                        invoke(env, round, round == 1 ? plan.resume() : ResumeMode.RESUME);
                    }
                }
                finishKeptChildren();
                if (c.adaptive() && !stopping() && last > rounds) {
                    Set<String> open = AdaptiveRounds.stillNeeded(folder, plan, runs.values());
                    if (!open.isEmpty()) {
                        io.sayf("[suite] max_trials (%d) reached before target_ci ±%s for: %s (see the Notes)", last,
                                Display.percentValue(c.targetCi() * 100), String.join(", ", open));
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
                io.error("cannot create the results folder " + folder + ": " + whyNotCreated(folder, e));
                return Exit.SETUP;
            }
            ledger = new TrialLedger(plan.shared().sizes, plan.shared().mode());
            if (plan.resume() == ResumeMode.RESUME) {
                for (EnvironmentRun r : runs.values()) {
                    ledger.readExisting(r.spec.name(), folder.resolve(r.spec.resultFileName()));
                }
            }
            for (EnvironmentRun r : runs.values()) ledger.register(r.spec.name());
            if (ledger.missingTotal(plan.shared().trials) == 0 && !plan.config().adaptive()) return Exit.OK;   // complete: no child needed
            // JBang's command first: it names the jar by a hash of the source, so when that jar exists it is this
            // source's build and `jbang build` (a JBang start, 2–5 s on this machine) has nothing to do.
            ChildLauncher resolved = launcher.resolveJava(io);
            if (!resolved.built()) {
                if (!launcher.build(io)) return Exit.SETUP;
                if (resolved.direct() != null && !resolved.built()) {
                    io.say("[suite] `jbang build` wrote no jar where `jbang info tools` names it; starting each child through JBang");
                    resolved = launcher;
                }
            }
            launcher = resolved;
            skipMissingRuntimes();
            return Exit.OK;
        }

        /** Local backend: environments whose runtime is not installed are skipped before the plan, and listed. */
        private void skipMissingRuntimes() {
            if (plan.shared().backend != Backend.local) return;
            boolean needsARuntime = runs.values().stream().anyMatch(r -> !r.spec.runtimeClass().equals("default")
                    && ledger.missing(r.spec.name(), plan.shared().trials) > 0);
            if (!needsARuntime) return;
            // The child's answer costs a JVM start (~0.4 s); meanwhile this JVM, on another core, loads report.html's
            // drawing code (0.25 s less at the end). Both are done before any child measures anything.
            CompletableFuture<Void> warm = CompletableFuture.runAsync(HtmlReport::warmUp);
            RuntimeProbe probe = RuntimeProbe.ask(launcher, io);
            warm.join();
            List<EnvironmentRun> skipped = new ArrayList<>();
            for (EnvironmentRun r : runs.values()) {
                String why = probe.whyMissing(r.spec);
                if (why == null) continue;
                r.outcome = Outcome.SKIPPED;
                r.detail = "single_env_bench: " + why;   // as the child itself says it (exit 3)
                r.finished = true;
                skipped.add(r);
            }
            if (skipped.isEmpty()) return;
            io.sayf("[suite] %d environment(s) skipped, their runtime is not installed here:", skipped.size());
            for (EnvironmentRun r : skipped) io.sayf("[suite]   %s: %s", r.spec.name(), probe.whyMissing(r.spec));
        }

        /** The reason, not only the path Java names: "results/afile is a file, not a folder". */
        static String whyNotCreated(Path folder, IOException e) {
            for (Path p = folder; p != null; p = p.getParent()) {
                if (Files.exists(p) && !Files.isDirectory(p)) {
                    return p + " is a file, not a folder; move it away or choose another --results-subfolder-name";
                }
            }
            if (e instanceof AccessDeniedException) {
                return "permission denied on " + e.getMessage() + "; run as its owner (or root), or choose another "
                        + "results_dir";
            }
            String reason = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : e.getMessage();
            return reason == null ? e.getClass().getSimpleName() : reason;
        }

        private void invoke(EnvironmentRun env, int trials, ResumeMode resume) {
            String name = env.spec.name();
            List<String> args = plan.childArgs(env.spec, trials, resume);
            boolean keep = plan.config().order() == Order.interleaved;
            KeptChild child = keep ? kept.get(name) : null;
            if (child != null && child.alive()) {
                io.sayf("[suite] %s: --trials %d --resume, in the same process (pid %d)", name, trials, child.process().pid());
            } else {
                io.sayf("[suite] %s: %s", name, Display.shellQuote(launcher.command(args)) + (keep ? " --rounds-from-stdin" : ""));
            }
            double started = Display.now();
            int[] reported = {0};
            Consumer<TrialLine> onTrial = line -> {
                reported[0]++;
                ledger.done(name, line);
                env.statusCounts.merge(line.status(), 1, Integer::sum);
                progress.trialDone(name, line, Math.max(trials, plan.shared().trials));
            };
            ChildRun.Result result;
            if (!keep) {
                result = ChildRun.run(launcher.process(args), "[" + name + "] ", io, onTrial, interrupts);
            } else {
                if (child == null || !child.alive()) {
                    // A class-data archive is written by a child as it exits, which a kept one does at the suite's end:
                    // only the first writes it (when none exists), the others map an existing one or run without.
                    List<String> command = kept.isEmpty() ? launcher.process(args) : launcher.query(args);
                    child = KeptChild.start(command, "[" + name + "] ", io);
                    if (child != null) {
                        kept.put(name, child);
                        interrupts.keep(child.process());
                    }
                } else if (!child.ask(trials)) {
                    io.sayf("[suite] %s: its process has ended; the round's status is its exit status", name);
                }
                result = child == null ? new ChildRun.Result(ChildRun.NOT_STARTED, "could not start the child", null)
                        : child.round(onTrial, interrupts);
            }
            env.trialsAskedFor = Math.max(env.trialsAskedFor, trials);
            env.invocations.add(new Invocation(args, result.exitCode(), started, Display.now(), reported[0],
                    result.lastError(), result.pid()));
            classify(env, result);
            if (plan.config().order() == Order.sequential) env.finished = true;
            progress.expectRemaining(remainingTrials());
            if (plan.config().adaptive()) progress.atMost(progress.done() + remainingTrialsAtMost());
            record.writeProgress(runs.values(), io);
        }

        /** The rounds are over (or stopped): each kept child's input ends, and with it the child. */
        private void finishKeptChildren() {
            for (KeptChild child : kept.values()) {
                child.finish();
                interrupts.release(child.process());
            }
            kept.clear();
            launcher.settleArchive();   // the first kept child wrote it as it exited
        }

        /** Trials that can still run: those missing for every environment that has rounds left. */
        private int remainingTrials() {
            return runs.values().stream().filter(r -> !r.finished)
                    .filter(r -> roundEnvironments == null || roundEnvironments.contains(r.spec.name()))
                    .mapToInt(r -> ledger.missing(r.spec.name(), roundTarget)).sum();
        }

        /** Adaptive runs: the trials that may still run if every round goes on to max_trials. */
        private int remainingTrialsAtMost() {
            return runs.values().stream().filter(r -> !r.finished)
                    .mapToInt(r -> ledger.missing(r.spec.name(), plan.config().maxTrialsPerSize())).sum();
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
                if (env.invocations.isEmpty() && env.outcome == Outcome.SKIPPED) continue;   // known before the run
                boolean upToDate = ledger.missing(env.spec.name(), plan.shared().trials) == 0;
                if (env.invocations.isEmpty() && !upToDate) {
                    env.outcome = interrupts.stopRequested() ? Outcome.INTERRUPTED : Outcome.NOT_RUN;
                    env.detail = interrupts.stopRequested() ? "not started: the suite was interrupted"
                            : "not started: --fail-fast stopped the suite";
                    continue;
                }
                boolean ranItsTrials = env.invocations.stream().allMatch(i -> ChildExit.of(i.exitCode()) != null
                        && ChildExit.of(i.exitCode()).ranItsTrials());
                if (ranItsTrials && (env.invocations.isEmpty() || env.outcome == Outcome.COMPLETED
                        || env.outcome == Outcome.FAILED)) {
                    TrialLedger.FileCheck check = TrialLedger.check(folder.resolve(env.spec.resultFileName()),
                            plan.shared().sizes, plan.shared().mode(), Math.max(plan.shared().trials, env.trialsAskedFor));
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
     * Adaptive trials: after the `trials` rounds, which environments need another round — those with a size whose
     * ratio's interval (exp(d ± t·se), relative half-width exp(t·se) − 1) is still wider than target_ci, or that
     * have too few valid trials to have one, and then the baseline too. Read from the result files, the way the
     * summary reads them, so that the stopping rule and the summary's intervals are the same numbers.
     */
    static final class AdaptiveRounds {
        private AdaptiveRounds() {}

        static Set<String> stillNeeded(Path folder, Plan plan, java.util.Collection<EnvironmentRun> runs) {
            Set<String> runnable = runs.stream().filter(r -> !r.finished).map(r -> r.spec.name())
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            String baseline = plan.config().baseline();
            if (!runnable.contains(baseline)) return Set.of();   // without the baseline, no interval can narrow
            List<EnvResults> envs = new ArrayList<>();
            for (EnvironmentRun r : runs) {
                Path file = folder.resolve(r.spec.resultFileName());
                if (!Files.isRegularFile(file)) continue;
                EnvResults e = ResultsFolder.readResultFile(new EnvRef(r.spec.name(), r.spec.image(), r.spec.runtimeClass(),
                        file, null, ""), new ArrayList<>());
                if (e != null) envs.add(e);
            }
            Summary s = Summary.of(folder.toString(), envs, baseline, plan.config().criteria(), List.of());
            Set<String> needed = new LinkedHashSet<>();
            for (Row row : s.rows()) {
                Comparison c = row.vsBaseline();
                if (row.environment().equals(baseline) || !runnable.contains(row.environment())) continue;
                // no comparison yet (no valid trial, or under two on a side): another round may bring one
                if (c == null || c.welch() == null || c.welch().relativeHalfWidth() > plan.config().targetCi()) {
                    needed.add(row.environment());
                }
            }
            if (needed.isEmpty()) return needed;
            Set<String> withBaseline = new LinkedHashSet<>();
            withBaseline.add(baseline);
            withBaseline.addAll(needed);
            return withBaseline;
        }
    }

    /**
     * One child process (zt-exec: an argument vector, no shell). Its stdout and stderr are streamed with the
     * environment's name as prefix; the machine-readable "mmb-trial" lines go to `onTrial` instead.
     */
    static final class ChildRun {
        static final int NOT_STARTED = ChildExit.NOT_STARTED.code;

        /** How a child (or a round of a kept one) ended; pid null when no process started. */
        record Result(int exitCode, String lastError, Long pid) {}

        private ChildRun() {}

        /** A child's stderr line: shown with its prefix; the last non-blank one is what the suite reports it said. */
        static void stderrLine(String line, String prefix, Io io, AtomicReference<String> lastError) {
            io.errLine(prefix + line);
            if (!line.isBlank()) lastError.set(line.trim());
        }

        static Result run(List<String> command, String prefix, Io io, Consumer<TrialLine> onTrial,
                          Interrupts interrupts) {
            AtomicReference<String> lastError = new AtomicReference<>();
            LogOutputStream out = new LogOutputStream() {
                @Override protected void processLine(String line) {
                    TrialLine t = TrialLine.parse(line);
                    if (t != null) onTrial.accept(t);
                    else io.say(prefix + line);
                }
            };
            LogOutputStream err = new LogOutputStream() {
                @Override protected void processLine(String line) { stderrLine(line, prefix, io, lastError); }
            };
            StartedProcess started;
            try {
                started = new ProcessExecutor().command(command).redirectOutput(out).redirectError(err)
                        .exitValueAny().start();
            } catch (IOException e) {
                io.error("could not start " + command.get(0) + ": " + e.getMessage());
                return new Result(NOT_STARTED, e.getMessage(), null);
            }
            if (interrupts != null) interrupts.track(started.getProcess());
            try {
                int code = started.getFuture().get().getExitValue();
                return new Result(code, lastError.get(), started.getProcess().pid());
            } catch (ExecutionException e) {
                return new Result(NOT_STARTED, String.valueOf(e.getCause()), started.getProcess().pid());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                started.getProcess().destroy();
                return new Result(Exit.INTERRUPTED, "interrupted", started.getProcess().pid());
            } finally {
                if (interrupts != null) interrupts.untrack();
            }
        }
    }

    /**
     * Interleaved rounds: one child per environment for all its rounds (single_env_bench --rounds-from-stdin), so that
     * a round costs a line on the child's stdin rather than a JVM start (0.6-0.7 s each before its first trial). The
     * child runs round 1 from its arguments and each later one from a line 'trials N' (what `--trials N --resume`
     * runs), and ends each with 'mmb-round trials=N exit=STATUS': that status is the round's, mapped as an exit
     * status is. ProcessBuilder, not zt-exec: zt-exec pumps stdin from a stream (or closes it), not a line at a time.
     */
    static final class KeptChild {
        private record RoundEnd(int code, boolean processEnded) {}
        private static final Pattern ROUND = Pattern.compile("mmb-round trials=\\d+ exit=(-?\\d+)");

        private final Process process;
        private final Writer stdin;
        private final BlockingQueue<RoundEnd> ends = new LinkedBlockingQueue<>();
        private final AtomicReference<String> lastError = new AtomicReference<>();   // of this round
        private volatile Consumer<TrialLine> onTrial = t -> {};
        private boolean ended;

        private KeptChild(Process process) {
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        /** Starts the child on its first round (its arguments, plus --rounds-from-stdin); null when it cannot start. */
        static KeptChild start(List<String> command, String prefix, Io io) {
            List<String> c = new ArrayList<>(command);
            c.add("--rounds-from-stdin");
            Process p;
            try {
                p = new ProcessBuilder(c).start();
            } catch (IOException e) {
                io.error("could not start " + command.get(0) + ": " + e.getMessage());
                return null;
            }
            KeptChild child = new KeptChild(p);
            Thread out = reader(p.getInputStream(), line -> child.onStdout(line, prefix, io), "mmb-child-out");
            reader(p.getErrorStream(), line -> ChildRun.stderrLine(line, prefix, io, child.lastError), "mmb-child-err");
            Thread exit = new Thread(() -> {
                try {
                    int code = p.waitFor();
                    out.join();   // every line the child printed is handled before its exit counts
                    child.ends.add(new RoundEnd(code, true));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "mmb-child-exit");
            exit.setDaemon(true);
            exit.start();
            return child;
        }

        private static Thread reader(InputStream stream, Consumer<String> each, String name) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) each.accept(line);
                } catch (IOException e) {
                    // the pipe closed with the process: its exit is reported by the exit thread
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        private void onStdout(String line, String prefix, Io io) {
            TrialLine t = TrialLine.parse(line);
            Matcher round = ROUND.matcher(line);
            if (t != null) onTrial.accept(t);
            else if (round.matches()) ends.add(new RoundEnd(Integer.parseInt(round.group(1)), false));
            else io.say(prefix + line);
        }


        boolean alive() { return !ended && process.isAlive(); }

        /** Asks for the next round: `trials` trials per size in all. */
        boolean ask(int trials) {
            lastError.set(null);
            try {
                stdin.write("trials " + trials + "\n");
                stdin.flush();
                return true;
            } catch (IOException e) {
                return false;   // it has exited: the round ends with its exit status
            }
        }

        /** Waits for the round's end (or the process's) and returns its status, the trial lines going to `trials`. */
        ChildRun.Result round(Consumer<TrialLine> trials, Interrupts interrupts) {
            onTrial = trials;
            if (interrupts != null) interrupts.track(process);
            try {
                RoundEnd end = ends.take();
                if (end.processEnded()) ended = true;
                return new ChildRun.Result(end.code(), lastError.get(), process.pid());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroy();
                ended = true;
                return new ChildRun.Result(Exit.INTERRUPTED, "interrupted", process.pid());
            } finally {
                if (interrupts != null) interrupts.untrack();
                onTrial = t -> {};
            }
        }

        /** No more rounds: the end of its input ends it (a child that does not end within 30 s is killed). */
        void finish() {
            try {
                stdin.close();
            } catch (IOException e) {
                // already gone
            }
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) Interrupts.killTree(process);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Interrupts.killTree(process);
            }
            ended = true;
        }

        Process process() { return process; }
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
            Map<String, List<TrialRecord>> results = ResultFile.resultsOf(file);
            if (results == null) return;   // none, or unreadable: the child decides what to do with it; every trial missing
            for (int s : sizes) {
                for (TrialRecord t : ResultFile.trials(results, s + "_" + mode)) {   // an interrupted trial runs again (the child's rule)
                    if (!t.status().equals("interrupted")) present.get(env).get(s).add(t.trial());
                }
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
            Map<String, List<TrialRecord>> results = ResultFile.resultsOf(file);
            if (results == null) return new FileCheck(expected, 0, 0, 0, expected);
            for (int s : sizes) {
                Map<Integer, TrialRecord> byTrial = new HashMap<>();
                for (TrialRecord t : ResultFile.trials(results, s + "_" + mode)) byTrial.put(t.trial(), t);
                for (int i = 1; i <= trials; i++) {
                    TrialRecord t = byTrial.get(i);
                    if (t == null) continue;
                    String status = t.status();
                    boolean markedInvalid = Boolean.FALSE.equals(t.valid());
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

        private int atMost;   // adaptive runs: the most trials the suite may run (max_trials); else total

        synchronized void atMost(int trials) { atMost = trials; }

        synchronized int done() { return done; }

        synchronized String line(String env, TrialLine t, int trialsPerSize) {
            double elapsed = elapsedSeconds();
            String result = t.throughputMflops() == null ? "" : String.format(Locale.ROOT, " %.1f MFLOPS",
                    t.throughputMflops());
            String upTo = atMost > total ? String.format(Locale.ROOT, " (up to %s if every round runs to max_trials)",
                    Display.clock((atMost - done) * (measuredPerTrial + overheadPerTrial()))) : "";
            return String.format(Locale.ROOT, "[suite] %d/%d trials · %s %d %s trial %d/%d %s%s · elapsed %s · ETA %s%s",
                    done, total, env, t.size(), t.mode(), t.trial(), trialsPerSize, t.status(), result,
                    Display.clock(elapsed), Display.clock(etaSeconds()), upTo);
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
        private final Set<Process> kept = ConcurrentHashMap.newKeySet();   // interleaved: children between their rounds
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
                for (Process k : kept) if (k.isAlive()) killTree(k);
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

        /** A child kept between rounds: it may wait idle when the suite ends, and must not outlive it. */
        void keep(Process p) { kept.add(p); }

        void release(Process p) { kept.remove(p); }
    }

    /** run.json (RunJson): the config as used, host, versions, start and end, and each environment's outcome. */
    static final class RunRecord {
        private final Plan plan;
        private final Path file;
        private final ChildLauncher launcher;
        private String status = "running";
        private double started;
        private Map<String, Object> host, versions;
        private Double ended;
        private Integer exitCode;

        RunRecord(Plan plan, Path folder, ChildLauncher launcher) {
            this.plan = plan;
            this.file = folder.resolve("run.json");
            this.launcher = launcher;
        }

        void writeStart(java.util.Collection<EnvironmentRun> runs, Io io) {
            started = Display.now();
            host = HostInfo.fingerprint();
            versions = ToolVersions.collect(plan, launcher);
            writeProgress(runs, io);
        }

        void writeProgress(java.util.Collection<EnvironmentRun> runs, Io io) {
            SuiteConfig c = plan.config();
            write(new RunJson(new Tool("metaorchestrator", VERSION), plan.runId(), status, c.file().toString(), c.asMap(),
                    plan.environments().stream().map(EnvironmentSpec::name).collect(Collectors.toList()), c.baseline(),
                    c.significanceLevel(), c.minEffect(), c.maxCv(), c.maxTrials(), c.targetCi(), c.order().name(),
                    plan.resume().name().toLowerCase(Locale.ROOT), plan.failFast(), Display.unix(started),
                    Display.iso(started), host, versions, environments(runs), ended == null ? null : Display.unix(ended),
                    ended == null ? null : Display.iso(ended), exitCode), io);
        }

        private List<RunEnvironment> environments(java.util.Collection<EnvironmentRun> runs) {
            List<RunEnvironment> envs = new ArrayList<>();
            for (EnvironmentSpec spec : plan.config().environments()) {
                EnvironmentRun r = runs.stream().filter(x -> x.spec.name().equals(spec.name())).findFirst().orElse(null);
                List<RunInvocation> invocations = r == null ? null : r.invocations.stream()
                        .map(i -> new RunInvocation(i.args(), i.exitCode(), Display.unix(i.started()), Display.unix(i.ended()),
                                i.trialsReported(), i.lastError(), i.pid())).collect(Collectors.toList());
                envs.add(new RunEnvironment(spec.name(), spec.image(), spec.runtimeClass(), spec.resultFileName(),
                        r == null ? Outcome.NOT_SELECTED.label : r.outcome.label, r == null ? "" : r.detail,
                        r == null ? null : r.statusCounts, invocations));
            }
            return envs;
        }

        void writeEnd(java.util.Collection<EnvironmentRun> runs, int exitCode, Io io) {
            ended = Display.now();
            status = exitCode == Exit.INTERRUPTED ? "interrupted" : exitCode == Exit.OK ? "completed"
                    : exitCode == Exit.SKIPPED ? "completed with skipped environments" : "failed";
            this.exitCode = exitCode;
            if (versions != null) versions.put("single_env_bench", ToolVersions.childVersion(file.getParent(), plan.environments()));
            writeProgress(runs, io);
        }

        private void write(RunJson run, Io io) {
            try {
                Json.writeAtomically(file, run);
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
            if (launcher != null) m.put("jbang", jbangVersion(launcher.jbang()));
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

        /**
         * JBang's version from its jar's manifest (JBang-Version): bin/jbang.jar of JBang's own distribution, or lib/ of
         * the one scripts/install-jbang.sh installs. Starting `jbang --version` costs a JVM start (1–5 s) of the suite's
         * time; it is the fallback.
         */
        static String jbangVersion(Path launcher) {
            try {
                String v = ChildLauncher.InfoToolsCache.jbangVersion(launcher);
                if (v != null) return v;
            } catch (IOException | RuntimeException e) { /* fall back to asking JBang */ }
            return versionOf(List.of(launcher.toString(), "--version"));
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
                        ResultFile r = Json.MAPPER.readValue(f.toFile(), ResultFile.class);
                        if (r != null && r.tool() != null && r.tool().version() != null) return r.tool().version();
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

    // ---- The two JSON files, typed: a result file (docs/results.schema.json) and run.json (RunRecord writes it).
    //      Each is parsed once into these records; keys this script does not read are ignored (Json.MAPPER). ----

    /** A single_env_bench result file: the parts the summary and the report read. */
    record ResultFile(Tool tool, FileEnvironment environment, Flags flags, FileHost host, Harness harness,
                      Map<String, List<TrialRecord>> results) {
        /** A file's results for the suite's bookkeeping; null when there is no file or it cannot be read. */
        static Map<String, List<TrialRecord>> resultsOf(Path file) {
            try {
                ResultFile f = Files.isRegularFile(file) ? Json.MAPPER.readValue(file.toFile(), ResultFile.class) : null;
                return f == null || f.results() == null ? null : f.results();
            } catch (IOException e) {
                return null;
            }
        }

        /** The trials at a key ("256_warm"): none when the key is absent. */
        static List<TrialRecord> trials(Map<String, List<TrialRecord>> results, String key) {
            List<TrialRecord> trials = results.get(key);
            return trials == null ? List.of() : trials.stream().filter(Objects::nonNull).collect(Collectors.toList());
        }

        /** The program as the first trial that records it describes it (null: none does). */
        Program program() {
            return results.values().stream().flatMap(List::stream).map(TrialRecord::program).filter(Objects::nonNull)
                    .findFirst().orElse(null);
        }
    }

    record Tool(String name, String version) {}

    record FileEnvironment(String image, @JsonProperty("runtime_class") String runtimeClass, String backend, String sampler,
                           @JsonProperty("runtime_version") String runtimeVersion) {}

    /** The child's flags as it ran; duration, warmup and interval only shown, so kept as the number written. */
    record Flags(Number duration, @JsonProperty("warmup_seconds") Number warmupSeconds, Number interval,
                 @JsonProperty("cpu_limit") Double cpuLimit, @JsonProperty("memory_limit") String memoryLimit) {}

    record FileHost(String hostname, @JsonProperty("cpu_model") String cpuModel, Number cores, String kernel) {}

    /**
     * The local backend's own cost of spawning a trivial program through the same path as a trial: the median, in
     * seconds, of spawn_samples, measured at the same points as cold_start_time.
     */
    record Harness(@JsonProperty("spawn_s") Double spawnSeconds, @JsonProperty("spawn_samples") List<Double> spawnSamples,
                   @JsonProperty("warmed_spawns") Integer warmedSpawns) {
        int samples() { return spawnSamples == null ? 0 : spawnSamples.size(); }
    }

    record Program(String compiler, String flags, String target) {}

    /** One trial of a result file (null: absent). Its samples and slices are the report's curves over time. */
    record TrialRecord(int trial, String status, Boolean valid, @JsonProperty("throughput_mflops") Double throughput,
                       @JsonProperty("cold_start_time") Double coldStart, @JsonProperty("time_to_main") Double timeToMain,
                       @JsonProperty("avg_cpu_cores") Double cpuCores, @JsonProperty("peak_mem_bytes") Long peakMem,
                       @JsonProperty("avg_mem_bytes") Long avgMem, @JsonProperty("throttled_events") Long throttled,
                       Double start, @JsonProperty("within_cv_percent") Double withinCvPercent, List<SliceRecord> slices,
                       List<SampleRecord> samples, @JsonProperty("bench_start") Double benchStart,
                       @JsonProperty("steady_mflops") Double steadyMflops,
                       @JsonProperty("warmup_slow_start") Boolean warmupSlowStart, Program program) {
        TrialRecord {
            if (status == null) status = "failed";   // a trial that says nothing did not succeed
            if (samples == null) samples = List.of();
        }

        /** The statistics use valid trials only: status ok and not marked invalid. */
        boolean isValid() { return "ok".equals(status) && !Boolean.FALSE.equals(valid) && throughput != null; }
    }

    record SampleRecord(Double timestamp, @JsonProperty("usage_usec") Long usageUsec, @JsonProperty("mem_bytes") Long memBytes,
                        @JsonProperty("nr_throttled") Long nrThrottled) {}

    record SliceRecord(Double t, Long iterations, Double mflops) {}

    /**
     * run.json: the config as used, host, versions, start and end, each environment's outcome. host, versions and
     * config are open key/value facts (shown as tables), so they stay maps; ended, ended_utc and exit_code only
     * once the run is over.
     */
    record RunJson(Tool tool, @JsonProperty("run_id") String runId, String status,
                   @JsonProperty("config_file") String configFile, Map<String, Object> config, List<String> selected,
                   String baseline, @JsonProperty("significance_level") Double significanceLevel,
                   @JsonProperty("min_effect") Double minEffect, @JsonProperty("max_cv") Double maxCv,
                   @JsonProperty("max_trials") Integer maxTrials, @JsonProperty("target_ci") Double targetCi, String order,
                   String resume, @JsonProperty("fail_fast") Boolean failFast, java.math.BigDecimal started,
                   @JsonProperty("started_utc") String startedUtc, Map<String, Object> host, Map<String, Object> versions,
                   List<RunEnvironment> environments, @JsonInclude(JsonInclude.Include.NON_NULL) java.math.BigDecimal ended,
                   @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("ended_utc") String endedUtc,
                   @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("exit_code") Integer exitCode) {
        RunJson {
            if (environments == null) environments = List.of();
        }

        /** config.shared_args as run.json recorded them (empty when absent). */
        @SuppressWarnings("unchecked")
        Map<String, Object> sharedArgs() {
            return config != null && config.get("shared_args") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        }
    }

    /** One environment of run.json; trials_reported and invocations only for one that was selected. */
    record RunEnvironment(String name, String image, @JsonProperty("runtime_class") String runtimeClass,
                          @JsonProperty("result_file") String resultFile, String outcome, String detail,
                          @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("trials_reported") Map<String, Integer> trialsReported,
                          @JsonInclude(JsonInclude.Include.NON_NULL) List<RunInvocation> invocations) {
        RunEnvironment {
            if (detail == null) detail = "";
        }
    }

    record RunInvocation(List<String> args, @JsonProperty("exit_code") int exitCode, java.math.BigDecimal started,
                         java.math.BigDecimal ended, @JsonProperty("trials_reported") int trialsReported,
                         @JsonProperty("last_error") String lastError, @JsonInclude(JsonInclude.Include.NON_NULL) Long pid) {}

    /** One environment of a results folder: its result file and, when run.json says so, its outcome. */
    record EnvRef(String name, String image, String runtimeClass, Path resultFile, String outcome, String detail) {
        boolean isWasm() { return Names.isWasm(image, runtimeClass); }
    }

    /** An environment's parsed result file and its trials keyed "<size>_<mode>" (sorted by size, then mode; trials by number). */
    record EnvResults(EnvRef ref, ResultFile file, Map<String, List<TrialRecord>> byKey) {
        /** harness.spawn_s: the local backend's spawn cost, median seconds (null when absent). */
        Double harnessSpawnSeconds() { return file.harness() == null ? null : file.harness().spawnSeconds(); }
    }

    /** Reads a results folder: run.json (names, order, baseline) when present, and the result files, each once. */
    static final class ResultsFolder {
        record Contents(List<EnvResults> environments, String baseline, Criteria criteria,
                        List<EnvRef> withoutResults, RunJson run) {}

        private ResultsFolder() {}

        static Contents read(Path folder, List<Problem> problems) {
            Path runJson = folder.resolve("run.json");
            List<EnvRef> refs = new ArrayList<>();
            RunJson run = Files.isRegularFile(runJson) ? Json.read(runJson, RunJson.class, problems,
                    new Problem(runJson.toString(), "", "not the suite's run.json: expected an object (delete it to summarise the result files alone)")) : null;
            if (run != null) {
                for (RunEnvironment e : run.environments()) {
                    refs.add(new EnvRef(Objects.toString(e.name(), ""), Objects.toString(e.image(), ""),
                            Objects.toString(e.runtimeClass(), ""), folder.resolve(Objects.toString(e.resultFile(), "")),
                            e.outcome(), e.detail()));
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
            return new Contents(envs, run == null ? null : run.baseline(), criteria(run), without, run);
        }

        /** The statistical settings run.json recorded (no run.json, or an older one: the defaults). */
        static Criteria criteria(RunJson run) {
            Criteria d = Criteria.defaults(0.01);
            if (run == null) return d;
            return new Criteria(Objects.requireNonNullElse(run.significanceLevel(), d.significanceLevel()),
                    Objects.requireNonNullElse(run.minEffect(), d.minEffect()), Objects.requireNonNullElse(run.maxCv(), d.maxCv()),
                    run.targetCi(), run.maxTrials());
        }

        static EnvResults readResultFile(EnvRef ref, List<Problem> problems) {
            Path f = ref.resultFile();
            ResultFile file = Json.read(f, ResultFile.class, problems, notAResultFile(f));
            if (file == null) return null;
            if (file.results() == null) {
                problems.add(notAResultFile(f));
                return null;
            }
            FileEnvironment env = file.environment();
            String image = env != null && env.image() != null ? env.image() : ref.image();
            String rc = env != null && env.runtimeClass() != null ? env.runtimeClass() : ref.runtimeClass();
            if (image == null || rc == null) {
                problems.add(new Problem(f.toString(), "environment", "missing environment.image or "
                        + "environment.runtime_class"));
                return null;
            }
            String name = ref.name() != null ? ref.name() : Names.defaultName(image, rc);
            EnvRef full = new EnvRef(name, image, rc, f, ref.outcome(), ref.detail());
            Map<String, List<TrialRecord>> byKey = new TreeMap<>(ResultsFolder::compareKeys);
            for (Map.Entry<String, List<TrialRecord>> e : file.results().entrySet()) {
                if (!e.getKey().matches("[0-9]+_(warm|cold)")) {
                    problems.add(new Problem(f.toString(), "results." + e.getKey(), "expected keys like 256_warm or "
                            + "512_cold"));
                    continue;
                }
                List<TrialRecord> trials = new ArrayList<>(e.getValue() == null ? List.of() : e.getValue());
                trials.removeIf(Objects::isNull);
                trials.sort(Comparator.comparingInt(TrialRecord::trial));
                byKey.put(e.getKey(), trials);
            }
            return new EnvResults(full, file, byKey);
        }

        static Problem notAResultFile(Path f) {
            return new Problem(f.toString(), "results", "not a single_env_bench result file: expected an "
                    + "object with \"results\" (docs/results.schema.json)");
        }

        static int compareKeys(String a, String b) {
            int sa = Integer.parseInt(a.substring(0, a.indexOf('_'))), sb = Integer.parseInt(b.substring(0, b.indexOf('_')));
            return sa != sb ? Integer.compare(sa, sb) : a.compareTo(b);
        }
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
         * Iglewicz and Hoaglin's modified Z-score, M = (x − median) / scale with scale = MAD / 0.6745 (when MAD
         * is 0, half the values equal: 1.253314 · MeanAD instead). The scale is never below MAD_FLOOR of the
         * median's size: on tight data (a MAD near 0) an ordinary 1 % wobble would otherwise score 50 and more.
         */
        static double[] modifiedZ(double[] x) {
            double m = median(x), mad = mad(x);
            double scale = mad / 0.6745;
            if (mad == 0) {
                double meanAd = 0;
                for (double v : x) meanAd += Math.abs(v - m);
                scale = 1.253314 * meanAd / x.length;
            }
            scale = Math.max(scale, MAD_FLOOR * Math.abs(m) / 0.6745);
            double[] z = new double[x.length];
            if (scale == 0) return z;   // all equal (and zero): nobody stands out
            for (int i = 0; i < x.length; i++) z[i] = (x[i] - m) / scale;
            return z;
        }

        /** The smallest MAD the modified Z-score assumes, relative to the median: 1 % (flags trials ~5 % off and more). */
        static final double MAD_FLOOR = 0.01;

        static double[] logs(double[] x) { return Arrays.stream(x).map(Math::log).toArray(); }
    }

    /**
     * Student's t and the normal distribution, from Apache Commons Math (as JMH uses it). Only the
     * two-sided helpers are ours.
     */
    static final class StudentT {
        private StudentT() {}

        private static org.apache.commons.math3.distribution.TDistribution of(double df) {
            return new org.apache.commons.math3.distribution.TDistribution(null, df, 1e-14);
        }

        /** P(T ≤ t) for ν degrees of freedom (ν may be fractional, as Welch's is). */
        static double cdf(double t, double df) {
            if (Double.isInfinite(t)) return t > 0 ? 1 : 0;
            return of(df).cumulativeProbability(t);
        }

        /** P(|T| ≥ |t|). */
        static double twoSidedP(double t, double df) {
            if (Double.isInfinite(t)) return 0;
            return 2 * of(df).cumulativeProbability(-Math.abs(t));
        }

        /** The t with P(T ≤ t) = p, for 0 < p < 1. */
        static double quantile(double p, double df) {
            if (p <= 0 || p >= 1) throw new IllegalArgumentException("p must be in (0, 1): " + p);
            return of(df).inverseCumulativeProbability(p);
        }

        /** The standard normal's quantile z(p). */
        static double z(double p) {
            return new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1, 1e-14).inverseCumulativeProbability(p);
        }
    }

    /** The verdict of a comparison with the baseline (docs/statistics.md "Verdicts"). */
    enum Verdict {
        BASELINE("baseline"), FASTER("faster"), SLOWER("slower"), SAME("same"), INCONCLUSIVE("inconclusive"),
        NOT_ENOUGH_DATA("not enough valid trials");
        final String label;
        Verdict(String label) { this.label = label; }

        @com.fasterxml.jackson.annotation.JsonValue String label() { return label; }
    }

    /**
     * Welch's two-sided t-test on log throughput: the difference of the mean logs d (the log of the ratio of
     * geometric means), its standard error, Welch–Satterthwaite's degrees of freedom, t, p and the critical t
     * at the suite's α. The ratio's interval is exp(d ± tCritical·se): positive, symmetric on a log axis.
     * Needs two trials on each side and positive throughputs.
     */
    record Welch(double logRatio, double se, double df, double t, double pValue, double tCritical, double alpha) {
        static Welch onLogs(double[] a, double[] b, double alpha) {
            if (a.length < 2 || b.length < 2) return null;
            if (Arrays.stream(a).anyMatch(v -> !(v > 0)) || Arrays.stream(b).anyMatch(v -> !(v > 0))) return null;
            double[] la = Stats.logs(a), lb = Stats.logs(b);
            double va = Stats.variance(la) / a.length, vb = Stats.variance(lb) / b.length;
            double d = Stats.mean(la) - Stats.mean(lb);
            double se2 = va + vb;
            if (se2 == 0) {   // both perfectly steady: any difference is certain, none is none
                double df = a.length + b.length - 2;
                double t = d == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, d);
                return new Welch(d, 0, df, t, d == 0 ? 1 : 0, StudentT.quantile(1 - alpha / 2, df), alpha);
            }
            double se = Math.sqrt(se2);
            double df = se2 * se2 / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
            double t = d / se;
            return new Welch(d, se, df, t, StudentT.twoSidedP(t, df), StudentT.quantile(1 - alpha / 2, df), alpha);
        }

        double ratio() { return Math.exp(logRatio); }

        double ciLow() { return Math.exp(logRatio - tCritical * se); }

        double ciHigh() { return Math.exp(logRatio + tCritical * se); }

        /** The interval's half-width on the ratio scale, relative: exp(tCritical·se) − 1 (0.03 = ±3 %). */
        double relativeHalfWidth() { return Math.expm1(tCritical * se); }

        /** The smallest true effect detected with this power: exp((t(1−α/2) + t(power))·se) − 1. */
        double minDetectableEffect(double power) {
            return se == 0 ? 0 : Math.expm1((tCritical + StudentT.quantile(power, df)) * se);
        }
    }

    /** A trial flagged by the modified Z-score; it stays in every statistic. */
    record Outlier(int trial, @com.fasterxml.jackson.annotation.JsonProperty("throughput_mflops") double throughput,
                   double modifiedZ) {}

    record Describe(int n, double median, double mean, double stddev, double min, double max, double cvPercent) {
        static Describe of(double[] x) {
            if (x.length == 0) return null;
            boolean spread = x.length >= 2;   // one trial has no standard deviation
            return new Describe(x.length, Stats.median(x), Stats.mean(x), spread ? Stats.stddev(x) : Double.NaN,
                    Stats.min(x), Stats.max(x), spread ? Stats.cvPercent(x) : Double.NaN);
        }
    }

    /**
     * The comparison of one row with the baseline row of the same size and mode: the ratio of geometric means
     * and its interval (Welch on logs), the verdict, the smallest effect these trials could detect (80 % power),
     * and for an inconclusive verdict why, and about how many trials per environment would resolve it.
     */
    record Comparison(double ratio, double ciLow, double ciHigh, Welch welch, Verdict verdict,
                      Double minDetectableEffect, Integer trialsNeeded, Double trialsNeededFor, String reason) {
        static final double POWER = 0.8;

        static Comparison baseline() { return new Comparison(1, 1, 1, null, Verdict.BASELINE, null, null, null, null); }

        static Comparison of(double[] x, double[] base, Criteria c) {
            Welch w = Welch.onLogs(x, base, c.significanceLevel());
            if (w == null) {
                boolean positive = Arrays.stream(x).allMatch(v -> v > 0) && Arrays.stream(base).allMatch(v -> v > 0);
                double ratio = positive && x.length > 0 && base.length > 0
                        ? Math.exp(Stats.mean(Stats.logs(x)) - Stats.mean(Stats.logs(base))) : Double.NaN;
                return new Comparison(ratio, Double.NaN, Double.NaN, null, Verdict.NOT_ENOUGH_DATA, null, null, null,
                        positive ? "needs 2 valid trials on each side (here " + x.length + " and " + base.length + ")"
                                : "a throughput of 0 has no ratio");
            }
            double lo = w.ciLow(), hi = w.ciHigh(), m = c.minEffect();
            Verdict v = hi < 1 ? Verdict.SLOWER : lo > 1 ? Verdict.FASTER
                    : lo >= 1 - m && hi <= 1 + m ? Verdict.SAME : Verdict.INCONCLUSIVE;
            double mde = w.minDetectableEffect(POWER);
            Integer needed = null;
            Double neededFor = null;
            String reason = null;
            if (v == Verdict.INCONCLUSIVE) {
                neededFor = Math.max(m, Math.abs(Math.expm1(w.logRatio())));
                needed = trialsPerEnvironment(Stats.variance(Stats.logs(x)), Stats.variance(Stats.logs(base)), neededFor,
                        c.significanceLevel());
                double cv = Math.max(Stats.cvPercent(x), Stats.cvPercent(base));
                reason = "noise (CV " + Display.percentValue(cv) + ") hides differences under "
                        + Display.percentValue(mde * 100) + "; " + (needed > 1000 ? "more than 1000" : "about " + needed)
                        + " trials per environment would resolve " + Display.percentValue(neededFor * 100);
            }
            return new Comparison(w.ratio(), lo, hi, w, v, mde, needed, neededFor, reason);
        }

        /**
         * Trials per environment (n on each side) to detect a relative effect r with 80 % power, given the two
         * sides' log variances: the smallest n with (t(1−α/2, ν) + t(power, ν))·√((s²a + s²b)/n) ≤ ln(1+r), ν being
         * Welch's degrees of freedom at n trials each, ν = (n−1)(s²a + s²b)²/(s⁴a + s⁴b) (2n − 2 when the variances
         * are equal: then it is ratio-statistics.md's n ≈ 2(z + z)²σ²/ln(1+r)², refined with t). At least 2.
         */
        static int trialsPerEnvironment(double varA, double varB, double r, double alpha) {
            double sum = varA + varB, effect = Math.log1p(r);
            if (sum == 0) return 2;
            java.util.function.IntPredicate enough = n -> {
                double df = (n - 1) * sum * sum / (varA * varA + varB * varB);
                return (StudentT.quantile(1 - alpha / 2, df) + StudentT.quantile(POWER, df)) * Math.sqrt(sum / n) <= effect;
            };
            int high = 2;
            while (!enough.test(high)) {
                if (high >= 1_000_000) return 1_000_000;
                high *= 2;
            }
            int low = high / 2;   // not enough at low (or low < 2): bisect to the smallest n that is
            while (high - low > 1) {
                int mid = (low + high) / 2;
                if (mid >= 2 && enough.test(mid)) high = mid; else low = mid;
            }
            return Math.max(2, high);
        }
    }

    /**
     * What a note is about, most severe first (the report sorts and colours by it): errors lose data, warnings
     * make numbers doubtful, information explains a gap.
     */
    enum NoteKind {
        ENVIRONMENT_FAILED("error", "environment failed"), NO_RESULTS("error", "no results"),
        INTERRUPTED("error", "interrupted"), FAILED_TRIALS("error", "failed or invalid trials"),
        BASELINE_MISSING("warning", "baseline missing"), INCONCLUSIVE("warning", "inconclusive"),
        NOISE("warning", "noisy"), TARGET_NOT_REACHED("warning", "target not reached"),
        INTERPRETER("warning", "likely interpreter mode"), OUTLIER("info", "outlier"),
        SKIPPED_RUNTIME("info", "runtime not installed");
        final String severity, label;
        NoteKind(String severity, String label) { this.severity = severity; this.label = label; }

        @com.fasterxml.jackson.annotation.JsonValue String id() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }
    }

    /** One note of the summary: its kind, the environment (and size) it is about, and what it says. */
    record Note(NoteKind kind, String severity, String environment, Integer size, String mode, String text) {
        static Note of(NoteKind kind, String environment, Integer size, String mode, String text) {
            return new Note(kind, kind.severity, environment, size, mode, text);
        }
    }

    /** The suite's statistical settings (config keys significance_level, min_effect, max_cv, target_ci, max_trials). */
    record Criteria(double significanceLevel, double minEffect, double maxCv, Double targetCi, Integer maxTrials) {
        static final double MIN_EFFECT = 0.05, MAX_CV = 0.05;

        static Criteria defaults(double alpha) { return new Criteria(alpha, MIN_EFFECT, MAX_CV, null, null); }
    }

    /** One row of the summary: an environment at one size and mode. */
    @com.fasterxml.jackson.annotation.JsonPropertyOrder({"environment", "image", "runtime_class", "wasm", "size", "mode",
            "trials_total", "trials_valid", "throughput_mflops"})
    record Row(String environment, String image, String runtimeClass, boolean wasm, int size, String mode,
               int trialsTotal, int trialsValid,
               @com.fasterxml.jackson.annotation.JsonProperty("throughput_mflops") Describe throughput,
               Double withinTrialCvPercent, Comparison vsBaseline,
               @com.fasterxml.jackson.annotation.JsonProperty("cold_start_median_s") Double coldStartMedian,
               @com.fasterxml.jackson.annotation.JsonProperty("cold_start_max_s") Double coldStartMax,
               @com.fasterxml.jackson.annotation.JsonProperty("time_to_main_median_s") Double timeToMainMedian,
               @com.fasterxml.jackson.annotation.JsonProperty("harness_spawn_s") Double harnessSpawn,
               Double avgCpuCores, Long peakMemBytes, Long avgMemBytes,
               Long throttledEvents, List<Outlier> outliers, List<Note> notes) {}

    /** The summary of a results folder: summary.json is this record, bound by Jackson (JsonFormat). */
    @com.fasterxml.jackson.annotation.JsonPropertyOrder({"schema", "results_folder", "baseline", "criteria", "method",
            "headline", "rows", "notes"})
    record Summary(@com.fasterxml.jackson.annotation.JsonProperty("results_folder") String folder, String baseline,
                   Criteria criteria, List<Row> rows, List<Note> notes, List<String> headline) {
        static final double OUTLIER_THRESHOLD = 3.5;
        static final double INTERPRETER_RATIO = 0.1;
        static final String SCHEMA = "mmb-summary/2";

        @com.fasterxml.jackson.annotation.JsonProperty("schema") String schema() { return SCHEMA; }

        @com.fasterxml.jackson.annotation.JsonProperty("method") Map<String, Object> method() {
            return Display.orderedMap("ratio", "ratio of geometric means; interval exp(d ± t·se) from Welch's t-test on "
                            + "log throughput, two-sided", "outliers", "modified Z-score (Iglewicz-Hoaglin), |M| > "
                            + OUTLIER_THRESHOLD + ", MAD at least " + ChildArgs.num(Stats.MAD_FLOOR * 100) + " % of the median",
                    "minimum_detectable_effect", "at alpha with " + Math.round(Comparison.POWER * 100) + " % power");
        }

        double significanceLevel() { return criteria.significanceLevel(); }

        static Summary of(String folder, List<EnvResults> envs, String wantedBaseline, Criteria criteria,
                          List<EnvRef> withoutResults) {
            List<Note> notes = new ArrayList<>();
            String baseline = wantedBaseline;
            if (envs.stream().noneMatch(e -> e.ref().name().equals(wantedBaseline))) {
                baseline = envs.isEmpty() ? null : envs.get(0).ref().name();
                if (wantedBaseline != null && baseline != null) {
                    notes.add(Note.of(NoteKind.BASELINE_MISSING, wantedBaseline, null, null, "The baseline "
                            + wantedBaseline + " has no results; comparing with " + baseline + " instead."));
                }
            }
            EnvResults base = null;
            for (EnvResults e : envs) if (e.ref().name().equals(baseline)) base = e;
            EnvResults nativeRef = base != null && !base.ref().isWasm() ? base
                    : envs.stream().filter(e -> !e.ref().isWasm()).findFirst().orElse(null);

            List<Row> rows = new ArrayList<>();
            for (EnvResults e : envs) {
                for (Map.Entry<String, List<TrialRecord>> k : e.byKey().entrySet()) {
                    rows.add(row(e, k.getKey(), k.getValue(), base, nativeRef, criteria, notes));
                }
                String outcome = e.ref().outcome();
                if (outcome != null && !outcome.equals(Outcome.COMPLETED.label) && !outcome.equals(Outcome.NOT_SELECTED.label)) {
                    notes.add(Note.of(outcomeKind(outcome), e.ref().name(), null, null, e.ref().name() + ": " + outcome
                            + (e.ref().detail().isEmpty() ? "" : " — " + e.ref().detail()) + "."));
                }
            }
            for (EnvRef r : withoutResults) {
                if (Outcome.NOT_SELECTED.label.equals(r.outcome())) continue;
                notes.add(Note.of(Outcome.SKIPPED.label.equals(r.outcome()) ? NoteKind.SKIPPED_RUNTIME : NoteKind.NO_RESULTS,
                        r.name(), null, null, r.name() + ": no results" + (r.outcome() == null ? "" : " (" + r.outcome()
                                + (r.detail().isEmpty() ? "" : ": " + r.detail()) + ")") + "."));
            }
            notes.sort(Comparator.comparing(Note::kind));   // stable: within a kind, in the order of the rows
            Summary draft = new Summary(folder, baseline, criteria, rows, notes, List.of());
            return new Summary(folder, baseline, criteria, rows, notes, Headline.lines(draft));
        }

        private static NoteKind outcomeKind(String outcome) {
            if (outcome.equals(Outcome.SKIPPED.label)) return NoteKind.SKIPPED_RUNTIME;
            if (outcome.equals(Outcome.INTERRUPTED.label)) return NoteKind.INTERRUPTED;
            return NoteKind.ENVIRONMENT_FAILED;
        }

        private static Row row(EnvResults e, String key, List<TrialRecord> trials, EnvResults base,
                               EnvResults nativeRef, Criteria criteria, List<Note> notes) {
            int size = Integer.parseInt(key.substring(0, key.indexOf('_')));
            String mode = key.substring(key.indexOf('_') + 1);
            String name = e.ref().name();
            List<TrialRecord> valid = trials.stream().filter(TrialRecord::isValid).collect(Collectors.toList());
            double[] x = valid.stream().mapToDouble(TrialRecord::throughput).toArray();
            Describe d = Describe.of(x);

            Comparison cmp = null;
            List<TrialRecord> baseTrials = base == null ? null : base.byKey().get(key);
            if (base != null && name.equals(base.ref().name())) {
                cmp = Comparison.baseline();
            } else if (baseTrials != null && d != null) {
                double[] y = baseTrials.stream().filter(TrialRecord::isValid).mapToDouble(TrialRecord::throughput).toArray();
                if (y.length > 0) cmp = Comparison.of(x, y, criteria);
            }

            List<Outlier> outliers = new ArrayList<>();
            if (x.length >= 3) {
                double[] z = Stats.modifiedZ(x);
                for (int i = 0; i < z.length; i++) {
                    if (Math.abs(z[i]) > OUTLIER_THRESHOLD) outliers.add(new Outlier(valid.get(i).trial(), x[i], z[i]));
                }
            }
            Double withinCv = withinTrialCv(valid);
            List<Note> rowNotes = new ArrayList<>();
            String label = name + " " + size + (mode.equals("warm") ? "" : " " + mode) + ": ";
            if (valid.size() < trials.size()) {
                Map<String, Long> left = new TreeMap<>();
                for (TrialRecord t : trials) {
                    if (!t.isValid()) left.merge("ok".equals(t.status()) ? "invalid" : t.status(), 1L, Long::sum);
                }
                rowNotes.add(Note.of(NoteKind.FAILED_TRIALS, name, size, mode, label + left.entrySet().stream()
                        .map(en -> en.getValue() + " " + en.getKey()).collect(Collectors.joining(", "))
                        + " trial(s) left out of the statistics."));
            }
            if (cmp != null && cmp.verdict() == Verdict.INCONCLUSIVE) {
                rowNotes.add(Note.of(NoteKind.INCONCLUSIVE, name, size, mode, label + "inconclusive against " + base.ref().name()
                        + ": " + cmp.reason() + "."));
            }
            if (d != null && !Double.isNaN(d.cvPercent()) && d.cvPercent() > criteria.maxCv() * 100) {
                rowNotes.add(Note.of(NoteKind.NOISE, name, size, mode, label + noiseText(d, withinCv, valid, criteria) + "."));
            }
            if (cmp != null && cmp.welch() != null && criteria.targetCi() != null
                    && cmp.welch().relativeHalfWidth() > criteria.targetCi() + 1e-12) {
                rowNotes.add(Note.of(NoteKind.TARGET_NOT_REACHED, name, size, mode, label + "the ratio's interval is ±"
                        + Display.percentValue(cmp.welch().relativeHalfWidth() * 100) + " after " + x.length
                        + " valid trials, wider than target_ci ±" + Display.percentValue(criteria.targetCi() * 100)
                        + (criteria.maxTrials() != null ? " (max_trials " + criteria.maxTrials() + ")" : "") + "."));
            }
            if (e.ref().isWasm() && nativeRef != null && d != null) {
                List<TrialRecord> nt = nativeRef.byKey().get(key);
                double[] n = nt == null ? new double[0]
                        : nt.stream().filter(TrialRecord::isValid).mapToDouble(TrialRecord::throughput).toArray();
                if (n.length > 0 && d.mean() < INTERPRETER_RATIO * Stats.mean(n)) {
                    rowNotes.add(Note.of(NoteKind.INTERPRETER, name, size, mode, label + String.format(Locale.ROOT,
                            "likely interpreter mode: %s× the throughput of %s (under %.1f×).",
                            Display.ratio(d.mean() / Stats.mean(n)), nativeRef.ref().name(), INTERPRETER_RATIO)));
                }
            }
            for (Outlier o : outliers) {
                rowNotes.add(Note.of(NoteKind.OUTLIER, name, size, mode, label + String.format(Locale.ROOT,
                        "trial %d is an outlier (%.1f MFLOPS, modified Z %.2f, |Z| > %.1f); kept in every statistic.",
                        o.trial(), o.throughput(), o.modifiedZ(), OUTLIER_THRESHOLD)));
            }
            notes.addAll(rowNotes);

            return new Row(name, e.ref().image(), e.ref().runtimeClass(), e.ref().isWasm(), size, mode,
                    trials.size(), valid.size(), d, withinCv, cmp,
                    med(valid, TrialRecord::coldStart), max(valid, TrialRecord::coldStart),
                    med(valid, TrialRecord::timeToMain), e.harnessSpawnSeconds(), mean(valid, TrialRecord::cpuCores),
                    maxLong(valid, TrialRecord::peakMem), meanLong(valid, TrialRecord::avgMem),
                    sumLong(valid, TrialRecord::throttled), outliers, rowNotes);
        }

        /** The median of the trials' own CV over their time slices (single_env_bench's within_cv_percent). */
        private static Double withinTrialCv(List<TrialRecord> valid) { return med(valid, TrialRecord::withinCvPercent); }

        /**
         * The noise, split: between trials (the CV of their throughputs) and within them (each trial's CV over its
         * time slices). Trials that each run steadily but differ from one another point at placement (core, cache,
         * frequency at start): more trials average it out. Throughput that wobbles within a trial points at
         * interference: a quieter machine or longer trials. Expected between-trial CV from the within-trial wobble
         * alone: within / √slices.
         */
        static String noiseText(Describe d, Double withinCv, List<TrialRecord> valid, Criteria c) {
            String s = "noisy: CV " + Display.percentValue(d.cvPercent()) + " between trials (max_cv "
                    + Display.percentValue(c.maxCv() * 100) + ")";
            if (withinCv == null) return s + "; the result file has no time slices to split it into within- and between-trial noise";
            Double slices = med(valid, t -> t.slices() == null ? null : (double) t.slices().size());
            double expected = withinCv / Math.sqrt(slices == null || slices < 1 ? 1 : slices);
            s += ", " + Display.percentValue(withinCv) + " within a trial";
            if (d.cvPercent() > 2 * expected) {
                return s + ": the trials run steadily but differ from one another (placement noise); more trials help";
            }
            return s + ": throughput varies while a trial runs (interference); a quieter machine or longer trials help";
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

    /**
     * The headline: what was found, in plain words, one line per environment and size (throughput against the
     * baseline), and one for its start-up and memory. First in every output.
     */
    static final class Headline {
        private Headline() {}

        static List<String> lines(Summary s) {
            List<String> out = new ArrayList<>();
            String ci = Display.percent(1 - s.significanceLevel()).replace("%", " %") + " CI";
            for (Row r : s.rows()) {
                String who = r.environment() + ", N=" + r.size() + (r.mode().equals("warm") ? "" : " " + r.mode()) + ": ";
                Comparison c = r.vsBaseline();
                Describe d = r.throughput();
                if (c == null) {
                    out.add(who + (d == null ? "no valid trial" : "no comparison: the baseline " + s.baseline()
                            + " has no valid trial at this size") + ".");
                    continue;
                }
                if (c.verdict() == Verdict.BASELINE && d == null) {
                    out.add(who + "the baseline, with no valid trial: nothing can be compared at this size.");
                    continue;
                }
                if (c.verdict() == Verdict.BASELINE) {
                    out.add(who + "the baseline, " + Display.mflops(d.median()) + " MFLOPS (median of "
                            + d.n() + " valid trials" + (Double.isNaN(d.cvPercent()) ? "" : ", CV "
                            + Display.percentValue(d.cvPercent())) + ").");
                    continue;
                }
                out.add(who + throughput(c, s.baseline(), s.criteria(), ci));
                String resources = resources(r, baselineRow(s, r));
                if (!resources.isEmpty()) out.add(who + resources + ".");
            }
            return out;
        }

        private static Row baselineRow(Summary s, Row r) {
            return s.rows().stream().filter(b -> b.environment().equals(s.baseline()) && b.size() == r.size()
                    && b.mode().equals(r.mode())).findFirst().orElse(null);
        }

        static String throughput(Comparison c, String baseline, Criteria k, String ci) {
            String ratio = Display.times(c.ratio()) + " the throughput of " + baseline;
            return switch (c.verdict()) {
                case SLOWER, FASTER -> ratio + " (" + change(c.ratio()) + "; " + ci + " " + changeRange(c.ciLow(), c.ciHigh()) + ")";
                case SAME -> ratio + ": the same within ±" + Display.percentValue(k.minEffect() * 100) + " (" + ci + " "
                        + Display.times(c.ciLow()) + "–" + Display.times(c.ciHigh()) + ")";
                case INCONCLUSIVE -> "inconclusive, " + ratio + " (" + ci + " " + Display.times(c.ciLow()) + "–"
                        + Display.times(c.ciHigh()) + "): " + c.reason();
                default -> (Double.isNaN(c.ratio()) ? "" : ratio + "; ") + "not enough valid trials to compare: " + c.reason();
            } + ".";
        }

        /** 0.74 → "26 % slower"; 0.0055 → "182 times slower"; 1.12 → "12 % faster"; 3 → "3.0 times faster". */
        static String change(double r) {
            if (r < 0.5) return Display.significant(1 / r) + " times slower";
            if (r < 1) return Display.percentValue((1 - r) * 100) + " slower";
            if (r > 2) return Display.significant(r) + " times faster";
            return Display.percentValue((r - 1) * 100) + " faster";
        }

        /** An interval that excludes 1, said the same way: "15–36 % slower", "150–220 times slower". */
        static String changeRange(double lo, double hi) {
            String twoDigits = changeRangeRounded(lo, hi, 2);
            String[] ends = twoDigits.split("[– ]");
            return ends[0].equals(ends[1]) ? changeRangeRounded(lo, hi, 3) : twoDigits;   // "14–14 times": one more digit
        }

        private static String changeRangeRounded(double lo, double hi, int digits) {
            java.util.function.DoubleFunction<String> significant = v -> Display.significant(v, digits);
            java.util.function.DoubleFunction<String> percent = v -> Math.abs(v) >= 10 && digits == 2
                    ? String.valueOf(Math.round(v)) : Display.significant(v, digits);
            if (hi < 1) {
                if (hi < 0.5) return significant.apply(1 / hi) + "–" + significant.apply(1 / lo) + " times slower";
                return percent.apply((1 - hi) * 100) + "–" + percent.apply((1 - lo) * 100) + " % slower";
            }
            if (lo > 2) return significant.apply(lo) + "–" + significant.apply(hi) + " times faster";
            return percent.apply((lo - 1) * 100) + "–" + percent.apply((hi - 1) * 100) + " % faster";
        }

        /**
         * "starts 0.12 s later (time to main …; cold start …); uses 6.0× the memory" against the baseline's row. Start-up is
         * judged by time to main (until the program runs: what a user waits for), not by cold start alone, which on the
         * local backend is little more than the harness's own spawn; cold start is said next to it.
         */
        static String resources(Row r, Row b) {
            if (b == null) return "";
            List<String> parts = new ArrayList<>();
            boolean toMain = r.timeToMainMedian() != null && b.timeToMainMedian() != null;
            Double mine = toMain ? r.timeToMainMedian() : r.coldStartMedian(), theirs = toMain ? b.timeToMainMedian() : b.coldStartMedian();
            if (mine != null && theirs != null) {
                double diff = mine - theirs;
                String amount = Math.abs(diff) < 1 ? Math.round(Math.abs(diff) * 1000) + " ms"
                        : String.format(Locale.ROOT, "%.2f s", Math.abs(diff));
                String cold = "cold start " + Display.secondsOrDash(r.coldStartMedian()) + " vs "
                        + Display.secondsOrDash(b.coldStartMedian());
                String detail = toMain ? " (time to main " + Display.secondsOrDash(mine) + " vs " + Display.secondsOrDash(theirs)
                        + "; " + cold + ")" : " (" + cold + ")";
                parts.add(Math.round(Math.abs(diff) * 1000) == 0 ? "starts as fast as " + b.environment() + detail
                        : "starts " + amount + (diff > 0 ? " later" : " earlier") + detail);
            }
            if (r.peakMemBytes() != null && b.peakMemBytes() != null && b.peakMemBytes() > 0) {
                double m = (double) r.peakMemBytes() / b.peakMemBytes();
                parts.add((m > 0.95 && m < 1.05 ? "uses about the same memory" : "uses " + Display.times(m) + " the memory")
                        + " (peak " + Display.mib(r.peakMemBytes()) + " vs " + Display.mib(b.peakMemBytes()) + ")");
            }
            return String.join("; ", parts);
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
            Summary s = Summary.of(folder.toString(), contents.environments(), wanted, contents.criteria(),
                    contents.withoutResults());
            io.say(TextFormat.render(s));
            if (write) {
                try {
                    Files.writeString(folder.resolve("summary.md"), MarkdownFormat.render(s), StandardCharsets.UTF_8);
                    Files.writeString(folder.resolve("summary.csv"), CsvFormat.render(s), StandardCharsets.UTF_8);
                    JsonFormat.write(folder.resolve("summary.json"), s);
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
            Criteria c = s.criteria();
            return "Summary of " + s.folder() + " (baseline " + s.baseline() + "; ratios of geometric means, "
                    + Display.percent(1 - c.significanceLevel()) + " intervals from Welch's t-test on log throughput, "
                    + "α = " + ChildArgs.num(c.significanceLevel()) + "; smallest effect of interest ±"
                    + Display.percentValue(c.minEffect() * 100) + ")";
        }

        /** One line, under the start-up table: what its columns measure. */
        static final String STARTUP_LEGEND = "Cold start: from asking for the workload (process spawned, pod created) to "
                + "seeing it run; time to main: to the program's first line (MMB_READY); their difference is the "
                + "program's own start (for Wasm, loading and compiling the module). Spawn: the local harness's own cost "
                + "of starting a process, part of cold start.";

        static List<Table> of(Summary s) {
            String ci = Display.percent(1 - s.significanceLevel()) + " CI";
            List<List<String>> a = new ArrayList<>(), b = new ArrayList<>();
            for (Row r : s.rows()) {
                Describe d = r.throughput();
                Comparison c = r.vsBaseline();
                String size = r.size() + (r.mode().equals("warm") ? "" : " " + r.mode());
                boolean compared = c != null && c.verdict() != Verdict.BASELINE;
                a.add(List.of(r.environment(), size, r.trialsValid() + "/" + r.trialsTotal(),
                        d == null ? "–" : Display.mflops(d.median()),
                        d == null ? "–" : Double.isNaN(d.stddev()) ? Display.mflops(d.mean())
                                : Display.mflops(d.mean()) + " ± " + Display.mflops(d.stddev()),
                        d == null || Double.isNaN(d.cvPercent()) ? "–" : Display.oneDecimal(d.cvPercent()),
                        r.withinTrialCvPercent() == null ? "–" : Display.oneDecimal(r.withinTrialCvPercent()),
                        c == null ? "–" : c.verdict() == Verdict.BASELINE ? "1 (baseline)"
                                : Double.isNaN(c.ratio()) ? "–" : Display.ratio(c.ratio()),
                        !compared || Double.isNaN(c.ciLow()) ? "–"
                                : "[" + Display.ratio(c.ciLow()) + ", " + Display.ratio(c.ciHigh()) + "]",
                        !compared || c.minDetectableEffect() == null ? "–" : Display.percentValue(c.minDetectableEffect() * 100),
                        c == null ? "–" : verdictText(c, s.criteria()),
                        r.outliers().isEmpty() ? "" : r.outliers().stream().map(o -> "#" + o.trial())
                                .collect(Collectors.joining(" "))));
                b.add(List.of(r.environment(), size,
                        Display.secondsOrDash(r.coldStartMedian()) + " / " + Display.secondsOrDash(r.coldStartMax()),
                        Display.secondsOrDash(r.timeToMainMedian()),
                        Display.secondsOrDash(r.harnessSpawn()),
                        r.avgCpuCores() == null ? "–" : String.format(Locale.ROOT, "%.2f", r.avgCpuCores()),
                        Display.mib(r.peakMemBytes()), Display.mib(r.avgMemBytes()),
                        r.throttledEvents() == null ? "–" : String.valueOf(r.throttledEvents())));
            }
            return List.of(
                    new Table("Throughput (MFLOPS over valid trials) and comparison with " + s.baseline(),
                            List.of("Environment", "Size", "Valid", "Median", "Mean ± SD", "CV %", "Within %", "Ratio",
                                    ci, "Detects", "Verdict", "Outliers"),
                            Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9), a),
                    new Table("Start-up and resources (valid trials)",
                            List.of("Environment", "Size", "Cold start med / max", "Time to main (med)", "Spawn (harness)",
                                    "CPU cores (avg)", "Peak mem", "Avg mem", "Throttled"),
                            Set.of(1, 2, 3, 4, 5, 6, 7, 8), b));
        }

        /** The verdict in a table cell: "slower (p < 0.0001)", "same within ±5 %", "inconclusive". */
        static String verdictText(Comparison c, Criteria k) {
            return switch (c.verdict()) {
                case FASTER, SLOWER -> c.verdict().label + " (p " + Display.pValue(c.welch().pValue()) + ")";
                case SAME -> "same within ±" + Display.percentValue(k.minEffect() * 100);
                default -> c.verdict().label;
            };
        }

        /** Below the tables: what the columns mean, in one paragraph. */
        static String legend(Summary s) {
            return "Ratio: geometric mean ÷ the baseline's; its " + Display.percent(1 - s.significanceLevel())
                    + " CI is always positive. Detects: the smallest difference these trials detect with "
                    + Math.round(Comparison.POWER * 100) + " % power. Within %: each trial's own CV over its time "
                    + "slices (median). Verdicts: faster/slower when the interval excludes 1; same when it lies within ±"
                    + Display.percentValue(s.criteria().minEffect() * 100) + " (min_effect); otherwise inconclusive. "
                    + "docs/statistics.md says more.";
        }
    }

    /** The aligned tables printed on the console, the headline first. */
    static final class TextFormat {
        private TextFormat() {}

        static String render(Summary s) {
            StringBuilder sb = new StringBuilder(SummaryTables.heading(s)).append("\n");
            if (!s.headline().isEmpty()) {
                sb.append("\nWhat was found\n");
                for (String l : s.headline()) sb.append("- ").append(l).append("\n");
            }
            for (Table t : SummaryTables.of(s)) {
                sb.append("\n").append(t.title()).append("\n");
                int[] w = new int[t.headers().size()];
                for (int i = 0; i < w.length; i++) w[i] = Display.width(t.headers().get(i));
                for (List<String> r : t.rows()) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], Display.width(r.get(i)));
                sb.append(line(t.headers(), w, t.rightAligned())).append("\n");
                for (List<String> r : t.rows()) sb.append(line(r, w, t.rightAligned())).append("\n");
            }
            sb.append(SummaryTables.STARTUP_LEGEND).append("\n").append(SummaryTables.legend(s)).append("\n");
            if (!s.notes().isEmpty()) {
                sb.append("\nNotes\n");
                for (Note n : s.notes()) sb.append("- ").append(n.kind().severity).append(" (").append(n.kind().label)
                        .append("): ").append(n.text()).append("\n");
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

    /** summary.md: the headline, the same tables as GitHub-flavoured Markdown, the notes. */
    static final class MarkdownFormat {
        private MarkdownFormat() {}

        static String render(Summary s) {
            StringBuilder sb = new StringBuilder("# ").append(SummaryTables.heading(s)).append("\n");
            if (!s.headline().isEmpty()) {
                sb.append("\n## What was found\n\n");
                for (String l : s.headline()) sb.append("- ").append(l).append("\n");
            }
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
            sb.append("\n").append(SummaryTables.STARTUP_LEGEND).append("\n\n").append(SummaryTables.legend(s)).append("\n");
            if (!s.notes().isEmpty()) {
                sb.append("\n## Notes\n\n");
                for (Note n : s.notes()) sb.append("- **").append(n.kind().severity).append("** (").append(n.kind().label)
                        .append("): ").append(n.text()).append("\n");
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
                "within_trial_cv_percent", "ratio_to_baseline", "ratio_ci_low", "ratio_ci_high", "log_ratio_se",
                "welch_t", "welch_df", "p_value", "min_detectable_effect", "verdict", "verdict_reason", "trials_needed",
                "cold_start_median_s", "cold_start_max_s", "time_to_main_median_s", "harness_spawn_s", "avg_cpu_cores",
                "peak_mem_bytes", "avg_mem_bytes", "throttled_events", "outlier_trials", "notes");

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
                        d == null ? null : d.cvPercent(), r.withinTrialCvPercent(), c == null ? null : c.ratio(),
                        c == null ? null : c.ciLow(), c == null ? null : c.ciHigh(), w == null ? null : w.se(),
                        w == null ? null : w.t(), w == null ? null : w.df(), w == null ? null : w.pValue(),
                        c == null ? null : c.minDetectableEffect(), c == null ? null : c.verdict().label,
                        c == null ? null : c.reason(), c == null ? null : c.trialsNeeded(),
                        r.coldStartMedian(), r.coldStartMax(), r.timeToMainMedian(), r.harnessSpawn(), r.avgCpuCores(),
                        r.peakMemBytes(), r.avgMemBytes(), r.throttledEvents(),
                        r.outliers().stream().map(o -> String.valueOf(o.trial())).collect(Collectors.joining(" ")),
                        r.notes().stream().map(Note::text).collect(Collectors.joining(" ")));
                sb.append(cells.stream().map(CsvFormat::cell).collect(Collectors.joining(","))).append("\n");
            }
            return sb.toString();
        }

        static String cell(Object v) {
            if (v == null) return "";
            if (v instanceof Double x) return Double.isFinite(x) ? Double.toString(x) : "";
            String s = v.toString();
            return s.matches("(?s).*[,\"\n].*") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
        }
    }

    /**
     * summary.json: the Summary record as Jackson binds it (snake_case names, fields only; NaN and infinities
     * as null), so that the file and the code cannot drift apart.
     */
    static final class JsonFormat {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                .setVisibility(com.fasterxml.jackson.annotation.PropertyAccessor.ALL,
                        com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.NONE)
                .setVisibility(com.fasterxml.jackson.annotation.PropertyAccessor.FIELD,
                        com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.ANY)
                .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule()
                        .addSerializer(Double.class, new FiniteOrNull()).addSerializer(double.class, new FiniteOrNull()));

        private JsonFormat() {}

        /** The Summary as a JSON tree (what summary.json holds). */
        static JsonNode tree(Summary s) { return MAPPER.valueToTree(s); }

        static void write(Path file, Summary s) throws IOException {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            MAPPER.writeValue(tmp.toFile(), s);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        /** JSON has no NaN: a statistic that does not exist (one trial's standard deviation) is null. */
        static final class FiniteOrNull extends com.fasterxml.jackson.databind.ser.std.StdSerializer<Double> {
            FiniteOrNull() { super(Double.class); }

            @Override public void serialize(Double v, com.fasterxml.jackson.core.JsonGenerator g,
                                            com.fasterxml.jackson.databind.SerializerProvider p) throws IOException {
                if (v == null || !Double.isFinite(v)) g.writeNull();
                else g.writeNumber(v);
            }
        }
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
            // XChart draws with AWT; on a server (no display) AWT must be told it is headless before its first use
            if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
            try {
                ReportInputs in = ReportInputs.read(folder, contents, s);
                List<ChartFigure> charts = ReportCharts.all(in);
                Path chartFolder = folder.resolve(CHART_FOLDER);
                Files.createDirectories(chartFolder);
                try (DirectoryStream<Path> old = Files.newDirectoryStream(chartFolder, "*.png")) {
                    for (Path p : old) Files.delete(p);   // an earlier report's charts (e.g. of an environment since removed)
                }
                Map<String, String> svgs = drawCharts(charts, chartFolder);
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

        /**
         * Draws two small charts as the report does (SVG and bitmap, discarded): XChart's, AWT's and the fonts' classes
         * loaded and their code run once, ahead of report.html. Whatever goes wrong here is left to the report to say.
         */
        static void warmUp() {
            if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
            try {
                XYChart xy = ReportCharts.xyChart(ReportCharts.NARROW, 360, "warm-up", "x", "y");
                xy.addSeries("line", new double[] {0, 1, 2}, new double[] {1, 3, 2});
                CategoryChart bars = ReportCharts.categoryChart(300, "warm-up", "x", "y");
                bars.addSeries("bars", List.of("a", "b"), List.of(1.0, 2.0), List.of(0.1, 0.2));
                for (org.knowm.xchart.internal.chartpart.Chart<?, ?> chart : List.<org.knowm.xchart.internal.chartpart.Chart<?, ?>>of(xy, bars)) {
                    SvgChart.inline(new ChartFigure("warm-up", "", null, "warm-up", "", List.of(), List.of(), chart));
                    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(chart.getWidth(), chart.getHeight(),
                            java.awt.image.BufferedImage.TYPE_INT_RGB);
                    java.awt.Graphics2D g = image.createGraphics();
                    chart.paint(g, chart.getWidth(), chart.getHeight());
                    g.dispose();
                }
            } catch (IOException | RuntimeException | LinkageError | java.awt.AWTError | InternalError e) {
                // e.g. no fonts: report.html will say so
            }
        }

        /**
         * Each chart's SVG (returned, by id, in page order) and its PNG (written to chartFolder) in one task, one chart
         * per core at a time (the charts are independent). The SVG first, then the PNG, as always: XChart's second paint
         * of a chart can differ from its first by a few pixels, so the PNG stays the second.
         */
        static Map<String, String> drawCharts(List<ChartFigure> charts, Path chartFolder) throws IOException {
            List<String> svgs;
            try {
                svgs = charts.parallelStream().map(c -> {
                    try {
                        String svg = SvgChart.inline(c);
                        PngChart.write(c.chart(), chartFolder.resolve(c.id() + ".png"), PNG_DPI);
                        return svg;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).collect(Collectors.toList());
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            Map<String, String> byId = new LinkedHashMap<>();
            for (int i = 0; i < charts.size(); i++) byId.put(charts.get(i).id(), svgs.get(i));
            return byId;
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

    /** One sample of a trial, time in seconds since the timed loop started (null: not read). */
    record Sample(double seconds, Long usageUsec, Long memBytes, Long nrThrottled) {}

    /**
     * What a trial's progress lines gave (absent in results that predate them): its slices (each with a time and a
     * throughput), and what single_env_bench derived from them (each null when not recorded).
     */
    record TrialProgress(List<SliceRecord> slices, Double steadyMflops, Double withinCvPercent, Boolean warmupSlowStart) {
        boolean slowStart() { return Boolean.TRUE.equals(warmupSlowStart); }
    }

    /** A trial's samples, for the curves over time, and its progress (null: none recorded). Validity is the Summary's. */
    record TrialTrace(String key, int trial, String status, boolean valid, List<Sample> samples, TrialProgress progress) {
        TrialTrace(String key, int trial, String status, boolean valid, List<Sample> samples) {
            this(key, trial, status, valid, samples, null);
        }

        boolean hasSlices() { return progress != null && !progress.slices().isEmpty(); }

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

    /** One environment as the report needs it: its results (and parsed file), limits, traces. */
    record EnvDetails(EnvResults results, Double cpuLimit, String memoryLimit, List<TrialTrace> traces) {
        String name() { return results.ref().name(); }

        ResultFile file() { return results.file(); }

        /** The harness's spawn cost (local backend); null when not recorded. */
        Harness harness() { return file().harness() == null || file().harness().spawnSeconds() == null ? null : file().harness(); }

        List<TrialTrace> traces(String key) {
            return traces.stream().filter(t -> t.key().equals(key)).collect(Collectors.toList());
        }

        /** The trials drawn over time at a size: valid ones with slices. */
        List<TrialTrace> sliced(String key) {
            return traces(key).stream().filter(t -> t.valid() && t.hasSlices()).collect(Collectors.toList());
        }

        Long memoryLimitBytes() {
            Double b = memoryLimit == null ? null : Names.quantityBytes(memoryLimit.trim());
            return b == null ? null : Math.round(b);
        }

        boolean limited() { return cpuLimit != null || memoryLimit != null; }

        /** Throttled in any sampling interval of any trial. */
        boolean throttled() {
            return traces.stream().anyMatch(t -> Arrays.stream(t.throttledPeriods()[1]).anyMatch(v -> v > 0));
        }
    }

    /** What the page shows: the Summary, each environment's details, and run.json (null when absent). */
    record ReportInputs(Path folder, Summary summary, List<EnvDetails> envs, RunJson run) {

        /** From the folder's files as ResultsFolder parsed them: nothing is read twice. */
        static ReportInputs read(Path folder, ResultsFolder.Contents contents, Summary s) {
            RunJson run = contents.run();
            Map<String, Object> shared = run == null ? Map.of() : run.sharedArgs();
            List<EnvDetails> envs = new ArrayList<>();
            for (EnvResults e : contents.environments()) {
                Flags flags = e.file().flags();
                Double cpu = flags != null && flags.cpuLimit() != null ? flags.cpuLimit()
                        : shared.get("cpu_limit") instanceof Number n ? Double.valueOf(n.doubleValue()) : null;
                String mem = flags != null && flags.memoryLimit() != null ? flags.memoryLimit()
                        : shared.get("memory_limit") == null || shared.get("memory_limit") instanceof Map
                        || shared.get("memory_limit") instanceof List ? null : String.valueOf(shared.get("memory_limit"));
                List<TrialTrace> traces = new ArrayList<>();
                for (Map.Entry<String, List<TrialRecord>> k : e.byKey().entrySet()) {
                    for (TrialRecord t : k.getValue()) {
                        boolean valid = k.getValue().stream().anyMatch(r -> r.trial() == t.trial() && r.isValid());
                        traces.add(new TrialTrace(k.getKey(), t.trial(), t.status(), valid, samples(t), progress(t)));
                    }
                }
                traces.sort(Comparator.comparing(TrialTrace::key, ResultsFolder::compareKeys).thenComparingInt(TrialTrace::trial));
                envs.add(new EnvDetails(e, cpu, mem, traces));
            }
            return new ReportInputs(folder, s, envs, run);
        }

        /** Time zero is BENCH_START (the timed loop); without it, the first sample. */
        private static List<Sample> samples(TrialRecord trial) {
            List<SampleRecord> list = trial.samples();
            double zero = trial.benchStart() != null ? trial.benchStart()
                    : !list.isEmpty() && list.get(0).timestamp() != null ? list.get(0).timestamp() : 0;
            List<Sample> out = new ArrayList<>();
            for (SampleRecord p : list) {
                if (p.timestamp() == null) continue;
                out.add(new Sample(p.timestamp() - zero, p.usageUsec(), p.memBytes(), p.nrThrottled()));
            }
            out.sort(Comparator.comparingDouble(Sample::seconds));
            return out;
        }

        /** The trial's slices in time order (a slice without a time or a throughput is left out); null when it has none. */
        private static TrialProgress progress(TrialRecord trial) {
            if (trial.slices() == null) return null;
            List<SliceRecord> slices = trial.slices().stream().filter(x -> x != null && x.t() != null && x.mflops() != null)
                    .sorted(Comparator.comparingDouble(SliceRecord::t)).collect(Collectors.toList());
            return new TrialProgress(slices, trial.steadyMflops(), trial.withinCvPercent(), trial.warmupSlowStart());
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

    /** The charts, built with XChart from the Summary's rows and the trials' samples; null: nothing to draw. */
    static final class ReportCharts {
        static final int WIDE = 1000, NARROW = 600;
        static final String SPAWN = "harness spawn cost (trivial program)";

        private ReportCharts() {}

        static List<ChartFigure> all(ReportInputs in) {
            List<ChartFigure> charts = new ArrayList<>();
            for (String key : in.keys()) charts.add(throughput(in, key));
            charts.add(ratio(in));
            for (String key : in.keys()) charts.add(overTime(in, key));
            for (String key : in.keys()) charts.add(startup(in, key));
            for (EnvDetails e : in.envs()) {
                for (String key : e.results().byKey().keySet()) {
                    charts.add(cpu(in, e, key));
                    charts.add(memory(in, e, key));
                }
            }
            if (in.anyLimit()) {
                charts.add(throttledTotals(in));
                for (EnvDetails e : in.envs()) charts.add(throttledOverTime(e));
            }
            charts.removeIf(Objects::isNull);   // the page says why a chart is missing
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
            CategoryChart chart = categoryChart(420, title, "environment", "throughput (MFLOPS)");
            chart.getStyler().setOverlapped(true);   // the dots sit on their bar, not beside it
            List<Double> means = new ArrayList<>(), sds = new ArrayList<>(), outliers = new ArrayList<>();
            List<List<Double>> trialValues = new ArrayList<>();
            for (Row r : rows) {
                Describe d = r.throughput();
                means.add(d == null ? 0.0 : d.mean());   // XChart's error bars take no gaps: a missing bar is drawn as 0
                sds.add(d == null || Double.isNaN(d.stddev()) ? 0.0 : d.stddev());
                Set<Integer> flagged = r.outliers().stream().map(Outlier::trial).collect(Collectors.toSet());
                EnvDetails e = in.envs().stream().filter(x -> x.name().equals(r.environment())).findFirst().orElseThrow();
                trialValues.add(e.results().byKey().get(key).stream().filter(TrialRecord::isValid)
                        .filter(t -> !flagged.contains(t.trial())).map(TrialRecord::throughput).collect(Collectors.toList()));
                outliers.add(r.outliers().isEmpty() ? null : r.outliers().get(0).throughput());
            }
            List<String> series = new ArrayList<>();
            if (rows.stream().anyMatch(r -> r.throughput() != null)) {
                chart.addSeries("mean ± SD", envs, means, sds).setFillColor(ChartStyle.BAR);
                series.add("mean ± SD");
            }
            // One series per trial index (a category series has one value per category), drawn alike, named once.
            int most = trialValues.stream().mapToInt(List::size).max().orElse(0);
            for (int i = 0; i < most; i++) {
                final int n = i;
                List<Double> v = trialValues.stream().map(l -> n < l.size() ? l.get(n) : null).collect(Collectors.toList());
                dots(chart, i == 0 ? "each valid trial" : "trial value " + (i + 1), envs, v, SeriesMarkers.CIRCLE, ChartStyle.DOT)
                        .setShowInLegend(i == 0);
                if (i == 0) series.add("each valid trial");
            }
            if (outliers.stream().anyMatch(Objects::nonNull)) {
                dots(chart, "outlier (kept in the statistics)", envs, outliers, SeriesMarkers.DIAMOND, ChartStyle.ALERT);
                series.add("outlier (kept in the statistics)");
            }
            return new ChartFigure(id("throughput", key), "throughput", null, title,
                    "Each bar is the mean throughput of an environment's valid trials, its whisker ± 1 standard deviation; "
                            + "each dot is one trial (a red diamond: a trial flagged as an outlier, still counted). Higher "
                            + "is better. Failed and invalid trials are left out (see Warnings).", series, envs, chart);
        }

        /**
         * The ratio of geometric means to the baseline's, one bar per environment and size, on a log axis: the bar
         * is log10(ratio) drawn from 1, the whisker the interval exp(d ± t·se), symmetric in log space and never cut
         * off (the axis spans every whisker). One series per kind of verdict, so inconclusive bars look different.
         */
        static ChartFigure ratio(ReportInputs in) {
            Summary s = in.summary();
            String ci = Display.percent(1 - s.significanceLevel());
            String same = "same within ±" + Display.percentValue(s.criteria().minEffect() * 100);
            List<String> kinds = List.of("faster or slower", same, "inconclusive", "not enough trials (no interval)");
            List<String> categories = new ArrayList<>();
            List<Comparison> comparisons = new ArrayList<>();
            for (String key : in.keys()) {
                for (Row r : s.rows()) {
                    Comparison c = r.vsBaseline();
                    if (!key.equals(r.size() + "_" + r.mode()) || c == null || c.verdict() == Verdict.BASELINE
                            || Double.isNaN(c.ratio())) continue;
                    categories.add(r.environment() + " · " + ReportInputs.keyLabel(key).replace(" ", ""));
                    comparisons.add(c);
                }
            }
            if (categories.isEmpty()) return null;
            String title = "Throughput relative to " + s.baseline() + " (ratio of geometric means, " + ci + " CI, log scale)";
            CategoryChart chart = categoryChart(440, title, "environment · size", "throughput ÷ baseline's (×, log scale)");
            chart.getStyler().setOverlapped(true);   // one bar per category: the series only sort them by verdict
            double low = Math.log10(1 - s.criteria().minEffect()), high = Math.log10(1 + s.criteria().minEffect());
            List<String> series = new ArrayList<>();
            Color[] colours = {ChartStyle.color(0), ChartStyle.color(2), ChartStyle.color(1), ChartStyle.BAR};
            for (int k = 0; k < kinds.size(); k++) {
                List<Double> value = new ArrayList<>(), half = new ArrayList<>();
                boolean any = false;
                for (Comparison c : comparisons) {
                    boolean mine = kindOf(c) == k;
                    any |= mine;
                    double logRatio = Math.log10(c.ratio());
                    double h = c.welch() == null ? 0 : c.welch().tCritical() * c.welch().se() / Math.log(10);
                    value.add(mine ? logRatio : 0.0);
                    half.add(mine ? h : 0.0);
                    if (mine) { low = Math.min(low, logRatio - h); high = Math.max(high, logRatio + h); }
                }
                if (!any) continue;
                chart.addSeries(kinds.get(k), categories, value, half).setFillColor(colours[k]);
                series.add(kinds.get(k));
            }
            double margin = Math.max(0.02, (high - low) * 0.08);
            chart.getStyler().setYAxisMin(low - margin);
            chart.getStyler().setYAxisMax(high + margin);
            chart.getStyler().setYAxisDecimalPattern("0.00");
            chart.getStyler().setyAxisTickLabelsFormattingFunction(v -> Display.times(Math.pow(10, v)));
            chart.addAnnotation(new AnnotationLine(0.0, false, false));
            return new ChartFigure("ratio", "throughput", null, title,
                    "A bar going down from 1 = slower than the baseline (" + s.baseline() + "), up = faster; the axis is "
                            + "logarithmic, so 0.5× and 2× are equally far from 1. The whisker is the " + ci + " confidence "
                            + "interval of the ratio (Welch's t-test on log throughput): blue when it excludes 1 (faster or "
                            + "slower), green when it lies within ±" + Display.percentValue(s.criteria().minEffect() * 100)
                            + " (the same), orange when it is inconclusive — neither; the Warnings say what would resolve it.",
                    series, categories, chart);
        }

        /** Which series of the ratio chart a comparison belongs to. */
        private static int kindOf(Comparison c) {
            return switch (c.verdict()) {
                case FASTER, SLOWER -> 0;
                case SAME -> 1;
                case INCONCLUSIVE -> 2;
                default -> 3;
            };
        }

        /**
         * Per size: each valid trial's slices (x = program time since its timed loop began, y = the slice's MFLOPS),
         * a colour per environment, the trials overlaid; the trial's steady-state level dotted; a red diamond on the
         * first slice of a trial flagged as a slow start. Null when no trial at this size has slices.
         */
        static ChartFigure overTime(ReportInputs in, String key) {
            String title = "Throughput over time at " + ReportInputs.keyLabel(key) + " (each valid trial, MFLOPS per slice)";
            XYChart chart = xyChart(WIDE, 440, title, "program time since the timed loop began (s)",
                    "throughput of the slice (MFLOPS)");
            chart.getStyler().setXAxisMin(0.0);
            List<String> series = new ArrayList<>();
            List<Double> slowX = new ArrayList<>(), slowY = new ArrayList<>();
            double lowest = Double.MAX_VALUE, highest = 0;
            for (int i = 0; i < in.envs().size(); i++) {
                EnvDetails e = in.envs().get(i);
                Color c = ChartStyle.color(i);
                for (TrialTrace t : e.sliced(key)) {
                    double[] x = t.progress().slices().stream().mapToDouble(SliceRecord::t).toArray();
                    double[] y = t.progress().slices().stream().mapToDouble(SliceRecord::mflops).toArray();
                    boolean first = series.isEmpty() || !series.get(series.size() - 1).equals(e.name());
                    XYSeries trial = line(chart, first ? e.name() : e.name() + " trial " + t.trial(), x, y, c, ChartStyle.SOLID, first);
                    trial.setMarkerColor(c);
                    trial.setMarker(x.length <= 3 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
                    if (first) series.add(e.name());
                    for (double v : y) if (v > 0) { lowest = Math.min(lowest, v); highest = Math.max(highest, v); }
                    Double steady = t.progress().steadyMflops();
                    if (steady != null) {
                        line(chart, e.name() + " trial " + t.trial() + " steady state", new double[] {0, x[x.length - 1]},
                                new double[] {steady, steady}, c, ChartStyle.DOTTED, false);
                    }
                    if (t.progress().slowStart()) { slowX.add(x[0]); slowY.add(y[0]); }
                }
            }
            if (series.isEmpty()) return null;
            if (!slowX.isEmpty()) series.add(dots(chart, "slow start (warm-up)", slowX, slowY, ChartStyle.ALERT, SeriesMarkers.DIAMOND));
            // Environments ten times apart (an interpreter next to native code) would flatten the slower ones on a
            // linear axis; on a log axis a warm-up looks the same size at every level.
            boolean log = highest / lowest > 10;
            if (log) {
                chart.getStyler().setYAxisLogarithmic(true);
                // XChart labels only the powers of ten on a log axis: the axis spans whole decades, so at least two show
                chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(lowest))));
                chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(highest))));
                chart.getStyler().setYAxisDecimalPattern("#,##0.###");   // 10,000, not 1E4
                chart.setYAxisTitle("throughput of the slice (MFLOPS, log scale)");
            } else {
                chart.getStyler().setYAxisMin(0.0);
                if (highest > 0) chart.getStyler().setYAxisMax(highest * 1.1);   // the highest slice whole, off the frame
            }
            return new ChartFigure(id("throughput-over-time", key), "over-time", null, title,
                    "Each line is one valid trial: mmb reports its progress every slice of the timed loop, and each point "
                            + "is a slice's throughput, at the program's time when the slice ended. One colour per "
                            + "environment, its trials overlaid; the dotted line of the same colour is a trial's steady-state "
                            + "throughput as single_env_bench derived it. A line that starts low and climbs is a runtime "
                            + "warming up (a JIT replacing its first quick translation of the hot loop with a better one: V8's "
                            + "Liftoff → TurboFan, WAMR's fast JIT, Wasmer's tiers); a red diamond marks the first slice of a "
                            + "trial flagged as a slow start. Dips in a flat line are the machine, not the program (another "
                            + "process, frequency changes)."
                            + (log ? " The axis is logarithmic: the environments are more than ten times apart." : ""),
                    series, List.of(), chart);
        }

        /**
         * Per size: for each environment, each valid trial's cold start (circle) and time to main (diamond), joined
         * by a line whose length is what the runtime does before main; the harness's own spawn cost (local backend)
         * as a dashed line. Trials left to right in the order they ran. Null when no valid trial has either time.
         */
        static ChartFigure startup(ReportInputs in, String key) {
            List<EnvDetails> envs = new ArrayList<>();
            List<List<TrialRecord>> trials = new ArrayList<>();
            for (EnvDetails e : in.envs()) {
                List<TrialRecord> valid = e.results().byKey().getOrDefault(key, List.of()).stream().filter(TrialRecord::isValid)
                        .filter(t -> t.coldStart() != null || t.timeToMain() != null)
                        .sorted(Comparator.comparing(t -> t.start() == null ? Double.MAX_VALUE : t.start()))
                        .collect(Collectors.toList());
                if (valid.isEmpty()) continue;
                envs.add(e);
                trials.add(valid);
            }
            if (envs.isEmpty()) return null;
            String title = "Start-up at " + ReportInputs.keyLabel(key) + ": cold start and time to main per trial (ms)";
            XYChart chart = xyChart(WIDE, 440, title, "each environment's valid trials, left to right in the order they ran",
                    "milliseconds since the start was requested (ms)");
            var styler = chart.getStyler();
            styler.setLegendPosition(Styler.LegendPosition.OutsideS);
            styler.setLegendLayout(Styler.LegendLayout.Horizontal);
            List<Double> coldX = new ArrayList<>(), coldY = new ArrayList<>(), mainX = new ArrayList<>(), mainY = new ArrayList<>();
            double top = 0;
            int joins = 0;
            boolean spawnNamed = false;
            for (int i = 0; i < envs.size(); i++) {
                List<TrialRecord> list = trials.get(i);
                for (int k = 0; k < list.size(); k++) {
                    TrialRecord t = list.get(k);
                    double x = i + (list.size() == 1 ? 0 : -0.25 + 0.5 * k / (list.size() - 1));
                    if (t.coldStart() != null) { coldX.add(x); coldY.add(t.coldStart() * 1000); top = Math.max(top, t.coldStart() * 1000); }
                    if (t.timeToMain() != null) { mainX.add(x); mainY.add(t.timeToMain() * 1000); top = Math.max(top, t.timeToMain() * 1000); }
                    if (t.coldStart() != null && t.timeToMain() != null) {
                        line(chart, "before main " + joins++, new double[] {x, x},
                                new double[] {t.coldStart() * 1000, t.timeToMain() * 1000}, ChartStyle.GREY, ChartStyle.SOLID, false);
                    }
                }
                Harness spawn = envs.get(i).harness();
                if (spawn != null) {
                    double ms = spawn.spawnSeconds() * 1000;
                    line(chart, spawnNamed ? "harness spawn " + i : SPAWN, new double[] {i - 0.4, i + 0.4}, new double[] {ms, ms},
                            ChartStyle.LIMIT, ChartStyle.DASHED, !spawnNamed);
                    spawnNamed = true;
                    top = Math.max(top, ms);
                }
            }
            List<String> series = new ArrayList<>();
            if (spawnNamed) series.add(SPAWN);   // the legend's order: the series in the order added
            // the circles over the diamonds: where the two times are equal (a native binary), both stay visible
            if (!mainX.isEmpty()) series.add(dots(chart, "time to main", mainX, mainY, ChartStyle.color(5), SeriesMarkers.DIAMOND));
            if (!coldX.isEmpty()) series.add(dots(chart, "cold start", coldX, coldY, ChartStyle.color(0), SeriesMarkers.CIRCLE));
            // Each environment's name over its group, groups apart by a thin line. (XChart 3.8.8 gives up on tick labels
            // from a formatting function that leaves some ticks blank, so the names are annotations, not ticks.)
            List<String> names = envs.stream().map(EnvDetails::name).collect(Collectors.toList());
            // XChart leaves (1 − plot content size) ÷ 2 of the plot blank on each side of the axis range: shrink the
            // range by as much, so that each environment's group is as wide as the others.
            double margin = (1 - styler.getPlotContentSize()) / 2 * envs.size();
            styler.setXAxisMin(-0.5 + margin);
            styler.setXAxisMax(envs.size() - 0.5 - margin);
            styler.setXAxisTicksVisible(false);
            styler.setPlotGridVerticalLinesVisible(false);
            styler.setYAxisMin(0.0);
            styler.setYAxisMax(top * 1.2);   // room for the names above the highest dot
            styler.setAnnotationTextFont(styler.getAxisTickLabelsFont());
            styler.setAnnotationTextFontColor(ChartStyle.DOT);
            styler.setAnnotationLineColor(ChartStyle.GRID);
            styler.setAnnotationLineStroke(ChartStyle.SOLID);
            for (int i = 0; i < names.size(); i++) {
                chart.addAnnotation(new AnnotationText(names.get(i), i, top * 1.12, false));
                if (i > 0) chart.addAnnotation(new AnnotationLine(i - 0.5, true, false));
            }
            return new ChartFigure(id("startup", key), "startup", null, title,
                    "Per environment, each valid trial is a circle (cold start) and a diamond (time to main) on one "
                            + "vertical line; the line's length is the time the runtime spent before the program's main "
                            + "(for Wasm, loading and compiling the module). The dashed line is the harness's own cost of "
                            + "spawning a trivial program (local backend): cold start includes it. Lower is better; a first "
                            + "trial far above the others usually paid for a cold cache (files, page cache, image).",
                    series, names, chart);
        }

        /** What a resource chart draws: one line per trial from its samples, its levels formatted as `format`. */
        record Resource(String id, String what, String yTitle, Function<TrialTrace, double[][]> values, String format) {
            List<TrialTrace> traces(EnvDetails e, String key) {
                return e.traces(key).stream().filter(t -> values.apply(t)[0].length > 0).collect(Collectors.toList());
            }
        }

        static final Resource CPU = new Resource("cpu", "CPU cores used", "CPU (cores)", TrialTrace::cpuCores, "%.2f cores");
        static final Resource MEMORY = new Resource("memory", "memory in use", "memory (MiB)", TrialTrace::memoryMiB, "%.1f MiB");

        static ChartFigure cpu(ReportInputs in, EnvDetails e, String key) {
            List<TrialTrace> traces = CPU.traces(e, key);
            if (traces.isEmpty()) return null;
            Row row = in.row(e.name(), key);
            double peak = traces.stream().filter(TrialTrace::valid).flatMapToDouble(t -> Arrays.stream(t.cpuCores()[1]))
                    .max().orElse(Double.NaN);
            ChartFigure f = resource(CPU, e, key, traces, row == null ? null : row.avgCpuCores(), Double.isNaN(peak) ? null : peak,
                    e.cpuLimit() == null ? null : "limit " + ReportInputs.cores(e.cpuLimit()), e.cpuLimit(),
                    "CPU time used per second of wall time over each sampling interval, for each trial (1 = one core busy; "
                            + "mmb is single-threaded, so about 1). Dashed: the average of the valid trials (the summary's "
                            + "CPU cores); dotted: the highest interval of a valid trial.");
            double top = Math.max(Double.isNaN(peak) ? 0 : peak, e.cpuLimit() == null ? 0 : e.cpuLimit());
            // room above, so the lines at the top stay apart from the frame
            if (top > 0) ((XYChart) f.chart()).getStyler().setYAxisMax(top * 1.15);
            return f;
        }

        static ChartFigure memory(ReportInputs in, EnvDetails e, String key) {
            List<TrialTrace> traces = MEMORY.traces(e, key);
            if (traces.isEmpty()) return null;
            Row row = in.row(e.name(), key);
            Double average = row == null || row.avgMemBytes() == null ? null : row.avgMemBytes() / 1048576.0;
            Double peak = row == null || row.peakMemBytes() == null ? null : row.peakMemBytes() / 1048576.0;
            double highest = Math.max(peak == null ? 0 : peak,
                    traces.stream().flatMapToDouble(t -> Arrays.stream(t.memoryMiB()[1])).max().orElse(0));
            Long limit = e.memoryLimitBytes();
            boolean drawn = limit != null && limit / 1048576.0 <= 2 * highest;   // else it would squash the curves
            return resource(MEMORY, e, key, traces, average, peak, drawn ? "limit " + e.memoryLimit() : null,
                    drawn ? limit / 1048576.0 : null,
                    "Memory charged to the workload (cgroup memory.current, or the process tree's RSS) at each sample. "
                            + "Dashed: the time-weighted average of the valid trials; dotted: the peak, which includes the "
                            + "cgroup's own high-water mark, so it can sit above every sample."
                            + (limit != null && !drawn ? " The memory limit, " + e.memoryLimit() + ", is far above and not drawn." : ""));
        }

        /** A resource over time: a line per trial; the average (dashed), the peak (dotted) and the limit as levels. */
        static ChartFigure resource(Resource r, EnvDetails e, String key, List<TrialTrace> traces, Double average, Double peak,
                                    String limitName, Double limit, String howToRead) {
            String title = e.name() + ", " + ReportInputs.keyLabel(key) + ": " + r.what();
            XYChart chart = timeChart(title, r.yTitle());
            List<String> series = traceSeries(chart, traces, r.values(), TrialTrace::label);
            double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
            for (TrialTrace t : traces) for (double x : r.values().apply(t)[0]) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
            double[] range = hi > lo ? new double[] {lo, hi} : new double[] {lo - 0.5, lo + 0.5};
            if (average != null) series.add(level(chart, "average " + String.format(Locale.ROOT, r.format(), average), average, range,
                    ChartStyle.AVERAGE, ChartStyle.DASHED));
            if (peak != null) series.add(level(chart, "peak " + String.format(Locale.ROOT, r.format(), peak), peak, range,
                    ChartStyle.ALERT, ChartStyle.DOTTED));
            if (limit != null) series.add(level(chart, limitName, limit, range, ChartStyle.LIMIT, ChartStyle.SOLID));
            return new ChartFigure(id(r.id(), e.name(), key), "resources", e.name(), title, howToRead, series, List.of(), chart);
        }

        /** Summed throttled periods per environment and size (the summary's Throttled column). */
        static ChartFigure throttledTotals(ReportInputs in) {
            List<String> envs = in.summary().rows().stream().map(Row::environment).distinct().collect(Collectors.toList());
            String title = "CPU throttling: CFS periods throttled (sum over the valid trials)";
            CategoryChart chart = categoryChart(380, title, "environment", "throttled periods (count)");
            List<String> series = new ArrayList<>();
            double most = 0;
            for (String key : in.keys()) {
                List<Double> v = new ArrayList<>();
                for (String env : envs) {
                    Row r = in.row(env, key);
                    v.add(r == null || r.throttledEvents() == null ? null : r.throttledEvents().doubleValue());
                }
                if (v.stream().allMatch(Objects::isNull)) continue;
                chart.addSeries(ReportInputs.keyLabel(key), envs, v).setFillColor(ChartStyle.color(series.size()));
                series.add(ReportInputs.keyLabel(key));
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
            XYChart chart = timeChart(title, "throttled periods (count)");
            boolean manyKeys = traces.stream().map(TrialTrace::key).distinct().count() > 1;
            List<String> series = traceSeries(chart, traces, TrialTrace::throttledPeriods,
                    t -> (manyKeys ? ReportInputs.keyLabel(t.key()) + " " : "") + t.label());
            return new ChartFigure(id("throttling", e.name()), "throttling", e.name(), title,
                    "How many 100 ms CFS periods the workload had been throttled in since its timed loop started, per "
                            + "trial. A flat line: never held back; a steady climb: the CPU limit caps it.", series, List.of(), chart);
        }

        // ---- the XChart set-up the charts share ----

        static CategoryChart categoryChart(int height, String title, String xTitle, String yTitle) {
            CategoryChart chart = new CategoryChartBuilder().width(WIDE).height(height).title(title).xAxisTitle(xTitle)
                    .yAxisTitle(yTitle).build();
            ChartStyle.category(chart);
            return chart;
        }

        static XYChart xyChart(int width, int height, String title, String xTitle, String yTitle) {
            XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
            ChartStyle.xy(chart);
            return chart;
        }

        /** The narrow charts over time, two side by side: seconds since the timed loop started, both axes from 0. */
        private static XYChart timeChart(String title, String yTitle) {
            XYChart chart = xyChart(NARROW, 360, title, "seconds since the timed loop started (s)", yTitle);
            ChartStyle.fitTitle(chart);
            chart.getStyler().setXAxisMin(0.0);
            chart.getStyler().setYAxisMin(0.0);
            return chart;
        }

        /** A line per trial (coloured and named up to 8 trials; beyond that grey and named once). */
        private static List<String> traceSeries(XYChart chart, List<TrialTrace> traces, Function<TrialTrace, double[][]> values,
                                                Function<TrialTrace, String> label) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < traces.size(); i++) {
                double[][] xy = values.apply(traces.get(i));
                String name = traces.size() > ChartStyle.NAMED_TRACES && i == 0 ? "each trial (" + traces.size() + ")"
                        : label.apply(traces.get(i));
                XYSeries line = chart.addSeries(name, xy[0], xy[1]);
                ChartStyle.trace(line, i, traces.size(), xy[0].length);
                if (line.isShowInLegend()) names.add(name);
            }
            return names;
        }

        /** A line without markers in one colour and stroke: a reference level, a join, a trial's curve. */
        private static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color c, BasicStroke stroke, boolean legend) {
            XYSeries s = chart.addSeries(name, x, y);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(c);
            s.setLineStyle(stroke);
            s.setShowInLegend(legend);
            return s;
        }

        /** A horizontal reference line as a named series, so that the legend says what it is. */
        private static String level(XYChart chart, String name, double y, double[] range, Color c, BasicStroke stroke) {
            line(chart, name, range, new double[] {y, y}, c, stroke, true);
            return name;
        }

        private static String dots(XYChart chart, String name, List<Double> x, List<Double> y, Color c, Marker marker) {
            XYSeries s = chart.addSeries(name, x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(marker);
            s.setMarkerColor(c);
            return name;
        }

        private static CategorySeries dots(CategoryChart chart, String name, List<String> categories, List<Double> values,
                                           Marker marker, Color c) {
            CategorySeries s = chart.addSeries(name, categories, values);
            s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
            s.setMarker(marker);
            s.setMarkerColor(c);
            return s;
        }
    }

    /** One look for every chart: white, a colour-blind-safe palette (Okabe and Ito), the legend below the plot. */
    static final class ChartStyle {
        static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xE69F00),
                new Color(0x009E73), new Color(0xCC79A7), new Color(0x56B4E9),
                new Color(0xD55E00), new Color(0x999933), new Color(0x332288)};
        static final Color BAR = new Color(0x9ECAE9), DOT = new Color(0x1F3B57),
                ALERT = new Color(0xC0392B), AVERAGE = new Color(0x333333),
                LIMIT = new Color(0x7B2CBF), GRID = new Color(0xE3E3E3), GREY = new Color(0xB0B0B0);
        static final BasicStroke SOLID = new BasicStroke(1.5f),
                DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {6f, 4f}, 0f),
                DOTTED = new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f,
                        new float[] {1f, 4f}, 0f);
        static final int NAMED_TRACES = 8;

        private ChartStyle() {}

        static Color color(int i) { return PALETTE[Math.floorMod(i, PALETTE.length)]; }

        static void category(CategoryChart chart) {
            common(chart.getStyler());
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setErrorBarsColor(new Color(0x222222));
            chart.getStyler().setPlotGridVerticalLinesVisible(false);
        }

        static void xy(XYChart chart) {
            common(chart.getStyler());
            chart.getStyler().setMarkerSize(6);
            // XChart does not wrap a legend: below the plot a long one is cut off, to its right it takes the room it needs.
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        }

        static void common(org.knowm.xchart.style.AxesChartStyler s) {
            s.setChartBackgroundColor(Color.WHITE);
            s.setPlotBackgroundColor(Color.WHITE);
            s.setPlotBorderColor(GREY);
            s.setPlotGridLinesColor(GRID);
            s.setLegendBorderColor(Color.WHITE);
            s.setLegendPosition(Styler.LegendPosition.OutsideS);
            s.setLegendLayout(Styler.LegendLayout.Horizontal);
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
        static void trace(XYSeries line, int i, int count, int points) {
            Color c = count > NAMED_TRACES ? GREY : color(i);
            line.setLineColor(c);
            line.setMarkerColor(c);
            line.setMarker(points <= 30 ? SeriesMarkers.CIRCLE
                    : SeriesMarkers.NONE);
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

    /**
     * A chart as a PNG of a given DPI for print: the pixels of XChart's BitmapEncoder.saveBitmapWithDPI (painted the
     * same way), encoded here. ImageIO's PNG writer tries all five PNG filters on every row and was half the time of
     * `report`; this writes one filter (None: on these charts it compresses better than Sub or Up) with the Deflater
     * level ImageIO uses (4): files of the same size in half the CPU time. Level 1 would halve it again, at +46 %.
     */
    static final class PngChart {
        static final int DEFLATE_LEVEL = 4;
        private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

        private PngChart() {}

        static void write(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file, int dpi) throws IOException {
            Files.write(file, encode(paint(chart, dpi), dpi));
        }

        /** As BitmapEncoder.saveBitmapWithDPI paints: RGB, the chart's size × dpi/72, the graphics scaled by as much. */
        static java.awt.image.BufferedImage paint(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, int dpi) {
            double scale = dpi / 72.0;
            var image = new java.awt.image.BufferedImage((int) (chart.getWidth() * scale), (int) (chart.getHeight() * scale),
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = image.createGraphics();
            java.awt.geom.AffineTransform at = g.getTransform();
            at.scale(scale, scale);
            g.setTransform(at);
            chart.paint(g, chart.getWidth(), chart.getHeight());
            g.dispose();
            return image;
        }

        /** IHDR (8-bit RGB), pHYs (dpi in pixels per metre, as ImageIO writes it), one IDAT, IEND. */
        static byte[] encode(java.awt.image.BufferedImage image, int dpi) throws IOException {
            int w = image.getWidth(), h = image.getHeight();
            int[] pixels = ((java.awt.image.DataBufferInt) image.getRaster().getDataBuffer()).getData();   // TYPE_INT_RGB: 0xRRGGBB, w a row
            ByteArrayOutputStream idat = new ByteArrayOutputStream();
            java.util.zip.Deflater deflater = new java.util.zip.Deflater(DEFLATE_LEVEL);
            try (var z = new java.util.zip.DeflaterOutputStream(idat, deflater, 1 << 16)) {
                byte[] row = new byte[1 + 3 * w];   // row[0] = 0: filter None
                for (int y = 0; y < h; y++) {
                    for (int x = 0, i = y * w, o = 1; x < w; x++, i++) {
                        int p = pixels[i];
                        row[o++] = (byte) (p >> 16);
                        row[o++] = (byte) (p >> 8);
                        row[o++] = (byte) p;
                    }
                    z.write(row);
                }
            } finally {
                deflater.end();
            }
            int perMetre = (int) Math.round(dpi / 0.0254);
            ByteArrayOutputStream png = new ByteArrayOutputStream(idat.size() + 64);
            png.write(SIGNATURE);
            chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put(new byte[] {8, 2, 0, 0, 0}).array());
            chunk(png, "pHYs", ByteBuffer.allocate(9).putInt(perMetre).putInt(perMetre).put((byte) 1).array());
            chunk(png, "IDAT", idat.toByteArray());
            chunk(png, "IEND", new byte[0]);
            return png.toByteArray();
        }

        private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
            byte[] name = type.getBytes(StandardCharsets.US_ASCII);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(name);
            crc.update(data);
            png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
            png.writeBytes(name);
            png.writeBytes(data);
            png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        }
    }

    /**
     * The page: one Mustache template (PAGE, its partials FIGURE and TREE) that escapes every value unless it is
     * written {{{raw}}} (only the SVG charts, drawn here), bound to the small view records below. View builds them.
     */
    static final class HtmlPage {
        private HtmlPage() {}

        record Page(String folder, String whatRan, String baseline, long envCount, String runLine, String generated,
                    int noteCount, List<String> headline, String legend, List<NoteView> notes, List<Fig> throughput,
                    OverTime overTime, Startup startup, List<EnvSection> resources, Throttling throttling,
                    String summaryHeading, List<TableView> tables, RunView run, List<FileRow> files, String ci,
                    String minEffect, String maxCv, String version) {}
        record NoteView(String severity, String id, String label, String icon, String text) {}
        record Fig(String id, String series, String categories, String svg, String howToRead) {}
        record OverTime(String without, List<OverTimeKey> keys) {}
        record OverTimeKey(Fig figure, String label, String slow, List<ProgressRow> rows) {}
        record ProgressRow(String env, int trial, int slices, String steady, String cv, String slowStart) {}
        record Startup(List<Fig> figures, String spawns, String unknown) {}
        record EnvSection(String anchor, String name, String image, String runtimeClass, List<NoteView> notes, List<Fig> figures) {}
        record Throttling(String limits, List<Fig> totals, String never, List<Fig> perEnv) {}
        record TableView(String title, List<String> headers, List<Cells> rows) {}
        record Cells(List<Cell> cells) {}
        record Cell(String cls, String text) {}
        record RunView(List<Kv> facts, List<EnvRow> environments, Tree host, Tree versions, Tree config) {}
        record EnvRow(String name, String image, String runtimeClass, String resultFile, String outcome, String outcomeClass,
                      String detail, String trials, int runs) {}
        record Kv(String key, String value) {}
        record Tree(List<TreeRow> rows) {}
        record TreeRow(String key, String value, Tree nested) {}
        record FileRow(String env, String file, String tool, String backend, String sampler, String runtime, String program,
                       String timing, String limits, String host) {}

        static final String FIGURE = """
                <figure class="chart" id="chart-{{id}}" data-chart="{{id}}" data-series="{{series}}"\
                {{#categories}} data-categories="{{.}}"{{/categories}}>
                {{{svg}}}
                <figcaption><span class="how">How to read: {{howToRead}}</span> <span class="png">PNG: <code>charts/{{id}}.png\
                </code></span></figcaption>
                </figure>
                """;

        static final String TREE = """
                {{^rows}}<p class="empty">not recorded</p>
                {{/rows}}{{#rows}}{{#-first}}<table class="kv">
                {{/-first}}<tr><th>{{key}}</th><td>{{#nested}}{{> tree}}{{/nested}}{{^nested}}{{value}}{{/nested}}</td></tr>
                {{#-last}}</table>
                {{/-last}}{{/rows}}""";

        static final String PAGE = """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
                <title>mmb benchmark report: {{folder}}</title>
                <style>
                :root { color-scheme: light; --ink: #1d2430; --muted: #5b6573; --line: #d9dee5; --warn: #fff4e0; --bad: #fdeceb; }
                * { box-sizing: border-box; }
                body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                       color: var(--ink); background: #f5f6f8; }
                main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
                h1 { font-size: 26px; margin: 0 0 8px; } h1 .folder { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
                h2 { font-size: 21px; margin: 36px 0 8px; padding-top: 8px; border-top: 2px solid var(--line); }
                h3 { font-size: 17px; margin: 24px 0 6px; } h3 small { font-weight: normal; color: var(--muted); }
                .lead { font-size: 16px; max-width: 70em; } .meta { color: var(--muted); }
                nav { background: #eef2f7; padding: 8px 12px; border-radius: 6px; } a { color: #0b5cad; }
                ul.warnings { list-style: none; padding: 0; } ul.headline li { margin: 3px 0; font-size: 15.5px; }
                li.warning { background: var(--warn); border-left: 4px solid #e69f00; margin: 4px 0; padding: 6px 10px; }
                li.warning.error, .inline-warning.error { background: var(--bad); border-color: #c0392b; }
                li.warning.info, .inline-warning.info { background: #eaf2fb; border-color: #0072b2; }
                .tag { display: inline-block; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .03em;
                       background: #fff; border: 1px solid currentColor; border-radius: 3px; padding: 0 5px; margin-right: 6px; }
                .inline-warning { background: var(--warn); padding: 4px 10px; margin: 4px 0; }
                .ok { background: #e8f6ee; padding: 6px 10px; } .empty { color: var(--muted); font-style: italic; }
                figure.chart { margin: 12px 0 20px; }
                details { margin: 4px 0 20px; } summary { cursor: pointer; color: #0b5cad; }
                dl.startup { background: #f7f9fb; border-left: 4px solid var(--line); padding: 4px 12px 8px; max-width: 70em; }
                svg.chart { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); }
                figcaption { color: var(--muted); font-size: 13.5px; margin-top: 4px; max-width: 1000px; }
                figcaption .png { white-space: nowrap; }
                .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 0 20px; }
                .table { overflow-x: auto; } table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13.5px; }
                caption { text-align: left; font-weight: 600; padding: 4px 0; }
                th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
                thead th { background: #eef2f7; } tbody td:first-child { white-space: nowrap; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
                table.kv th { font-weight: 600; color: var(--muted); white-space: nowrap; }
                td.verdict-faster { background: #e8f6ee; } td.verdict-slower { background: var(--bad); }
                td.verdict-inconclusive { background: var(--warn); font-style: italic; }
                td.verdict-baseline { font-weight: 600; }
                tr.outcome-failed td, tr.outcome-skipped td, tr.outcome-interrupted td, tr.outcome-not-run td { background: var(--bad); }
                dt { font-weight: 600; margin-top: 8px; } dd { margin: 0 0 0 1.5em; max-width: 70em; }
                code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 90%; }
                footer { margin-top: 36px; color: var(--muted); font-size: 13px; }
                </style>
                </head>
                <body>
                <main>
                <header>
                <h1>mmb benchmark report: <span class="folder">{{folder}}</span></h1>
                <p class="lead">The same program — mmb, which multiplies two N×N matrices of doubles over and over for a \
                fixed time — was run {{whatRan}}. Each environment ran several <em>trials</em> per matrix size N. This page \
                compares their speed (throughput), their start-up, and the CPU and memory they used, with \
                <strong>{{baseline}}</strong> as the baseline every other environment is compared with.</p>
                <p class="meta">{{envCount}} environment(s) with results{{runLine}} · report written {{generated}}</p>
                <nav><strong>Contents:</strong> <a href="#headline">What was found</a> · <a href="#warnings">Warnings \
                ({{noteCount}})</a> · <a href="#throughput">Throughput</a> · <a href="#over-time">Throughput over time</a> · \
                <a href="#startup">Start-up</a> · <a href="#resources">CPU and memory over time</a> · <a \
                href="#throttling">Throttling</a> · <a href="#summary">Summary table</a> · <a href="#run">Run details</a> · \
                <a href="#glossary">How to read this page</a></nav>
                </header>
                {{#headline}}
                {{#-first}}<section id="headline">
                <h2>What was found</h2>
                <ul class="headline">
                {{/-first}}
                <li>{{.}}</li>
                {{#-last}}</ul>
                <p class="meta">{{legend}}</p>
                </section>
                {{/-last}}
                {{/headline}}
                <section id="warnings">
                <h2>Warnings</h2>
                {{^notes}}<p class="ok">None: every trial is valid, no noisy or inconclusive comparison, no outliers, no environment \
                skipped or failed, and no Wasm environment looks like it ran in an interpreter.</p>
                {{/notes}}
                {{#notes}}
                {{#-first}}<p>Read these before the numbers: errors lost data, warnings make numbers doubtful, information explains a gap.</p>
                <ul class="warnings">
                {{/-first}}
                <li class="warning {{severity}} {{id}}" data-kind="{{id}}"><span class="tag">{{label}}</span> {{text}}</li>
                {{#-last}}</ul>
                {{/-last}}
                {{/notes}}
                </section>
                <section id="throughput">
                <h2>Throughput</h2>
                <p>How many floating-point operations per second each environment achieved in its timed loop (MFLOPS = \
                millions per second; one multiplication of two N×N matrices is 2·N³ operations). Higher is better.</p>
                {{#throughput}}
                {{> figure}}
                {{/throughput}}
                </section>
                <section id="over-time">
                <h2>Throughput over time, inside a trial</h2>
                <p>A trial's throughput is one number for its whole timed loop; mmb also reports its progress every slice of \
                the loop, which shows whether the speed was steady or changed while it ran — a runtime that starts slow and \
                speeds up once its JIT has compiled the hot loop again, or a machine that was busy for a moment.</p>
                {{^overTime}}<p class="empty">These results predate progress lines: their result files hold no slices \
                (<code>slices</code> per trial, recorded by single_env_bench since mmb prints progress), so throughput over \
                time cannot be drawn. Run the suite again to get it.</p>
                {{/overTime}}
                {{#overTime}}
                {{#without}}<p class="empty">Not drawn, their result files predate progress lines (no slices): {{.}}.</p>
                {{/without}}
                {{#keys}}
                {{#figure}}
                {{> figure}}
                {{/figure}}
                <p>{{slow}}</p>
                <details><summary>Per trial at {{label}}: steady-state throughput, within-trial CV, slow start</summary>
                <div class="table"><table>
                <thead><tr><th>Environment</th><th>Trial</th><th>Slices</th><th>Steady state (MFLOPS)</th><th>Within-trial \
                CV %</th><th>Slow start</th></tr></thead>
                <tbody>
                {{#rows}}<tr><td>{{env}}</td><td class="num">{{trial}}</td><td class="num">{{slices}}</td><td \
                class="num">{{steady}}</td><td class="num">{{cv}}</td><td>{{slowStart}}</td></tr>
                {{/rows}}
                </tbody></table></div>
                </details>
                {{/keys}}
                {{/overTime}}
                </section>
                <section id="startup">
                <h2>Start-up</h2>
                <p>How long each environment takes to start the program, per size, trial by trial. Lower is better. How to \
                read the two times:</p>
                <dl class="startup">
                <dt>Cold start</dt><dd>From asking for the workload (local: the process is spawned; K3s: the pod is created) \
                to seeing it run (local: it has entered its cgroup, just before the program is started; K3s: the container \
                is reported running). For the local backend it includes the harness's own cost of spawning a process, \
                measured with a trivial program through the same path and drawn as the dashed line.</dd>
                <dt>Time to main</dt><dd>From the same request to the program's first line of output \
                (<code>MMB_READY</code>, printed as mmb's <code>main</code> begins).</dd>
                <dt>Their difference</dt><dd>What the runtime does before <code>main</code>: for WebAssembly, loading, \
                validating and compiling the module (or preparing an interpreter); for a native binary, little more than \
                loading it.</dd>
                </dl>
                {{^startup}}<p class="empty">No valid trial recorded a start-up time.</p>
                {{/startup}}
                {{#startup}}
                {{#figures}}
                {{> figure}}
                {{/figures}}
                {{#spawns}}<p>Harness spawn cost, measured in each environment's run: {{.}}.</p>
                {{/spawns}}
                {{#unknown}}<p class="empty">No harness spawn cost recorded for {{.}} (only the local backend measures it, and only \
                since it records <code>harness</code> in the result file).</p>
                {{/unknown}}
                {{/startup}}
                </section>
                <section id="resources">
                <h2>CPU and memory over time</h2>
                <p>Per environment and size, one line per trial from its samples, time 0 being the start of the timed loop \
                (BENCH_START). The average and the peak are marked as horizontal lines.</p>
                {{#resources}}<h3 id="env-{{anchor}}">{{name}} <small>{{image}} · runtime class {{runtimeClass}}</small></h3>
                {{#notes}}<p class="inline-warning {{severity}}">{{icon}} {{text}}</p>
                {{/notes}}
                {{^figures}}<p class="empty">No samples in this environment's result file.</p>
                {{/figures}}
                {{#figures}}
                {{#-first}}<div class="grid">
                {{/-first}}
                {{> figure}}
                {{#-last}}</div>
                {{/-last}}
                {{/figures}}
                {{/resources}}
                </section>
                <section id="throttling">
                <h2>Throttling</h2>
                {{^throttling}}<p class="empty">No CPU or memory limit was set in this run (config <code>cpu_limit</code>, \
                <code>memory_limit</code>), so nothing held the workloads back and there is no throttling to show. The \
                summary table still lists the throttled periods the kernel counted.</p>
                {{/throttling}}
                {{#throttling}}<p>Limits set: {{limits}}. A memory limit is drawn on the memory charts above when it is near the curves, a \
                CPU limit on the CPU charts.</p>
                {{#totals}}
                {{> figure}}
                {{/totals}}
                {{#never}}<p>Never throttled in any sample: {{.}}.</p>
                {{/never}}
                <div class="grid">
                {{#perEnv}}
                {{> figure}}
                {{/perEnv}}
                </div>
                {{/throttling}}
                </section>
                <section id="summary">
                <h2>Summary table</h2>
                <p>{{summaryHeading}}. The same numbers as summary.md.</p>
                {{#tables}}<div class="table"><table>
                <caption>{{title}}</caption>
                <thead><tr>{{#headers}}<th>{{.}}</th>{{/headers}}</tr></thead>
                <tbody>
                {{#rows}}<tr>{{#cells}}<td{{#cls}} class="{{.}}"{{/cls}}>{{text}}</td>{{/cells}}</tr>
                {{/rows}}
                </tbody></table></div>
                {{/tables}}
                </section>
                <section id="run">
                <h2>Run details</h2>
                {{^run}}<p class="empty">This folder has no run.json (the suite writes one; single_env_bench alone does not), so the \
                run's outcome, skipped environments and versions are unknown. What each result file says about itself is \
                below.</p>
                {{/run}}
                {{#run}}<h3>Run</h3>
                <table class="kv">
                {{#facts}}<tr><th>{{key}}</th><td>{{value}}</td></tr>
                {{/facts}}
                </table>
                <h3>Environments</h3>
                <div class="table"><table>
                <thead><tr><th>Environment</th><th>Image</th><th>Runtime class</th><th>Result \
                file</th><th>Outcome</th><th>Detail</th><th>Trials reported</th><th>Child runs</th></tr></thead>
                <tbody>
                {{#environments}}<tr \
                class="outcome-{{outcomeClass}}"><td>{{name}}</td><td>{{image}}</td><td>{{runtimeClass}}</td><td>{{resultFile}}</td><td>{{outcome}}</td><td>{{detail}}</td><td>{{trials}}</td><td class="num">{{runs}}</td></tr>
                {{/environments}}
                </tbody></table></div>
                <h3>Host</h3>
                {{#host}}
                {{> tree}}
                {{/host}}
                <h3>Versions</h3>
                {{#versions}}
                {{> tree}}
                {{/versions}}
                <h3>Configuration as used</h3>
                {{#config}}
                {{> tree}}
                {{/config}}
                {{/run}}
                <h3>Result files</h3>
                <div class="table"><table>
                <thead><tr><th>Environment</th><th>File</th><th>single_env_bench</th><th>Backend</th><th>Sampler</th><th>Runtime version</th><th>Program</th><th>Duration / warmup / interval</th><th>Limits</th><th>Host</th></tr></thead>
                <tbody>
                {{#files}}<tr><td>{{env}}</td><td>{{file}}</td><td>{{tool}}</td><td>{{backend}}</td><td>{{sampler}}</td><td>{{runtime}}</td><td>{{program}}</td><td>{{timing}}</td><td>{{limits}}</td><td>{{host}}</td></tr>
                {{/files}}
                </tbody></table></div>
                </section>
                <section id="glossary">
                <h2>How to read this page</h2>
                <dl>
                <dt>Environment</dt><dd>An image (what runs) and a runtime class (how it runs): a native binary, a static \
                binary, or the same WebAssembly module under wasmtime, WasmEdge, Wasmer, WAMR or Node.js.</dd>
                <dt>Trial</dt><dd>One start of the program: a warmup, then a timed loop of whole multiplications. \
                <em>Valid</em> trials finished and passed mmb's own check of the result; only those count.</dd>
                <dt>Throughput (MFLOPS)</dt><dd>2·N³ floating-point operations per multiplication × multiplications ÷ \
                seconds, in millions. Higher is better. CV % is the trial-to-trial noise (standard deviation ÷ mean).</dd>
                <dt>Ratio to the baseline</dt><dd>Geometric mean of the throughput ÷ the baseline's at the same size: 0.8 = \
                80 % of the baseline's speed. The {{ci}} CI comes from Welch's t-test on the logarithm of the throughput: \
                exp(d ± t·se), always positive, symmetric on a log axis (0.5× and 2× are equally far from 1).</dd>
                <dt>Verdict</dt><dd><em>faster</em> or <em>slower</em> when the interval excludes 1 (however noisy the \
                trials); <em>same</em> when it lies within ±{{minEffect}} (config <code>min_effect</code>); \
                <em>inconclusive</em> otherwise, with the smallest difference the trials could detect (80 % power) and about \
                how many trials would resolve it.</dd>
                <dt>Noisy</dt><dd>A CV above {{maxCv}} (config <code>max_cv</code>). Noise between trials that run steadily \
                points at placement (more trials help); noise within each trial at interference (a quieter machine or longer \
                trials).</dd>
                <dt>Outlier</dt><dd>A trial far from the others (modified Z-score above 3.5, the spread taken as at least 1 \
                % of the median so that tight data does not flag ordinary trials). It is flagged, never dropped: it still \
                counts in every statistic.</dd>
                <dt>Likely interpreter mode</dt><dd>A Wasm environment under 0.1× the native throughput: JIT and AOT engines \
                reach 0.4–0.95× native, interpreters far less, so the runtime probably interpreted the module.</dd>
                <dt>Cold start, time to main</dt><dd>From asking for the workload to seeing it run, and to the program's \
                first line of output.</dd>
                <dt>CPU cores, memory</dt><dd>Read from the workload's cgroup (or its processes) every sampling interval \
                during the timed loop. 1 core = one CPU busy all the time. MiB = 1,048,576 bytes.</dd>
                <dt>Throttling</dt><dd>With a CPU limit, the number of 100 ms scheduler periods in which the workload used \
                up its quota and had to wait.</dd>
                </dl>
                </section>
                <footer><p>Written by metaorchestrator {{version}} ({{generated}}) next to summary.md, summary.csv and \
                summary.json, which hold the same statistics. Charts drawn with XChart; a 300 DPI PNG of each is in \
                <code>charts/</code>.</p></footer>
                </main>
                </body>
                </html>
                """;

        private static final Map<String, String> PARTIALS = Map.of("figure", FIGURE, "tree", TREE);
        private static final Template TEMPLATE = Mustache.compiler().withEscaper(Html::esc).nullValue("")
                .withLoader(name -> new java.io.StringReader(PARTIALS.get(name))).compile(PAGE);

        static String render(ReportInputs in, List<ChartFigure> charts, Map<String, String> svgs, String generatedUtc) {
            return TEMPLATE.execute(View.page(in, charts, svgs, generatedUtc));
        }
    }

    /** The page's view records, from the report's inputs: every sentence that depends on the data is made here. */
    static final class View {
        private View() {}

        static HtmlPage.Page page(ReportInputs in, List<ChartFigure> charts, Map<String, String> svgs, String generatedUtc) {
            Summary s = in.summary();
            Function<Predicate<ChartFigure>, List<HtmlPage.Fig>> figs = which -> charts.stream().filter(which)
                    .map(c -> fig(c, svgs)).collect(Collectors.toList());
            RunJson run = in.run();
            String runLine = run == null ? "" : " · run " + or(run.runId(), "?") + " · " + or(run.status(), "?")
                    + (run.startedUtc() == null ? "" : " · started " + run.startedUtc())
                    + (run.host() == null || Objects.toString(run.host().get("hostname"), "").isEmpty() ? ""
                    : " · host " + run.host().get("hostname"));
            return new HtmlPage.Page(in.folder().toAbsolutePath().normalize().getFileName().toString(), whatRan(in),
                    s.baseline(), s.rows().stream().map(Row::environment).distinct().count(), runLine, generatedUtc,
                    s.notes().size(), s.headline(), SummaryTables.legend(s),
                    s.notes().stream().map(View::note).collect(Collectors.toList()),
                    figs.apply(c -> c.section().equals("throughput")), overTime(in, charts, svgs),
                    startup(in, figs.apply(c -> c.section().equals("startup"))),
                    in.envs().stream().map(e -> new HtmlPage.EnvSection(ReportCharts.id(e.name()), e.name(),
                            e.results().ref().image(), e.results().ref().runtimeClass(),
                            s.notes().stream().filter(n -> e.name().equals(n.environment())).map(View::note).collect(Collectors.toList()),
                            figs.apply(c -> c.section().equals("resources") && e.name().equals(c.environment()))))
                            .collect(Collectors.toList()),
                    throttling(in, figs), SummaryTables.heading(s),
                    SummaryTables.of(s).stream().map(View::table).collect(Collectors.toList()), run(run),
                    in.envs().stream().map(View::file).collect(Collectors.toList()), Display.percent(1 - s.significanceLevel()),
                    Display.percentValue(s.criteria().minEffect() * 100), Display.percentValue(s.criteria().maxCv() * 100), VERSION);
        }

        static HtmlPage.Fig fig(ChartFigure c, Map<String, String> svgs) {
            return new HtmlPage.Fig(c.id(), String.join("|", c.series()),
                    c.categories().isEmpty() ? null : String.join("|", c.categories()), svgs.get(c.id()), c.howToRead());
        }

        static HtmlPage.NoteView note(Note n) {
            return new HtmlPage.NoteView(n.kind().severity, n.kind().id(), n.kind().label,
                    n.kind().severity.equals("info") ? "ℹ" : "⚠", n.text());
        }

        /** "as local processes, each in its own cgroup, in 3 environments: the native build (dynamic glibc), …". */
        static String whatRan(ReportInputs in) {
            String backend = in.run() == null ? "" : Objects.toString(in.run().sharedArgs().get("backend"), "");
            for (EnvDetails e : in.envs()) {   // no run.json: the result files say it too
                if (backend.isEmpty() && e.file().environment() != null) backend = or(e.file().environment().backend(), "");
            }
            boolean local = backend.equals("local");
            List<String> kinds = new ArrayList<>();
            List<String> wasm = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (Row r : in.summary().rows()) {
                if (!seen.add(r.environment())) continue;
                String image = Names.imageName(r.image());
                String rc = r.runtimeClass();
                if (r.wasm()) {
                    String engine = switch (rc) {
                        case "node" -> "Node.js"; case "wamr" -> "WAMR"; default -> rc;
                    };
                    if (!wasm.contains(engine)) wasm.add(engine);
                } else if (image.equals("mmb-debian") && rc.equals("default")) {
                    kinds.add(local ? "the native build (dynamic glibc)" : "a Debian container (dynamic glibc)");
                } else if (image.equals("mmb-static") && rc.equals("default")) {
                    kinds.add(local ? "the static binary" : "a static binary in a scratch image");
                } else {
                    kinds.add(image + " under runtime class " + rc);
                }
            }
            if (!wasm.isEmpty()) kinds.add("WebAssembly under " + joinAnd(wasm));
            Set<String> samplers = new TreeSet<>();   // without root the local backend samples /proc, not cgroups
            for (EnvDetails e : in.envs()) {
                samplers.add(e.file().environment() == null ? "" : or(e.file().environment().sampler(), ""));
            }
            String how = !samplers.isEmpty() && samplers.stream().allMatch(x -> x.startsWith("cgroup")) ? ", each in its own cgroup, "
                    : samplers.equals(Set.of("procfs")) ? ", sampled from /proc, " : " ";
            String where = local ? "as local processes" + how : backend.equals("k8s") ? "as K3s pods, " : "";
            return where + "in " + seen.size() + (seen.size() == 1 ? " environment: " : " environments: ") + joinAnd(kinds);
        }

        private static String joinAnd(List<String> parts) {
            if (parts.size() <= 1) return String.join("", parts);
            return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
        }

        /** Per size, the slices of every valid trial; per trial, what single_env_bench derived from them. Null: no slices at all. */
        static HtmlPage.OverTime overTime(ReportInputs in, List<ChartFigure> charts, Map<String, String> svgs) {
            List<String> without = in.envs().stream().filter(e -> e.traces().stream().noneMatch(TrialTrace::hasSlices))
                    .map(EnvDetails::name).collect(Collectors.toList());
            if (without.size() == in.envs().size()) return null;
            List<HtmlPage.OverTimeKey> keys = new ArrayList<>();
            for (String key : in.keys()) {
                ChartFigure c = charts.stream().filter(x -> x.id().equals(ReportCharts.id("throughput-over-time", key)))
                        .findFirst().orElse(null);
                if (c == null) continue;
                List<String> slow = new ArrayList<>();
                List<HtmlPage.ProgressRow> rows = new ArrayList<>();
                for (EnvDetails e : in.envs()) {
                    for (TrialTrace t : e.sliced(key)) {
                        TrialProgress p = t.progress();
                        if (p.slowStart()) slow.add(e.name() + " trial " + t.trial());
                        rows.add(new HtmlPage.ProgressRow(e.name(), t.trial(), p.slices().size(),
                                p.steadyMflops() == null ? "–" : Display.mflops(p.steadyMflops()),
                                p.withinCvPercent() == null ? "–" : Display.oneDecimal(p.withinCvPercent()),
                                p.warmupSlowStart() == null ? "–" : p.slowStart() ? "yes" : "no"));
                    }
                }
                String label = ReportInputs.keyLabel(key);
                keys.add(new HtmlPage.OverTimeKey(fig(c, svgs), label, slow.isEmpty() ? "No valid trial at " + label
                        + " was flagged as a slow start." : "Slow start (the first slices much slower than the rest) at "
                        + label + ": " + String.join(", ", slow) + ".", rows));
            }
            return new HtmlPage.OverTime(without.isEmpty() ? null : String.join(", ", without), keys);
        }

        /** The start-up charts and each environment's harness spawn cost; null when no valid trial has a start-up time. */
        static HtmlPage.Startup startup(ReportInputs in, List<HtmlPage.Fig> figures) {
            if (figures.isEmpty()) return null;
            List<String> spawns = new ArrayList<>(), unknown = new ArrayList<>();
            for (EnvDetails e : in.envs()) {
                Harness p = e.harness();
                if (p == null) unknown.add(e.name());
                else spawns.add(e.name() + " " + String.format(Locale.ROOT, "%.1f ms", p.spawnSeconds() * 1000)
                        + (p.samples() > 0 ? " (median of " + p.samples() + " spawns" + (p.warmedSpawns() == null
                        || p.warmedSpawns() == 0 ? "" : ", after " + p.warmedSpawns() + " to warm up") + ")" : ""));
            }
            return new HtmlPage.Startup(figures, spawns.isEmpty() ? null : String.join("; ", spawns),
                    unknown.isEmpty() ? null : String.join(", ", unknown));
        }

        /** The limits, usually one set for every environment; null when no environment had any. */
        static HtmlPage.Throttling throttling(ReportInputs in, Function<Predicate<ChartFigure>, List<HtmlPage.Fig>> figs) {
            if (!in.anyLimit()) return null;
            Map<String, List<String>> byLimits = new LinkedHashMap<>();
            for (EnvDetails e : in.envs()) byLimits.computeIfAbsent(limits(e, "none"), k -> new ArrayList<>()).add(e.name());
            String limits = byLimits.size() == 1 ? byLimits.keySet().iterator().next() + " for every environment"
                    : byLimits.entrySet().stream().map(x -> x.getKey() + " for " + String.join(", ", x.getValue()))
                    .collect(Collectors.joining("; "));
            String never = in.envs().stream().filter(e -> e.limited() && !e.throttled()).map(EnvDetails::name)
                    .collect(Collectors.joining(", "));
            return new HtmlPage.Throttling(limits, figs.apply(c -> c.section().equals("throttling") && c.environment() == null),
                    never.isEmpty() ? null : never, figs.apply(c -> c.section().equals("throttling") && c.environment() != null));
        }

        static String limits(EnvDetails e, String none) {
            String l = Stream.of(e.cpuLimit() == null ? null : "CPU " + ReportInputs.cores(e.cpuLimit()),
                    e.memoryLimit() == null ? null : "memory " + e.memoryLimit()).filter(Objects::nonNull).collect(Collectors.joining(", "));
            return l.isEmpty() ? none : l;
        }

        /** A table of the Summary (SummaryTables, as in summary.md), its verdicts coloured. */
        static HtmlPage.TableView table(Table t) {
            int verdict = t.headers().indexOf("Verdict");
            List<HtmlPage.Cells> rows = new ArrayList<>();
            for (List<String> r : t.rows()) {
                List<HtmlPage.Cell> cells = new ArrayList<>();
                for (int i = 0; i < r.size(); i++) {
                    List<String> cls = new ArrayList<>();
                    if (t.rightAligned().contains(i)) cls.add("num");
                    if (i == verdict) cls.add("verdict-" + r.get(i).replaceAll(" \\(.*| within.*", "").replaceAll("[^a-z]+", "-"));
                    cells.add(new HtmlPage.Cell(cls.isEmpty() ? null : String.join(" ", cls), r.get(i)));
                }
                rows.add(new HtmlPage.Cells(cells));
            }
            return new HtmlPage.TableView(t.title(), t.headers(), rows);
        }

        /** run.json: the run, its environments, host, versions, the config as used. Null when the folder has none. */
        static HtmlPage.RunView run(RunJson run) {
            if (run == null) return null;
            List<HtmlPage.Kv> facts = new ArrayList<>();
            BiConsumer<String, Object> fact = (k, v) -> { if (v != null) facts.add(new HtmlPage.Kv(k, Html.inline(v))); };
            fact.accept("run id", run.runId());
            fact.accept("status", run.status());
            if (run.exitCode() != null) fact.accept("exit status", run.exitCode() + " (" + Display.exitMeaning(run.exitCode()) + ")");
            fact.accept("started", run.startedUtc());
            fact.accept("ended", run.endedUtc());
            if (run.started() != null && run.ended() != null) {
                fact.accept("duration", Display.duration(run.ended().doubleValue() - run.started().doubleValue()));
            }
            fact.accept("config file", run.configFile());
            fact.accept("order", run.order());
            fact.accept("baseline", run.baseline());
            fact.accept("significance level", run.significanceLevel());
            fact.accept("resume", run.resume());
            fact.accept("fail fast", run.failFast());
            fact.accept("selected", run.selected());
            return new HtmlPage.RunView(facts, run.environments().stream().map(e -> new HtmlPage.EnvRow(e.name(), e.image(),
                    e.runtimeClass(), e.resultFile(), or(e.outcome(), ""), or(e.outcome(), "").replaceAll("[^a-z]+", "-"),
                    e.detail(), Html.inline(e.trialsReported()), e.invocations() == null ? 0 : e.invocations().size()))
                    .collect(Collectors.toList()), tree(run.host()), tree(run.versions()), tree(run.sharedArgs()));
        }

        /** An object of run.json (host, versions, shared_args) as key/value rows, nested objects as nested tables. */
        static HtmlPage.Tree tree(Map<?, ?> v) {
            List<HtmlPage.TreeRow> rows = new ArrayList<>();
            if (v != null) v.forEach((key, value) -> {
                String k = String.valueOf(key);
                rows.add(value instanceof Map<?, ?> m && !m.isEmpty() ? new HtmlPage.TreeRow(k.replace('_', ' '), null, tree(m))
                        : new HtmlPage.TreeRow(k.replace('_', ' '), k.endsWith("_bytes") && value instanceof Number n
                        ? n.longValue() + String.format(Locale.ROOT, " (%.1f GiB)", n.longValue() / 1073741824.0) : Html.inline(value), null));
            });
            return new HtmlPage.Tree(rows);
        }

        /** What a result file says about itself: the tool, backend, sampler, runtime, program, timing, limits, host. */
        static HtmlPage.FileRow file(EnvDetails e) {
            ResultFile f = e.file();
            FileEnvironment env = f.environment() == null ? new FileEnvironment(null, null, null, null, null) : f.environment();
            Flags flags = f.flags() == null ? new Flags(null, null, null, null, null) : f.flags();
            FileHost host = f.host() == null ? new FileHost(null, null, null, null) : f.host();
            Program p = f.program();
            return new HtmlPage.FileRow(e.name(), e.results().ref().resultFile().getFileName().toString(),
                    f.tool() == null ? "?" : or(f.tool().version(), "?"), or(env.backend(), "?"), or(env.sampler(), "?"),
                    or(env.runtimeVersion(), "–"),
                    p == null ? "–" : or(p.compiler(), "?") + " " + or(p.flags(), "") + " → " + or(p.target(), "?"),
                    Html.inline(flags.duration()) + " s / " + Html.inline(flags.warmupSeconds()) + " s / "
                            + Html.inline(flags.interval()) + " s", limits(e, "none"),
                    or(host.hostname(), "?") + " · " + or(host.cpuModel(), "?") + " · " + (host.cores() == null ? "?" : host.cores())
                            + " cores · " + or(host.kernel(), "?"));
        }

        private static String or(String value, String otherwise) { return value == null ? otherwise : value; }
    }

    /** HTML text: escaping (the template's escaper), and JSON values as readable text. */
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

        /** A JSON value on one line: scalars as text, lists joined, objects as "key value". */
        static String inline(Object v) {
            if (v == null) return "–";
            if (v instanceof List<?> list) return list.stream().map(Html::inline).collect(Collectors.joining(", "));
            if (v instanceof Map<?, ?> map) {
                return map.entrySet().stream().map(f -> f.getKey() + " " + inline(f.getValue())).collect(Collectors.joining(", "));
            }
            return String.valueOf(v);
        }
    }

    /** Jackson, shared: pretty output, keys it is not told about ignored, atomic writes, problems as file:line:column. */
    static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

        private Json() {}

        static void writeAtomically(Path file, Object tree) throws IOException {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            MAPPER.writeValue(tmp.toFile(), tree);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        /**
         * A file parsed into its record; null, and a problem added, when it cannot be: not JSON, or a value of the wrong
         * type (named by its key). `notOne` is the problem when the whole file, or its key `notOne.key()`, has the wrong shape.
         */
        static <T> T read(Path file, Class<T> type, List<Problem> problems, Problem notOne) {
            try {
                T value = MAPPER.readValue(file.toFile(), type);
                if (value == null) problems.add(notOne);   // the file says null
                return value;
            } catch (MismatchedInputException e) {
                String key = e.getPath().stream().map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining()).replaceFirst("^\\.", "");
                problems.add(key.isEmpty() || key.equals(notOne.key()) ? notOne
                        : new Problem(where(file, e), key, "expected " + kind(e.getTargetType()) + " (docs/results.schema.json "
                        + "describes a result file, docs/suite.md run.json): correct the value or run the environment again"));
            } catch (JsonProcessingException e) {
                problems.add(problem(file, e));
            } catch (IOException e) {
                problems.add(new Problem(file.toString(), "", "cannot be read: " + e.getMessage()));
            }
            return null;
        }

        private static String kind(Class<?> type) {
            if (type == null) return "another type";
            if (type == Boolean.class || type == boolean.class) return "true or false";
            if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "a whole number";
            if (Number.class.isAssignableFrom(type) || type == double.class) return "a number";
            if (type == String.class) return "a string";
            if (List.class.isAssignableFrom(type)) return "a list";
            return "an object";
        }

        static Problem problem(Path file, JsonProcessingException e) {
            return new Problem(where(file, e), "", "not valid JSON: " + e.getOriginalMessage());
        }

        private static String where(Path file, JsonProcessingException e) {
            var loc = e.getLocation();
            return loc == null ? file.toString() : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
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

        /** A percentage for prose: "26 %", "2.3 %", "0.45 %" (two significant digits under 10). */
        static String percentValue(double percent) { return percentNumber(percent) + " %"; }

        static String percentNumber(double percent) {
            double a = Math.abs(percent);
            return a >= 10 ? String.valueOf(Math.round(percent)) : significant(percent);
        }

        /** Two significant digits, plain decimal: 0.0055, 0.74, 1.3, 26, 180. */
        static String significant(double v) { return significant(v, 2); }

        static String significant(double v, int digits) {
            if (v == 0 || !Double.isFinite(v)) return v == 0 ? "0" : String.valueOf(v);
            java.math.BigDecimal b = new java.math.BigDecimal(v).round(new java.math.MathContext(digits));
            if (b.scale() < 0) b = b.setScale(0);
            return b.stripTrailingZeros().scale() < 0 ? b.setScale(0).toPlainString() : b.stripTrailingZeros().toPlainString();
        }

        /** A ratio for prose: "0.74×", "1.00×", "0.051×", "0.0055×", "180×" (two decimals from 0.1 to 10). */
        static String times(double r) {
            return (r >= 0.1 && r < 10 ? String.format(Locale.ROOT, "%.2f", r) : significant(r)) + "×";
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
