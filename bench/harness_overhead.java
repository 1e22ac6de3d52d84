///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2

// Measures what single_env_bench costs on the local backend, in one run, interleaved round by round:
//   - per-trial overhead: the trial's wall time − warmup − duration (launch, cgroup, cleanup, save);
//   - the harness's own CPU during the measured window (harness_cpu_cores) at --interval 1 and 0.1;
//   - MFLOPS through the harness ÷ MFLOPS of a direct run of the same binary.
// Usage: jbang bench/harness_overhead.java [ROUNDS] [SIZE] [DURATION] [WARMUP]
// With COMPARE=OTHER/single_env_bench.java (e.g. main's, from `git show main:single_env_bench.java`), every round
// also runs the same trials with that script, interleaved, and both harness CPU figures are printed: a
// before/after on the same machine at the same time. (An older script's harness_cpu_cores may come from the
// JVM's 10 ms process ticks; this one's from the threads' schedstat nanoseconds.)
// Needs root (per-trial cgroups) and `make build`. Targets: overhead median ≤ 0.3 s, harness CPU ≤ 0.5 % of a
// core at 1 s and ≤ 1.5 % at 0.1 s, MFLOPS ratio ≥ 0.98.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.*;
import java.util.*;
import java.util.regex.*;

public class harness_overhead {
    public static void main(String[] a) throws Exception {
        int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 5;
        String size = a.length > 1 ? a[1] : "256", duration = a.length > 2 ? a[2] : "3", warmup = a.length > 3 ? a[3] : "1";
        String jbang = System.getenv().getOrDefault("JBANG", "jbang");
        Path repo = Path.of("").toAbsolutePath(), program = repo.resolve("build/mmb-static");
        if (!Files.isExecutable(program)) { System.err.println("run `make build` first"); System.exit(4); }
        Path results = Files.createTempDirectory("mmb-overhead");
        List<Double> overhead = new ArrayList<>(), cpu1 = new ArrayList<>(), cpu01 = new ArrayList<>(),
                viaHarness = new ArrayList<>(), direct = new ArrayList<>(), otherCpu1 = new ArrayList<>(), otherCpu01 = new ArrayList<>();
        String compare = System.getenv("COMPARE");
        double budget = Double.parseDouble(duration) + Double.parseDouble(warmup);
        for (int r = 1; r <= rounds; r++) {
            for (String interval : List.of("1.0", "0.1")) {
                String sub = "r" + r + "-i" + interval;
                List<String> cmd = List.of(jbang, "--quiet", repo.resolve("single_env_bench.java").toString(), "--backend", "local",
                        "--image", "mmb-static:latest", "--sizes", size, "--trials", "1", "--duration", duration,
                        "--warmup-seconds", warmup, "--interval", interval, "--results-dir", results.toString(),
                        "--results-subfolder-name", sub);
                String out = run(cmd);
                Matcher m = Pattern.compile("mmb-trial .* status=ok wall_s=([0-9.]+)").matcher(out);
                if (!m.find()) { System.err.println("harness run failed:\n" + out); System.exit(1); }
                overhead.add(Double.parseDouble(m.group(1)) - budget);
                JsonNode t = new ObjectMapper().readTree(results.resolve(sub).resolve("mmb-static_default.json").toFile())
                        .path("results").path(size + "_warm").get(0);
                (interval.equals("1.0") ? cpu1 : cpu01).add(t.path("harness_cpu_cores").asDouble());
                viaHarness.add(t.path("throughput_mflops").asDouble());
                if (compare != null) {
                    List<String> other = new ArrayList<>(cmd);
                    other.set(2, Path.of(compare).toAbsolutePath().toString());
                    other.set(other.indexOf(sub), sub + "-compare");
                    if (!other.contains("--build-dir")) other.addAll(List.of("--build-dir", repo.resolve("build").toString()));
                    run(other);
                    JsonNode o = new ObjectMapper().readTree(results.resolve(sub + "-compare").resolve("mmb-static_default.json").toFile())
                            .path("results").path(size + "_warm").get(0);
                    (interval.equals("1.0") ? otherCpu1 : otherCpu01).add(o.path("harness_cpu_cores").asDouble());
                }
            }
            String out = run(List.of(program.toString(), size, duration, warmup));
            Matcher m = Pattern.compile("throughput_mflops=([0-9.]+)").matcher(out);
            if (!m.find()) { System.err.println("direct run failed:\n" + out); System.exit(1); }
            direct.add(Double.parseDouble(m.group(1)));
            System.out.printf("round %d/%d: overhead %.3f s, %.3f s; harness CPU %.2f %% (1 s), %.2f %% (0.1 s); MFLOPS harness %.0f %.0f, direct %.0f%n",
                    r, rounds, overhead.get(overhead.size() - 2), overhead.get(overhead.size() - 1),
                    100 * cpu1.get(cpu1.size() - 1), 100 * cpu01.get(cpu01.size() - 1),
                    viaHarness.get(viaHarness.size() - 2), viaHarness.get(viaHarness.size() - 1), direct.get(direct.size() - 1));
        }
        double ratio = median(viaHarness) / median(direct);
        System.out.println();
        System.out.printf("N=%s, duration %s s, warmup %s s, %d rounds, %s%n", size, duration, warmup, rounds, new java.util.Date());
        System.out.printf("per-trial overhead   median %.3f s  (max %.3f)   target <= 0.3 s   %s%n", median(overhead), Collections.max(overhead), ok(median(overhead) <= 0.3));
        System.out.printf("harness CPU @ 1 s    median %.2f %% of a core     target <= 0.5 %%  %s%n", 100 * median(cpu1), ok(median(cpu1) <= 0.005));
        System.out.printf("harness CPU @ 0.1 s  median %.2f %% of a core     target <= 1.5 %%  %s%n", 100 * median(cpu01), ok(median(cpu01) <= 0.015));
        if (compare != null) System.out.printf("  %s, same rounds: %.2f %% (1 s), %.2f %% (0.1 s)%n", compare,
                100 * median(otherCpu1), 100 * median(otherCpu01));
        System.out.printf("MFLOPS harness/direct %.3f (medians %.0f / %.0f)  target >= 0.98  %s%n", ratio, median(viaHarness), median(direct), ok(ratio >= 0.98));
    }

    static String ok(boolean b) { return b ? "OK" : "MISSED"; }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
