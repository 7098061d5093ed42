import CHiredis

extension RedisReply {
    /// The typed copy of a reply hiredis parsed; the caller still frees the original.
    init(_ reply: UnsafeMutablePointer<redisReply>) {
        let value = reply.pointee
        func text() -> String {
            guard let pointer = value.str else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: pointer, count: Int(value.len)), as: UTF8.self)
        }
        switch value.type {
        case REDIS_REPLY_STATUS: self = .status(text())
        case REDIS_REPLY_ERROR: self = .error(text())
        case REDIS_REPLY_INTEGER: self = .integer(Int(value.integer))
        case REDIS_REPLY_STRING: self = .bulk(text())
        case REDIS_REPLY_ARRAY: self = .array((0..<Int(value.elements)).map { RedisReply(value.element[$0]!) })
        default: self = .null
        }
    }
}
