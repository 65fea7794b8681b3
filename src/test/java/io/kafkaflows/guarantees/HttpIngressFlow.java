package io.kafkaflows.guarantees;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The HTTP ingress row: {@link #CLIENTS} clients POST the cell's records, {@link #BATCH} per request, to
 * {@code /api/topics/{topic}/records} of the instance running now, spread over the cell's input span. Like a real
 * client, each request is sent again until it is answered 200 (connection refused while the app restarts, 503 while
 * the broker is away, a timeout). The promise is judged on the acknowledged records: each is in the topic
 * (read_committed, to the end offsets); duplicates come from requests sent again after a 503 or no answer that the
 * broker had in fact written, and are counted ({@link FlowPromise#ACKNOWLEDGED}).
 */
public final class HttpIngressFlow implements FlowUnderTest {

    private static final int BATCH = 10;
    private static final int CLIENTS = 4;

    @Override
    public String name() {
        return "HTTP ingress (acknowledged records)";
    }

    @Override
    public FlowPromise promise() {
        return FlowPromise.ACKNOWLEDGED;
    }

    /** The records in flight at once: every client's request. */
    @Override
    public int recordsPerPoll() {
        return BATCH * CLIENTS;
    }

    @Override
    public Applicability applies(Fault fault) {
        return switch (fault) {
            case ZOMBIE, REBALANCE -> Applicability.notApplicable("HTTP ingress only produces: no consumer group to fence or rebalance");
            case POISON, DLQ_UNWRITABLE -> Applicability.notApplicable("a bad request is refused (400) before anything is written: no dead letters");
            default -> Applicability.APPLIES;
        };
    }

    @Override
    public PreparedCell prepare(CellContext context) {
        return new Cell(context);
    }

    private static final class Cell implements PreparedCell {
        private final CellContext context;
        private final TestKafka kafka;
        private final String topic;
        private final InstanceClient client = new InstanceClient();
        private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        private final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        private final Map<Integer, AtomicLong> refused = new ConcurrentHashMap<>();
        private volatile boolean closed;

        Cell(CellContext context) {
            this.context = context;
            this.kafka = context.kafka();
            this.topic = kafka.createTopic(SequencedFlow.unique("http-in"), context.partitions(), Map.of());
            int batches = (context.records() + BATCH - 1) / BATCH;
            AtomicInteger next = new AtomicInteger();
            long started = System.nanoTime();
            for (int c = 0; c < CLIENTS; c++) {
                clients.submit(() -> {
                    for (int b = next.getAndIncrement(); b < batches && !closed; b = next.getAndIncrement()) {
                        long due = started + context.inputSpan().toNanos() * b / batches;
                        InstanceClient.pause(due - System.nanoTime());
                        post(b * BATCH, Math.min(context.records(), (b + 1) * BATCH));
                    }
                    return null;
                });
            }
        }

        /** Sends records [from, to) until the instance running now answers 200. */
        private void post(int from, int to) throws InterruptedException {
            StringBuilder body = new StringBuilder("[");
            for (int i = from; i < to; i++) {
                body.append(i == from ? "" : ",").append("{\"key\":\"k").append(i % 16).append("\",\"value\":{\"seq\":")
                        .append(i).append(",\"text\":\"t\"}}");
            }
            String json = body.append(']').toString();
            while (!closed) {
                HttpResponse<String> answer = client.post("/api/topics/" + topic + "/records", json, Duration.ofSeconds(30));
                if (answer != null && answer.statusCode() == 200) {
                    for (int i = from; i < to; i++) {
                        acknowledged.add(i);
                    }
                    return;
                }
                if (answer != null && answer.statusCode() != 503) {
                    refused.computeIfAbsent(answer.statusCode(), k -> new AtomicLong()).incrementAndGet();
                    System.out.println("guarantees: HTTP " + answer.statusCode() + ": " + answer.body());
                }
            }
        }

        @Override
        public Map<String, String> settings() {
            Map<String, String> s = new HashMap<>(context.appSettings().get());
            client.instanceStarted(s);
            return s;
        }

        @Override
        public Source source() {
            return new Source(topic, "(no group)", context.records());
        }

        @Override
        public List<ProducerRecord<byte[], byte[]>> input() {
            return List.of();
        }

        @Override
        public long progress(TestKafka kafka) {
            return acknowledged.size();
        }

        @Override
        public Counts count() {
            List<Integer> seqs = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(topic, "read_committed")) {
                seqs.add(SequencedInput.seqOf(new String(r.value(), StandardCharsets.UTF_8)));
            }
            Set<Integer> distinct = new HashSet<>(seqs);
            long missing = acknowledged.stream().filter(seq -> !distinct.contains(seq)).count();
            long wrong = refused.values().stream().mapToLong(AtomicLong::get).sum();
            return new Counts(context.records(), seqs.size(), 0, seqs.size() - distinct.size(), missing, wrong,
                    wrong > 0 ? "requests answered neither 200 nor 503 " + refused : "");
        }

        @Override
        public void close() {
            closed = true;
            clients.shutdownNow();
        }
    }
}
