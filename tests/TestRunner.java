///usr/bin/env jbang "$0" "$@" ; exit $?
// Runs mmb's JUnit 5 tests (the code under test is included with //SOURCES) and ends with
// one line "N passed, N failed". Usage: jbang tests/TestRunner.java [--include-tag T] [--exclude-tag T]
// [--class NAME] [--method CLASS#METHOD] [--full]
// Tags (docs/testing.md): unit, e2e, measure, soak; docker and browser mark what needs them. measure and soak
// tests run a short form of their long runs unless --full (the system property mmb.test.full) is given.
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
//DEPS org.junit.jupiter:junit-jupiter:5.11.4
//DEPS org.junit.platform:junit-platform-launcher:1.11.4
//DEPS com.networknt:json-schema-validator:2.0.8
//SOURCES ../single_env_bench.java
//SOURCES ../metaorchestrator.java
//SOURCES support/*.java
//SOURCES *Test.java

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.*;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.File;
import java.net.URL;
import java.util.*;
import java.util.concurrent.atomic.AtomicInteger;

public class TestRunner {
    /** What a test is: every test has one of these tags (docker and browser only say what it needs). */
    static final List<String> KINDS = List.of("unit", "e2e", "measure", "soak");

    public static void main(String[] args) throws Exception {
        List<String> include = new ArrayList<>(), exclude = new ArrayList<>(), classes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--include-tag" -> include.add(args[++i]);
                case "--exclude-tag" -> exclude.add(args[++i]);
                case "--class" -> classes.add(args[++i]);
                case "--method" -> classes.add(args[++i]);   // Class#method
                case "--full" -> System.setProperty(TestSupport.FULL, "true");
                default -> { System.err.println("TestRunner: unknown argument " + args[i]); System.exit(2); }
            }
        }
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        if (classes.isEmpty()) {
            request.selectors(DiscoverySelectors.selectClasspathRoots(classpathRootsOfTests()));
            request.filters(org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns(".*Test"));
        } else {
            classes.forEach(c -> request.selectors(c.contains("#") ? DiscoverySelectors.selectMethod(c) : DiscoverySelectors.selectClass(c)));
        }
        if (!include.isEmpty()) request.filters(TagFilter.includeTags(include));
        if (!exclude.isEmpty()) request.filters(TagFilter.excludeTags(exclude));

        AtomicInteger passed = new AtomicInteger(), failed = new AtomicInteger(), skipped = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        Set<String> untagged = new TreeSet<>();
        TestExecutionListener listener = new TestExecutionListener() {
            long started;
            @Override public void executionStarted(TestIdentifier id) {
                if (id.isTest()) {
                    started = System.nanoTime();
                    if (id.getTags().stream().noneMatch(t -> KINDS.contains(t.getName()))) untagged.add(name(id));
                }
            }
            @Override public void executionSkipped(TestIdentifier id, String reason) {
                if (id.isTest()) { skipped.incrementAndGet(); System.out.printf("SKIP %s — %s%n", name(id), reason); }
            }
            @Override public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) return;
                String ms = String.format("%.1fs", (System.nanoTime() - started) / 1e9);
                switch (result.getStatus()) {
                    case SUCCESSFUL -> { passed.incrementAndGet(); System.out.printf("PASS %s (%s)%n", name(id), ms); }
                    case ABORTED -> { skipped.incrementAndGet(); System.out.printf("SKIP %s — %s%n", name(id),
                            result.getThrowable().map(Throwable::getMessage).orElse("")); }
                    case FAILED -> {
                        failed.incrementAndGet();
                        String why = result.getThrowable().map(TestRunner::describe).orElse("");
                        failures.add(name(id) + "\n" + why);
                        System.out.printf("FAIL %s (%s)%n%s%n", name(id), ms, why);
                    }
                }
            }
        };
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request.build(), listener);
        if (!failures.isEmpty()) {
            System.out.println("\nFailures:");
            failures.forEach(f -> System.out.println("- " + f.lines().findFirst().orElse("")));
        }
        if (!untagged.isEmpty()) {
            System.out.println("\nTests without a tag of " + KINDS + " (docs/testing.md: give each class one):");
            untagged.forEach(t -> System.out.println("- " + t));
        }
        System.out.println();
        System.out.println(passed + " passed, " + failed + " failed" + (skipped.get() > 0 ? ", " + skipped + " skipped" : ""));
        System.exit(failed.get() == 0 && passed.get() > 0 ? 0 : 1);
    }

    static String name(TestIdentifier id) {
        String src = id.getSource().map(Object::toString).orElse("");
        String cls = src.replaceAll(".*className = '([^']*)'.*", "$1");
        return (cls.equals(src) ? "" : cls + ".") + id.getDisplayName();
    }

    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder("    " + t);
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("org.junit") || e.getClassName().startsWith("java.")
                    || e.getClassName().startsWith("jdk.")) continue;
            sb.append("\n      at ").append(e);
            if (sb.length() > 1500) break;
        }
        return sb.toString();
    }

    static Set<java.nio.file.Path> classpathRootsOfTests() throws Exception {
        URL url = TestRunner.class.getProtectionDomain().getCodeSource().getLocation();
        return Set.of(new File(url.toURI()).toPath());
    }
}
