package io.kafkaflows.guarantees;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sequenced input of the consumer, transform and exactly-once cells: record i has key "key-(i % 30)" and value
 * {@code {"seq":i,"text":"t"}}; in poison cells every 10th is {@code poison-i} (not JSON), and in the DLQ-unwritable
 * cell each poison record also carries a 16 KiB header, so its dead letter exceeds the DLQ topic's 8 KiB limit.
 * Remembers the poison sequence numbers and each partition's first poison offset.
 */
public final class SequencedInput {

    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    private static final Pattern POISON = Pattern.compile("poison-(\\d+)");

    private final int total;
    private final Set<Integer> poison = new TreeSet<>();
    private final Map<Integer, Long> firstPoisonOffset = new HashMap<>();
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();

    private SequencedInput(int total) {
        this.total = total;
    }

    /** The input, not yet written (see {@link #records()} and {@link #written}). */
    public static SequencedInput build(String topic, int total, boolean poisoned, boolean hugePoison, long seed) {
        SequencedInput input = new SequencedInput(total);
        String noise = hugePoison ? noise(seed) : null;
        for (int i = 0; i < total; i++) {
            boolean bad = poisoned && i % 10 == 0;
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, utf8("key-" + (i % 30)),
                    utf8(bad ? "poison-" + i : "{\"seq\":" + i + ",\"text\":\"t\"}"));
            if (bad) {
                input.poison.add(i);
                if (noise != null) {
                    r.headers().add("noise", utf8(noise));
                }
            }
            input.records.add(r);
        }
        return input;
    }

    /** 16 KiB of text for the header that makes a poison record's dead letter too large for the 8 KiB DLQ topic. */
    static String noise(long seed) {
        byte[] bytes = new byte[12 * 1024];
        new Random(seed).nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    public List<ProducerRecord<byte[], byte[]>> records() {
        return records;
    }

    /** Takes the metadata of the written records (in input order): where each partition's first poison landed. */
    public void written(List<RecordMetadata> written) {
        for (int i = 0; i < total; i++) {
            if (poison.contains(i)) {
                firstPoisonOffset.merge(written.get(i).partition(), written.get(i).offset(), Math::min);
            }
        }
    }

    public int total() {
        return total;
    }

    /** Partition -> offset of its first poison record. */
    public Map<Integer, Long> firstPoisonOffsets() {
        return firstPoisonOffset;
    }

    /** The sequence number in an output value ({@code "seq":n}), or -1. */
    public static int seqOf(String value) {
        Matcher m = value == null ? null : SEQ.matcher(value);
        return m != null && m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Every sequence number in {@code body} (a batch sink's request: the events of one batch). */
    public static List<Integer> seqsOf(String body) {
        List<Integer> seqs = new ArrayList<>();
        Matcher m = SEQ.matcher(body == null ? "" : body);
        while (m.find()) {
            seqs.add(Integer.parseInt(m.group(1)));
        }
        return seqs;
    }

    /** The sequence number of a dead-lettered poison value ({@code poison-n}), or -1. */
    public static int poisonSeqOf(String value) {
        Matcher m = value == null ? null : POISON.matcher(value);
        return m != null && m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * Judges outputs and dead letters against this input: missing (neither processed nor dead-lettered), duplicates
     * (extra deliveries of either), wrong (processed and dead-lettered, a valid record dead-lettered, or out of order
     * per key as counted by the caller).
     */
    public Counts tally(List<Integer> processedSeqs, List<Integer> deadSeqs, long outOfOrder) {
        Map<Integer, Integer> processed = new HashMap<>();
        processedSeqs.forEach(s -> processed.merge(s, 1, Integer::sum));
        Map<Integer, Integer> dead = new HashMap<>();
        deadSeqs.forEach(s -> dead.merge(s, 1, Integer::sum));
        long missing = 0;
        long both = 0;
        long validDead = 0;
        for (int i = 0; i < total; i++) {
            boolean p = processed.containsKey(i);
            boolean d = dead.containsKey(i);
            missing += p || d ? 0 : 1;
            both += p && d ? 1 : 0;
            validDead += d && !poison.contains(i) ? 1 : 0;
        }
        long duplicates = processedSeqs.size() - processed.size() + deadSeqs.size() - dead.size();
        List<String> notes = new ArrayList<>();
        if (both > 0) {
            notes.add(both + " both processed and dead-lettered");
        }
        if (validDead > 0) {
            notes.add(validDead + " valid records dead-lettered");
        }
        if (outOfOrder > 0) {
            notes.add(outOfOrder + " out of order per key");
        }
        return new Counts(total, processedSeqs.size(), deadSeqs.size(), duplicates, missing, both + validDead + outOfOrder,
                String.join(", ", notes));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
