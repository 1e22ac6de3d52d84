import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Headless chromium driven over the Chrome DevTools Protocol: one browser, one tab per page load, every event
 * of the tab kept (console, exceptions, log entries, network requests). A fresh profile per browser, no
 * background networking, debugging port on 127.0.0.1 only (port 0: chromium picks one and writes it to
 * DevToolsActivePort in the profile).
 */
final class HeadlessChromium implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-default-apps", "--hide-scrollbars", "--mute-audio");

    private final Process process;
    private final Path profile, log;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = java.util.Collections.synchronizedList(new ArrayList<>());
    private String target, session;   // the tab of the last load

    private HeadlessChromium(Process process, Path profile, Path log, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.log = log;
        this.socket = socket;
    }

    /** chromium (Debian) or chromium-browser / google-chrome on PATH; null when none. */
    static Path find() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) return p;
            }
        }
        return null;
    }

    static List<String> command(Path chromium, Path profile, String... more) {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString()));
        cmd.addAll(FLAGS);
        cmd.add("--user-data-dir=" + profile);
        cmd.addAll(List.of(more));
        return cmd;
    }

    static HeadlessChromium start(Path chromium) throws Exception {
        Path profile = Files.createTempDirectory("mmb-chromium-profile");
        Path log = profile.resolveSibling(profile.getFileName() + ".log");
        Process p = new ProcessBuilder(command(chromium, profile, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "about:blank")).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.currentTimeMillis() + 60_000;
        while (!(Files.isRegularFile(portFile) && Files.readAllLines(portFile).size() >= 2)) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                p.destroyForcibly();
                fail("chromium did not start its DevTools endpoint:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        List<String> port = Files.readAllLines(portFile);
        URI uri = URI.create("ws://127.0.0.1:" + port.get(0).trim() + port.get(1).trim());
        HeadlessChromium[] self = new HeadlessChromium[1];
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            final StringBuilder text = new StringBuilder();

            @Override public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    String message = text.toString();
                    text.setLength(0);
                    self[0].receive(message);
                }
                w.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        self[0] = new HeadlessChromium(p, profile, log, ws);
        return self[0];
    }

    private void receive(String message) {
        try {
            JsonNode m = JSON.readTree(message);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.path("id").asInt());
                if (f != null) f.complete(m);
            } else {
                events.add(m);
            }
        } catch (IOException e) {
            events.add(JSON.createObjectNode().put("method", "unreadable").put("text", message));
        }
    }

    /** Sends a command (to the attached tab when sessionId is set) and waits for its answer. */
    JsonNode send(String method, ObjectNode params, boolean toTab) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode m = JSON.createObjectNode().put("id", id).put("method", method);
        m.set("params", params == null ? JSON.createObjectNode() : params);
        if (toTab) m.put("sessionId", session);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(m.toString(), true).get(10, TimeUnit.SECONDS);
        JsonNode a = answer.get(60, TimeUnit.SECONDS);
        if (a.has("error")) throw new IllegalStateException(method + ": " + a.path("error"));
        return a.path("result");
    }

    record PageLoad(String url, String title, List<String> errors, List<String> requests, List<JsonNode> charts) {}

    /**
     * Opens the file in a new tab with console, log, network and page events on, waits for the load event and
     * a quiet half second, and reads what the page shows. A request is anything fetched but the page itself.
     */
    PageLoad load(Path file) throws Exception {
        if (session != null) {
            send("Target.closeTarget", JSON.createObjectNode().put("targetId", target), false);
        }
        target = send("Target.createTarget", JSON.createObjectNode().put("url", "about:blank"), false).path("targetId").asText();
        session = send("Target.attachToTarget", JSON.createObjectNode().put("targetId", target).put("flatten", true), false)
                .path("sessionId").asText();
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) send(domain + ".enable", null, true);
        events.clear();
        String url = file.toUri().toString();
        send("Page.navigate", JSON.createObjectNode().put("url", url), true);
        long deadline = System.currentTimeMillis() + 60_000;
        while (events(m -> "Page.loadEventFired".equals(m.path("method").asText())
                && session.equals(m.path("sessionId").asText())).isEmpty()) {
            if (System.currentTimeMillis() > deadline) fail("the page did not load in 60 s: " + url);
            Thread.sleep(25);
        }
        Thread.sleep(500);   // late errors (a failed image, a timer) still count
        List<String> errors = new ArrayList<>(), requests = new ArrayList<>();
        for (JsonNode e : events(m -> session.equals(m.path("sessionId").asText()))) {
            JsonNode p = e.path("params");
            switch (e.path("method").asText()) {
                case "Runtime.exceptionThrown" -> errors.add("uncaught exception: "
                        + p.path("exceptionDetails").path("exception").path("description").asText(p.path("exceptionDetails").path("text").asText()));
                case "Runtime.consoleAPICalled" -> {
                    if (List.of("error", "assert").contains(p.path("type").asText())) {
                        errors.add("console error: " + p.path("args").findValuesAsText("value").stream().collect(Collectors.joining(" ")));
                    }
                }
                case "Log.entryAdded" -> {
                    if ("error".equals(p.path("entry").path("level").asText())) {
                        errors.add("log error: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText(""));
                    }
                }
                case "Network.requestWillBeSent" -> {
                    String u = p.path("request").path("url").asText();
                    if (!u.equals(url) && !u.startsWith("data:")) requests.add(u);
                }
                default -> { }
            }
        }
        String title = evaluate("document.title").asText();
        JsonNode charts = evaluate("[...document.querySelectorAll('figure.chart')].map(f => { const s = f.querySelector('svg'); "
                + "const r = s ? s.getBoundingClientRect() : {width: 0, height: 0}; return {id: f.dataset.chart, "
                + "series: f.dataset.series, width: r.width, height: r.height, "
                + "shapes: s ? s.querySelectorAll('path, line, rect, polyline, polygon, circle, ellipse').length : 0, "
                + "title: s && s.querySelector('title') ? s.querySelector('title').textContent : null}; })");
        List<JsonNode> list = new ArrayList<>();
        charts.forEach(list::add);
        return new PageLoad(url, title, errors, requests, list);
    }

    JsonNode evaluate(String expression) throws Exception {
        JsonNode r = send("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("returnByValue", true), true);
        if (r.has("exceptionDetails")) throw new IllegalStateException(expression + ": " + r.path("exceptionDetails"));
        return r.path("result").path("value");
    }

    private List<JsonNode> events(java.util.function.Predicate<JsonNode> which) {
        synchronized (events) {
            return events.stream().filter(which).collect(Collectors.toList());
        }
    }

    /** chromium's own --screenshot (no DevTools): what a person would get from the command line. */
    static TestSupport.Run screenshot(Path chromium, Path page, Path png, int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("mmb-chromium-shot");
        try {
            return TestSupport.exec(command(chromium, profile, "--screenshot=" + png, "--window-size=" + width + "," + height,
                    page.toUri().toString()), Map.of(), 120);
        } finally {
            deleteTree(profile);
        }
    }

    @Override public void close() throws IOException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the browser is stopped below anyway
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(profile);
        Files.deleteIfExists(log);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a file chromium was still closing: the temp folder is cleaned by the system
                }
            }
        }
    }
}
