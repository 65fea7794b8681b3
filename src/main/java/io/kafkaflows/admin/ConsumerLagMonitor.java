package io.kafkaflows.admin;

import io.kafkaflows.Meters;
import io.kafkaflows.queue.KafkaQueueEndpoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer lag as Micrometer gauges, refreshed by the {@code monitor-lag} route every
 * {@code flows.monitor.lag-interval} ms: {@code kafkaflows_consumer_lag{group,topic,partition}} (end offset,
 * read_committed, minus committed offset) for the groups of the app's started Kafka routes and those listed in
 * {@code flows.monitor.groups}; {@code kafkaflows_topic_end_offset{topic,partition}} and
 * {@code kafkaflows_topic_under_replicated_partitions{topic}} for their topics. For the share groups of started
 * {@code kafka-queue:} routes: {@code kafkaflows_share_group_lag{group,topic,partition}} (records not yet
 * acknowledged, as the broker reports it) and {@code kafkaflows_share_group_start_offset}.
 */
public final class ConsumerLagMonitor implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLagMonitor.class);

    private final Map<List<String>, AtomicLong> lags = new ConcurrentHashMap<>();
    private final Map<List<String>, AtomicLong> ends = new ConcurrentHashMap<>();
    private final Map<List<String>, AtomicLong> underReplicated = new ConcurrentHashMap<>();
    private final Map<List<String>, AtomicLong> shareLags = new ConcurrentHashMap<>();
    private final Map<List<String>, AtomicLong> shareStarts = new ConcurrentHashMap<>();
    private CamelContext camelContext;
    private SharedKafkaAdmin admin;
    private String extraGroups = "";

    public void setAdmin(SharedKafkaAdmin admin) {
        this.admin = admin;
    }

    public void setGroups(String groups) {
        this.extraGroups = groups == null ? "" : groups;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    /** The groups watched: those of started Kafka consumer routes, plus flows.monitor.groups. */
    Set<String> groups() {
        Set<String> groups = new LinkedHashSet<>();
        for (Route route : camelContext.getRoutes()) {
            if (route.getEndpoint() instanceof KafkaEndpoint kafka
                    && camelContext.getRouteController().getRouteStatus(route.getRouteId()) == ServiceStatus.Started) {
                String group = kafka.getConfiguration().getGroupId();
                if (group != null) {
                    groups.add(group);
                }
            }
        }
        for (String group : extraGroups.split(",")) {
            if (!group.isBlank()) {
                groups.add(group.trim());
            }
        }
        return groups;
    }

    /** The share groups of started kafka-queue: routes. */
    Set<String> shareGroups() {
        Set<String> groups = new LinkedHashSet<>();
        for (Route route : camelContext.getRoutes()) {
            if (route.getEndpoint() instanceof KafkaQueueEndpoint queue
                    && camelContext.getRouteController().getRouteStatus(route.getRouteId()) == ServiceStatus.Started) {
                groups.add(queue.getGroupId());
            }
        }
        return groups;
    }

    public void refresh() {
        for (String group : groups()) {
            try {
                refresh(group);
            } catch (Exception e) {
                LOG.debug("Lag of group {} not refreshed: {}", group, e.toString());
            }
        }
        for (String group : shareGroups()) {
            try {
                ShareGroupAdministration.offsets(admin.admin(), group).forEach((tp, info) -> {
                    List<String> tags = List.of(group, tp.topic(), String.valueOf(tp.partition()));
                    List<String> names = List.of("group", "topic", "partition");
                    gauge(shareStarts, "kafkaflows.share.group.start.offset", tags, names).set(info.startOffset());
                    info.lag().ifPresent(lag -> gauge(shareLags, "kafkaflows.share.group.lag", tags, names).set(lag));
                });
            } catch (Exception e) {
                LOG.debug("Lag of share group {} not refreshed: {}", group, e.toString());
            }
        }
    }

    private void refresh(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(admin.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS));
        committed.values().removeIf(Objects::isNull);
        if (committed.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        committed.keySet().forEach(tp -> request.put(tp, OffsetSpec.latest()));
        var latest = admin.admin().listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(10, TimeUnit.SECONDS);
        Set<String> topics = new LinkedHashSet<>();
        committed.keySet().forEach(tp -> topics.add(tp.topic()));
        admin.admin().describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((topic, d) ->
                gauge(underReplicated, "kafkaflows.topic.under.replicated.partitions", List.of(topic), List.of("topic"))
                        .set(d.partitions().stream().filter(p -> p.isr().size() < p.replicas().size()).count()));
        committed.forEach((tp, om) -> {
            long end = latest.get(tp).offset();
            gauge(ends, "kafkaflows.topic.end.offset", List.of(tp.topic(), String.valueOf(tp.partition())),
                    List.of("topic", "partition")).set(end);
            gauge(lags, "kafkaflows.consumer.lag", List.of(group, tp.topic(), String.valueOf(tp.partition())),
                    List.of("group", "topic", "partition")).set(Math.max(0, end - om.offset()));
        });
    }

    private AtomicLong gauge(Map<List<String>, AtomicLong> values, String name, List<String> tagValues, List<String> tagNames) {
        return values.computeIfAbsent(tagValues, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.Builder<AtomicLong> builder = Gauge.builder(name, value, AtomicLong::get);
            for (int i = 0; i < tagNames.size(); i++) {
                builder.tag(tagNames.get(i), tagValues.get(i));
            }
            // a reloaded monitoring.camel.yaml makes a new monitor: its gauge replaces the old instance's
            MeterRegistry registry = Meters.registry(camelContext);
            Gauge stale = registry.find(name).tags(tagsOf(tagNames, tagValues)).gauge();
            if (stale != null) {
                registry.remove(stale);
            }
            builder.register(registry);
            return value;
        });
    }

    private static List<Tag> tagsOf(List<String> names, List<String> values) {
        List<Tag> tags = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            tags.add(Tag.of(names.get(i), values.get(i)));
        }
        return tags;
    }

    Collection<List<String>> watched() {
        return lags.keySet();
    }
}
