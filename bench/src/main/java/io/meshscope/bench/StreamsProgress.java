package io.meshscope.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.Closeable;
import java.io.IOException;
import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Records a Kafka Streams process has processed, read from its stream threads' {@code process-total}
 * metric over JMX (attached locally, no port). Committed offsets move only at commits, every few
 * seconds per thread, so a window measured between two of them is off by up to a commit interval
 * at each end; this count moves with every batch a thread processes. It also counts records from
 * the repartition topic, which stays nearly empty when records are keyed by their caller (the
 * benchmark's are).
 */
final class StreamsProgress implements Closeable {

  private final JMXConnector connector;
  private final MBeanServerConnection server;
  private final ObjectName threads;

  private StreamsProgress(JMXConnector connector) throws IOException {
    this.connector = connector;
    this.server = connector.getMBeanServerConnection();
    try {
      this.threads = new ObjectName("kafka.streams:type=stream-thread-metrics,*");
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Attaches to the JVM {@code pid} and starts its local management agent if it has none. */
  static StreamsProgress attach(long pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
    JMXConnector connector = null;
    try {
      connector = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
      return new StreamsProgress(connector);
    } catch (Exception e) {
      if (connector != null) {
        connector.close();
      }
      throw e;
    } finally {
      vm.detach();
    }
  }

  /** Records processed by all stream threads so far; -1 before the threads have registered metrics. */
  long processed() throws Exception {
    long sum = 0;
    boolean any = false;
    for (ObjectName thread : server.queryNames(threads, null)) {
      // A thread registers its sensors lazily; one without process-total yet has processed nothing.
      Object total;
      try {
        total = server.getAttribute(thread, "process-total");
      } catch (AttributeNotFoundException | InstanceNotFoundException e) {
        continue; // not yet registered, or a thread that has just stopped
      }
      if (total instanceof Number n) {
        sum += (long) n.doubleValue();
        any = true;
      }
    }
    return any ? sum : -1;
  }

  @Override
  public void close() throws IOException {
    connector.close();
  }
}
