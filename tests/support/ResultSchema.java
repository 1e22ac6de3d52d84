import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** docs/results.schema.json (JSON Schema draft 2020-12), checked with networknt's validator. */
final class ResultSchema {
    private ResultSchema() {}

    private static Schema schema;

    private static synchronized Schema schema() throws Exception {
        if (schema == null) {
            Path file = TestSupport.repo().resolve("docs/results.schema.json");
            // the file's $id is relative: its own location is the base it resolves against
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(SchemaLocation.of(file.toUri().toString()), TestSupport.readJson(file));
        }
        return schema;
    }

    /** What the schema finds wrong with a result file, one line each (empty: it matches). */
    static List<String> problems(JsonNode file) throws Exception {
        return schema().validate(file).stream().map(Object::toString).collect(Collectors.toList());
    }

    static List<String> problems(Path file) throws Exception { return problems(TestSupport.readJson(file)); }
}
