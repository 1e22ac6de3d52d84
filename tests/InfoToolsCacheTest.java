import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The suite keeps `jbang info tools`'s answer between runs (ChildLauncher.InfoToolsCache): asking is a JBang start.
 * Its decisions, on real files: a hit, a changed key, a missing path, a corrupt file; and the key, from a JBang
 * install laid out like install-jbang.sh's (a launcher in bin/, JBang's jar with its JBang-Version in lib/).
 */
@Tag("unit")
class InfoToolsCacheTest {
    /** A JDK (bin/java, executable), one dependency jar, and the answer JBang gives naming them and a script jar. */
    record World(Path dir, Path jdk, Path dependency, Path jar, JsonNode answer) {
        static World create() throws Exception {
            Path dir = Files.createTempDirectory("mmb-info-tools");
            Path jdk = dir.resolve("jdk");
            Files.createDirectories(jdk.resolve("bin"));
            Files.writeString(jdk.resolve("bin/java"), "#!/bin/sh\n");
            Files.setPosixFilePermissions(jdk.resolve("bin/java"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Path dependency = Files.writeString(dir.resolve("picocli.jar"), "jar");
            Path jar = dir.resolve("cache/jars/single_env_bench.jar");   // not built yet
            ObjectNode answer = metaorchestrator.Json.MAPPER.createObjectNode();
            answer.put("availableJdkPath", jdk.toString());
            answer.put("applicationJar", jar.toString());
            answer.put("mainClass", "single_env_bench");
            answer.putArray("resolvedDependencies").add(dependency.toString());
            answer.putArray("runtimeOptions").add("-XX:+UseSerialGC");
            return new World(dir, jdk, dependency, jar, answer);
        }

        metaorchestrator.ChildLauncher.InfoToolsCache cache(String scriptHash) {
            return new metaorchestrator.ChildLauncher.InfoToolsCache(dir.resolve("mmb/info-tools-x.json"),
                    Map.of("script_sha256", scriptHash, "jbang", "0.132.1"));
        }

        List<String> files() throws Exception {
            try (Stream<Path> s = Files.list(dir.resolve("mmb"))) {
                return s.map(p -> p.getFileName().toString()).sorted().toList();
            }
        }
    }

    @Test void aSavedAnswerIsUsedWhileItsKeyAndItsPathsHold() throws Exception {
        World w = World.create();
        assertNull(w.cache("a").read(), "nothing saved yet");
        w.cache("a").write(w.answer());
        assertEquals(List.of("info-tools-x.json"), w.files(), "renamed into place, no temporary file left");
        assertEquals(w.answer(), w.cache("a").read(), "a hit, though the jar is not built yet");
        assertNull(w.cache("b").read(), "the key changed (another script, JBang or JDK): ask again");
        assertEquals(w.answer(), w.cache("a").read());

        Files.delete(w.dependency());
        assertNull(w.cache("a").read(), "a dependency it names is gone");
        Files.writeString(w.dependency(), "jar");
        Files.delete(w.jdk().resolve("bin/java"));
        assertNull(w.cache("a").read(), "the JDK it names is gone");
    }

    @Test void aCorruptFileIsIgnoredAndReplaced() throws Exception {
        World w = World.create();
        w.cache("a").write(w.answer());
        Path file = w.cache("a").file();
        String whole = Files.readString(file);
        Files.writeString(file, whole.substring(0, whole.length() / 2));
        assertNull(w.cache("a").read(), "half a file");
        Files.write(file, new byte[]{0, (byte) 0xff, 0x13});
        assertNull(w.cache("a").read(), "not JSON");
        Files.writeString(file, "[1, 2]");
        assertNull(w.cache("a").read(), "JSON, not ours");
        w.cache("a").write(w.answer());
        assertEquals(w.answer(), w.cache("a").read(), "written over");
    }

    @Test void aFolderThatCannotBeWrittenCostsOnlyTheCache() throws Exception {
        World w = World.create();
        Path blocked = Files.writeString(w.dir().resolve("not-a-folder"), "");
        var cache = new metaorchestrator.ChildLauncher.InfoToolsCache(blocked.resolve("info-tools-x.json"), Map.of("k", "v"));
        cache.write(w.answer());   // no exception
        assertNull(cache.read());
    }

    /** A JBang install as install-jbang.sh lays it out: bin/jbang, lib/jbang-cli-VERSION.jar with JBang-Version. */
    static Path jbangInstall(Path dir, String version) throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("lib"));
        Path launcher = Files.writeString(dir.resolve("bin/jbang"), "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("JBang-Version", version);
        try (var out = new JarOutputStream(Files.newOutputStream(dir.resolve("lib/jbang-cli-" + version + ".jar")), m)) {
            out.flush();
        }
        return launcher;
    }

    @Test void theKeyFollowsTheScriptsBytesAndJbangsVersion() throws Exception {
        Path dir = Files.createTempDirectory("mmb-info-tools-key");
        Path script = Files.writeString(dir.resolve("single_env_bench.java"), "class single_env_bench {}\n");
        var first = metaorchestrator.ChildLauncher.InfoToolsCache.of(jbangInstall(dir.resolve("a"), "0.132.1"), script);
        assertNotNull(first);
        assertEquals("0.132.1", first.key().get("jbang"));
        assertEquals(System.getProperty("java.home"), first.key().get("java_home"));
        var sameAgain = metaorchestrator.ChildLauncher.InfoToolsCache.of(dir.resolve("a/bin/jbang"), script);
        assertEquals(first, sameAgain, "the same file and key for the same script and JBang");
        var otherJbang = metaorchestrator.ChildLauncher.InfoToolsCache.of(jbangInstall(dir.resolve("b"), "0.133.0"), script);
        assertNotEquals(first.key(), otherJbang.key());
        assertEquals(first.file(), otherJbang.file(), "one file per script: a new key replaces the old answer");
        Files.writeString(script, "class single_env_bench { }\n");
        assertNotEquals(first.key(), metaorchestrator.ChildLauncher.InfoToolsCache.of(dir.resolve("a/bin/jbang"), script).key());
        assertNull(metaorchestrator.ChildLauncher.InfoToolsCache.of(Path.of(MetaKit.fakeJbang()), script),
                "a JBang whose version is not in a jar next to it: no cache (reading it would start JBang)");
    }

    /** With a hit, resolveJava starts no JBang: this launcher fails every `info tools` it is asked. */
    @Test void aHitStartsNoJbangAndAMissIsNotSaved() throws Exception {
        World w = World.create();
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        var io = new metaorchestrator.Io(new PrintStream(said, true, StandardCharsets.UTF_8), new PrintStream(said, true, StandardCharsets.UTF_8));
        var launcher = new metaorchestrator.ChildLauncher(Path.of(MetaKit.fakeJbang()), TestSupport.repo().resolve("single_env_bench.java"));

        var miss = launcher.resolveJava(io, w.cache("a"));
        assertNull(miss.direct(), "JBang could not answer: through JBang");
        assertTrue(said.toString().contains("starting each child through JBang"), said.toString());
        assertFalse(Files.exists(w.cache("a").file()), "nothing saved");

        w.cache("a").write(w.answer());
        said.reset();
        var hit = launcher.resolveJava(io, w.cache("a"));
        assertEquals(List.of(w.jdk().resolve("bin/java").toString(), "-XX:+UseSerialGC", "-classpath",
                w.jar() + ":" + w.dependency(), "single_env_bench"), hit.direct());
        assertEquals("", said.toString());
    }
}
