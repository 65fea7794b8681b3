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
import java.util.concurrent.CompletableFuture;

import io.kafkaflows.deadletter.DeadLetterHeaders;
import io.kafkaflows.testsupport.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The DLQ replay row: the cell's dead-letter topic holds its records as dead letters of a source topic; one client
 * calls {@code POST /api/dlq/replay} (targetTopic: the cell's output) on the instance running now, paced by
 * {@code flows.replay.max-per-second} so the call spans the cell, and calls again until a call is answered 200. The
 * promise ({@link FlowPromise#REPLAYED}): once a call completed, every dead letter is in the target; an interrupted
 * call replays its matches again on the next one, so duplicates are counted, not limited.
 */
public final class DlqReplayFlow implements FlowUnderTest {

    @Override
    public String name() {
        return "DLQ replay";
    }

    @Override
    public FlowPromise promise() {
        return FlowPromise.REPLAYED;
    }

    @Override
    public int recordsPerPoll() {
        return 0;
    }

    @Override
    public Applicability applies(Fault fault) {
        return switch (fault) {
            case ZOMBIE, REBALANCE -> Applicability.notApplicable("a replay reads the dead-letter topic by assignment, in no consumer group");
            case POISON, DLQ_UNWRITABLE -> Applicability.notApplicable("replay copies records as they are: nothing is parsed, nothing dead-lettered");
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
        private final String dlq;
        private final String target;
        private final InstanceClient client = new InstanceClient();
        private final CompletableFuture<Void> caller;
        private volatile boolean replayed;
        private volatile boolean closed;

        Cell(CellContext context) {
            this.context = context;
            this.kafka = context.kafka();
            String source = SequencedFlow.unique("replay-source");
            dlq = kafka.createTopic(SequencedFlow.unique("replay-dlq"), context.partitions(), Map.of());
            target = kafka.createTopic(SequencedFlow.unique("replay-target"), context.partitions(), Map.of());
            List<ProducerRecord<byte[], byte[]>> dead = new ArrayList<>();
            for (int i = 0; i < context.records(); i++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(dlq, utf8("k" + i % 16), utf8("{\"seq\":" + i + ",\"text\":\"t\"}"));
                r.headers().add(new RecordHeader(DeadLetterHeaders.SOURCE_TOPIC, utf8(source)));
                r.headers().add(new RecordHeader(DeadLetterHeaders.EXCEPTION_CLASS, utf8("java.io.IOException")));
                dead.add(r);
            }
            kafka.produce(dead);
            // a call blocks up to 5 minutes
            caller = CompletableFuture.runAsync(this::callUntilAnswered, PacedProducer.ownThread("guarantees-replay-caller"));
        }

        private void callUntilAnswered() {
            String body = "{\"targetTopic\":\"" + target + "\",\"dlqTopic\":\"" + dlq + "\"}";
            try {
                while (!closed && !replayed) {
                    HttpResponse<String> answer = client.post("/api/dlq/replay", body, Duration.ofMinutes(5));
                    if (answer != null) {
                        replayed = answer.statusCode() == 200;
                        System.out.println("guarantees: replay answered " + answer.statusCode() + " " + answer.body());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public Map<String, String> settings() {
            Map<String, String> s = new HashMap<>(context.appSettings().get());
            long perSecond = Math.max(1, context.records() / Math.max(1, context.inputSpan().toSeconds()));
            s.put("flows.replay.max-per-second", String.valueOf(perSecond));
            client.instanceStarted(s);
            return s;
        }

        @Override
        public Source source() {
            return new Source(dlq, "(no group)", context.records());
        }

        @Override
        public List<ProducerRecord<byte[], byte[]>> input() {
            return List.of();
        }

        /** Records in the target, short of the end until a call was answered 200. */
        @Override
        public long progress(TestKafka kafka) {
            long written = kafka.endOffsetTotal(target);
            return replayed ? Math.max(written, context.records()) : Math.min(written, context.records() - 1);
        }

        @Override
        public Counts count() {
            List<Integer> seqs = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(target, "read_committed")) {
                seqs.add(SequencedInput.seqOf(new String(r.value(), StandardCharsets.UTF_8)));
            }
            Set<Integer> distinct = new HashSet<>(seqs);
            long missing = 0;
            for (int i = 0; i < context.records(); i++) {
                missing += distinct.contains(i) ? 0 : 1;
            }
            return new Counts(context.records(), seqs.size(), 0, seqs.size() - distinct.size(), missing, 0, "");
        }

        @Override
        public void close() {
            closed = true;
            caller.cancel(true);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
