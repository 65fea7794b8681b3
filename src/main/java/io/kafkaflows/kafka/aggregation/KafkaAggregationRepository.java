package io.kafkaflows.kafka.aggregation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.kafkaflows.admin.SharedKafkaAdmin;
import io.kafkaflows.kafka.KafkaClientProperties;
import io.kafkaflows.kafka.KafkaClients;
import io.kafkaflows.kafka.KafkaRecords;
import io.kafkaflows.kafka.tx.KafkaTransactions;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.spi.OptimisticLockingAggregationRepository;
import org.apache.camel.spi.RecoverableAggregationRepository;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Utils;

/**
 * A Camel aggregation repository backed by a compacted Kafka changelog topic, like a Kafka Streams state store:
 * groups live in memory and every change is written to the changelog ({@code g:<correlation key>}; a tombstone
 * when the group completes), so a restarted or new instance restores them. Recoverable: completed exchanges stay
 * ({@code c:<exchange id>}) until confirmed. Optimistic locking: versions are checked on add and remove.
 * <p>
 * Changes are written by {@link ChangelogWriter}: waited for one by one, or with {@code transactional=true} (bean
 * {@code kafkaTransactions}) inside the consumer thread's Kafka transaction, so state, outputs and input offsets
 * commit together. A correlation key starting with {@code <digits>:} is kept in that changelog partition (state
 * follows the input partition); others are hashed.
 * With {@code restoreOnStart} (default) all partitions are restored at start; else the caller restores the
 * partitions it owns ({@link #restore}).
 */
