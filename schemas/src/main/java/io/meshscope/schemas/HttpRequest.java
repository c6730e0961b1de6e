package io.meshscope.schemas;

/** The request line of an HTTP entry; values are as received (untrusted, length-capped). */
public record HttpRequest(String method, String scheme, String authority, String path) {}
