package timeline.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import timeline.v1.Envelope.EventEnvelope;
import timeline.v1.Events.Event;
import timeline.v1.Events.InvoiceLine;
import timeline.v1.MoneyOuterClass.Money;

/**
 * The Kafka Streams peer of deploy/bench.sh (issue 14): account-events folded the way a team
 * would write it with the Processor API and the default RocksDB stores. Per account, one store
 * entry holds the money invoiced and paid per currency, the open orders and what each unpaid
 * invoice still owes; a second store holds every event by account and sequence (the timeline).
 * Both stores are changelogged, as Kafka Streams does by default.
 *
 * <p>Usage: StreamsPeer BROKERS TOPIC EVENTS GUARANTEE STATE_DIR. EVENTS is how many events the
 * topic holds (the run ends once all are folded); GUARANTEE is at_least_once or exactly_once_v2.
 * Prints one JSON line: the guarantee, the events folded, the seconds from the first record to
 * the last (and from start), and the rate over the former.
 */
public final class StreamsPeer {
  private static final AtomicLong folded = new AtomicLong();
  // When the first record reached the processor: the rate is timed from there, as the engine's
  // rebuild times its replay, so neither includes start-up (the JVM, the group's first join).
  private static final AtomicLong firstRecordNanos = new AtomicLong();

  /** What the peer keeps per account; written whole on every event, as a store value is. */
  static final class AccountTotals {
    final Map<String, long[]> money = new HashMap<>(); // currency -> {invoiced, paid}
    final Set<String> openOrders = new HashSet<>();
    final Map<String, Long> unpaid = new HashMap<>(); // invoice -> minor units still owed
    final Map<String, String> invoiceCurrency = new HashMap<>();

    byte[] encode() {
      try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(money.size());
        for (var entry : money.entrySet()) {
          out.writeUTF(entry.getKey());
          out.writeLong(entry.getValue()[0]);
          out.writeLong(entry.getValue()[1]);
        }
        out.writeInt(openOrders.size());
        for (String order : openOrders) out.writeUTF(order);
        out.writeInt(unpaid.size());
        for (var entry : unpaid.entrySet()) {
          out.writeUTF(entry.getKey());
          out.writeLong(entry.getValue());
          out.writeUTF(invoiceCurrency.getOrDefault(entry.getKey(), ""));
        }
        out.flush();
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static AccountTotals decode(byte[] value) {
      AccountTotals totals = new AccountTotals();
      if (value == null) return totals;
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
        for (int n = in.readInt(); n > 0; --n) {
          totals.money.put(in.readUTF(), new long[] {in.readLong(), in.readLong()});
        }
        for (int n = in.readInt(); n > 0; --n) totals.openOrders.add(in.readUTF());
        for (int n = in.readInt(); n > 0; --n) {
          String invoice = in.readUTF();
          totals.unpaid.put(invoice, in.readLong());
          totals.invoiceCurrency.put(invoice, in.readUTF());
        }
        return totals;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void apply(Event event) {
      switch (event.getEventCase()) {
        case ORDER_PLACED -> openOrders.add(event.getOrderPlaced().getOrderId());
        case ORDER_FULFILLED -> openOrders.remove(event.getOrderFulfilled().getOrderId());
        case ORDER_CANCELLED -> openOrders.remove(event.getOrderCancelled().getOrderId());
        case INVOICE_ISSUED -> {
          var invoice = event.getInvoiceIssued();
          long total = 0;
          String currency = "";
          for (InvoiceLine line : invoice.getLinesList()) {
            Money price = line.getUnitPrice();
            total += line.getQuantity() * price.getMinorUnits() * (10000 - line.getDiscountBps()) / 10000;
            currency = price.getCurrency();
          }
          money.computeIfAbsent(currency, c -> new long[2])[0] += total;
          unpaid.put(invoice.getInvoiceId(), total);
          invoiceCurrency.put(invoice.getInvoiceId(), currency);
        }
        case PAYMENT_RECEIVED -> {
          var payment = event.getPaymentReceived();
          Money amount = payment.getAmount();
          money.computeIfAbsent(amount.getCurrency(), c -> new long[2])[1] += amount.getMinorUnits();
          Long owed = unpaid.get(payment.getInvoiceId());
          if (owed != null) {
            long left = owed - amount.getMinorUnits();
            if (left <= 0) {
              unpaid.remove(payment.getInvoiceId());
              invoiceCurrency.remove(payment.getInvoiceId());
            } else {
              unpaid.put(payment.getInvoiceId(), left);
            }
          }
        }
        default -> {}
      }
    }
  }

  static final class Fold implements Processor<String, byte[], Void, Void> {
    private KeyValueStore<String, byte[]> accounts;
    private KeyValueStore<String, byte[]> timeline;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      accounts = context.getStateStore("accounts");
      timeline = context.getStateStore("timeline");
    }

    @Override
    public void process(Record<String, byte[]> record) {
      firstRecordNanos.compareAndSet(0, System.nanoTime());
      try {
        EventEnvelope envelope = EventEnvelope.parseFrom(record.value());
        Event event = Event.parseFrom(envelope.getBody());
        String account = envelope.getAccountId();
        AccountTotals totals = AccountTotals.decode(accounts.get(account));
        totals.apply(event);
        accounts.put(account, totals.encode());
        timeline.put(String.format("%s/%020d", account, envelope.getSequence()), record.value());
      } catch (InvalidProtocolBufferException e) {
        // Not an event (the engine dead-letters it); counted, so the run still ends.
      }
      folded.incrementAndGet();
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: StreamsPeer BROKERS TOPIC EVENTS GUARANTEE STATE_DIR");
      System.exit(2);
    }
    final String brokers = args[0];
    final String topic = args[1];
    final long events = Long.parseLong(args[2]);
    final String guarantee = args[3];
    final String stateDir = args[4];

    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore("accounts"), Serdes.String(), Serdes.ByteArray()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore("timeline"), Serdes.String(), Serdes.ByteArray()));
    builder.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(Fold::new, "accounts", "timeline");

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG,
        "timeline-bench-peer-" + guarantee.replace('_', '-') + "-" + System.nanoTime());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // account-events is written in transactions: fold what committed, as the engine does
    // (exactly_once_v2 sets this by itself; at_least_once would read aborted records too).
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    final long started = System.nanoTime();
    streams.start();
    final long deadline = started + Duration.ofMinutes(30).toNanos();
    while (folded.get() < events && System.nanoTime() < deadline) Thread.sleep(20);
    final long ended = System.nanoTime();
    final double seconds = (ended - firstRecordNanos.get()) / 1e9;
    final double withStart = (ended - started) / 1e9;
    final long done = folded.get();
    streams.close(Duration.ofSeconds(60));
    streams.cleanUp();
    System.out.printf(
        "{\"guarantee\": \"%s\", \"events\": %d, \"seconds\": %.2f, \"seconds_with_start\": %.2f, "
            + "\"events_per_second\": %.0f}%n",
        guarantee, done, seconds, withStart, done / seconds);
    System.exit(done >= events ? 0 : 1);
  }
}
