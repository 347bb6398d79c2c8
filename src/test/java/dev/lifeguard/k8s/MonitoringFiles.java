package dev.lifeguard.k8s;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The files of k8s/monitoring/ as data: the rule groups and the PromQL that the rules and the dashboard run. Stateless. */
final class MonitoringFiles {

    static final Path DIR = Path.of("k8s", "monitoring");
    static final Path RULES = DIR.resolve("lifeguard-rules.yaml");
    static final Path RULES_TEST = DIR.resolve("lifeguard-rules.test.yaml");
    static final Path PROMETHEUS_RULE = DIR.resolve("prometheusrule.yaml");
    static final Path DASHBOARD = DIR.resolve("grafana-dashboard.json");

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    /** A query in an annotation's template: {{ printf `...` $labels.job | query }}. */
    private static final Pattern TEMPLATE_QUERY = Pattern.compile("printf\\s+`([^`]*)`");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([^,)]+)\\s*,");

    private MonitoringFiles() {
    }

    static JsonNode yaml(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    /** Every rule's PromQL, by "group/alert": its expr and the queries of its annotations' templates. */
    static Map<String, List<String>> ruleQueries() throws IOException {
        Map<String, List<String>> queries = new LinkedHashMap<>();
        for (JsonNode group : yaml(RULES).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                String name = group.get("name").asText() + "/" + (rule.has("alert") ? rule.get("alert") : rule.get("record")).asText();
                List<String> q = new ArrayList<>(List.of(rule.get("expr").asText()));
                if (rule.has("annotations")) {
                    rule.get("annotations").forEach(a -> {
                        Matcher m = TEMPLATE_QUERY.matcher(a.asText());
                        while (m.find()) {
                            q.add(m.group(1).replace("%q", "\"x\""));
                        }
                    });
                }
                queries.put(name, q);
            }
        }
        return queries;
    }

    /** Every PromQL of the dashboard, by panel title (and "variable name" for its variables). */
    static Map<String, List<String>> dashboardQueries() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        Map<String, List<String>> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            List<String> q = new ArrayList<>();
            panel.path("targets").forEach(t -> q.add(t.get("expr").asText()));
            queries.put("panel " + panel.get("title").asText(), q);
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                JsonNode query = variable.get("query");
                String text = query.isObject() ? query.get("query").asText() : query.asText();
                Matcher m = LABEL_VALUES.matcher(text);
                queries.put("variable " + variable.get("name").asText(), List.of(m.find() ? m.group(1) : text));
            }
        }
        return queries;
    }
}
