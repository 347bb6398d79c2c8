package dev.lifeguard.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Loads Kubernetes manifests (multi-document YAML) with the Fabric8 model and reports what Kubernetes would reject or
 * silently ignore: fields the model does not know (which Fabric8 keeps in {@code additionalProperties} instead of
 * failing, as {@code kubectl apply} would with a strict field validation), kinds and API versions it does not know,
 * and beta or alpha API versions. Custom resources that Fabric8 has no model for (the Prometheus Operator's) are
 * checked against the fields their CRDs define. Test code; not thread-safe.
 */
final class Manifests {

    /** One object of a manifest, with where it came from. */
    record Loaded(Path file, int document, KubernetesResource resource) {

        String where() {
            String name = resource instanceof HasMetadata h && h.getMetadata() != null ? h.getMetadata().getName() : null;
            String kind = resource instanceof HasMetadata h ? h.getKind() : resource.getClass().getSimpleName();
            return file.getFileName() + " #" + document + " " + kind + (name == null ? "" : " " + name);
        }
    }

    /**
     * Custom resources this repository ships, which Fabric8 loads as {@link GenericKubernetesResource}: the fields
     * allowed at each level, from the Prometheus Operator's CRD (monitoring.coreos.com/v1).
     */
    private static final Map<String, Map<String, Set<String>>> CUSTOM = Map.of(
            "monitoring.coreos.com/v1 PrometheusRule", Map.of(
                    "", Set.of("apiVersion", "kind", "metadata", "spec"),
                    "spec", Set.of("groups"),
                    "spec.groups[]", Set.of("name", "interval", "rules", "limit", "partial_response_strategy", "query_offset", "labels"),
                    "spec.groups[].rules[]", Set.of("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations")),
            "monitoring.coreos.com/v1 PodMonitor", Map.of(
                    "", Set.of("apiVersion", "kind", "metadata", "spec"),
                    "spec", Set.of("selector", "podMetricsEndpoints", "namespaceSelector", "jobLabel", "podTargetLabels",
                            "sampleLimit", "targetLimit"),
                    "spec.podMetricsEndpoints[]", Set.of("port", "portNumber", "path", "interval", "scrapeTimeout", "scheme",
                            "honorLabels", "relabelings", "metricRelabelings", "params")));

    /** Kubernetes removes beta and alpha API versions after their deprecation: a shipped manifest uses GA versions only. */
    private static final Pattern PRE_GA = Pattern.compile(".*/v\\d+(alpha|beta)\\d*");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final ObjectMapper INTROSPECTION = new ObjectMapper();

    private Manifests() {
    }

    /** Every object of every document of {@code file}, in order; a document that is only comments is skipped. */
    static List<Loaded> load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Object read = SERIALIZATION.unmarshal(text);
        List<?> objects = read instanceof List<?> list ? list : Collections.singletonList(read);
        List<Loaded> loaded = new ArrayList<>();
        int document = 0;
        for (Object o : objects) {
            document++;
            if (o == null) {
                continue;
            }
            if (!(o instanceof KubernetesResource resource)) {
                throw new IllegalArgumentException(file + " #" + document + ": not a Kubernetes object: " + o.getClass());
            }
            loaded.add(new Loaded(file, document, resource));
        }
        return loaded;
    }

    /** What is wrong with the objects of {@code file}, one line each naming the object and the path to the field. */
    static List<String> problems(Path file) {
        List<String> problems = new ArrayList<>();
        List<Loaded> loaded;
        try {
            loaded = load(file);
        } catch (RuntimeException e) {
            return List.of(file.getFileName() + ": does not load: " + e.getMessage());
        }
        if (loaded.isEmpty()) {
            problems.add(file.getFileName() + ": holds no Kubernetes object");
        }
        for (Loaded l : loaded) {
            problems.addAll(problems(l));
        }
        return problems;
    }

    static List<String> problems(Loaded loaded) {
        List<String> problems = new ArrayList<>();
        KubernetesResource r = loaded.resource();
        if (!(r instanceof HasMetadata h)) {
            return List.of(loaded.where() + ": not a top-level Kubernetes object");
        }
        String type = h.getApiVersion() + " " + h.getKind();
        if (h.getApiVersion() == null || h.getKind() == null) {
            problems.add(loaded.where() + ": apiVersion and kind are required");
        } else if (PRE_GA.matcher(h.getApiVersion()).matches()) {
            problems.add(loaded.where() + ": " + h.getApiVersion() + " is not a GA API version (beta and alpha versions are removed"
                    + " from Kubernetes after their deprecation)");
        }
        if (r instanceof GenericKubernetesResource generic) {
            Map<String, Set<String>> allowed = CUSTOM.get(type);
            if (allowed == null) {
                problems.add(loaded.where() + ": " + type + " is not a kind the Fabric8 model knows (a wrong apiVersion or kind?)");
            } else {
                Map<String, Object> whole = SERIALIZATION.convertValue(generic, Map.class);
                unknownCustomFields(whole, "", allowed, loaded.where(), problems);
                if (generic.getMetadata() != null) {
                    unknownFields(generic.getMetadata(), "metadata", loaded.where(), problems, Collections.newSetFromMap(new IdentityHashMap<>()));
                }
            }
        } else {
            unknownFields(r, "", loaded.where(), problems, Collections.newSetFromMap(new IdentityHashMap<>()));
        }
        return problems;
    }

    /** Walks the model through its JSON properties; every non-empty additionalProperties is a field the model does not know. */
    private static void unknownFields(Object o, String path, String where, List<String> problems, Set<Object> seen) {
        if (o == null || !seen.add(o)) {
            return;
        }
        if (o instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknownFields(list.get(i), path + "[" + i + "]", where, problems, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "[" + k + "]", where, problems, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        Map<?, ?> additional = additionalProperties(o);
        if (additional != null) {
            for (Object key : additional.keySet()) {
                problems.add(where + ": unknown field " + join(path, key.toString()) + " (" + o.getClass().getSimpleName() + " has no such field)");
            }
        }
        BeanDescription description = INTROSPECTION.getSerializationConfig().introspect(INTROSPECTION.constructType(o.getClass()));
        for (BeanPropertyDefinition property : description.findProperties()) {
            AnnotatedMember accessor = property.getAccessor();
            if (accessor != null) {
                unknownFields(accessor.getValue(o), join(path, property.getName()), where, problems, seen);
            }
        }
    }

    private static Map<?, ?> additionalProperties(Object o) {
        try {
            Method m = o.getClass().getMethod("getAdditionalProperties");
            return (Map<?, ?>) m.invoke(o);
        } catch (NoSuchMethodException e) {
            return null;
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(o.getClass() + ".getAdditionalProperties()", e);
        }
    }

    /** A custom resource as plain maps: every key at a level listed in {@code allowed} must be one of that level's. */
    private static void unknownCustomFields(Object o, String shape, Map<String, Set<String>> allowed, String where, List<String> problems) {
        unknownCustomFields(o, shape, shape, allowed, where, problems);
    }

    private static void unknownCustomFields(Object o, String shape, String path, Map<String, Set<String>> allowed, String where,
            List<String> problems) {
        if (o instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknownCustomFields(list.get(i), shape + "[]", path + "[" + i + "]", allowed, where, problems);
            }
        } else if (o instanceof Map<?, ?> map) {
            Set<String> fields = allowed.get(shape);
            if (fields == null) {
                return; // a level the check does not constrain (metadata is checked with the model, rules' labels are free)
            }
            map.forEach((k, v) -> {
                if (!fields.contains(k.toString())) {
                    problems.add(where + ": unknown field " + join(path, k.toString()));
                } else {
                    unknownCustomFields(v, join(shape, k.toString()), join(path, k.toString()), allowed, where, problems);
                }
            });
        }
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** The YAML files under {@code dir}, sorted. */
    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
