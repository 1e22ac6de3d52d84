///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//DEPS org.zeroturnaround:zt-exec:1.12
//DEPS org.slf4j:slf4j-nop:1.7.36
//RUNTIME_OPTIONS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx256m -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=0 -XX:GuaranteedSafepointInterval=0
// (-XX:-UsePerfData: no hsperfdata counters sampled every 50 ms, which were a third of the harness's CPU in a window;
//  no monitor deflation every 250 ms and no safepoint every second: an idle JVM's own work, 0.21 % of a core → 0.07 %)

// single_env_bench — benchmarks ONE environment (an image and a runtime class) of mmb.
//
// Reads top-down like a table of contents:
//   1. CLI            the options, their validation, exit codes
//   2. Plan           which trials to run (sizes × trials, minus those already in the file)
//   3. TrialRunner    one trial: launch → lifecycle → output protocol → samples → metrics
//   4. Backends       where a trial's workload runs: Local (a process in its own cgroup; HarnessSpawn, its spawn
//                     cost), K8s (a pod)
//   5. cgroups        finding hierarchies, reading v1/v2 files (kept open: OpenFile), units converted once
//   6. Sampler        periodic samples inside the BENCH_START..BENCH_END window
//   7. Protocol       parsing mmb's output lines (BENCH_PROGRESS included)
//   8. Results        the JSON file: derived metrics, throughput slices, host fingerprint, atomic incremental writes

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.StartedProcess;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.*;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Instant;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

@Command(name = "single_env_bench", mixinStandardHelpOptions = true, version = "single_env_bench " + single_env_bench.VERSION,
        sortOptions = false, usageHelpAutoWidth = true,
        synopsisHeading = "", customSynopsis = {   // as docs/single_env_bench.md writes it; picocli's breaks inside "N[,N...]"
                "Usage: single_env_bench --image IMAGE [--runtime-class NAME]",
                "         [--backend local|k8s] [--sizes N,N] [--trials N] [--duration S]",
                "         [--[no-]warmup] [--warmup-seconds S] [--resume | --overwrite]",
                "         [--dry-run] [OPTIONS below]",
                "       single_env_bench --list-runtimes | --help | --version", ""},
        description = {"Benchmarks ONE environment of mmb (an image and a runtime class): runs each trial, follows "
                + "its lifecycle, parses mmb's output, samples the workload's cgroup, and writes one JSON file:",
                "  <results-dir>/<results-subfolder-name>/<image name>_<runtime class>.json", ""},
        footer = {"", "Exit status:",
                "  0    every trial ran and its result is valid",
                "  1    at least one trial failed or reported valid=false",
                "  2    bad command line",
                "  3    the runtime of this environment is not installed (local backend): skipped",
                "  4    setup error before any trial (missing build, results file exists,",
                "       kubectl/cluster problem)",
                "  130  interrupted (SIGINT/SIGTERM); every completed trial is in the file"})
public class single_env_bench implements Callable<Integer> {
    static final String VERSION = "0.1.0";
    static final int EXIT_OK = 0, EXIT_TRIAL_FAILED = 1, EXIT_USAGE = 2, EXIT_RUNTIME_MISSING = 3, EXIT_SETUP = 4,
            EXIT_INTERRUPTED = 130;

    // ======================================================================================== 1. CLI
    // The options in the sections --help shows: picocli argument groups with validate = false, which only head the
    // help. Even --resume | --overwrite is checked by valueProblems(), not by picocli: after a group's violation, or a
    // single-value option given twice, picocli starts a new match of every group and the values given before are lost
    // (a spurious "--image: required"), so FlagErrors.repeated() and valueProblems() do those checks. options() then
    // turns the checked flags into the records the run reads: TrialOptions (every backend), LocalOptions, K8sOptions,
    // ResultFileOptions.
    @ArgGroup(validate = false, heading = "%nEnvironment and trials:%n", order = 1)
    TrialFlags trial = new TrialFlags();
    @ArgGroup(validate = false, heading = "%nResult file:%n", order = 2)
    ResultFileFlags resultFile = new ResultFileFlags();
    @ArgGroup(exclusive = true, validate = false, heading = "%nIf the result file exists (one or the other; without either, exit 4):%n", order = 3)
    ExistingFileFlags existingFile = new ExistingFileFlags();
    @ArgGroup(validate = false, heading = "%nLocal backend (--backend local):%n", order = 4)
    LocalFlags local = new LocalFlags();
    @ArgGroup(validate = false, heading = "%nK8s backend (--backend k8s):%n", order = 5)
    K8sFlags k8s = new K8sFlags();

    /** Values of --backend, spelled as on the command line (picocli matches an enum constant by its name). */
    enum BackendKind { local, k8s }

    /** Values of --image-pull-policy: Kubernetes' own spelling, as the pod manifest carries it. */
    enum PullPolicy { Always, IfNotPresent, Never }

    /** Values of --sampler. */
    enum SamplerChoice { auto, cgroup, procfs }

    /** What every backend runs and measures: the environment, the trials, their limits and sampling. */
    static final class TrialFlags {
        @Option(names = "--image", paramLabel = "IMAGE",
                description = "Image of the environment, e.g. mmb-wasm:latest (local backend: selects the build). Required.")
        String image;
        @Option(names = "--runtime-class", defaultValue = "default", paramLabel = "NAME",
                description = "default (runc), wasmtime, wasmedge, wasmer, wamr; local backend also node. Default: ${DEFAULT-VALUE}.")
        String runtimeClass;
        @Option(names = "--backend", defaultValue = "k8s", paramLabel = "local|k8s",
                description = "Where trials run: k8s (pods through kubectl) or local (processes in their own cgroup). Default: ${DEFAULT-VALUE}.")
        BackendKind backend;
        @Option(names = "--sizes", defaultValue = "256,512", split = ",", paramLabel = "N[,N...]", hideParamSyntax = true,
                description = "Matrix sizes (1..8192). Default: ${DEFAULT-VALUE}.")
        List<String> sizes;
        @Option(names = "--trials", defaultValue = "3", paramLabel = "N", description = "Trials per size. Default: ${DEFAULT-VALUE}.")
        int trials;
        @Option(names = "--duration", defaultValue = "30", paramLabel = "SECONDS",
                description = "Timed part of each trial, seconds (decimals allowed). Default: ${DEFAULT-VALUE}.")
        double duration;
        @Option(names = "--warmup", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Warm up before timing (--no-warmup: cold). Results are keyed <size>_warm or <size>_cold. Default: on.")
        boolean warmup;
        @Option(names = "--warmup-seconds", defaultValue = "5", paramLabel = "SECONDS", description = "Warmup length. Default: ${DEFAULT-VALUE}.")
        double warmupSeconds;
        @Option(names = "--interval", defaultValue = "1.0", paramLabel = "SECONDS",
                description = "Sampling interval (>= 0.01), plus one sample exactly at each end of the window. Default: ${DEFAULT-VALUE}.")
        double interval;
        @Option(names = "--cpu-limit", paramLabel = "CORES", description = "CPU limit in cores (decimals), e.g. 0.5. Default: none.")
        Double cpuLimit;
        @Option(names = "--memory-limit", paramLabel = "QUANTITY", description = "Memory limit, bytes or Ki/Mi/Gi/K/M/G, e.g. 512Mi. Default: none.")
        String memoryLimit;
        @Option(names = "--timeout-margin", defaultValue = "60", paramLabel = "SECONDS",
                description = "A trial fails when BENCH_END has not arrived within warmup + duration + this margin after the workload runs. Default: ${DEFAULT-VALUE}.")
        double timeoutMargin;
        @Option(names = "--run-id", paramLabel = "ID", description = "Label of this run (k8s pod labels, local cgroup names). Default: generated.")
        String runId;
        @Option(names = "--cgroup-root", defaultValue = "/sys/fs/cgroup", paramLabel = "DIR",
                description = "Where the cgroup file systems are mounted. Default: ${DEFAULT-VALUE}.")
        Path cgroupRoot;
    }

    /** Where the result file goes; --dry-run prints the plan instead of running it. */
    static final class ResultFileFlags {
        @Option(names = "--results-dir", defaultValue = "results", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
        Path resultsDir;
        @Option(names = "--results-subfolder-name", defaultValue = "initial_bm", paramLabel = "NAME",
                description = "Subfolder of --results-dir for this run. Default: ${DEFAULT-VALUE}.")
        String resultsSubfolder;
        @Option(names = "--dry-run", description = "Print the plan (command or pod manifest, trials) and run nothing.")
        boolean dryRun;
        @Option(names = "--rounds-from-stdin", description = "After its trials, wait for lines 'trials N' on standard "
                + "input and run each as --trials N --resume would, in this process; after each round print 'mmb-round "
                + "trials=N exit=STATUS'; exit at the end of input. The suite keeps one child per environment this way.")
        boolean roundsFromStdin;
    }

    /** What to do with a result file that exists: one or the other (valueProblems() refuses both). */
    static final class ExistingFileFlags {
        @Option(names = "--resume", description = "Keep the existing file and run only the missing (or interrupted) trials.")
        boolean resume;
        @Option(names = "--overwrite", description = "Replace an existing results file.")
        boolean overwrite;
    }

    /** The local backend's own flags (and --list-runtimes, which asks it what can run here). */
    static final class LocalFlags {
        @Option(names = "--list-runtimes", description = "Print which runtime classes can run here, one line each "
                + "(mmb-runtime CLASS installed PATH | mmb-runtime CLASS missing WHY), and run nothing. No --image needed.")
        boolean listRuntimes;
        @Option(names = "--artifact", paramLabel = "PATH", description = "Run this file instead of the build matching --image.")
        Path artifact;
        @Option(names = "--build-dir", paramLabel = "DIR", description = "Where `make build` put the builds. Default: build/ in the current directory (next to this script when JBang names it).")
        Path buildDir;
        @Option(names = "--sampler", defaultValue = "auto", paramLabel = "auto|cgroup|procfs",
                description = "cgroup (a fresh cgroup per trial, needs root), procfs (process tree, no limits), auto. Default: ${DEFAULT-VALUE}.")
        SamplerChoice sampler;
    }

    /** The k8s backend's own flags. */
    static final class K8sFlags {
        @Option(names = "--namespace", defaultValue = "default", paramLabel = "NS", description = "Namespace of the pods. Default: ${DEFAULT-VALUE}.")
        String namespace;
        @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Passed to every kubectl call.")
        String kubeconfig;
        @Option(names = "--context", paramLabel = "NAME", description = "Passed to every kubectl call.")
        String context;
        @Option(names = "--node", paramLabel = "NAME", description = "Pin pods to this node (it must be this machine for sampling).")
        String node;
        @Option(names = "--image-pull-policy", defaultValue = "IfNotPresent", paramLabel = "POLICY",
                description = "Always, IfNotPresent or Never. Default: ${DEFAULT-VALUE} (an imported :latest image fails with Always).")
        PullPolicy imagePullPolicy;
        @Option(names = "--startup-timeout", defaultValue = "180", paramLabel = "SECONDS",
                description = "A pod not running within this time fails its trial. Default: ${DEFAULT-VALUE}.")
        double startupTimeout;
        @Option(names = "--keep-pods", description = "Do not delete pods after their trial (debugging).")
        boolean keepPods;
        @Option(names = "--kubectl-timeout", defaultValue = "30", paramLabel = "SECONDS",
                description = "A kubectl call that has not answered by then fails (deletes get twice as long). Default: ${DEFAULT-VALUE}.")
        int kubectlTimeout;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (tests call this). */
    static int run(String... args) {
        CommandLine cli = new CommandLine(new single_env_bench());
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("single_env_bench: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try 'single_env_bench --help' for the options.");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof SetupException s) {
                c.getErr().println("single_env_bench: " + s.getMessage());
                return s.exitCode;
            }
            c.getErr().println("single_env_bench: internal error: " + ex);
            return EXIT_SETUP;
        });
        // Every problem of the command line at once: picocli's (unknown flags, values of the wrong type) and ours.
        cli.getCommandSpec().parser().collectErrors(true);
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        if (!parsed.isUsageHelpRequested() && !parsed.isVersionHelpRequested()) {
            List<String> problems = FlagErrors.describe(parsed);
            List<String> repeated = FlagErrors.repeated(parsed);
            problems.addAll(repeated);
            List<String> values = ((single_env_bench) cli.getCommand()).valueProblems();
            // A repeated flag started new matches of the groups: the values read now are not all those given.
            if (!repeated.isEmpty()) values.clear();
            // After a parse error picocli leaves the defaults unset: only the flags given are worth checking then.
            if (!problems.isEmpty()) values.removeIf(p -> !parsed.hasMatchedOption(p.split("[: ]", 2)[0]));
            problems.addAll(values);
            if (!problems.isEmpty()) return FlagErrors.print(problems, cli.getErr());
        }
        cli.getCommandSpec().parser().collectErrors(false);
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (local.listRuntimes) return LocalRuntimes.list(System.out);
        validate();
        Options opts = options();
        Plan plan = Plan.of(opts.trial());
        // The existing file is read and judged once, first: a file that cannot be resumed is said before any cluster
        // call or spawn warm-up, and a resumed file's spawn cost is kept from it.
        ObjectNode existing = ResultStore.existing(opts);
        try (Backend be = Backend.create(opts, ResultStore.recordedSpawn(opts, existing))) {
            if (!opts.resultFile().dryRun()) be.preflight();
            ResultStore store = ResultStore.open(opts, be, existing);
            List<TrialKey> todo = plan.missingFrom(store);
            if (opts.resultFile().dryRun()) {
                System.out.println(Json.pretty(store.environment()));
                System.out.printf("Plan: %d trial(s) to run (%d planned, %d already in %s).%n",
                        todo.size(), plan.all().size(), plan.all().size() - todo.size(), store.file());
                todo.forEach(k -> System.out.println("  " + k));
                return EXIT_OK;
            }
            TrialRunner runner = new TrialRunner(opts.trial(), be, store);
            int status = runner.runAll(todo);
            return resultFile.roundsFromStdin ? RoundsFromStdin.serve(opts, be, store, runner, status) : status;
        }
    }

    /** Value checks picocli cannot express, every one at once; each names the flag. */
    void validate() {
        List<String> problems = valueProblems();
        if (!problems.isEmpty()) throw new ParameterException(spec.commandLine(), String.join("\n", problems));
    }

    /** What is wrong with the flags' values (empty: nothing); sets sizeValues and the run id. */
    List<String> valueProblems() {
        TrialFlags t = trial;
        List<String> problems = new ArrayList<>();
        List<Integer> parsedSizes = new ArrayList<>();
        for (String s : t.sizes == null ? List.<String>of() : t.sizes) {   // null: picocli stopped at an error
            try {
                int n = Integer.parseInt(s.trim());
                if (n < 1 || n > 8192) throw new NumberFormatException();
                parsedSizes.add(n);
            } catch (NumberFormatException e) {
                problems.add("--sizes: '" + s + "' is not an integer from 1 to 8192 (e.g. --sizes 256,512)");
            }
        }
        this.sizeValues = parsedSizes;
        if (t.trials < 1 || t.trials > 10000) problems.add("--trials: must be from 1 to 10000, got " + t.trials);
        if (!(t.duration > 0) || t.duration > 86400) problems.add("--duration: must be > 0 seconds (at most 86400), got " + t.duration);
        if (!(t.warmupSeconds >= 0) || t.warmupSeconds > 86400) problems.add("--warmup-seconds: must be >= 0, got " + t.warmupSeconds);
        if (!(t.interval >= 0.01) || t.interval > 3600) problems.add("--interval: must be at least 0.01 seconds, got " + t.interval);
        if (!(t.timeoutMargin > 0)) problems.add("--timeout-margin: must be > 0 seconds");
        if (k8s.kubectlTimeout < 1 || k8s.kubectlTimeout > 3600) problems.add("--kubectl-timeout: seconds from 1 to 3600, got " + k8s.kubectlTimeout);
        if (!(k8s.startupTimeout > 0)) problems.add("--startup-timeout: must be > 0 seconds");
        // --backend, --sampler, --image-pull-policy: enums, checked by picocli (FlagErrors words it)
        if (existingFile.resume && existingFile.overwrite) problems.add("--resume and --overwrite exclude each other: pick one");
        if (t.cpuLimit != null && !(t.cpuLimit >= 0.01 && t.cpuLimit <= 1024))
            problems.add("--cpu-limit: cores from 0.01 to 1024 (e.g. 0.5), got " + t.cpuLimit);
        if (t.memoryLimit != null) {
            Long bytes = Quantity.bytes(t.memoryLimit);
            if (bytes == null || bytes < 4L << 20)
                problems.add("--memory-limit: expected a size of at least 4Mi like 512Mi, 1Gi or 268435456, got '" + t.memoryLimit + "'");
        }
        if (t.image == null && !local.listRuntimes) problems.add("--image: required (IMAGE), e.g. --image mmb-wasm:latest");
        if (t.image != null && !Names.IMAGE.matcher(t.image).matches())
            problems.add("--image: '" + Names.printable(t.image) + "' is not an image reference like mmb-wasm:latest");
        if (t.runtimeClass != null && !Names.DNS_LABEL.matcher(t.runtimeClass).matches())
            problems.add("--runtime-class: '" + Names.printable(t.runtimeClass) + "' is not a DNS-1123 name (lower-case letters, digits, '-')");
        if (k8s.namespace != null && !Names.DNS_LABEL.matcher(k8s.namespace).matches())
            problems.add("--namespace: '" + Names.printable(k8s.namespace) + "' is not a DNS-1123 label (lower-case letters, digits, '-', at most 63)");
        if (resultFile.resultsSubfolder != null && !Names.FOLDER.matcher(resultFile.resultsSubfolder).matches())
            problems.add("--results-subfolder-name: '" + Names.printable(resultFile.resultsSubfolder)
                    + "' must be a plain folder name (letters, digits, '.', '_', '-'; no '/' or leading '.')");
        if (t.runId == null) t.runId = Names.newRunId();
        else if (!Names.DNS_LABEL.matcher(t.runId).matches() || t.runId.length() > 40)
            problems.add("--run-id: '" + Names.printable(t.runId) + "' must be a DNS-1123 label of at most 40 characters");
        if (k8s.node != null && !Names.DNS_SUBDOMAIN.matcher(k8s.node).matches())
            problems.add("--node: '" + Names.printable(k8s.node) + "' is not a node name");
        return problems;
    }

    List<Integer> sizeValues;

    /** The flags, validated, as the records each part of the run reads (built once, after valueProblems()). */
    Options options() {
        TrialFlags t = trial;
        return new Options(
                new TrialOptions(t.image, t.runtimeClass, t.backend, List.copyOf(sizeValues), t.trials, t.duration, t.warmup,
                        t.warmupSeconds, t.interval, t.cpuLimit, t.memoryLimit, t.timeoutMargin, t.runId, t.cgroupRoot),
                new ResultFileOptions(resultFile.resultsDir, resultFile.resultsSubfolder, existingFile.resume, existingFile.overwrite,
                        resultFile.dryRun),
                new LocalOptions(local.artifact, local.buildDir, local.sampler),
                new K8sOptions(k8s.namespace, k8s.kubeconfig, k8s.context, k8s.node, k8s.imagePullPolicy, k8s.startupTimeout,
                        k8s.keepPods, k8s.kubectlTimeout));
    }

