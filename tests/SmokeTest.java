import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.*;
class SmokeTest {
    @Test void repoIsFound() { assertTrue(java.nio.file.Files.exists(TestSupport.repo().resolve("Makefile"))); }
}
