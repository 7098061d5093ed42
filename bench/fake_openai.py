"""A fake OpenAI upstream for bench/orchestrator.sh: answers /v1/chat/completions at once, as
JSON or as an SSE stream of CHUNKS chunks, over HTTP/1.1 keep-alive. Bench tooling only."""
import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNKS = 8
ANSWER = {"id": "chatcmpl-bench", "object": "chat.completion", "created": 1, "model": "bench-model",
          "choices": [{"index": 0, "message": {"role": "assistant", "content": "A benchmark answer."}, "finish_reason": "stop"}],
          "usage": {"prompt_tokens": 12, "completion_tokens": 4, "total_tokens": 16}}


def chunk(delta, finish=None, usage=None):
    body = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1, "model": "bench-model",
            "choices": [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if usage:
        body["usage"] = usage
    return b"data: " + json.dumps(body).encode() + b"\n\n"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Without it, Nagle's algorithm and delayed ACKs add 40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.reply(200, "application/json", json.dumps({"object": "list", "data": []}).encode())

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if not request.get("stream"):
            self.reply(200, "application/json", json.dumps(ANSWER).encode())
            return
        events = [chunk({"role": "assistant", "content": ""})]
        events += [chunk({"content": "word%d " % n}) for n in range(CHUNKS)]
        events += [chunk({}, "stop"), chunk(None, usage=ANSWER["usage"]), b"data: [DONE]\n\n"]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for event in events:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