    /** Every option of the run; the result file records them all (flagsAsUsed), each part reads its own record. */
    record Options(TrialOptions trial, ResultFileOptions resultFile, LocalOptions local, K8sOptions k8s) {
        /** The flags as used, recorded in the result file: the common ones and those of the backend in use. */
        Map<String, Object> flagsAsUsed() {
            TrialOptions t = trial;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("image", t.image()); m.put("runtime_class", t.runtimeClass()); m.put("backend", t.backend().name());
            m.put("sizes", t.sizes()); m.put("trials", t.trials()); m.put("duration", t.duration());
            m.put("warmup", t.warmup()); m.put("warmup_seconds", t.warmupSeconds()); m.put("interval", t.interval());
            m.put("namespace", k8s.namespace()); m.put("results_dir", resultFile.resultsDir().toString());
            m.put("results_subfolder_name", resultFile.resultsSubfolder()); m.put("cpu_limit", t.cpuLimit()); m.put("memory_limit", t.memoryLimit());
            m.put("timeout_margin", t.timeoutMargin()); m.put("run_id", t.runId());
            if (t.backend() == BackendKind.local) {
                m.put("sampler", local.sampler().name());
                m.put("artifact", local.artifact() == null ? null : local.artifact().toString());
            } else {
                m.put("node", k8s.node()); m.put("image_pull_policy", k8s.imagePullPolicy().name()); m.put("startup_timeout", k8s.startupTimeout());
                m.put("keep_pods", k8s.keepPods()); m.put("context", k8s.context()); m.put("kubectl_timeout", k8s.kubectlTimeout());
            }
            return m;
        }
    }

    /** What every backend runs and measures: the environment, the trials, their limits, the sampling. */
    record TrialOptions(String image, String runtimeClass, BackendKind backend, List<Integer> sizes, int trials, double duration,
                        boolean warmup, double warmupSeconds, double interval, Double cpuLimit, String memoryLimit,
                        double timeoutMargin, String runId, Path cgroupRoot) {
        String mode() { return warmup ? "warm" : "cold"; }

        double warmupFor() { return warmup ? warmupSeconds : 0; }

        TrialOptions withTrials(int n) {
            return new TrialOptions(image, runtimeClass, backend, sizes, n, duration, warmup, warmupSeconds, interval, cpuLimit,
                    memoryLimit, timeoutMargin, runId, cgroupRoot);
        }
    }

    /** Where the result file goes, what to do with an existing one, and whether to run at all. */
    record ResultFileOptions(Path resultsDir, String resultsSubfolder, boolean resume, boolean overwrite, boolean dryRun) {}

    /** The local backend's own options. */
    record LocalOptions(Path artifact, Path buildDir, SamplerChoice sampler) {}

    /** The k8s backend's own options. */
    record K8sOptions(String namespace, String kubeconfig, String context, String node, PullPolicy imagePullPolicy,
                      double startupTimeout, boolean keepPods, int kubectlTimeout) {}
    /** picocli's parse errors, each naming its flag (with the nearest known flag for an unknown one). */
    static final class FlagErrors {
        static List<String> describe(CommandLine.ParseResult parsed) {
            List<String> problems = new ArrayList<>();
            for (Exception e : parsed.errors()) {
                if (e instanceof CommandLine.UnmatchedArgumentException u) {
                    boolean afterUnknownFlag = false;
                    for (String arg : u.getUnmatched()) {
                        if (arg.startsWith("-") && arg.length() > 1) {
                            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                            List<String> near = suggestions(flag, parsed);
                            problems.add(flag + ": unknown option" + (near.isEmpty() ? "" : "; did you mean " + near.get(0) + "?"));
                            afterUnknownFlag = !arg.contains("=");
                        } else if (afterUnknownFlag) {
                            afterUnknownFlag = false;   // most likely the unknown flag's value
                        } else {
                            problems.add("'" + Names.printable(arg) + "': unexpected argument (every input is a --flag)");
                        }
                    }
                } else if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                        && m.getMissing().get(0) instanceof CommandLine.Model.OptionSpec o) {
                    problems.add(o.longestName() + (o.required() && m.getMessage().startsWith("Missing required option")
                            ? ": required (" + o.paramLabel() + ")" : ": expects a value (" + o.paramLabel() + ")"));
                } else if (e instanceof ParameterException pe && pe.getArgSpec() instanceof CommandLine.Model.OptionSpec o
                        && o.type().isEnum() && pe.getValue() != null) {
                    problems.add(notAChoice(o, pe.getValue()));
                } else if (e instanceof ParameterException pe && pe.getArgSpec() instanceof CommandLine.Model.OptionSpec o
                        && e.getMessage().startsWith("Invalid value for option")) {   // "'many' is not an int"
                    problems.add(o.longestName() + ": " + Names.printable(e.getMessage().replaceFirst("^[^:]*: ", "")
                            .replace("is not an int", "is not an integer").replace("is not a double", "is not a number")));
                } else {
                    problems.add(Names.printable(e.getMessage()));
                }
            }
            return problems;
        }

        /** "--backend: expected local or k8s, got 'k9s'; did you mean k8s?" (the values as picocli matches them: exactly). */
        static String notAChoice(CommandLine.Model.OptionSpec o, String value) {
            List<String> choices = Arrays.stream(o.type().getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
            String expected = String.join(", ", choices.subList(0, choices.size() - 1)) + " or " + choices.get(choices.size() - 1);
            String near = choices.stream().filter(c -> c.equalsIgnoreCase(value) || editDistance(c, value) <= Math.min(2, c.length() / 3))
                    .findFirst().orElse(null);
            return o.longestName() + ": expected " + expected + ", got '" + Names.printable(value) + "'"
                    + (near == null ? "" : "; did you mean " + near + "?");
        }

        /** Levenshtein distance: how many letters to insert, delete or change to turn a into b. */
        static int editDistance(String a, String b) {
            int[] row = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) row[j] = j;
            for (int i = 1; i <= a.length(); i++) {
                int diagonal = row[0];
                row[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int up = row[j];
                    row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                    diagonal = up;
                }
            }
            return row[b.length()];
        }

        /**
         * A single-value option given more than once ("--trials: given more than once ('3', then '4'); give it once"). picocli
         * does not see it inside an argument group (it starts a new match of the group instead), so it is found here.
         */
        static List<String> repeated(CommandLine.ParseResult parsed) {
            List<String> problems = new ArrayList<>();
            Set<CommandLine.Model.ArgSpec> seen = new HashSet<>(), reported = new HashSet<>();
            for (CommandLine.Model.ArgSpec a : parsed.matchedArgs()) {
                if (!(a instanceof CommandLine.Model.OptionSpec o) || o.isMultiValue() || seen.add(o) || !reported.add(o)) continue;
                String values = o.originalStringValues().stream().map(v -> "'" + Names.printable(v) + "'").collect(Collectors.joining(", then "));
                problems.add(o.longestName() + ": given more than once" + (o.arity().max() > 0 ? " (" + values + ")" : "") + "; give it once");
            }
            return problems;
        }

        /** picocli's own "did you mean" (cosine similarity of the names), nearest first. */
        private static List<String> suggestions(String flag, CommandLine.ParseResult parsed) {
            List<String> names = new ArrayList<>();
            for (CommandLine.Model.OptionSpec o : parsed.commandSpec().options()) names.add(o.longestName());
            return new CommandLine.UnmatchedArgumentException(parsed.commandSpec().commandLine(), List.of(flag))
                    .getSuggestions().stream().filter(names::contains).limit(1).collect(Collectors.toList());
        }

