/** A protocol version this server speaks on the wire (the core itself works in 1.0). */
export type ProtocolVersion = "1.0" | "0.3";
