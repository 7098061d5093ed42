"""Sequential chat completions to two targets, taken in turns, each over its own keep-alive
connection, timed: prints for each target p50 and p99 in milliseconds of the whole call and, for
streams, of the first event. Taking turns call by call means both series see the machine at the
same speed, which on a shared machine changes by a third from one minute to the next.
Bench tooling only.
Usage: latency_client.py TOKEN stream|plain COUNT NAME=URL@MODEL NAME=URL@MODEL"""
import http.client
import json
import socket
import sys
import time
from urllib.parse import urlparse

token, mode, count = sys.argv[1], sys.argv[2], int(sys.argv[3])


class Target:
    def __init__(self, spec):
        self.name, rest = spec.split("=", 1)
        url, model = rest.rsplit("@", 1)
        parsed = urlparse(url)
        self.path = parsed.path
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port)
        self.connection.connect()
        # Headers and body may leave in two writes; Nagle's algorithm would hold the second back.
        self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.body = json.dumps({"model": model, "temperature": 0.7, "stream": mode == "stream",
                                "messages": [{"role": "user", "content": "Give me one sentence about benchmarks."}]})
        self.totals, self.firsts = [], []

    def call(self, keep):
        headers = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
        started = time.perf_counter()
        self.connection.request("POST", self.path, self.body, headers)
        response = self.connection.getresponse()
        assert response.status == 200, (self.name, response.status, response.read()[:300])
        first = None
        if mode == "stream":
            while True:
                line = response.readline()
                if not line:
                    break
                if first is None and line.startswith(b"data: "):
                    first = time.perf_counter() - started
        response.read()
        total = time.perf_counter() - started
        if keep:
            self.totals.append(total * 1000)
            if first is not None:
                self.firsts.append(first * 1000)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


targets = [Target(spec) for spec in sys.argv[4:]]
for n in range(count + count // 10):
    for target in targets:
        target.call(keep=n >= count // 10)  # the first tenth warms up

results = {}
for target in targets:
    result = {"p50": percentile(target.totals, 50), "p99": percentile(target.totals, 99)}
    if target.firsts:
        result.update(first_p50=percentile(target.firsts, 50), first_p99=percentile(target.firsts, 99))
    results[target.name] = result
print(json.dumps(results))