        static int print(List<String> problems, PrintWriter err) {
            problems.forEach(p -> err.println("single_env_bench: " + p));
            err.println((problems.size() == 1 ? "" : problems.size() + " problems on the command line; nothing was run. ")
                    + "Try 'single_env_bench --help' for the options.");
            return EXIT_USAGE;
        }
    }

    /** A failure before any trial runs: printed as one message, exit status 3 or 4. */
    static final class SetupException extends RuntimeException {
        final int exitCode;
        SetupException(int exitCode, String message) { super(message); this.exitCode = exitCode; }
        SetupException(String message) { this(EXIT_SETUP, message); }
    }

    /** Name rules for everything that reaches a path, a label or a command. */
    static final class Names {
        static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
        static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
        static final Pattern FOLDER = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
        static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,254}");

        /** mmb-wasm for docker.io/library/mmb-wasm:latest or registry:5000/x/mmb-wasm@sha256:… */
        static String imageName(String image) {
            String s = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
            s = s.substring(s.lastIndexOf('/') + 1);
            return s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
        }

        static String newRunId() {
            return "r" + Long.toString(System.currentTimeMillis() / 1000, 36) + "-" + Long.toString(ProcessHandle.current().pid(), 36);
        }

        static String printable(String s) {
            return s.replaceAll("\\p{Cntrl}", "?");
        }
    }

    /** Kubernetes-style quantities: 512Mi, 1G, 268435456. */
    static final class Quantity {
        static Long bytes(String q) {
            Matcher m = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?").matcher(q.trim());
            if (!m.matches()) return null;
            double v = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "" : m.group(2);
            double f = switch (unit) {
                case "Ki" -> 1024d; case "Mi" -> 1024d * 1024; case "Gi" -> 1024d * 1024 * 1024;
                case "Ti" -> Math.pow(1024, 4); case "k", "K" -> 1e3; case "M" -> 1e6; case "G" -> 1e9; case "T" -> 1e12;
                default -> 1;
            };
            double b = v * f;
            return b > 1L << 50 ? null : (long) b;
        }
    }

    // ======================================================================================== 2. Plan
    /** A trial's identity: results["<size>_<mode>"][trial-1]. */
    record TrialKey(int size, String mode, int trial) {
        String entry() { return size + "_" + mode; }
        @Override public String toString() { return "size " + size + " (" + mode + ") trial " + trial; }
    }

    /** Every trial of the run, in the order they run: for each size, for each trial. */
    record Plan(List<TrialKey> all) {
        static Plan of(TrialOptions trial) {
            List<TrialKey> keys = new ArrayList<>();
            for (int size : trial.sizes())
                for (int t = 1; t <= trial.trials(); t++) keys.add(new TrialKey(size, trial.mode(), t));
            return new Plan(keys);
        }

        /** Trials not yet in the file; an interrupted trial counts as missing. */
        List<TrialKey> missingFrom(ResultStore store) {
            return all.stream().filter(k -> !store.hasCompleted(k)).collect(Collectors.toList());
        }
    }

    /**
     * --rounds-from-stdin: the suite's interleaved rounds in one process per environment. Each line 'trials N' runs
     * what `--trials N --resume` would run (the trials missing up to N per size, the file's flags saying N), with the
     * backend, its spawn-cost measurement and the warmed JIT of the first round; no JVM start, no preflight again.
     * Every round ends with a line the suite waits for; the end of input ends the process with the last round's status.
     */
    static final class RoundsFromStdin {
        static final String DONE = "mmb-round";
        static final Pattern ROUND = Pattern.compile("trials (\\d{1,5})");

        private RoundsFromStdin() {}

        static int serve(Options opts, Backend backend, ResultStore store, TrialRunner first, int firstStatus) {
            int status = firstStatus;
            TrialRunner runner = first;
            TrialOptions trial = opts.trial();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (status != EXIT_INTERRUPTED) {
                // Waiting between rounds, a signal has no trial to stop: every finished trial is in the file already.
                Interrupts.install(() -> System.exit(EXIT_INTERRUPTED));
                if (runner.interrupted.get()) return EXIT_INTERRUPTED;   // a signal between the round's end and here
                System.out.printf("%s trials=%d exit=%d%n", DONE, trial.trials(), status);
                System.out.flush();
                String line;
                try {
                    line = in.readLine();
                } catch (IOException e) {
                    line = null;
                }
                if (line == null) break;
                Matcher m = ROUND.matcher(line.strip());
                int n = m.matches() ? Integer.parseInt(m.group(1)) : 0;
                if (n < 1 || n > 10000) {
                    System.err.println("single_env_bench: --rounds-from-stdin: expected a line 'trials N' (N from 1 to "
                            + "10000), got '" + Names.printable(line) + "'; stopping");
                    return EXIT_USAGE;
                }
                trial = trial.withTrials(n);
                store.root.set("flags", Json.MAPPER.valueToTree(new Options(trial, opts.resultFile(), opts.local(),
                        opts.k8s()).flagsAsUsed()));   // as `--trials N --resume` records them
                runner = new TrialRunner(trial, backend, store);
                status = runner.runAll(Plan.of(trial).missingFrom(store));
            }
            return status;
        }
    }

    // ======================================================================================== 3. Trial runner
    /** Runs the planned trials one after another and saves the file after each. */
    static final class TrialRunner {
        final TrialOptions trial;
        final Backend backend;
        final ResultStore store;
        final AtomicBoolean interrupted = new AtomicBoolean();
        volatile Workload current;

        TrialRunner(TrialOptions trial, Backend backend, ResultStore store) {
            this.trial = trial; this.backend = backend; this.store = store;
        }

        int runAll(List<TrialKey> todo) {
            Interrupts.install(this::interrupt);
            int done = 0, bad = 0;
            for (TrialKey key : todo) {
                if (interrupted.get()) break;
                System.out.printf("[%s] %s ...%n", Instant.now(), key);
                long t0 = System.nanoTime();
                TrialRecord rec = runOne(key);
                double wall = (System.nanoTime() - t0) / 1e9;
                store.save(key, rec);
                done++;
                if (!"ok".equals(rec.status)) bad++;
                System.out.printf(Locale.ROOT, "mmb-trial size=%d mode=%s trial=%d trials=%d status=%s wall_s=%.3f throughput_mflops=%s%n",
                        key.size(), key.mode(), key.trial(), trial.trials(), rec.status, wall,
                        rec.throughput_mflops == null ? "-" : String.format(Locale.ROOT, "%.1f", rec.throughput_mflops));
                System.out.println("  " + rec.oneLine());
            }
            if (interrupted.get()) {
                System.err.println("single_env_bench: interrupted; completed trials are in " + store.file());
                return EXIT_INTERRUPTED;
            }
            System.out.printf("Done: %d trial(s), %d not ok. Results: %s%n", done, bad, store.file());
            return bad == 0 ? EXIT_OK : EXIT_TRIAL_FAILED;
        }

        void interrupt() {
            interrupted.set(true);
            Workload w = current;
            if (w != null) w.stop();
        }

        /** One trial: launch, follow, sample, derive. Throws only SetupException, which ends the run (exit 4). */
        TrialRecord runOne(TrialKey key) {
            TrialRecord rec = new TrialRecord(key.trial());
            ProtocolParser protocol = new ProtocolParser();
            Sampler sampler = new Sampler(trial.interval());
            TrialEvents events = new TrialEvents(rec, protocol, sampler);
            rec.start = Clock.now();
            Workload w = null;
            try {
                w = backend.launch(new TrialSpec(key.size(), trial.duration(), trial.warmupFor(), trial.cpuLimit(), trial.memoryLimit(), key), events);
                current = w;
                sampler.attach(w);
                if (!interrupted.get()) w.start();
                double budget = trial.warmupFor() + trial.duration() + trial.timeoutMargin();
                WorkloadExit exit = w.await(budget, () -> rec.running_time);
                if (sampler.fatal != null) throw sampler.fatal;
                rec.exit_code = exit.code();
                rec.details = w.details();
                finish(rec, protocol, sampler, exit, key.size());
            } catch (SetupException e) {
                throw e;
            } catch (Exception e) {
                rec.status = "failed";
                rec.error = "harness error: " + e;
            } finally {
                sampler.stop();
                current = null;
                if (w != null) {
                    try { w.cleanup(); } catch (Exception e) { System.err.println("warning: cleanup failed: " + e.getMessage()); }
                }
                if (rec.end == null) rec.end = Clock.now();
            }
            return rec;
        }

        void finish(TrialRecord rec, ProtocolParser p, Sampler sampler, WorkloadExit exit, int size) {
            rec.app_start = p.appStart;
            rec.bench_start = p.benchStart;
            rec.end = p.benchEnd;
            rec.iterations = p.iterations;
            rec.throughput_mflops = p.throughput;
            rec.elapsed_s = p.elapsed;
            rec.valid = p.valid;
            rec.program = p.ready;
            // k8s: the log stream connects only once the container runs, so MMB_READY reaches us late; the container
            // runtime's own timestamp of that line is the truth for time-to-main.
            if (rec.details != null && rec.details.get("app_start_runtime") instanceof Double runtimeReady) rec.app_start = runtimeReady;
            rec.samples = sampler.samples();
            Metrics.derive(rec, sampler);
            String problem = null;
            if (interrupted.get() && !p.complete()) {
                rec.status = "interrupted";
                rec.error = "interrupted by signal before the trial completed";
                return;
            }
            if (exit.reason() != null) problem = exit.reason();
            else if (p.benchStart == null) problem = "no BENCH_START in the output";
            else if (p.benchEnd == null) problem = "no BENCH_END in the output";
            else if (!p.problems.isEmpty()) problem = String.join("; ", p.problems);
            else if (!p.complete()) problem = "output ended before all result lines (missing: " + p.missing() + ")";
            if (problem == null && p.valid == Boolean.FALSE) {
                rec.status = "invalid";
                rec.error = "the program's validity check failed (valid=false)";
            } else if (problem == null && exit.code() != null && exit.code() != 0) {
                rec.status = "failed";
                rec.error = "exit status " + exit.code();
            } else if (problem != null) {
                rec.status = "failed";
                rec.error = problem + (exit.code() != null && exit.code() != 0 ? " (exit status " + exit.code() + ")" : "");
            } else {
                rec.status = "ok";
            }
            if (List.of("ok", "invalid").contains(rec.status)) Slices.derive(rec, p.progress, size);   // the program's numbers stand
            if (rec.error != null && !exit.stderrTail().isBlank()) rec.error += "; stderr: " + exit.stderrTail().strip();
        }
    }

    /** What the trial runner hands the backend: the program's arguments and limits. */
    record TrialSpec(int size, double duration, double warmup, Double cpuLimit, String memoryLimit, TrialKey key) {
        List<String> programArgs() {
            return List.of(String.valueOf(size), Num.plain(duration), Num.plain(warmup));
        }
    }

    /** How the workload ended: its exit status (null if unknown) and, for failures, the reason. */
    record WorkloadExit(Integer code, String reason, String stderrTail) {}

    /** Lifecycle and output events from a backend, timestamped as they arrive. */
    static final class TrialEvents {
        final TrialRecord rec;
        final ProtocolParser protocol;
        final Sampler sampler;

        TrialEvents(TrialRecord rec, ProtocolParser protocol, Sampler sampler) {
            this.rec = rec; this.protocol = protocol; this.sampler = sampler;
        }

        /** The workload runs (inside its cgroup). */
        void running(double at) {
            if (rec.running_time == null) rec.running_time = at;
        }

        /** One line of the program's stdout, with the time it reached us. */
        void line(String line, double arrival) {
            ProtocolParser.Event e = protocol.accept(line, arrival);
            if (e == ProtocolParser.Event.BENCH_START) sampler.openWindow();
            else if (e == ProtocolParser.Event.BENCH_END) sampler.closeWindow();
        }
    }

    /** SIGINT/SIGTERM: stop the current workload, let the runner record and save, exit 130. */
    static final class Interrupts {
        /** sun.misc.Signal through reflection: the one JDK way to handle SIGINT/SIGTERM, without compile warnings. */
        static void install(Runnable onSignal) {
            for (String name : List.of("INT", "TERM")) {
                try {
                    Class<?> signal = Class.forName("sun.misc.Signal"), handler = Class.forName("sun.misc.SignalHandler");
                    Object h = java.lang.reflect.Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[]{handler}, (proxy, m, a) -> {
                        if (m.getName().equals("handle")) {
                            System.err.println("single_env_bench: SIG" + name + " received, stopping the current trial …");
                            onSignal.run();
                        }
                        return null;
                    });
                    signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance(name), h);
                } catch (ReflectiveOperationException | RuntimeException ignored) { /* not available: the JVM's default applies */ }
            }
        }
    }

    // ======================================================================================== 4. Backends
    /** Where a trial's workload runs. One per run; preflight once, then launch per trial. */
    interface Backend extends AutoCloseable {
        /** recordedSpawn: the spawn cost of the file this run resumes (local backend), or null: measure it. */
        static Backend create(Options opts, HarnessSpawn recordedSpawn) {
            return opts.trial().backend() == BackendKind.local
                    ? new LocalBackend(opts.trial(), opts.local(), recordedSpawn, ResultStore.fileOf(opts).getFileName())
                    : K8sBackend.create(opts.trial(), opts.k8s());
        }

        /** What the result file records about the environment (command or pod spec, runtime version, sampler). */
        Map<String, Object> describe();

        /** Checks once per run that trials can start (tools, cluster, cgroups). */
        void preflight();

        /** Starts one trial's workload; events arrive on the given listener. */
        Workload launch(TrialSpec spec, TrialEvents events) throws Exception;

        /** What the harness's own spawn costs, measured at preflight (local backend), for the file; null if not measured. */
        default HarnessSpawn harness() { return null; }

        @Override default void close() {}
    }

    /** One running trial's workload. */
    interface Workload {
        /** Starts it; called once the sampler is attached, so no output can be missed. */
        void start() throws Exception;

        /** The cgroup to sample, or null if none (yet); asked when the sampling window opens. */
        CgroupFiles cgroup();

        /** Procfs fallback: the process to sample when there is no cgroup. */
        default ProcessHandle process() { return null; }

        /** Waits for the workload to end; fails it when BENCH_END is late. runningAt gives when it started running. */
        WorkloadExit await(double budgetSeconds, java.util.function.Supplier<Double> runningAt) throws InterruptedException;

        /** Stops the workload (signal, timeout). Safe from any thread, more than once. */
        void stop();

        /** Removes what the trial created (process leftovers, cgroup, pod). */
        void cleanup();

        /** Backend-specific facts for the trial record (e.g. the API server's times). */
        default Map<String, Object> details() { return null; }
    }

    // ---------------------------------------------------------------------------------- 4a. Local
    /** Runs the local builds as processes, each trial in a fresh cgroup it joins before exec. */
    static final class LocalBackend implements Backend {
        final TrialOptions trial;
        final LocalOptions opts;
        final Path program;
        final List<String> runtimeCommand;
        final CgroupLayout layout;
        final boolean useCgroups;
        final String runtimeVersion;
        final HarnessSpawn recordedSpawn;    // the spawn cost in the file this run resumes, or null: measure it
        final Path resultFileName;
        HarnessSpawn spawn;

        LocalBackend(TrialOptions trial, LocalOptions opts, HarnessSpawn recordedSpawn, Path resultFileName) {
            this.trial = trial;
            this.opts = opts;
            this.recordedSpawn = recordedSpawn;
            this.resultFileName = resultFileName;
            this.program = resolveArtifact(trial, opts);
            this.runtimeCommand = LocalRuntimes.command(trial.runtimeClass(), program);
            this.layout = CgroupLayout.detect(trial.cgroupRoot());
            this.useCgroups = decideSampler(trial, opts, layout);
            this.runtimeVersion = LocalRuntimes.version(trial.runtimeClass(), runtimeCommand);
            LocalCgroups.reapLeftovers(layout);
        }

        static Path resolveArtifact(TrialOptions trial, LocalOptions opts) {
            Path p;
            if (opts.artifact() != null) {
                p = opts.artifact();
            } else {
                String name = Names.imageName(trial.image());
                String file = switch (name) {
                    case "mmb-debian" -> "mmb-debian";
                    case "mmb-static" -> "mmb-static";
                    case "mmb-wasm" -> "mmb.wasm";
                    default -> throw new SetupException("--image " + trial.image() + ": the local backend knows mmb-debian, mmb-static and mmb-wasm; "
                            + "pass --artifact PATH to run another build");
                };
                Path dir = opts.buildDir() != null ? opts.buildDir() : ScriptHome.dir().resolve("build");
                p = dir.resolve(file);
            }
            if (!Files.isRegularFile(p))
                throw new SetupException("the build " + p + " does not exist: run `make build` first"
                        + (opts.artifact() != null ? " (or fix --artifact)" : ""));
            return p.toAbsolutePath().normalize();
        }

        static boolean decideSampler(TrialOptions trial, LocalOptions opts, CgroupLayout layout) {
            if (opts.sampler() == SamplerChoice.procfs) {
                if (trial.cpuLimit() != null || trial.memoryLimit() != null)
                    throw new SetupException("--cpu-limit/--memory-limit need cgroups; they cannot be applied with --sampler procfs");
                return false;
            }
            String why = LocalCgroups.unusableBecause(layout);
            if (why == null) return true;
            if (opts.sampler() == SamplerChoice.cgroup || trial.cpuLimit() != null || trial.memoryLimit() != null)
                throw new SetupException("cannot create a cgroup for the trials: " + why
                        + ". Run as root (sudo), or use --sampler procfs without limits");
            System.err.println("note: " + why + "; sampling the process from /proc instead (no limits, less accurate memory)");
            return false;
        }

        @Override public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            List<String> cmd = new ArrayList<>(runtimeCommand);
            cmd.addAll(List.of("SIZE", "DURATION", "WARMUP"));
            m.put("command", cmd);
            m.put("pod_spec", null);
            m.put("runtime_version", runtimeVersion);
            m.put("sampler", useCgroups ? "cgroup-" + layout.version() : "procfs");
            m.put("artifact_sha256", Files2.sha256(program));
            return m;
        }

        /**
         * Warms the spawn path (the JVM's first spawns are slow) and measures what it costs, before trial 1; a run that
         * resumes a file whose spawn cost is measured (a suite's later rounds) only warms it and keeps that measurement.
         */
        @Override public void preflight() {
            if (recordedSpawn != null) {
                HarnessSpawn.warm(this);
                spawn = recordedSpawn;
                System.out.println(spawn.summary() + " (measured by the run that wrote " + resultFileName
                        + "; this run warmed the spawn path with " + HarnessSpawn.WARM + " spawns)");
            } else {
                spawn = HarnessSpawn.measure(this);
                System.out.println(spawn.summary());
            }
            warmSampler();
        }

        /** SamplerWarmup on a throwaway cgroup made as a trial's is (or on this process, without cgroups). */
        void warmSampler() {
            if (!useCgroups) { SamplerWarmup.run(new ProcfsFiles(ProcessHandle.current())); return; }
            LocalCgroups.Cgroup cg = null;
            try {
                cg = LocalCgroups.create(layout, trial.runId() + "-warmup");
                SamplerWarmup.run(cg.files());
            } catch (IOException e) {   // not warmed: the first trial's window pays for it, nothing else changes
            } finally {
                if (cg != null) cg.remove();
            }
        }

        @Override public HarnessSpawn harness() { return spawn; }

        @Override public Workload launch(TrialSpec spec, TrialEvents events) throws Exception {
            List<String> program = new ArrayList<>(runtimeCommand);
            program.addAll(spec.programArgs());
            return launch(program, spec.key().size() + "-" + spec.key().trial(), events);
        }

        /** The one spawn path, of trials and of HarnessSpawn's trivial program: a fresh cgroup (or none), the wrapper, the program. */
        Workload launch(List<String> program, String name, TrialEvents events) throws IOException {
            List<String> cmd = new ArrayList<>();
            LocalCgroups.Cgroup cg = null;
            if (useCgroups) {
                cg = LocalCgroups.create(layout, trial.runId() + "-" + name);
                cg.applyLimits(trial.cpuLimit(), trial.memoryLimit() == null ? null : Quantity.bytes(trial.memoryLimit()));
                cmd.addAll(cg.joinThenExec());
            } else {
                cmd.addAll(LocalCgroups.announceThenExec());
            }
            cmd.addAll(program);
            return new LocalWorkload(cmd, cg, events);
        }
    }

    /**
     * The local spawn path's own cost: a trivial program (`true`) started exactly as a trial is (cgroup, limits,
     * wrapper), timed between the same two points as cold_start_time (start requested → running marker seen).
     * The first spawns of a JVM are slow (class loading, the spawn helper); they run first, back to back, so trial 1
     * does not carry them. Each sample follows a pause, as a trial's spawn follows the previous trial: back-to-back
     * spawns measured half as long here on a busy machine (the harness's threads still on a CPU), below any trial's.
     * A trial's cold start near spawn_s is the harness, not the environment.
     */
    @JsonPropertyOrder({"spawn_s", "spawn_samples", "warmed_spawns", "warmup_spawn_samples"})
    record HarnessSpawn(Double spawn_s, List<Double> spawn_samples, int warmed_spawns, List<Double> warmup_spawn_samples) {
        static final int WARM = 3, SAMPLES = 5;
        static final long PAUSE_NANOS = 100_000_000L;

        /** The warm-up spawns alone, unmeasured. */
        static void warm(LocalBackend be) {
            for (int i = 0; i < WARM; i++) once(be, i);
        }

        static HarnessSpawn measure(LocalBackend be) {
            List<Double> warm = new ArrayList<>(), samples = new ArrayList<>();
            for (int i = 0; i < WARM + SAMPLES; i++) {
                if (i >= WARM) LockSupport.parkNanos(PAUSE_NANOS);
                Double s = once(be, i);
                if (s == null) {
                    System.err.println("warning: a trivial program did not start through the local spawn path; spawn cost not measured");
                    return new HarnessSpawn(null, samples, warm.size(), warm);
                }
                (i < WARM ? warm : samples).add(Num.round(s, 6));
            }
            double[] v = samples.stream().mapToDouble(Double::doubleValue).toArray();
            return new HarnessSpawn(Num.round(Slices.median(v), 6), samples, WARM, warm);
        }

        /** Seconds from start requested to the running marker, as TrialRunner.runOne times a trial; null if it never ran. */
        static Double once(LocalBackend be, int i) {
            TrialRecord probe = new TrialRecord(0);
            TrialEvents events = new TrialEvents(probe, new ProtocolParser(), new Sampler(1.0));
            Workload w = null;
            try {
                double start = Clock.now();
                w = be.launch(List.of("true"), "spawn-" + i, events);
                w.start();
                w.await(10, () -> probe.running_time);
                return probe.running_time == null ? null : probe.running_time - start;
            } catch (SetupException e) {
                throw e;
            } catch (Exception e) {   // could not start or was interrupted: not measured
                return null;
            } finally {
                if (w != null) w.cleanup();
            }
        }

        String summary() {
            return String.format(Locale.ROOT, "harness spawn cost: median %s s of %d trivial spawns (after %d warm-up spawns: %s s). "
                            + "A cold start near it is this harness, not the environment; time to main - cold start is the program's own start-up.",
                    Num.fmt(spawn_s, 4), spawn_samples.size(), warmed_spawns,
                    warmup_spawn_samples.stream().map(d -> Num.fmt(d, 4)).collect(Collectors.joining(", ")));
        }
    }

    /** A local trial: the process, its output pumps and its cgroup. */
    static final class LocalWorkload implements Workload {
        static final String RUNNING_MARKER = "@mmb-running";
        final List<String> command;
        final LocalCgroups.Cgroup cgroup;
        final LineSplitter stdout, stderr;
        volatile Process process;
        StartedProcess started;
        final AtomicBoolean stopped = new AtomicBoolean();
        volatile String stopReason;

        LocalWorkload(List<String> cmd, LocalCgroups.Cgroup cgroup, TrialEvents events) throws IOException {
            this.cgroup = cgroup;
            this.stdout = new LineSplitter(line -> {
                double at = Clock.now();
                if (line.equals(RUNNING_MARKER)) events.running(at);
                else events.line(line, at);
            });
            this.stderr = new LineSplitter(null);
            this.command = cmd;
        }

        @Override public void start() throws IOException {
            started = new ProcessExecutor().command(command).redirectOutput(stdout).redirectError(stderr)
                    .redirectInput(InputStream.nullInputStream()).destroyOnExit().start();
            process = started.getProcess();
            if (stopped.get()) process.destroyForcibly();
        }

        @Override public CgroupFiles cgroup() { return cgroup == null ? null : cgroup.files(); }

        @Override public ProcessHandle process() { return process == null ? null : process.toHandle(); }

        @Override public WorkloadExit await(double budget, java.util.function.Supplier<Double> runningAt) throws InterruptedException {
            if (process == null) return new WorkloadExit(null, "not started (interrupted)", "");
            long deadline = System.nanoTime() + (long) ((budget + 30) * 1e9);   // +30 s: the process may be slow to start
            // Wake at most once a second: the harness must not compete with what it measures.
            while (!process.waitFor(1000, TimeUnit.MILLISECONDS)) {
                Double ran = runningAt.get();
                boolean late = ran != null ? Clock.now() > ran + budget : System.nanoTime() > deadline;
                if (late && stopReason == null) {
                    stopReason = String.format(Locale.ROOT, "timeout: no exit within %.1f s of starting (warmup + duration + --timeout-margin)", budget);
                    stop();
                }
            }
            try { started.getFuture().get(5, TimeUnit.SECONDS); } catch (Exception ignored) { /* pumps drained or gone */ }
            stdout.flushRest();
            int code = process.exitValue();
            String reason = stopReason;
            if (reason == null && code > 128 && code < 160) reason = "killed by signal " + (code - 128) + describeKill(code - 128);
            if (reason == null && code >= 125 && code <= 127 && stdout.lines == 0)
                reason = "could not start the program (exit " + code + ")";
            return new WorkloadExit(code, reason, stderr.tail());
        }

        String describeKill(int sig) {
            if (cgroup != null && sig == 9 && cgroup.oomKilled()) return " (OOM: --memory-limit reached)";
            return sig == 9 ? " (SIGKILL)" : sig == 15 ? " (SIGTERM)" : "";
        }

        @Override public void stop() {
            if (!stopped.compareAndSet(false, true)) return;
            if (stopReason == null) stopReason = "stopped";
            Process p = process;
            if (p != null) p.destroyForcibly();
            if (cgroup != null) cgroup.killAll();
        }

        @Override public void cleanup() {
            Process p = process;
            if (p != null) {
                if (p.isAlive()) p.destroyForcibly();
                try { p.waitFor(5, TimeUnit.SECONDS); } catch (InterruptedException ignored) { Thread.currentThread().interrupt(); }
            }
            if (cgroup != null) cgroup.remove();
        }
    }

    /** The local commands of each runtime class; each runtime found on PATH or through its variable. */
    static final class LocalRuntimes {
        /** runtime class → executable, its environment variable, Debian/upstream hint, argument layout. */
        record Runtime(String executable, String envVar, String install, List<String> before, List<String> between) {}

        static final Map<String, Runtime> WASM = Map.of(
                "wasmtime", new Runtime("wasmtime", "MMB_WASMTIME", "https://wasmtime.dev", List.of("run"), List.of()),
                "wasmedge", new Runtime("wasmedge", "MMB_WASMEDGE", "https://wasmedge.org", List.of(), List.of()),
                "wasmer", new Runtime("wasmer", "MMB_WASMER", "https://wasmer.io", List.of("run"), List.of("--")),
                "wamr", new Runtime("iwasm", "MMB_IWASM", "WAMR's iwasm (https://github.com/bytecodealliance/wasm-micro-runtime)", List.of(), List.of()),
                "node", new Runtime("node", "MMB_NODE", "apt-get install nodejs", List.of("--no-warnings", "--input-type=module", "-e", NodeWasi.SCRIPT, "--"), List.of()));

        static List<String> command(String runtimeClass, Path program) {
            boolean wasm = program.getFileName().toString().endsWith(".wasm");
            if (runtimeClass.equals("default")) {
                if (wasm) throw new SetupException("--runtime-class default runs a native build, but " + program
                        + " is a Wasm module: pick a Wasm runtime class (wasmtime, wasmedge, wasmer, wamr, node)");
                return List.of(program.toString());
            }
            Runtime rt = WASM.get(runtimeClass);
            if (rt == null) throw new SetupException(EXIT_USAGE, "--runtime-class " + runtimeClass
                    + ": the local backend knows default, wasmtime, wasmedge, wasmer, wamr and node");
            if (!wasm) throw new SetupException("--runtime-class " + runtimeClass + " runs a Wasm module, but " + program
                    + " is not one: use --image mmb-wasm:latest");
            String exe = find(rt);
            if (exe == null) throw new SetupException(EXIT_RUNTIME_MISSING, notInstalled(runtimeClass, rt));
            List<String> cmd = new ArrayList<>();
            cmd.add(exe);
            cmd.addAll(rt.before());
            cmd.add(program.toString());
            cmd.addAll(rt.between());
            return cmd;
        }

        static String notInstalled(String runtimeClass, Runtime rt) {
            return "runtime '" + rt.executable() + "' for --runtime-class " + runtimeClass + " is not installed: put it on PATH or set "
                    + rt.envVar() + "=/path/to/" + rt.executable() + " (" + rt.install() + ")";
        }

        /** --list-runtimes: what a trial of each runtime class would find (the suite plans with it). */
        static int list(PrintStream out) {
            out.println("mmb-runtime default installed -");   // the native build itself: no runtime
            for (String rc : new TreeSet<>(WASM.keySet())) {
                String exe = find(WASM.get(rc));
                out.println("mmb-runtime " + rc + (exe != null ? " installed " + exe : " missing " + notInstalled(rc, WASM.get(rc))));
            }
            out.flush();
            return EXIT_OK;
        }

        static String find(Runtime rt) {
            String env = System.getenv(rt.envVar());
            if (env != null && !env.isBlank()) return Files.isExecutable(Path.of(env)) ? env : null;
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path p = Path.of(dir, rt.executable());
                if (Files.isExecutable(p) && !Files.isDirectory(p)) return p.toString();
            }
            return null;
        }

        static String version(String runtimeClass, List<String> command) {
            if (runtimeClass.equals("default")) return null;
            return Proc.firstLine(List.of(command.get(0), "--version"), 5);
        }
    }

    /** Runs a wasm32-wasi module with Node.js's built-in WASI (preview1): how CI runs Wasm. */
    static final class NodeWasi {
        static final String SCRIPT = String.join("\n",
                "import { WASI } from 'node:wasi';",
                "import { readFileSync } from 'node:fs';",
                "const [file, ...args] = process.argv.slice(1);",
                "const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });",
                "const module = await WebAssembly.compile(readFileSync(file));",
                "const instance = await WebAssembly.instantiate(module, wasi.getImportObject());",
                "process.exitCode = wasi.start(instance);");
    }

    /** Creates, limits, joins and removes the per-trial cgroups of the local backend. */
    static final class LocalCgroups {
        static final String PARENT = "mmb";

        /** Null when we can make cgroups here, else the reason. */
        static String unusableBecause(CgroupLayout layout) {
            if (layout.version().equals("none")) return "no cgroup file system is mounted";
            for (Path dir : layout.trialParents(PARENT)) {
                try {
                    Files.createDirectories(dir);
                    if (layout.version().equals("v2")) enableControllers(dir.getParent(), dir);
                    Path probe = dir.resolve("probe-" + ProcessHandle.current().pid());
                    Files.createDirectory(probe);
                    Files.delete(probe);
                } catch (IOException | SecurityException e) {
                    return "cgroup " + dir + " is not writable (" + e.getClass().getSimpleName() + ")";
                }
            }
            return null;
        }

        static void enableControllers(Path root, Path parent) {
            // v2: controllers must be enabled top-down; the parent holds no processes itself.
            for (Path p : List.of(root, parent)) {
                for (String c : List.of("cpu", "memory", "pids")) {
                    try { Files.writeString(p.resolve("cgroup.subtree_control"), "+" + c); } catch (IOException ignored) { }
                }
            }
        }

        static Cgroup create(CgroupLayout layout, String name) throws IOException {
            String leaf = name + "-" + ProcessHandle.current().pid();
            List<Path> dirs = new ArrayList<>();
            for (Path parent : layout.trialParents(PARENT)) {
                Path d = parent.resolve(leaf);
                Files.createDirectories(d);
                dirs.add(d);
            }
            return new Cgroup(layout, dirs);
        }

        /** After a killed run: remove our cgroups whose owner process is gone (the pid ends the name). */
        static void reapLeftovers(CgroupLayout layout) {
            if (layout.version().equals("none")) return;
            for (Path parent : layout.trialParents(PARENT)) {
                if (!Files.isDirectory(parent)) continue;
                try (Stream<Path> s = Files.list(parent)) {
                    for (Path d : s.filter(Files::isDirectory).collect(Collectors.toList())) {
                        String n = d.getFileName().toString();
                        long owner;
                        try { owner = Long.parseLong(n.substring(n.lastIndexOf('-') + 1)); } catch (NumberFormatException e) { continue; }
                        if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) continue;
                        new Cgroup(layout, List.of(d)).remove();
                        System.err.println("note: removed leftover cgroup " + d + " of an earlier run");
                    }
                } catch (IOException ignored) { }
            }
        }

        /** A shell that announces it runs (for running_time) and execs the program. */
        static List<String> announceThenExec() {
            return List.of("/bin/sh", "-c", "echo " + LocalWorkload.RUNNING_MARKER + "; exec \"$@\"", "mmb-exec");
        }

        /** One trial's cgroup: a directory per hierarchy (v1) or one (v2). */
        static final class Cgroup {
            final CgroupLayout layout;
            final List<Path> dirs;

            Cgroup(CgroupLayout layout, List<Path> dirs) { this.layout = layout; this.dirs = dirs; }

            CgroupFiles files() { return layout.filesFor(dirs); }

            /** `sh` writes its own pid into every cgroup.procs, then execs: the program never runs outside. */
            List<String> joinThenExec() {
                List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c",
                        "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 125; shift; n=$((n-1)); done; "
                                + "echo " + LocalWorkload.RUNNING_MARKER + "; exec \"$@\"",
                        "mmb-cgexec", String.valueOf(dirs.size())));
                dirs.forEach(d -> cmd.add(d.resolve("cgroup.procs").toString()));
                return cmd;
            }

            void applyLimits(Double cores, Long memBytes) throws IOException {
                for (Path d : dirs) {
                    if (cores != null) {
                        long period = 100_000, quota = Math.max(1000, Math.round(cores * period));
                        if (Files.exists(d.resolve("cpu.max"))) Files.writeString(d.resolve("cpu.max"), quota + " " + period);
                        if (Files.exists(d.resolve("cpu.cfs_quota_us"))) {
                            Files.writeString(d.resolve("cpu.cfs_period_us"), String.valueOf(period));
                            Files.writeString(d.resolve("cpu.cfs_quota_us"), String.valueOf(quota));
                        }
                    }
                    if (memBytes != null) {
                        if (Files.exists(d.resolve("memory.max"))) Files.writeString(d.resolve("memory.max"), String.valueOf(memBytes));
                        if (Files.exists(d.resolve("memory.limit_in_bytes"))) Files.writeString(d.resolve("memory.limit_in_bytes"), String.valueOf(memBytes));
                    }
                }
                if (cores != null && dirs.stream().noneMatch(d -> Files.exists(d.resolve("cpu.max")) || Files.exists(d.resolve("cpu.cfs_quota_us"))))
                    throw new SetupException("--cpu-limit: the cpu controller is not available in " + dirs);
                if (memBytes != null && dirs.stream().noneMatch(d -> Files.exists(d.resolve("memory.max")) || Files.exists(d.resolve("memory.limit_in_bytes"))))
                    throw new SetupException("--memory-limit: the memory controller is not available in " + dirs);
            }

            boolean oomKilled() {
                for (Path d : dirs) {
                    Map<String, Long> ev = CgroupFiles.keyed(d.resolve("memory.events"));
                    if (ev.getOrDefault("oom_kill", 0L) > 0) return true;
                    Map<String, Long> ctl = CgroupFiles.keyed(d.resolve("memory.oom_control"));
                    if (ctl.getOrDefault("oom_kill", 0L) > 0) return true;
                }
                return false;
            }

            void killAll() {
                for (Path d : dirs) {
                    if (Files.exists(d.resolve("cgroup.kill"))) {
                        try { Files.writeString(d.resolve("cgroup.kill"), "1"); continue; } catch (IOException ignored) { }
                    }
                    for (long pid : pids(d)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }

            static List<Long> pids(Path d) {
                try {
                    return Files.readAllLines(d.resolve("cgroup.procs")).stream().filter(s -> !s.isBlank())
                            .map(String::trim).map(Long::parseLong).collect(Collectors.toList());
                } catch (IOException | NumberFormatException e) {
                    return List.of();
                }
            }

            /** Kill what is left, then rmdir (retried: the kernel frees a cgroup shortly after its last task). */
            void remove() {
                for (Path d : dirs) {
                    if (!Files.isDirectory(d)) continue;
                    for (int attempt = 0; attempt < 100; attempt++) {
                        killAll();
                        try { Files.delete(d); break; } catch (NoSuchFileException e) { break; } catch (IOException e) {
                            LockSupport.parkNanos(20_000_000);
                        }
                    }
                    if (Files.isDirectory(d)) System.err.println("warning: could not remove cgroup " + d);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------- 4b. K8s
    /**
     * Trials as K3s pods driven through kubectl (an argument vector, never a shell). Lifecycle from a watch
     * (one JSON event per line, timestamped on arrival: the API's own times are whole seconds), output from
     * `kubectl logs -f --timestamps`, samples from the container's cgroup on this node.
     */
    static final class K8sBackend implements Backend {
        final TrialOptions trial;
        final K8sOptions opts;
        final CgroupLayout layout;
        Kubectl kubectl;            // found at preflight: a dry run needs no kubectl
        String serverVersion;

        K8sBackend(TrialOptions trial, K8sOptions opts) {
            this.trial = trial;
            this.opts = opts;
            this.layout = CgroupLayout.detect(trial.cgroupRoot());
        }

        static Backend create(TrialOptions trial, K8sOptions opts) { return new K8sBackend(trial, opts); }

        @Override public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", null);
            m.put("pod_spec", PodManifest.build(trial, opts, List.of("SIZE", Num.plain(trial.duration()), Num.plain(trial.warmupFor())), "SIZE", "TRIAL", "POD-NAME"));
            m.put("runtime_version", serverVersion);
            m.put("sampler", "cgroup-" + layout.version());
            m.put("kubectl", kubectl == null ? null : kubectl.executable);
            return m;
        }

        /** kubectl present, cluster reachable, namespace and RuntimeClass exist; removes pods earlier runs left. */
        @Override public void preflight() {
            kubectl = new Kubectl(opts);
            Kubectl.Result v = kubectl.read(List.of("version", "-o", "json"), kubectl.timeout);
            if (!v.ok()) throw new SetupException("cannot reach the cluster through kubectl (" + v.firstErrorLine().replaceAll("[.?]+$", "")
                    + "): is K3s running (`systemctl status k3s`), and is this kubectl's config the cluster's? "
                    + "Pass --kubeconfig /etc/rancher/k3s/k3s.yaml (or --context) if not");
            try {
                serverVersion = Json.MAPPER.readTree(v.out()).path("serverVersion").path("gitVersion").asText(null);
            } catch (IOException e) { serverVersion = null; }
            Kubectl.Result ns = kubectl.read(List.of("get", "namespace", opts.namespace(), "-o", "name"), kubectl.timeout);
            if (!ns.ok()) throw new SetupException(ns.notFound() ? "namespace \"" + opts.namespace() + "\" does not exist: create it with "
                    + "`kubectl create namespace " + opts.namespace() + "` or pass --namespace" : "cannot read namespace " + opts.namespace() + ": " + ns.firstErrorLine());
            if (!trial.runtimeClass().equals("default")) {
                Kubectl.Result rc = kubectl.read(List.of("get", "runtimeclass", trial.runtimeClass(), "-o", "name"), kubectl.timeout);
                if (!rc.ok()) throw new SetupException(rc.notFound() ? RuntimeClassHint.missing(trial.runtimeClass())
                        : "cannot read RuntimeClass " + trial.runtimeClass() + ": " + rc.firstErrorLine());
            }
            if (layout.version().equals("none"))
                throw new SetupException("no cgroup file system under " + trial.cgroupRoot() + ": run on the K3s node (or fix --cgroup-root)");
            removeLeftovers();
        }

        /** Pods of this environment that an earlier, killed run left behind. */
        void removeLeftovers() {
            String selector = PodManifest.LABEL_ENV + "=" + PodManifest.envLabel(trial) + "," + PodManifest.LABEL_RUN + "!=" + trial.runId();
            Kubectl.Result r = kubectl.read(List.of("get", "pods", "-l", selector, "-o", "name"), kubectl.timeout);
            if (!r.ok() || r.out().isBlank()) return;
            System.err.println("note: removing pods an earlier run left: " + r.out().strip().replace('\n', ' '));
            kubectl.call(List.of("delete", "pods", "-l", selector, "--ignore-not-found", "--wait=true", "--timeout=" + 2 * kubectl.timeout + "s"), null, 2 * kubectl.timeout + 10);
        }

        @Override public Workload launch(TrialSpec spec, TrialEvents events) {
            String name = PodManifest.podName(trial, spec.key());
            return new PodWorkload(kubectl, layout, new PodWorkload.Settings(opts.namespace(), trial.image(), opts.imagePullPolicy(),
                    trial.runtimeClass(), opts.startupTimeout(), opts.keepPods(), trial.cgroupRoot()), name,
                    PodManifest.build(trial, opts, spec, name), events);
        }
    }

    /** How to get a RuntimeClass that does not exist (docs/k3s.md). */
    static final class RuntimeClassHint {
        static String missing(String rc) {
            String how = switch (rc) {
                case "wasmtime", "wasmedge", "wasmer" -> "K3s creates it when containerd-shim-" + rc + "-v1 is installed "
                        + "(e.g. in /opt/kwasm/bin or /usr/local/bin) and K3s is restarted";
                case "wamr" -> "install containerd-shim-wamr-v1, add a containerd runtime entry 'wamr' "
                        + "(runtime_type io.containerd.wamr.v1, SystemdCgroup as kubelet) and create a RuntimeClass wamr with handler wamr";
                default -> "create a RuntimeClass named " + rc + " whose handler is a containerd runtime of this node";
            };
            return "RuntimeClass \"" + rc + "\" not found: " + how + " (docs/k3s.md: \"Runtime classes\")";
        }
    }

    /** The pod of one trial, built as data and serialised (never a string template). */
    static final class PodManifest {
        static final String LABEL_RUN = "mmb.dev/run", LABEL_ENV = "mmb.dev/environment", LABEL_POD = "mmb.dev/pod", CONTAINER = "mmb";

        static String envLabel(TrialOptions trial) {
            String s = (Names.imageName(trial.image()) + "_" + trial.runtimeClass()).replaceAll("[^A-Za-z0-9._-]", "-");
            s = s.length() > 63 ? s.substring(0, 63) : s;
            return s.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
        }

        /** DNS-1123: mmb-<image>-<runtime class>-<size>-t<trial>-<random>, at most 63 characters. */
        static String podName(TrialOptions trial, TrialKey k) {
            String base = ("mmb-" + Names.imageName(trial.image()) + "-" + trial.runtimeClass()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
            String tail = "-" + k.size() + "-t" + k.trial() + "-" + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
            if (base.length() + tail.length() > 63) base = base.substring(0, 63 - tail.length());
            return (base + tail).replaceAll("-+", "-");
        }

        static Map<String, Object> build(TrialOptions trial, K8sOptions opts, TrialSpec spec, String name) {
            return build(trial, opts, spec.programArgs(), String.valueOf(spec.size()), String.valueOf(spec.key().trial()), name);
        }

        static Map<String, Object> build(TrialOptions trial, K8sOptions opts, List<String> args, String size, String trialNumber, String name) {
            Map<String, Object> labels = new LinkedHashMap<>();
            labels.put("app.kubernetes.io/name", "mmb");
            labels.put("app.kubernetes.io/managed-by", "single_env_bench");
            labels.put(LABEL_RUN, trial.runId());
            labels.put(LABEL_ENV, envLabel(trial));
            labels.put("mmb.dev/size", size);
            labels.put("mmb.dev/trial", trialNumber);
            labels.put(LABEL_POD, name);
            Map<String, Object> container = new LinkedHashMap<>();
            container.put("name", CONTAINER);
            container.put("image", trial.image());
            container.put("imagePullPolicy", opts.imagePullPolicy().name());
            container.put("args", args);
            Map<String, Object> limits = new LinkedHashMap<>();
            if (trial.cpuLimit() != null) limits.put("cpu", Math.round(trial.cpuLimit() * 1000) + "m");
            if (trial.memoryLimit() != null) limits.put("memory", trial.memoryLimit());
            // LinkedHashMap, not Map.of: Map.of's order changes from one JVM to the next (--dry-run compared them)
            if (!limits.isEmpty()) container.put("resources", ordered("limits", limits, "requests", limits));   // requests = limits
            Map<String, Object> podSpec = new LinkedHashMap<>();
            podSpec.put("restartPolicy", "Never");
            if (!trial.runtimeClass().equals("default")) podSpec.put("runtimeClassName", trial.runtimeClass());
            if (opts.node() != null) podSpec.put("nodeSelector", Map.of("kubernetes.io/hostname", opts.node()));
            podSpec.put("terminationGracePeriodSeconds", 5);
            podSpec.put("enableServiceLinks", false);               // no service variables in the environment
            podSpec.put("automountServiceAccountToken", false);
            podSpec.put("containers", List.of(container));
            Map<String, Object> pod = new LinkedHashMap<>();
            pod.put("apiVersion", "v1");
            pod.put("kind", "Pod");
            pod.put("metadata", ordered("name", name, "namespace", opts.namespace(), "labels", labels));
            pod.put("spec", podSpec);
            return pod;
        }

        private static Map<String, Object> ordered(Object... keysAndValues) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            return m;
        }
    }

    /**
     * One trial's pod: created, its status followed by a PodWatch and judged by PodStatus (lifecycle), its log by a
     * LogFollower (output), its container cgroup found on this node, deleted afterwards. The runner waits in await().
     */
    static final class PodWorkload implements Workload {
        /** What a pod workload needs of the run's options, read once in K8sBackend.launch. */
        record Settings(String namespace, String image, PullPolicy imagePullPolicy, String runtimeClass, double startupTimeout,
                        boolean keepPods, Path cgroupRoot) {}

        final Kubectl kubectl;
        final CgroupLayout layout;
        final Settings settings;
        final String name;
        final Map<String, Object> manifest;
        final TrialEvents events;
        final PodStatus status;
        final PodWatch watch;
        final LogFollower logs;
        final Map<String, Object> k8s = new LinkedHashMap<>();
        final CountDownLatch ended = new CountDownLatch(1);    // the pod ended, failed, or the trial was stopped
        final AtomicBoolean stopped = new AtomicBoolean();
        volatile PodStatus.State state = PodStatus.State.INITIAL;
        volatile String failure;                                 // the first reason the trial failed (an OOM kill overrides)
        volatile boolean created;
        volatile CgroupFiles cgroupFiles;

        PodWorkload(Kubectl kubectl, CgroupLayout layout, Settings settings, String name, Map<String, Object> manifest, TrialEvents events) {
            this.kubectl = kubectl; this.layout = layout; this.settings = settings; this.name = name; this.manifest = manifest;
            this.events = events;
            this.status = new PodStatus(settings.image(), settings.imagePullPolicy());
            this.watch = new PodWatch(kubectl, name, () -> stopped.get() || ended.getCount() == 0, () -> created, new PodWatch.Listener() {
                public void event(JsonNode event, double at) { onWatchEvent(event, at); }
                public void gone() { onGone(); }
                public void lost(String why) { fail(why); }
            });
            this.logs = new LogFollower(kubectl, name, ended, stopped::get, (line, runtimeTs, arrival) -> {
                recordRuntimeTime(line, runtimeTs);
                events.line(line, arrival);
            });
        }

        @Override public void start() {
            k8s.put("pod", name);
            k8s.put("namespace", settings.namespace());
            // Watch by label before creating, so the pod's first transitions are seen as they happen.
            watch.start();
            Kubectl.Result r = kubectl.call(List.of("create", "-f", "-", "-o", "name"), Json.pretty(manifest), kubectl.timeout);   // never retried
            if (r.transientFailure() || r.exit() == 124)   // the cluster is gone: every further trial would fail the same way
                throw new SetupException("lost the cluster while creating pod " + name + ": " + r.firstErrorLine()
                        + "; completed trials are saved, continue later with --resume");
            if (!r.ok()) {
                failure = "kubectl create failed: " + r.firstErrorLine();
                if (r.err().contains("RuntimeClass")) failure += " — " + RuntimeClassHint.missing(settings.runtimeClass());
                ended.countDown();
                logs.notNeeded();
                return;
            }
            created = true;
        }

        void onWatchEvent(JsonNode event, double at) {
            if (PodStatus.isDeletion(event)) onGone();
            else apply(status.next(state, event, at));
        }

        /** Gone after the trial ended (our own clean-up, a timeout, a stop) is no news. */
        void onGone() {
            if (ended.getCount() > 0) apply(status.gone(state));
        }

        /** Takes the pod's next state and acts on what it implies: running (cgroup, log), failure, end. */
        synchronized void apply(PodStatus.Step step) {
            state = step.state();
            for (PodStatus.Event e : step.events()) {
                if (e instanceof PodStatus.Running r) {
                    events.running(r.at());
                    if (r.containerUp()) locateCgroup(state.pod());
                    logs.start();
                } else if (e instanceof PodStatus.Failed f) {
                    if (f.overrides() || failure == null) failure = f.why();
                } else if (e instanceof PodStatus.Ended) {
                    ended.countDown();
                }
            }
        }

        /** The container runtime's own (nanosecond) time of the protocol markers, next to our arrival times. */
        void recordRuntimeTime(String line, Double runtimeTs) {
            if (runtimeTs == null) return;
            String key = line.startsWith("MMB_READY") ? "app_start_runtime" : line.equals("BENCH_START") ? "bench_start_runtime"
                    : line.equals("BENCH_END") ? "end_runtime" : null;
            if (key != null) k8s.putIfAbsent(key, runtimeTs);
        }

        void fail(String why) {
            if (failure == null) failure = why;
            ended.countDown();
        }

        /**
         * The container's cgroup: looked up as soon as the watch shows the container running (a short trial may
         * exit before its BENCH_START line reaches us), else when the sampling window opens. Not found: fatal if the
         * pod is on another node or still running; a container that already exited just has no samples.
         */
        @Override public CgroupFiles cgroup() {
            if (cgroupFiles != null) return cgroupFiles;
            PodStatus.State s = state;
            PodStatus.Facts pod = s.pod();
            if (pod == null || s.containerId() == null) {
                Kubectl.Result r = kubectl.read(List.of("get", "pod", name, "-o", "json"), kubectl.timeout);
                if (!r.ok()) return null;
                try { pod = PodStatus.Facts.of(Json.MAPPER.readTree(r.out())); } catch (IOException e) { return null; }
            }
            String problem = locateCgroup(pod);
            if (problem == null) return cgroupFiles;
            boolean here = Proc.hostname().equals(pod.node());
            if (here && ended.getCount() == 0) {
                k8s.put("cgroup", null);
                k8s.put("note", "no samples: the container exited before its cgroup could be read");
                return null;
            }
            throw new SetupException(problem);
        }

        /** Finds and keeps the container's cgroup files; returns null when found, else what is wrong. */
        synchronized String locateCgroup(PodStatus.Facts pod) {
            if (cgroupFiles != null) return null;
            String id = pod.containerId();
            if (id == null) return "pod " + name + " has no container id yet";
            String hex = id.substring(id.indexOf("://") + 3);
            Optional<String> rel = ContainerCgroupFinder.find(layout, hex, Objects.requireNonNullElse(pod.uid(), ""),
                    Objects.requireNonNullElse(pod.qosClass(), ""));
            if (rel.isEmpty()) {
                String node = Objects.requireNonNullElse(pod.node(), "?"), here = Proc.hostname();
                return node.equals(here)
                        ? "cannot find the cgroup of container " + hex.substring(0, Math.min(12, hex.length())) + " under " + settings.cgroupRoot()
                          + " on this node (" + here + "): is this the K3s node, and does --cgroup-root point at its cgroup mount?"
                        : "pod " + name + " ran on node " + node + ", but this is " + here + ": run single_env_bench on that node, "
                          + "or pin the pods to this one with --node " + here;
            }
            k8s.put("cgroup", rel.get());
            CgroupFiles container = layout.filesFor(layout.dirsOf(rel.get()));
            String parent = Path.of(rel.get()).getParent() == null ? null : Path.of(rel.get()).getParent().toString();
            cgroupFiles = parent == null ? container : new PodScopedFiles(container, layout.filesFor(layout.dirsOf(parent)));
            return null;
        }

        @Override public WorkloadExit await(double budget, java.util.function.Supplier<Double> runningTime) throws InterruptedException {
            double created = Clock.now();
            while (!ended.await(200, TimeUnit.MILLISECONDS)) {
                if (stopped.get()) break;
                PodStatus.State s = state;
                Double ran = s.runningAt();
                if (ran == null && Clock.now() > created + settings.startupTimeout()) {
                    fail(String.format(Locale.ROOT, "pod not running within --startup-timeout %.0f s (last status: %s)", settings.startupTimeout(),
                            s.summary().isEmpty() ? "none" : s.summary()));
                } else if (ran != null && Clock.now() > ran + budget) {
                    fail(String.format(Locale.ROOT, "timeout: no end within %.1f s of running (warmup + duration + --timeout-margin)", budget));
                }
            }
            // The log may still carry the last lines after the container ended.
            long until = System.nanoTime() + 15_000_000_000L;
            while (failure == null && !stopped.get() && !logs.done() && System.nanoTime() < until) Thread.sleep(20);
            String reason = stopped.get() && failure == null ? "stopped" : failure;
            return new WorkloadExit(state.exitCode(), reason, "");
        }

        @Override public void stop() {
            if (!stopped.compareAndSet(false, true)) return;
            ended.countDown();
        }

        @Override public void cleanup() {
            stopped.set(true);
            watch.kill();
            logs.kill();
            if (!created || settings.keepPods()) return;
            Kubectl.Result r = kubectl.call(List.of("delete", "pod", name, "--ignore-not-found", "--wait=true",
                    "--timeout=" + 2 * kubectl.timeout + "s"), null, 2 * kubectl.timeout + 10);
            if (!r.ok()) System.err.println("warning: could not delete pod " + name + ": " + r.firstErrorLine()
                    + " (remove it with `kubectl delete pod " + name + " -n " + settings.namespace() + "`)");
        }

        @Override public Map<String, Object> details() {
            Map<String, Object> m = new LinkedHashMap<>(k8s);
            PodStatus.State s = state;
            PodStatus.Facts pod = s.pod();
            if (pod != null) {
                m.put("uid", pod.uid());
                m.put("node", pod.node());
                m.put("qos_class", pod.qosClass());
                m.put("container_id", pod.containerId());
                m.put("server_times", pod.serverTimes());
            }
            m.put("observed", s.observed().stream().map(PodStatus.Transition::toMap).collect(Collectors.toList()));
            return m;
        }

        static Thread daemon(String name, Runnable r) {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.start();
            return t;
        }
    }

    /**
     * What the watch tells of one trial's pod, as a pure state machine: each watch event (or the pod as read), with
     * the time it was seen, gives the next immutable State and the lifecycle events that follow from it. No threads,
     * no kubectl, no clock: PodStatusTest replays watches recorded through the real kubectl (tests/fixtures/pod-watch/).
     */
    static final class PodStatus {
        static final Set<String> IMAGE_ERRORS = Set.of("ErrImageNeverPull", "ErrImagePull", "ImagePullBackOff", "InvalidImageName");
        static final Set<String> CONTAINER_ERRORS = Set.of("CreateContainerConfigError", "CreateContainerError", "RunContainerError",
                "CrashLoopBackOff", "StartError");
        final String image;                      // named in the advice for an image the node cannot use
        final PullPolicy imagePullPolicy;

        PodStatus(String image, PullPolicy imagePullPolicy) { this.image = image; this.imagePullPolicy = imagePullPolicy; }

        /**
         * What is known of the pod: the phase and container reason of the last object (a waiting reason, "Running", or
         * the terminated reason), the container id (kept once seen), when the container was first seen started (our
         * clock), its exit code, the failure it shows, whether it ended, the last object's facts, every transition.
         */
        record State(String phase, String reason, String containerId, Double runningAt, Integer exitCode, String failure,
                     boolean ended, Facts pod, List<Transition> observed) {
            static final State INITIAL = new State("", "", null, null, null, null, false, null, List.of());

            /** "phase/reason" of the last object; "" before the first. */
            String summary() { return pod == null ? "" : phase + "/" + reason; }
        }

        /** A status the pod passed through (its phase/reason changed), with the time it was seen. */
        record Transition(double at, String phase, String reason) {
            Map<String, Object> toMap() {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("at", at);
                t.put("phase", phase);
                if (!reason.isEmpty()) t.put("reason", reason);
                return t;
            }
        }

        /** The last pod object's facts (null where it has none), its times from the API (whole seconds) and the CRI. */
        record Facts(String uid, String node, String qosClass, String containerId, Double creation, Double podStart,
                     Double containerStarted, Double containerFinished, Integer exitCode, String terminationReason) {
            static Facts of(JsonNode pod) {
                JsonNode st = pod.path("status"), cs = st.path("containerStatuses").path(0), term = cs.path("state").path("terminated");
                return new Facts(pod.path("metadata").path("uid").asText(null), pod.path("spec").path("nodeName").asText(null),
                        st.path("qosClass").asText(null), cs.path("containerID").asText(null),
                        Rfc3339.parse(pod.path("metadata").path("creationTimestamp").asText(null)), Rfc3339.parse(st.path("startTime").asText(null)),
                        Rfc3339.parse(term.path("startedAt").asText(cs.path("state").path("running").path("startedAt").asText(null))),
                        Rfc3339.parse(term.path("finishedAt").asText(null)),
                        term.path("exitCode").isInt() ? term.path("exitCode").asInt() : null, term.path("reason").asText(null));
            }

            Map<String, Object> serverTimes() {
                Map<String, Object> server = new LinkedHashMap<>();
                server.put("creation", creation);
                server.put("pod_start", podStart);
                server.put("container_started", containerStarted);
                server.put("container_finished", containerFinished);
                server.put("exit_code", exitCode);
                server.put("reason", terminationReason);
                return server;
            }
        }

        /** What follows from one event, in the order the workload acts on it. */
        sealed interface Event permits Observed, Running, Failed, Ended {}
        /** A new phase/reason. */
        record Observed(Transition transition) implements Event {}
        /** The container is first seen started (running, or already terminated): the trial runs from `at`; its cgroup exists while containerUp. */
        record Running(double at, boolean containerUp) implements Event {}
        /** Why the trial fails; overrides: it replaces an earlier reason (the container's own OOM kill is the truth). */
        record Failed(String why, boolean overrides) implements Event {}
        /** The pod is done: its container terminated, the pod Succeeded or Failed, it cannot run, or it is gone. */
        record Ended() implements Event {}

        record Step(State state, List<Event> events) {}

        static boolean isDeletion(JsonNode event) { return event.path("type").asText().equals("DELETED"); }

        /** One watch event ({type, object}: a DELETED one means gone) or one pod object as read, seen at `at`. */
        Step next(State s, JsonNode event, double at) {
            if (isDeletion(event)) return gone(s);
            JsonNode pod = event.has("object") ? event.get("object") : event;
            JsonNode status = pod.path("status"), cs = status.path("containerStatuses").path(0), state = cs.path("state");
            String phase = status.path("phase").asText("");
            String reason = state.has("waiting") ? state.path("waiting").path("reason").asText("")
                    : state.has("running") ? "Running" : state.has("terminated") ? state.path("terminated").path("reason").asText("") : "";
            List<Event> events = new ArrayList<>();
            List<Transition> observed = s.observed();
            if (!(phase + "/" + reason).equals(s.summary())) {
                Transition t = new Transition(at, phase, reason);
                observed = Stream.concat(observed.stream(), Stream.of(t)).toList();
                events.add(new Observed(t));
            }
            String containerId = cs.hasNonNull("containerID") ? cs.path("containerID").asText() : s.containerId();
            Double runningAt = s.runningAt();
            if ((state.has("running") || state.has("terminated")) && runningAt == null) {
                runningAt = at;
                events.add(new Running(at, state.has("running")));
            }
            String failure = s.failure();
            Integer exitCode = s.exitCode();
            boolean ended = s.ended();
            String why = state.has("waiting") ? waitingError(reason, state.path("waiting")) : null;
            if (state.has("terminated")) {
                JsonNode term = state.path("terminated");
                exitCode = term.path("exitCode").isInt() ? term.path("exitCode").asInt() : null;
                if (term.path("reason").asText().equals("OOMKilled")) {
                    failure = "OOMKilled (exit " + exitCode + "): the container reached its memory limit; raise --memory-limit";
                    events.add(new Failed(failure, true));
                }
            } else if (phase.equals("Failed") && why == null) {
                why = "pod failed: " + status.path("reason").asText("") + " " + status.path("message").asText("");
            }
            if (why != null && failure == null) {
                failure = why;
                events.add(new Failed(why, false));
            }
            if (!ended && (why != null || state.has("terminated") || phase.equals("Failed") || phase.equals("Succeeded"))) {
                ended = true;
                events.add(new Ended());
            }
            return new Step(new State(phase, reason, containerId, runningAt, exitCode, failure, ended, Facts.of(pod), observed), events);
        }

        /** The pod no longer exists: before it ended, that fails the trial. */
        Step gone(State s) {
            if (s.ended()) return new Step(s, List.of());
            String why = "the pod was deleted before it finished";
            return new Step(new State(s.phase(), s.reason(), s.containerId(), s.runningAt(), s.exitCode(), s.failure() == null ? why : s.failure(),
                    true, s.pod(), s.observed()), List.of(new Failed(why, false), new Ended()));
        }

        /** A waiting reason that means the pod will not run (null if it may still): an unusable image or container. */
        String waitingError(String reason, JsonNode waiting) {
            String msg = waiting.path("message").asText("");
            if (IMAGE_ERRORS.contains(reason))
                return "image " + image + " cannot be used (" + reason + (msg.isEmpty() ? "" : ": " + msg) + "): run `make image-build` "
                        + "on the node so K3s's containerd has it" + (imagePullPolicy == PullPolicy.Always ? ", and use --image-pull-policy IfNotPresent" : "");
            if (CONTAINER_ERRORS.contains(reason)) return "container error " + reason + (msg.isEmpty() ? "" : ": " + msg);
            return null;
        }
    }

    /**
     * `kubectl get pods -l mmb.dev/pod=NAME -w --output-watch-events -o json` on a thread of its own, each line
     * parsed and timestamped on arrival (the API's own times are whole seconds). When the server ends the watch, it
     * reads the pod once and watches again (at most 50 times, backing off up to 5 s); a cluster that still refuses
     * after the read's retries is lost.
     */
    static final class PodWatch {
        interface Listener {
            /** One watch event, or the pod as read after a watch ended. */
            void event(JsonNode event, double at);
            /** The read found no pod. */
            void gone();
            /** The watch cannot go on. */
            void lost(String why);
        }

        final Kubectl kubectl;
        final String name;
        final java.util.function.BooleanSupplier over, created;
        final Listener listener;
        volatile Kubectl.Stream stream;

        /** over: stop watching (the trial ended or was stopped); created: the pod exists (until then an ended watch is just reopened). */
        PodWatch(Kubectl kubectl, String name, java.util.function.BooleanSupplier over, java.util.function.BooleanSupplier created, Listener listener) {
            this.kubectl = kubectl; this.name = name; this.over = over; this.created = created; this.listener = listener;
        }

        void start() { PodWorkload.daemon("mmb-watch", this::run); }

        void kill() {
            Kubectl.Stream s = stream;
            if (s != null) s.kill();
        }

        void run() {
            int restarts = 0;
            while (!over.getAsBoolean()) {
                Kubectl.Stream s = kubectl.stream(List.of("get", "pods", "-l", PodManifest.LABEL_POD + "=" + name, "-w",
                        "--output-watch-events", "-o", "json"), line -> {
                    double at = Clock.now();
                    try {
                        listener.event(Json.MAPPER.readTree(line), at);
                    } catch (IOException e) { /* not JSON (a warning line): ignore */ }
                });
                stream = s;
                if (over.getAsBoolean()) s.kill();      // over (and kill()) came between the check above and this stream
                Kubectl.Result end = s.await();
                if (over.getAsBoolean()) return;
                if (!created.getAsBoolean()) { LockSupport.parkNanos(50_000_000L); continue; }
                // The watch ended (server closed it, or a transient failure): read the state once, then watch again.
                if (++restarts > 50) { listener.lost("lost the pod's watch: " + end.firstErrorLine()); return; }
                Kubectl.Result now = kubectl.read(List.of("get", "pod", name, "-o", "json"), kubectl.timeout);
                if (now.ok()) try { listener.event(Json.MAPPER.readTree(now.out()), Clock.now()); } catch (IOException ignored) { }
                else if (now.notFound()) { listener.gone(); return; }
                else if (now.transientFailure() && !now.err().contains("ServiceUnavailable")) {
                    // still refused after the read's own retries (~8 s): the cluster is lost, and this trial with it
                    listener.lost("lost the cluster while following pod " + name + ": " + now.firstErrorLine());
                    return;
                }
                LockSupport.parkNanos(Math.min(5_000_000_000L, 200_000_000L * restarts));
            }
        }
    }

    /**
     * `kubectl logs -f --timestamps` of the pod's container on a thread of its own, retried while the container is
     * "waiting to start" or the stream breaks; lines already seen before a reconnect are skipped by their runtime time.
     */
    static final class LogFollower {
        interface Listener {
            /** One line of the program's output: the container runtime's time of it (null if none) and our arrival time. */
            void line(String line, Double runtimeTs, double arrival);
        }

        final Kubectl kubectl;
        final String name;
        final CountDownLatch ended;                          // the container is done: a stream that ends cleanly has it all
        final java.util.function.BooleanSupplier stopped;
        final Listener listener;
        volatile Kubectl.Stream stream;
        volatile boolean started, done;

        LogFollower(Kubectl kubectl, String name, CountDownLatch ended, java.util.function.BooleanSupplier stopped, Listener listener) {
            this.kubectl = kubectl; this.name = name; this.ended = ended; this.stopped = stopped; this.listener = listener;
        }

        /** Starts following, once: the container runs or ran. */
        void start() {
            if (started) return;
            started = true;
            PodWorkload.daemon("mmb-logs", this::run);
        }

        /** No log will come (the pod was never created). */
        void notNeeded() { done = true; }

        /** Whether the log has been read to its end (or given up on). */
        boolean done() { return done; }

        void kill() {
            Kubectl.Stream s = stream;
            if (s != null) s.kill();
        }

        void run() {
            double lastRuntimeTs = -1;
            try {
                for (int attempt = 0; !stopped.getAsBoolean() && attempt < 200; attempt++) {
                    final double[] seen = {lastRuntimeTs};
                    Kubectl.Stream s = kubectl.stream(List.of("logs", name, "-c", PodManifest.CONTAINER, "-f", "--timestamps"), raw -> {
                        double arrival = Clock.now();
                        int sp = raw.indexOf(' ');
                        Double runtimeTs = sp > 0 ? Rfc3339.parse(raw.substring(0, sp)) : null;
                        String line = runtimeTs != null ? raw.substring(sp + 1) : raw;
                        if (runtimeTs != null && runtimeTs <= seen[0]) return;   // already seen before a reconnect
                        if (runtimeTs != null) seen[0] = runtimeTs;
                        listener.line(line, runtimeTs, arrival);
                    });
                    stream = s;
                    if (stopped.getAsBoolean()) s.kill();   // stopped (and kill()) came between the check above and this stream
                    Kubectl.Result r = s.await();
                    lastRuntimeTs = seen[0];
                    if (r.ok() && ended.getCount() == 0) return;                           // the whole log, container done
                    if (r.ok()) {                                                            // stream ended early: follow again
                        ended.await(1, TimeUnit.SECONDS);
                        continue;
                    }
                    if (r.notFound() || stopped.getAsBoolean()) return;
                    LockSupport.parkNanos(r.err().contains("is waiting to start") ? 100_000_000L : 500_000_000L);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done = true;
            }
        }
    }

    /**
     * The container's cgroup, plus its pod's for the moment after the container is gone: the pod's CPU counters are
     * hierarchical and keep the exited container's time, so (pod now − the pod/container offset seen at the first
     * reading) is the container's final CPU. Memory is not derivable that way and stays empty in that sample.
     */
    static final class PodScopedFiles implements CgroupFiles {
        final CgroupFiles container, pod;
        CgroupReading offset;

        PodScopedFiles(CgroupFiles container, CgroupFiles pod) { this.container = container; this.pod = pod; }

        public CgroupReading read() {
            CgroupReading c = container.read();
            if (c != null && offset == null) {
                CgroupReading p = pod.read();
                if (p != null) offset = new CgroupReading(minus(p.usageUsec(), c.usageUsec()), minus(p.userUsec(), c.userUsec()),
                        minus(p.systemUsec(), c.systemUsec()), minus(p.nrThrottled(), c.nrThrottled()), null, null, null);
            }
            return c;
        }

        public Long peak() { return container.peak(); }

        public boolean hasProcesses() { return container.hasProcesses(); }

        public void close() { container.close(); pod.close(); }

        public CgroupReading readAfterExit() {
            CgroupReading p = pod.read();
            if (p == null || offset == null) return null;
            return new CgroupReading(minus(p.usageUsec(), offset.usageUsec()), minus(p.userUsec(), offset.userUsec()),
                    minus(p.systemUsec(), offset.systemUsec()), minus(p.nrThrottled(), offset.nrThrottled()), null, null, null);
        }

        static Long minus(Long a, Long b) { return a == null || b == null ? null : a - b; }
    }

    /**
     * Finds the container's cgroup on this node: first the paths K3s would use (cgroupfs and systemd drivers, three
     * QoS classes, runwasi's mis-placement when the drivers disagree), then a bounded search for a directory whose
     * name holds the container id. Returns the path relative to the hierarchy roots.
     */
    static final class ContainerCgroupFinder {
        static final int MAX_DEPTH = 6, MAX_DIRS = 20_000;

        static Optional<String> find(CgroupLayout layout, String id, String podUid, String qos) {
            Path root = layout.version().equals("v2") ? layout.v2Mount()
                    : layout.v1Mounts().getOrDefault("cpuacct", layout.v1Mounts().values().iterator().next());
            for (String rel : candidates(id, podUid, qos)) if (Files.isDirectory(root.resolve(rel))) return Optional.of(rel);
            return search(root, id);
        }

        static List<String> candidates(String id, String uid, String qos) {
            String u = uid.replace('-', '_');
            String q = qos.toLowerCase(Locale.ROOT);
            boolean guaranteed = q.equals("guaranteed");
            List<String> c = new ArrayList<>();
            c.add(guaranteed ? "kubepods/pod" + uid + "/" + id : "kubepods/" + q + "/pod" + uid + "/" + id);
            c.add(guaranteed ? "kubepods.slice/kubepods-pod" + u + ".slice/cri-containerd-" + id + ".scope"
                    : "kubepods.slice/kubepods-" + q + ".slice/kubepods-" + q + "-pod" + u + ".slice/cri-containerd-" + id + ".scope");
            c.add((guaranteed ? "kubepods-pod" + u : "kubepods-" + q + "-pod" + u) + ".slice:cri-containerd:" + id);   // runwasi, drivers disagree
            return c;
        }

        static Optional<String> search(Path root, String id) {
            Deque<Path> queue = new ArrayDeque<>(List.of(root));
            Map<Path, Integer> depth = new HashMap<>(Map.of(root, 0));
            int seen = 0;
            while (!queue.isEmpty() && seen++ < MAX_DIRS) {
                Path d = queue.poll();
                if (d.getFileName() != null && d.getFileName().toString().contains(id)) return Optional.of(root.relativize(d).toString());
                if (depth.get(d) >= MAX_DEPTH) continue;
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> { depth.put(p, depth.get(d) + 1); queue.add(p); });
                } catch (IOException | UncheckedIOException ignored) { }
            }
            return Optional.empty();
        }
    }

    /** kubectl with the run's --kubeconfig/--context/--namespace, bounded by timeouts; reads retried, writes never. */
    static final class Kubectl {
        final String executable;
        final int timeout;
        final List<String> global = new ArrayList<>();

        Kubectl(K8sOptions opts) {
            String exe = LocalRuntimes.find(new LocalRuntimes.Runtime("kubectl", "MMB_KUBECTL", "", List.of(), List.of()));
            if (exe == null && System.getenv("MMB_KUBECTL") != null)
                throw new SetupException("MMB_KUBECTL=" + System.getenv("MMB_KUBECTL") + " is not an executable file");
            if (exe == null) throw new SetupException("kubectl not found on PATH: install it, or on a K3s node use the one K3s ships "
                    + "(`k3s kubectl`; /usr/local/bin/kubectl links to k3s), or set MMB_KUBECTL=/path/to/kubectl");
            this.executable = exe;
            this.timeout = opts.kubectlTimeout();
            if (opts.kubeconfig() != null) global.addAll(List.of("--kubeconfig", opts.kubeconfig()));
            if (opts.context() != null) global.addAll(List.of("--context", opts.context()));
            global.addAll(List.of("--namespace", opts.namespace()));
        }

        record Result(int exit, String out, String err) {
            boolean ok() { return exit == 0; }

            boolean notFound() { return err.contains("(NotFound)"); }

            /** Connection trouble worth a retry (reads only). */
            boolean transientFailure() {
                return exit != 0 && (err.contains("Unable to connect") || err.contains("connection refused") || err.contains("was refused")
                        || err.contains("i/o timeout") || err.contains("TLS handshake timeout") || err.contains("ServiceUnavailable")
                        || err.contains("etcdserver"));
            }

            String firstErrorLine() {
                return (err.isBlank() ? out : err).lines().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse("exit status " + exit);
            }
        }

        List<String> command(List<String> args) {
            List<String> c = new ArrayList<>();
            c.add(executable);
            c.addAll(args);
            c.addAll(global);
            return c;
        }

        /** One call, bounded; stdin optional. Never retried (creates and deletes go here). */
        Result call(List<String> args, String stdin, int timeoutSeconds) {
            try {
                ProcessExecutor pe = new ProcessExecutor().command(command(args)).readOutput(true)
                        .redirectError(new ByteArrayOutputStream()).timeout(timeoutSeconds, TimeUnit.SECONDS).destroyOnExit();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                pe.redirectError(err);
                pe.redirectInput(stdin == null ? InputStream.nullInputStream() : new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
                var r = pe.execute();
                return new Result(r.getExitValue(), r.outputUTF8(), err.toString(StandardCharsets.UTF_8));
            } catch (TimeoutException e) {
                // Not retried: a hung call would only hang again (a hung API server, a stuck kubectl).
                return new Result(124, "", "kubectl " + String.join(" ", args) + " did not answer within " + timeoutSeconds + " s");
            } catch (IOException e) {
                return new Result(127, "", "cannot run " + executable + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(130, "", "interrupted");
            }
        }

        /** A read: retried with backoff (0.5, 1, 2, 4 s) on connection trouble. */
        Result read(List<String> args, int timeoutSeconds) {
            Result r = call(args, null, timeoutSeconds);
            for (int attempt = 0; attempt < 4 && r.transientFailure(); attempt++) {
                LockSupport.parkNanos((long) (500_000_000L * Math.pow(2, attempt)));
                r = call(args, null, timeoutSeconds);
            }
            return r;
        }

        /** A long-running command whose stdout lines go to onLine (watch, logs -f). */
        Stream stream(List<String> args, Consumer<String> onLine) {
            return new Stream(command(args), onLine);
        }

        static final class Stream {
            final LineSplitter out;
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            StartedProcess started;
            String startError;

            Stream(List<String> cmd, Consumer<String> onLine) {
                out = new LineSplitter(onLine);
                try {
                    started = new ProcessExecutor().command(cmd).redirectOutput(out).redirectError(err)
                            .redirectInput(InputStream.nullInputStream()).destroyOnExit().start();
                } catch (IOException e) {
                    startError = e.getMessage();
                }
            }

            Result await() {
                if (started == null) return new Result(127, "", String.valueOf(startError));
                try {
                    int code = started.getFuture().get().getExitValue();
                    out.flushRest();
                    return new Result(code, "", err.toString(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    return new Result(1, "", "stream ended: " + e.getMessage());
                }
            }

            void kill() {
                if (started != null) started.getProcess().destroyForcibly();
            }
        }
    }

    /** RFC 3339 times as kubectl prints them (API seconds; log lines with nanoseconds) → Unix seconds. */
    static final class Rfc3339 {
        static Double parse(String s) {
            if (s == null || s.isEmpty() || !Character.isDigit(s.charAt(0))) return null;
            try {
                Instant i = java.time.OffsetDateTime.parse(s).toInstant();
                return i.getEpochSecond() + i.getNano() / 1e9;
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
    }

    // ======================================================================================== 5. cgroups
    /** The cgroup hierarchies of this machine, found from /proc/self/mountinfo (never hard-coded). */
    record CgroupLayout(String version, Map<String, Path> v1Mounts, Path v2Mount) {
        static final List<String> V1_CONTROLLERS = List.of("cpu", "cpuacct", "memory", "pids");

        static CgroupLayout detect(Path root) {
            return parse(Files2.readOrEmpty(Path.of("/proc/self/mountinfo")), root);
        }

        /** mountinfo fields: … mount-point … - fstype source super-options. Only mounts under root count. */
        static CgroupLayout parse(String mountinfo, Path root) {
            Map<String, Path> v1 = new LinkedHashMap<>();
            Path v2 = null;
            for (String line : mountinfo.split("\n")) {
                int dash = line.indexOf(" - ");
                if (dash < 0) continue;
                String[] left = line.substring(0, dash).split(" ");
                String[] right = line.substring(dash + 3).split(" ");
                if (left.length < 5 || right.length < 3) continue;
                Path mount = Path.of(unescape(left[4]));
                if (!mount.startsWith(root)) continue;
                if (right[0].equals("cgroup2")) v2 = mount;
                else if (right[0].equals("cgroup")) {
                    for (String opt : right[2].split(",")) if (V1_CONTROLLERS.contains(opt)) v1.putIfAbsent(opt, mount);
                }
            }
            // Hybrid hosts (v1 controllers + an empty v2 mount) are v1 for our purposes.
            if (!v1.isEmpty()) return new CgroupLayout("v1", v1, null);
            if (v2 != null) return new CgroupLayout("v2", Map.of(), v2);
            return new CgroupLayout("none", Map.of(), null);
        }

        static String unescape(String s) {
            return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
        }

        /** Where per-trial cgroups go: one parent per distinct hierarchy. */
        List<Path> trialParents(String parent) {
            if (version.equals("v2")) return List.of(v2Mount.resolve(parent));
            return v1Mounts.values().stream().distinct().map(m -> m.resolve(parent)).collect(Collectors.toList());
        }

        /** The readable files of a cgroup given its directory in each hierarchy. */
        CgroupFiles filesFor(List<Path> dirs) {
            if (version.equals("v2")) return new CgroupFiles.V2(dirs.get(0));
            Map<String, Path> byController = new HashMap<>();
            for (Map.Entry<String, Path> e : v1Mounts.entrySet())
                for (Path d : dirs) if (d.startsWith(e.getValue())) byController.put(e.getKey(), d);
            return new CgroupFiles.V1(byController.get("cpu"), byController.get("cpuacct"), byController.get("memory"));
        }

        /** For a cgroup path relative to the hierarchy roots (k8s), the directory in each hierarchy. */
        List<Path> dirsOf(String relative) {
            String rel = relative.startsWith("/") ? relative.substring(1) : relative;
            if (version.equals("v2")) return List.of(v2Mount.resolve(rel));
            return v1Mounts.values().stream().distinct().map(m -> m.resolve(rel)).collect(Collectors.toList());
        }
    }

    /** One sample of a cgroup, in the file's units: CPU in microseconds, memory in bytes. */
    record CgroupReading(Long usageUsec, Long userUsec, Long systemUsec, Long nrThrottled, Long memBytes, Long rssBytes, Long peakBytes) {}

    /** Reads a cgroup's files; all unit conversions happen here, once. Null when the cgroup is gone. */
    interface CgroupFiles {
        CgroupReading read();

        /** The cgroup's own memory high-water mark (v2 memory.peak, v1 memory.max_usage_in_bytes), if the kernel has it. */
        Long peak();

        /** A CPU reading for the moment the cgroup is already gone, if the backend has one (k8s: the pod cgroup). */
        default CgroupReading readAfterExit() { return null; }

        /** Whether the workload still has a process in the cgroup: memory read after it exited means nothing. */
        default boolean hasProcesses() { return true; }

        /** Closes the files kept open for sampling (the window is over). */
        default void close() {}

        /**
         * cgroup v2: cpu.stat usec; memory.current; memory.stat anon as RSS; memory.peak (Linux ≥ 5.19). The files
         * stay open for the trial and are re-read from offset 0 at every sample.
         */
        final class V2 implements CgroupFiles {
            static final byte[] USAGE = OpenFile.key("usage_usec"), USER = OpenFile.key("user_usec"),
                    SYSTEM = OpenFile.key("system_usec"), THROTTLED = OpenFile.key("nr_throttled"), ANON = OpenFile.key("anon");
            private final Path dir;
            private final OpenFile cpuStat, memoryCurrent, memoryStat, memoryPeak;

            V2(Path dir) {
                this.dir = dir;
                cpuStat = new OpenFile(dir.resolve("cpu.stat"));
                memoryCurrent = new OpenFile(dir.resolve("memory.current"));
                memoryStat = new OpenFile(dir.resolve("memory.stat"));
                memoryPeak = new OpenFile(dir.resolve("memory.peak"));
            }

            Path dir() { return dir; }

            public CgroupReading read() {
                if (!cpuStat.load()) return null;
                Long usage = cpuStat.keyed(USAGE), user = cpuStat.keyed(USER), system = cpuStat.keyed(SYSTEM),
                        throttled = cpuStat.keyed(THROTTLED);
                Long mem = memoryCurrent.load() ? memoryCurrent.single() : null;
                Long anon = memoryStat.load() ? memoryStat.keyed(ANON) : null;
                return new CgroupReading(usage, user, system, throttled, mem, anon, peak());
            }

            public Long peak() { return memoryPeak.load() ? memoryPeak.single() : null; }

            public boolean hasProcesses() { return CgroupFiles.hasProcesses(dir); }

            public void close() { OpenFile.closeAll(cpuStat, memoryCurrent, memoryStat, memoryPeak); }
        }

        /**
         * cgroup v1: cpuacct.usage ns → µs; cpuacct.usage_user/usage_sys ns → µs, or cpuacct.stat in USER_HZ
         * ticks (100 per second) when those are missing; cpu.stat nr_throttled; memory.usage_in_bytes;
         * memory.stat total_rss (hierarchical; rss otherwise); memory.max_usage_in_bytes. The files stay open for
         * the trial and are re-read from offset 0 at every sample.
         */
        final class V1 implements CgroupFiles {
            static final long USER_HZ = 100;
            static final byte[] USER = OpenFile.key("user"), SYSTEM = OpenFile.key("system"),
                    THROTTLED = OpenFile.key("nr_throttled"), TOTAL_RSS = OpenFile.key("total_rss"), RSS = OpenFile.key("rss");
            private final Path cpu, cpuacct, memory;
            private final OpenFile usage, usageUser, usageSys, cpuacctStat, cpuStat, memoryUsage, memoryStat, maxUsage;

            V1(Path cpu, Path cpuacct, Path memory) {
                this.cpu = cpu;
                this.cpuacct = cpuacct;
                this.memory = memory;
                usage = OpenFile.in(cpuacct, "cpuacct.usage");
                usageUser = OpenFile.in(cpuacct, "cpuacct.usage_user");
                usageSys = OpenFile.in(cpuacct, "cpuacct.usage_sys");
                cpuacctStat = OpenFile.in(cpuacct, "cpuacct.stat");
                cpuStat = OpenFile.in(cpu, "cpu.stat");
                memoryUsage = OpenFile.in(memory, "memory.usage_in_bytes");
                memoryStat = OpenFile.in(memory, "memory.stat");
                maxUsage = OpenFile.in(memory, "memory.max_usage_in_bytes");
            }

            Path cpu() { return cpu; }
            Path cpuacct() { return cpuacct; }
            Path memory() { return memory; }

            public CgroupReading read() {
                Long usageNs = usage.load() ? usage.single() : null;
                Long memBytes = memoryUsage.load() ? memoryUsage.single() : null;
                if (usageNs == null && memBytes == null) return null;
                Long userUs = null, sysUs = null;
                Long u = usageUser.load() ? usageUser.single() : null, s = usageSys.load() ? usageSys.single() : null;
                if (u != null && s != null) { userUs = u / 1000; sysUs = s / 1000; }
                else if (cpuacctStat.load()) {
                    Long ut = cpuacctStat.keyed(USER), st = cpuacctStat.keyed(SYSTEM);
                    if (ut != null) userUs = ut * 1_000_000 / USER_HZ;
                    if (st != null) sysUs = st * 1_000_000 / USER_HZ;
                }
                Long throttled = cpuStat.load() ? cpuStat.keyed(THROTTLED) : null;
                Long rss = null;
                if (memoryStat.load()) {
                    rss = memoryStat.keyed(TOTAL_RSS);
                    if (rss == null) rss = memoryStat.keyed(RSS);
                }
                return new CgroupReading(usageNs == null ? null : usageNs / 1000, userUs, sysUs, throttled, memBytes, rss, peak());
            }

            public Long peak() { return maxUsage.load() ? maxUsage.single() : null; }

            public boolean hasProcesses() { return CgroupFiles.hasProcesses(memory != null ? memory : cpuacct); }

            public void close() { OpenFile.closeAll(usage, usageUser, usageSys, cpuacctStat, cpuStat, memoryUsage, memoryStat, maxUsage); }
        }

        static boolean hasProcesses(Path dir) {
            if (dir == null) return true;
            try { return !Files.readString(dir.resolve("cgroup.procs")).isBlank(); } catch (IOException | UncheckedIOException e) { return false; }
        }

        /** A file holding one integer; null if missing, unreadable or not a number. */
        static Long single(Path p) {
            try {
                String s = Files.readString(p).trim();
                return s.isEmpty() || s.equals("max") ? null : Long.parseLong(s);
            } catch (IOException | NumberFormatException | UncheckedIOException e) {
                return null;
            }
        }

        /** A flat-keyed file ("key value" per line); empty map if missing or unreadable. */
        static Map<String, Long> keyed(Path p) {
            Map<String, Long> m = new HashMap<>();
            try (BufferedReader r = Files.newBufferedReader(p)) {
                for (String line; (line = r.readLine()) != null; ) {
                    int sp = line.indexOf(' ');
                    if (sp <= 0) continue;
                    try { m.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1).trim())); } catch (NumberFormatException ignored) { }
                }
            } catch (IOException | UncheckedIOException e) {
                return Map.of();
            }
            return m;
        }
    }

    /**
     * A cgroup file kept open and re-read from offset 0 at every sample: no path lookup, no open and close, no
     * strings or maps per sample (the sampler's own cost: docs/testing.md, "Harness overhead"). A file that is
     * missing, or that fails once (its cgroup was removed), stays unread.
     */
    static final class OpenFile {
        private final Path path;
        private FileChannel channel;
        private java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(4096);
        private boolean gone;

        OpenFile(Path path) { this.path = path; this.gone = path == null; }

        /** The file in a directory that may be absent (a v1 controller that is not mounted). */
        static OpenFile in(Path dir, String name) { return new OpenFile(dir == null ? null : dir.resolve(name)); }

        static byte[] key(String name) { return (name + " ").getBytes(StandardCharsets.US_ASCII); }

        /** Reads the whole file into the buffer; false when it is missing or unreadable. */
        boolean load() {
            if (gone) return false;
            try {
                if (channel == null) channel = FileChannel.open(path, StandardOpenOption.READ);
                buffer.clear();
                long position = 0;
                for (int n; (n = channel.read(buffer, position)) > 0; ) {
                    position += n;
                    if (!buffer.hasRemaining()) buffer = java.nio.ByteBuffer.allocate(buffer.capacity() * 2).put(buffer.flip());
                }
                buffer.flip();
                return true;
            } catch (IOException | UncheckedIOException e) {
                close();
                gone = true;
                return false;
            }
        }

        /** The file's one integer; null when it holds none ("max", empty). */
        Long single() { return number(0); }

        /** The integer after "key " at the start of a line of a flat-keyed file; null when there is none. */
        Long keyed(byte[] key) {
            int limit = buffer.limit();
            for (int line = 0; line < limit; ) {
                boolean match = line + key.length <= limit;
                for (int i = 0; match && i < key.length; i++) match = buffer.get(line + i) == key[i];
                if (match) return number(line + key.length);
                while (line < limit && buffer.get(line) != '\n') line++;
                line++;
            }
            return null;
        }

        /** The decimal integer at this offset, ending at a space or line end; null when it is not one. */
        private Long number(int at) {
            long v = 0;
            int i = at, limit = buffer.limit();
            for (; i < limit && buffer.get(i) >= '0' && buffer.get(i) <= '9' && i - at < 18; i++) v = v * 10 + (buffer.get(i) - '0');
            boolean ends = i == limit || buffer.get(i) == '\n' || buffer.get(i) == ' ';
            return i > at && ends ? v : null;
        }

        void close() {
            try { if (channel != null) channel.close(); } catch (IOException ignored) { }
            channel = null;
        }

        static void closeAll(OpenFile... files) { for (OpenFile f : files) f.close(); }
    }

    /** Procfs fallback: the workload's process tree (utime/stime in USER_HZ ticks, RSS pages, VmHWM). */
    static final class ProcfsFiles implements CgroupFiles {
        static final long PAGE = 4096, USER_HZ = 100;
        final ProcessHandle root;
        long hwm;

        ProcfsFiles(ProcessHandle root) { this.root = root; }

        public CgroupReading read() {
            long ticksUser = 0, ticksSys = 0, rssPages = 0;
            boolean any = false;
            for (ProcessHandle p : Stream.concat(Stream.of(root), root.descendants()).collect(Collectors.toList())) {
                String stat = Files2.readOrEmpty(Path.of("/proc", String.valueOf(p.pid()), "stat"));
                int close = stat.lastIndexOf(')');
                if (close < 0) continue;
                String[] f = stat.substring(close + 2).split(" ");
                if (f.length < 22) continue;
                ticksUser += Long.parseLong(f[11]);
                ticksSys += Long.parseLong(f[12]);
                rssPages += Long.parseLong(f[21]);
                hwm = Math.max(hwm, vmHwm(p.pid()));
                any = true;
            }
            if (!any) return null;
            long user = ticksUser * 1_000_000 / USER_HZ, sys = ticksSys * 1_000_000 / USER_HZ, rss = rssPages * PAGE;
            hwm = Math.max(hwm, rss);
            return new CgroupReading(user + sys, user, sys, null, rss, rss, hwm);
        }

        public Long peak() { return hwm == 0 ? null : hwm; }

        public boolean hasProcesses() { return root.isAlive(); }

        static long vmHwm(long pid) {
            for (String line : Files2.readOrEmpty(Path.of("/proc", String.valueOf(pid), "status")).split("\n"))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            return 0;
        }
    }

    // ======================================================================================== 6. Sampler
    /**
     * Samples the workload's cgroup from BENCH_START to BENCH_END: one sample at each end of the window,
     * and one every interval in between, on absolute deadlines (no drift).
     */
    static final class Sampler {
        final long intervalNanos;
        final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        volatile Workload workload;
        volatile CgroupFiles files;
        volatile Thread thread;
        volatile boolean closed;
        Long peak;                 // the cgroup's own high-water mark, as last read
        boolean endMissed;         // no reading at BENCH_END (the cgroup was already gone)
        volatile SetupException fatal;
        Map<Long, Long> harnessCpuAtOpen = Map.of();
        volatile boolean opened;
        long nanoAtOpen;
        Double harnessCpuCores;

        Sampler(double intervalSeconds) { this.intervalNanos = (long) (intervalSeconds * 1e9); }

        /**
         * The workload to sample. The sampling thread starts now and waits for the window: starting a thread costs
         * more CPU than a sample, and before BENCH_START it is not counted against the harness.
         */
        void attach(Workload w) {
            this.workload = w;
            Thread t = new Thread(this::waitThenLoop, "mmb-sampler");
            t.setDaemon(true);
            thread = t;
            t.start();
        }

        /** BENCH_START: first sample now, then the periodic ones. */
        synchronized void openWindow() {
            if (opened || closed || workload == null) return;
            try {
                files = workload.cgroup();
            } catch (SetupException e) {   // e.g. the pod ran on another node: no trial of this run can be measured
                fatal = e;
                workload.stop();
                return;
            }
            if (files == null && workload.process() != null) files = new ProcfsFiles(workload.process());
            if (files == null) return;
            takeSample();
            harnessCpuAtOpen = HarnessCpu.snapshot(false);   // from the first sample on, like the window's wall time
            nanoAtOpen = System.nanoTime();
            opened = true;
            LockSupport.unpark(thread);
        }

        /** The sampling thread: parked until the window opens (or the trial ends without one), then the loop. */
        void waitThenLoop() {
            while (!opened) {
                if (closed) return;
                LockSupport.park(this);
            }
            long start;
            synchronized (this) { start = nanoAtOpen; }
            loop(start);
        }

        void loop(long start) {
            for (long k = 1; ; k++) {
                long deadline = start + k * intervalNanos;
                long wait;
                while ((wait = deadline - System.nanoTime()) > 0) {
                    if (closed) return;
                    LockSupport.parkNanos(this, wait);
                }
                synchronized (this) {
                    if (closed) return;
                    if (!takeSample()) return;   // the cgroup is gone: the workload ended
                }
            }
        }

        /**
         * BENCH_END: the last sample now. A container's cgroup can vanish between BENCH_END and our reading of it (the
         * program exits right after its last lines); then the backend's after-exit reading (k8s: the pod cgroup's
         * counters, offset to the container's) closes the window.
         */
        synchronized void closeWindow() {
            if (closed) return;
            if (files != null) {
                if (!takeSample(true)) {
                    CgroupReading r = files.readAfterExit();
                    if (r != null) add(Clock.now(), r);
                    else endMissed = true;
                }
                long wall = System.nanoTime() - nanoAtOpen;
                long harnessCpu = HarnessCpu.since(harnessCpuAtOpen);
                if (harnessCpu >= 0 && wall > 0) harnessCpuCores = harnessCpu / (double) wall;
                files.close();
            }
            closed = true;
            Thread t = thread;
            if (t != null) LockSupport.unpark(t);
        }

        boolean takeSample() { return takeSample(false); }

        /**
         * One reading. At BENCH_END the program may exit while we read (its validity check takes well under a
         * millisecond at small N): CPU counters are cumulative and stay right, but memory read after the exit
         * says nothing about the window, so that sample keeps no memory fields.
         */
        boolean takeSample(boolean windowEnd) {
            double ts = Clock.now();
            CgroupReading r;
            try { r = files.read(); } catch (RuntimeException e) { r = null; }
            if (r == null) return false;
            if (windowEnd && !files.hasProcesses())
                r = new CgroupReading(r.usageUsec(), r.userUsec(), r.systemUsec(), r.nrThrottled(), null, null, r.peakBytes());
            add(ts, r);
            return true;
        }

        void add(double ts, CgroupReading r) {
            if (r.peakBytes() != null) peak = peak == null ? r.peakBytes() : Math.max(peak, r.peakBytes());
            samples.add(new Sample(ts, r.usageUsec(), r.userUsec(), r.systemUsec(), r.nrThrottled(), r.memBytes(), r.rssBytes()));
        }

        void stop() {
            synchronized (this) {
                closed = true;
                if (files != null) files.close();
            }
            Thread t = thread;
            if (t != null) { LockSupport.unpark(t); try { t.join(1000); } catch (InterruptedException ignored) { Thread.currentThread().interrupt(); } }
        }

        List<Sample> samples() { synchronized (samples) { return new ArrayList<>(samples); } }
    }

    /**
     * Runs the sampling and output-parsing code before trial 1, on files that are not the trial's and a made-up
     * transcript, so that no trial's window pays for their first use: class loading, interpreting and JIT-compiling
     * that code cost several times what the samples themselves do (docs/testing.md, "Harness overhead"). Nothing it
     * reads is kept.
     */
    static final class SamplerWarmup {
        static final int READS = 100, SNAPSHOTS = 5, PROGRESS_LINES = 300;

        static void run(CgroupFiles files) {
            Sampler sampler = new Sampler(1.0);
            sampler.files = files;
            for (int i = 0; i < READS; i++) sampler.takeSample(i % 10 == 0);
            files.close();
            for (int i = 0; i < SNAPSHOTS; i++) HarnessCpu.since(HarnessCpu.snapshot(false));
            ProtocolParser parser = new ProtocolParser();
            LineSplitter out = new LineSplitter(line -> parser.accept(line, Clock.now()));
            StringBuilder transcript = new StringBuilder("MMB_READY size=16 duration=1 warmup=0 flags=\"-O2\"\nBENCH_START\n");
            for (int i = 1; i <= PROGRESS_LINES; i++) transcript.append("BENCH_PROGRESS t=").append(i * 0.01).append(" iterations=").append(i).append('\n');
            transcript.append("BENCH_END\niterations=100\nthroughput_mflops=1.0\nelapsed_s=1.01\nvalid=true\n");
            byte[] bytes = transcript.toString().getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
        }
    }

    /** This JVM's own CPU time (ns), to report what the harness itself costs during the measured window. */
    static final class HarnessCpu {
        static final boolean SCHEDSTAT = !Files2.readOrEmpty(Path.of("/proc/self/schedstat")).isBlank();

        /**
         * The CPU time of each of this JVM's threads (ns): /proc/self/task/TID/schedstat's first field, the
         * scheduler's own nanosecond clock, read at the two ends of the window only. The calling thread's own
         * counter is read last when the window opens and first when it closes (selfFirst), so that reading the
         * counters, which only the measurement does, is not counted as the harness's work. Without schedstat, the
         * JVM's process CPU time (10 ms ticks, too coarse for 1 % of a core over a few seconds) under the key -1.
         */
        static Map<Long, Long> snapshot(boolean selfFirst) {
            Map<Long, Long> m = new HashMap<>();
            if (!SCHEDSTAT) {
                var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                if (os instanceof com.sun.management.OperatingSystemMXBean sun) m.put(-1L, sun.getProcessCpuTime());
                return m;
            }
            String self = selfTask();
            byte[] buffer = new byte[64];
            if (selfFirst) read(self, buffer, m);
            String[] tasks = new File("/proc/self/task").list();
            if (tasks == null) return new HashMap<>();
            for (String task : tasks) if (!task.equals(self)) read(task, buffer, m);
            if (!selfFirst) read(self, buffer, m);
            return m;
        }

        /** The calling thread's id, from /proc/thread-self (Linux ≥ 3.17); null if unknown. */
        static String selfTask() {
            try {
                return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** One thread's first schedstat field, through java.io into a reused buffer: it runs for every thread at each end of a window. */
        static void read(String task, byte[] buffer, Map<Long, Long> into) {
            if (task == null) return;
            int n;
            try (FileInputStream in = new FileInputStream("/proc/self/task/" + task + "/schedstat")) {
                n = in.read(buffer);
            } catch (IOException e) {   // the thread just ended
                return;
            }
            long ns = 0;
            int i = 0;
            for (; i < n && buffer[i] >= '0' && buffer[i] <= '9'; i++) ns = ns * 10 + (buffer[i] - '0');
            if (i > 0 && i < n && buffer[i] == ' ') into.put(Long.parseLong(task), ns);
        }

        /**
         * CPU time used since the snapshot (ns), over the threads alive now: one that started since counts in full,
         * one that ended since is missing (a JIT compiler thread the JVM retires, rarely); -1 if unknown.
         */
        static long since(Map<Long, Long> open) {
            Map<Long, Long> now = snapshot(true);
            if (open.isEmpty() || now.isEmpty()) return -1;
            long sum = 0;
            for (var e : now.entrySet()) sum += e.getValue() - open.getOrDefault(e.getKey(), 0L);
            return sum;
        }
    }

    @JsonPropertyOrder({"timestamp", "usage_usec", "user_usec", "system_usec", "nr_throttled", "mem_bytes", "rss_bytes"})
    record Sample(double timestamp, Long usage_usec, Long user_usec, Long system_usec, Long nr_throttled, Long mem_bytes, Long rss_bytes) {}

    // ======================================================================================== 7. Protocol
    /** Parses mmb's stdout protocol (see docs/program.md); tolerant of garbage, strict on values. */
    static final class ProtocolParser {
        enum Event { NONE, READY, BENCH_START, PROGRESS, BENCH_END, RESULT }

        /** A BENCH_PROGRESS line: program seconds since the timed loop began, iterations so far. */
        record Progress(double t, long iterations) {}

        static final Pattern TOKEN = Pattern.compile("([a-z_]+)=(\"[^\"]*\"|\\S*)");
        static final Pattern PROGRESS = Pattern.compile("BENCH_PROGRESS t=(\\S+) iterations=(\\S+)");
        Double appStart, benchStart, benchEnd;
        final List<Progress> progress = new ArrayList<>();
        Map<String, String> ready;
        Long iterations;
        Double throughput, elapsed;
        Boolean valid;
        final List<String> problems = new ArrayList<>();
        int otherLines;

        Event accept(String line, double at) {
            String s = line.strip();
            if (s.startsWith("MMB_READY")) {
                if (appStart == null) {
                    appStart = at;
                    ready = new LinkedHashMap<>();
                    Matcher m = TOKEN.matcher(s.substring("MMB_READY".length()));
                    while (m.find()) ready.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
                }
                return Event.READY;
            }
            switch (s) {
                case "BENCH_START": if (benchStart == null) benchStart = at; return Event.BENCH_START;
                case "BENCH_END": if (benchEnd == null) benchEnd = at; return Event.BENCH_END;
                default:
            }
            if (s.startsWith("BENCH_PROGRESS")) {
                acceptProgress(s);
                return Event.PROGRESS;
            }
            int eq = s.indexOf('=');
            String key = eq > 0 ? s.substring(0, eq) : "", value = eq > 0 ? s.substring(eq + 1).trim() : "";
            try {
                switch (key) {
                    case "iterations" -> {
                        iterations = nonNegative(Long.parseLong(value));
                        if (!progress.isEmpty() && progress.get(progress.size() - 1).iterations() > iterations)
                            problems.add("BENCH_PROGRESS counted more iterations than '" + abbreviate(s) + "'");
                    }
                    case "throughput_mflops" -> throughput = nonNegative(Double.parseDouble(value));
                    case "elapsed_s" -> {
                        elapsed = nonNegative(Double.parseDouble(value));
                        if (!progress.isEmpty() && progress.get(progress.size() - 1).t() >= elapsed)
                            problems.add("BENCH_PROGRESS later than '" + abbreviate(s) + "'");
                    }
                    case "valid" -> {
                        if (!value.equals("true") && !value.equals("false")) throw new NumberFormatException();
                        valid = value.equals("true");
                    }
                    default -> { otherLines++; return Event.NONE; }
                }
            } catch (NumberFormatException e) {
                problems.add("malformed line '" + abbreviate(s) + "'");
                return Event.NONE;
            }
            return Event.RESULT;
        }

        /** Strict like the result lines: a progress line out of place or going backwards means a broken stream. */
        void acceptProgress(String s) {
            Matcher m = PROGRESS.matcher(s);
            Progress p;
            try {
                if (!m.matches()) throw new NumberFormatException();
                p = new Progress(nonNegative(Double.parseDouble(m.group(1))), nonNegative(Long.parseLong(m.group(2))));
            } catch (NumberFormatException e) {
                problems.add("malformed line '" + abbreviate(s) + "'");
                return;
            }
            Progress last = progress.isEmpty() ? new Progress(0, 0) : progress.get(progress.size() - 1);   // the loop's start
            if (benchStart == null || benchEnd != null) problems.add("BENCH_PROGRESS outside the timed loop: '" + abbreviate(s) + "'");
            else if (p.t() <= last.t() || p.iterations() < last.iterations())
                problems.add("BENCH_PROGRESS out of order (time must grow, iterations must not shrink): '" + abbreviate(s) + "'");
            else progress.add(p);
        }

        static <T extends Number> T nonNegative(T v) {
            if (!Double.isFinite(v.doubleValue()) || v.doubleValue() < 0) throw new NumberFormatException();
            return v;
        }

        boolean complete() { return benchEnd != null && iterations != null && throughput != null && elapsed != null && valid != null; }

        String missing() {
            List<String> m = new ArrayList<>();
            if (iterations == null) m.add("iterations");
            if (throughput == null) m.add("throughput_mflops");
            if (elapsed == null) m.add("elapsed_s");
            if (valid == null) m.add("valid");
            return String.join(", ", m);
        }

        static String abbreviate(String s) { return s.length() <= 80 ? s : s.substring(0, 77) + "..."; }
    }

    /** Splits a byte stream into lines; a line over MAX is cut (the rest dropped) so garbage cannot exhaust memory. */
    static final class LineSplitter extends OutputStream {
        static final int MAX = 64 * 1024;
        final Consumer<String> onLine;
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        final ArrayDeque<String> tail = new ArrayDeque<>();
        boolean overflow;
        int lines;

        LineSplitter(Consumer<String> onLine) { this.onLine = onLine; }

        @Override public synchronized void write(int b) {
            if (b == '\n') { emit(); return; }
            if (buf.size() < MAX) buf.write(b); else overflow = true;
        }

        @Override public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) write(b[i]);
        }

        void emit() {
            String line = buf.toString(StandardCharsets.UTF_8);
            if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
            if (overflow) line = line + "…[cut]";
            buf.reset();
            overflow = false;
            lines++;
            if (onLine != null) onLine.accept(line);
            tail.addLast(ProtocolParser.abbreviate(line));
            if (tail.size() > 5) tail.removeFirst();
        }

        synchronized void flushRest() { if (buf.size() > 0) emit(); }

        synchronized String tail() { return String.join(" | ", tail); }
    }

    // ======================================================================================== 8. Results
    /** One trial as stored; field names are the file format (docs/single_env_bench.md "The result file"). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"trial", "status", "error", "exit_code", "start", "running_time", "app_start", "bench_start", "end",
            "iterations", "throughput_mflops", "elapsed_s", "valid", "steady_mflops", "within_cv_percent", "warmup_slow_start",
            "cold_start_time", "time_to_main", "avg_cpu_cores", "peak_mem_bytes", "avg_mem_bytes", "throttled_events",
            "harness_cpu_cores", "program", "slices", "samples"})
    static final class TrialRecord {
        public int trial;
        public String status = "failed", error;
        public Integer exit_code;
        public Double start, running_time, app_start, bench_start, end;
        public Long iterations;
        public Double throughput_mflops, elapsed_s;
        public Boolean valid;
        public Double steady_mflops, within_cv_percent;
        public Boolean warmup_slow_start;
        public List<Slice> slices;
        public Double cold_start_time, time_to_main, avg_cpu_cores;
        public Long peak_mem_bytes, avg_mem_bytes, throttled_events;
        public Double harness_cpu_cores;
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public Boolean window_end_sampled;
        public Map<String, String> program;
        public List<Sample> samples = List.of();
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public Map<String, Object> k8s;
        @com.fasterxml.jackson.annotation.JsonIgnore
        Map<String, Object> details;

        TrialRecord(int trial) { this.trial = trial; }

        String oneLine() {
            if (!"ok".equals(status)) return status + ": " + error;
            return String.format(Locale.ROOT, "%.1f MFLOPS, %d iterations, cold start %s s, time to main %s s, %s cores, peak %s MiB",
                    throughput_mflops, iterations, Num.fmt(cold_start_time, 3), Num.fmt(time_to_main, 3), Num.fmt(avg_cpu_cores, 2),
                    peak_mem_bytes == null ? "-" : String.format(Locale.ROOT, "%.1f", peak_mem_bytes / 1048576.0));
        }
    }

    /** Metrics derived from the lifecycle times and the samples of the window. */
    static final class Metrics {
        static void derive(TrialRecord r, Sampler sampler) {
            if (r.running_time != null && r.start != null) r.cold_start_time = Num.round(r.running_time - r.start, 6);
            if (r.app_start != null && r.start != null) r.time_to_main = Num.round(r.app_start - r.start, 6);
            if (r.details != null) r.k8s = r.details;
            List<Sample> s = r.samples;
            if (s.size() >= 2) {
                Sample a = s.get(0), b = s.get(s.size() - 1);
                double wall = b.timestamp() - a.timestamp();
                if (a.usage_usec() != null && b.usage_usec() != null && wall > 0)
                    r.avg_cpu_cores = Num.round((b.usage_usec() - a.usage_usec()) / 1e6 / wall, 4);
                // the last sample that read the counter: the one after a container's exit may come from its pod, whose
                // nr_throttled is the pod's own (not hierarchical) and is left empty
                Sample lastThrottled = s.stream().filter(x -> x.nr_throttled() != null).reduce((x, y) -> y).orElse(null);
                if (a.nr_throttled() != null && lastThrottled != null) r.throttled_events = lastThrottled.nr_throttled() - a.nr_throttled();
                double area = 0, span = 0;
                for (int i = 1; i < s.size(); i++) {
                    Sample p = s.get(i - 1), q = s.get(i);
                    if (p.mem_bytes() == null || q.mem_bytes() == null) continue;
                    double dt = q.timestamp() - p.timestamp();
                    area += dt * (p.mem_bytes() + q.mem_bytes()) / 2.0;   // trapezoid: time-weighted
                    span += dt;
                }
                if (span > 0) r.avg_mem_bytes = Math.round(area / span);
            } else if (s.size() == 1 && s.get(0).mem_bytes() != null) {
                r.avg_mem_bytes = s.get(0).mem_bytes();
            }
            Long peak = sampler.peak;
            for (Sample x : s) if (x.mem_bytes() != null) peak = peak == null ? x.mem_bytes() : Math.max(peak, x.mem_bytes());
            r.peak_mem_bytes = peak;
            if (sampler.endMissed) r.window_end_sampled = false;
            if (sampler.harnessCpuCores != null) r.harness_cpu_cores = Num.round(sampler.harnessCpuCores, 5);
        }
    }

    /** One slice of the timed loop: from the previous BENCH_PROGRESS line (or the loop's start) to t. */
    @JsonPropertyOrder({"t", "iterations", "mflops"})
    record Slice(double t, long iterations, double mflops) {}

    /**
     * Throughput over time inside a trial, in the program's own time (log latency cannot bend it): the slices
     * between BENCH_PROGRESS lines, the last ending at elapsed_s, and what they say (docs/single_env_bench.md).
     */
    static final class Slices {
        /** The first slice counts as slow when below the steady state by more than this, or than 3 CVs if larger. */
        static final double SLOW_START_MARGIN = 0.10;

        static void derive(TrialRecord r, List<ProtocolParser.Progress> progress, int size) {
            if (r.iterations == null || r.elapsed_s == null) return;
            double flopsPerIteration = 2.0 * size * size * size;
            List<Slice> slices = new ArrayList<>();
            double t = 0;
            long it = 0;
            List<ProtocolParser.Progress> ends = new ArrayList<>(progress);
            ends.add(new ProtocolParser.Progress(r.elapsed_s, r.iterations));
            for (ProtocolParser.Progress p : ends) {
                long n = p.iterations() - it;
                if (p.t() <= t || n < 0) return;   // only a broken stream (the parser flags the usual ways): no slices
                slices.add(new Slice(p.t(), n, Num.round(flopsPerIteration * n / (p.t() - t) / 1e6, 3)));
                t = p.t();
                it = p.iterations();
            }
            r.slices = slices;
            double[] rest = slices.stream().skip(1).mapToDouble(Slice::mflops).toArray();
            if (rest.length == 0) return;
            double steady = median(rest);
            r.steady_mflops = Num.round(steady, 3);
            Double cv = cvPercent(rest);
            if (cv != null) r.within_cv_percent = Num.round(cv, 3);
            double margin = Math.max(SLOW_START_MARGIN, cv == null ? 0 : 3 * cv / 100);
            r.warmup_slow_start = slices.get(0).mflops() < steady * (1 - margin);
        }

        static double median(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        /** Sample SD / mean × 100; null with fewer than two values. */
        static Double cvPercent(double[] v) {
            if (v.length < 2) return null;
            double mean = Arrays.stream(v).average().orElse(0), ss = 0;
            for (double x : v) ss += (x - mean) * (x - mean);
            return mean > 0 ? Math.sqrt(ss / (v.length - 1)) / mean * 100 : null;
        }
    }

    /** The result file: loaded for --resume, rewritten atomically (temp + fsync + rename) after every trial. */
    static final class ResultStore {
        static final int SCHEMA_VERSION = 1;
        final Path file;
        final ObjectNode root;

        ResultStore(Path file, ObjectNode root) { this.file = file; this.root = root; }

        /**
         * The file this run adds to, read once and checked (null: there is none, or --overwrite replaces it). A file
         * that exists without --resume, is not a result file or was measured with other settings is a SetupException.
         */
        static ObjectNode existing(Options opts) {
            ResultFileOptions out = opts.resultFile();
            Path file = fileOf(opts);
            if (!Files.exists(file) || out.overwrite()) return null;
            if (!out.resume() && !out.dryRun())
                throw new SetupException(file + " already exists: pass --resume to run only its missing trials, "
                        + "--overwrite to replace it, or another --results-subfolder-name");
            ObjectNode old = load(file);
            checkCompatible(file, old, opts);
            return old;
        }

        /** existing: what {@link #existing} returned for this run. */
        static ResultStore open(Options opts, Backend backend, ObjectNode existing) {
            TrialOptions trial = opts.trial();
            Path file = fileOf(opts);
            ObjectNode env = Json.MAPPER.valueToTree(environment(trial, backend));
            if (existing != null) {
                existing.set("flags", Json.MAPPER.valueToTree(opts.flagsAsUsed()));
                existing.set("harness", Json.MAPPER.valueToTree(backend.harness()));   // this run's: it runs the missing trials
                return new ResultStore(file, existing);
            }
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.put("schema_version", SCHEMA_VERSION);
            root.putObject("tool").put("name", "single_env_bench").put("version", VERSION);
            root.set("environment", env);
            root.set("flags", Json.MAPPER.valueToTree(opts.flagsAsUsed()));
            root.set("host", Json.MAPPER.valueToTree(HostFingerprint.collect(trial.cgroupRoot())));
            root.set("harness", Json.MAPPER.valueToTree(backend.harness()));
            double now = Clock.now();
            root.put("created", now);
            root.put("updated", now);
            root.putObject("results");
            return new ResultStore(file, root);
        }

        static Map<String, Object> environment(TrialOptions trial, Backend backend) {
            Map<String, Object> env = new LinkedHashMap<>();
            env.put("image", trial.image());
            env.put("runtime_class", trial.runtimeClass());
            env.put("backend", trial.backend().name());
            env.putAll(backend.describe());
            return env;
        }

        static Path fileOf(Options opts) {
            ResultFileOptions out = opts.resultFile();
            return out.resultsDir().resolve(out.resultsSubfolder())
                    .resolve(Names.imageName(opts.trial().image()) + "_" + opts.trial().runtimeClass() + ".json");
        }

        /**
         * The spawn cost in the file this run resumes, when the run that wrote it measured one: it is kept, so that a
         * suite measures it once per file rather than once per round (0.6 s of spawns and pauses each). Null when
         * this run measures (no file to resume, or no measurement in it).
         */
        static HarnessSpawn recordedSpawn(Options opts, ObjectNode existing) {
            if (existing == null || !opts.resultFile().resume()) return null;
            JsonNode h = existing.path("harness");
            try {
                return h.path("spawn_s").isNumber() ? Json.MAPPER.treeToValue(h, HarnessSpawn.class) : null;
            } catch (IOException | RuntimeException e) {
                return null;   // a harness object of another shape: measure again
            }
        }

        static ObjectNode load(Path file) {
            try {
                JsonNode n = Json.MAPPER.readTree(file.toFile());
                if (n instanceof ObjectNode obj && obj.path("results").isObject()) return obj;
                throw new SetupException(file + " is not an mmb result file (no \"results\" object): move it away or pass --overwrite");
            } catch (IOException e) {
                throw new SetupException(file + " cannot be read as JSON (" + e.getMessage().lines().findFirst().orElse("")
                        + "): move it away or pass --overwrite");
            }
        }

        /** Resuming with other measurement settings would mix incomparable trials. */
        static void checkCompatible(Path file, ObjectNode old, Options opts) {
            JsonNode f = old.path("flags");
            Map<String, Object> now = opts.flagsAsUsed();
            List<String> diffs = new ArrayList<>();
            for (String k : List.of("image", "runtime_class", "backend", "duration", "warmup_seconds", "interval", "cpu_limit", "memory_limit")) {
                JsonNode was = f.path(k);
                JsonNode is = Json.MAPPER.valueToTree(now.get(k));
                if (k.equals("warmup_seconds") && !opts.trial().warmup()) continue;
                if (!was.isMissingNode() && !Json.sameValue(was, is)) diffs.add(k + " was " + was + ", now " + is);
            }
            if (!diffs.isEmpty())
                throw new SetupException("cannot --resume " + file + " with other settings (" + String.join("; ", diffs)
                        + "): use the same flags, --overwrite, or another --results-subfolder-name");
        }

        Path file() { return file; }

        JsonNode environment() { return root.path("environment"); }

        boolean hasCompleted(TrialKey k) {
            for (JsonNode t : root.path("results").path(k.entry()))
                if (t.path("trial").asInt() == k.trial() && !t.path("status").asText().equals("interrupted")) return true;
            return false;
        }

        /** Adds (or replaces) the trial and rewrites the file; a failed write leaves the previous file intact. */
        void save(TrialKey k, TrialRecord rec) {
            ObjectNode results = (ObjectNode) root.get("results");
            ArrayNode list = results.has(k.entry()) ? (ArrayNode) results.get(k.entry()) : results.putArray(k.entry());
            for (int i = list.size() - 1; i >= 0; i--) if (list.get(i).path("trial").asInt() == k.trial()) list.remove(i);
            int at = 0;
            while (at < list.size() && list.get(at).path("trial").asInt() < k.trial()) at++;
            list.insert(at, Json.MAPPER.valueToTree(rec));
            root.put("updated", Clock.now());
            write();
        }

        void write() {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            try {
                Files2.createDirectoriesOwned(dir);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    ch.write(java.nio.ByteBuffer.wrap(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
                    ch.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Files2.chownToSudoUser(file);
            } catch (IOException e) {
                try { Files.deleteIfExists(tmp); } catch (IOException ignored) { }
                throw new SetupException("cannot write " + file + ": " + e.getMessage() + " (the previous version, if any, is intact)");
            }
        }
    }

    /** What the numbers were measured on. */
    static final class HostFingerprint {
        static Map<String, Object> collect(Path cgroupRoot) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("hostname", Proc.hostname());
            String cpu = Files2.readOrEmpty(Path.of("/proc/cpuinfo")).lines().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(System.getProperty("os.arch"));
            m.put("cpu_model", cpu);
            m.put("cores", Runtime.getRuntime().availableProcessors());
            m.put("kernel", System.getProperty("os.version"));
            m.put("os", Files2.readOrEmpty(Path.of("/etc/os-release")).lines().filter(l -> l.startsWith("PRETTY_NAME="))
                    .map(l -> l.substring(12).replace("\"", "")).findFirst().orElse(System.getProperty("os.name")));
            m.put("cgroup_version", CgroupLayout.detect(cgroupRoot).version());
            m.put("java", System.getProperty("java.version"));
            return m;
        }
    }

    // ======================================================================================== Small utilities
    static final class Clock {
        /** Unix time in seconds with microsecond resolution. */
        static double now() {
            Instant i = Instant.now();
            return i.getEpochSecond() + i.getNano() / 1e9;
        }
    }

    static final class Num {
        static String plain(double d) { return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString(); }

        static double round(double d, int places) { double f = Math.pow(10, places); return Math.round(d * f) / f; }

        static String fmt(Double d, int places) { return d == null ? "-" : String.format(Locale.ROOT, "%." + places + "f", d); }
    }

    static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

        static String pretty(Object o) {
            try { return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o); } catch (IOException e) { return String.valueOf(o); }
        }

        static boolean sameValue(JsonNode a, JsonNode b) {
            if (a.isNumber() && b.isNumber()) return a.asDouble() == b.asDouble();
            return a.equals(b);
        }
    }

    static final class Files2 {
        static String readOrEmpty(Path p) {
            try { return Files.readString(p); } catch (IOException | UncheckedIOException e) { return ""; }
        }

        static String sha256(Path p) {
            try (InputStream in = Files.newInputStream(p)) {
                java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[65536];
                for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
                return HexFormat.of().formatHex(md.digest());
            } catch (Exception e) {
                return null;
            }
        }

        /** mkdir -p; under sudo the new folders belong to the invoking user. */
        static void createDirectoriesOwned(Path dir) throws IOException {
            Path missing = dir;
            Deque<Path> created = new ArrayDeque<>();
            while (missing != null && !Files.exists(missing)) { created.push(missing); missing = missing.getParent(); }
            Files.createDirectories(dir);
            for (Path p : created) chownToSudoUser(p);
        }

        static void chownToSudoUser(Path p) {
            String user = System.getenv("SUDO_USER");
            if (user == null || user.isBlank() || user.equals("root")) return;
            try {
                UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(p, lookup.lookupPrincipalByName(user));
            } catch (IOException | UnsupportedOperationException ignored) { /* best effort */ }
        }
    }

    static final class Proc {
        /** First line of a command's output, or null; bounded by a timeout. */
        static String firstLine(List<String> cmd, int timeoutSeconds) {
            try {
                String out = new ProcessExecutor().command(cmd).readOutput(true).redirectErrorStream(true)
                        .timeout(timeoutSeconds, TimeUnit.SECONDS).destroyOnExit().execute().outputUTF8();
                return out.lines().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse(null);
            } catch (Exception e) {
                return null;
            }
        }

        static String hostname() {
            String h = Files2.readOrEmpty(Path.of("/proc/sys/kernel/hostname")).strip();
            return h.isEmpty() ? "unknown" : h;
        }
    }

    /** Where this script lives when JBang says so (newer JBang sets jbang.source; 0.132 does not): else the current directory. */
    static final class ScriptHome {
        static Path dir() {
            String src = System.getProperty("jbang.source");
            if (src != null && src.endsWith("single_env_bench.java")) {
                Path p = Path.of(src).toAbsolutePath().getParent();
                if (p != null) return p;
            }
            return Path.of("").toAbsolutePath();   // tests and other launchers run from the repository
        }
    }
}