public class KafkaAggregationRepository extends ServiceSupport
        implements RecoverableAggregationRepository, OptimisticLockingAggregationRepository, CamelContextAware {

    private static final String GROUP = "g:";
    private static final String COMPLETED = "c:";
    private static final String VERSION = "KafkaAggregationRepositoryVersion";

    private CamelContext camelContext;
    private String topic;
    private int partitions = 1;
    private short replicationFactor = 1;
    private boolean transactional;
    private boolean restoreOnStart = true;
    private boolean useRecovery = true;
    private long recoveryInterval = 5000;
    private String deadLetterUri;
    private int maximumRedeliveries;
    private Duration restoreTimeout = Duration.ofMinutes(2);
    private String allowedTypes = "java.lang.,java.util.,io.kafkaflows.";
    private boolean storeHeaders = true;
    private ExchangeCodec codec;
    private ChangelogStore store;
    private ChangelogWriter writer;

    /** Creates the compacted changelog topic if missing, with at least this many partitions. */
    public synchronized void ensureTopic(int minPartitions) {
        Admin admin = camelContext.getRegistry().lookupByNameAndType(SharedKafkaAdmin.BEAN_NAME, SharedKafkaAdmin.class).admin();
        partitions = ChangelogTopic.ensure(admin, topic, Math.max(partitions, minPartitions), replicationFactor);
        if (partitions < minPartitions) {
            throw new IllegalStateException("changelog topic " + topic + " has " + partitions + " partitions, fewer than"
                    + " the " + minPartitions + " of its input: state cannot follow the input partitions");
        }
    }

    /** Reloads these changelog partitions (and forgets all others it held if {@code exclusive}). */
    public long restore(Set<Integer> owned, boolean exclusive) {
        writer.dropPending();
        if (exclusive) {
            store.retainOnly(owned);
        }
        return store.restore(owned);
    }

    /** The groups stored in one changelog partition (correlation key and stored exchange), for rebuilding indexes. */
    public void forEachGroup(int partition, BiConsumer<String, Exchange> action) {
        store.forEach(partition, (key, entry) -> {
            if (key.startsWith(GROUP)) {
                action.accept(key.substring(GROUP.length()), decode(entry));
            }
        });
    }

    @Override
    public Exchange get(CamelContext context, String key) {
        ChangelogStore.Entry entry = store.get(partitionOf(key), GROUP + key);
        return entry == null ? null : decode(entry);
    }

    /** Stores the group; returns null (the old exchange is not decoded again: the aggregate EIP does not use it). */
    @Override
    public Exchange add(CamelContext context, String key, Exchange exchange) {
        write(key, GROUP + key, exchange);
        return null;
    }

    @Override
    public Exchange add(CamelContext context, String key, Exchange oldExchange, Exchange newExchange) {
        checkVersion(key, oldExchange);
        return add(context, key, newExchange);
    }

    @Override
    public void remove(CamelContext context, String key, Exchange exchange) {
        checkVersion(key, exchange);
        write(key, GROUP + key, null);
        if (useRecovery) {
            write(key, COMPLETED + exchange.getExchangeId(), exchange);
        }
    }

    @Override
    public void confirm(CamelContext context, String exchangeId) {
        if (useRecovery && partitionOfStored(COMPLETED + exchangeId) >= 0) {
            write(null, COMPLETED + exchangeId, null);
        }
    }

    @Override
    public Set<String> getKeys() {
        return store.keys(GROUP).stream().map(k -> k.substring(GROUP.length())).collect(Collectors.toSet());
    }

    @Override
    public Set<String> scan(CamelContext context) {
        return store.keys(COMPLETED).stream().map(k -> k.substring(COMPLETED.length())).collect(Collectors.toSet());
    }

    @Override
    public Exchange recover(CamelContext context, String exchangeId) {
        int partition = partitionOfStored(COMPLETED + exchangeId);
        return partition < 0 ? null : decode(store.get(partition, COMPLETED + exchangeId));
    }

    private void checkVersion(String key, Exchange expected) {
        ChangelogStore.Entry current = store.get(partitionOf(key), GROUP + key);
        Long expectedVersion = expected == null ? null : expected.getProperty(VERSION, Long.class);
        boolean same = current == null ? expected == null : expectedVersion != null && expectedVersion == current.version();
        if (!same) {
            throw new OptimisticLockingException();
        }
    }

    private Exchange decode(ChangelogStore.Entry entry) {
        Exchange exchange = entry.live() != null ? entry.live() : codec.decode(camelContext, entry.value());
        exchange.setProperty(VERSION, entry.version());
        return exchange;
    }

    private void write(String correlationKey, String storedKey, Exchange exchange) {
        writer.write(correlationKey == null ? partitionOfStored(storedKey) : partitionOf(correlationKey), storedKey, exchange);
    }

    /** The changelog partition holding this stored key, or -1. */
    private int partitionOfStored(String storedKey) {
        return IntStream.range(0, partitions).filter(p -> store.get(p, storedKey) != null).findFirst().orElse(-1);
    }

    /** {@code <digits>:...} goes to that partition; any other key is hashed like Kafka's default partitioner. */
    public int partitionOf(String correlationKey) {
        int colon = correlationKey.indexOf(':');
        if (colon > 0 && correlationKey.chars().limit(colon).allMatch(Character::isDigit)) {
            return Integer.parseInt(correlationKey.substring(0, colon));
        }
        return Utils.toPositive(Utils.murmur2(correlationKey.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Override
    protected void doStart() {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("KafkaAggregationRepository needs a changelog topic");
        }
        codec = new ExchangeCodec(Arrays.stream(allowedTypes.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                storeHeaders);
        Properties consumer = KafkaClientProperties.consumer(camelContext);
        store = new ChangelogStore(topic, consumer, KafkaClients.consumers(camelContext), restoreTimeout);
        writer = transactional
                ? ChangelogWriter.transactional(topic, store, codec, CamelContextHelper.mandatoryLookup(camelContext,
                        KafkaTransactions.BEAN_NAME, KafkaTransactions.class))
                : ChangelogWriter.direct(topic, store, codec, KafkaRecords.bytesProducer(camelContext, Map.of()));
        if (restoreOnStart) {
            ensureTopic(partitions);
            store.restore(new HashSet<>(IntStream.range(0, partitions).boxed().toList()));
        }
    }

    @Override
    protected void doStop() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public String getTopic() {
        return topic;
    }

    public void setPartitions(int partitions) {
        this.partitions = partitions;
    }

    public void setReplicationFactor(short replicationFactor) {
        this.replicationFactor = replicationFactor;
    }

    /** Write into the Kafka transaction open on the consumer thread (bean kafkaTransactions) instead of a producer. */
    public void setTransactional(boolean transactional) {
        this.transactional = transactional;
    }

    public void setRestoreOnStart(boolean restoreOnStart) {
        this.restoreOnStart = restoreOnStart;
    }

    public void setRestoreTimeout(Duration restoreTimeout) {
        this.restoreTimeout = restoreTimeout;
    }

    /** false: store the body only (headers and exchange properties such as the aggregated size are not kept). */
    public void setStoreHeaders(boolean storeHeaders) {
        this.storeHeaders = storeHeaders;
    }

    public void setAllowedTypes(String allowedTypes) {
        this.allowedTypes = allowedTypes;
    }

    @Override
    public void setRecoveryInterval(long interval) {
        this.recoveryInterval = interval;
    }

    @Override
    public void setRecoveryInterval(long interval, TimeUnit unit) {
        this.recoveryInterval = unit.toMillis(interval);
    }

    @Override
    public long getRecoveryInterval() {
        return recoveryInterval;
    }

    @Override
    public void setUseRecovery(boolean useRecovery) {
        this.useRecovery = useRecovery;
    }

    @Override
    public boolean isUseRecovery() {
        return useRecovery;
    }

    @Override
    public void setDeadLetterUri(String deadLetterUri) {
        this.deadLetterUri = deadLetterUri;
    }

    @Override
    public String getDeadLetterUri() {
        return deadLetterUri;
    }

    @Override
    public void setMaximumRedeliveries(int maximumRedeliveries) {
        this.maximumRedeliveries = maximumRedeliveries;
    }

    @Override
    public int getMaximumRedeliveries() {
        return maximumRedeliveries;
    }
}
