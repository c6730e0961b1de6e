package io.meshscope.client.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.BytesValue;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads captured ALS traffic from a file: {@code StreamAccessLogsMessage}s or single HTTP or TCP
 * entries, in protobuf JSON (what {@code JsonFormat} prints and Envoy users dump; several objects
 * one after another, or a JSON array) or in protobuf text format (messages separated by a line
 * {@code ---}); lines starting with {@code #} are comments in both. The v2 API's {@code Node.build_version},
 * which captures of older proxies carry and v3 removed, is dropped, as the wire would ignore it; any
 * other unknown field is an error, since it is more likely a typo. Single entries become one-entry
 * messages. A file is one stream: only its first
 * message should carry the identifier, as Envoy sends it.
 */
public final class CapturedMessages {

  /** A message and the line of the file it starts on. */
  public record Captured(StreamAccessLogsMessage message, int line) {}

  /** A file that cannot be read, with the file and line in the message. */
  public static final class BadCaptureException extends IOException {
    private static final long serialVersionUID = 1L;

    public BadCaptureException(Path file, int line, String problem) {
      super(file + ":" + line + ": " + problem);
    }
  }

  // Istio's peer metadata arrives as Any: the parsers must know the types it packs.
  private static final TypeRegistry TYPES = TypeRegistry.newBuilder()
      .add(Struct.getDescriptor()).add(BytesValue.getDescriptor()).add(StringValue.getDescriptor()).build();
  private static final JsonFormat.Parser JSON = JsonFormat.parser().usingTypeRegistry(
      JsonFormat.TypeRegistry.newBuilder().add(Struct.getDescriptor()).add(BytesValue.getDescriptor())
          .add(StringValue.getDescriptor()).build());
  private static final TextFormat.Parser TEXT = TextFormat.Parser.newBuilder().setTypeRegistry(TYPES).build();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CapturedMessages() {}

  public static List<Captured> read(Path file) throws IOException {
    return parse(file, Files.readString(file, StandardCharsets.UTF_8));
  }

  /** The messages of a capture's text; {@code file} only names it in errors. */
  static List<Captured> parse(Path file, String text) throws IOException {
    String first = firstContent(text);
    if (first.isEmpty()) {
      throw new BadCaptureException(file, 1, "the file is empty");
    }
    return first.startsWith("{") || first.startsWith("[") ? readJson(file, text) : readText(file, text);
  }

  /** The first line that is neither blank nor a {@code #} comment (both formats allow those), stripped. */
  private static String firstContent(String text) {
    for (String line : text.split("\n", -1)) {
      String s = line.strip();
      if (!s.isEmpty() && !s.startsWith("#")) {
        return s;
      }
    }
    return "";
  }

  private static List<Captured> readJson(Path file, String text) throws IOException {
    List<Captured> out = new ArrayList<>();
    // Captures shared as test data often open with a licence header in # comments.
    JsonFactory json = JsonFactory.builder().enable(JsonReadFeature.ALLOW_YAML_COMMENTS).build();
    try (JsonParser parser = json.createParser(text)) {
      JsonToken token = parser.nextToken();
      boolean array = token == JsonToken.START_ARRAY;
      if (array) {
        token = parser.nextToken();
      }
      while (token != null && token != JsonToken.END_ARRAY) {
        JsonLocation start = parser.currentTokenLocation();
        int line = start.getLineNr();
        if (token != JsonToken.START_OBJECT) {
          throw new BadCaptureException(file, line, "expected a JSON object, found " + token);
        }
        JsonNode node = MAPPER.readTree(parser);
        out.add(new Captured(fromJson(file, line, node), line));
        token = parser.nextToken();
      }
    } catch (JsonProcessingException e) {
      throw new BadCaptureException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          "not valid JSON: " + e.getOriginalMessage());
    }
    if (out.isEmpty()) {
      throw new BadCaptureException(file, 1, "no messages in the file");
    }
    return out;
  }

  private static StreamAccessLogsMessage fromJson(Path file, int line, JsonNode node) throws BadCaptureException {
    if (node.at("/identifier/node") instanceof ObjectNode proxy) {
      proxy.remove(List.of("buildVersion", "build_version"));
    }
    String json = node.toString();
    try {
      if (node.has("identifier") || node.has("httpLogs") || node.has("tcpLogs") || node.has("http_logs")
          || node.has("tcp_logs")) {
        StreamAccessLogsMessage.Builder b = StreamAccessLogsMessage.newBuilder();
        JSON.merge(json, b);
        return b.build();
      }
      if (node.has("connectionProperties") || node.has("connection_properties")) {
        TCPAccessLogEntry.Builder e = TCPAccessLogEntry.newBuilder();
        JSON.merge(json, e);
        return wrap(e.build());
      }
      if (node.has("commonProperties") || node.has("common_properties")) {
        HTTPAccessLogEntry.Builder e = HTTPAccessLogEntry.newBuilder();
        JSON.merge(json, e);
        return wrap(e.build());
      }
    } catch (InvalidProtocolBufferException e) {
      throw new BadCaptureException(file, line, "not an ALS message: " + e.getMessage());
    }
    throw new BadCaptureException(file, line, "neither a StreamAccessLogsMessage nor an HTTP or TCP entry "
        + "(expected identifier/httpLogs/tcpLogs or commonProperties)");
  }

  private static List<Captured> readText(Path file, String text) throws IOException {
    List<Captured> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    StringBuilder chunk = new StringBuilder();
    int chunkStart = 1;
    for (int i = 0; i <= lines.length; i++) {
      boolean end = i == lines.length || lines[i].strip().equals("---");
      if (end) {
        if (!chunk.toString().isBlank()) {
          out.add(new Captured(fromText(file, chunkStart, chunk.toString()), chunkStart));
        }
        chunk.setLength(0);
        chunkStart = i + 2;
      } else {
        chunk.append(lines[i]).append('\n');
      }
    }
    if (out.isEmpty()) {
      throw new BadCaptureException(file, 1, "no messages in the file");
    }
    return out;
  }

  private static StreamAccessLogsMessage fromText(Path file, int startLine, String chunk) throws BadCaptureException {
    String fields = chunk.replaceAll("(?m)#.*$", "");
    boolean message = fields.matches("(?s).*\\b(identifier|http_logs|tcp_logs)\\s*[:{].*");
    boolean tcp = fields.matches("(?s).*\\bconnection_properties\\s*[:{].*");
    try {
      if (message) {
        StreamAccessLogsMessage.Builder b = StreamAccessLogsMessage.newBuilder();
        TEXT.merge(chunk, b);
        return b.build();
      }
      if (tcp) {
        TCPAccessLogEntry.Builder e = TCPAccessLogEntry.newBuilder();
        TEXT.merge(chunk, e);
        return wrap(e.build());
      }
      HTTPAccessLogEntry.Builder e = HTTPAccessLogEntry.newBuilder();
      TEXT.merge(chunk, e);
      if (!e.hasCommonProperties()) {
        throw new BadCaptureException(file, startLine, "neither a StreamAccessLogsMessage nor an HTTP or TCP entry");
      }
      return wrap(e.build());
    } catch (TextFormat.ParseException e) {
      int line = e.getLine() > 0 ? startLine + e.getLine() - 1 : startLine;
      throw new BadCaptureException(file, line, "not protobuf text format: " + e.getMessage());
    }
  }

  static StreamAccessLogsMessage wrap(HTTPAccessLogEntry e) {
    StreamAccessLogsMessage.Builder b = StreamAccessLogsMessage.newBuilder();
    b.getHttpLogsBuilder().addLogEntry(e);
    return b.build();
  }

  static StreamAccessLogsMessage wrap(TCPAccessLogEntry e) {
    StreamAccessLogsMessage.Builder b = StreamAccessLogsMessage.newBuilder();
    b.getTcpLogsBuilder().addLogEntry(e);
    return b.build();
  }

}
