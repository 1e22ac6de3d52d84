///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2

// Measures what the suite itself costs around its trials, on the local backend:
//   - the start of one child: `jbang single_env_bench.java --version` (JBang's JVM, then the script's) against the
//     `java` command the suite now resolves once from `jbang info tools` and starts directly; medians of
//     interleaved rounds;
//   - a whole suite (`make bench`'s config): its wall time ÷ Σ(warmup + duration) over the trials it ran.
// Usage: jbang bench/suite_overhead.java [CONFIG] [ROUNDS]   (from the repository, as root for cgroups; `make build`
// first). Both scripts are built before timing, so compilation is not counted. Target: suite ratio ≤ 1.10.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.*;
import java.util.*;
import java.util.stream.Stream;

public class suite_overhead {
    public static void main(String[] a) throws Exception {
        String config = a.length > 0 ? a[0] : "bench_local.yaml";
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 7;
        String jbang = System.getenv().getOrDefault("JBANG", "jbang");
        for (String script : List.of("single_env_bench.java", "metaorchestrator.java")) run(List.of(jbang, "build", script));

        // the start of one child, through JBang and directly
        String answer = run(List.of(jbang, "info", "tools", "single_env_bench.java"));
        JsonNode info = new ObjectMapper().readTree(answer.substring(answer.indexOf('{')));
        List<String> direct = new ArrayList<>(List.of(Path.of(info.path("availableJdkPath").asText(), "bin", "java").toString()));
        info.path("runtimeOptions").forEach(o -> direct.add(o.asText()));
        List<String> cp = new ArrayList<>(List.of(info.path("applicationJar").asText()));
        info.path("resolvedDependencies").forEach(d -> cp.add(d.asText()));
        direct.addAll(List.of("-classpath", String.join(":", cp), info.path("mainClass").asText(), "--version"));
        // class-data sharing as the suite uses it: an archive written by a first run, mapped by the later ones
        Path archive = Files.createTempDirectory("mmb-cds").resolve("single_env_bench.jsa");
        List<String> dump = new ArrayList<>(direct), shared = new ArrayList<>(direct);
        dump.addAll(1, List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        shared.addAll(1, List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        run(dump);
        List<Double> viaJbang = new ArrayList<>(), viaJava = new ArrayList<>(), viaCds = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            viaJbang.add(seconds(List.of(jbang, "--quiet", "single_env_bench.java", "--version")));
            viaJava.add(seconds(direct));
            viaCds.add(seconds(shared));
        }
        System.out.printf("child start (--version), median of %d: through JBang %.3f s, java directly %.3f s, java with "
                + "class-data sharing %.3f s (%.3f s saved per child)%n", rounds, median(viaJbang), median(viaJava),
                median(viaCds), median(viaJbang) - median(viaCds));

        // a whole suite
        String sub = "suite-overhead-" + ProcessHandle.current().pid();
        long t0 = System.nanoTime();
        String out = run(List.of(jbang, "--quiet", "metaorchestrator.java", "--config", config, "--results-subfolder-name", sub));
        double wall = (System.nanoTime() - t0) / 1e9;
        Path folder = null;
        for (String line : out.split("\n")) if (line.contains("results in ")) folder = Path.of(line.replaceAll(".*results in (\\S+),.*", "$1"));
        if (folder == null || !Files.isDirectory(folder)) { System.err.println("no results folder in the suite's output:\n" + out); System.exit(1); }
        double measured = 0;
        int trials = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                JsonNode root = new ObjectMapper().readTree(f.toFile());
                if (!root.has("results")) continue;   // run.json, summary.json
                JsonNode flags = root.path("flags");
                double perTrial = flags.path("duration").asDouble() + (flags.path("warmup").asBoolean() ? flags.path("warmup_seconds").asDouble() : 0);
                for (JsonNode list : root.path("results")) { measured += perTrial * list.size(); trials += list.size(); }
            }
        }
        System.out.printf("suite %s: %d trials, Σ(warmup + duration) %.1f s, wall %.1f s, ratio %.3f (target <= 1.10: %s)%n",
                config, trials, measured, wall, wall / measured, wall / measured <= 1.10 ? "OK" : "MISSED");
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static double seconds(List<String> cmd) throws Exception {
        long t = System.nanoTime();
        run(cmd);
        return (System.nanoTime() - t) / 1e9;
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        if (code != 0 && code != 3) { System.err.println(String.join(" ", cmd) + " exited " + code + ":\n" + out); System.exit(1); }
        return out;
    }
}
